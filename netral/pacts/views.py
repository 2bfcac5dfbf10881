"""Officer pages: elections, pact texts, campaigns and their personal links."""

import datetime
from typing import IO, Any, cast
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Unit
from netral.base.confirmation import Confirmation, confirmation_page, is_confirmed
from netral.base.middleware import body_limit
from netral.base.storage import scratch_delete, scratch_read, scratch_save
from netral.pacts import (
    archives,
    code_slips,
    kiosk,
    meetings,
    participants,
    selectors,
    services,
    sheets,
)
from netral.pacts.forms import (
    CampaignForm,
    ElectionForm,
    MeetingForm,
    PactTextForm,
    PaperPactForm,
    ParticipantFileForm,
)
from netral.pacts.models import Attendance, Campaign, CampaignMeeting, PactVersion, SigningLink


def can_run_campaigns(viewer: Membership) -> bool:
    return viewer.role in {Membership.Role.ADMIN, Membership.Role.COORDINATOR}


@officer_view(is_admin)
def election_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        election = services.election_create(
            actor=Actor.from_request(request), owner=viewer.agency, **form.cleaned_data
        )
        return redirect("pacts:election_detail", code=election.code)
    return render(
        request,
        "pacts/election_list.html",
        {"elections": selectors.election_list(viewer=viewer), "form": form},
    )


@officer_view(is_admin)
def election_detail_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election = selectors.election_get(viewer=viewer, code=code)
    return render(
        request,
        "pacts/election_detail.html",
        {
            "election": election,
            "versions": selectors.pact_version_list(viewer=viewer).filter(election=election),
            "campaigns": selectors.campaign_list(viewer=viewer).filter(election=election),
        },
    )


@require_POST
@officer_view(is_admin)
def pact_version_create_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election = selectors.election_get(viewer=viewer, code=code)
    version = services.pact_version_create(
        actor=Actor.from_request(request), agency=viewer.agency, election=election
    )
    return redirect("pacts:pact_version", code=version.code)


@officer_view(is_admin)
def pact_version_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    version = selectors.pact_version_get(viewer=viewer, code=code)
    initial = dict(
        version.content(),
        points="\n".join(version.points),
        legal_basis="\n".join(version.legal_basis),
    )
    form = PactTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        edited = services.pact_version_update(
            actor=Actor.from_request(request), version=version, content=form.cleaned_data
        )
        if edited.pk != version.pk:
            messages.info(request, _("The published version stays as it was; this is a new draft."))
        return redirect("pacts:pact_version", code=edited.code)
    return render(request, "pacts/pact_version.html", {"version": version, "form": form})


@require_POST
@officer_view(is_admin)
def pact_version_publish_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    version = selectors.pact_version_get(viewer=viewer, code=code)
    if version.is_published:
        return redirect("pacts:pact_version", code=code)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Publish version %(number)s of the pact?") % {"number": version.number},
                consequences=[
                    _("The text of “%(title)s” becomes final: it can no longer change.")
                    % {"title": version.title},
                    _("Signing drives can then use it, and everyone who signs, signs this text."),
                    _(
                        "A later correction is made as a new version; signatures already given "
                        "keep this one."
                    ),
                ],
                confirm_label=_("Publish this version"),
                cancel_url=reverse("pacts:pact_version", kwargs={"code": code}),
            ),
        )
    services.pact_version_publish(actor=Actor.from_request(request), version=version)
    messages.success(request, _("The pact version is published and can no longer change."))
    return redirect("pacts:pact_version", code=code)


