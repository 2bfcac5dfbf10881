"""URLs for bench/signing_surge.py: the project's, plus the floor: one INSERT and a small page."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def floor_view(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (at, ip, user_agent) VALUES (now(), %s, %s)",
            [request.META.get("REMOTE_ADDR"), request.headers.get("user-agent", "")[:300]],
        )
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>")


urlpatterns = [path("bench/floor/", floor_view), path("", include("netral.urls"))]
