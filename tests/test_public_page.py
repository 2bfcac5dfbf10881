"""The public page worth sharing: the pact, the officials and witnesses, completion by OPD, the
collective document, a verification box, a report link and a share image; no staff data."""

import io
import re

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image

from netral.pacts import officials, services
from netral.pacts.models import Campaign, Signature
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make


def published(pacts: Pacts) -> str:
    Campaign.objects.filter(pk=pacts.campaign.pk).update(is_public=True)
    return reverse("monitoring:public", args=[pacts.campaign.code])


def sign(pacts: Pacts, employee: object) -> Signature:
    pacts.campaign.refresh_from_db()
    signature, _created = services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=employee,  # type: ignore[arg-type]
        channel=Signature.Channel.LINK,
        typed_name="Nama",
    )
    return signature


def test_the_public_page_shows_the_commitment_and_no_staff_personal_data(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    regent = officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="official",
        name="H. Fadia Arafiq",
        office="Bupati",
    )
    officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="witness",
        name="Hj. Ai Rohmah",
        office="Ketua",
        institution="Bawaslu Kabupaten Pekalongan",
    )
    officials.signatory_sign(actor=SYSTEM, signatory=regent, typed_name="Fadia Arafiq")
    third = employee_make(world.unit_b, "Rahasia Pegawai Ketiga")
    signature = sign(pacts, world.employee_a)
    sign(pacts, third)
    page = client.get(published(pacts)).content.decode()

    # The officials and witnesses, by name; the pact's own words.
    assert "H. Fadia Arafiq" in page and "Bupati" in page
    assert "Hj. Ai Rohmah" in page and "Bawaslu Kabupaten Pekalongan" in page
    assert pacts.campaign.pact_version.points[0][:60] in page
    # Completion by OPD: 1 of 1 in the education office's tree, 1 of 2 in health.
    assert re.search(r"Dinas Pendidikan dan Kebudayaan</th><td class=\"number\">1</td>", page)
    assert re.search(
        r"Dinas Kesehatan</th><td class=\"number\">1</td><td class=\"number\">2<", page
    )
    # The verification box, the report link, the share tags.
    assert reverse("pacts:verify_lookup") in page
    assert reverse("cases:report", args=[world.agency.code]) in page
    assert 'property="og:image"' in page and "bagikan.png" in page
    assert "wa.me" in page

    # No staff's personal data: names, NIPs (whole or masked), signature codes, typed names.
    for employee in (world.employee_a, world.employee_b, third):
        assert employee.name not in page
        assert employee.nip is not None
        assert employee.nip not in page and employee.nip[:8] not in page
    assert signature.code not in page
    assert "Bidang Pembinaan SD" not in page  # a sub-unit: only OPD rows


def test_the_verification_box_leads_to_the_pacts_page(client: Client, pacts: Pacts) -> None:
    signature = sign(pacts, pacts.world.employee_a)
    lookup = reverse("pacts:verify_lookup")
    response = client.get(lookup, {"kode": f"  {signature.code.upper()} "})
    assert response["Location"] == reverse("pacts:verify", args=[signature.code])
    refused = client.get(lookup, {"kode": "<script>"})
    assert refused.status_code == 400
    assert "huruf dan angka" in refused.content.decode()


def test_the_share_image_is_a_png_drawn_once_per_state(client: Client, pacts: Pacts) -> None:
    cache.clear()
    published(pacts)
    url = reverse("monitoring:public_image", args=[pacts.campaign.code])
    first = client.get(url)
    assert first["Content-Type"] == "image/png"
    assert "max-age" in first["Cache-Control"]
    image = Image.open(io.BytesIO(first.content))
    assert image.size == (1200, 630)
    assert client.get(url).content == first.content  # from the cache
    sign(pacts, pacts.world.employee_a)
    changed = client.get(url).content
    assert changed != first.content  # a new number, a new image


def test_the_collective_document_is_public_only_with_the_page(client: Client, pacts: Pacts) -> None:
    Campaign.objects.filter(pk=pacts.campaign.pk).update(collective_name="")
    public = reverse("pacts:collective_public", args=[pacts.campaign.code])
    assert client.get(public).status_code == 404
    page = client.get(published(pacts)).content.decode()
    assert 'data-testid="public-collective"' not in page  # not made yet
    image = reverse("monitoring:public_image", args=[pacts.campaign.code])
    Campaign.objects.filter(pk=pacts.campaign.pk).update(is_public=False)
    assert client.get(image).status_code == 404


def test_the_collective_document_is_public_only_when_the_admin_published_it(
    client: Client, pacts: Pacts
) -> None:
    # Its annex names every signatory: the public page offers it only by the admin's choice.
    Campaign.objects.filter(pk=pacts.campaign.pk).update(collective_name="collective/x.pdf")
    public = reverse("pacts:collective_public", args=[pacts.campaign.code])
    page = client.get(published(pacts)).content.decode()
    assert 'data-testid="public-collective"' not in page
    assert 'data-testid="collective-kept"' in page
    assert client.get(public).status_code == 404
    Campaign.objects.filter(pk=pacts.campaign.pk).update(collective_published=True)
    page = client.get(published(pacts)).content.decode()
    assert 'data-testid="public-collective"' in page
