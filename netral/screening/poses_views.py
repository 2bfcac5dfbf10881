"""The photo pose check's page: public like the text self-check. The upload is read into memory
by a handler of its own (never into a temporary file, whatever its size), checked, shown back
scaled down, and dropped; nothing about it is stored or logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from netral.base.audit import client_ip
from netral.base.middleware import body_limit
from netral.base.throttle import Throttle, device_id
from netral.base.uploads import UploadRefused
from netral.screening import poses

FINGER_NAMES = {
    "thumb": gettext_lazy("thumb"),
    "index": gettext_lazy("index finger"),
    "middle": gettext_lazy("middle finger"),
    "ring": gettext_lazy("ring finger"),
    "pinky": gettext_lazy("little finger"),
}


class PhotoUploadHandler(MemoryFileUploadHandler):
    """Keeps the upload in memory up to NETRAL_PHOTO_MAX_BYTES and drops a larger one, so no
    photo ever reaches the disk (Django writes uploads over 2 MB to a temporary file)."""

    too_large = False

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.activated = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)  # raises StopFutureHandlers: it takes the file

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.NETRAL_PHOTO_MAX_BYTES:
            self.too_large = True
            self.file.close()
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        help_text=gettext_lazy("A JPEG, PNG or WebP photo, as you would post it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": gettext_lazy("Choose a photo to check.")},
    )


@dataclass
class HandView:
    hand: poses.Hand
    number: int
    fingers: str


def photo_throttle() -> Throttle:
    """Each check costs a core a fraction of a second: a browser gets a photo every ten seconds
    or so, an address (a hall behind one NAT) many more."""
    return Throttle("photo-check", limits={"device": 60, "address": 1200}, window=600)


@csrf_exempt
@never_cache
@body_limit(lambda: settings.NETRAL_PHOTO_MAX_BYTES)
def photo_check_view(request: HttpRequest) -> HttpResponse:
    handler = PhotoUploadHandler(request)
    handler.too_large = False
    # Before anything reads the body: the CSRF check below would, with Django's handlers.
    request.upload_handlers = [handler]
    return _photo_check(request, handler)


@csrf_protect
def _photo_check(request: HttpRequest, handler: PhotoUploadHandler) -> HttpResponse:
    installed = poses.pose_check_installed()
    form = PhotoForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "installed": installed}
    if request.method == "POST" and installed:
        valid = form.is_valid()
        if handler.too_large:  # the file was dropped: say why, not that none was chosen
            limit = f"{settings.NETRAL_PHOTO_MAX_BYTES / 1024 / 1024:.1f}".replace(".", ",")
            form.errors["photo"] = form.error_class(
                [_("The photo is too large: at most %(limit)s MB.") % {"limit": limit}]
            )
        elif valid:
            context.update(_checked(request, form))
    return render(request, "screening/photo_check.html", context)


def _checked(request: HttpRequest, form: PhotoForm) -> dict[str, object]:
    if not photo_throttle().attempt(device=device_id(request), address=client_ip(request)):
        form.add_error(None, _("Too many photos checked. Wait a few minutes and try again."))
        return {}
    upload = form.cleaned_data["photo"]
    try:
        check = poses.photo_check(upload.read(), flagged=poses.flagged_counts())
    except UploadRefused as refused:
        form.add_error("photo", str(refused))
        return {}
    except poses.CheckerBusy:
        form.add_error(None, _("The check is busy. Try again in a minute."))
        return {}
    finally:
        upload.close()
    hands = [
        HandView(
            hand=hand,
            number=number,
            fingers=", ".join(str(FINGER_NAMES[name]) for name in hand.fingers),
        )
        for number, hand in enumerate(check.hands, start=1)
    ]
    return {
        "check": check,
        "hands": hands,
        "flagged_hands": [view for view in hands if view.hand.flagged],
        "flagged_counts": ", ".join(str(count) for count in sorted(check.flagged_counts)),
        "label_size": max(check.width, check.height) // 14,
    }


urlpatterns: list[URLPattern] = [
    path("periksa/foto/", photo_check_view, name="photo_check"),
]
