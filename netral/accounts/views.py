import time
from dataclasses import replace

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from netral.accounts import services, totp
from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.forms import (
    CodeForm,
    LoginForm,
    ReconfirmForm,
    RecoveryCodesSavedForm,
    RecoveryLoginForm,
)
from netral.accounts.middleware import SESSION_MEMBERSHIP, SESSION_MUST_ENROL
from netral.accounts.models import Membership, User
from netral.base.audit import client_ip
from netral.base.throttle import device_id

SESSION_PENDING_USER = "pending_user"
SESSION_PENDING_NEXT = "pending_next"
SESSION_ENROL = "enrol_totp"
SESSION_RECONFIRMED = "totp_reconfirmed_at"
# The new set of recovery codes waiting for the officer to confirm saving it: its batch only,
# the codes themselves are never stored in clear, not even in the session.
SESSION_RECOVERY_BATCH = "recovery_batch"
RECONFIRM_SECONDS = 5 * 60
KNOWN_COOKIE, KNOWN_SALT = "netral_known", "netral.known_officers"
KNOWN_COOKIE_AGE = 180 * 24 * 3600


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


def _known_users(request: HttpRequest) -> list[str]:
    """The codes of the officers who have logged in on this browser before."""
    known = request.get_signed_cookie(KNOWN_COOKIE, default=None, salt=KNOWN_SALT)
    return known.split(",") if known else []


def _login_keys(request: HttpRequest, username: str) -> dict[str, str | None]:
    code = User.objects.filter(username__iexact=username).values_list("code", flat=True).first()
    return services.login_keys(
        username=username,
        ip=client_ip(request),
        device=device_id(request),
        known=code is not None and code in _known_users(request),
    )


def _logged_in(request: HttpRequest, user: User, response: HttpResponse) -> HttpResponse:
    """Remember the browser as the officer's own, so a flood of wrong passwords for the
    account from elsewhere does not keep them out."""
    known = [user.code, *[code for code in _known_users(request) if code != user.code]][:5]
    response.set_signed_cookie(
        KNOWN_COOKIE,
        ",".join(known),
        salt=KNOWN_SALT,
        max_age=KNOWN_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        throttle, keys = services.login_throttle(), _login_keys(request, username)
        if not throttle.attempt(**keys):
            return _throttled(request)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The username or password is wrong."))
        elif isinstance(user, User) and user.has_totp:
            throttle.succeeded(**keys)
            request.session[SESSION_PENDING_USER] = user.pk
            request.session[SESSION_PENDING_NEXT] = _safe_next(request)
            return redirect("accounts:login_code")
        else:
            assert isinstance(user, User)
            throttle.succeeded(**keys)
            login(request, user)
            if settings.NETRAL_REQUIRE_2FA:
                request.session[SESSION_MUST_ENROL] = True
                return _logged_in(request, user, redirect("accounts:totp_enrol"))
            return _logged_in(request, user, redirect(_safe_next(request)))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def login_code_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PENDING_USER)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    # Two forms on the page: the authenticator's code, or (the phone lost) a recovery code.
    by_recovery = "recovery_code" in request.POST
    form = CodeForm(request.POST if request.POST and not by_recovery else None)
    recovery_form = RecoveryLoginForm(request.POST if by_recovery else None)
    chosen = recovery_form if by_recovery else form
    if request.method == "POST" and chosen.is_valid():
        throttle, keys = services.login_throttle(), _login_keys(request, user.username)
        if not throttle.attempt(**keys):
            return _throttled(request)
        if by_recovery:
            left = services.recovery_code_use(
                actor=_acting_as(request, user),
                user=user,
                code=recovery_form.cleaned_data["recovery_code"],
            )
            passed = left is not None
        else:
            left, passed = None, services.totp_verify(user=user, code=form.cleaned_data["code"])
        if passed:
            throttle.succeeded(**keys)
            target = request.session.get(SESSION_PENDING_NEXT) or reverse("monitoring:home")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if left is not None:
                _say_recovery_codes_left(request, left)
            return _logged_in(request, user, redirect(target))
        if by_recovery:
            recovery_form.add_error(
                "recovery_code", _("The recovery code is wrong or has already been used.")
            )
        else:
            form.add_error("code", _("The code is wrong or has already been used."))
    return render(
        request, "accounts/login_code.html", {"form": form, "recovery_form": recovery_form}
    )