@officer_view(is_admin)
def campaign_create_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election = selectors.election_get(viewer=viewer, code=code)
    versions = selectors.pact_version_list(viewer=viewer).filter(
        election=election, status=PactVersion.Status.PUBLISHED
    )
    form = CampaignForm(
        request.POST or None,
        pact_versions=versions,
        units=agency_selectors.unit_list(viewer=viewer).filter(depth__gt=0),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        campaign = services.campaign_create(
            actor=Actor.from_request(request),
            agency=viewer.agency,
            election=election,
            pact_version=data.pop("pact_version"),
            units=list(data.pop("units")),
            **data,
        )
        return redirect("pacts:campaign_detail", code=campaign.code)
    return render(
        request,
        "pacts/campaign_form.html",
        {"form": form, "election": election, "versions": versions},
    )


@officer_view(can_run_campaigns)
def campaign_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return render(
        request, "pacts/campaign_list.html", {"campaigns": selectors.campaign_list(viewer=viewer)}
    )


@officer_view(can_run_campaigns)
def campaign_detail_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    completion = selectors.campaign_completion(campaign, viewer.unit)
    return render(
        request,
        "pacts/campaign_detail.html",
        {
            "campaign": campaign,
            "completion": completion,
            "units": selectors.campaign_units(
                campaign,
                agency_selectors.unit_list(viewer=viewer).filter(
                    depth=(viewer.unit.depth if viewer.unit else 1)
                ),
                root=viewer.unit,
            ),
            "meeting_rows": meetings.meeting_rows(viewer=viewer, campaign=campaign),
            "Status": Campaign.Status,
            "is_kiosk": _is_kiosk_of(request, campaign),
        },
    )


@officer_view(can_run_campaigns)
def meeting_edit_view(
    request: HttpRequest, code: str, unit_code: str, viewer: Membership
) -> HttpResponse:
    """The coordinator of an OPD (or an administrator) sets the OPD's online meeting."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    unit = (
        meetings.meeting_units_managed(viewer=viewer, campaign=campaign)
        .filter(code=unit_code)
        .first()
    )
    if unit is None:
        raise Http404
    meeting = CampaignMeeting.objects.filter(campaign=campaign, unit=unit).first()
    initial: dict[str, Any] = {}
    if meeting is not None:
        initial = {
            "url": meeting.url,
            "meeting_number": meeting.meeting_number,
            "passcode": meeting.passcode,
            "starts_at": meeting.starts_at and timezone.localtime(meeting.starts_at),
        }
    elif campaign.ceremony_date and campaign.ceremony_time:
        initial["starts_at"] = datetime.datetime.combine(
            campaign.ceremony_date, campaign.ceremony_time
        )
    form = MeetingForm(request.POST or None, initial=initial)
    back = reverse("pacts:campaign_detail", kwargs={"code": code}) + "#rapat"
    if request.method == "POST":
        actor = Actor.from_request(request)
        if request.POST.get("action") == "delete":
            if meetings.meeting_delete(actor=actor, campaign=campaign, unit=unit):
                messages.success(
                    request, _("The meeting link of %(unit)s is removed.") % {"unit": unit.name}
                )
            return redirect(back)
        if form.is_valid():
            meetings.meeting_save(
                actor=actor, campaign=campaign, unit=unit, fields=form.cleaned_data
            )
            messages.success(
                request,
                _("The meeting link of %(unit)s is saved.") % {"unit": unit.name},
            )
            return redirect(back)
    return render(
        request,
        "pacts/meeting_form.html",
        {"campaign": campaign, "unit": unit, "meeting": meeting, "form": form},
    )


def _is_kiosk_of(request: HttpRequest, campaign: Campaign) -> bool:
    device = kiosk.kiosk_of(request)
    return device is not None and device.campaign_code == campaign.code


@officer_view(can_run_campaigns)
def kiosk_start_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Turn this device (a venue tablet) into a signing kiosk of the campaign, after a
    confirmation: the officer is signed out on it, and only the ceremony pages remain."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    if campaign.status != Campaign.Status.OPEN:
        messages.error(request, _("A kiosk can be set up while the campaign is open."))
        return redirect("pacts:campaign_detail", code=code)
    if request.method == "POST":
        kiosk_id = kiosk.kiosk_id_new()
        services.kiosk_start(
            actor=Actor.from_request(request), campaign=campaign, kiosk_id=kiosk_id
        )
        # A kiosk must not keep an officer signed in for the next person who walks up.
        logout(request)
        response = redirect("pacts:ceremony", code=campaign.code)
        kiosk.kiosk_cookie_set(response, campaign=campaign, kiosk_id=kiosk_id)
        return response
    return render(
        request,
        "pacts/kiosk_start.html",
        {"campaign": campaign, "idle_seconds": kiosk.idle_seconds()},
    )


@officer_view(can_run_campaigns)
def kiosk_end_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """End kiosk mode on this device; the officer has signed in on it to do so."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    device = kiosk.kiosk_of(request)
    is_kiosk = device is not None and device.campaign_code == campaign.code
    if request.method == "POST" and device is not None and is_kiosk:
        services.kiosk_end(
            actor=Actor.from_request(request), campaign=campaign, kiosk_id=device.kiosk_id
        )
        messages.success(request, _("Kiosk mode is off on this device."))
        response = redirect("pacts:campaign_detail", code=code)
        kiosk.kiosk_cookie_delete(response)
        return response
    return render(request, "pacts/kiosk_end.html", {"campaign": campaign, "is_kiosk": is_kiosk})


@require_POST
@officer_view(is_admin)
def campaign_status_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    actor = Actor.from_request(request)
    try:
        if request.POST.get("action") == "open":
            services.campaign_open(actor=actor, campaign=campaign)
            messages.success(request, _("The campaign is open: personal links work now."))
        elif request.POST.get("action") == "close":
            services.campaign_close(actor=actor, campaign=campaign)
            messages.success(request, _("The campaign is closed: it accepts no more signatures."))
    except services.CampaignStateError:
        messages.error(request, _("A closed campaign cannot be opened again."))
    return redirect("pacts:campaign_detail", code=code)


@officer_view(can_run_campaigns)
def campaign_qr_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """The ceremony QR code, large, for the projector."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    url = request.build_absolute_uri(reverse("pacts:ceremony", kwargs={"code": campaign.code}))
    return render(
        request,
        "pacts/campaign_qr.html",
        {
            "campaign": campaign,
            "url": url,
            # No fixed size: the page scales it to the screen.
            "qr_svg": segno.make(url, error="m").svg_inline(omitsize=True),
        },
    )


@body_limit(lambda: settings.NETRAL_PAPER_MAX_BYTES)
@officer_view(can_run_campaigns)
def paper_pact_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """A coordinator records a pact signed on paper by uploading its scan."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    form = PaperPactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        employee = agency_selectors.employee_by_identifier(
            viewer=viewer, identifier=form.cleaned_data["identifier"]
        )
        upload = form.cleaned_data["scan"]
        if employee is None:
            form.add_error("identifier", _("No employee with this NIP or NIK in your units."))
        elif upload.size > settings.NETRAL_PAPER_MAX_BYTES:
            form.add_error(
                "scan",
                _("The scan is larger than %(limit)s MB.")
                % {"limit": settings.NETRAL_PAPER_MAX_BYTES // 1_048_576},
            )
        else:
            try:
                _signature, created = services.paper_signature_create(
                    actor=Actor.from_request(request),
                    campaign=campaign,
                    employee=employee,
                    scan=upload.read(),
                )
            except services.ScanError as problem:
                form.add_error("scan", str(problem))
            except services.CampaignStateError:
                form.add_error(
                    None, _("This campaign does not accept a pact from this employee now.")
                )
            else:
                if created:
                    messages.success(
                        request,
                        _("The paper pact of %(name)s is recorded.") % {"name": employee.name},
                    )
                else:
                    messages.info(
                        request,
                        _("%(name)s had already signed; nothing was changed.")
                        % {"name": employee.name},
                    )
                return redirect("pacts:paper_pact", code=code)
    return render(request, "pacts/paper_pact.html", {"campaign": campaign, "form": form})


@officer_view(can_run_campaigns)
def attendance_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """A coordinator ticks who is present at the ceremony, a page of employees at a time."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    unit_code = request.GET.get("unit", "")
    unit = agency_selectors.unit_get(viewer=viewer, code=unit_code) if unit_code else None
    employees = services.campaign_employees(campaign).filter(
        pk__in=agency_selectors.employee_list(viewer=viewer, unit=unit).values("pk")
    )
    if request.method == "POST":
        chosen = list(employees.filter(code__in=request.POST.getlist("employee")))
        actor = Actor.from_request(request)
        try:
            if request.POST.get("action") == "absent":
                count = services.attendance_remove(actor=actor, campaign=campaign, employees=chosen)
                messages.success(request, _("%(count)s marked absent.") % {"count": count})
            else:
                mode = request.POST.get("mode", Attendance.Mode.OFFLINE)
                if mode not in Attendance.Mode.values:
                    mode = Attendance.Mode.OFFLINE
                count = services.attendance_record(
                    actor=actor,
                    campaign=campaign,
                    employees=chosen,
                    mode=mode,
                    source=Attendance.Source.COORDINATOR,
                )
                messages.success(request, _("%(count)s marked present.") % {"count": count})
        except services.CampaignStateError:
            messages.error(request, _("Attendance is recorded while the campaign is open."))
        return redirect(request.get_full_path())
    page = Paginator(employees.select_related("unit").order_by("unit__path", "name"), 50).get_page(
        request.GET.get("page")
    )
    present = dict(
        Attendance.objects.filter(campaign=campaign, employee__in=[e.pk for e in page]).values_list(
            "employee_id", "mode"
        )
    )
    rows = [(employee, present.get(employee.pk)) for employee in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pacts/attendance.html",
        {
            "campaign": campaign,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "units": agency_selectors.unit_list(viewer=viewer).filter(depth__lte=2),
            "unit": unit,
            "Mode": Attendance.Mode,
            "meeting_rows": meetings.meeting_rows(viewer=viewer, campaign=campaign),
        },
    )


SESSION_ATTENDANCE_IMPORT = "attendance_import"
IMPORT_PAGE_ROWS = 50


def _import_plan(
    request: HttpRequest, campaign: Campaign, viewer: Membership
) -> participants.ImportPlan | None:
    """The preview this officer made for this campaign, if it is still there."""
    pending = request.session.get(SESSION_ATTENDANCE_IMPORT)
    if not pending or pending.get("campaign") != campaign.code:
        return None
    data = scratch_read(pending.get("name", ""))
    if data is None:
        return None
    plan = participants.ImportPlan.from_json(data)
    return plan if plan.membership == viewer.code else None


def _import_forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_ATTENDANCE_IMPORT, None)
    if pending:
        scratch_delete(pending.get("name", ""))


@body_limit(lambda: settings.NETRAL_MEETING_IMPORT_MAX_BYTES)
@officer_view(can_run_campaigns)
def attendance_import_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Online attendance from the meeting's participant export: upload, preview, confirm."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    form = ParticipantFileForm(request.POST or None, request.FILES or None)
    action = request.POST.get("action", "upload")
    if request.method == "POST" and action == "cancel":
        _import_forget(request)
        return redirect(request.path)
    if request.method == "POST" and action == "confirm":
        plan = _import_plan(request, campaign, viewer)
        if plan is None:
            messages.error(request, _("The preview is no longer there. Upload the file again."))
            return redirect(request.path)
        try:
            added = participants.participants_apply(
                actor=Actor.from_request(request), viewer=viewer, campaign=campaign, plan=plan
            )
        except services.CampaignStateError:
            messages.error(request, _("Attendance is recorded while the campaign is open."))
            return redirect(request.path)
        _import_forget(request)
        messages.success(request, _("%(count)s marked present online.") % {"count": added})
        return redirect("pacts:attendance", code=code)
    refused = _import_refused(campaign)
    if request.method == "POST" and refused:
        messages.error(request, refused)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["participants"]
        try:
            read = participants.participants_read(cast(IO[bytes], upload), size=upload.size)
        except participants.ParticipantFileError as problem:
            form.add_error("participants", str(problem))
        else:
            plan = participants.participants_match(
                viewer=viewer, campaign=campaign, upload=read, file_name=upload.name or ""
            )
            _import_forget(request)
            request.session[SESSION_ATTENDANCE_IMPORT] = {
                "campaign": campaign.code,
                "name": scratch_save(plan.to_json(), suffix=".json"),
            }
            return redirect(request.path)
    plan = _import_plan(request, campaign, viewer)
    context: dict[str, Any] = {"campaign": campaign, "form": form, "plan": plan, "refused": refused}
    if plan is not None:
        # What needs the officer's eye first: the rows not matched.
        items: list[participants.Missed | participants.Matched] = [*plan.missed, *plan.matched]
        page = Paginator(items, IMPORT_PAGE_ROWS).get_page(request.GET.get("page"))
        employees = agency_selectors.employee_list(viewer=viewer).in_bulk(
            [item.employee_id for item in page if isinstance(item, participants.Matched)]
        )
        context.update(
            page=page,
            rows=[_import_row(item, employees) for item in page],
            layout=participants.Layout.labels.get(plan.layout, plan.layout),
        )
    return render(request, "pacts/attendance_import.html", context)


def _import_refused(campaign: Campaign) -> str:
    if campaign.status != Campaign.Status.OPEN:
        return _("Attendance is recorded while the campaign is open.")
    if campaign.mode == Campaign.Mode.OFFLINE:
        return _("This campaign's ceremony is held in person only; it has no online attendance.")
    return ""


def _import_row(
    item: participants.Missed | participants.Matched, employees: dict[Any, Any]
) -> tuple[str, participants.Missed | participants.Matched, Any, str]:
    """(kind, the row, its employee, why or how) for the preview's table."""
    if isinstance(item, participants.Missed):
        return "missed", item, None, str(participants.Reason.labels[item.reason])
    return "matched", item, employees.get(item.employee_id), str(participants.How.labels[item.how])


@officer_view(can_run_campaigns)
def attendance_sheet_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """A unit's attendance sheet to print (PDF): a wet signature beside each name, no codes."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    unit = agency_selectors.unit_get(viewer=viewer, code=request.GET.get("unit", ""))
    try:
        lines = services.attendance_sheet_print(
            actor=Actor.from_request(request), campaign=campaign, unit=unit
        )
    except services.CampaignStateError:
        messages.error(
            request, _("The campaign is closed, so its attendance sheet can no longer be printed.")
        )
        return redirect("pacts:attendance", code=code)
    response = HttpResponse(
        sheets.attendance_sheet_pdf(campaign=campaign, unit=unit, lines=lines),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="daftar-hadir-{unit.code}.pdf"'
    return response


def _printed_codes_url(campaign: Campaign, unit: Unit) -> str:
    url = reverse("pacts:printed_codes", kwargs={"code": campaign.code})
    return f"{url}?{urlencode({'unit': unit.code})}"


@officer_view(can_run_campaigns)
def printed_codes_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """A unit's printed codes: who got a slip, whether and when it was used, with a link to void
    one; a POST prints the unit's slips (a job)."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    if request.method == "POST":
        chosen = agency_selectors.unit_get(viewer=viewer, code=request.POST.get("unit", ""))
        return _code_slips_print(request, campaign, chosen)
    units = agency_selectors.unit_list(viewer=viewer).order_by("path")
    # The viewer's own unit, or the agency's root: a path is a prefix of its sub-units' paths.
    root = units.first()
    if root is None:
        raise Http404
    unit_code = request.GET.get("unit", "")
    unit = agency_selectors.unit_get(viewer=viewer, code=unit_code) if unit_code else root
    choices = list(units.filter(depth__lte=root.depth + 2))
    if unit not in choices:  # a deeper unit, reached from its own page
        choices.insert(0, unit)
    query = request.GET.get("q", "")
    codes = selectors.printed_code_list(viewer=viewer, campaign=campaign, unit=unit, query=query)
    page = Paginator(codes, 50).get_page(request.GET.get("page"))
    parameters = request.GET.copy()
    parameters.pop("page", None)
    return render(
        request,
        "pacts/printed_codes.html",
        {
            "campaign": campaign,
            "unit": unit,
            "units": choices,
            "q": query,
            "query": parameters.urlencode(),
            "page": page,
            "rows": [(item, selectors.slip_status(item)) for item in page],
            "summary": selectors.slip_summary(viewer=viewer, campaign=campaign, unit=unit),
            "closed": campaign.status == Campaign.Status.CLOSED,
        },
    )


def _code_slips_print(request: HttpRequest, campaign: Campaign, unit: Unit) -> HttpResponse:
    """Start the job that prints the unit's code slips, one per person without e-mail or phone."""
    back = _printed_codes_url(campaign, unit)
    try:
        job = code_slips.code_slips_start(
            actor=Actor.from_request(request), campaign=campaign, unit=unit, next_url=back
        )
    except services.CampaignStateError:
        messages.error(request, _("The campaign is closed, so no more codes can be printed."))
        return redirect(back)
    except code_slips.NoSlipNeeded:
        messages.info(
            request,
            _(
                "Nobody in this unit needs a slip: everyone who has not signed has an e-mail "
                "address or a phone number, or a slip that still works."
            ),
        )
        return redirect(back)
    return redirect("accounts:job", code=job.code)


@officer_view(can_run_campaigns)
def printed_code_void_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Void an employee's printed code after a confirmation: the slip stops working, and the
    next print gives the employee a new code."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    employee = agency_selectors.employee_get(
        viewer=viewer, code=request.POST.get("employee") or request.GET.get("employee", "")
    )
    printed = (
        selectors.printed_code_list(viewer=viewer, campaign=campaign, unit=employee.unit)
        .filter(employee=employee)
        .first()
    )
    if printed is None:
        raise Http404
    unit_code = request.POST.get("unit") or request.GET.get("unit", "")
    unit = agency_selectors.unit_list(viewer=viewer).filter(code=unit_code).first()
    back = _printed_codes_url(campaign, unit or employee.unit)
    if request.method == "POST":
        try:
            services.ceremony_code_void(
                actor=Actor.from_request(request), campaign=campaign, employee=employee
            )
        except services.SlipVoidError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request,
                _(
                    "The printed code of %(name)s no longer works. Print the slips again to "
                    "give them a new one."
                )
                % {"name": employee.name},
            )
        return redirect(back)
    return render(
        request,
        "pacts/printed_code_void.html",
        {
            "campaign": campaign,
            "employee": employee,
            "printed": printed,
            "status": selectors.slip_status(printed),
            "unit": unit,
            "back": back,
        },
    )


