"""The ceremony day: the demo agency's employees sign through the ceremony QR code, as a hall
behind NAT, then as many sign through their personal links, to compare the CPU per signature.

usage: python bench/ceremony.py [--employees 8100] [--minutes 10] [--scale 1] [--link-scale S]
       [--connections 64] [--phones 400] [--pg-port 54481] [--seed 13] [--keep] [--verbose]
       [--profile FOLDER]       (figures and the defaults of the recorded run: docs/benchmarks.md)

It starts a private PostgreSQL with fsync on (scripts/pg.sh, PG_FAST=0, in a folder of its own
on --pg-port), migrates, seeds the demo agency with --employees employees and deletes the
demo's signatures. Those with neither a phone nor an e-mail address get printed codes (the
coordinator's slips); every channel's backend is the outbox (NETRAL_WHATSAPP_BACKEND,
NETRAL_SMS_BACKEND and NETRAL_MAIL_BACKEND = outbox). Then it runs gunicorn with
gunicorn.conf.py, the message worker (`netral db_worker --queue-name messages --interval 0.5`,
as docs/deploy.md runs it) and the default worker.

The ceremony: the employees arrive over --minutes minutes, divided by --scale (a gamma curve
whose peak is at 15 % of the span: about 60 % arrive in the first three of ten minutes), each
from one of 4 public addresses (a hall behind NAT: X-Forwarded-For from the proxy, with
NETRAL_TRUSTED_PROXIES=127.0.0.1). Each opens the ceremony page, gives the NIP (NIK for non-ASN
staff; 5 % mistype it first), opens the code page, waits for the code in the outbox (or reads
the printed slip), types it (2 % mistype it once), opens the pact, signs and sees the thank-you
page. Every request goes through a pool of --connections keep-alive connections, as a proxy's to
gunicorn, handed out first come, first served; the time a request waits for one counts in its
latency. At most --phones people walk at once; the others wait to start (the start lag). Each
phone keeps its own cookies (session, CSRF, the device cookie `netral_device`).

The personal links: a second campaign of the same agency, opened for the same employees, each of
whom opens the personal link, signs and sees the thank-you page, on the same arrival curve
(divided by --link-scale, default --scale).

The CPU time of gunicorn's processes (and of PostgreSQL's and the workers') is read from /proc
before and after each phase; the report gives it per signature and the ratio of the two paths.

Asserted, exiting non-zero on failure: every employee signed each campaign exactly once, every
page answered as expected (nobody was refused with "too many attempts"), no 5xx, one message per
employee with a channel, all sent, no traceback in the server's log."""

from __future__ import annotations

import argparse
import html
import http.client
import io
import json
import math
import os
import pstats
import random
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.two_servers import Failed, Processes, check, free_port, wait_for  # noqa: E402

ADDRESSES = ["203.0.113.10", "203.0.113.20", "198.51.100.7", "192.0.2.44"]  # the hall's NAT
NIP_MISTYPED = 0.05
CODE_MISTYPED = 0.02
CODE_WAIT_SECONDS = 120  # a person waits this long for the code before giving up
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKS = os.sysconf("SC_CLK_TCK")


# --- The proxy and the phones ---


@dataclass
class Response:
    status: int
    location: str
    body: bytes


class Pool:
    """Connections handed out first come, first served, as the kernel's listen backlog does:
    with a plain queue a phone between two requests of its walk would take a freed connection
    before the newcomers that were waiting for one."""

    def __init__(self, size: int) -> None:
        self.lock = threading.Lock()
        self.idle: list[http.client.HTTPConnection | None] = [None] * size
        self.waiting: deque[tuple[threading.Event, list[http.client.HTTPConnection | None]]]
        self.waiting = deque()

    def take(self) -> http.client.HTTPConnection | None:
        with self.lock:
            if self.idle and not self.waiting:
                return self.idle.pop()
            turn: tuple[threading.Event, list[http.client.HTTPConnection | None]]
            turn = (threading.Event(), [])
            self.waiting.append(turn)
        turn[0].wait()
        return turn[1][0]

    def give(self, connection: http.client.HTTPConnection | None) -> None:
        with self.lock:
            if self.waiting:
                event, slot = self.waiting.popleft()
                slot.append(connection)
                event.set()
            else:
                self.idle.append(connection)


