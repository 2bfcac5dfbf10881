"""The campaign's public page, worth sharing (seed 004 published the pact on social media): the
pact, the officials' and witnesses' signatures, completion by OPD, the collective document, a
box to verify a pact, a link to report a violation, and a share image with Open Graph tags. No
personal data beyond the officials'."""

from __future__ import annotations

import hashlib
import io
import textwrap

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from PIL import Image, ImageDraw, ImageFont

from netral.monitoring import selectors
from netral.pacts import selectors as pacts_selectors
from netral.pacts.models import Campaign, Signatory
from netral.pacts.selectors import Completion

SHARE_SIZE = (1200, 630)  # what WhatsApp, Facebook and X show large
SHARE_CACHE_SECONDS = 10 * 60
NAVY, WHITE, GOLD, PALE = (18, 38, 74), (255, 255, 255), (240, 180, 41), (200, 212, 232)


def _public_campaign(code: str) -> Campaign:
    campaign = (
        Campaign.objects.filter(code=code, is_public=True)
        .exclude(status=Campaign.Status.DRAFT)
        .select_related("agency", "election", "pact_version")
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def _share_text(campaign: Campaign, completion: Completion) -> str:
    return _("%(signed)s of %(eligible)s employees of %(agency)s have signed the pact.") % {
        "signed": formats.number_format(completion.signed, force_grouping=True),
        "eligible": formats.number_format(completion.eligible, force_grouping=True),
        "agency": campaign.agency.name,
    }


def public_view(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone: the commitment of the agency, without any staff's personal data."""
    campaign = _public_campaign(code)
    completion = pacts_selectors.campaign_completion(campaign)
    signatories = list(
        Signatory.objects.filter(campaign=campaign).only(
            "role", "order", "name", "office", "institution", "signed_at", "recorded"
        )
    )
    base = settings.NETRAL_PUBLIC_URL.rstrip("/")
    return render(
        request,
        "monitoring/public.html",
        {
            "campaign": campaign,
            "pact": campaign.pact_version,
            "completion": completion,
            "officials": [s for s in signatories if s.role == Signatory.Role.OFFICIAL],
            "witnesses": [s for s in signatories if s.role == Signatory.Role.WITNESS],
            "opd_rows": selectors.public_opd_completion(campaign),
            "share_text": _share_text(campaign, completion),
            "page_url": base + reverse("monitoring:public", kwargs={"code": campaign.code}),
            "image_url": base
            + reverse("monitoring:public_image", kwargs={"code": campaign.code})
            + f"?v={_share_key(campaign, completion)[:12]}",
        },
    )


def _share_key(campaign: Campaign, completion: Completion) -> str:
    signed_officials = Signatory.objects.filter(
        campaign=campaign, role=Signatory.Role.OFFICIAL, signed_at__isnull=False
    ).count()
    facts = [
        campaign.code,
        campaign.title,
        campaign.agency.name,
        str(completion.signed),
        str(completion.eligible),
        str(signed_officials),
        translation.get_language() or "",
    ]
    return hashlib.sha256("\n".join(facts).encode()).hexdigest()


@require_GET
def public_image_view(request: HttpRequest, code: str) -> HttpResponse:
    """The share image (PNG), drawn once per state of the numbers and kept in the cache."""
    campaign = _public_campaign(code)
    completion = pacts_selectors.campaign_completion(campaign)
    key = f"share-png:{_share_key(campaign, completion)}"
    png = cache.get(key)
    if png is None:
        png = share_png(campaign, completion)
        cache.set(key, png, SHARE_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={SHARE_CACHE_SECONDS}"
    return response


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own font (Aileron): no system font to install on the server.
    return ImageFont.load_default(size=size)


def share_png(campaign: Campaign, completion: Completion) -> bytes:
    image = Image.new("RGB", SHARE_SIZE, NAVY)
    draw = ImageDraw.Draw(image)
    left, width = 72, SHARE_SIZE[0] - 144
    draw.rectangle((0, 0, SHARE_SIZE[0], 14), fill=GOLD)
    draw.text((left, 56), campaign.agency.name.upper(), font=_font(34), fill=PALE)
    y = 110
    for line in textwrap.wrap(campaign.title, width=38)[:2]:
        draw.text((left, y), line, font=_font(56), fill=WHITE)
        y += 68
    percent = formats.number_format(round(completion.percent, 1), decimal_pos=1)
    draw.text((left, y + 24), f"{percent}%", font=_font(120), fill=GOLD)
    y += 170
    draw.text(
        (left, y),
        textwrap.shorten(
            _("%(signed)s of %(eligible)s employees have signed")
            % {
                "signed": formats.number_format(completion.signed, force_grouping=True),
                "eligible": formats.number_format(completion.eligible, force_grouping=True),
            },
            width=60,
        ),
        font=_font(38),
        fill=WHITE,
    )
    y += 70
    bar = (left, y, left + width, y + 28)
    draw.rounded_rectangle(bar, radius=14, fill=(44, 66, 110))
    done = int(width * min(completion.percent, 100) / 100)
    if done:
        draw.rounded_rectangle((left, y, left + max(done, 28), y + 28), radius=14, fill=GOLD)
    signed_officials = Signatory.objects.filter(
        campaign=campaign, role=Signatory.Role.OFFICIAL, signed_at__isnull=False
    ).count()
    if signed_officials:
        draw.text(
            (left, y + 52),
            _("%(count)s officials signed first") % {"count": signed_officials},
            font=_font(30),
            fill=PALE,
        )
    draw.text(
        (left, SHARE_SIZE[1] - 60),
        _("Neutrality pact of civil servants - Netral"),
        font=_font(26),
        fill=PALE,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


urlpatterns: list[URLPattern] = [
    path("publik/<str:code>/", public_view, name="public"),
    path("publik/<str:code>/bagikan.png", public_image_view, name="public_image"),
]
