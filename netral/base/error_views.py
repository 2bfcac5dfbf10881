"""The CSRF failure page, in the interface's language and layout instead of Django's English one."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)
