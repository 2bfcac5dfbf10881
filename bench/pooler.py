"""The connection pooler of docs/deploy.md, tested: Debian 12's PgBouncer (1.18) in transaction
mode in front of PostgreSQL, with Netral set as the guide prescribes for it
(DATABASE_PREPARED_STATEMENTS=false, DATABASE_DISABLE_SERVER_SIDE_CURSORS=true).

usage: python bench/pooler.py    (needs Debian's postgresql and pgbouncer; root or not)

A private PostgreSQL cluster (scripts/pg.sh, port 54351) and PgBouncer (port 54352; the pool
`netral` in transaction mode, `netral_session` in session mode, 3 server connections each). Through
the pooler, asserting each step:

1. `netral migrate` on an empty database, then the demo agency (400 employees) is seeded;
2. gunicorn (gunicorn.conf.py, 2 workers of 4 threads: 8 client connections for 3 server
   connections) and 16 clients open and sign every personal link (the page, the form, the
   thank-you page): no error, one signature each;
3. `netral sequence_logs` through the session pool, `netral verify_log` through the transaction
   pool;
4. what the guide warns of, with the project's defaults in transaction mode: a prepared statement
   and a server-side cursor are gone once the client's next statement lands on another server
   connection; worse, a client may run another client's statement of the same name and get its
   rows without an error; the same signing run with prepared statements (4 workers: 16 client
   connections) fails in part; and a session advisory lock taken through transaction pooling is
   granted to every client and then stays with a pooled server connection (in session mode it is
   granted to one client at a time and passes on when its holder leaves).

It takes about 30 seconds. CI runs it (.ci/run).
"""

import http.client
import os
import pwd
import re
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_PORT = 54351
POOLER_PORT = 54352
HTTP_PORT = 8012
POOL_SIZE = 3
EMPLOYEES = 400
CLIENTS = 16
PGBOUNCER = "/usr/sbin/pgbouncer"
POOLED = f"postgres://netral@127.0.0.1:{POOLER_PORT}/netral"
SESSION = f"postgres://netral@127.0.0.1:{POOLER_PORT}/netral_session"
ADMIN = f"postgresql://netral@127.0.0.1:{POOLER_PORT}/pgbouncer"
# What docs/deploy.md prescribes for a pooler in transaction mode that keeps no prepared statements.
PRESCRIBED = {
    "DATABASE_PREPARED_STATEMENTS": "false",
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "true",
}
# The project's defaults: empty is the default to env_bool.
DEFAULTS = {"DATABASE_PREPARED_STATEMENTS": "", "DATABASE_DISABLE_SERVER_SIDE_CURSORS": ""}

PGBOUNCER_INI = """\
[databases]
netral = host=127.0.0.1 port={pg_port} dbname=netral
netral_session = host=127.0.0.1 port={pg_port} dbname=netral pool_mode=session

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
admin_users = netral
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
logfile = {folder}/pgbouncer.log
log_connections = 0
log_disconnections = 0
"""


def step(text: str) -> None:
    print(f"== {text}", flush=True)