@require_POST
@officer_view(can_run_campaigns)
def link_revoke_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Replace an employee's leaked link: the old one stops working, the new one is shown once."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    employee = agency_selectors.employee_by_identifier(
        viewer=viewer, identifier=request.POST.get("identifier", "")
    )
    link = (
        SigningLink.objects.filter(campaign=campaign, employee=employee)
        .select_related("campaign", "employee")
        .first()
        if employee
        else None
    )
    if link is None:
        messages.error(request, _("No personal link for this NIP or NIK in your units."))
    elif not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Replace the link of %(name)s?") % {"name": link.employee.name},
                consequences=[
                    _(
                        "The current personal link of %(name)s stops working at once, also in "
                        "messages already sent."
                    )
                    % {"name": link.employee.name},
                    _("A new link is shown once, on the next page: send it to them yourself."),
                    _("A signature already given stays valid."),
                ],
                confirm_label=_("Make a new link"),
                cancel_url=reverse("pacts:campaign_detail", kwargs={"code": code}),
                danger=True,
                keep=["identifier"],
            ),
        )
    else:
        services.signing_link_revoke(actor=Actor.from_request(request), link=link)
        url = request.build_absolute_uri(
            reverse("pacts:sign", kwargs={"token": services.signing_link_url_token(link)})
        )
        messages.success(
            request,
            _("The old link of %(name)s no longer works. The new link: %(url)s")
            % {"name": link.employee.name, "url": url},
        )
    return redirect("pacts:campaign_detail", code=code)


@require_POST
@officer_view(is_admin)
def archive_create_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    unit = agency_selectors.unit_get(viewer=viewer, code=request.POST.get("unit", ""))
    archive = archives.pact_archive_create(
        actor=Actor.from_request(request), campaign=campaign, unit=unit
    )
    return redirect("accounts:job", code=archive.code)
