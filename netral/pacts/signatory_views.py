"""The officials' track: the administrator lists the officials and witnesses; each signs
through a personal link of their own."""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.pacts import officials, selectors
from netral.pacts.forms import SignatoryForm, SignatorySignForm, StaffOpeningForm
from netral.pacts.models import Campaign, Signatory


def _signatory_link(campaign: Campaign, signatory: Signatory) -> str:
    token = officials.signatory_token(campaign, signatory.code)
    return settings.NETRAL_PUBLIC_URL.rstrip("/") + reverse(
        "pacts:signatory_sign", kwargs={"token": token}
    )


@dataclass(frozen=True)
class SignatoryRow:
    signatory: Signatory
    link: str
    title: str

    @property
    def whatsapp(self) -> str:
        text = _("Please sign the neutrality pact (%(title)s) through your own link: %(link)s")
        return "https://wa.me/?text=" + quote(text % {"title": self.title, "link": self.link})


@officer_view(is_admin)
def officials_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    actor = Actor.from_request(request)
    form = SignatoryForm(campaign=campaign)
    opening = StaffOpeningForm(
        initial={
            "officials_first": campaign.officials_first,
            "staff_opens_at": campaign.staff_opens_at,
        }
    )
    if request.method == "POST":
        if request.POST.get("action") == "opening":
            opening = StaffOpeningForm(request.POST)
            if opening.is_valid():
                officials.staff_opening_set(
                    actor=actor,
                    campaign=campaign,
                    officials_first=opening.cleaned_data["officials_first"],
                    staff_opens_at=opening.cleaned_data["staff_opens_at"],
                )
                messages.success(request, _("The staff's opening is saved."))
                return redirect("pacts:officials", code=campaign.code)
        else:
            form = SignatoryForm(request.POST, campaign=campaign)
            if form.is_valid():
                try:
                    added = officials.signatory_add(
                        actor=actor,
                        campaign=campaign,
                        role=form.cleaned_data["role"],
                        name=form.cleaned_data["name"],
                        office=form.cleaned_data["office"],
                        institution=form.cleaned_data["institution"],
                        employee=form.employee,
                    )
                except officials.SignatoryError as refusal:
                    messages.error(request, str(refusal))
                else:
                    messages.success(request, _("%(name)s is added.") % {"name": added.name})
                    signed = officials.staff_signature_of(added)
                    if signed is not None and added.role == Signatory.Role.OFFICIAL:
                        when = date_format(localtime(signed.signed_at), "j F Y H.i")
                        messages.info(
                            request,
                            _(
                                "%(name)s already signed as staff on %(when)s. That signature "
                                "stays theirs; the signature on the officials' track is "
                                "recorded beside it and not counted twice."
                            )
                            % {"name": added.name, "when": when},
                        )
                    return redirect("pacts:officials", code=campaign.code)
    rows = [
        SignatoryRow(signatory, _signatory_link(campaign, signatory), campaign.title)
        for signatory in campaign.signatories.all()
    ]
    return render(
        request,
        "pacts/officials.html",
        {
            "campaign": campaign,
            "officials": [row for row in rows if row.signatory.role == Signatory.Role.OFFICIAL],
            "witnesses": [row for row in rows if row.signatory.role == Signatory.Role.WITNESS],
            "form": form,
            "opening": opening,
            "staff_waiting": campaign.staff_waiting(),
        },
    )


@require_POST
@officer_view(is_admin)
def signatory_action_view(
    request: HttpRequest, code: str, signatory_code: str, viewer: Membership
) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    signatory = Signatory.objects.filter(campaign=campaign, code=signatory_code).first()
    if signatory is None:
        raise Http404
    actor = Actor.from_request(request)
    action = request.POST.get("action")
    try:
        if action == "remove":
            officials.signatory_remove(actor=actor, signatory=signatory)
            messages.success(request, _("%(name)s is removed.") % {"name": signatory.name})
        elif action == "up":
            officials.signatory_move_up(actor=actor, signatory=signatory)
        elif action == "witnessed":
            officials.witness_record(actor=actor, signatory=signatory)
            messages.success(
                request, _("%(name)s is recorded as witnessing.") % {"name": signatory.name}
            )
    except officials.SignatoryError as refusal:
        messages.error(request, str(refusal))
    return redirect("pacts:officials", code=campaign.code)


@never_cache
def signatory_sign_view(request: HttpRequest, token: str) -> HttpResponse:
    """An official's or witness's own link: the pact, then their signature."""
    signatory = officials.signatory_find(token)
    if signatory is None:
        return render(request, "pacts/link_invalid.html", status=404)
    campaign = signatory.campaign
    form = SignatorySignForm(request.POST or None, registered_name=signatory.name)
    error = ""
    if request.method == "POST" and not signatory.has_signed and form.is_valid():
        try:
            officials.signatory_sign(
                actor=Actor.visitor(request),
                signatory=signatory,
                typed_name=form.cleaned_data["typed_name"],
            )
        except officials.SignatoryError as refusal:
            error = str(refusal)
        else:
            return HttpResponseRedirect(request.path)
    waited = None if signatory.has_signed else officials.official_waited_for(signatory)
    return render(
        request,
        "pacts/signatory_sign.html",
        {
            "signatory": signatory,
            "campaign": campaign,
            "pact": campaign.pact_version,
            "form": form,
            "waited": waited,
            "error": error,
            "accepts": campaign.accepts_signatures(),
            "staff_signature": officials.staff_signature_of(signatory)
            if signatory.role == Signatory.Role.OFFICIAL
            else None,
        },
    )
