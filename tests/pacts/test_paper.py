import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pyhanko.pdf_utils import generic

from netral.base.models import AuditEntry
from netral.base.storage import read_bytes
from netral.pacts import services
from netral.pacts.models import Signature
from netral.pacts.transparency import log_sequence, log_verify
from tests.conftest import Pacts
from tests.files import bomb_png, pdf_bytes, pdf_with_root_entry, stored_files

pytestmark = pytest.mark.files

SCAN = pdf_bytes("a scanned pact " + "0" * 2000)


def upload(client: Client, pacts: Pacts, identifier: str, content: bytes, name: str) -> str:
    response = client.post(
        reverse("pacts:paper_pact", args=[pacts.campaign.code]),
        {"identifier": identifier, "scan": SimpleUploadedFile(name, content)},
        follow=True,
    )
    return response.content.decode()


def test_a_coordinator_records_a_paper_pact_of_the_own_unit(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    nip = pacts.world.employee_a.nip
    assert nip is not None
    text = upload(client, pacts, nip, SCAN, "pakta.pdf")
    assert "tercatat" in text
    signature = Signature.objects.get()
    assert signature.channel == Signature.Channel.PAPER
    assert signature.recorded_by == pacts.world.coordinator_a
    assert signature.scan_type == "pdf"
    assert read_bytes(services.scan_name(signature)) == SCAN
    assert AuditEntry.objects.filter(action="pacts.signature.paper_uploaded").exists()
    # A second upload changes nothing.
    assert "sudah menandatangani" in upload(client, pacts, nip, SCAN + b"x", "lagi.pdf")
    assert Signature.objects.count() == 1
    # Paper pacts join the transparency log like the others.
    log_sequence(campaign=pacts.campaign)
    assert log_verify(campaign=pacts.campaign) == []


def test_an_employee_of_another_unit_is_not_found(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    nip_b = pacts.world.employee_b.nip
    assert nip_b is not None
    assert "di unit Anda" in upload(client, pacts, nip_b, SCAN, "pakta.pdf")
    nip_other = pacts.world.other_employee.nip
    assert nip_other is not None
    assert "di unit Anda" in upload(client, pacts, nip_other, SCAN, "pakta.pdf")
    assert not Signature.objects.exists()


def test_a_disguised_or_oversized_scan_is_refused(
    client: Client, pacts: Pacts, settings: object
) -> None:
    client.force_login(pacts.world.admin)
    nip = pacts.world.employee_a.nip
    assert nip is not None
    assert "PDF, JPEG, atau PNG" in upload(client, pacts, nip, b"MZ\x90\x00program", "pakta.pdf")
    assert "PDF, JPEG, atau PNG" in upload(client, pacts, nip, b"<html>", "pakta.jpg")
    settings.NETRAL_PAPER_MAX_BYTES = 1000
    assert "lebih dari" in upload(client, pacts, nip, SCAN, "pakta.pdf")
    assert not Signature.objects.exists()
    settings.NETRAL_PAPER_MAX_BYTES = 10_000_000
    # A PNG by its first bytes only is damaged, not a scan.
    fake = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    assert "rusak" in upload(client, pacts, nip, fake, "foto.png")
    assert not Signature.objects.exists()
    photo = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(photo, "PNG")
    assert "tercatat" in upload(client, pacts, nip, photo.getvalue(), "foto.png")
    assert Signature.objects.get().scan_type == "png"


NAME = generic.NameObject


@pytest.mark.parametrize(
    ("scan", "message"),
    [
        (
            lambda: pdf_with_root_entry(
                "/OpenAction",
                generic.DictionaryObject(
                    {NAME("/S"): NAME("/JavaScript"), NAME("/JS"): generic.TextStringObject("x")}
                ),
            ),
            "skrip",
        ),
        (
            lambda: pdf_with_root_entry(
                "/OpenAction",
                generic.DictionaryObject(
                    {NAME("/S"): NAME("/Launch"), NAME("/F"): generic.TextStringObject("calc")}
                ),
            ),
            "skrip",
        ),
        (
            lambda: pdf_with_root_entry(
                "/Names",
                generic.DictionaryObject({NAME("/EmbeddedFiles"): generic.DictionaryObject()}),
            ),
            "skrip",
        ),
        (lambda: pdf_bytes() + b"<html><script>alert(1)</script></html>", "halaman web"),
        (lambda: b"%PDF-1.7\n" + b"0" * 500, "rusak"),
        (lambda: bomb_png(20_000, 20_000), "megapiksel"),
    ],
    ids=["javascript", "launch", "embedded-files", "html-polyglot", "not-a-pdf", "pixel-bomb"],
)
def test_a_crafted_scan_is_refused_and_nothing_written(
    client: Client, pacts: Pacts, scan: Callable[[], bytes], message: str
) -> None:
    client.force_login(pacts.world.admin)
    nip = pacts.world.employee_a.nip
    assert nip is not None
    kept = stored_files("paper")
    assert message in upload(client, pacts, nip, scan(), "pakta.pdf")
    assert not Signature.objects.exists()
    assert stored_files("paper") == kept
