"""Responses that no cache keeps (pages and files carry names, NIPs, reports and evidence, and a
shared tablet, a proxy or the browser's back button must not show them to the next person), and
request bodies no view reads past its limit."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

ViewFunction = Callable[..., Any]


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and private, no-cache) on every response whose view did not
    choose its own caching; static files are served before Django and are not touched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# A form's fields, boundaries and headers around the file it carries.
BODY_MARGIN_BYTES = 64 * 1024


def body_limit(limit: Callable[[], int]) -> Callable[[ViewFunction], ViewFunction]:
    """Let a view take a body of up to `limit()` bytes (read at request time, e.g. from a
    setting) plus room for the form around it; every other view takes what
    DATA_UPLOAD_MAX_MEMORY_SIZE allows. BodyLimitMiddleware refuses a larger body before
    anything reads it."""

    def mark(view: ViewFunction) -> ViewFunction:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


class BodyLimitMiddleware:
    """Refuse (413) a request whose declared body is larger than its view takes, before the CSRF
    check or the view reads a byte of it: a 200 MB POST to a public page costs nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: ViewFunction, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = getattr(view, "body_limit", None)
        allowed = (
            limit() + BODY_MARGIN_BYTES
            if limit is not None
            else (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + BODY_MARGIN_BYTES
        )
        if length <= allowed:
            return None
        response = render(
            request,
            "too_large.html",
            {"limit_mb": max(1, round(allowed / 1_048_576))},
            status=413,
        )
        # The client is still sending: close the connection rather than read the rest.
        response["Connection"] = "close"
        return response
