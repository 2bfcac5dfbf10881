"""gunicorn's settings for Netral behind a TLS proxy. gunicorn reads this file from the working
directory (`gunicorn netral.wsgi` in the project's root); the command line overrides it.

Environment: NETRAL_BIND (127.0.0.1:8000), NETRAL_WORKERS (the cores + 1), NETRAL_THREADS (4),
NETRAL_PROXY_CONNECTIONS (64: the most connections the proxy keeps open to gunicorn).
bench/signing_surge.py runs the server with this file; docs/benchmarks.md has the figures."""

import math
import os

bind = os.environ.get("NETRAL_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# A worker runs Python on one core at a time. One worker more than the cores: while every thread
# of one worker waits on the database, another worker uses the core (idle time fell by half).
workers = int(os.environ.get("NETRAL_WORKERS", len(os.sched_getaffinity(0)) + 1))
# Threads overlap a worker's database round trips; more only wait longer for the interpreter.
threads = int(os.environ.get("NETRAL_THREADS", "4"))
# A gthread worker accepts whatever connections reach it first and keeps each while it is kept
# alive, so one worker could serve most of the proxy's connections while another idles: the
# slowest quarter of a surge's requests then waits twice as long. Each worker takes its share.
worker_connections = math.ceil(int(os.environ.get("NETRAL_PROXY_CONNECTIONS", "64")) / workers)
