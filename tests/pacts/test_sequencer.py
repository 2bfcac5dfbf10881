"""One log sequencer at a time: `sequence_logs` takes a PostgreSQL advisory lock, a second one
waits (or, run once, exits) and takes over when the first stops."""

import io
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from netral.accounts.actors import Actor
from netral.base.locks import SessionLock, lock_key
from netral.pacts import services, transparency
from netral.pacts.management.commands import sequence_logs
from netral.pacts.models import Signature
from tests.conftest import Pacts
from tests.factories import employee_make
from tests.processes import Running, netral_env

ACTOR = Actor.command("tests")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serves one process: no lock to take"
)


def sign_many(pacts: Pacts, count: int, start: int = 0) -> list[Signature]:
    signatures = []
    for number in range(start, start + count):
        employee = employee_make(pacts.world.unit_b, f"Pegawai Antrean {number}")
        signature, _ = services.signature_create(
            actor=ACTOR,
            campaign=pacts.campaign,
            employee=employee,
            channel=Signature.Channel.LINK,
            typed_name=f"Pegawai Antrean {number}",
        )
        signatures.append(signature)
    return signatures


def assert_sequenced_once(pacts: Pacts, count: int) -> None:
    """Every signature has one log position, the positions are 0..count-1, the log verifies."""
    positions = list(Signature.objects.values_list("log_index", flat=True))
    assert len(positions) == count
    assert None not in positions
    assert sorted(p for p in positions if p is not None) == list(range(count))  # no gap, no twice
    out = io.StringIO()
    call_command("verify_log", "--campaign", pacts.campaign.code, stdout=out)
    assert f"{count} entries" in out.getvalue()


def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


class Sequencer(threading.Thread):
    """`netral sequence_logs` in a thread of its own, hence on a database connection of its own."""

    def __init__(self, *arguments: str, before: Callable[[], object] = lambda: None) -> None:
        super().__init__()
        self.arguments = arguments
        self.before = before
        self.command = sequence_logs.Command()
        self.out = io.StringIO()
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.before()
            call_command(self.command, *self.arguments, stdout=self.out)
        finally:
            connection.close()
            self.done.set()

    def output(self) -> str:
        return self.out.getvalue()

    def stop(self) -> None:
        self.command.stopping.set()
        self.join(timeout=10)
        assert not self.is_alive()


def test_the_sequencer_lock_has_one_fixed_key() -> None:
    key = lock_key(sequence_logs.LOCK_NAME)
    assert key == lock_key("netral.sequence_logs")
    assert -(2**63) <= key < 2**63  # PostgreSQL's bigint
    assert key != lock_key("netral.something_else")


