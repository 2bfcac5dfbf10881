"""Dashboards, the unit view, the live ceremony screen, the rollups and the public page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Agency, Employee, Region
from netral.base import charts
from netral.base.audit import audit_log
from netral.monitoring import chase, patterns, reminders, selectors
from netral.monitoring.selectors import Completion, Dashboard, UnitRow
from netral.pacts import selectors as pacts_selectors
from netral.pacts.models import Attendance, Campaign

SCREEN_POLL_SECONDS = 5
# How long the hall screen shows one page of units before the next, when they do not all fit.
SCREEN_PAGE_SECONDS = 8


def can_watch(viewer: Membership) -> bool:
    """Admins and coordinators (their subtree) see people; viewers see the numbers only."""
    return viewer.role in {
        Membership.Role.ADMIN,
        Membership.Role.COORDINATOR,
        Membership.Role.VIEWER,
    }


def can_chase(viewer: Membership) -> bool:
    return viewer.role in {Membership.Role.ADMIN, Membership.Role.COORDINATOR}


def oversees_others(viewer: Membership) -> bool:
    return viewer.agency.kind in {Agency.Kind.PROVINCE, Agency.Kind.NATIONAL}


def _charts(board: Dashboard) -> dict[str, object]:
    kinds = dict(Employee.Kind.choices)
    positions = dict(Employee.PositionType.choices)
    timeline = [
        (timezone.localtime(bucket) if isinstance(bucket, datetime.datetime) else bucket, count)
        for bucket, count in board.timeline
    ]
    return {
        "units_svg": charts.completion_bars(
            [
                charts.Bar(r.unit.name, r.completion.signed, r.completion.eligible)
                for r in board.units
            ]
        ),
        "kinds": [(kinds.get(k, k), c) for k, c in board.by_kind.items() if c.eligible],
        "kinds_svg": charts.completion_bars(
            [
                charts.Bar(str(kinds.get(k, k)), c.signed, c.eligible)
                for k, c in board.by_kind.items()
                if c.eligible
            ]
        ),
        "positions": [(positions.get(k, k), c) for k, c in board.by_position.items() if c.eligible],
        "positions_svg": charts.completion_bars(
            [
                charts.Bar(str(positions.get(k, k)), c.signed, c.eligible)
                for k, c in board.by_position.items()
                if c.eligible
            ]
        ),
        "timeline": timeline,
        "timeline_svg": charts.timeline_columns(timeline, hourly=board.hourly),
        "attendance": [
            (label, board.attendance.get(mode, 0)) for mode, label in Attendance.Mode.choices
        ],
    }


@officer_view(can_watch)
def dashboard_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """A campaign's completion in the viewer's scope: totals, methods, kinds, units, time."""
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    board = selectors.campaign_dashboard(viewer=viewer, campaign=campaign)
    sort = request.GET.get("urut", "")
    sort = sort if sort in UNIT_SORTS else "persen"
    board.units.sort(key=UNIT_SORTS[sort])
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "campaign": campaign,
            "board": board,
            "can_chase": can_chase(viewer),
            # The admin alone sees the flags: they name officers and point at signatures.
            "flags": patterns.campaign_flags(campaign=campaign) if viewer.is_admin else None,
            "window_minutes": settings.NETRAL_FLAG_WINDOW_MINUTES,
            "sort": sort,
            **_charts(board),
        },
    )


# The dashboard's unit order: the worst first unless asked otherwise, so the units to chase lead.
UNIT_SORTS: dict[str, Callable[[UnitRow], tuple[Any, ...]]] = {
    "persen": lambda row: (row.completion.percent, -row.completion.unsigned, row.unit.name),
    "-persen": lambda row: (-row.completion.percent, row.unit.name),
    "belum": lambda row: (-row.completion.unsigned, row.unit.name),
    "nama": lambda row: (row.unit.name.casefold(), row.unit.code),
}


@officer_view(can_chase)
def unit_view(request: HttpRequest, code: str, unit_code: str, viewer: Membership) -> HttpResponse:
    """One unit, made for the coordinator's phone: who has not signed first, each with a
    WhatsApp, SMS and call link, the message for the OPD's group, then the sub-units."""
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    unit = agency_selectors.unit_get(viewer=viewer, code=unit_code)
    board = selectors.campaign_dashboard(viewer=viewer, campaign=campaign, unit=unit)
    query = request.GET.get("q", "")
    unsigned = selectors.unsigned_employees(
        viewer=viewer, campaign=campaign, unit=unit, query=query
    )
    page = Paginator(unsigned, 50).get_page(request.GET.get("page"))
    parameters = request.GET.copy()
    parameters.pop("page", None)
    base_url = request.build_absolute_uri("/")[:-1]
    ceremony_url = base_url + reverse("pacts:ceremony", kwargs={"code": campaign.code})
    everyone = selectors.unsigned_employees(viewer=viewer, campaign=campaign, unit=unit)
    missing = board.total.unsigned
    group_text = chase.group_message(
        campaign=campaign,
        unit_name=unit.name,
        names=list(everyone.values_list("name", flat=True)[: chase.GROUP_MAX_NAMES]),
        total=missing,
        ceremony_url=ceremony_url,
    )
    return render(
        request,
        "monitoring/unit.html",
        {
            "campaign": campaign,
            "unit": unit,
            "board": board,
            "page": page,
            "cards": chase.chase_cards(campaign, list(page), base_url=base_url),
            "q": query,
            "query": parameters.urlencode(),
            "anchor": "belum",
            "group_text": group_text,
            "group_whatsapp": chase.whatsapp_url("", group_text),
            "units_svg": _charts(board)["units_svg"],
            "last_reminder": reminders.reminder_round_latest(campaign=campaign, unit=unit),
            "parent": unit.parent
            if unit.parent and (viewer.unit is None or unit.parent.is_within(viewer.unit))
            else None,
        },
    )


