"""Reads and writes of the debunked claims of an election. Supervisors and admins of any agency
that sees the election add claims; each agency edits and removes its own."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.audit import audit_log
from netral.base.models import Election
from netral.pacts.selectors import election_list
from netral.screening.models import DebunkedClaim

FIELDS = ("claim", "source", "source_url")


def can_keep_claims(viewer: Membership) -> bool:
    return viewer.is_admin or viewer.role == Membership.Role.SUPERVISOR


def debunked_claim_list(*, viewer: Membership, election: Election) -> QuerySet[DebunkedClaim]:
    return DebunkedClaim.objects.filter(
        election=election, election__in=election_list(viewer=viewer)
    ).select_related("agency")


def debunked_claim_get(*, viewer: Membership, code: str) -> DebunkedClaim:
    """One of the viewer's agency's claims (another agency's is not found)."""
    claim = (
        DebunkedClaim.objects.filter(
            code=code, agency=viewer.agency, election__in=election_list(viewer=viewer)
        )
        .select_related("election")
        .first()
    )
    if claim is None:
        raise Http404
    return claim


def _values(claim: DebunkedClaim) -> dict[str, Any]:
    return {name: getattr(claim, name) for name in FIELDS}


@transaction.atomic
def debunked_claim_create(
    *, actor: Actor, viewer: Membership, election: Election, **values: Any
) -> DebunkedClaim:
    claim = DebunkedClaim(election=election, agency=viewer.agency, created_by=actor.user, **values)
    claim.full_clean()
    claim.save()
    audit_log(
        actor=actor,
        action="screening.debunked_claim.created",
        target=claim,
        agency=viewer.agency,
        data=_values(claim),
    )
    return claim


@transaction.atomic
def debunked_claim_delete(*, actor: Actor, claim: DebunkedClaim) -> None:
    audit_log(
        actor=actor,
        action="screening.debunked_claim.deleted",
        target=claim,
        agency=claim.agency,
        data=_values(claim),
    )
    claim.delete()
