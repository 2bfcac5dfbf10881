import importlib
import io

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from netral.accounts.actors import Actor
from netral.base import merkle
from netral.pacts import services
from netral.pacts.models import LogNode, Signature, TreeHead
from netral.pacts.transparency import campaign_leaves, canonical_record, log_sequence, log_verify
from tests.conftest import Pacts
from tests.factories import employee_make

ACTOR = Actor.command("tests")
store_existing_trees = importlib.import_module(
    "netral.pacts.migrations.0010_log_nodes"
).store_existing_trees


def sign_many(pacts: Pacts, count: int) -> list[Signature]:
    signatures = []
    for number in range(count):
        employee = employee_make(pacts.world.unit_b, f"Pegawai Log {number}")
        signature, _ = services.signature_create(
            actor=ACTOR,
            campaign=pacts.campaign,
            employee=employee,
            channel="link",
            typed_name=f"Pegawai Log {number}",
        )
        signatures.append(signature)
    return signatures


def test_sequencing_appends_in_order_and_signs_the_head(pacts: Pacts) -> None:
    signatures = sign_many(pacts, 5)
    head = log_sequence(campaign=pacts.campaign)
    assert head is not None
    assert head.size == 5
    indexes = list(Signature.objects.order_by("id").values_list("log_index", flat=True))
    assert indexes == [0, 1, 2, 3, 4]
    leaves = [
        merkle.leaf_hash(
            canonical_record(s, campaign_code=pacts.campaign.code, employee_code=s.employee.code)
        )
        for s in signatures
    ]
    assert head.root == merkle.root(leaves).hex()
    assert log_sequence(campaign=pacts.campaign) is None  # nothing new


def test_the_published_proofs_verify_independently(client: Client, pacts: Pacts) -> None:
    sign_many(pacts, 3)
    log_sequence(campaign=pacts.campaign)
    later = sign_many(pacts, 4)
    log_sequence(campaign=pacts.campaign)

    key = load_pem_public_key(client.get(reverse("pacts:log_key")).content)
    head = client.get(reverse("pacts:tree_head", args=[pacts.campaign.code])).json()
    assert head["size"] == 7
    key.verify(bytes.fromhex(head["signature"]), head["signed_message"].encode())

    proof = client.get(
        reverse("pacts:inclusion_proof", args=[pacts.campaign.code, later[1].code])
    ).json()
    assert proof["leaf_index"] == 4
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        4,
        7,
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(head["root"]),
    )

    consistency = client.get(
        reverse("pacts:consistency_proof", args=[pacts.campaign.code]), {"dari": 3, "ke": 7}
    ).json()
    assert merkle.verify_consistency(
        3,
        7,
        bytes.fromhex(consistency["first"]["root"]),
        bytes.fromhex(consistency["second"]["root"]),
        [bytes.fromhex(h) for h in consistency["proof"]],
    )


def test_a_signature_waits_in_the_queue_until_sequenced(client: Client, pacts: Pacts) -> None:
    (signature,) = sign_many(pacts, 1)
    queued = client.get(
        reverse("pacts:inclusion_proof", args=[pacts.campaign.code, signature.code])
    )
    assert queued.status_code == 202
    assert "antrean" in client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    call_command("sequence_logs", stdout=io.StringIO())
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert "Entri 0 dari 1" in page


def test_the_log_verifies_and_every_kind_of_tampering_is_reported(pacts: Pacts) -> None:
    signatures = sign_many(pacts, 6)
    log_sequence(campaign=pacts.campaign)
    out = io.StringIO()
    call_command("verify_log", "--campaign", pacts.campaign.code, stdout=out)
    assert "6 entries" in out.getvalue()

    # A changed row.
    Signature.objects.filter(pk=signatures[2].pk).update(typed_name="Orang Lain")
    problems = log_verify(campaign=pacts.campaign)
    assert any(p.log_index == 2 and "changed" in p.message for p in problems)
    with pytest.raises(CommandError):
        call_command("verify_log", "--campaign", pacts.campaign.code, stderr=io.StringIO())
    Signature.objects.filter(pk=signatures[2].pk).update(typed_name=signatures[2].typed_name)
    assert log_verify(campaign=pacts.campaign) == []

    # Two rows swapped.
    Signature.objects.filter(pk=signatures[0].pk).update(log_index=None)
    Signature.objects.filter(pk=signatures[1].pk).update(log_index=0)
    Signature.objects.filter(pk=signatures[0].pk).update(log_index=1)
    assert log_verify(campaign=pacts.campaign)
    Signature.objects.filter(pk=signatures[1].pk).update(log_index=None)
    Signature.objects.filter(pk=signatures[0].pk).update(log_index=0)
    Signature.objects.filter(pk=signatures[1].pk).update(log_index=1)
    assert log_verify(campaign=pacts.campaign) == []

    # A removed row.
    Signature.objects.filter(pk=signatures[5].pk).delete()
    assert any("missing" in p.message for p in log_verify(campaign=pacts.campaign))


