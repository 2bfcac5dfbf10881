"""Public pages of the cases app: the report form of an agency, the one-time receipt, and the
follow-up behind the receipt code. Nobody signs in; the code opens one case for 30 minutes."""

from __future__ import annotations

import datetime
import secrets
import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from netral.agencies.models import Agency
from netral.base.audit import client_ip
from netral.base.middleware import body_limit
from netral.base.throttle import Throttle, address_of_the_day, device_id
from netral.cases import intake, services
from netral.cases.evidence import EvidenceError
from netral.cases.intake_forms import (
    ReceiptForm,
    ReporterEvidenceForm,
    ReporterMessageForm,
    ReportForm,
)
from netral.cases.models import Case

SESSION_FORM_TOKENS = "cases_report_tokens"
SESSION_USED_TOKENS = "cases_report_used_tokens"
SESSION_RECEIPT = "cases_report_receipt"
SESSION_SUBMITTING = "cases_report_submitting"
SESSION_FOLLOW_CASE = "cases_follow_case"
SECOND_SENDING_WAIT_SECONDS = 20
FOLLOW_SESSION_SECONDS = 30 * 60
KEPT_TOKENS = 10


def _token_issue(request: HttpRequest) -> str:
    """A one-time token for this form: a second POST of the same form creates no second case."""
    token = secrets.token_urlsafe(16)
    tokens = request.session.get(SESSION_FORM_TOKENS, [])[-(KEPT_TOKENS - 1) :]
    request.session[SESSION_FORM_TOKENS] = [*tokens, token]
    return token


def _token_claim(request: HttpRequest, token: str) -> str:
    """Spend the form's token: "ok", "used" (sent already) or "unknown" (an expired session).
    Saved at once, so a second POST that arrives while the first works finds it spent."""
    if token and token in request.session.get(SESSION_USED_TOKENS, []):
        return "used"
    pending = request.session.get(SESSION_FORM_TOKENS, [])
    if not token or token not in pending:
        return "unknown"
    request.session[SESSION_FORM_TOKENS] = [each for each in pending if each != token]
    used = request.session.get(SESSION_USED_TOKENS, [])[-(KEPT_TOKENS - 1) :]
    request.session[SESSION_USED_TOKENS] = [*used, token]
    request.session[SESSION_SUBMITTING] = token
    request.session.save()
    return "ok"


def _first_sending_shown(request: HttpRequest, token: str) -> bool:
    """After a double tap the browser shows the second answer only: wait for the first sending
    to finish, so its receipt is shown rather than lost. True when the receipt is ready."""
    engine = import_module(settings.SESSION_ENGINE)
    deadline = time.monotonic() + SECOND_SENDING_WAIT_SECONDS
    while True:
        stored = engine.SessionStore(session_key=request.session.session_key)
        if SESSION_RECEIPT in stored:
            return True
        if stored.get(SESSION_SUBMITTING) != token or time.monotonic() > deadline:
            return False
        time.sleep(0.3)


def _token_release(request: HttpRequest, token: str) -> None:
    """Nothing was created after all: the same form may be sent again."""
    used = request.session.get(SESSION_USED_TOKENS, [])
    request.session[SESSION_USED_TOKENS] = [each for each in used if each != token]
    request.session.pop(SESSION_SUBMITTING, None)


def _agency_or_404(agency_code: str) -> Agency:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise Http404
    return agency


def report_throttle() -> Throttle:
    """Reports sent from one source (a keyed hash of its address that changes daily, so no
    address is kept and tomorrow's reports are not linked to today's) in an hour: a flood is
    slowed, while an office or a school behind one address still sends a few."""
    return Throttle(
        "report",
        limits={"source": settings.NETRAL_REPORTS_PER_ADDRESS_PER_HOUR},
        window=3600,
    )


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_FILES * settings.NETRAL_EVIDENCE_MAX_BYTES)
@never_cache
def report_view(request: HttpRequest, agency_code: str) -> HttpResponse:
    agency = _agency_or_404(agency_code)
    if request.method == "POST" and not report_throttle().attempt(
        source=address_of_the_day(client_ip(request))
    ):
        # Counted before the form is read: a flood's files are never decoded.
        return render(request, "cases/intake_slowed.html", {"agency": agency}, status=429)
    form = ReportForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        token = request.POST.get("form_token", "")
        claim = _token_claim(request, token)
        if claim == "used":
            if _first_sending_shown(request, token):
                return redirect("cases:receipt")
            return render(request, "cases/intake_already_sent.html", {"agency": agency})
        if claim == "unknown":
            form.add_error(
                None,
                _(
                    "The form was open too long. Check your answers, choose the files again and "
                    "send the report once more."
                ),
            )
        else:
            data = form.cleaned_data
            try:
                case, receipt = intake.report_submit(
                    agency=agency,
                    election=data["election"],
                    violation_type=data["violation_type"],
                    reported_nip=data["reported_nip"],
                    reported_name=data["reported_name"].strip(),
                    reported_position=data["reported_position"].strip(),
                    reported_unit=data["reported_unit"].strip(),
                    reported_agency=data["reported_agency"].strip(),
                    phase=data["phase"],
                    occurred_on=data["occurred_on"],
                    place=data["place"].strip(),
                    description=data["description"].strip(),
                    links=data["links"],
                    uploads=data["evidence"],
                    reporter_identity=form.reporter_identity(),
                )
            except EvidenceError as error:
                form.add_error("evidence", str(error))
                _token_release(request, token)
            else:
                request.session.pop(SESSION_SUBMITTING, None)
                request.session[SESSION_RECEIPT] = {
                    "receipt": receipt,
                    "agency": agency.name,
                    "created_at": case.created_at.isoformat(),
                }
                return redirect("cases:receipt")
    return render(
        request,
        "cases/intake_report.html",
        {"agency": agency, "form": form, "form_token": _token_issue(request)},
    )


