"""One confirmation step before mass or irreversible actions: the same POST comes back with
`confirmed=1` after the officer has read what will happen, how many it touches, and (for the
largest) typed the number."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRMED = "confirmed"
TYPED_COUNT = "typed_count"


@dataclass(frozen=True)
class Confirmation:
    title: str
    consequences: list[str]  # what will happen, one sentence each, counts included
    confirm_label: str
    cancel_url: str
    count: int | None = None  # with `type_count`, the number the officer must type
    type_count: bool = False
    danger: bool = False
    keep: Iterable[str] = field(default_factory=tuple)  # POST fields carried to the second step


def is_confirmed(request: HttpRequest, confirmation: Confirmation | None = None) -> bool:
    """True on the second step; a typed count must match."""
    if request.method != "POST" or request.POST.get(CONFIRMED) != "1":
        return False
    if confirmation is not None and confirmation.type_count:
        return request.POST.get(TYPED_COUNT, "").strip().replace(".", "") == str(confirmation.count)
    return True


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    typed = request.POST.get(TYPED_COUNT, "") if request.method == "POST" else ""
    error = ""
    if request.POST.get(CONFIRMED) == "1" and confirmation.type_count:
        error = _("Type %(count)s, the number shown above, to confirm.") % {
            "count": confirmation.count
        }
    hidden = [
        (name, value)
        for name in confirmation.keep
        for value in request.POST.getlist(name)
        if name not in (CONFIRMED, TYPED_COUNT, "csrfmiddlewaretoken")
    ]
    context = {"confirmation": confirmation, "hidden": hidden, "typed": typed, "error": error}
    return render(request, "confirm.html", context, status=400 if error else 200)
