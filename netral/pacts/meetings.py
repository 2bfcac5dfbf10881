"""The online rooms of a hybrid ceremony: one meeting link per OPD of a campaign."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.models import Employee, Unit
from netral.base.audit import audit_log
from netral.pacts.models import Campaign, CampaignMeeting


def _ancestor_paths(path: str) -> list[str]:
    """The paths of a unit and of every unit above it: "a/b/c/" gives "a/", "a/b/", "a/b/c/"."""
    parts = path.split(Unit.PATH_SEPARATOR)[:-1]
    return [
        Unit.PATH_SEPARATOR.join(parts[: end + 1]) + Unit.PATH_SEPARATOR
        for end in range(len(parts))
    ]


def meeting_units(campaign: Campaign) -> QuerySet[Unit]:
    """The OPDs that may each have a room: the top units of the campaign's scope (its chosen
    units, or the agency's first level when it takes every unit)."""
    chosen = list(campaign.units.all())
    if not chosen:
        return Unit.objects.filter(agency=campaign.agency_id, depth=1)
    tops = [
        unit
        for unit in chosen
        if not any(other.pk != unit.pk and unit.is_within(other) for other in chosen)
    ]
    return Unit.objects.filter(pk__in=[unit.pk for unit in tops])


def meeting_units_managed(*, viewer: Membership, campaign: Campaign) -> QuerySet[Unit]:
    """The OPDs whose room this officer sets: all for an administrator of the whole agency,
    those within the unit of a coordinator (or of a limited administrator)."""
    units = meeting_units(campaign)
    if viewer.unit is not None:
        units = units.filter(path__startswith=viewer.unit.path)
    return units.order_by("path")


def meeting_rows(
    *, viewer: Membership, campaign: Campaign
) -> list[tuple[Unit, CampaignMeeting | None, bool]]:
    """(OPD, its room or None, may the viewer change it) for the OPDs the viewer sees: those
    it manages, and for a coordinator of a sub-unit the OPD above it, to read."""
    units = list(meeting_units_managed(viewer=viewer, campaign=campaign))
    managed = {unit.pk for unit in units}
    if viewer.unit is not None and not units:
        units = list(
            meeting_units(campaign)
            .filter(path__in=_ancestor_paths(viewer.unit.path))
            .order_by("path")
        )
    meetings = {
        meeting.unit_id: meeting
        for meeting in CampaignMeeting.objects.filter(
            campaign=campaign, unit__in=[unit.pk for unit in units]
        )
    }
    return [(unit, meetings.get(unit.pk), unit.pk in managed) for unit in units]


# A signing page shows the room of the employee's OPD: each process keeps a campaign's rooms
# for a few seconds (most campaigns have none), instead of a query per page.
ROOMS_SECONDS = 10.0
_rooms: dict[tuple[int, str], tuple[float, dict[str, CampaignMeeting]]] = {}


def _campaign_rooms(campaign: Campaign) -> dict[str, CampaignMeeting]:
    key = (campaign.pk, campaign.code)
    cached = _rooms.get(key)
    if cached is not None and time.monotonic() - cached[0] <= ROOMS_SECONDS:
        return cached[1]
    rooms = {
        meeting.unit.path: meeting
        for meeting in CampaignMeeting.objects.filter(campaign=campaign).select_related("unit")
    }
    _rooms[key] = (time.monotonic(), rooms)
    return rooms


def rooms_forget(campaign_id: int) -> None:
    """A room was set or removed: this process reads them again (others within ROOMS_SECONDS)."""
    for key in list(_rooms):  # a copy made at once: other threads may add meanwhile
        if key[0] == campaign_id:
            _rooms.pop(key, None)


def meeting_for_employee(campaign: Campaign, employee: Employee) -> CampaignMeeting | None:
    """The room of the employee's OPD: the nearest unit above (or at) the employee's that has
    one."""
    rooms = _campaign_rooms(campaign)
    for path in reversed(_ancestor_paths(employee.unit.path)):
        if path in rooms:
            return rooms[path]
    return None


def meeting_save(
    *, actor: Actor, campaign: Campaign, unit: Unit, fields: dict[str, Any]
) -> CampaignMeeting:
    """Set or change an OPD's room (the caller has checked that the unit is one the officer
    manages)."""
    with transaction.atomic():
        meeting = (
            CampaignMeeting.objects.select_for_update().filter(campaign=campaign, unit=unit).first()
        )
        created = meeting is None
        if meeting is None:
            meeting = CampaignMeeting(campaign=campaign, unit=unit)
        before = {name: _plain(getattr(meeting, name)) for name in fields} if not created else {}
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.updated_by = actor.user
        meeting.full_clean()
        meeting.save()
        audit_log(
            actor=actor,
            action="pacts.meeting.created" if created else "pacts.meeting.changed",
            target=campaign,
            agency=campaign.agency,
            data={
                "unit": unit.name,
                "after": {name: _plain(value) for name, value in fields.items()},
                **({"before": before} if not created else {}),
            },
        )
    return meeting


def meeting_delete(*, actor: Actor, campaign: Campaign, unit: Unit) -> bool:
    with transaction.atomic():
        deleted, _detail = CampaignMeeting.objects.filter(campaign=campaign, unit=unit).delete()
        if deleted:
            audit_log(
                actor=actor,
                action="pacts.meeting.removed",
                target=campaign,
                agency=campaign.agency,
                data={"unit": unit.name},
            )
    return bool(deleted)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.datetime) else value
