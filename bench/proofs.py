"""The transparency log's public proofs: stored subtrees against recomputing every leaf.

usage: python bench/proofs.py [--sizes 1000,10000,100000,1000000] [--rows 5000] [--runs 21]

SQLite in a temporary data folder by default; set DATABASE_URL for PostgreSQL (the database is
created and dropped by Django's test runner machinery).

1. Real rows: --rows signatures (bulk-inserted employees and signatures) are sequenced by
   `log_sequence`, which now also stores every perfect subtree; then one inclusion proof and one
   consistency proof are made both ways, as today (`log_inclusion_proof`, stored subtrees) and
   as before (`campaign_leaves`, every leaf recomputed from the rows, then `merkle`'s proofs),
   and checked to be the same bytes.
2. Stored logs of each of --sizes made-up leaves (the subtrees inserted in bulk): the public
   inclusion and consistency proof requests through Django's test client, with their queries.
   The floor, in the same run: the tree head request (the same throttle and lookups, no proof).
Every figure is the median of --runs calls after three warm-ups.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")


class QueryCount:
    """Installed with `connection.execute_wrapper`: counts the queries of one request."""

    def __init__(self) -> None:
        self.count = 0
        self.node_query: tuple[str, Any] | None = None

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, *rest: Any) -> Any:
        self.count += 1
        if "pacts_lognode" in sql:
            self.node_query = (sql, params)
        return execute(sql, params, *rest)


def median_seconds(call: Callable[[], Any], runs: int) -> float:
    for _warm_up in range(3):
        call()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from netral.accounts.actors import Actor
    from netral.agencies.models import Employee
    from netral.base import bulk, merkle
    from netral.base.models import Election
    from netral.pacts import services, transparency
    from netral.pacts.models import Campaign, LogNode, Signature, TreeHead
    from tests.factories import agency_make, unit_make

    setup_test_environment()
    settings.NETRAL_PUBLIC_REQUESTS_PER_MINUTE = 10**9
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    actor = Actor.command("bench")
    try:
        agency = agency_make("33.26")
        unit = unit_make(agency, "Dinas Pendidikan dan Kebudayaan")
        now = timezone.now()

        def campaign_make(number: int) -> Campaign:
            election = services.election_create(
                actor=actor,
                owner=agency,
                name=f"Pemilihan {number}",
                kind=Election.Kind.PEMILIHAN,
                voting_day=datetime.date(2029, 11, 27),
            )
            version = services.pact_version_publish(
                actor=actor,
                version=services.pact_version_create(actor=actor, agency=agency, election=election),
            )
            campaign = services.campaign_create(
                actor=actor,
                agency=agency,
                election=election,
                pact_version=version,
                units=[],
                title=f"Ikrar Netralitas {number}",
                place="Pendopo",
                opens_at=now - datetime.timedelta(hours=1),
                closes_at=now + datetime.timedelta(days=7),
            )
            return services.campaign_open(actor=actor, campaign=campaign)

        # 1. Real rows, sequenced; the proofs both ways.
        campaign = campaign_make(0)
        employees = Employee.objects.bulk_create(
            [
                Employee(
                    agency=agency,
                    unit=unit,
                    kind=Employee.Kind.PNS,
                    name=f"Pegawai {number}",
                    nip=f"19{number:016d}",
                    position_type=Employee.PositionType.PELAKSANA,
                )
                for number in range(args.rows)
            ],
            batch_size=1000,
        )
        Signature.objects.bulk_create(
            [
                Signature(
                    campaign=campaign,
                    employee=employee,
                    agency=agency,
                    unit=unit,
                    channel=Signature.Channel.LINK,
                    signed_at=now,
                    typed_name=employee.name,
                    pact_sha256=campaign.pact_version.sha256,
                )
                for employee in employees
            ],
            batch_size=1000,
        )
        started = time.perf_counter()
        heads = 0
        while transparency.log_sequence(campaign=campaign) is not None:
            heads += 1
        sequencing = time.perf_counter() - started
        nodes = LogNode.objects.filter(campaign=campaign).count()
        print(
            f"{connection.vendor}: sequencing {args.rows:,} signatures in {heads} batches, "
            f"{nodes:,} subtrees stored: {sequencing:.2f} s ({args.rows / sequencing:,.0f}/s)"
        )
        size, index, old_size = args.rows, args.rows * 2 // 3, args.rows // 3

        def inclusion_before() -> list[bytes]:
            return merkle.inclusion_proof(index, transparency.campaign_leaves(campaign, size))

        def inclusion_now() -> list[bytes]:
            return transparency.log_inclusion_proof(campaign=campaign, index=index, size=size)[1]

        def consistency_before() -> list[bytes]:
            return merkle.consistency_proof(old_size, transparency.campaign_leaves(campaign, size))

        def consistency_now() -> list[bytes]:
            return transparency.log_consistency_proof(
                campaign=campaign, old_size=old_size, size=size
            )

        assert inclusion_before() == inclusion_now()
        assert consistency_before() == consistency_now()
        for name, before, after in [
            ("inclusion", inclusion_before, inclusion_now),
            ("consistency", consistency_before, consistency_now),
        ]:
            slow, fast = median_seconds(before, args.runs), median_seconds(after, args.runs)
            print(
                f"  {name} proof at {size:,} leaves: every leaf recomputed {slow * 1000:.1f} ms,"
                f" stored subtrees {fast * 1000:.2f} ms ({slow / fast:,.0f} times less)"
            )

        # 2. Stored logs of every size, through the public views.
        client = Client()
        employee = employees[0]
        for number, size in enumerate(int(s) for s in args.sizes.split(",")):
            campaign = campaign_make(number + 1)
            tree, rows, roots = merkle.CompactTree(), [], {}
            old_size = size // 3
            started = time.perf_counter()
            for leaf in range(size):
                completed = tree.append(merkle.leaf_hash(b"%d" % leaf))
                rows.extend((campaign.pk, level, position, h) for (level, position), h in completed)
                if tree.size in (old_size, size):
                    roots[tree.size] = tree.root()
            bulk.bulk_insert(LogNode, transparency.LOG_NODE_COLUMNS, rows)
            built = time.perf_counter() - started
            for head_size, root in roots.items():
                TreeHead.objects.create(
                    campaign=campaign,
                    size=head_size,
                    root=root.hex(),
                    signed_at=now + datetime.timedelta(seconds=head_size),
                    signature="00" * 64,
                )
            signature = Signature.objects.create(
                campaign=campaign,
                employee=employee,
                agency=agency,
                unit=unit,
                channel=Signature.Channel.LINK,
                signed_at=now,
                typed_name=employee.name,
                pact_sha256=campaign.pact_version.sha256,
                log_index=size * 2 // 3,
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE pacts_lognode")
            urls = {
                "tree head (floor)": reverse("pacts:tree_head", args=[campaign.code]),
                "inclusion proof": reverse(
                    "pacts:inclusion_proof", args=[campaign.code, signature.code]
                ),
                "consistency proof": reverse("pacts:consistency_proof", args=[campaign.code])
                + f"?dari={old_size}&ke={size}",
            }
            print(f"log of {size:,} leaves ({len(rows):,} subtrees stored in {built:.1f} s):")
            floor = 0.0
            for name, url in urls.items():
                queries = QueryCount()
                with connection.execute_wrapper(queries):
                    assert client.get(url).status_code == 200
                seconds = median_seconds(lambda url=url: client.get(url), args.runs)
                floor = floor or seconds
                print(
                    f"  {name:18s} {seconds * 1000:6.2f} ms, {queries.count} queries,"
                    f" {seconds / floor:.2f} x floor"
                )
                if queries.node_query and connection.vendor == "postgresql":
                    sql, params = queries.node_query
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                        plan = [row[0] for row in cursor.fetchall()]
                    scans = sum("Index Scan on one_log_node_per_place" in line for line in plan)
                    top = plan[0].split("  (")[0].strip()
                    print(f"    {top}: {scans} index scans, {plan[-1]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