@never_cache
def receipt_view(request: HttpRequest) -> HttpResponse:
    """The receipt code, once: it leaves the session as it is shown."""
    shown = request.session.pop(SESSION_RECEIPT, None)
    if shown is None:
        return render(request, "cases/receipt_gone.html")
    receipt = shown["receipt"]
    return render(
        request,
        "cases/receipt.html",
        {
            "groups": [receipt[i : i + 4] for i in range(0, len(receipt), 4)],
            "agency_name": shown["agency"],
            "created_at": datetime.datetime.fromisoformat(shown["created_at"]),
        },
    )


def receipt_throttle() -> Throttle:
    """Wrong receipt codes per browser and per address; a 16-digit code is not guessed in the
    few tries a window allows, and a reporter on another device is never stopped by a guesser."""
    limit = settings.NETRAL_LOGIN_MAX_FAILURES
    return Throttle(
        "receipt",
        limits={"device": limit, "address": limit * 10},
        window=settings.NETRAL_LOGIN_LOCKOUT_MINUTES * 60,
    )


@never_cache
def follow_view(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        receipt = form.cleaned_data["receipt"]
        throttle = receipt_throttle()
        keys = {"device": device_id(request), "address": client_ip(request)}
        if not throttle.attempt(**keys):
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
        else:
            case = intake.reporter_case_find(receipt)
            if case is None:
                form.add_error(None, _("Code not found."))
            else:
                throttle.succeeded(**keys)
                request.session.cycle_key()
                request.session[SESSION_FOLLOW_CASE] = case.code
                request.session.set_expiry(FOLLOW_SESSION_SECONDS)
                return redirect("cases:follow_case")
    return render(request, "cases/receipt_follow.html", {"form": form})


def _followed_case(request: HttpRequest) -> Case | None:
    code = request.session.get(SESSION_FOLLOW_CASE)
    if not code:
        return None
    return (
        Case.objects.filter(code=code, source=Case.Source.PUBLIC)
        .select_related("stage", "agency", "violation_type")
        .first()
    )


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_FILES * settings.NETRAL_EVIDENCE_MAX_BYTES)
@never_cache
def follow_case_view(request: HttpRequest) -> HttpResponse:
    case = _followed_case(request)
    if case is None:
        messages.info(request, _("Enter your receipt code to see your report."))
        return redirect("cases:follow")
    is_open = case.status == Case.Status.OPEN
    action = request.POST.get("action") if request.method == "POST" else None
    message_form = ReporterMessageForm(request.POST if action == "message" else None)
    evidence = intake.reporter_evidence(case)
    evidence_form = ReporterEvidenceForm(
        request.POST if action == "evidence" else None,
        request.FILES if action == "evidence" else None,
        existing=evidence.count(),
    )
    try:
        if action == "message" and is_open and message_form.is_valid():
            intake.reporter_message_add(case=case, text=message_form.cleaned_data["text"].strip())
            messages.success(request, _("Your message was sent."))
            return redirect("cases:follow_case")
        if action == "evidence" and is_open and evidence_form.is_valid():
            uploads = evidence_form.cleaned_data["evidence"]
            added = intake.reporter_evidence_add(case=case, uploads=uploads)
            messages.success(request, _("%(count)s files were added.") % {"count": len(added)})
            return redirect("cases:follow_case")
    except EvidenceError as error:
        evidence_form.add_error("evidence", str(error))
    except services.CaseStateError:  # closed by a handler meanwhile
        is_open = False
    if action and not is_open:
        messages.info(request, _("This report is closed; nothing more can be added."))
        return redirect("cases:follow_case")
    return render(
        request,
        "cases/receipt_case.html",
        {
            "case": case,
            "is_open": is_open,
            "thread": [
                (message, intake.message_text(message))
                for message in intake.reporter_messages(case)
            ],
            "evidence": evidence,
            "message_form": message_form,
            "evidence_form": evidence_form,
        },
    )


@require_POST
def follow_logout_view(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("cases:follow")


urlpatterns: list[URLPattern] = [
    path("lapor/pantau/", follow_view, name="follow"),
    path("lapor/pantau/kasus/", follow_case_view, name="follow_case"),
    path("lapor/pantau/keluar/", follow_logout_view, name="follow_logout"),
    path("lapor/tanda-terima/", receipt_view, name="receipt"),
    path("lapor/<str:agency_code>/", report_view, name="report"),
]