def _screen_numbers(viewer: Membership, campaign: Campaign) -> dict[str, object]:
    """The hall's numbers: the units with someone to sign in this campaign (none outside its
    scope), lowest completion first, so the room sees who is behind."""
    board = selectors.campaign_dashboard(viewer=viewer, campaign=campaign, timeline=False)
    rows = sorted(
        (row for row in board.units if row.completion.eligible),
        key=lambda row: (row.completion.percent, -row.completion.unsigned, row.unit.name),
    )
    return {
        "signed": board.total.signed,
        "eligible": board.total.eligible,
        "percent": float(board.total.percent_shown),
        "units": [
            {
                "name": row.unit.name,
                "signed": row.completion.signed,
                "eligible": row.completion.eligible,
                "percent": float(row.completion.percent_shown),
            }
            for row in rows
        ],
        "at": timezone.localtime().strftime("%H:%M:%S"),
    }


@officer_view(can_chase)
def screen_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """The projector screen of the ceremony: the QR code, a running count and the OPD bars."""
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    url = request.build_absolute_uri(reverse("pacts:ceremony", kwargs={"code": campaign.code}))
    return render(
        request,
        "monitoring/screen.html",
        {
            "campaign": campaign,
            "url": url,
            # No fixed size: the page scales it to the screen.
            "qr_svg": segno.make(url, error="m").svg_inline(omitsize=True),
            "numbers": _screen_numbers(viewer, campaign),
            "poll_seconds": SCREEN_POLL_SECONDS,
            "page_seconds": SCREEN_PAGE_SECONDS,
        },
    )


@never_cache
@officer_view(can_chase)
def screen_data_view(request: HttpRequest, code: str, viewer: Membership) -> JsonResponse:
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    return JsonResponse(_screen_numbers(viewer, campaign))


@require_POST
@officer_view(lambda viewer: viewer.is_admin)
def public_toggle_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Publish the campaign's agency-level completion on a public page, or stop doing so."""
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    campaign.is_public = request.POST.get("public") == "1"
    campaign.save(update_fields=["is_public"])
    audit_log(
        actor=Actor.from_request(request),
        action="pacts.campaign.published" if campaign.is_public else "pacts.campaign.unpublished",
        target=campaign,
        agency=campaign.agency,
    )
    if campaign.is_public:
        messages.success(request, _("The public page is on."))
    else:
        messages.success(request, _("The public page is off."))
    return redirect("monitoring:dashboard", code=campaign.code)


@officer_view(oversees_others)
def rollup_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    """Each overseen agency's completion for one election, sortable and filterable."""
    elections = list(selectors.rollup_elections(viewer=viewer))
    chosen = request.GET.get("pemilu", "")
    election = next((e for e in elections if e.code == chosen), elections[0] if elections else None)
    province = request.GET.get("provinsi", "")
    sort = request.GET.get("urut", "name")
    if sort not in {"name", "percent", "-percent"}:
        sort = "name"
    if viewer.agency.kind != Agency.Kind.NATIONAL:
        province = ""
    rows = (
        selectors.rollup(viewer=viewer, election=election, province=province, sort=sort)
        if election
        else []
    )
    total = Completion()
    for row in rows:
        total.add(row.completion)
    return render(
        request,
        "monitoring/rollup.html",
        {
            "elections": elections,
            "election": election,
            "rows": rows,
            "total": total,
            "province": province,
            "sort": sort,
            "provinces": Region.objects.filter(kind=Region.Kind.PROVINCE)
            if viewer.agency.kind == Agency.Kind.NATIONAL
            else [],
            "rows_svg": charts.completion_bars(
                [
                    charts.Bar(r.agency.name, r.completion.signed, r.completion.eligible)
                    for r in rows
                ]
            ),
        },
    )


# The officer's first page: what to watch today, whatever the role.
@officer_view()
def home_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    context = {
        "counts": agency_selectors.employee_counts(viewer=viewer) if viewer.can_view_roster else {},
        "recent_imports": agency_selectors.roster_import_list(viewer=viewer)[:5],
        "overseen_count": agency_selectors.overseen_agencies(
            viewer=viewer, with_employee_counts=False
        ).count(),
        "open_campaigns": Campaign.objects.filter(
            agency=viewer.agency, status=Campaign.Status.OPEN
        ).select_related("election")[:5]
        if can_watch(viewer)
        else [],
        "report_url": request.build_absolute_uri(
            reverse("cases:report", kwargs={"agency_code": viewer.agency.code})
        ),
    }
    return render(request, "monitoring/home.html", context)


urlpatterns: list[URLPattern] = [
    path("", home_view, name="home"),
    path("pantau/<str:code>/", dashboard_view, name="dashboard"),
    path("pantau/<str:code>/unit/<str:unit_code>/", unit_view, name="unit"),
    path("pantau/<str:code>/layar/", screen_view, name="screen"),
    path("pantau/<str:code>/layar.json", screen_data_view, name="screen_data"),
    path("pantau/<str:code>/publik/", public_toggle_view, name="public_toggle"),
    path("rekap/", rollup_view, name="rollup"),
]
