import datetime
import re

from django.conf import settings
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from netral.pacts import services
from netral.pacts.models import CeremonyCode, Signature
from tests.conftest import Pacts


def start(client: Client, pacts: Pacts, identifier: str | None = None) -> str:
    """Ask for a code as employee A; returns the code read from the mail."""
    pacts.world.employee_a.email = "siti.aminah@example.go.id"
    pacts.world.employee_a.save()
    nip = pacts.world.employee_a.nip
    assert nip is not None
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    # The code goes from the worker once the request's transaction commits (tasks run in place).
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("pacts:ceremony", args=[pacts.campaign.code]),
            {"identifier": identifier or spaced},
        )
    assert response["Location"] == reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found is not None
    assert mail.outbox[-1].to == ["siti.aminah@example.go.id"]
    return found.group(1)


def test_an_employee_signs_with_the_nip_and_the_mailed_code(client: Client, pacts: Pacts) -> None:
    code = start(client, pacts)
    page = client.get(reverse("pacts:ceremony_code", args=[pacts.campaign.code]))
    assert "alamat email Anda yang terdaftar" in page.content.decode()
    assert "example.go.id" not in page.content.decode()  # no contact detail is shown
    response = client.post(
        reverse("pacts:ceremony_code", args=[pacts.campaign.code]), {"code": code}
    )
    sign_url = reverse("pacts:ceremony_sign", args=[pacts.campaign.code])
    assert response["Location"] == sign_url
    client.post(sign_url, {"typed_name": "Siti Aminah", "consent": "on"})
    signature = Signature.objects.get()
    assert signature.channel == Signature.Channel.CEREMONY
    assert "menandatangani pakta" in client.get(sign_url).content.decode()


def test_a_code_works_once(client: Client, pacts: Pacts) -> None:
    code = start(client, pacts)
    url = reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    client.post(url, {"code": code})
    other = Client()
    other.post(
        reverse("pacts:ceremony", args=[pacts.campaign.code]),
        {"identifier": pacts.world.employee_a.nip},
    )
    CeremonyCode.objects.filter(used_at__isnull=True).delete()  # only the used code is left
    response = other.post(url, {"code": code})
    assert "salah atau sudah kedaluwarsa" in response.content.decode()


def test_wrong_codes_are_counted_and_then_even_the_right_one_fails(
    client: Client, pacts: Pacts
) -> None:
    code = start(client, pacts)
    url = reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(services.CEREMONY_CODE_ATTEMPTS):
        client.post(url, {"code": wrong})
    response = client.post(url, {"code": code})
    assert response.status_code == 200
    assert not Signature.objects.exists()
    sign = client.get(reverse("pacts:ceremony_sign", args=[pacts.campaign.code]))
    assert sign["Location"] == reverse("pacts:ceremony", args=[pacts.campaign.code])


def test_an_expired_code_is_refused(client: Client, pacts: Pacts) -> None:
    code = start(client, pacts)
    CeremonyCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(
        reverse("pacts:ceremony_code", args=[pacts.campaign.code]), {"code": code}
    )
    assert "salah atau sudah kedaluwarsa" in response.content.decode()


def test_an_unknown_nip_is_explained_and_guessing_is_throttled(
    client: Client, pacts: Pacts
) -> None:
    url = reverse("pacts:ceremony", args=[pacts.campaign.code])
    response = client.post(url, {"identifier": "199001012015011999"})
    assert "tidak terdaftar dalam kegiatan penandatanganan ini" in response.content.decode()
    # The other agency's employee is not on this campaign's list either.
    response = client.post(url, {"identifier": pacts.world.other_employee.nip})
    assert "tidak terdaftar" in response.content.decode()
    for _attempt in range(25):
        client.post(url, {"identifier": "199001012015011999"})
    response = client.post(url, {"identifier": pacts.world.employee_a.nip})
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert not mail.outbox


def _with_email(pacts: Pacts) -> None:
    pacts.world.employee_a.email = "siti.aminah@example.go.id"
    pacts.world.employee_a.save()


