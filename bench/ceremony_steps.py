"""The ceremony's requests one at a time: CPU and SQL statements per step, in process.

usage: python bench/ceremony_steps.py [--employees 400] [--signers 200] [--pg-port 54491]
       [--profile FILE] [--sql]

`bench/ceremony.py` measures the day (a hall's arrivals against gunicorn); this measures what
each of its requests costs on its own, with nothing else running, so a change to the request
shows in a minute instead of half an hour, and with less of the machine's noise. It starts a
private PostgreSQL (scripts/pg.sh, fsync on), seeds the demo agency with --employees employees,
and walks --signers of them through the ceremony's requests (page, NIP, code page, code, sign
page, sign, thank-you page; the code read from the queued message, which the message worker then
sends, run in this process for its one task) and as many through their personal links (page,
sign, thank-you page), each with its own cookies and CSRF checks on, from one of four addresses.
Per step: this process's CPU time, PostgreSQL's (its server process for this connection, from
/proc/<pid>/schedstat), and the statements sent. The figure to watch is the ratio of a ceremony
signer's CPU to a link signer's, measured in the same run. --profile writes a cProfile of
the requests to FILE; --sql prints one signer's statements."""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ceremony import personal_links  # noqa: E402

ADDRESSES = ["203.0.113.10", "203.0.113.20", "198.51.100.7", "192.0.2.44"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"\b(\d{6})\b")


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