def test_a_forged_tree_head_is_reported(pacts: Pacts) -> None:
    sign_many(pacts, 2)
    head = log_sequence(campaign=pacts.campaign)
    assert head is not None
    TreeHead.objects.filter(pk=head.pk).update(signature="00" * 64)
    assert any("bad signature" in p.message for p in log_verify(campaign=pacts.campaign))


def _sequenced_in_batches(pacts: Pacts, batches: list[int]) -> list[Signature]:
    """Signatures sequenced batch by batch: one published tree head per batch."""
    for count in batches:
        sign_many(pacts, count)
        log_sequence(campaign=pacts.campaign)
    return list(Signature.objects.filter(campaign=pacts.campaign).order_by("log_index"))


def _proofs_from_the_rows(client: Client, pacts: Pacts, signatures: list[Signature]) -> None:
    """Every served proof is what today's reference, recomputing every leaf, gives."""
    code = pacts.campaign.code
    heads = list(TreeHead.objects.filter(campaign=pacts.campaign).order_by("size"))
    leaves = campaign_leaves(pacts.campaign)
    size = heads[-1].size
    for signature in signatures:
        served = client.get(reverse("pacts:inclusion_proof", args=[code, signature.code])).json()
        index = signature.log_index
        assert served["leaf_hash"] == leaves[index].hex()
        expected = merkle.inclusion_proof(index, leaves[:size])
        assert served["proof"] == [h.hex() for h in expected], index
    for old in heads:
        for new in heads:
            if old.size > new.size:
                continue
            served = client.get(
                reverse("pacts:consistency_proof", args=[code]), {"dari": old.size, "ke": new.size}
            ).json()
            expected = merkle.consistency_proof(old.size, leaves[: new.size])
            assert served["proof"] == [h.hex() for h in expected], (old.size, new.size)


def test_served_proofs_equal_the_proofs_recomputed_from_every_leaf(
    client: Client, pacts: Pacts
) -> None:
    # Sizes 3, 7, 8, 13 and 23 (16 + 4 + 2 + 1): powers of two and not, against every older head.
    signatures = _sequenced_in_batches(pacts, [3, 4, 1, 5, 10])
    assert LogNode.objects.filter(campaign=pacts.campaign, level=0).count() == 23
    assert log_verify(campaign=pacts.campaign) == []
    _proofs_from_the_rows(client, pacts, signatures)


def test_the_migration_stores_the_trees_of_logs_sequenced_before_it(
    client: Client, pacts: Pacts
) -> None:
    store_existing_trees(django_apps, None)  # nothing yet: nothing to do
    signatures = _sequenced_in_batches(pacts, [5, 6])
    stored = sorted(LogNode.objects.values_list("level", "position", "hash"))
    LogNode.objects.all().delete()
    assert any("missing" in p.message for p in log_verify(campaign=pacts.campaign))
    store_existing_trees(django_apps, None)
    assert sorted(LogNode.objects.values_list("level", "position", "hash")) == stored
    assert log_verify(campaign=pacts.campaign) == []
    _proofs_from_the_rows(client, pacts, signatures)


def test_a_changed_stored_node_is_reported(pacts: Pacts) -> None:
    _sequenced_in_batches(pacts, [4])
    LogNode.objects.filter(campaign=pacts.campaign, level=1, position=1).update(hash=b"\0" * 32)
    problems = log_verify(campaign=pacts.campaign)
    assert [p.message for p in problems] == ["1 stored tree nodes differ from the rows' tree"]