def cluster_owner() -> pwd.struct_passwd | None:
    """The user scripts/pg.sh runs the server as when we are root (PgBouncer refuses root too)."""
    if os.getuid() != 0:
        return None
    for name in ("postgres", "netral-ci"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise SystemExit("scripts/pg.sh made no user to run the servers as")


def pgbouncer_start(folder: Path) -> subprocess.Popen[bytes]:
    if not Path(PGBOUNCER).exists():
        raise SystemExit(f"{PGBOUNCER} is missing: apt-get install pgbouncer")
    (folder / "pgbouncer.ini").write_text(
        PGBOUNCER_INI.format(pg_port=PG_PORT, port=POOLER_PORT, folder=folder, pool_size=POOL_SIZE)
    )
    (folder / "userlist.txt").write_text('"netral" ""\n')
    owner = cluster_owner()
    if owner is not None:
        for path in (folder, folder / "pgbouncer.ini", folder / "userlist.txt"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    process = subprocess.Popen(
        [PGBOUNCER, str(folder / "pgbouncer.ini")],
        user=owner.pw_uid if owner else None,
        group=owner.pw_gid if owner else None,
        extra_groups=[] if owner else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the same lines go to pgbouncer.log
        start_new_session=True,
    )
    for _attempt in range(50):
        try:
            psycopg.connect(ADMIN, autocommit=True).close()
            return process
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise SystemExit("PgBouncer did not start: " + (folder / "pgbouncer.log").read_text())


def admin_rows(command: str) -> list[dict[str, Any]]:
    """A command of PgBouncer's console (which speaks the simple query protocol only)."""
    with psycopg.connect(ADMIN, autocommit=True) as console:
        cursor = console.cursor()
        cursor.execute(command, prepare=False)
        if cursor.description is None:
            return []
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def servers_renew() -> None:
    """Close the transaction pool's server connections as they come free: the next demonstration
    starts on server connections without prepared statements."""
    admin_rows("RECONNECT netral")


def pool_row(database: str) -> dict[str, Any]:
    return next(row for row in admin_rows("SHOW POOLS") if row["database"] == database)


def transactions(database: str) -> int:
    stats = admin_rows("SHOW STATS")
    return int(next(row["total_xact_count"] for row in stats if row["database"] == database))


@dataclass
class PoolPeak:
    """The most client and server connections of the transaction pool seen while it ran."""

    clients: int = 0
    servers: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def watch(self) -> None:
        while not self.stop.is_set():
            row = pool_row("netral")
            self.clients = max(self.clients, row["cl_active"] + row["cl_waiting"])
            servers = sum(
                row[f"sv_{state}"] for state in ("active", "idle", "used", "tested", "login")
            )
            self.servers = max(self.servers, servers)
            time.sleep(0.05)


def project_database(**environment: str) -> dict[str, Any]:
    """The database settings netral/settings.py makes under these variables."""
    with patch.dict(os.environ, environment):
        return runpy.run_path(str(ROOT / "netral" / "settings.py"))["DATABASES"]["default"]


@contextmanager
def gunicorn(environment: dict[str, str], log: Path, workers: int = 2) -> Iterator[str]:
    env = dict(
        os.environ,
        **environment,
        DATABASE_URL=POOLED,
        DJANGO_SETTINGS_MODULE="netral.settings",
        NETRAL_DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        NETRAL_BIND=f"127.0.0.1:{HTTP_PORT}",
        NETRAL_WORKERS=str(workers),
        NETRAL_THREADS="4",
    )
    with log.open("w") as errors:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "netral.wsgi:application", "--log-level=warning"],
            cwd=ROOT,  # where gunicorn finds gunicorn.conf.py
            env=env,
            stderr=errors,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{HTTP_PORT}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start:\n" + log.read_text())
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def sign_everyone(base: str, paths: list[str], names: list[str]) -> Counter[str]:
    """CLIENTS clients, each with its kept-alive connection, open and sign every link as a
    browser does: the page, the form, and the page again (the thank-you page the form redirects
    to). Returns the count of each answer ("GET 200", "POST 302", ...)."""
    csrf = secrets.token_hex(16)
    local = threading.local()
    host = base.removeprefix("http://")

    def request(method: str, path: str, body: str | None) -> int:
        for _attempt in range(3):
            if getattr(local, "connection", None) is None:
                local.connection = http.client.HTTPConnection(host, timeout=60)
            headers = {"Cookie": f"csrftoken={csrf}"}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                local.connection.request(method, path, body=body, headers=headers)
                response = local.connection.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                local.connection.close()  # the server closed a kept-alive connection: reconnect
                local.connection = None
        raise RuntimeError(f"{method} {path}: the server closed the connection three times")

    def sign(path: str, name: str) -> list[str]:
        body = urlencode({"typed_name": name, "consent": "on", "csrfmiddlewaretoken": csrf})
        return [
            f"GET {request('GET', path, None)}",
            f"POST {request('POST', path, body)}",
            f"GET {request('GET', path, None)}",
        ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = pool.map(sign, paths, names)
        return Counter(answer for pair in answers for answer in pair)


def netral(*arguments: str, url: str, environment: dict[str, str]) -> str:
    env = dict(os.environ, **environment, DATABASE_URL=url)
    result = subprocess.run(
        [sys.executable, "-m", "netral", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"netral {' '.join(arguments)}:\n{result.stderr}"
    return result.stdout


def failure(action: Callable[[], object]) -> str:
    """The error an action raises, as text ("" when it raises none)."""
    from django.db import DatabaseError

    try:
        action()
    # psycopg's own when closing a cursor that is gone: Django wraps only the fetches.
    except (DatabaseError, psycopg.Error) as error:
        return str(error).strip()
    return ""


def main() -> None:
    started = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix="netral-pooler-data-"))
    pg_dir = Path(tempfile.mkdtemp(prefix="netral-pooler-pg-"))
    pooler_dir = Path(tempfile.mkdtemp(prefix="netral-pooler-pgbouncer-"))
    os.environ.update(
        NETRAL_DATA_DIR=str(data_dir),
        NETRAL_PG_DIR=str(pg_dir),
        NETRAL_PG_PORT=str(PG_PORT),
        DATABASE_URL=POOLED,
        DJANGO_SETTINGS_MODULE="netral.settings",
        **PRESCRIBED,
    )
    pgbouncer = None
    try:
        subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start"], check=True, capture_output=True)
        pgbouncer = pgbouncer_start(pooler_dir)
        version = subprocess.run([PGBOUNCER, "--version"], capture_output=True, text=True)
        step(
            f"{version.stdout.splitlines()[0]}, transaction pool of {POOL_SIZE} server connections"
        )
        run_checks(data_dir)
    finally:
        if pgbouncer is not None:
            os.killpg(pgbouncer.pid, signal.SIGTERM)
            pgbouncer.wait(timeout=30)
        subprocess.run([str(ROOT / "scripts" / "pg.sh"), "destroy"], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(pooler_dir, ignore_errors=True)
    print(f"all checks passed in {time.perf_counter() - started:.0f} s")


def run_checks(data_dir: Path) -> None:
    step("netral migrate through the transaction pool")
    netral("migrate", "--verbosity=0", url=POOLED, environment=PRESCRIBED)

    import django
    from django.conf import settings

    # A second connection to the same pool, set as the project is by default (prepared
    # statements, server-side cursors): what the guide says not to run in transaction mode.
    defaults = project_database(**DEFAULTS)
    assert defaults["OPTIONS"]["prepare_threshold"] == 5
    assert defaults["DISABLE_SERVER_SIDE_CURSORS"] is False
    settings.DATABASES["defaults"] = defaults
    django.setup()
    from django.db import connections

    from netral.agencies.models import Agency, Employee
    from netral.demo.seed import demo_seed
    from netral.pacts.models import Campaign, Signature, SigningLink
    from netral.pacts.services import signing_link_url_token

    default = settings.DATABASES["default"]
    assert default["OPTIONS"] == {} and default["DISABLE_SERVER_SIDE_CURSORS"] is True

    step(f"seed the demo agency ({EMPLOYEES} employees) through the transaction pool")
    agency = demo_seed(size=EMPLOYEES)
    campaign = Campaign.objects.get(agency=agency)
    Signature.objects.filter(campaign=campaign).delete()  # the demo signs half; start from none
    links = list(
        SigningLink.objects.filter(campaign=campaign).select_related("employee", "campaign")
    )
    paths = [f"/t/{signing_link_url_token(link)}/" for link in links]
    names = [link.employee.name for link in links]
    assert len(links) == EMPLOYEES, len(links)

    step(f"{CLIENTS} clients sign through gunicorn (2 workers x 4 threads), prescribed settings")
    peak = PoolPeak()
    watcher = threading.Thread(target=peak.watch)
    before = transactions("netral")
    with gunicorn(PRESCRIBED, data_dir / "gunicorn.log") as base:
        watcher.start()
        clock = time.perf_counter()
        answers = sign_everyone(base, paths, names)
        elapsed = time.perf_counter() - clock
        peak.stop.set()
        watcher.join()
    signed = Signature.objects.filter(campaign=campaign).count()
    shared = transactions("netral") - before
    print(f"   answers: {dict(sorted(answers.items()))} in {elapsed:.1f} s")
    print(
        f"   {signed} signatures; {shared} transactions on at most {peak.servers} server "
        f"connections for up to {peak.clients} client connections"
    )
    assert answers == Counter({"GET 200": 2 * EMPLOYEES, "POST 302": EMPLOYEES}), answers
    assert signed == EMPLOYEES, signed
    assert peak.servers <= POOL_SIZE < peak.clients, (peak.servers, peak.clients)
    errors = (data_dir / "gunicorn.log").read_text()
    assert "Error" not in errors, errors[-3000:]

    step("netral sequence_logs through the session pool, verify_log through the transaction pool")
    netral("sequence_logs", url=SESSION, environment=DEFAULTS)
    verified = netral("verify_log", "--campaign", campaign.code, url=POOLED, environment=PRESCRIBED)
    print("   " + verified.strip())
    assert f"{EMPLOYEES} entries" in verified and "all consistent" in verified, verified

    step("the project's defaults in transaction mode, when a server connection changes hands")
    # PgBouncer hands out the server connection released last; a client holding it in an open
    # transaction sends the next statement of the client under test to another one.
    holder = psycopg.connect(POOLED.replace("postgres://", "postgresql://"))

    def prepared_then_moved(alias: str) -> str:
        query = Employee.objects.using(alias).filter(agency=agency)
        for _run in range(6):  # psycopg prepares a statement on its fifth run
            query.count()
        holder.execute("SELECT 1")
        try:
            return failure(query.count)
        finally:
            holder.rollback()

    def cursor_then_moved(alias: str) -> str:
        rows = Employee.objects.using(alias).values_list("pk", flat=True).iterator(chunk_size=100)
        next(rows)  # the cursor is declared and its first 100 rows fetched
        holder.execute("SELECT 1")
        try:
            return failure(lambda: list(rows))
        finally:
            holder.rollback()

    error = prepared_then_moved("defaults")
    print(f"   prepared statements on: {error}")
    assert re.search(r'prepared statement "_pg3_\d+" does not exist', error), error
    assert prepared_then_moved("default") == "", "the prescribed settings failed"
    print("   prepared statements off: no error")
    error = cursor_then_moved("defaults")
    print(f"   server-side cursors on: {error}")
    assert re.search(r'cursor "_django_curs_\w+" does not exist', error), error
    assert cursor_then_moved("default") == "", "the prescribed settings failed"
    print("   server-side cursors off: no error")

    def name_asked_for(alias: str) -> str | None:
        """Two clients (threads, each with its own connection) prepare different queries, which
        psycopg names alike, on two server connections; the first then runs its query again on
        the second's server connection. Returns what it gets for the agency's name."""
        agency_name = Agency.objects.using(alias).filter(pk=agency.pk).values_list("name")
        employee = Employee.objects.filter(agency=agency).order_by("pk").first()
        assert employee is not None
        employee_name = Employee.objects.using(alias).filter(pk=employee.pk).values_list("name")
        first, second = ThreadPoolExecutor(1), ThreadPoolExecutor(1)
        try:
            for _run in range(6):
                first.submit(agency_name.all().first).result()
            holder.execute("SELECT 1")  # the first's server connection, held
            for _run in range(6):
                second.submit(employee_name.all().first).result()
            row = first.submit(agency_name.all().first).result()
            holder.rollback()
            return row[0] if row else None
        finally:
            for client in (first, second):
                client.submit(connections.close_all).result()
                client.shutdown()

    servers_renew()
    answer = name_asked_for("defaults")
    print(f"   prepared statements on: asked for {agency.name!r}, got {answer!r} (no error)")
    assert answer != agency.name, answer
    assert name_asked_for("default") == agency.name, "the prescribed settings failed"
    print("   prepared statements off: the agency's name")
    holder.close()
    connections.close_all()

    step("the same signing run with prepared statements on (the project's default)")
    Signature.objects.filter(campaign=campaign).delete()
    with gunicorn(DEFAULTS, data_dir / "gunicorn-prepared.log", workers=4) as base:
        answers = sign_everyone(base, paths, names)
    failed = sum(n for answer, n in answers.items() if answer.endswith(" 500"))
    logs = (data_dir / "gunicorn-prepared.log").read_text()
    found = sorted(set(re.findall(r"prepared statement \S+ (does not exist|already exists)", logs)))
    signed = Signature.objects.filter(campaign=campaign).count()
    print(f"   answers: {dict(sorted(answers.items()))}; {signed} of {EMPLOYEES} signed")
    print(f"   {failed} requests failed (HTTP 500): prepared statement ... {' / '.join(found)}")
    assert failed > 0 and found, answers
    assert logs.count("Internal Server Error") == failed, "a 500 of another cause"

    step("a session advisory lock (the log sequencer's): two clients, then the first leaves")
    direct = f"postgresql://netral@127.0.0.1:{PG_PORT}/netral"
    for url, mode, key in ((POOLED, "transaction", 4242), (SESSION, "session", 4243)):
        url = url.replace("postgres://", "postgresql://")

        def try_lock(client: psycopg.Connection[Any], key: int = key) -> bool:
            row = client.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
            return bool(row and row[0])

        with psycopg.connect(url, autocommit=True) as first:
            second = psycopg.connect(url, autocommit=True)
            granted = [try_lock(first), try_lock(second)]
        with psycopg.connect(url, autocommit=True) as third:  # the first has left
            granted += [try_lock(second), try_lock(third)]
        second.close()
        with psycopg.connect(direct, autocommit=True) as outside:  # no client holds it now
            granted.append(try_lock(outside))
        print(
            f"   {mode} pool: first {granted[0]}, second {granted[1]}; after the first left: "
            f"second {granted[2]}, a third {granted[3]}; all gone, a direct client {granted[4]}"
        )
        if mode == "transaction":  # everybody holds it, and then nobody can have it
            assert granted == [True, True, True, True, False], granted
        else:  # one at a time, and the lock passes on when its holder leaves
            assert granted == [True, False, True, False, True], granted


if __name__ == "__main__":
    main()
