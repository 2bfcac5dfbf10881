from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from netral.accounts.models import Membership

SESSION_MEMBERSHIP = "membership"
SESSION_MUST_ENROL = "must_enrol_2fa"


class TwoFactorMiddleware:
    """Keeps an officer who signed in without a second factor, where one is required, on the
    enrolment page until one is set up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and request.session.get(SESSION_MUST_ENROL)
            and settings.NETRAL_REQUIRE_2FA
        ):
            allowed = {
                reverse("accounts:totp_enrol"),
                reverse("accounts:logout"),
                reverse("set_language"),
            }
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:totp_enrol")
        return self.get_response(request)


class MembershipMiddleware:
    """Sets `request.membership`: the role the officer acts in (one agency at a time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = Membership.objects.filter(user=request.user).select_related(
                "agency", "agency__region", "unit"
            )
            chosen = request.session.get(SESSION_MEMBERSHIP)
            membership = (chosen and memberships.filter(code=chosen).first()) or memberships.first()
            request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)


class LanguageMiddleware:
    """Indonesian unless the visitor chose otherwise: many phones here are set to English, and
    the browser's language must not decide the interface."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
