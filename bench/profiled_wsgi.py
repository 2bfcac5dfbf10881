"""Netral's WSGI application with a profiler, for `bench/ceremony.py --profile FOLDER`.

Each request runs under a cProfile profiler of CPU time (time.thread_time) of its own thread and
step (the method and the path with its codes left out), and its thread's CPU time is added to
the step's. When the worker stops (bench/profile_gunicorn.conf.py's worker_exit) it writes, into
NETRAL_BENCH_PROFILE, one pstats file per step and a JSON file of each step's requests and CPU
seconds. The profiler roughly doubles the time Python spends: read the shares, not the absolute
figures."""

import cProfile
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from netral.wsgi import application as netral_application

# Codes and tokens are left out of a step's name; the pages' own words are kept.
CODE = re.compile(r"/(?!(?:tanda-tangan|kirim-ulang|selesai)/)[A-Za-z0-9_-]{8,}(?=/)")
_local = threading.local()
_profiles: list[tuple[str, cProfile.Profile]] = []
_steps: dict[str, list[float]] = {}  # step: [requests, CPU seconds]
_lock = threading.Lock()


def step_of(method: str, path: str) -> str:
    return f"{method} {CODE.sub('/<code>', path)}"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    step = step_of(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
    profiles = getattr(_local, "profiles", None)
    if profiles is None:
        profiles = _local.profiles = {}
    profile = profiles.get(step)
    if profile is None:
        profile = profiles[step] = cProfile.Profile(time.thread_time)
        with _lock:
            _profiles.append((step, profile))
    started = time.thread_time()
    profile.enable()
    try:
        return netral_application(environ, start_response)
    finally:
        profile.disable()
        spent = time.thread_time() - started
        with _lock:
            counts = _steps.setdefault(step, [0, 0.0])
            counts[0] += 1
            counts[1] += spent


def dump() -> None:
    """Write this worker's profiles and step times into NETRAL_BENCH_PROFILE."""
    folder = Path(os.environ["NETRAL_BENCH_PROFILE"])
    folder.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    with _lock:
        for number, (step, profile) in enumerate(_profiles):
            name = re.sub(r"[^A-Za-z0-9]+", "_", step).strip("_")
            profile.dump_stats(folder / f"{pid}-{number}-{name}.pstats")
        (folder / f"{pid}-steps.json").write_text(json.dumps(_steps))
