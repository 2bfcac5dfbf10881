"""Recap reports of a campaign (built in the background, then downloaded) and the rollup export."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.audit import audit_log
from netral.monitoring import reports, selectors
from netral.pacts import selectors as pacts_selectors

ROLLUP_SORTS = {"name", "percent", "-percent"}


def can_request_reports(viewer: Membership) -> bool:
    # The employees sheet lists names and NIPs: the roles that run campaigns only.
    return viewer.role in {Membership.Role.ADMIN, Membership.Role.COORDINATOR}


@require_POST
@officer_view(can_request_reports)
def report_create_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    kind = request.POST.get("kind", "")
    if kind not in reports.RECAP_KINDS:
        raise Http404
    job = reports.report_create(
        actor=Actor.from_request(request),
        viewer=viewer,
        campaign=campaign,
        kind=kind,
    )
    return redirect("accounts:job", code=job.code)


@require_POST
@officer_view()
def rollup_export_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """The rollup of an election as CSV or XLSX, for a province or a national oversight body."""
    election = selectors.rollup_elections(viewer=viewer).filter(code=code).first()
    if election is None:
        raise Http404
    file_format = request.POST.get("format", "xlsx")
    if file_format not in {"csv", "xlsx"}:
        raise Http404
    province = request.POST.get("province", "").strip()
    sort = request.POST.get("sort", "name")
    rows = selectors.rollup(
        viewer=viewer,
        election=election,
        province=province,
        sort=sort if sort in ROLLUP_SORTS else "name",
    )
    audit_log(
        actor=Actor.from_request(request),
        action="monitoring.rollup.exported",
        target=election,
        agency=viewer.agency,
        data={"format": file_format, "province": province, "rows": len(rows)},
    )
    stamp = timezone.localtime(timezone.now(), reports.JAKARTA)
    name = f"rekap-{election.code}-{stamp:%Y%m%d-%H%M}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(reports.rollup_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(reports.rollup_xlsx(rows), content_type=reports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("kampanye/<str:code>/laporan/", report_create_view, name="report_create"),
    path("rekap/<str:code>/ekspor/", rollup_export_view, name="rollup_export"),
]
