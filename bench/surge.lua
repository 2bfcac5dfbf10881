-- wrk script for bench/signing_surge.py: each thread signs its share of the personal links once,
-- then stops. Lines of the file: "<path>\t<url-encoded form body>".
local lines = {}
for line in io.lines(os.getenv("SURGE_REQUESTS")) do
  lines[#lines + 1] = line
end
local threads = tonumber(os.getenv("SURGE_THREADS"))
local cookie = "csrftoken=" .. os.getenv("SURGE_CSRF")

local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  -- Thread k takes lines k, k + threads, k + 2 * threads, ...
  next_line = id
  done = 0
  mine = 0
  for i = id, #lines, threads do mine = mine + 1 end
end

function request()
  local line = lines[next_line]
  if line == nil then
    line = lines[id]  -- only while stopping: a repeat, which the server answers idempotently
  end
  next_line = next_line + threads
  local path, body = line:match("([^\t]+)\t(.*)")
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

function response(status, headers, body)
  done = done + 1
  if done >= mine then
    wrk.thread:stop()
  end
end
