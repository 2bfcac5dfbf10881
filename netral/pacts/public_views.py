"""Pages for people without an account: signing through a personal link, and verification."""

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from netral.accounts.actors import Actor
from netral.agencies.identifiers import mask_nip
from netral.agencies.models import Employee
from netral.base.audit import client_ip
from netral.base.middleware import body_limit
from netral.base.storage import file_response
from netral.base.throttle import Throttle, device_id
from netral.pacts import (
    documents,
    kiosk,
    meetings,
    selectors,
    services,
    transparency,
    verification,
)
from netral.pacts.forms import CeremonyCodeForm, CeremonyIdentifierForm, PdfCheckForm, SignForm
from netral.pacts.models import Attendance, Campaign, Signatory, Signature, TreeHead


def _sign_submitted(
    request: HttpRequest,
    signer: services.Signer,
    channel: str,
    recorded: Callable[[Signature], object] | None = None,
) -> HttpResponse | None:
    """Record a submitted pact, then show the page again by a GET (a reload never submits
    twice). None when nothing was recorded: the page then shows the form's errors, or why the
    campaign takes no signature of this employee. `recorded` is called with a new signature."""
    form = SignForm(request.POST, registered_name=signer.employee_name)
    if not form.is_valid():
        return None
    try:
        signature, created = services.signature_record(
            # The employee's own act: never recorded as by an officer signed in on the device.
            actor=Actor.visitor(request),
            signer=signer,
            channel=channel,
            typed_name=form.cleaned_data["typed_name"],
            drawn_signature=form.cleaned_data["drawn_signature"],
            origin=_signing_origin(request),
        )
    except services.CampaignStateError:
        return None
    if created and recorded is not None:
        recorded(signature)
    return HttpResponseRedirect(request.path)


def _signing_origin(request: HttpRequest) -> services.SigningOrigin:
    device = kiosk.kiosk_of(request)
    user = request.user
    return services.SigningOrigin(
        device=services.device_hash(
            f"kiosk/{device.kiosk_id}" if device is not None else device_id(request)
        ),
        kiosk=device is not None,
        officer_id=user.pk if user.is_authenticated else None,
    )


def _signing_page(
    request: HttpRequest,
    *,
    campaign: Campaign,
    employee: Employee,
    pdf_url: str,
    check_in: Attendance | Campaign | None = None,
    finish_url: str = "",
    kiosk_code: str = "",
) -> HttpResponse:
    """The pact and its form, or after signing the thank-you page: the same for every way in.
    On a kiosk the thank-you page offers no PDF and no link to the signer's record."""
    signature = services.signature_of(campaign, employee)
    # The online room of the employee's own OPD, for the hybrid ceremony.
    meeting = meetings.meeting_for_employee(campaign, employee)
    if signature is not None:
        return render(
            request,
            "pacts/signed.html",
            {
                "signature": signature,
                "pdf_url": "" if kiosk_code else pdf_url,
                "check_in": check_in,
                "finish_url": finish_url,
                "meeting": meeting,
                **_kiosk_context(kiosk_code),
            },
        )
    if not campaign.accepts_signatures() or not services.employee_in_scope(campaign, employee):
        return render(request, "pacts/campaign_closed.html", {"campaign": campaign}, status=410)
    if campaign.staff_waiting():
        return _staff_waiting_page(request, campaign)
    return render(
        request,
        "pacts/sign.html",
        {
            "campaign": campaign,
            "employee": employee,
            "pact": campaign.pact_version,
            "form": SignForm(request.POST or None, registered_name=employee.name),
            "check_in": check_in,
            "meeting": meeting,
            **_kiosk_context(kiosk_code),
        },
    )


