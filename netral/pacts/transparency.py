"""Each campaign's signatures as an append-only RFC 6962 Merkle log with signed tree heads.

Signing only inserts a row. `log_sequence` (run every few seconds by `netral sequence_logs`)
appends the rows not yet in the log, in id order, and publishes a signed tree head: one writer
per campaign, away from the signing requests (as Certificate Transparency logs do)."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from netral.base import bulk, merkle
from netral.pacts.models import Campaign, LogHead, LogNode, Signature, TreeHead
from netral.pacts.signals import log_sequenced

SEQUENCE_BATCH = 5000
LOG_NODE_COLUMNS = ("campaign", "level", "position", "hash")


def canonical_record(signature: Signature, *, campaign_code: str, employee_code: str) -> bytes:
    """The bytes a log leaf commits to: what was signed, by whom, when and how; since version 2
    also the employee's details as the pact shows them."""
    record: dict[str, object] = {
        "v": 1,
        "campaign": campaign_code,
        "signature": signature.code,
        "employee": employee_code,
        "typed_name": signature.typed_name,
        "signed_at": signature.signed_at.isoformat(timespec="microseconds"),
        "channel": signature.channel,
        "pact_sha256": signature.pact_sha256,
        "drawn_sha256": hashlib.sha256(bytes(signature.drawn_signature or b"")).hexdigest(),
        "scan_sha256": signature.scan_sha256,
    }
    if signature.signer_details:
        record["v"] = 2
        record["signer"] = signature.signer_details
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_sha256(signature: Signature, *, campaign_code: str, employee_code: str) -> str:
    data = canonical_record(signature, campaign_code=campaign_code, employee_code=employee_code)
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def log_private_key() -> Ed25519PrivateKey:
    configured = settings.NETRAL_LOG_KEY_FILE
    if configured:
        path = Path(configured)
    elif settings.PRODUCTION:
        raise ImproperlyConfigured("Set NETRAL_LOG_KEY_FILE (an Ed25519 PEM key) in production.")
    else:
        path = Path(settings.DATA_DIR) / "log_signing_key.pem"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.write_bytes(pem)
            path.chmod(0o600)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("NETRAL_LOG_KEY_FILE must hold an Ed25519 private key.")
    return key


