"""8,100 employees of the demo agency sign through their personal links, 64 at a time.

usage: DATABASE_URL=postgres://... python bench/signing_surge.py [--workers N] [--threads N]

PostgreSQL (a fresh database is created and dropped), gunicorn with the project's gunicorn.conf.py
(gthread workers: the cores + 1, of 4 threads; wrk's 64 connections stand for a proxy's), wrk on
the same machine (Debian's `wrk`; it shares the 2 cores). The floor, in the same run on
the same server and database: a bare Django view doing one INSERT, before and after the surge
(the ratio is to their mean). Afterwards it asserts that exactly 8,100 signatures exist and that
the transparency log verifies."""

import argparse
import os
import re
import runpy
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-surge-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")
PORT = 8011
EMPLOYEES = 8100


def wrk(arguments: list[str]) -> dict[str, float]:
    output = subprocess.run(["wrk", *arguments], capture_output=True, text=True, check=True).stdout
    return wrk_figures(output)


def wrk_figures(output: str) -> dict[str, float]:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert rate is not None, output
    figures = {"rps": float(rate.group(1))}
    for name, label in (("p50", "50%"), ("p99", "99%")):
        found = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", output)
        if found is None:  # run without --latency
            continue
        value, unit = float(found.group(1)), found.group(2)
        figures[name] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    requests = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    assert requests is not None, output
    figures["requests"] = float(requests.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["errors"] = float(non2xx.group(1)) if non2xx else 0.0
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    figures["socket_errors"] = float(sum(int(n) for n in socket.groups())) if socket else 0.0
    return figures


def wrk_until_signed(arguments: list[str], env: dict[str, str], signed: Callable[[], int]) -> str:
    """Run wrk until every employee has signed, then stop it with SIGINT, on which it reports at
    once (otherwise it sleeps its whole -d even after every thread has stopped)."""
    process = subprocess.Popen(["wrk", *arguments], stdout=subprocess.PIPE, text=True, env=env)
    while process.poll() is None and signed() < EMPLOYEES:
        time.sleep(0.5)
    time.sleep(1)  # the last responses
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py's")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--verbose", action="store_true", help="print wrk's report of the surge")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see docs/benchmarks.md).")

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max, Min
    from django.test.utils import setup_test_environment

    from netral.demo.seed import demo_seed
    from netral.pacts.models import Campaign, Signature, SigningLink
    from netral.pacts.services import signing_link_url_token
    from netral.pacts.transparency import log_sequence, log_verify

    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    test_name = connection.settings_dict["NAME"]
    server = None
    try:
        started = time.perf_counter()
        demo_seed(size=EMPLOYEES)
        print(f"seeded {EMPLOYEES} employees in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, at timestamptz NOT NULL, "
                "ip inet, user_agent varchar(300))"
            )
        campaign = Campaign.objects.get()
        # The demo comes with half its employees signed; the surge starts from none.
        Signature.objects.filter(campaign=campaign).delete()
        csrf = secrets.token_hex(16)
        requests_file = Path(os.environ["NETRAL_DATA_DIR"]) / "surge.tsv"
        with requests_file.open("w") as out:
            for link in SigningLink.objects.filter(campaign=campaign).select_related(
                "employee", "campaign"
            ):
                body = urlencode(
                    {
                        "typed_name": link.employee.name,
                        "consent": "on",
                        "csrfmiddlewaretoken": csrf,
                    }
                )
                out.write(f"/t/{signing_link_url_token(link)}/\t{body}\n")

        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + test_name
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="bench.surge_settings",
            NETRAL_DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1",
            NETRAL_BIND=f"127.0.0.1:{PORT}",
            NETRAL_PROXY_CONNECTIONS=str(args.connections),
        )
        for name, value in (("NETRAL_WORKERS", args.workers), ("NETRAL_THREADS", args.threads)):
            if value is not None:
                env[name] = str(value)
        with patch.dict(os.environ, env):  # what the server's config will read
            config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "netral.wsgi:application", "--log-level=warning"],
            cwd=ROOT,  # where gunicorn finds gunicorn.conf.py
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{PORT}"
        for _attempt in range(100):
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")

        connections = str(args.connections)
        wrk(["-t2", "-c" + connections, "-d3s", base + "/bench/floor/"])  # warm-up
        floor_arguments = ["-t2", "-c" + connections, "-d10s", "--latency", base + "/bench/floor/"]
        floor = wrk(floor_arguments)
        surge_env = dict(
            os.environ,
            SURGE_REQUESTS=str(requests_file),
            SURGE_THREADS="2",
            SURGE_CSRF=csrf,
        )
        surge_output = wrk_until_signed(
            [
                "-t2",
                "-c" + connections,
                "-d300s",
                "--timeout=30s",
                "--latency",
                "-s",
                str(ROOT / "bench" / "surge.lua"),
                base,
            ],
            surge_env,
            Signature.objects.filter(campaign=campaign).count,
        )
        if args.verbose:
            print(surge_output)
        surge = wrk_figures(surge_output)
        # The floor again: on a shared machine the load may have changed during the surge.
        floor_after = wrk(floor_arguments)
        floor_rate = (floor["rps"] + floor_after["rps"]) / 2
        signed = Signature.objects.filter(campaign=campaign).count()
        # The server's own clock: from the first signature to the last.
        span = Signature.objects.filter(campaign=campaign).aggregate(
            first=Min("signed_at"), last=Max("signed_at")
        )
        server_rate = signed / (span["last"] - span["first"]).total_seconds()
        assert signed == EMPLOYEES, f"{signed} signatures, expected {EMPLOYEES}"
        started = time.perf_counter()
        while log_sequence(campaign=campaign) is not None:
            pass
        sequenced = time.perf_counter() - started
        problems = log_verify(campaign=campaign)
        assert problems == [], problems[:3]
        print(
            f"floor (one INSERT): {floor['rps']:.0f} req/s before the surge, "
            f"{floor_after['rps']:.0f} after; p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms"
        )
        # The rate from the server's clock (wrk's own counts the second before it is stopped);
        # the latencies come from wrk.
        print(
            f"signing: {server_rate:.0f} signatures/s, p50 {surge['p50']:.1f} ms, "
            f"p99 {surge['p99']:.1f} ms, non-2xx/3xx {surge['errors']:.0f}, socket errors "
            f"{surge['socket_errors']:.0f}; ratio to the floor {server_rate / floor_rate:.2f}"
        )
        print(
            f"{signed} signatures; log sequenced in {sequenced:.1f} s and verified "
            f"({config['workers']} gunicorn workers x {config['threads']} threads, at most "
            f"{config['worker_connections']} connections each; {args.connections} connections)"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