def _staff_waiting_page(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The officials sign first: the staff see who has signed and when their signing opens."""
    return render(
        request,
        "pacts/staff_waiting.html",
        {
            "campaign": campaign,
            "officials": Signatory.objects.filter(
                campaign=campaign, role=Signatory.Role.OFFICIAL
            ).only("name", "office", "signed_at"),
        },
    )


def _kiosk_elsewhere(request: HttpRequest) -> HttpResponse | None:
    """On a kiosk, a personal link leads to the kiosk's start page: a link opened there would
    stay in the tablet's history for the next signer."""
    device = kiosk.kiosk_of(request)
    if device is None:
        return None
    return redirect("pacts:ceremony", code=device.campaign_code)


@never_cache
def sign_view(request: HttpRequest, token: str) -> HttpResponse:
    if (elsewhere := _kiosk_elsewhere(request)) is not None:
        return elsewhere
    if request.method == "POST":
        # The busiest request of a surge: the signer is read without building model instances.
        signer = services.link_signer_find(token)
        if signer is None:
            return render(request, "pacts/link_invalid.html", status=404)
        if (done := _sign_submitted(request, signer, Signature.Channel.LINK)) is not None:
            return done
    link = services.signing_link_find(token)
    if link is None:
        return render(request, "pacts/link_invalid.html", status=404)
    return _signing_page(
        request,
        campaign=link.campaign,
        employee=link.employee,
        pdf_url=reverse("pacts:sign_pdf", kwargs={"token": token}),
    )


SESSION_CEREMONY_PENDING = "ceremony_pending"
SESSION_CEREMONY_SIGNER = "ceremony_signer"
SESSION_CEREMONY_CHANNEL = "ceremony_channel"  # where the code went; never the address
CEREMONY_SESSION_SECONDS = 30 * 60
CEREMONY_AFTER_SIGNING_SECONDS = 3 * 60


def _open_campaign_or_404(code: str) -> Campaign:
    campaign = services.open_campaign(code)
    if campaign is None:
        raise Http404
    return campaign


def _kiosk_aware(view: Callable[..., Any]) -> Callable[..., Any]:
    """A ceremony page on a kiosk: a kiosk of another campaign is sent to its own start page;
    the signer's session ends once it has been idle too long (checked here, on every request)
    and is marked as used on the way out."""

    @wraps(view)
    def wrapped(request: HttpRequest, code: str) -> Any:
        device = kiosk.kiosk_of(request)
        if device is None:
            return view(request, code)
        if device.campaign_code != code:
            return redirect("pacts:ceremony", code=device.campaign_code)
        kiosk.signer_session_expire(request)
        response = view(request, code)
        kiosk.signer_session_touch(request)
        return response

    return wrapped


def _kiosk_code(request: HttpRequest) -> str:
    """The campaign code of this device's kiosk, or "" on an ordinary device."""
    device = kiosk.kiosk_of(request)
    return device.campaign_code if device else ""


def _kiosk_context(kiosk_code: str) -> dict[str, object]:
    """What the page's idle timer needs (base_public.html)."""
    return {"kiosk": kiosk_code, "kiosk_idle_seconds": kiosk.idle_seconds()}


def _throttle_device(request: HttpRequest) -> str | None:
    # Every signer at a kiosk shares its cookie: one person's typos must not lock the next.
    return None if _kiosk_code(request) else device_id(request)


def ceremony_throttle() -> Throttle:
    """Wrong NIPs and codes at the ceremony, per phone (a cookie), per person asked for and per
    address; the address has room for a hall behind NAT, and nothing is counted per campaign."""
    limit = settings.NETRAL_LOGIN_MAX_FAILURES
    return Throttle(
        "ceremony",
        limits={"device": limit * 2, "person": limit, "address": settings.NETRAL_VENUE_FAILURES},
        window=settings.NETRAL_LOGIN_LOCKOUT_MINUTES * 60,
    )


@never_cache
@_kiosk_aware
def ceremony_view(request: HttpRequest, code: str) -> HttpResponse:
    """The page behind the ceremony QR code: the employee gives the NIP and gets a code on the
    channel the roster and the agency's settings give (WhatsApp, SMS or e-mail, sent by the
    worker), or, with none, uses the printed code from the unit's coordinator."""
    campaign = _open_campaign_or_404(code)
    if campaign.staff_waiting():
        return _staff_waiting_page(request, campaign)
    kiosk_code = _kiosk_code(request)
    if kiosk_code:
        # A kiosk's start page begins a new signer: whatever the previous one left is gone.
        request.session.flush()
    form = CeremonyIdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttle = ceremony_throttle()
        keys = {"device": _throttle_device(request), "address": client_ip(request)}
        if not throttle.attempt(**keys):
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
        else:
            employee = services.ceremony_employee_find(
                campaign=campaign, identifier=form.cleaned_data["identifier"]
            )
            if employee is not None:
                throttle.succeeded(**keys)
            if employee is None:
                form.add_error(
                    "identifier", _("This NIP or NIK is not on the list for this campaign.")
                )
            else:
                try:
                    channel = services.ceremony_code_send(
                        actor=Actor.from_request(request), campaign=campaign, employee=employee
                    )
                except services.CeremonyCodeLimited as limited:
                    channel = limited.channel
                    messages.info(request, _("A code was sent to you moments ago: enter that one."))
                if channel or services.ceremony_code_printed_exists(
                    campaign=campaign, employee=employee
                ):
                    request.session[SESSION_CEREMONY_PENDING] = [campaign.code, employee.code]
                    request.session[SESSION_CEREMONY_CHANNEL] = channel
                    return redirect("pacts:ceremony_code", code=campaign.code)
                form.add_error(
                    "identifier",
                    _(
                        "No code can be sent to you: the roster has no mobile number or e-mail "
                        "address we can use. Ask your unit's coordinator for your printed code "
                        "or your personal signing link."
                    ),
                )
    return render(
        request,
        "pacts/ceremony.html",
        {
            "campaign": campaign,
            "form": form,
            "finished": request.GET.get("selesai") == "1",
            **_kiosk_context(kiosk_code),
            # Nothing to clear on an untouched start page: its idle timer only rearms.
            "kiosk_start_page": not form.errors,
        },
    )


def _pending_employee(request: HttpRequest, campaign: Campaign, key: str) -> Employee | None:
    pending = request.session.get(key)
    if not pending or pending[0] != campaign.code:
        return None
    return services.ceremony_employee_get(campaign=campaign, code=pending[1])


@never_cache
@_kiosk_aware
def ceremony_code_view(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _open_campaign_or_404(code)
    employee = _pending_employee(request, campaign, SESSION_CEREMONY_PENDING)
    if employee is None:
        return redirect("pacts:ceremony", code=code)
    form = CeremonyCodeForm(request.POST or None)
    channel = request.session.get(SESSION_CEREMONY_CHANNEL, "")
    form.fields["code"].label = {
        "whatsapp": _("The 6-digit code from WhatsApp"),
        "sms": _("The 6-digit code from the SMS"),
        "email": _("The 6-digit code from your e-mail"),
    }.get(channel, _("The 8-digit code on your slip"))
    if request.method == "POST" and form.is_valid():
        throttle = ceremony_throttle()
        keys = {
            "device": _throttle_device(request),
            "person": f"{campaign.code}|{employee.code}",
            "address": client_ip(request),
        }
        if not throttle.attempt(**keys):
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
        elif services.ceremony_code_check(
            campaign=campaign, employee=employee, code=form.cleaned_data["code"]
        ):
            throttle.succeeded(**keys)
            request.session.cycle_key()
            request.session[SESSION_CEREMONY_SIGNER] = [campaign.code, employee.code]
            request.session.set_expiry(CEREMONY_SESSION_SECONDS)
            return redirect("pacts:ceremony_sign", code=code)
        else:
            form.add_error("code", _("The code is wrong or has expired."))
    # No contact detail on the page: whoever typed the NIP may not be its owner.
    return render(
        request,
        "pacts/ceremony_code.html",
        {
            "campaign": campaign,
            "form": form,
            "channel": channel,
            **_kiosk_context(_kiosk_code(request)),
        },
    )


@require_POST
def ceremony_resend_view(request: HttpRequest, code: str) -> HttpResponse:
    """Send the code again, on the same channel, within the per-person limit."""
    campaign = _open_campaign_or_404(code)
    employee = _pending_employee(request, campaign, SESSION_CEREMONY_PENDING)
    if employee is None:
        return redirect("pacts:ceremony", code=code)
    try:
        channel = services.ceremony_code_send(
            actor=Actor.from_request(request), campaign=campaign, employee=employee
        )
    except services.CeremonyCodeLimited:
        messages.error(
            request,
            _(
                "A new code can be sent once a minute and five times an hour. Wait a moment, "
                "then try again."
            ),
        )
    else:
        if channel:
            request.session[SESSION_CEREMONY_CHANNEL] = channel
            messages.success(request, _("A new code was sent. Enter the newest one."))
    return redirect("pacts:ceremony_code", code=code)


@never_cache
@_kiosk_aware
def ceremony_sign_view(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _open_campaign_or_404(code)
    employee = _pending_employee(request, campaign, SESSION_CEREMONY_SIGNER)
    if employee is None:
        return redirect("pacts:ceremony", code=code)
    kiosk_code = _kiosk_code(request)
    if request.method == "POST":
        signer = services.Signer.of(campaign, employee)
        done = _sign_submitted(
            request,
            signer,
            Signature.Channel.CEREMONY,
            # The kiosk hands out no PDF: the signer gets it through their own channel.
            recorded=(
                (lambda signature: services.pact_copy_send(employee=employee, signature=signature))
                if kiosk_code
                else None
            ),
        )
        if done is not None:
            # The phone may be a colleague's or the venue's: what is left of this signer's
            # session (the thank-you page, the PDF, the check-in) lasts minutes, not half an hour.
            request.session.set_expiry(CEREMONY_AFTER_SIGNING_SECONDS)
            return done
    return _signing_page(
        request,
        campaign=campaign,
        employee=employee,
        pdf_url=reverse("pacts:ceremony_pdf", kwargs={"code": code}),
        finish_url=reverse("pacts:ceremony_finish", kwargs={"code": code}),
        check_in=services.attendance_of(campaign, employee) or campaign,
        kiosk_code=kiosk_code,
    )


@require_POST
@_kiosk_aware
def ceremony_finish_view(request: HttpRequest, code: str) -> HttpResponse:
    """The signer is done: nothing of theirs stays reachable on this phone."""
    request.session.flush()
    return redirect(reverse("pacts:ceremony", kwargs={"code": code}) + "?selesai=1")


@require_POST
@_kiosk_aware
def ceremony_check_in_view(request: HttpRequest, code: str) -> HttpResponse:
    """An employee who passed the code check marks their own presence."""
    campaign = _open_campaign_or_404(code)
    employee = _pending_employee(request, campaign, SESSION_CEREMONY_SIGNER)
    if employee is None:
        return redirect("pacts:ceremony", code=code)
    mode = request.POST.get("mode", "")
    allowed = {
        Campaign.Mode.OFFLINE: {Attendance.Mode.OFFLINE},
        Campaign.Mode.ONLINE: {Attendance.Mode.ONLINE},
        Campaign.Mode.BOTH: {Attendance.Mode.OFFLINE, Attendance.Mode.ONLINE},
    }[Campaign.Mode(campaign.mode)]
    if mode in allowed:
        services.attendance_record(
            actor=Actor.from_request(request),
            campaign=campaign,
            employees=[employee],
            mode=mode,
            source=Attendance.Source.CHECK_IN,
        )
    return redirect("pacts:ceremony_sign", code=code)


@never_cache
def ceremony_pdf_view(request: HttpRequest, code: str) -> FileResponse:
    if kiosk.kiosk_of(request) is not None:
        raise Http404  # a kiosk hands out no pact: the next signer could open it
    campaign = _open_campaign_or_404(code)
    employee = _pending_employee(request, campaign, SESSION_CEREMONY_SIGNER)
    signature = Signature.objects.filter(campaign=campaign, employee=employee).first()
    if employee is None or signature is None:
        raise Http404
    return _pdf_response(request, signature)


def _pdf_response(request: HttpRequest, signature: Signature) -> FileResponse:

    name = documents.signature_pdf_stored(
        signature=signature, base_url=request.build_absolute_uri("/")[:-1]
    )
    return file_response(
        name, filename=f"pakta-{signature.code}.pdf", content_type="application/pdf"
    )


@never_cache
def sign_pdf_view(request: HttpRequest, token: str) -> FileResponse:
    if kiosk.kiosk_of(request) is not None:
        raise Http404
    link = services.signing_link_find(token)
    signature = (
        Signature.objects.filter(campaign=link.campaign, employee=link.employee)
        .select_related("campaign__pact_version", "campaign__agency", "employee__unit")
        .first()
        if link
        else None
    )
    if signature is None:
        raise Http404
    return _pdf_response(request, signature)


MAX_CHECKED_PDF_BYTES = 5 * 1024 * 1024


def _public_address(request: HttpRequest) -> str | None:
    """The address a public request is counted under; an IPv6 client by its /64, which one
    household or phone holds whole. The throttle stores only a keyed hash of it."""
    address = client_ip(request)
    if address is None:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def _public_request_allowed(request: HttpRequest, *, purpose: str = "public.request") -> bool:
    """Counts a request to a public page that computes something, per address; a hall behind
    NAT shares an address, so the limits (settings) are generous."""
    limit = (
        settings.NETRAL_PUBLIC_PDF_CHECKS_PER_MINUTE
        if purpose == "public.pdf_check"
        else settings.NETRAL_PUBLIC_REQUESTS_PER_MINUTE
    )
    throttle = Throttle(purpose, limits={"address": limit}, window=60)
    return throttle.attempt(address=_public_address(request))


def _too_many_requests_message() -> str:
    return _("Too many requests from your address. Wait a minute and try again.")


def _too_many_requests_json() -> JsonResponse:
    response = JsonResponse({"error": _too_many_requests_message()}, status=429)
    response["Retry-After"] = "60"
    return response


@body_limit(lambda: MAX_CHECKED_PDF_BYTES)
def verify_view(request: HttpRequest, code: str) -> HttpResponse:
    signature = selectors.signature_public_get(code)
    checks: list[verification.Check] = []
    status = 200
    form = PdfCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > MAX_CHECKED_PDF_BYTES:
            form.add_error("document", _("The file is larger than 5 MB."))
        elif not _public_request_allowed(request, purpose="public.pdf_check"):
            # Counted before the PDF is parsed: a refused check costs no seal validation.
            form.add_error(None, _too_many_requests_message())
            status = 429
        else:
            checks = verification.pdf_checks(signature, upload.read())
    head = TreeHead.objects.filter(campaign=signature.campaign).order_by("-size").first()
    in_log = (
        signature.log_index is not None and head is not None and head.size > signature.log_index
    )
    return render(
        request,
        "pacts/verify.html",
        {
            "signature": signature,
            "masked_nip": mask_nip(signature.employee.nip) if signature.employee.nip else "",
            "in_log": in_log,
            "head": head,
            "form": form,
            "checks": checks,
            "all_passed": bool(checks) and all(check.passed for check in checks),
            "seal": verification.recorded_seal(signature),
            "channel": verification.signature_channel(signature),
        },
        status=status,
    )


@require_GET
def verify_lookup_view(request: HttpRequest) -> HttpResponse:
    """The verification box of the public page: a pact's code, typed, leads to its page."""
    code = "".join(request.GET.get("kode", "").split()).lower()
    if not code.isalnum() or len(code) > 16:
        return render(request, "pacts/verify_lookup.html", {"code": code}, status=400)
    return redirect("pacts:verify", code=code)


def _campaign_or_404(code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code).exclude(status=Campaign.Status.DRAFT).first()
    if campaign is None:
        raise Http404
    return campaign


@require_GET
def tree_head_view(request: HttpRequest, code: str) -> JsonResponse:
    if not _public_request_allowed(request):
        return _too_many_requests_json()
    campaign = _campaign_or_404(code)
    head = TreeHead.objects.filter(campaign=campaign).order_by("-size").first()
    if head is None:
        return JsonResponse({"campaign": code, "size": 0}, status=404)
    return JsonResponse(_head_json(head, campaign))


def _head_json(head: TreeHead, campaign: Campaign) -> dict[str, object]:
    return {
        "campaign": campaign.code,
        "size": head.size,
        "root": head.root,
        "timestamp_ms": int(head.signed_at.timestamp() * 1000),
        "signature": head.signature,
        "signed_message": transparency.tree_head_message(
            campaign.code, head.size, head.root, int(head.signed_at.timestamp() * 1000)
        ).decode(),
        "algorithm": "Ed25519",
    }


@require_GET
def inclusion_proof_view(request: HttpRequest, code: str, signature_code: str) -> JsonResponse:
    if not _public_request_allowed(request):
        return _too_many_requests_json()
    campaign = _campaign_or_404(code)
    signature = Signature.objects.filter(campaign=campaign, code=signature_code).first()
    head = TreeHead.objects.filter(campaign=campaign).order_by("-size").first()
    if signature is None:
        raise Http404
    if signature.log_index is None or head is None or head.size <= signature.log_index:
        return JsonResponse({"status": "queued", "message": _("Queued for the log.")}, status=202)
    leaf, proof = transparency.log_inclusion_proof(
        campaign=campaign, index=signature.log_index, size=head.size
    )
    return JsonResponse(
        {
            "leaf_index": signature.log_index,
            "leaf_hash": leaf.hex(),
            "tree_head": _head_json(head, campaign),
            "proof": [h.hex() for h in proof],
        }
    )


@require_GET
def consistency_proof_view(request: HttpRequest, code: str) -> JsonResponse:
    if not _public_request_allowed(request):
        return _too_many_requests_json()
    campaign = _campaign_or_404(code)
    try:
        first, second = int(request.GET["dari"]), int(request.GET["ke"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "give ?dari=<old size>&ke=<new size>"}, status=400)
    heads = {
        h.size: h for h in TreeHead.objects.filter(campaign=campaign, size__in=[first, second])
    }
    if first > second or first not in heads or second not in heads:
        return JsonResponse({"error": "no published tree heads of those sizes"}, status=404)
    proof = transparency.log_consistency_proof(campaign=campaign, old_size=first, size=second)
    return JsonResponse(
        {
            "first": _head_json(heads[first], campaign),
            "second": _head_json(heads[second], campaign),
            "proof": [h.hex() for h in proof],
        }
    )


@require_GET
def log_key_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(transparency.log_public_key_pem(), content_type="text/plain")
