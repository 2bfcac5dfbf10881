import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from netral.accounts import services, totp
from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.forms import CodeForm, LoginForm
from netral.accounts.middleware import SESSION_MEMBERSHIP, SESSION_MUST_ENROL
from netral.accounts.models import Membership, User
from netral.base.audit import client_ip

SESSION_PENDING_USER = "pending_user"
SESSION_PENDING_NEXT = "pending_next"
SESSION_ENROL = "enrol_totp"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("monitoring:home")


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/login.html",
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
            return redirect("accounts:login_code")
        else:
            services.login_failures_clear(username=username)
            login(request, user)
            if settings.NETRAL_REQUIRE_2FA:
                request.session[SESSION_MUST_ENROL] = True
                return redirect("accounts:totp_enrol")
            return redirect(_safe_next(request))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def login_code_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PENDING_USER)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if services.login_is_throttled(username=user.username, ip=ip):
            return _throttled(request)
        if services.totp_verify(user=user, code=form.cleaned_data["code"]):
            target = request.session.get(SESSION_PENDING_NEXT) or reverse("monitoring:home")
            services.login_failures_clear(username=user.username)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(target)
        services.login_failure_record(username=user.username, ip=ip)
        form.add_error("code", _("The code is wrong or has already been used."))
    return render(request, "accounts/login_code.html", {"form": form})


def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
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
            return redirect("monitoring:home")
        form.add_error("code", _("The code is wrong. Check the time on your phone and try again."))
    uri = totp.provisioning_uri(secret, account=user.username, issuer="Netral")
    return render(
        request,
        "accounts/totp_enrol.html",
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
    return redirect("accounts:login")


@require_POST
@officer_view()
def membership_switch_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    chosen = Membership.objects.filter(user=viewer.user, code=request.POST.get("code")).first()
    if chosen is not None:
        request.session[SESSION_MEMBERSHIP] = chosen.code
    return redirect("monitoring:home")
