"""The agency's officers and its audit log, for the agency's administrators."""

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from netral.accounts import selectors as account_selectors
from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors, services
from netral.agencies.forms import (
    LetterheadForm,
    MembershipForm,
    MessageSettingsForm,
    NewMembershipForm,
)
from netral.agencies.letterhead import LOGO_MAX_BYTES, LogoError, logo_size_check
from netral.base.audit_sentences import AREAS, audit_details, audit_sentence
from netral.base.messaging import channel_enabled
from netral.base.middleware import body_limit
from netral.base.models import AuditEntry, Message
from netral.base.storage import read_bytes


@officer_view(is_admin)
def membership_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return render(
        request,
        "agencies/membership_list.html",
        {"memberships": account_selectors.membership_list(viewer=viewer)},
    )


@sensitive_post_parameters("password")
@officer_view(is_admin)
def membership_create_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = NewMembershipForm(request.POST or None, units=selectors.unit_list(viewer=viewer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.membership_create(
            actor=Actor.from_request(request),
            agency=viewer.agency,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password"],
            role=data["role"],
            unit=data["unit"],
        )
        messages.success(request, _("The officer was added."))
        return redirect("agencies:membership_list")
    return render(request, "agencies/membership_form.html", {"form": form, "membership": None})


@officer_view(is_admin)
def membership_edit_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    membership = account_selectors.membership_get(viewer=viewer, code=code)
    form = MembershipForm(
        request.POST or None,
        units=selectors.unit_list(viewer=viewer),
        initial={"role": membership.role, "unit": membership.unit, "phone": membership.user.phone},
    )
    if request.method == "POST" and form.is_valid():
        if membership.pk == viewer.pk and form.cleaned_data["role"] != Membership.Role.ADMIN:
            form.add_error("role", _("You cannot take away your own administrator role."))
        else:
            services.membership_update(
                actor=Actor.from_request(request),
                membership=membership,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
                phone=form.cleaned_data["phone"],
            )
            messages.success(request, _("The role was saved."))
            return redirect("agencies:membership_list")
    return render(request, "agencies/membership_form.html", {"form": form, "edited": membership})


@officer_view(is_admin)
def membership_delete_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    membership = account_selectors.membership_get(viewer=viewer, code=code)
    if membership.pk == viewer.pk:
        messages.error(request, _("You cannot remove your own role."))
        return redirect("agencies:membership_list")
    if request.method == "POST":
        services.membership_delete(actor=Actor.from_request(request), membership=membership)
        messages.success(request, _("The officer's role was removed."))
        return redirect("agencies:membership_list")
    return render(request, "agencies/membership_delete.html", {"edited": membership})


@officer_view(is_admin)
def audit_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    action = request.GET.get("action", "").strip()
    page = Paginator(account_selectors.audit_list(viewer=viewer, action=action), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "rows": _audit_rows(page), "action": action, "target": None}
    return render(request, "agencies/audit_list.html", context | {"areas": AREAS})


@officer_view(is_admin)
def audit_object_view(
    request: HttpRequest, kind: str, code: str, viewer: Membership
) -> HttpResponse:
    target: Model = selectors.audited_object_get(viewer=viewer, kind=kind, code=code)
    page = Paginator(account_selectors.audit_list_for(viewer=viewer, target=target), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "rows": _audit_rows(page), "target": target}
    return render(request, "agencies/audit_list.html", context)


def _audit_rows(page: Page) -> list[tuple[AuditEntry, str, list[tuple[str, str]]]]:
    return [(entry, audit_sentence(entry), audit_details(entry)) for entry in page]


@body_limit(lambda: LOGO_MAX_BYTES)
@officer_view(is_admin)
def letterhead_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    """The letterhead (kop surat) and seat printed on the agency's pacts."""
    agency = viewer.agency
    form = LetterheadForm(
        request.POST or None,
        request.FILES or None,
        initial={"lines": agency.letterhead_lines, "address": agency.address, "seat": agency.seat},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            if upload is not None:
                logo_size_check(upload.size)
            services.letterhead_update(
                actor=Actor.from_request(request),
                agency=agency,
                lines=form.cleaned_data["lines"],
                address=form.cleaned_data["address"],
                seat=form.cleaned_data["seat"],
                logo=upload.read() if upload is not None else None,
                remove_logo=form.cleaned_data["remove_logo"],
            )
        except LogoError as refusal:
            form.add_error("logo", str(refusal))
        else:
            messages.success(
                request, _("The letterhead was saved; pacts made from now on carry it.")
            )
            return redirect("agencies:letterhead")
    logo = agency.logo_name.rsplit("/", 1)[-1]
    return render(request, "agencies/letterhead.html", {"form": form, "logo": logo})


@officer_view(is_admin)
def letterhead_logo_view(request: HttpRequest, name: str, viewer: Membership) -> HttpResponse:
    """The agency's current logo, by the name it is kept under (its hash)."""
    logo = viewer.agency.logo_name
    if not logo or logo.rsplit("/", 1)[-1] != name:
        raise Http404
    return HttpResponse(read_bytes(viewer.agency.logo_name), content_type="image/png")


@officer_view(is_admin)
def message_settings_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    agency = viewer.agency
    form = MessageSettingsForm(
        # Bound on every POST: with every box unticked the POST holds no field at all.
        request.POST if request.method == "POST" else None,
        initial={name: getattr(agency, name) for name in services.MESSAGE_SETTINGS},
    )
    if request.method == "POST" and form.is_valid():
        services.agency_message_settings_update(
            actor=Actor.from_request(request), agency=agency, **form.cleaned_data
        )
        messages.success(request, _("The message settings were saved."))
        return redirect("agencies:message_settings")
    return render(
        request,
        "agencies/message_settings.html",
        {
            "form": form,
            "server_channels": [
                (label, channel_enabled(value)) for value, label in Message.Channel.choices
            ],
            "counts": selectors.message_counts(viewer=viewer),
        },
    )
