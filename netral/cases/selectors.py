"""Reads of cases, scoped to the acting membership. Supervisors and decision makers see their
agency's queue; the reporter's identity and the evidence open only to the assigned handlers (and
the decision maker for the evidence); other agencies see nothing (404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from netral.accounts.access import HANDLING_ROLES, can_handle_cases
from netral.accounts.models import Membership
from netral.cases.models import Case, CaseAssignment


def can_see_statistics(viewer: Membership) -> bool:
    return viewer.role in HANDLING_ROLES | {Membership.Role.ADMIN, Membership.Role.VIEWER}


def case_list(*, viewer: Membership) -> QuerySet[Case]:
    if not can_handle_cases(viewer):
        return Case.objects.none()
    return Case.objects.filter(agency=viewer.agency).select_related(
        "violation_type", "stage", "employee", "employee__unit", "election"
    )


def case_get(*, viewer: Membership, code: str) -> Case:
    case = case_list(viewer=viewer).filter(code=code).first()
    if case is None:
        raise Http404
    return case


def is_assigned(*, viewer: Membership, case: Case) -> bool:
    return CaseAssignment.objects.filter(case=case, user_id=viewer.user_id).exists()


def can_read_identity(*, viewer: Membership, case: Case) -> bool:
    """Only the handlers assigned to the case: not other supervisors, not admins."""
    return viewer.role == Membership.Role.SUPERVISOR and is_assigned(viewer=viewer, case=case)


def can_read_evidence(*, viewer: Membership, case: Case) -> bool:
    if viewer.agency_id != case.agency_id:
        return False
    if viewer.role == Membership.Role.DECISION_MAKER:
        return True
    return is_assigned(viewer=viewer, case=case)
