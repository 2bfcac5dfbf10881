import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from netral.agencies import selectors as agency_selectors
from netral.core import selectors, services, totp
from netral.core.access import is_admin, officer_view
from netral.core.audit import Actor, client_ip
from netral.core.forms import CodeForm, LoginForm, MembershipForm, NewMembershipForm
from netral.core.middleware import SESSION_MEMBERSHIP, SESSION_MUST_ENROL
from netral.core.models import Membership, User
from netral.monitoring.views import can_watch
from netral.pacts.models import Campaign

SESSION_PENDING_USER = "pending_user"
SESSION_PENDING_NEXT = "pending_next"
SESSION_ENROL = "enrol_totp"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:home")


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/login.html",
        {
            "form": LoginForm(),
            "throttled": True,
            "minutes": settings.NETRAL_LOGIN_LOCKOUT_MINUTES,
        },
        status=429,
    )


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        if services.login_is_throttled(username=username, ip=ip):
            return _throttled(request)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            services.login_failure_record(username=username, ip=ip)
            form.add_error(None, _("The username or password is wrong."))
        elif isinstance(user, User) and user.has_totp:
            request.session[SESSION_PENDING_USER] = user.pk
            request.session[SESSION_PENDING_NEXT] = _safe_next(request)
            return redirect("core:login_code")
        else:
            services.login_failures_clear(username=username)
            login(request, user)
            if settings.NETRAL_REQUIRE_2FA:
                request.session[SESSION_MUST_ENROL] = True
                return redirect("core:totp_enrol")
            return redirect(_safe_next(request))
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


def login_code_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PENDING_USER)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("core:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if services.login_is_throttled(username=user.username, ip=ip):
            return _throttled(request)
        if services.totp_verify(user=user, code=form.cleaned_data["code"]):
            target = request.session.get(SESSION_PENDING_NEXT) or reverse("core:home")
            services.login_failures_clear(username=user.username)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(target)
        services.login_failure_record(username=user.username, ip=ip)
        form.add_error("code", _("The code is wrong or has already been used."))
    return render(request, "core/login_code.html", {"form": form})


def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("core:login")
    user = request.user
    assert isinstance(user, User)
    secret = request.session.get(SESSION_ENROL) or totp.new_secret()
    request.session[SESSION_ENROL] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(
            actor=Actor.from_request(request),
            user=user,
            secret=secret,
            code=form.cleaned_data["code"],
        ):
            del request.session[SESSION_ENROL]
            request.session.pop(SESSION_MUST_ENROL, None)
            messages.success(request, _("Two-factor login is on."))
            return redirect("core:home")
        form.add_error("code", _("The code is wrong. Check the time on your phone and try again."))
    uri = totp.provisioning_uri(secret, account=user.username, issuer="Netral")
    return render(
        request,
        "core/totp_enrol.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4),
            "required": request.session.get(SESSION_MUST_ENROL, False),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:login")


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
    return render(request, "core/home.html", context)


@require_POST
@officer_view()
def membership_switch_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    chosen = Membership.objects.filter(user=viewer.user, code=request.POST.get("code")).first()
    if chosen is not None:
        request.session[SESSION_MEMBERSHIP] = chosen.code
    return redirect("core:home")


@officer_view(is_admin)
def membership_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return render(
        request,
        "core/membership_list.html",
        {"memberships": selectors.membership_list(viewer=viewer)},
    )


@sensitive_post_parameters("password")
@officer_view(is_admin)
def membership_create_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = NewMembershipForm(request.POST or None, units=agency_selectors.unit_list(viewer=viewer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.membership_create(
            actor=Actor.from_request(request),
            agency=viewer.agency,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            password=data["password"],
            role=data["role"],
            unit=data["unit"],
        )
        messages.success(request, _("The officer was added."))
        return redirect("core:membership_list")
    return render(request, "core/membership_form.html", {"form": form, "membership": None})


@officer_view(is_admin)
def membership_edit_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    membership = selectors.membership_get(viewer=viewer, code=code)
    form = MembershipForm(
        request.POST or None,
        units=agency_selectors.unit_list(viewer=viewer),
        initial={"role": membership.role, "unit": membership.unit},
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
            )
            messages.success(request, _("The role was saved."))
            return redirect("core:membership_list")
    return render(request, "core/membership_form.html", {"form": form, "edited": membership})


@officer_view(is_admin)
def membership_delete_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    membership = selectors.membership_get(viewer=viewer, code=code)
    if membership.pk == viewer.pk:
        messages.error(request, _("You cannot remove your own role."))
        return redirect("core:membership_list")
    if request.method == "POST":
        services.membership_delete(actor=Actor.from_request(request), membership=membership)
        messages.success(request, _("The officer's role was removed."))
        return redirect("core:membership_list")
    return render(request, "core/membership_delete.html", {"edited": membership})


@officer_view(is_admin)
def audit_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    action = request.GET.get("action", "").strip()
    page = Paginator(selectors.audit_list(viewer=viewer, action=action), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/audit_list.html", {"page": page, "action": action, "target": None})


@officer_view(is_admin)
def audit_object_view(
    request: HttpRequest, kind: str, code: str, viewer: Membership
) -> HttpResponse:
    target: Model = selectors.audited_object_get(viewer=viewer, kind=kind, code=code)
    page = Paginator(selectors.audit_list_for(viewer=viewer, target=target), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/audit_list.html", {"page": page, "target": target})