class Proxy:
    """The reverse proxy's keep-alive connections to gunicorn: every phone's request takes one
    (waiting its turn while all are busy), with the phone's public address in X-Forwarded-For."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self.pool = Pool(size)

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple:
        connection = self.pool.take()
        try:
            for attempt in (1, 2):
                if connection is None:
                    connection = self._connection()
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    return response.status, response.msg, response.read()
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # gunicorn closed a kept-alive connection before reading the request (its
                    # keepalive is 2 s): a proxy opens a new one, as here.
                    connection.close()
                    connection = None
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")
        except BaseException:
            if connection is not None:
                connection.close()  # in an unknown state: the next request opens a new one
            connection = None
            raise
        finally:
            self.pool.give(connection)


@dataclass
class Figures:
    """What the phones saw: latencies per step, statuses, and what went wrong."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lockouts: int = 0
    start_lag: list[float] = field(default_factory=list)
    delivery: list[float] = field(default_factory=list)  # NIP sent to message handed over
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = 0.0

    timeline: list[tuple[float, str, float]] = field(default_factory=list)  # start, step, s

    def record(self, step: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.setdefault(step, []).append(seconds)
            self.statuses[status] += 1
            self.timeline.append((time.monotonic() - seconds, step, seconds))


class Phone:
    """One employee's phone: its own cookies, behind one of the hall's addresses."""

    def __init__(self, proxy: Proxy, address: str, figures: Figures) -> None:
        self.proxy, self.address, self.figures = proxy, address, figures
        self.cookies: dict[str, str] = {}

    def go(self, step: str, path: str, fields: dict[str, str] | None = None) -> Response:
        headers = {
            "Host": "127.0.0.1",
            "User-Agent": "Mozilla/5.0 (Linux; Android 11; bench) Chrome/120 Mobile",
            "X-Forwarded-For": self.address,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        status, message, data = self.proxy.send("POST" if body else "GET", path, body, headers)
        self.figures.record(step, time.perf_counter() - started, status)
        for header in message.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if status >= 500:
            raise Failed(f"{step}: HTTP {status}")
        return Response(status, urlsplit(message.get("Location", "")).path, data)


def csrf_token(response: Response, step: str) -> str:
    found = CSRF.search(response.body)
    check(found, f"{step}: no CSRF token on the page")
    assert found is not None
    return found.group(1).decode()


# --- The outbox: where the phones' codes arrive ---


class Outbox:
    """Reads the outbox backend's files as they come (moving each into read/ so the listing stays
    short) and hands each code to the phone of its recipient."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.read = folder / "read"
        self.read.mkdir(parents=True, exist_ok=True)
        self.codes: dict[str, list[tuple[str, float]]] = {}  # recipient: (code, sent at)
        self.changed = threading.Condition()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.stopped.is_set():
            arrived = []
            for entry in os.scandir(self.folder):
                if entry.name.endswith(".json") and entry.is_file():
                    record = json.loads(Path(entry.path).read_text(encoding="utf-8"))
                    os.replace(entry.path, self.read / entry.name)
                    arrived.append(record)
            if arrived:
                with self.changed:
                    for record in arrived:
                        sent = _timestamp(record["at"])
                        self.codes.setdefault(record["to"], []).append(
                            (record["parameters"][0], sent)
                        )
                    self.changed.notify_all()
            self.stopped.wait(0.05)

    def wait(self, recipient: str, timeout: float) -> tuple[str, float] | None:
        with self.changed:
            self.changed.wait_for(lambda: recipient in self.codes, timeout=timeout)
            received = self.codes.get(recipient)
            return received[-1] if received else None


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


# --- The people ---


@dataclass(frozen=True)
class Person:
    name: str
    identifier: str  # the NIP, or the NIK of a non-ASN employee
    recipient: str  # where the code goes ("" with a printed slip)
    slip: str  # the printed code, if any
    link: str  # the personal link's path
    address: str
    arrival: float  # seconds after the start
    wrong_identifier: str  # typed first, or ""
    wrong_code: bool


def arrivals(count: int, span: float, rng: random.Random) -> list[float]:
    """Arrival times over `span` seconds: a gamma curve (shape 2) peaking at 15 % of the span,
    cut at its end; the phones of a hall arrive mostly in the first minutes."""
    scale = span * 0.15
    times: list[float] = []
    while len(times) < count:
        moment = rng.gammavariate(2, scale)
        if moment < span:
            times.append(moment)
    return sorted(times)


def mistyped(identifier: str, known: set[str], rng: random.Random) -> str:
    """Two neighbouring digits swapped, as thumbs do; one left out if that makes a real one."""
    for _ in range(20):
        at = rng.randrange(len(identifier) - 1)
        swapped = identifier[:at] + identifier[at + 1] + identifier[at] + identifier[at + 2 :]
        if swapped != identifier and swapped not in known:
            return swapped
    at = rng.randrange(len(identifier))
    return identifier[:at] + identifier[at + 1 :]


def ceremony_walk(
    person: Person, phone: Phone, outbox: Outbox, campaign: str, texts: dict[str, str]
) -> None:
    start = f"/k/{campaign}/"
    page = phone.go("page", start)
    check(page.status == 200, f"page: HTTP {page.status}")
    token = csrf_token(page, "page")
    if person.wrong_identifier:
        refused = phone.go(
            "nip (mistyped)",
            start,
            {"csrfmiddlewaretoken": token, "identifier": person.wrong_identifier},
        )
        if texts["locked"].encode() in refused.body:
            raise Locked("a mistyped NIP")
        check(
            refused.status == 200 and texts["not_listed"].encode() in refused.body,
            f"mistyped NIP: HTTP {refused.status}, not refused as unknown",
        )
    asked = time.time()
    given = phone.go("nip", start, {"csrfmiddlewaretoken": token, "identifier": person.identifier})
    if texts["locked"].encode() in given.body:
        raise Locked("the NIP")
    check(given.status == 302 and given.location.endswith("/kode/"), f"nip: {given.status}")
    code_page = phone.go("code page", given.location)
    check(code_page.status == 200, f"code page: HTTP {code_page.status}")
    token = csrf_token(code_page, "code page")
    if person.slip:
        code = person.slip
    else:
        received = outbox.wait(person.recipient, CODE_WAIT_SECONDS)
        check(received, f"no code reached {person.recipient} in {CODE_WAIT_SECONDS} s")
        assert received is not None
        code, sent_at = received
        with phone.figures.lock:
            phone.figures.delivery.append(sent_at - asked)
    if person.wrong_code:
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        refused = phone.go("code (mistyped)", given.location, _code(token, wrong))
        if texts["locked"].encode() in refused.body:
            raise Locked("a mistyped code")
        check(
            refused.status == 200 and texts["wrong_code"].encode() in refused.body,
            f"mistyped code: HTTP {refused.status}, not refused as wrong",
        )
    accepted = phone.go("code", given.location, _code(token, code))
    if texts["locked"].encode() in accepted.body:
        raise Locked("the code")
    check(accepted.status == 302, f"code: HTTP {accepted.status}, not accepted")
    pact = phone.go("sign page", accepted.location)
    check(pact.status == 200 and b"sign-form" in pact.body, f"sign page: HTTP {pact.status}")
    sign(phone, accepted.location, csrf_token(pact, "sign page"), person.name, "")


def link_walk(person: Person, phone: Phone) -> None:
    pact = phone.go("link page", person.link)
    check(pact.status == 200 and b"sign-form" in pact.body, f"link page: HTTP {pact.status}")
    sign(phone, person.link, csrf_token(pact, "link page"), person.name, "link ")


def sign(phone: Phone, path: str, token: str, name: str, prefix: str) -> None:
    fields = {"csrfmiddlewaretoken": token, "typed_name": name, "consent": "on"}
    signed = phone.go(f"{prefix}sign", path, fields)
    check(signed.status == 302, f"{prefix}sign: HTTP {signed.status}")
    thanks = phone.go(f"{prefix}thank-you page", signed.location)
    check(
        thanks.status == 200 and b'data-testid="signed"' in thanks.body,
        f"{prefix}thank-you page: HTTP {thanks.status}",
    )


def _code(token: str, code: str) -> dict[str, str]:
    return {"csrfmiddlewaretoken": token, "code": code}


class Locked(Exception):
    pass


def timeline_table(figures: Figures, started: float, every: float = 30.0) -> list[str]:
    """Requests, p50 and p99 of every `every` seconds of a phase, and its slowest request."""
    slots: dict[int, list[float]] = {}
    for moment, _step, seconds in figures.timeline:
        slots.setdefault(int((moment - started) // every), []).append(seconds)
    lines = ["| from | requests | p50 | p99 |", "|---:|---:|---:|---:|"]
    for slot, values in sorted(slots.items()):
        lines.append(
            f"| {slot * every:.0f} s | {len(values)} | {percentile(values, 0.5) * 1000:.0f} ms | "
            f"{percentile(values, 0.99) * 1000:.0f} ms |"
        )
    moment, step, seconds = max(figures.timeline, key=lambda entry: entry[2])
    lines.append(f"slowest: {step} at {moment - started:.0f} s, {seconds * 1000:.0f} ms")
    return lines


def profile_report(folder: Path) -> list[str]:
    """CPU per request of each step, from bench/profiled_wsgi.py's files, and the functions
    that take the most time over the ceremony's requests (all of them in ceremony.txt)."""
    steps: dict[str, list[float]] = {}
    for file in folder.glob("*-steps.json"):
        for step, (requests, seconds) in json.loads(file.read_text()).items():
            total = steps.setdefault(step, [0, 0.0])
            total[0] += requests
            total[1] += seconds
    lines = [
        "CPU per request, profiled (the profiler slows Python down: compare, do not add up):",
        "| step | requests | CPU per request |",
        "|---|---:|---:|",
    ]
    for step, (requests, seconds) in sorted(steps.items(), key=lambda item: -item[1][1]):
        lines.append(f"| {step} | {requests:.0f} | {seconds / requests * 1000:.1f} ms |")
    ceremony = [str(file) for file in folder.glob("*_k_code*.pstats")]
    if ceremony:
        out = io.StringIO()
        stats = pstats.Stats(*ceremony, stream=out)
        stats.sort_stats("cumulative").print_stats(80)
        stats.sort_stats("tottime").print_stats(60)
        (folder / "ceremony.txt").write_text(out.getvalue())
        lines.append(f"profile of the ceremony's requests: {folder / 'ceremony.txt'}")
    return lines


def run_phase(
    people: list[Person],
    walk: Callable[[Person, Phone], None],
    proxy: Proxy,
    phones: int,
    scale: float,
    figures: Figures,
) -> float:
    """Start each person's walk at their arrival time (divided by `scale`); the seconds taken."""
    started = figures.started = time.monotonic()

    def one(person: Person, due: float) -> None:
        with figures.lock:
            figures.start_lag.append(time.monotonic() - due)
        phone = Phone(proxy, person.address, figures)
        try:
            walk(person, phone)
        except Locked as locked:
            with figures.lock:
                figures.lockouts += 1
                figures.failures.append(f"{person.identifier}: locked out at {locked}")
        except (Failed, OSError, http.client.HTTPException) as error:
            with figures.lock:
                figures.failures.append(f"{person.identifier}: {error}")

    with ThreadPoolExecutor(max_workers=phones) as pool:
        for person in people:
            due = started + person.arrival / scale
            time.sleep(max(0.0, due - time.monotonic()))
            pool.submit(one, person, due)
    return time.monotonic() - started


# --- CPU time from /proc ---


def process_table() -> dict[int, tuple[int, float, float]]:
    """pid: (parent, own CPU seconds, CPU seconds of its reaped children)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the name: state, ppid, ... utime (14th field), stime, cutime, cstime.
        own = (int(fields[11]) + int(fields[12])) / TICKS
        reaped = (int(fields[13]) + int(fields[14])) / TICKS
        table[int(entry)] = (int(fields[1]), own, reaped)
    return table


def tree_cpu(root: int, table: dict[int, tuple[int, float, float]]) -> float:
    """The CPU seconds of a process and all its descendants, living or reaped."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _own, _reaped) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            _parent, own, reaped = table[pid]
            total += own + reaped
            stack.extend(children.get(pid, []))
    return total


def cpu_sample(roots: dict[str, int]) -> dict[str, float]:
    table = process_table()
    # This script started the servers: its own time only, not theirs.
    return {
        name: table[pid][1] if pid == os.getpid() else tree_cpu(pid, table)
        for name, pid in roots.items()
    }


# --- Reporting ---


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def step_table(figures: Figures, steps: list[str]) -> list[str]:
    lines = ["| step | requests | p50 | p99 | max |", "|---|---:|---:|---:|---:|"]
    for step in steps:
        values = figures.latencies.get(step, [])
        if values:
            lines.append(
                f"| {step} | {len(values)} | {percentile(values, 0.5) * 1000:.0f} ms | "
                f"{percentile(values, 0.99) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |"
            )
    return lines


def peak_rate(moments: list[float], window: float = 10.0) -> float:
    """The most events in any `window` seconds (starting at an event), per second."""
    ordered, best, first = sorted(moments), 0, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] > window:
            first += 1
        best = max(best, last - first + 1)
    return best / window


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=8100, help="the demo's roster size")
    parser.add_argument("--minutes", type=float, default=10, help="the span of the arrivals")
    parser.add_argument("--scale", type=float, default=1, help="divides the arrival times")
    parser.add_argument("--link-scale", type=float, help="for the personal links (--scale)")
    parser.add_argument("--connections", type=int, default=64, help="the proxy's to gunicorn")
    parser.add_argument("--phones", type=int, default=400, help="people walking at once, most")
    parser.add_argument("--pg-port", type=int, default=54481)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    parser.add_argument("--verbose", action="store_true", help="latencies every 30 s")
    parser.add_argument(
        "--profile", type=Path, help="profile gunicorn's requests into this folder (slower)"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="netral-ceremony-"))
    # A folder of its own: pg.sh hands it to the `postgres` user when run as root.
    pg_dir = Path(tempfile.mkdtemp(prefix="netral-ceremony-pg-"))
    pg_env = dict(
        os.environ,
        NETRAL_PG_DIR=str(pg_dir),
        NETRAL_PG_PORT=str(args.pg_port),
        PG_FAST="0",  # fsync on
    )
    processes = Processes(work)
    port = free_port()
    try:
        started = subprocess.run(
            ["scripts/pg.sh", "start"], cwd=ROOT, env=pg_env, capture_output=True, text=True
        )
        if started.returncode != 0:
            raise Failed(f"PostgreSQL did not start: {started.stderr}")
        outbox_folder = work / "outbox"
        env = {
            "DATABASE_URL": started.stdout.strip(),
            "DJANGO_SETTINGS_MODULE": "netral.settings",
            "NETRAL_DATA_DIR": str(work / "data"),
            "NETRAL_DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "NETRAL_BIND": f"127.0.0.1:{port}",
            "NETRAL_PROXY_CONNECTIONS": str(args.connections),
            "NETRAL_TRUSTED_PROXIES": "127.0.0.1",
            "NETRAL_WHATSAPP_BACKEND": "outbox",
            "NETRAL_SMS_BACKEND": "outbox",
            "NETRAL_MAIL_BACKEND": "outbox",
            "NETRAL_MESSAGE_OUTBOX": str(outbox_folder),
        }
        os.environ.update(env)
        return bench(args, rng, env, processes, port, pg_dir, outbox_folder)
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        print(processes.tails(), file=sys.stderr)
        return 1
    finally:
        processes.stop_all()
        subprocess.run(["scripts/pg.sh", "destroy"], cwd=ROOT, env=pg_env, capture_output=True)
        shutil.rmtree(pg_dir, ignore_errors=True)
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def personal_links(campaign: Any) -> tuple[Any, dict[int, str]]:
    """The personal-link path for the same employees: a second campaign of the agency, opened;
    it, and each employee's link by their id."""
    from netral.accounts.actors import Actor
    from netral.pacts import services
    from netral.pacts.models import SigningLink

    actor = Actor.command("bench")
    links_campaign = services.campaign_open(
        actor=actor,
        campaign=services.campaign_create(
            actor=actor,
            agency=campaign.agency,
            election=campaign.election,
            pact_version=campaign.pact_version,
            units=[],
            title=campaign.title + " (tautan pribadi)",
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
        ),
    )
    return links_campaign, {
        link.employee_id: f"/t/{services.signing_link_url_token(link)}/"
        for link in SigningLink.objects.filter(campaign=links_campaign).select_related(
            "employee", "campaign"
        )
    }


