import base64
import struct
import zlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)


def link_token(pacts: Pacts) -> str:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    return services.signing_link_url_token(link)


def test_the_signing_page_shows_the_pact_with_the_employees_data(
    client: Client, pacts: Pacts
) -> None:
    page = client.get(reverse("pacts:sign", args=[link_token(pacts)]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "PAKTA INTEGRITAS NETRALITAS" in text
    assert "Siti Aminah, S.Pd." in text
    assert pacts.world.employee_a.nip in text
    assert "Menolak politik uang" in text
    assert page["Cache-Control"].startswith("max-age=0")


def test_signing_needs_the_registered_name_and_consent(client: Client, pacts: Pacts) -> None:
    url = reverse("pacts:sign", args=[link_token(pacts)])
    wrong = client.post(url, {"typed_name": "Bambang", "consent": "on"})
    assert "Ketik nama Anda sesuai yang terdaftar" in wrong.content.decode()
    no_consent = client.post(url, {"typed_name": "Siti Aminah"})
    assert no_consent.status_code == 200
    assert not Signature.objects.exists()


def test_a_signature_is_recorded_once_and_the_page_thanks_the_signer(
    client: Client, pacts: Pacts
) -> None:
    url = reverse("pacts:sign", args=[link_token(pacts)])
    drawing = "data:image/png;base64," + base64.b64encode(PNG).decode()
    response = client.post(
        url,
        {"typed_name": "siti aminah", "consent": "on", "drawn_signature": drawing},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13)",
    )
    assert response.status_code == 302
    again = client.post(url, {"typed_name": "Siti Aminah", "consent": "on"}, follow=True)
    signature = Signature.objects.get()
    assert bytes(signature.drawn_signature) == PNG
    assert signature.user_agent.startswith("Mozilla/5.0")
    text = again.content.decode()
    assert "menandatangani pakta" in text
    assert reverse("pacts:verify", args=[signature.code]) in text


def test_a_link_signature_is_the_employees_even_where_an_officer_is_signed_in(
    client: Client, pacts: Pacts
) -> None:
    client.force_login(pacts.world.coordinator_a)
    url = reverse("pacts:sign", args=[link_token(pacts)])
    assert client.post(url, {"typed_name": "Siti Aminah", "consent": "on"}).status_code == 302
    signature = Signature.objects.get()
    assert signature.recorded_by is None
    entry = AuditEntry.objects.get(action="pacts.signature.created")
    assert (entry.actor, entry.actor_label) == (None, "anonymous")


def test_a_disguised_drawing_is_refused(client: Client, pacts: Pacts) -> None:
    url = reverse("pacts:sign", args=[link_token(pacts)])
    fake = "data:image/png;base64," + base64.b64encode(b"GIF89a" + b"0" * 50).decode()
    response = client.post(
        url, {"typed_name": "Siti Aminah", "consent": "on", "drawn_signature": fake}
    )
    assert "tidak dapat dibaca" in response.content.decode()
    assert not Signature.objects.exists()


def _png_with_size(width: int, height: int) -> bytes:
    """A PNG whose header claims this size, with valid checksums and a tiny image stream."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "drawing",
    [
        PNG[: len(PNG) // 2],  # truncated mid-stream
        PNG[:-12] + b"\0" * 12,  # the end chunk damaged
        _png_with_size(20_000, 20_000),  # a decompression bomb's header
        _png_with_size(600, 200),  # a header the image data does not fill
    ],
    ids=["truncated", "damaged", "huge", "short"],
)
def test_a_malformed_drawing_is_refused_at_signing_and_nothing_is_written(
    client: Client, pacts: Pacts, drawing: bytes
) -> None:
    url = reverse("pacts:sign", args=[link_token(pacts)])
    data_url = "data:image/png;base64," + base64.b64encode(drawing).decode()
    response = client.post(
        url, {"typed_name": "Siti Aminah", "consent": "on", "drawn_signature": data_url}
    )
    assert response.status_code == 200
    assert "tidak dapat dibaca" in response.content.decode()
    assert not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action="pacts.signature.created").exists()


def test_a_forged_token_gets_a_clear_page(client: Client, pacts: Pacts) -> None:
    response = client.get(reverse("pacts:sign", args=["a" * 32]))
    assert response.status_code == 404
    assert "Tautan ini tidak berlaku" in response.content.decode()
    client.post(reverse("pacts:sign", args=["a" * 32]), {"typed_name": "x", "consent": "on"})
    assert not Signature.objects.exists()


def test_a_closed_campaign_says_so(client: Client, pacts: Pacts) -> None:
    token = link_token(pacts)
    services.campaign_close(actor=services.Actor.command("t"), campaign=pacts.campaign)
    response = client.post(
        reverse("pacts:sign", args=[token]), {"typed_name": "Siti Aminah", "consent": "on"}
    )
    assert response.status_code == 410
    assert "Penandatanganan ditutup" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_deactivated_employees_link_takes_no_signature(client: Client, pacts: Pacts) -> None:
    token = link_token(pacts)
    employee = pacts.world.employee_a
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    url = reverse("pacts:sign", args=[token])
    assert client.get(url).status_code == 410
    response = client.post(url, {"typed_name": "Siti Aminah", "consent": "on"})
    assert response.status_code == 410
    assert "Penandatanganan ditutup" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_verification_page_masks_the_nip(client: Client, pacts: Pacts) -> None:
    signature, _ = services.signature_create(
        actor=services.Actor.command("t"),
        campaign=pacts.campaign,
        employee=pacts.world.employee_a,
        channel="link",
        typed_name="Siti Aminah",
    )
    text = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    nip = pacts.world.employee_a.nip
    assert nip is not None
    assert nip not in text
    assert nip[:4] in text
    assert "Siti Aminah, S.Pd." in text
    assert "dalam antrean" in text.lower() or "antrean" in text
    assert client.get(reverse("pacts:verify", args=["tidakada"])).status_code == 404


def test_a_coordinator_replaces_a_leaked_link(client: Client, pacts: Pacts) -> None:
    old = link_token(pacts)
    client.force_login(pacts.world.coordinator_a)
    url = reverse("pacts:link_revoke", args=[pacts.campaign.code])
    asked = client.post(url, {"identifier": pacts.world.employee_a.nip})
    # First the consequence, stated; the link still works until it is confirmed.
    assert "langsung tidak berlaku" in asked.content.decode()
    assert link_token(pacts) == old
    page = client.post(
        url, {"identifier": pacts.world.employee_a.nip, "confirmed": "1"}, follow=True
    )
    text = page.content.decode()
    assert "tidak berlaku lagi" in text
    new = link_token(pacts)
    assert new != old
    assert f"/t/{new}/" in text
    assert client.get(reverse("pacts:sign", args=[old])).status_code == 404
    assert client.get(reverse("pacts:sign", args=[new])).status_code == 200
    # Not for an employee of another unit.
    client.post(url, {"identifier": pacts.world.employee_b.nip, "confirmed": "1"})
    link_b = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_b)
    assert link_b.generation == 0


def test_qr_slips_print_twelve_to_a_page() -> None:
    from netral.pacts.slips import slips_pdf

    many = [services_slip(number) for number in range(13)]
    assert slips_pdf(title="Ikrar", slips=many).count(b"/Type /Page\n") == 2


def services_slip(number: int) -> Any:
    from netral.pacts.slips import Slip

    return Slip(name=f"Pegawai {number}", identifier="1", unit="Unit", url=f"https://x/t/{number}/")
