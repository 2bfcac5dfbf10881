"""The pact PDF tells the truth: the employee as at signing, the place that is true for the
channel, no log state frozen into it, and the agency's letterhead."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from netral.accounts.actors import Actor
from netral.agencies.models import Agency
from netral.agencies.services import letterhead_update
from netral.base.storage import read_bytes
from netral.pacts import documents, services
from netral.pacts.models import Attendance, Signature, SigningLink
from netral.pacts.transparency import log_sequence, log_verify, record_sha256
from tests.conftest import Pacts
from tests.files import bomb_png
from tests.pacts.test_pdf import page_text, pages

pytestmark = pytest.mark.files
SYSTEM = Actor.command("tests")


def link_signed(client: Client, pacts: Pacts) -> Signature:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    client.post(reverse("pacts:sign", args=[token]), {"typed_name": "Siti Aminah", "consent": "on"})
    return Signature.objects.select_related("campaign__agency", "employee__unit").get()


def pdf_text(signature: Signature) -> bytes:
    pdf = documents.signature_pdf(signature=signature, base_url="https://netral.test")
    contents, static = page_text(pdf)
    return b"".join(contents) + static


def logo_png(width: int = 120, height: int = 120) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((200, 20, 20, 255), (10, 10, width - 10, height - 10))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_the_pdf_shows_the_employee_as_at_signing(
    client: Client, pacts: Pacts, certificate: object
) -> None:
    employee = pacts.world.employee_a
    employee.position, employee.rank = "Guru Ahli Muda", "Penata (III/c)"
    employee.save()
    signature = link_signed(client, pacts)
    assert signature.signer_details["position"] == "Guru Ahli Muda"
    assert signature.signer_details["unit"] == employee.unit.name
    # Promoted and moved after signing: the pact still shows what was signed.
    employee.position, employee.rank = "Kepala Sekolah", "Penata Tingkat I (III/d)"
    employee.unit = pacts.world.unit_b
    employee.save()
    signature.refresh_from_db()
    text = pdf_text(Signature.objects.select_related("campaign__agency", "employee__unit").get())
    assert b"Guru Ahli Muda" in text and b"Penata \\(III/c\\)" in text
    assert b"Kepala Sekolah" not in text and b"Dinas Kesehatan" not in text


def test_the_log_commits_to_the_details_shown(client: Client, pacts: Pacts) -> None:
    signature = link_signed(client, pacts)
    assert signature.record_sha256 == record_sha256(
        signature, campaign_code=pacts.campaign.code, employee_code=signature.employee.code
    )
    log_sequence(campaign=pacts.campaign)
    assert log_verify(campaign=pacts.campaign) == []
    changed = {**signature.signer_details, "position": "Kepala Dinas"}
    Signature.objects.filter(pk=signature.pk).update(signer_details=changed)
    problems = log_verify(campaign=pacts.campaign)
    assert problems[0].message == f"signature {signature.code} was changed after signing"


def test_a_pdf_made_before_sequencing_points_to_the_live_status(
    client: Client, pacts: Pacts, certificate: object
) -> None:
    signature = link_signed(client, pacts)
    assert signature.log_index is None
    text = pdf_text(signature)
    assert b"antrean" not in text
    assert b"lihat tautan verifikasi" in text
    # The verification page the PDF points to shows the log's live state.
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    log_sequence(campaign=pacts.campaign)
    later = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert 'data-testid="log-status"' in page and page != later
    assert pdf_text(signature) == text  # made once, kept


def test_a_link_pact_is_signed_at_the_seat_electronically(
    client: Client, pacts: Pacts, certificate: object
) -> None:
    Agency.objects.filter(pk=pacts.world.agency.pk).update(seat="Kajen")
    pacts.campaign.place = "Pendopo Kajen"
    pacts.campaign.save()
    text = pdf_text(link_signed(client, pacts))
    assert b"(Kajen, " in text
    assert b"ditandatangani secara elektronik" in text
    assert b"Pendopo" not in text


@pytest.mark.parametrize("online", [False, True])
def test_a_ceremony_pact_names_the_venue_only_when_signed_there(
    pacts: Pacts, certificate: object, online: bool
) -> None:
    Agency.objects.filter(pk=pacts.world.agency.pk).update(seat="Kajen")
    pacts.campaign.place = "Pendopo Kajen"
    pacts.campaign.save()
    employee = pacts.world.employee_a
    if online:
        services.attendance_record(
            actor=SYSTEM,
            campaign=pacts.campaign,
            employees=[employee],
            mode=Attendance.Mode.ONLINE,
            source=Attendance.Source.CHECK_IN,
        )
    signature, _ = services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=employee,
        channel=Signature.Channel.CEREMONY,
        typed_name=employee.name,
    )
    text = pdf_text(Signature.objects.select_related("campaign__agency", "employee__unit").get())
    if online:
        assert signature.signer_details["venue"] == ""
        assert b"(Kajen, " in text and b"secara elektronik" in text
    else:
        assert signature.signer_details["venue"] == "Pendopo Kajen"
        assert b"(Pendopo Kajen, " in text and b"secara elektronik" not in text


def test_the_admin_sets_the_letterhead_and_the_pdf_carries_it(
    client: Client, pacts: Pacts, certificate: object
) -> None:
    world = pacts.world
    client.force_login(world.admin)
    response = client.post(
        reverse("agencies:letterhead"),
        {
            "lines": "PEMERINTAH KABUPATEN PEKALONGAN\nBADAN KEPEGAWAIAN DAERAH",
            "address": "Jl. Contoh No. 1, Kajen",
            "seat": "Kajen",
            "logo": SimpleUploadedFile("logo.png", logo_png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(pk=world.agency.pk)
    assert agency.letterhead_lines.splitlines() == [
        "PEMERINTAH KABUPATEN PEKALONGAN",
        "BADAN KEPEGAWAIAN DAERAH",
    ]
    stored = read_bytes(agency.logo_name)
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.format == "PNG" and kept.size == (120, 120)
    logo_url = reverse("agencies:letterhead_logo", args=[agency.logo_name.rsplit("/", 1)[-1]])
    assert client.get(logo_url).content == stored
    assert logo_url in client.get(reverse("agencies:letterhead")).content.decode()
    assert client.get(reverse("agencies:letterhead_logo", args=["other.png"])).status_code == 404
    signature = link_signed(Client(), pacts)
    pdf = documents.signature_pdf(signature=signature, base_url="https://netral.test")
    first = pages(pdf)[0]
    assert "/Logo" in first["/Resources"]["/XObject"]
    _contents, static = page_text(pdf)
    assert b"(PEMERINTAH KABUPATEN PEKALONGAN)" in static
    assert b"(Jl. Contoh No. 1, Kajen)" in static


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "rusak"),
        (logo_png()[:200], "rusak"),
        (bomb_png(30_000, 30_000), "piksel"),
        (bomb_png(2_500, 2_500), "piksel"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 1_100_000, "1024 KB"),
    ],
    ids=["not-an-image", "truncated", "pixel-bomb", "past-the-budget", "oversized"],
)
def test_a_bad_logo_is_refused_and_nothing_changes(
    client: Client, pacts: Pacts, upload: bytes, message: str
) -> None:
    client.force_login(pacts.world.admin)
    response = client.post(
        reverse("agencies:letterhead"),
        {"lines": "PEMERINTAH", "logo": SimpleUploadedFile("logo.png", upload)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    agency = Agency.objects.get(pk=pacts.world.agency.pk)
    assert agency.letterhead_lines == "" and agency.logo_name == ""


def test_only_the_agency_admin_sets_the_letterhead(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    assert client.get(reverse("agencies:letterhead")).status_code == 403
    response = client.post(reverse("agencies:letterhead"), {"lines": "DIUBAH"})
    assert response.status_code == 403
    assert Agency.objects.get(pk=pacts.world.agency.pk).letterhead_lines == ""
    letterhead_update(actor=SYSTEM, agency=pacts.world.agency, lines=["A"], address="", seat="")
    assert Agency.objects.get(pk=pacts.world.agency.pk).letterhead_lines == "A"


def test_the_verification_page_speaks_plainly_and_keeps_the_log_terms_apart(
    client: Client, pacts: Pacts, certificate: object
) -> None:
    signature = link_signed(client, pacts)
    log_sequence(campaign=pacts.campaign)
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    plain, technical = page.split("<summary>Rincian teknis</summary>")
    assert "Tercatat di log publik instansi" in plain
    assert signature.record_sha256 not in plain and signature.record_sha256 in technical
    assert "Ringkasan log yang ditandatangani" in technical
    for calque in ("Kepala pohon", "Bukti keanggotaan", "daun"):
        assert calque not in page