def bench(
    args: argparse.Namespace,
    rng: random.Random,
    env: dict[str, str],
    processes: Processes,
    port: int,
    pg_dir: Path,
    outbox_folder: Path,
) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from netral.accounts.actors import Actor
    from netral.agencies.models import Unit
    from netral.agencies.selectors import employee_message_routes
    from netral.base.messaging import outbox_read
    from netral.base.models import Message
    from netral.demo.seed import demo_seed
    from netral.pacts import services
    from netral.pacts.models import Campaign, Signature

    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        check(cursor.fetchone()[0] == "on", "PostgreSQL runs with fsync off")
    moment = time.perf_counter()
    call_command("migrate", verbosity=0)
    agency = demo_seed(size=args.employees)
    campaign = Campaign.objects.get(agency=agency, status=Campaign.Status.OPEN)
    # The demo comes with half its employees signed; the ceremony starts from none.
    Signature.objects.filter(campaign=campaign).delete()
    actor = Actor.command("bench")
    root = Unit.objects.get(agency=agency, depth=0)
    slips = {
        printed.employee.pk: printed.code
        for printed in services.ceremony_slips_print(actor=actor, campaign=campaign, unit=root)
    }
    links_campaign, links = personal_links(campaign)
    employees = list(services.campaign_employees(campaign).select_related("agency").order_by("pk"))
    known = {e.nip for e in employees if e.nip} | {e.nik for e in employees if e.nik}
    moments = arrivals(len(employees), args.minutes * 60, rng)
    rng.shuffle(employees)
    people = []
    for employee, arrival in zip(employees, moments, strict=True):
        routes = employee_message_routes(employee)
        identifier = employee.nip or employee.nik or ""
        check(identifier, f"{employee.name} has no NIP or NIK")
        check(routes or employee.pk in slips, f"{employee.name}: no channel and no slip")
        people.append(
            Person(
                name=employee.name,
                identifier=identifier,
                recipient=routes[0].recipient if routes else "",
                slip=slips.get(employee.pk, "") if not routes else "",
                link=links[employee.pk],
                address=rng.choice(ADDRESSES),
                arrival=arrival,
                wrong_identifier=mistyped(identifier, known, rng)
                if rng.random() < NIP_MISTYPED
                else "",
                wrong_code=rng.random() < CODE_MISTYPED,
            )
        )
    recipients = Counter(person.recipient for person in people if person.recipient)
    check(max(recipients.values()) == 1, "two employees share a phone or e-mail address")
    with translation.override("id"):
        texts = {
            "locked": html.escape(
                translation.gettext("Too many attempts. Wait a few minutes and try again.")
            ),
            "not_listed": html.escape(
                translation.gettext("This NIP or NIK is not on the list for this campaign.")
            ),
            "wrong_code": html.escape(translation.gettext("The code is wrong or has expired.")),
        }
    by_channel = Counter(
        employee_message_routes(e)[0].channel if employee_message_routes(e) else "slip"
        for e in employees
    )
    summary = [
        f"seeded {len(people)} employees ({dict(by_channel)}) in "
        f"{time.perf_counter() - moment:.0f} s; PostgreSQL with fsync on"
    ]
    print(summary[0], flush=True)
    connection.close()

    server_env = dict(os.environ, **env)
    with patch.dict(os.environ, server_env):  # what the server's config will read
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    python = sys.executable
    serve = [python, "-m", "gunicorn", "netral.wsgi:application"]
    if args.profile:
        server_env["NETRAL_BENCH_PROFILE"] = str(args.profile.resolve())
        serve = [
            *serve[:-1],
            "--config",
            "bench/profile_gunicorn.conf.py",
            "bench.profiled_wsgi:application",
        ]
    processes.start("gunicorn", serve, server_env)
    worker = [python, "-m", "netral", "db_worker", "--interval", "0.5"]
    processes.start("messages", [*worker, "--queue-name", "messages"], server_env)
    processes.start("worker", worker, server_env)
    proxy = Proxy(port, args.connections)

    def serving() -> bool:
        try:
            return Phone(proxy, ADDRESSES[0], Figures()).go("up", "/masuk/").status == 200
        except (OSError, Failed, http.client.HTTPException):
            return False

    wait_for("gunicorn to serve", serving)
    postmaster = int((pg_dir / "data" / "postmaster.pid").read_text().split()[0])
    roots = {
        "gunicorn": processes.running["gunicorn"].pid,
        "postgres": postmaster,
        "message worker": processes.running["messages"].pid,
        "default worker": processes.running["worker"].pid,
        "phones (this script)": os.getpid(),
    }
    outbox = Outbox(outbox_folder)
    outbox.thread.start()

    # The ceremony.
    ceremony = Figures()
    before = cpu_sample(roots)
    took = run_phase(
        people,
        lambda person, phone: ceremony_walk(person, phone, outbox, campaign.code, texts),
        proxy,
        args.phones,
        args.scale,
        ceremony,
    )
    ceremony_cpu = {k: v - before[k] for k, v in cpu_sample(roots).items()}
    print(f"ceremony: {took:.0f} s", flush=True)

    # The personal links, the same people on the same curve.
    link_figures = Figures()
    before = cpu_sample(roots)
    link_took = run_phase(
        people, link_walk, proxy, args.phones, args.link_scale or args.scale, link_figures
    )
    link_cpu = {k: v - before[k] for k, v in cpu_sample(roots).items()}
    print(f"personal links: {link_took:.0f} s", flush=True)
    outbox.stopped.set()
    outbox.thread.join()

    # What the database holds.
    signed = Counter(
        Signature.objects.filter(campaign=campaign).values_list("employee_id", flat=True)
    )
    link_signed = Counter(
        Signature.objects.filter(campaign=links_campaign).values_list("employee_id", flat=True)
    )
    channels = Counter(
        Signature.objects.filter(campaign=campaign).values_list("channel", flat=True)
    )
    statuses = Counter(Message.objects.values_list("status", flat=True))
    sent = outbox_read(outbox_folder / "read")
    sent_moments = [_timestamp(record["at"]) for record in sent]
    expected_messages = sum(1 for person in people if person.recipient)
    log = processes.log("gunicorn") + processes.log("messages") + processes.log("worker")

    count = len(people)
    lines = [
        *summary,
        f"server: gunicorn.conf.py, {config['workers']} workers x {config['threads']} threads, "
        f"{args.connections} proxy connections; arrivals over {args.minutes:g} min / "
        f"{args.scale:g} (peak {peak_rate([p.arrival / args.scale for p in people]):.1f}/s over "
        f"10 s, {sum(p.arrival < 180 for p in people) / count:.0%} in the first 3 min of the "
        f"curve); {sum(bool(p.wrong_identifier) for p in people)} mistyped NIPs, "
        f"{sum(p.wrong_code for p in people)} mistyped codes, {len(slips)} printed slips",
        "",
        f"ceremony: {took:.0f} s, {sum(signed.values())} signatures "
        f"({dict(channels)}); start lag p99 {percentile(ceremony.start_lag, 0.99):.2f} s",
        *step_table(
            ceremony,
            [
                "page",
                "nip (mistyped)",
                "nip",
                "code page",
                "code (mistyped)",
                "code",
                "sign page",
                "sign",
                "thank-you page",
            ],
        ),
    ]
    if ceremony.delivery:
        lines.append(
            f"code delivery (NIP sent to message handed to the provider): p50 "
            f"{percentile(ceremony.delivery, 0.5) * 1000:.0f} ms, p99 "
            f"{percentile(ceremony.delivery, 0.99) * 1000:.0f} ms, max "
            f"{max(ceremony.delivery) * 1000:.0f} ms"
        )
    if len(sent_moments) > 1:
        span = max(sent_moments) - min(sent_moments)
        lines.append(
            f"messages: {len(sent)} sent over {span:.0f} s: {len(sent) / span:.1f}/s on average, "
            f"{peak_rate(sent_moments):.1f}/s at the busiest 10 s; statuses {dict(statuses)}"
        )
    lines += [
        "",
        f"personal links: {link_took:.0f} s, {sum(link_signed.values())} signatures; "
        f"start lag p99 {percentile(link_figures.start_lag, 0.99):.2f} s",
        *step_table(link_figures, ["link page", "link sign", "link thank-you page"]),
        "",
        "CPU per signature | ceremony | personal link | ratio",
        "---|---:|---:|---:",
    ]
    for name in roots:
        ours, theirs = ceremony_cpu[name] / count, link_cpu[name] / count
        ratio = f"{ours / theirs:.2f}" if theirs > 0 else "-"
        lines.append(f"{name} | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | {ratio}")
    servers = [name for name in roots if not name.startswith("phones")]
    ours = sum(ceremony_cpu[name] for name in servers) / count
    theirs = sum(link_cpu[name] for name in servers) / count
    lines.append(
        f"all but the phones | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | {ours / theirs:.2f}"
    )
    if args.profile:
        processes.kill("gunicorn")  # its workers write their profiles as they stop
        lines += ["", *profile_report(args.profile)]
    if args.verbose:
        lines += ["", "ceremony, every 30 s:", *timeline_table(ceremony, ceremony.started)]
        lines += ["personal links:", *timeline_table(link_figures, link_figures.started)]
    print("\n".join(lines))

    problems = []
    for label, figures in (("ceremony", ceremony), ("personal links", link_figures)):
        if figures.failures:
            problems.append(
                f"{label}: {len(figures.failures)} people did not finish, e.g. "
                + "; ".join(figures.failures[:5])
            )
        errors = sum(n for status, n in figures.statuses.items() if status >= 500)
        if errors:
            problems.append(f"{label}: {errors} responses of 5xx")
    if ceremony.lockouts:
        problems.append(f"{ceremony.lockouts} people were told to wait (too many attempts)")
    ids = {employee.pk for employee in employees}
    for label, counts in (("ceremony", signed), ("personal links", link_signed)):
        if set(counts) != ids or max(counts.values(), default=0) != 1:
            problems.append(
                f"{label}: {len(set(counts))} of {len(ids)} employees signed, "
                f"{sum(n > 1 for n in counts.values())} more than once"
            )
    if len(sent) != expected_messages or statuses != Counter({Message.Status.SENT: len(sent)}):
        problems.append(
            f"{len(sent)} messages sent for {expected_messages} employees with a channel; "
            f"statuses {dict(statuses)}"
        )
    if "Traceback" in log:
        problems.append("a traceback in the server's or a worker's log")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if problems:
        print(processes.tails(), file=sys.stderr)
        return 1
    print(
        f"all checks passed: {count} signed once by the QR path and once by their links, "
        f"no lockout, no 5xx, {len(sent)} messages sent"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
