"""Responses that no cache keeps: pages and files carry names, NIPs, reports and evidence, and a
shared tablet, a proxy or the browser's back button must not show them to the next person."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
