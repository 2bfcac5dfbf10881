"""Reads and writes of an election's contestants, the words screening looks for. An agency edits
the contestants of its own elections; those of a national body's elections only that body."""

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
from netral.screening.models import Contestant

FIELDS = ("kind", "name", "ballot_number", "aliases", "parties", "slogans", "hashtags")


def can_edit_contestants(*, viewer: Membership, election: Election) -> bool:
    return viewer.is_admin and election.owner_id == viewer.agency_id


def contestant_list(*, viewer: Membership, election: Election) -> QuerySet[Contestant]:
    return Contestant.objects.filter(election=election, election__in=election_list(viewer=viewer))


def contestant_get(*, viewer: Membership, code: str) -> Contestant:
    contestant = (
        Contestant.objects.filter(code=code, election__in=election_list(viewer=viewer))
        .select_related("election")
        .first()
    )
    if contestant is None:
        raise Http404
    return contestant


def _values(contestant: Contestant) -> dict[str, Any]:
    return {name: getattr(contestant, name) for name in FIELDS}


@transaction.atomic
def contestant_create(*, actor: Actor, election: Election, **values: Any) -> Contestant:
    contestant = Contestant(election=election, **values)
    contestant.full_clean()
    contestant.save()
    audit_log(
        actor=actor,
        action="screening.contestant.created",
        target=contestant,
        agency=election.owner,
        data=_values(contestant),
    )
    return contestant


@transaction.atomic
def contestant_update(*, actor: Actor, contestant: Contestant, **values: Any) -> Contestant:
    before = _values(contestant)
    for name, value in values.items():
        setattr(contestant, name, value)
    contestant.full_clean()
    contestant.save()
    changed = {name: value for name, value in _values(contestant).items() if before[name] != value}
    audit_log(
        actor=actor,
        action="screening.contestant.updated",
        target=contestant,
        agency=contestant.election.owner,
        data=changed,
    )
    return contestant


@transaction.atomic
def contestant_delete(*, actor: Actor, contestant: Contestant) -> None:
    audit_log(
        actor=actor,
        action="screening.contestant.deleted",
        target=contestant,
        agency=contestant.election.owner,
        data=_values(contestant),
    )
    contestant.delete()