def log_public_key_pem() -> str:
    return (
        log_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def tree_head_message(campaign_code: str, size: int, root_hex: str, signed_at_ms: int) -> bytes:
    return f"netral-sth/v1 {campaign_code} {size} {root_hex} {signed_at_ms}".encode()


def tree_head_verify(head: TreeHead, public_key: Ed25519PublicKey) -> bool:
    from cryptography.exceptions import InvalidSignature

    message = tree_head_message(
        head.campaign.code, head.size, head.root, int(head.signed_at.timestamp() * 1000)
    )
    try:
        public_key.verify(bytes.fromhex(head.signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _leaf(signature: Signature, campaign_code: str, employee_code: str) -> bytes:
    return merkle.leaf_hash(
        canonical_record(signature, campaign_code=campaign_code, employee_code=employee_code)
    )


def log_sequence(*, campaign: Campaign) -> TreeHead | None:
    """Append the signatures not yet in the log and publish a signed tree head (or nothing)."""
    with transaction.atomic():
        head, _created = LogHead.objects.select_for_update().get_or_create(campaign=campaign)
        pending = list(
            Signature.objects.filter(campaign=campaign, log_index__isnull=True)
            .select_related("employee")
            .order_by("id")[:SEQUENCE_BATCH]
        )
        if not pending:
            return None
        tree = merkle.CompactTree(head.size, [bytes.fromhex(h) for h in head.edge])
        nodes: list[tuple[int, int, int, bytes]] = []
        for signature in pending:
            signature.log_index = tree.size
            completed = tree.append(_leaf(signature, campaign.code, signature.employee.code))
            nodes.extend(
                (campaign.pk, level, position, hash_) for (level, position), hash_ in completed
            )
        Signature.objects.bulk_update(pending, ["log_index"], batch_size=1000)
        # The perfect subtrees the batch completed, with the leaves: what proofs read.
        bulk.bulk_insert(LogNode, LOG_NODE_COLUMNS, nodes)
        head.size, head.edge = tree.size, [h.hex() for h in tree.edge]
        head.save()
        published = _publish(campaign, tree.size, tree.root().hex())
    log_sequenced.send(sender=Campaign, campaign=campaign)
    return published


def _publish(campaign: Campaign, size: int, root_hex: str) -> TreeHead:
    # Whole milliseconds, so the time in the signed message and in the row agree exactly.
    milliseconds = int(timezone.now().timestamp() * 1000)
    message = tree_head_message(campaign.code, size, root_hex, milliseconds)
    return TreeHead.objects.create(
        campaign=campaign,
        size=size,
        root=root_hex,
        signed_at=datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.UTC),
        signature=log_private_key().sign(message).hex(),
    )


def _log_nodes(campaign: Campaign, completed: list[tuple[merkle.Node, bytes]]) -> list[LogNode]:
    return [
        LogNode(campaign=campaign, level=level, position=position, hash=hash_)
        for (level, position), hash_ in completed
    ]


class MissingLogNodes(LookupError):
    """The stored tree lacks nodes a published tree head covers: run `netral verify_log`."""


def _stored_nodes(campaign: Campaign, wanted: set[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored perfect subtrees asked for, in one query of one index range per level (the
    campaign in every term, so that each term is a range of the index on its own)."""
    if not wanted:
        return {}
    by_level: dict[int, list[int]] = {}
    for level, position in sorted(wanted):
        by_level.setdefault(level, []).append(position)
    table, campaign_id, level_, position_, hash_ = (
        connection.ops.quote_name(name)
        for name in (LogNode._meta.db_table, "campaign_id", "level", "position", "hash")
    )
    terms, params = [], []
    for level, positions in by_level.items():
        marks = ", ".join(["%s"] * len(positions))
        terms.append(f"({campaign_id} = %s AND {level_} = %s AND {position_} IN ({marks}))")
        params += [campaign.pk, level, *positions]
    # Plain SQL: the ORM took ten times longer to build this query than the database to run it.
    # Only table and column names are formatted in; every value is a parameter.
    sql = f"SELECT {level_}, {position_}, {hash_} FROM {table} WHERE {' OR '.join(terms)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {(level, position): bytes(hash) for level, position, hash in cursor.fetchall()}
    if len(found) != len(wanted):
        missing = sorted(wanted - set(found))
        raise MissingLogNodes(f"log of {campaign.code} lacks nodes {missing[:5]}")
    return found


def log_inclusion_proof(*, campaign: Campaign, index: int, size: int) -> tuple[bytes, list[bytes]]:
    """The leaf hash at `index` and its inclusion proof in the tree of `size` leaves, from the
    stored nodes: the same bytes as `merkle.inclusion_proof` over every leaf."""
    ranges = merkle.inclusion_proof_ranges(index, size)
    nodes = _stored_nodes(campaign, merkle.proof_nodes(ranges) | {(0, index)})
    return nodes[(0, index)], merkle.proof_from_nodes(ranges, nodes)


def log_consistency_proof(*, campaign: Campaign, old_size: int, size: int) -> list[bytes]:
    """The consistency proof between two tree sizes, from the stored nodes: the same bytes as
    `merkle.consistency_proof` over every leaf."""
    ranges = merkle.consistency_proof_ranges(old_size, size)
    if not ranges:
        return []
    return merkle.proof_from_nodes(ranges, _stored_nodes(campaign, merkle.proof_nodes(ranges)))


def campaign_leaves(campaign: Campaign, size: int | None = None) -> list[bytes]:
    """The log's leaf hashes recomputed from the database rows, in log order: O(n), so only for
    checks and tests; the public proofs read the stored subtrees."""
    signatures = (
        Signature.objects.filter(campaign=campaign, log_index__isnull=False)
        .select_related("employee")
        .order_by("log_index")
    )
    if size is not None:
        signatures = signatures.filter(log_index__lt=size)
    return [_leaf(s, campaign.code, s.employee.code) for s in signatures]


@dataclass(frozen=True)
class LogProblem:
    log_index: int | None
    message: str


def _stored_tree_problems(campaign: Campaign, leaves: list[bytes]) -> list[LogProblem]:
    """Whether the stored nodes the proofs are read from are the tree of these leaves."""
    expected: dict[merkle.Node, bytes] = {}
    tree = merkle.CompactTree()
    for leaf in leaves:
        expected.update(tree.append(leaf))
    stored = LogNode.objects.filter(campaign=campaign).values_list("level", "position", "hash")
    differing = missing = len(expected)
    for level, position, hash_ in stored.iterator(chunk_size=5000):
        wanted = expected.get((level, position))
        if wanted is not None:
            missing -= 1
            differing -= bytes(hash_) == wanted
    differing -= missing
    problems = []
    if missing:
        problems.append(LogProblem(None, f"{missing} stored tree nodes are missing"))
    if differing:
        problems.append(
            LogProblem(None, f"{differing} stored tree nodes differ from the rows' tree")
        )
    return problems


def log_verify(*, campaign: Campaign) -> list[LogProblem]:
    """Recompute the log from the database and check it against every published tree head."""
    problems: list[LogProblem] = []
    rows = list(
        Signature.objects.filter(campaign=campaign, log_index__isnull=False)
        .select_related("employee")
        .order_by("log_index")
    )
    leaves: list[bytes] = []
    for position, signature in enumerate(rows):
        if signature.log_index != position:
            problems.append(
                LogProblem(position, f"log index {position} is missing or out of order")
            )
            break
        record = canonical_record(
            signature, campaign_code=campaign.code, employee_code=signature.employee.code
        )
        if hashlib.sha256(record).hexdigest() != signature.record_sha256:
            problems.append(
                LogProblem(position, f"signature {signature.code} was changed after signing")
            )
        leaves.append(merkle.leaf_hash(record))
    problems.extend(_stored_tree_problems(campaign, leaves))
    public_key = log_private_key().public_key()
    # The heads in size order against one growing tree: every leaf is hashed in once.
    tree = merkle.CompactTree()
    for head in TreeHead.objects.filter(campaign=campaign).select_related("campaign"):
        if not tree_head_verify(head, public_key):
            problems.append(LogProblem(None, f"tree head {head.size} has a bad signature"))
            continue
        if head.size > len(leaves):
            problems.append(LogProblem(None, f"tree head {head.size} covers rows now missing"))
            continue
        for leaf in leaves[tree.size : head.size]:
            tree.append(leaf)
        if tree.root().hex() != head.root:
            problems.append(
                LogProblem(None, f"the rows no longer give the root of tree head {head.size}")
            )
    return problems
