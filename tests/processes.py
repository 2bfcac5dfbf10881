"""Netral's long-running commands as they run in production: a process of their own, on a
database of their own (SQLite in a folder, or a PostgreSQL cluster from scripts/pg.sh)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).parents[1]
PG_SCRIPT = str(REPO / "scripts" / "pg.sh")
NETRAL = [sys.executable, "-m", "netral"]


def until(condition: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(0.05)


def netral_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process: the project's settings, not the tests'."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "NETRAL_DATA_DIR": str(data_dir),
        **extra,
    }


def netral(env: dict[str, str], *arguments: str, timeout: float = 180) -> None:
    subprocess.run([*NETRAL, *arguments], env=env, cwd=REPO, check=True, timeout=timeout)


class Running:
    """A `netral` command running in the background, its output (stdout and stderr) read line
    by line as it comes."""

    def __init__(self, env: dict[str, str], *arguments: str) -> None:
        self.process = subprocess.Popen(
            [*NETRAL, *arguments],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        output = self.process.stdout
        assert output is not None
        self.reader = threading.Thread(
            target=lambda: self.lines.extend(iter(output.readline, "")), daemon=True
        )
        self.reader.start()

    def said(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def wait_for(self, text: str, *, times: int = 1, timeout: float = 30) -> None:
        until(lambda: self.said(text) >= times, timeout, f"{text!r} in {self.lines}")

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        finally:
            self.reader.join(timeout=5)
            if self.process.stdout is not None:
                self.process.stdout.close()


@contextmanager
def postgres_cluster(port: int) -> Iterator[tuple[str, Callable[[str], str]]]:
    """A PostgreSQL of its own: its URL, and a function to `stop` or `start` it."""
    # In /tmp itself: the server runs as another user, who cannot enter pytest's folders.
    folder = tempfile.mkdtemp(prefix="netral-test-cluster-")
    env = {**os.environ, "NETRAL_PG_DIR": folder, "NETRAL_PG_PORT": str(port)}

    def pg(command: str) -> str:
        done = subprocess.run(
            [PG_SCRIPT, command], env=env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    try:
        yield pg("start"), pg
    finally:
        subprocess.run([PG_SCRIPT, "destroy"], env=env, capture_output=True)
