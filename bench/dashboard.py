"""Time the agency dashboard and the national rollup on national-scale data.

usage: DATABASE_URL=postgres://... python bench/dashboard.py [--sizes 55,550] [--runs 20]
       [--employees 4300000] [--home-employees 10000] [--keep] [--reuse]

PostgreSQL only. A fresh database (`--database`, default `netral_bench_dashboard`) is
created and migrated, then filled by `bench/national_data.py` size by size (55 agencies, timed,
then up to 550, timed again), with VACUUM (ANALYZE) after each fill. `--keep` keeps the
database; `--reuse` starts from a kept one (sizes it already exceeds are skipped).

For each size it prints the median of `--runs` timed calls (after warm-up) of the home
agency's dashboard (as its admin; with the timeline, without it, and its parts) and of the
national rollup (as the national viewer; all agencies, and one province), each with its time
spent in the database, its number of queries and its ratio to the floor: a single-row primary
key fetch through the ORM, timed in the same run. Then EXPLAIN (ANALYZE, BUFFERS) of the
slowest query of each."""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-dashboard-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")

DATABASE_NAME = "netral_bench_dashboard"


@dataclass
class QueryLog:
    """Installed with `connection.execute_wrapper`: the time and text of every query."""

    seconds: float = 0.0
    count: int = 0
    slowest: tuple[float, str, Any] = (0.0, "", None)
    all: list[tuple[float, str]] = field(default_factory=list)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            self.count += 1
            if elapsed > self.slowest[0]:
                self.slowest = (elapsed, sql, params)


@dataclass
class Timing:
    name: str
    wall: float  # median seconds
    database: float  # median seconds inside the database calls (round trips included)
    queries: int
    slowest: tuple[float, str, Any]


def timed(name: str, call: Callable[[], Any], runs: int) -> Timing:
    from django.db import connection

    for _warm_up in range(3):
        call()
    walls, databases = [], []
    log = QueryLog()
    for _run in range(runs):
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            call()
            walls.append(time.perf_counter() - started)
        databases.append(log.seconds)
    return Timing(
        name, statistics.median(walls), statistics.median(databases), log.count, log.slowest
    )


def explain(slowest: tuple[float, str, Any]) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[1]}", slowest[2])
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(runs: int) -> tuple[list[Timing], Timing]:
    from netral.accounts.models import Membership
    from netral.agencies.models import Agency, Region
    from netral.base.models import Election
    from netral.monitoring import selectors
    from netral.pacts import selectors as pacts_selectors
    from netral.pacts.models import Campaign

    admin = Membership.objects.select_related("agency", "unit").get(user__username="bench.admin")
    national = Membership.objects.select_related("agency", "unit").get(
        user__username="bench.nasional"
    )
    campaign = Campaign.objects.select_related("agency", "election", "pact_version").get(
        agency=admin.agency
    )
    election = Election.objects.get(owner=national.agency)
    province = Region.objects.get(code=admin.agency.region.parent_id)
    home_pk = admin.agency.pk

    def floor() -> Any:
        return Agency.objects.get(pk=home_pk)

    def dashboard() -> Any:
        return selectors.campaign_dashboard(viewer=admin, campaign=campaign)

    def dashboard_without_timeline() -> Any:
        return selectors.campaign_dashboard(viewer=admin, campaign=campaign, timeline=False)

    def counts() -> Any:
        return pacts_selectors.campaign_count_rows(campaign, None)

    def detailed_counts() -> Any:
        return pacts_selectors.campaign_count_rows(campaign, None, bucket=(86400, 25200))

    def national_rollup() -> Any:
        return selectors.rollup(viewer=national, election=election)

    rows = national_rollup()
    assert len(rows) == Agency.objects.exclude(pk=national.agency_id).count()
    assert all(row.campaign is not None for row in rows)

    def province_rollup() -> Any:
        return selectors.rollup(viewer=national, election=election, province=province.code)

    def rollup_elections() -> Any:
        return list(selectors.rollup_elections(viewer=national))

    timings = [
        timed("agency dashboard (with timeline)", dashboard, runs),
        timed("  without timeline", dashboard_without_timeline, runs),
        timed("  part: counts by unit, kind, position", counts, runs),
        timed("  part: the same with hour and attendance", detailed_counts, runs),
        timed("national rollup", national_rollup, runs),
        timed(f"province rollup ({province.code})", province_rollup, runs),
        timed("rollup elections list", rollup_elections, runs),
    ]
    return timings, timed("floor: one row by primary key", floor, runs * 5)


def report(size: int, timings: list[Timing], floor: Timing) -> None:
    print(f"\n== {size} agencies ==")
    print(f"{'':42s} {'median':>9s} {'in db':>9s} {'queries':>7s} {'x floor':>8s}")
    for timing in [*timings, floor]:
        print(
            f"{timing.name:42s} {timing.wall * 1000:7.2f}ms {timing.database * 1000:7.2f}ms "
            f"{timing.queries:7d} {timing.wall / floor.wall:8.1f}"
        )
    for timing in (timings[0], timings[5]):
        seconds, sql, _params = timing.slowest
        print(f"\nslowest query of {timing.name.strip()} ({seconds * 1000:.1f} ms):\n{sql}")
        print(explain(timing.slowest))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="55,550", help="agency counts to time, ascending")
    parser.add_argument("--agencies", type=int, default=550, help="the national count")
    parser.add_argument("--employees", type=int, default=4_300_000, help="at the national count")
    parser.add_argument("--home-employees", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="start from a kept database")
    parser.add_argument("--database", default=DATABASE_NAME, help="the database's name")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see docs/benchmarks.md).")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.national_data import national_data_generate
    from netral.agencies.models import Agency, Employee
    from netral.pacts.models import Signature

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = args.database
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False
    )
    try:
        for size in [int(part) for part in args.sizes.split(",")]:
            have = Agency.objects.exclude(kind=Agency.Kind.NATIONAL).count()
            if have > size:
                print(f"skipping {size} agencies: the database has {have}")
                continue
            started = time.perf_counter()
            made = national_data_generate(
                agencies=args.agencies,
                employees=args.employees,
                home_employees=args.home_employees,
                upto=size,
                progress=True,
            )
            generated = time.perf_counter() - started
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            print(
                f"generated {made} in {generated:.0f} s, vacuumed in "
                f"{time.perf_counter() - started:.0f} s; now {Employee.objects.count():,} "
                f"employees, {Signature.objects.count():,} signatures",
                flush=True,
            )
            timings, floor = measure(args.runs)
            report(size, timings, floor)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep)


if __name__ == "__main__":
    main()