class Steps:
    """CPU seconds and statements per step."""

    def __init__(self, profile: cProfile.Profile | None, sql: bool = False) -> None:
        self.sql = sql
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.database_cpu: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.profile = profile
        self._count = 0
        self.show = False

    def counter(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self._count += 1
        if self.show:
            print(f"    {sql[:150]}")
        return execute(sql, params, many, context)

    def run(self, step: str, phone, path: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        """One request, GET or (with data) POST, measured under `step`."""
        return self.measure(
            step, lambda: phone.get(path) if data is None else phone.post(path, data)
        )

    def measure(self, step: str, work):  # type: ignore[no-untyped-def]
        """`work()` measured under `step`: this process's CPU, PostgreSQL's for this
        connection (its server process), the statements sent."""
        self._count = 0
        self.show = self.sql and len(self.cpu[step]) == 0
        if self.show:
            print(f"{step}:")
        server = database_server()
        server_started = server_cpu(server)
        if self.profile is not None:
            self.profile.enable()
        started = time.process_time()
        result = work()
        self.cpu[step].append(time.process_time() - started)
        if self.profile is not None:
            self.profile.disable()
        if server is not None and server == database_server():
            self.database_cpu[step].append(server_cpu(server) - server_started)
        self.statements[step].append(self._count)
        return result


def message_worker():  # type: ignore[no-untyped-def]
    """`netral db_worker --queue-name messages`, for one task."""
    from netral.base.management.commands.db_worker import SupervisedWorker

    return SupervisedWorker(
        queue_names=["messages"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        max_tasks=1,
        backend_name="default",
        startup_delay=False,
        worker_id="bench",
    )


def database_server() -> int | None:
    """The process id of PostgreSQL's server process for this connection (None before one)."""
    from django.db import connection

    return connection.connection.info.backend_pid if connection.connection else None


def server_cpu(pid: int | None) -> float:
    """Seconds a process has run on a CPU (the kernel's scheduler count, in nanoseconds)."""
    if pid is None:
        return 0.0
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def csrf(response) -> str:  # type: ignore[no-untyped-def]
    found = CSRF.search(response.content.decode())
    check(found is not None, f"no CSRF token on {response.request['PATH_INFO']}")
    assert found is not None
    return found.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=400)
    parser.add_argument("--signers", type=int, default=200)
    parser.add_argument("--pg-port", type=int, default=54491)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--sql", action="store_true", help="print the statements of one signer")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="netral-steps-"))
    pg_dir = Path(tempfile.mkdtemp(prefix="netral-steps-pg-"))
    pg_env = dict(
        os.environ, NETRAL_PG_DIR=str(pg_dir), NETRAL_PG_PORT=str(args.pg_port), PG_FAST="0"
    )
    try:
        started = subprocess.run(
            ["scripts/pg.sh", "start"], cwd=ROOT, env=pg_env, capture_output=True, text=True
        )
        if started.returncode != 0:
            raise Failed(f"PostgreSQL did not start: {started.stderr}")
        os.environ.update(
            DATABASE_URL=started.stdout.strip(),
            DJANGO_SETTINGS_MODULE="netral.settings",
            NETRAL_DATA_DIR=str(work / "data"),
            NETRAL_DEBUG="false",
            ALLOWED_HOSTS="testserver",
            NETRAL_WHATSAPP_BACKEND="outbox",
            NETRAL_SMS_BACKEND="outbox",
            NETRAL_MAIL_BACKEND="outbox",
            NETRAL_MESSAGE_OUTBOX=str(work / "outbox"),
        )
        return bench(args)
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        subprocess.run(["scripts/pg.sh", "destroy"], cwd=ROOT, env=pg_env, capture_output=True)
        shutil.rmtree(pg_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def bench(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from netral.agencies.selectors import employee_message_routes
    from netral.base.models import Message
    from netral.demo.seed import demo_seed
    from netral.pacts import services
    from netral.pacts.models import Campaign, Signature

    call_command("migrate", verbosity=0)
    agency = demo_seed(size=args.employees)
    campaign = Campaign.objects.get(agency=agency, status=Campaign.Status.OPEN)
    Signature.objects.filter(campaign=campaign).delete()
    _links_campaign, links = personal_links(campaign)
    people = [
        employee
        for employee in services.campaign_employees(campaign).order_by("pk")
        if employee_message_routes(employee)
    ][: args.signers]
    check(len(people) == args.signers, f"only {len(people)} employees with a channel")
    profile = cProfile.Profile(time.process_time) if args.profile else None
    steps = Steps(profile, args.sql)
    start = f"/k/{campaign.code}/"
    for number, employee in enumerate(people):
        # The first few warm the caches of the process, as a server's first requests do.
        record = steps if number >= 10 else Steps(None)
        phone = Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESSES[number % 4])
        with connection.execute_wrapper(record.counter):
            page = record.run("page", phone, start)
            check(page.status_code == 200, f"page: {page.status_code}")
            identifier = employee.nip or employee.nik
            given = record.run(
                "nip", phone, start, {"csrfmiddlewaretoken": csrf(page), "identifier": identifier}
            )
            check(given.status_code == 302, f"nip: {given.status_code}")
            code_page = record.run("code page", phone, given.url)
            recipient = employee_message_routes(employee)[0].recipient
            message = Message.objects.filter(recipient=recipient).latest("pk")
            code = CODE.search(message.text)
            check(code is not None, f"no code in {message.text!r}")
            assert code is not None
            # The message worker takes the message's task from the queue and sends it.
            record.measure("code sent (worker)", message_worker().run)
            fields = {"csrfmiddlewaretoken": csrf(code_page), "code": code.group(1)}
            accepted = record.run("code", phone, given.url, fields)
            check(accepted.status_code == 302, f"code: {accepted.status_code}")
            pact = record.run("sign page", phone, accepted.url)
            fields = {"csrfmiddlewaretoken": csrf(pact), "typed_name": employee.name}
            signed = record.run("sign", phone, accepted.url, {**fields, "consent": "on"})
            check(signed.status_code == 302, f"sign: {signed.status_code}")
            thanks = record.run("thank-you page", phone, signed.url)
            check(b'data-testid="signed"' in thanks.content, "no thank-you page")
            link, other = links[employee.pk], Client(enforce_csrf_checks=True)
            link_page = record.run("link page", other, link)
            fields = {"csrfmiddlewaretoken": csrf(link_page), "typed_name": employee.name}
            link_signed = record.run("link sign", other, link, {**fields, "consent": "on"})
            check(link_signed.status_code == 302, f"link sign: {link_signed.status_code}")
            record.run("link thank-you page", other, link)
    check(
        Signature.objects.filter(campaign=campaign).count() == args.signers,
        "not everyone signed the ceremony",
    )
    ceremony = ["page", "nip", "code page", "code sent (worker)", "code", "sign page", "sign"]
    ceremony.append("thank-you page")
    link_steps = ["link page", "link sign", "link thank-you page"]
    print(f"{len(steps.cpu['page'])} signers measured (of {args.signers}; 10 warm the process)")
    print(
        f"{'step':<22}{'CPU median':>12}{'CPU mean':>10}{'PG median':>11}{'PG mean':>9}"
        f"{'statements':>12}"
    )
    totals = {}
    for name, names in (("ceremony", ceremony), ("link", link_steps)):
        total_cpu = total_database = total_statements = 0.0
        for step in names:
            cpu, statements = steps.cpu[step], steps.statements[step]
            database = steps.database_cpu[step] or [0.0]
            mean, database_mean = sum(cpu) / len(cpu), sum(database) / len(database)
            total_cpu += mean
            total_database += database_mean
            total_statements += sum(statements) / len(statements)
            print(
                f"{step:<22}{statistics.median(cpu) * 1000:>10.2f}ms{mean * 1000:>8.2f}ms"
                f"{statistics.median(database) * 1000:>9.2f}ms{database_mean * 1000:>7.2f}ms"
                f"{sum(statements) / len(statements):>12.1f}"
            )
        totals[name] = total_cpu + total_database
        label = f"= {name} signer"
        print(
            f"{label:<22}{'':>12}{total_cpu * 1000:>8.2f}ms{'':>9}{total_database * 1000:>7.2f}ms"
            f"{total_statements:>12.1f}"
        )
    print(
        "ratio ceremony / link (this process and PostgreSQL): "
        f"{totals['ceremony'] / totals['link']:.2f}"
    )
    if profile is not None:
        profile.dump_stats(str(args.profile))
        print(f"profile: {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
