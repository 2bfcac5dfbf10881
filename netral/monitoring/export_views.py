"""The page of downloads for chasing non-signers: the XLSX with WhatsApp links and the QR slips,
for the whole scope or one unit, each started as a background job."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.monitoring import chase_exports
from netral.monitoring.views import can_chase
from netral.pacts import selectors as pacts_selectors

KINDS = {"xlsx", "slips"}


@require_http_methods(["GET", "POST"])
@officer_view(can_chase)
def export_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    groups = chase_exports.export_groups(viewer=viewer, campaign=campaign, unit=None)
    refusal = ""
    if request.method == "POST":
        unit_code = request.POST.get("unit", "")
        unit = agency_selectors.unit_get(viewer=viewer, code=unit_code) if unit_code else None
        kind = request.POST.get("kind", "")
        if kind not in KINDS:
            kind = "xlsx"
        try:
            job = chase_exports.export_start(
                actor=Actor.from_request(request),
                viewer=viewer,
                campaign=campaign,
                unit=unit,
                kind=kind,
            )
        except chase_exports.ExportError as problem:
            refusal = str(problem)
        else:
            return redirect("accounts:job", code=job.code)
    return render(
        request,
        "monitoring/export.html",
        {
            "campaign": campaign,
            # One unit at a time: the units of the table, not the root's own staff row.
            "units": [group for group in groups if not group.own_only],
            "total": sum(group.unsigned for group in groups),
            "refusal": refusal,
        },
        status=400 if refusal else 200,
    )


urlpatterns: list[URLPattern] = [
    path("pantau/<str:code>/unduh/", export_view, name="export"),
]
