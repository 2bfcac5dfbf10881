"""The reported person: a handler finds them in the agency's roster and links the case to the
employee, or corrects the link. A linked case gets the pact status, the duplicates, the statistics
by unit and position and the register's NIP from the roster. The reporter never learns whether
the NIP they typed matched: nothing here reaches the public pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from netral.accounts.access import can_manage_cases
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.models import Employee
from netral.base.audit import audit_log
from netral.cases.models import Case

ROSTER_PAGE_SIZE = 20
QUERY_MIN_CHARS = 3


class LinkError(Exception):
    """The link is refused; the message is for the user."""


def can_link_employee(*, viewer: Membership, case: Case) -> bool:
    """The agency's supervisors, while the case is open."""
    return (
        viewer.agency_id == case.agency_id
        and can_manage_cases(viewer)
        and case.status == Case.Status.OPEN
    )


def roster_search(*, case: Case, query: str) -> QuerySet[Employee]:
    """The case's agency's employees whose name, NIP, unit or position match every word typed;
    the active ones first. Nothing for fewer than three characters: a 300,000-strong roster is
    not listed whole."""
    query = " ".join(query.split())
    if len(query) < QUERY_MIN_CHARS:
        return Employee.objects.none()
    employees = Employee.objects.filter(agency_id=case.agency_id).select_related("unit")
    digits = query.replace(" ", "")
    if digits.isdigit():
        employees = employees.filter(Q(nip__startswith=digits) | Q(nik=digits))
    else:
        for word in query.split()[:6]:
            employees = employees.filter(
                Q(name__icontains=word)
                | Q(position__icontains=word)
                | Q(unit__name__icontains=word)
            )
    return employees.order_by("-is_active", "name", "pk")


def roster_employee_get(*, case: Case, code: str) -> Employee | None:
    return (
        Employee.objects.filter(agency_id=case.agency_id, code=code).select_related("unit").first()
    )


def case_employee_link(
    *, actor: Actor, viewer: Membership, case: Case, employee: Employee | None
) -> Case:
    """Link the case to an employee of its agency's roster, replace the link (a correction), or
    remove it (None). Audited with both sides, so a wrong link can be traced."""
    if not can_link_employee(viewer=viewer, case=case):
        raise PermissionDenied
    if employee is not None and employee.agency_id != case.agency_id:
        raise LinkError(_("Only an employee of the agency's roster can be linked."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.OPEN:
            raise LinkError(_("The case is closed already."))
        previous = locked.employee
        if (previous.pk if previous else None) == (employee.pk if employee else None):
            return locked
        locked.employee = employee
        locked.save(update_fields=["employee"])
        audit_log(
            actor=actor,
            action="cases.case.employee_linked" if employee else "cases.case.employee_unlinked",
            target=locked,
            agency=locked.agency,
            data={
                "employee": employee.code if employee else None,
                "employee_name": employee.name if employee else None,
                "previous": previous.code if previous else None,
                "previous_name": previous.name if previous else None,
            },
        )
    return locked
