"""Reads of tenant data. Each takes the acting membership (`viewer`) and never leaves its scope."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from netral.accounts import selectors as account_selectors
from netral.accounts.models import Membership
from netral.agencies.models import Agency, Employee, RosterImport, RosterPreviewLine, Unit
from netral.base.messaging import Route, message_routes
from netral.base.models import Message


def _scope_path(viewer: Membership) -> str | None:
    """The unit subtree a limited role is confined to (None: the whole agency)."""
    return viewer.unit.path if viewer.unit is not None else None


def unit_list(*, viewer: Membership) -> QuerySet[Unit]:
    units = Unit.objects.filter(agency=viewer.agency)
    if (path := _scope_path(viewer)) is not None:
        units = units.filter(path__startswith=path)
    return units


def unit_tree(*, viewer: Membership) -> list[tuple[Unit, int]]:
    """The viewer's units in tree order, each with its active employee count (own, not subtree)."""
    units = unit_list(viewer=viewer).annotate(
        employee_count=Count("employees", filter=Q(employees__is_active=True))
    )
    return [(unit, unit.employee_count) for unit in units.order_by("path")]


def unit_get(*, viewer: Membership, code: str) -> Unit:
    unit = unit_list(viewer=viewer).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def employee_list(
    *,
    viewer: Membership,
    query: str = "",
    unit: Unit | None = None,
    kind: str = "",
    position_type: str = "",
    active: bool | None = True,
) -> QuerySet[Employee]:
    employees = Employee.objects.filter(agency=viewer.agency).select_related("unit")
    if (path := _scope_path(viewer)) is not None:
        employees = employees.filter(unit__path__startswith=path)
    if unit is not None:
        employees = employees.filter(unit__path__startswith=unit.path)
    if kind:
        employees = employees.filter(kind=kind)
    if position_type:
        employees = employees.filter(position_type=position_type)
    if active is not None:
        employees = employees.filter(is_active=active)
    query = query.strip()
    if query:
        digits = "".join(query.split())
        if digits.isdigit():
            employees = employees.filter(
                Q(nip__startswith=digits) | Q(legacy_nip=digits) | Q(nik=digits)
            )
        else:
            for word in query.split():
                employees = employees.filter(name__icontains=word)
    return employees


def employee_by_identifier(*, viewer: Membership, identifier: str) -> Employee | None:
    """The employee in the viewer's scope with this NIP or NIK, typed with spaces or not."""
    digits = "".join(ch for ch in identifier if ch.isdigit())
    if not digits:
        return None
    return employee_list(viewer=viewer).filter(Q(nip=digits) | Q(nik=digits)).first()


def employee_get(*, viewer: Membership, code: str) -> Employee:
    employee = employee_list(viewer=viewer, active=None).filter(code=code).first()
    if employee is None:
        raise Http404
    return employee


def employee_counts(*, viewer: Membership) -> dict[str, int]:
    counts = dict(
        employee_list(viewer=viewer)
        .order_by()
        .values_list("kind")
        .annotate(total=Count("id"))
        .values_list("kind", "total")
    )
    return {kind: counts.get(kind, 0) for kind in Employee.Kind.values}


def roster_import_list(*, viewer: Membership) -> QuerySet[RosterImport]:
    if not viewer.can_manage_roster:
        return RosterImport.objects.none()
    return RosterImport.objects.filter(agency=viewer.agency).select_related("created_by")


def roster_import_get(*, viewer: Membership, code: str) -> RosterImport:
    found = roster_import_list(viewer=viewer).select_related("job").filter(code=code).first()
    if found is None:
        raise Http404
    return found


def roster_preview_lines(
    *, roster_import: RosterImport, change: str, query: str = ""
) -> QuerySet[RosterPreviewLine]:
    """The people of a checked file with one kind of change; the import comes from
    roster_import_get, which checked the viewer."""
    lines = RosterPreviewLine.objects.filter(roster_import=roster_import, change=change)
    words = " ".join(query.split())
    if words:
        digits = "".join(words.split())
        found = Q(name__icontains=words) | Q(unit__icontains=words)
        if digits.isdigit():
            found |= Q(nip__startswith=digits)
        lines = lines.filter(found)
    return lines.order_by("row", "name", "pk")


def overseen_agencies(*, viewer: Membership, with_employee_counts: bool = True) -> QuerySet[Agency]:
    """Agencies whose rollups the viewer's agency may read: a province sees its kabupaten/kota,
    a national oversight body sees every agency."""
    agency = viewer.agency
    if agency.kind == Agency.Kind.NATIONAL:
        agencies = Agency.objects.exclude(pk=agency.pk)
    elif agency.kind == Agency.Kind.PROVINCE and agency.region_id:
        agencies = Agency.objects.filter(region__parent_id=agency.region_id)
    else:
        return Agency.objects.none()
    agencies = agencies.select_related("region")
    if not with_employee_counts:
        return agencies  # the count reads every employee of the country: seconds, not ms
    return agencies.annotate(employee_count=Count("employees", filter=Q(employees__is_active=True)))


# The objects whose log an admin can open, by the name used in the URL.
AUDITED_OBJECTS = {
    "employee": lambda viewer, code: employee_get(viewer=viewer, code=code),
    "unit": lambda viewer, code: unit_get(viewer=viewer, code=code),
    "import": lambda viewer, code: roster_import_get(viewer=viewer, code=code),
    "membership": lambda viewer, code: account_selectors.membership_get(viewer=viewer, code=code),
}


def audited_object_get(*, viewer: Membership, kind: str, code: str) -> Model:
    if kind not in AUDITED_OBJECTS or not viewer.is_admin:
        raise Http404
    return AUDITED_OBJECTS[kind](viewer, code)


def employee_message_routes(employee: Employee) -> list[Route]:
    """Where a message to the employee goes, in order: the agency's channels as its settings
    order them, for the addresses the roster has."""
    return message_routes(
        email=employee.email, phone=employee.phone, channels=employee.agency.message_channels()
    )


def message_counts(*, viewer: Membership, days: int = 7) -> list[dict[str, object]]:
    """The agency's messages of the last days by channel and status."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Message.objects.filter(agency=viewer.agency, created_at__gte=since)
        .values("channel", "status")
        .annotate(total=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {}
    statuses = Message.Status.values
    for row in rows:
        counts.setdefault(row["channel"], {})[row["status"]] = row["total"]
    return [
        {"channel": label, **{status: counts.get(value, {}).get(status, 0) for status in statuses}}
        for value, label in Message.Channel.choices
    ]