def test_six_mistyped_nips_from_six_addresses_never_stop_the_next_employee(
    pacts: Pacts,
) -> None:
    _with_email(pacts)
    url = reverse("pacts:ceremony", args=[pacts.campaign.code])
    for number in range(6):
        Client().post(url, {"identifier": "199001012015011999"}, REMOTE_ADDR=f"192.0.2.{number}")
    response = Client().post(
        url, {"identifier": pacts.world.employee_a.nip}, REMOTE_ADDR="192.0.2.77"
    )
    assert response["Location"] == reverse("pacts:ceremony_code", args=[pacts.campaign.code])


def test_a_guesser_is_slowed_and_the_employee_beside_it_is_not(pacts: Pacts) -> None:
    _with_email(pacts)
    url = reverse("pacts:ceremony", args=[pacts.campaign.code])
    guesser, neighbour = Client(), Client()  # two phones on the hall's one address
    for number in range(30):
        guesser.post(url, {"identifier": f"1990010120150119{number:02d}"}, REMOTE_ADDR="192.0.2.1")
    blocked = guesser.post(url, {"identifier": pacts.world.employee_b.nip}, REMOTE_ADDR="192.0.2.1")
    assert "Terlalu banyak percobaan" in blocked.content.decode()
    response = neighbour.post(
        url, {"identifier": pacts.world.employee_a.nip}, REMOTE_ADDR="192.0.2.1"
    )
    assert response["Location"] == reverse("pacts:ceremony_code", args=[pacts.campaign.code])


def test_without_a_phone_or_email_the_employee_is_sent_to_the_coordinator(
    client: Client, pacts: Pacts
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("pacts:ceremony", args=[pacts.campaign.code]),
        {"identifier": pacts.world.employee_b.nip},
    )
    assert "the roster has no mobile number or e-mail address" in response.content.decode()
    assert "your printed code" in response.content.decode()
    assert not mail.outbox


def test_the_signing_page_needs_the_code_first(client: Client, pacts: Pacts) -> None:
    response = client.get(reverse("pacts:ceremony_sign", args=[pacts.campaign.code]))
    assert response["Location"] == reverse("pacts:ceremony", args=[pacts.campaign.code])
    client.post(
        reverse("pacts:ceremony_sign", args=[pacts.campaign.code]),
        {"typed_name": "Siti Aminah", "consent": "on"},
    )
    assert not Signature.objects.exists()


def test_a_closed_campaign_has_no_ceremony_page(client: Client, pacts: Pacts) -> None:
    services.campaign_close(actor=services.Actor.command("t"), campaign=pacts.campaign)
    assert client.get(reverse("pacts:ceremony", args=[pacts.campaign.code])).status_code == 404


def test_officers_show_the_ceremony_qr(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = client.get(reverse("pacts:campaign_qr", args=[pacts.campaign.code])).content.decode()
    assert "<svg" in page
    assert reverse("pacts:ceremony", args=[pacts.campaign.code]) in page


def test_after_finishing_the_next_person_on_the_phone_sees_nothing_of_the_signer(
    client: Client, pacts: Pacts
) -> None:
    code = start(client, pacts)
    client.post(reverse("pacts:ceremony_code", args=[pacts.campaign.code]), {"code": code})
    sign_url = reverse("pacts:ceremony_sign", args=[pacts.campaign.code])
    client.post(sign_url, {"typed_name": "Siti Aminah", "consent": "on"})
    # Signed: the rest of the session lasts minutes, not the half hour of the code's session.
    assert client.session.get_expiry_age() <= 3 * 60
    thanks = client.get(sign_url).content.decode()
    assert 'data-testid="finish"' in thanks
    finished = client.post(reverse("pacts:ceremony_finish", args=[pacts.campaign.code]))
    assert "selesai=1" in finished["Location"]
    assert 'data-testid="finished"' in client.get(finished["Location"]).content.decode()
    # The next person on the same phone:
    assert client.get(sign_url)["Location"] == reverse("pacts:ceremony", args=[pacts.campaign.code])
    pdf = client.get(reverse("pacts:ceremony_pdf", args=[pacts.campaign.code]))
    assert pdf.status_code == 404
