"""A proof costs the same at 1,000 and at 100,000 leaves: it reads stored subtrees, not leaves."""

import datetime
import statistics
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.base import bulk, merkle
from netral.base.models import Election
from netral.pacts import services
from netral.pacts.models import Campaign, LogNode, Signature, TreeHead
from netral.pacts.transparency import LOG_NODE_COLUMNS
from tests.conftest import Pacts, open_campaign
from tests.factories import employee_make

ACTOR = Actor.command("tests")
RUNS = 25


def log_make(campaign: Campaign, size: int) -> tuple[Signature, dict[int, bytes]]:
    """A log of `size` made-up leaves stored in bulk as the sequencer stores it, heads published
    at a third and at the end, and one real signature two thirds of the way in."""
    tree, nodes, roots = merkle.CompactTree(), [], {}
    for number in range(size):
        for (level, position), hash_ in tree.append(merkle.leaf_hash(b"%d" % number)):
            nodes.append((campaign.pk, level, position, hash_))
        if tree.size in (size // 3, size):
            roots[tree.size] = tree.root()
    bulk.bulk_insert(LogNode, LOG_NODE_COLUMNS, nodes)
    now = timezone.now()
    for head_size, root in roots.items():
        TreeHead.objects.create(
            campaign=campaign,
            size=head_size,
            root=root.hex(),
            signed_at=now + datetime.timedelta(seconds=head_size),
            signature="00" * 64,  # not checked here
        )
    unit = campaign.agency.units.order_by("id").first()
    employee = employee_make(unit, f"Pegawai Log {size}")
    signature, _created = services.signature_create(
        actor=ACTOR, campaign=campaign, employee=employee, channel="link", typed_name="Pegawai"
    )
    Signature.objects.filter(pk=signature.pk).update(log_index=size * 2 // 3)
    signature.refresh_from_db()
    return signature, roots


@pytest.mark.django_db
def test_a_proof_costs_the_same_at_1000_and_at_100000_leaves(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    settings.NETRAL_PUBLIC_REQUESTS_PER_MINUTE = 100_000
    election = services.election_create(
        actor=ACTOR,
        owner=pacts.world.agency,
        name="Pilkada 2029",
        kind=Election.Kind.PEMILIHAN,
        voting_day=datetime.date(2029, 11, 27),
    )
    logs = {
        size: (campaign, *log_make(campaign, size))
        for size, campaign in [
            (1_000, pacts.campaign),
            (100_000, open_campaign(pacts.world, election)),
        ]
    }

    def urls(size: int) -> list[str]:
        campaign, signature, _roots = logs[size]
        return [
            reverse("pacts:inclusion_proof", args=[campaign.code, signature.code]),
            reverse("pacts:consistency_proof", args=[campaign.code])
            + f"?dari={size // 3}&ke={size}",
        ]

    # The proofs are right: they verify against the roots of the leaves.
    for size, (_campaign, signature, roots) in logs.items():
        inclusion, consistency = (client.get(url).json() for url in urls(size))
        assert merkle.verify_inclusion(
            bytes.fromhex(inclusion["leaf_hash"]),
            signature.log_index,
            size,
            [bytes.fromhex(h) for h in inclusion["proof"]],
            roots[size],
        )
        assert merkle.verify_consistency(
            size // 3,
            size,
            roots[size // 3],
            roots[size],
            [bytes.fromhex(h) for h in consistency["proof"]],
        )

    queries = {}
    for size in logs:
        for kind, url in zip(["inclusion", "consistency"], urls(size), strict=True):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            queries[kind, size] = len(captured)
    assert queries["inclusion", 1_000] == queries["inclusion", 100_000] <= 6
    assert queries["consistency", 1_000] == queries["consistency", 100_000] <= 5

    # Time: the medians of interleaved runs, as a ratio (recomputing the leaves was 100 times).
    seconds: dict[int, list[float]] = {size: [] for size in logs}
    for _run in range(RUNS):
        for size in logs:
            started = time.perf_counter()
            for url in urls(size):
                client.get(url)
            seconds[size].append(time.perf_counter() - started)
    ratio = statistics.median(seconds[100_000]) / statistics.median(seconds[1_000])
    assert ratio < 3, f"a proof at 100,000 leaves took {ratio:.1f} times as long as at 1,000"
