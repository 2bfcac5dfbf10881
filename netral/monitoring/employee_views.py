"""One employee as the coordinator chases them: per campaign, whether they signed, their
personal link (shown on request, sent again, replaced) and the reminders they were sent."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Employee
from netral.base.audit import audit_log
from netral.monitoring.models import ReminderDelivery
from netral.monitoring.views import can_chase
from netral.pacts import services as pacts_services
from netral.pacts.models import Campaign, Signature, SigningLink


@dataclass
class CampaignRow:
    campaign: Campaign
    signature: Signature | None
    link: SigningLink | None
    reminders: list[ReminderDelivery]
    revealed: str = ""


def _rows(employee: Employee) -> list[CampaignRow]:
    """The agency's campaigns past their draft that ask this employee to sign, newest first."""
    campaigns = [
        campaign
        for campaign in Campaign.objects.filter(agency=employee.agency_id)
        .exclude(status=Campaign.Status.DRAFT)
        .select_related("agency")
        .order_by("-opens_at")
        if pacts_services.employee_in_scope(campaign, employee)
        or Signature.objects.filter(campaign=campaign, employee=employee).exists()
    ]
    signatures = {
        s.campaign_id: s
        for s in Signature.objects.filter(employee=employee, campaign__in=campaigns)
    }
    links = {
        link.campaign_id: link
        for link in SigningLink.objects.filter(
            employee=employee, campaign__in=campaigns
        ).select_related("campaign", "employee")
    }
    sent: dict[int, list[ReminderDelivery]] = {}
    for delivery in (
        ReminderDelivery.objects.filter(
            recipient=employee.code,
            kind=ReminderDelivery.Kind.EMPLOYEE,
            round__campaign__in=campaigns,
        )
        .exclude(status=ReminderDelivery.Status.PENDING)
        .select_related("round", "message")
        .order_by("-sent_at", "-pk")
    ):
        sent.setdefault(delivery.round.campaign_id, []).append(delivery)
    return [
        CampaignRow(
            campaign=campaign,
            signature=signatures.get(campaign.pk),
            link=links.get(campaign.pk),
            reminders=sent.get(campaign.pk, []),
        )
        for campaign in campaigns
    ]


def _row_get(employee: Employee, campaign_code: str) -> CampaignRow:
    row = next((r for r in _rows(employee) if r.campaign.code == campaign_code), None)
    if row is None or row.link is None:
        raise Http404
    return row


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def _page(
    request: HttpRequest, employee: Employee, rows: list[CampaignRow], status: int = 200
) -> HttpResponse:
    return render(
        request,
        "monitoring/employee.html",
        {"employee": employee, "rows": rows},
        status=status,
    )


@officer_view(can_chase)
def employee_view(request: HttpRequest, employee_code: str, viewer: Membership) -> HttpResponse:
    employee = agency_selectors.employee_get(viewer=viewer, code=employee_code)
    audit_log(
        actor=Actor.from_request(request),
        action="agencies.employee.viewed",
        target=employee,
        agency=viewer.agency,
    )
    return _page(request, employee, _rows(employee))


@require_POST
@officer_view(can_chase)
def link_reveal_view(
    request: HttpRequest, employee_code: str, campaign_code: str, viewer: Membership
) -> HttpResponse:
    """Show the personal link on this page only, once asked for: who saw it is recorded."""
    employee = agency_selectors.employee_get(viewer=viewer, code=employee_code)
    rows = _rows(employee)
    row = next((r for r in rows if r.campaign.code == campaign_code and r.link), None)
    if row is None or row.link is None:
        raise Http404
    row.revealed = _base_url(request) + reverse(
        "pacts:sign", kwargs={"token": pacts_services.signing_link_url_token(row.link)}
    )
    audit_log(
        actor=Actor.from_request(request),
        action="pacts.signing_link.revealed",
        target=employee,
        agency=viewer.agency,
        data={"campaign": campaign_code},
    )
    return _page(request, employee, rows)


@require_POST
@officer_view(can_chase)
def link_send_view(
    request: HttpRequest, employee_code: str, campaign_code: str, viewer: Membership
) -> HttpResponse:
    employee = agency_selectors.employee_get(viewer=viewer, code=employee_code)
    row = _row_get(employee, campaign_code)
    assert row.link is not None
    if row.campaign.status != Campaign.Status.OPEN:
        messages.error(request, _("The link can be sent only while the campaign is open."))
    elif (
        pacts_services.signing_link_send(
            actor=Actor.from_request(request), link=row.link, base_url=_base_url(request)
        )
        is None
    ):
        messages.error(
            request,
            _(
                "%(name)s has no usable mobile number or e-mail in the roster: the link "
                "cannot be sent."
            )
            % {"name": employee.name},
        )
    else:
        messages.success(
            request, _("The personal link is on its way to %(name)s.") % {"name": employee.name}
        )
    return redirect("monitoring:employee", employee_code=employee.code)


@require_http_methods(["GET", "POST"])
@officer_view(can_chase)
def link_revoke_view(
    request: HttpRequest, employee_code: str, campaign_code: str, viewer: Membership
) -> HttpResponse:
    """GET: what replacing the link does, to confirm; POST: replace it."""
    employee = agency_selectors.employee_get(viewer=viewer, code=employee_code)
    row = _row_get(employee, campaign_code)
    assert row.link is not None
    if request.method == "POST":
        pacts_services.signing_link_revoke(actor=Actor.from_request(request), link=row.link)
        messages.success(
            request,
            _("The old link of %(name)s no longer works. Send or show the new one below.")
            % {"name": employee.name},
        )
        return redirect("monitoring:employee", employee_code=employee.code)
    return render(request, "monitoring/link_revoke.html", {"employee": employee, "row": row})


urlpatterns: list[URLPattern] = [
    path("pantau/pegawai/<str:employee_code>/", employee_view, name="employee"),
    path(
        "pantau/pegawai/<str:employee_code>/<str:campaign_code>/tampilkan/",
        link_reveal_view,
        name="employee_link_reveal",
    ),
    path(
        "pantau/pegawai/<str:employee_code>/<str:campaign_code>/kirim/",
        link_send_view,
        name="employee_link_send",
    ),
    path(
        "pantau/pegawai/<str:employee_code>/<str:campaign_code>/ganti/",
        link_revoke_view,
        name="employee_link_revoke",
    ),
]