def test_a_looping_sequencer_sequences_each_round_and_stops_when_asked(pacts: Pacts) -> None:
    sign_many(pacts, 3)
    command = sequence_logs.Command()
    command.stopping.set()  # one round, then stop instead of sleeping
    out = io.StringIO()
    call_command(command, "--loop", stdout=out)
    assert "this sequencer is active" in out.getvalue()
    assert "3 entries" in out.getvalue()
    assert_sequenced_once(pacts, 3)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sequencers_started_together_sequence_every_signature_once(
    pacts: Pacts, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_many(pacts, 40)
    # Small batches, and the sequencer that gets to work goes on only after the other one has
    # given up: without the lock both would append batches to the log in turns.
    monkeypatch.setattr(transparency, "SEQUENCE_BATCH", 4)
    one_returned = threading.Event()

    def slow_log_sequence(**kwargs: object) -> object:
        one_returned.wait(timeout=3)
        time.sleep(0.01)
        return transparency.log_sequence(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sequence_logs, "log_sequence", slow_log_sequence)
    start = threading.Barrier(2)
    sequencers = [Sequencer(before=start.wait) for _ in range(2)]
    for sequencer in sequencers:
        sequencer.start()
    while not any(sequencer.done.is_set() for sequencer in sequencers):
        time.sleep(0.01)
    one_returned.set()
    for sequencer in sequencers:
        sequencer.join(timeout=30)

    outputs = sorted((s.output() for s in sequencers), key=lambda text: "entries" in text)
    assert outputs[0] == "another sequencer is active: nothing done\n"
    assert outputs[1].count("entries") == 10  # every batch by the same sequencer
    assert "40 entries" in outputs[1]
    assert_sequenced_once(pacts, 40)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_waiting_sequencer_takes_over_when_the_active_one_stops(
    pacts: Pacts, settings: object
) -> None:
    settings.NETRAL_LOG_INTERVAL_SECONDS = 0.05  # type: ignore[attr-defined]
    first = Sequencer("--loop")
    first.start()
    until(lambda: "this sequencer is active" in first.output())
    second = Sequencer("--loop")
    second.start()
    try:
        until(lambda: "another sequencer is active, waiting" in second.output())
        sign_many(pacts, 5)
        until(lambda: "5 entries" in first.output())
        first.stop()  # its session ends: PostgreSQL frees the lock

        sign_many(pacts, 3, start=5)
        until(lambda: "8 entries" in second.output())
        assert "the other sequencer stopped: this sequencer is active now" in second.output()
        assert "entries" not in second.output().split("active now")[0]
        assert second.output().count("waiting") == 1  # said once, not every round
    finally:
        first.stop()
        second.stop()
    assert_sequenced_once(pacts, 8)


class OtherSession(threading.Thread):
    """Work in a thread of its own, on a database connection of its own."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:
            self.error = error
        finally:
            connection.close()  # without unlocking anything

    def outcome(self) -> object:
        self.join(timeout=10)
        assert self.error is None, self.error
        return self.result


def in_other_session(work: Callable[[], object]) -> object:
    session = OtherSession(work)
    session.start()
    return session.outcome()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_lock_belongs_to_a_session_and_goes_with_it() -> None:
    lock = SessionLock("tests.lock")
    assert lock.acquire()
    assert lock.acquire()  # held already: taken once, not stacked
    assert in_other_session(lambda: SessionLock("tests.lock").acquire()) is False
    lock.release()

    # Another session takes it, then its connection goes without unlocking (a crash).
    taken, crash = threading.Event(), threading.Event()

    def hold() -> None:
        assert SessionLock("tests.lock").acquire()
        taken.set()
        crash.wait(timeout=10)

    holder = OtherSession(hold)
    holder.start()
    assert taken.wait(timeout=10)
    assert not lock.acquire()
    crash.set()
    holder.outcome()
    until(lock.acquire)  # PostgreSQL frees it as the session ends

    # A new connection of this thread does not hold what the old one took: it takes it again.
    connection.close()
    assert in_other_session(lambda: SessionLock("tests.lock").acquire()) is True
    assert lock.acquire()
    assert in_other_session(lambda: SessionLock("tests.lock").acquire()) is False
    lock.release()
    assert in_other_session(lambda: SessionLock("tests.lock").acquire()) is True


@postgres_only
def test_a_looping_sequencer_survives_a_database_restart(tmp_path: Path) -> None:
    """`sequence_logs --loop` as it runs in production, on a PostgreSQL of its own that is
    stopped and started again under it: it says so, waits, and goes on."""
    # In /tmp itself: the server runs as another user, who cannot enter pytest's folders.
    folder = tempfile.mkdtemp(prefix="netral-test-restart-")
    pg = {**os.environ, "NETRAL_PG_DIR": folder, "NETRAL_PG_PORT": "54395"}
    script = str(Path(__file__).parents[2] / "scripts" / "pg.sh")
    url = subprocess.run(
        [script, "start"], env=pg, check=True, capture_output=True, text=True
    ).stdout.strip()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": url,
        "NETRAL_DATA_DIR": str(tmp_path / "data"),
        "NETRAL_LOG_INTERVAL_SECONDS": "1",
    }
    netral = [sys.executable, "-m", "netral"]
    try:
        subprocess.run([*netral, "migrate", "-v0"], env=env, check=True, timeout=180)
        sequencer = subprocess.Popen(
            [*netral, "sequence_logs", "--loop"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        output = sequencer.stdout
        assert output is not None
        reader = threading.Thread(
            target=lambda: lines.extend(iter(output.readline, "")), daemon=True
        )
        reader.start()
        until(lambda: any("this sequencer is active" in line for line in lines), timeout=60)
        subprocess.run([script, "stop"], env=pg, check=True, capture_output=True)
        until(lambda: any("cannot be reached" in line for line in lines), timeout=60)
        assert sequencer.poll() is None  # still running
        subprocess.run([script, "start"], env=pg, check=True, capture_output=True)
        until(lambda: any("answers again" in line for line in lines), timeout=90)
        until(lambda: sum("this sequencer is active" in line for line in lines) == 2, timeout=30)
        assert sequencer.poll() is None
    finally:
        if "sequencer" in locals():
            sequencer.terminate()
            sequencer.wait(timeout=30)
            if sequencer.stdout is not None:
                sequencer.stdout.close()
        subprocess.run([script, "destroy"], env=pg, capture_output=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite write lock")
@pytest.mark.django_db(transaction=True)
def test_a_looping_sequencer_waits_out_a_locked_sqlite_database(
    pacts: Pacts, tmp_path: Path
) -> None:
    """Another process holds SQLite's write lock longer than the busy timeout: the sequencer
    says so, backs off, and sequences once the lock is gone."""
    sign_many(pacts, 3)
    database = tmp_path / "data" / "netral.sqlite3"
    database.parent.mkdir()
    # The test database, copied into a file as a production process has it.
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    env = netral_env(
        database.parent, NETRAL_SQLITE_TIMEOUT_SECONDS="1", NETRAL_LOG_INTERVAL_SECONDS="1"
    )
    sequencer = Running(env, "sequence_logs", "--loop")
    try:
        sequencer.wait_for("cannot be reached (database is locked); trying again in 1 s")
        sequencer.wait_for("trying again in 2 s")
        assert sequencer.running
        blocker.execute("ROLLBACK")
        sequencer.wait_for("the database answers again", timeout=20)
        sequencer.wait_for("3 entries")
        assert sequencer.running
    finally:
        blocker.close()
        sequencer.stop()
    with sqlite3.connect(database) as copy:
        waiting = copy.execute("SELECT count(*) FROM pacts_signature WHERE log_index IS NULL")
        assert waiting.fetchone() == (0,)
