"""The handler's pages to find the reported person in the roster and link them to the case."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.cases import reported
from netral.cases.handling_views import CASE, case_for_user
from netral.cases.models import Case


def _case(viewer: Membership, code: str) -> Case:
    case = case_for_user(viewer, code)
    if not reported.can_link_employee(viewer=viewer, case=case):
        raise PermissionDenied
    return case


@officer_view()
def roster_search_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Search the roster by name, NIP, unit or position, twenty at a time."""
    case = _case(viewer, code)
    query = request.GET.get("q", "")[:100].strip()
    employees = reported.roster_search(case=case, query=query)
    page = Paginator(employees, reported.ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/reported_search.html",
        {
            "case": case,
            "q": query,
            "query": urlencode({"q": query}),
            "page": page,
            "too_short": bool(query) and len(query) < reported.QUERY_MIN_CHARS,
        },
    )


@officer_view()
def employee_link_view(
    request: HttpRequest, code: str, employee_code: str, viewer: Membership
) -> HttpResponse:
    """Asks first: the link shows the employee's pact and fills the register."""
    case = _case(viewer, code)
    employee = reported.roster_employee_get(case=case, code=employee_code)
    if employee is None:
        raise Http404
    if request.method == "POST":
        try:
            reported.case_employee_link(
                actor=Actor.from_request(request), viewer=viewer, case=case, employee=employee
            )
        except reported.LinkError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The case is linked to %(name)s.") % {"name": employee.name}
            )
        return redirect("cases:case", code=case.code)
    return render(request, "cases/reported_confirm.html", {"case": case, "employee": employee})


@require_POST
@officer_view()
def employee_unlink_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = _case(viewer, code)
    try:
        reported.case_employee_link(
            actor=Actor.from_request(request), viewer=viewer, case=case, employee=None
        )
    except reported.LinkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The link to the roster is removed."))
    return redirect("cases:case", code=case.code)


urlpatterns: list[URLPattern] = [
    re_path(CASE + r"terlapor/$", roster_search_view, name="reported_search"),
    re_path(CASE + r"terlapor/lepas/$", employee_unlink_view, name="reported_unlink"),
    re_path(
        CASE + r"terlapor/(?P<employee_code>[a-z0-9]{12})/$",
        employee_link_view,
        name="reported_link",
    ),
]