def _acting_as(request: HttpRequest, user: User) -> Actor:
    """The officer who is proving who they are, before the session is theirs."""
    return replace(Actor.visitor(request), user=user, label=user.get_username())


def _say_recovery_codes_left(request: HttpRequest, left: int) -> None:
    text = ngettext(
        "You used a recovery code. %(left)d recovery code is left.",
        "You used a recovery code. %(left)d recovery codes are left.",
        left,
    ) % {"left": left}
    if left <= 3:
        text += " " + _("Make a new set soon, under Security.")
    messages.warning(request, text)


@sensitive_post_parameters("password")
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    assert isinstance(user, User)
    # Replacing a second factor takes the password and the current code: a session left open
    # on a shared computer must not be enough to take the account over.
    if user.has_totp and not _recently_reconfirmed(request):
        return _totp_reconfirm(request, user)
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
            request.session.pop(SESSION_RECONFIRMED, None)
            messages.success(request, _("Two-factor login is on."))
            return _recovery_codes_show(request, user)
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


def _recently_reconfirmed(request: HttpRequest) -> bool:
    confirmed_at = float(request.session.get(SESSION_RECONFIRMED) or 0)
    return time.time() - confirmed_at < RECONFIRM_SECONDS


def _totp_reconfirm(request: HttpRequest, user: User) -> HttpResponse:
    form = ReconfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = _reconfirmed(request, user, form)
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome:
            request.session[SESSION_RECONFIRMED] = time.time()
            return redirect("accounts:totp_enrol")
    return render(
        request,
        "accounts/totp_reconfirm.html",
        {"form": form, "recovery_codes_left": services.recovery_codes_left(user=user)},
    )


def _reconfirmed(request: HttpRequest, user: User, form: ReconfirmForm) -> HttpResponse | bool:
    """Check the password and a second factor, counted by the login throttle: True when both
    are right, False with the form's error when not, the throttled page when limited."""
    throttle, keys = services.login_throttle(), _login_keys(request, user.username)
    if not throttle.attempt(**keys):
        return _throttled(request)
    factor = _password_and_second_factor(request, user, form)
    if factor is None:
        form.add_error(None, _("The password or the code is wrong."))
        return False
    throttle.succeeded(**keys)
    if factor.recovery_codes_left is not None:
        _say_recovery_codes_left(request, factor.recovery_codes_left)
    return True


def _password_and_second_factor(
    request: HttpRequest, user: User, form: ReconfirmForm
) -> services.SecondFactor | None:
    # The password first: a recovery code is not spent on a wrong password.
    if not user.check_password(form.cleaned_data["password"]):
        return None
    return services.second_factor_check(
        actor=Actor.from_request(request), user=user, code=form.cleaned_data["code"]
    )


def _recovery_codes_show(request: HttpRequest, user: User) -> HttpResponse:
    """A new set of recovery codes, shown in this response only (no page shows it again); it
    comes into force when the officer confirms saving it."""
    batch, codes = services.recovery_codes_create(user=user)
    request.session[SESSION_RECOVERY_BATCH] = batch
    return render(
        request,
        "accounts/recovery_codes_new.html",
        {"codes": codes, "form": RecoveryCodesSavedForm()},
    )


@sensitive_post_parameters("password", "code")
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left, and a new set for the password and a second factor."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    assert isinstance(user, User)
    if not user.has_totp:
        return redirect("accounts:totp_enrol")
    form = ReconfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = _reconfirmed(request, user, form)
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome:
            return _recovery_codes_show(request, user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"form": form, "left": services.recovery_codes_left(user=user)},
    )


@require_POST
def recovery_codes_saved_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    assert isinstance(user, User)
    batch = request.session.get(SESSION_RECOVERY_BATCH)
    form = RecoveryCodesSavedForm(request.POST)
    if (
        batch
        and form.is_valid()
        and services.recovery_codes_confirm(
            actor=Actor.from_request(request), user=user, batch=batch
        )
    ):
        del request.session[SESSION_RECOVERY_BATCH]
        messages.success(
            request,
            _("The recovery codes are in force. Each one works once, in place of the app's code."),
        )
        return redirect("monitoring:home")
    messages.error(
        request,
        _("The new recovery codes are not in force: they cannot be shown again. Make a new set."),
    )
    return redirect("accounts:recovery_codes")


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
