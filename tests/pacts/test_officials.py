"""The officials' track: the officials sign first, in order; the staff wait until they have,
or until the set time; witnesses sign or are recorded; only the agency's admin manages them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.monitoring import selectors
from netral.pacts import officials, services
from netral.pacts.models import Campaign, Signatory, Signature, SigningLink
from tests.conftest import Pacts
from tests.factories import SYSTEM


def add_officials(campaign: Campaign) -> tuple[Signatory, Signatory]:
    regent = officials.signatory_add(
        actor=SYSTEM, campaign=campaign, role="official", name="H. Fadia Arafiq", office="Bupati"
    )
    secretary = officials.signatory_add(
        actor=SYSTEM,
        campaign=campaign,
        role="official",
        name="M. Yulian Akbar",
        office="Sekretaris Daerah",
    )
    return regent, secretary


def staff_sign(pacts: Pacts) -> Signature:
    pacts.campaign.refresh_from_db()
    signature, _created = services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=pacts.world.employee_a,
        channel=Signature.Channel.LINK,
        typed_name="Siti Aminah",
    )
    return signature


def link_url(pacts: Pacts) -> str:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    return reverse("pacts:sign", args=[services.signing_link_url_token(link)])


def sign_form() -> dict[str, str]:
    return {"typed_name": "Siti Aminah", "consent": "on"}


def test_officials_sign_in_order_and_the_staff_wait_until_they_have(
    pacts: Pacts, client: Client
) -> None:
    regent, secretary = add_officials(pacts.campaign)
    pacts.campaign.refresh_from_db()
    assert pacts.campaign.officials_first
    assert (regent.order, secretary.order) == (1, 2)

    # The regional secretary cannot go before the regent.
    with pytest.raises(officials.SignatoryError, match="Fadia Arafiq"):
        officials.signatory_sign(actor=SYSTEM, signatory=secretary, typed_name="M. Yulian Akbar")
    # The staff wait: by the service, and on the signing page (in Indonesian).
    with pytest.raises(services.StaffWaiting):
        staff_sign(pacts)
    page = client.get(link_url(pacts)).content.decode()
    assert "Pejabat menandatangani lebih dahulu" in page
    client.post(link_url(pacts), sign_form())
    assert not Signature.objects.exists()

    officials.signatory_sign(actor=SYSTEM, signatory=regent, typed_name="Fadia Arafiq")
    with pytest.raises(services.StaffWaiting):
        staff_sign(pacts)
    officials.signatory_sign(actor=SYSTEM, signatory=secretary, typed_name="Yulian Akbar")

    pacts.campaign.refresh_from_db()
    assert pacts.campaign.officials_signed_at is not None
    # The busiest path (the personal link's raw read) lets the employee sign now.
    client.post(link_url(pacts), sign_form())
    assert Signature.objects.filter(employee=pacts.world.employee_a).exists()
    regent.refresh_from_db()
    secretary.refresh_from_db()
    assert regent.signed_at is not None and secretary.signed_at is not None
    assert regent.signed_at <= secretary.signed_at
    assert len(secretary.record_sha256) == 64


def test_the_staff_signing_opens_at_the_set_time_even_if_officials_have_not_signed(
    pacts: Pacts, client: Client
) -> None:
    add_officials(pacts.campaign)
    later = timezone.now() + datetime.timedelta(hours=2)
    officials.staff_opening_set(
        actor=SYSTEM, campaign=pacts.campaign, officials_first=True, staff_opens_at=later
    )
    page = client.get(link_url(pacts)).content.decode()
    assert "Paling lambat dibuka pada" in page
    assert "WIB" in page
    with pytest.raises(services.StaffWaiting):
        staff_sign(pacts)

    earlier = timezone.now() - datetime.timedelta(minutes=1)
    officials.staff_opening_set(
        actor=SYSTEM, campaign=pacts.campaign, officials_first=True, staff_opens_at=earlier
    )
    assert staff_sign(pacts).pk is not None


def test_without_officials_the_staff_sign_at_once(pacts: Pacts) -> None:
    assert staff_sign(pacts).pk is not None


def test_an_official_signs_through_the_personal_link_in_turn(pacts: Pacts, client: Client) -> None:
    regent, secretary = add_officials(pacts.campaign)
    secretary_url = reverse(
        "pacts:signatory_sign",
        args=[officials.signatory_token(pacts.campaign, secretary.code)],
    )
    regent_url = reverse(
        "pacts:signatory_sign", args=[officials.signatory_token(pacts.campaign, regent.code)]
    )
    page = client.get(secretary_url).content.decode()
    assert "menandatangani sebelum Anda" in page
    client.post(secretary_url, {"typed_name": "M. Yulian Akbar", "consent": "on"})
    secretary.refresh_from_db()
    assert secretary.signed_at is None

    # A name that is not theirs is refused.
    client.post(regent_url, {"typed_name": "Orang Lain", "consent": "on"})
    regent.refresh_from_db()
    assert regent.signed_at is None
    response = client.post(regent_url, {"typed_name": "Fadia Arafiq", "consent": "on"})
    assert response.status_code == 302
    regent.refresh_from_db()
    assert regent.typed_name == "Fadia Arafiq"
    assert client.get("/p/not-a-token/").status_code == 404


def test_a_witness_signs_any_time_or_is_recorded_by_the_admin(pacts: Pacts, client: Client) -> None:
    add_officials(pacts.campaign)
    kpu = officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="witness",
        name="Drs. Abdul Qohar",
        office="Ketua",
        institution="KPU Kabupaten Pekalongan",
    )
    bawaslu = officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="witness",
        name="Hj. Ai Rohmah",
        office="Ketua",
        institution="Bawaslu Kabupaten Pekalongan",
    )
    officials.signatory_sign(actor=SYSTEM, signatory=kpu, typed_name="Abdul Qohar")
    client.force_login(pacts.world.admin)
    client.post(
        reverse("pacts:signatory_action", args=[pacts.campaign.code, bawaslu.code]),
        {"action": "witnessed"},
    )
    bawaslu.refresh_from_db()
    assert bawaslu.recorded_by == pacts.world.admin
    # Witnesses do not hold the staff back.
    pacts.campaign.refresh_from_db()
    assert pacts.campaign.staff_waiting()


def test_an_admin_lists_officials_from_the_roster_and_by_name(pacts: Pacts, client: Client) -> None:
    client.force_login(pacts.world.admin)
    url = reverse("pacts:officials", args=[pacts.campaign.code])
    head = pacts.world.employee_b
    no_office = client.post(url, {"role": "official", "identifier": head.nip})
    assert "Isi jabatan." in no_office.content.decode()
    client.post(url, {"role": "official", "identifier": f" {head.nip} ", "office": "Kepala Dinas"})
    client.post(url, {"role": "official", "name": "H. Fadia Arafiq", "office": "Bupati"})
    refused = client.post(url, {"role": "official", "identifier": "199001012020121001"})
    assert "Tidak ada pegawai aktif" in refused.content.decode()
    listed = list(pacts.campaign.signatories.order_by("order"))
    assert [s.name for s in listed] == [head.name, "H. Fadia Arafiq"]
    assert listed[0].employee == head

    client.post(
        reverse("pacts:signatory_action", args=[pacts.campaign.code, listed[1].code]),
        {"action": "up"},
    )
    assert [s.name for s in pacts.campaign.signatories.order_by("order")] == [
        "H. Fadia Arafiq",
        head.name,
    ]
    page = client.get(url).content.decode()
    assert "wa.me" in page
    client.post(
        reverse("pacts:signatory_action", args=[pacts.campaign.code, listed[0].code]),
        {"action": "remove"},
    )
    assert [(s.name, s.order) for s in pacts.campaign.signatories.all()] == [("H. Fadia Arafiq", 1)]


def test_another_agencys_admin_cannot_manage_officials(pacts: Pacts, client: Client) -> None:
    regent, _secretary = add_officials(pacts.campaign)
    client.force_login(pacts.world.other_admin)
    url = reverse("pacts:officials", args=[pacts.campaign.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "official", "name": "X", "office": "Y"}).status_code == 404
    action = reverse("pacts:signatory_action", args=[pacts.campaign.code, regent.code])
    assert client.post(action, {"action": "remove"}).status_code == 404
    assert pacts.campaign.signatories.count() == 2
    # A coordinator of the agency cannot either.
    client.force_login(pacts.world.coordinator_a)
    assert client.get(url).status_code == 403


def test_a_signed_official_cannot_be_removed(pacts: Pacts) -> None:
    regent, _secretary = add_officials(pacts.campaign)
    officials.signatory_sign(actor=Actor.command("test"), signatory=regent, typed_name="Fadia")
    regent.refresh_from_db()
    with pytest.raises(officials.SignatoryError):
        officials.signatory_remove(actor=SYSTEM, signatory=regent)


def test_an_official_from_the_roster_signing_counts_as_their_staff_signature(
    pacts: Pacts, client: Client
) -> None:
    head = pacts.world.employee_b
    official = officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="official",
        name="",
        office="Kepala Dinas Kesehatan",
        employee=head,
    )
    viewer = Membership.objects.select_related("agency", "unit").get(user=pacts.world.admin)

    def completion() -> tuple[int, set[str]]:
        board = selectors.campaign_dashboard(viewer=viewer, campaign=pacts.campaign)
        unsigned = selectors.unsigned_employees(viewer=viewer, campaign=pacts.campaign)
        return board.total.signed, {e.name for e in unsigned}

    assert completion() == (0, {head.name, pacts.world.employee_a.name})
    url = reverse(
        "pacts:signatory_sign", args=[officials.signatory_token(pacts.campaign, official.code)]
    )
    client.post(url, {"typed_name": head.name, "consent": "on"})
    official.refresh_from_db()
    assert official.has_signed
    # One signature row for the employee, on the officials' track, counted and off the chase.
    (signature,) = Signature.objects.filter(campaign=pacts.campaign, employee=head)
    assert signature.channel == Signature.Channel.OFFICIAL
    assert signature.signed_at == official.signed_at
    assert completion() == (1, {pacts.world.employee_a.name})
    page = client.get(url).content.decode()
    assert "juga dihitung sebagai tanda tangan Anda sebagai pegawai" in page
    # A second submit, and the staff's personal link afterwards, add nothing.
    client.post(url, {"typed_name": head.name, "consent": "on"})
    pacts.campaign.refresh_from_db()
    again, created = services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=head,
        channel=Signature.Channel.LINK,
        typed_name=head.name,
    )
    assert not created and again.pk == signature.pk
    assert Signature.objects.filter(campaign=pacts.campaign).count() == 1
    assert completion() == (1, {pacts.world.employee_a.name})


def test_an_official_who_signed_as_staff_before_keeps_that_signature(
    pacts: Pacts, client: Client
) -> None:
    staff = staff_sign(pacts)  # no officials listed yet: the staff sign at once
    client.force_login(pacts.world.admin)
    added = client.post(
        reverse("pacts:officials", args=[pacts.campaign.code]),
        {"role": "official", "identifier": pacts.world.employee_a.nip, "office": "Kepala Dinas"},
        follow=True,
    ).content.decode()
    assert "sudah menandatangani sebagai pegawai" in added
    official = Signatory.objects.get(employee=pacts.world.employee_a)
    url = reverse(
        "pacts:signatory_sign", args=[officials.signatory_token(pacts.campaign, official.code)]
    )
    assert "Anda telah menandatangani pakta sebagai pegawai" in client.get(url).content.decode()
    officials.signatory_sign(actor=SYSTEM, signatory=official, typed_name="Siti Aminah")
    (kept,) = Signature.objects.filter(campaign=pacts.campaign)
    assert (kept.pk, kept.channel) == (staff.pk, Signature.Channel.LINK)


def test_an_official_by_name_only_adds_no_staff_signature(pacts: Pacts) -> None:
    regent, _secretary = add_officials(pacts.campaign)
    officials.signatory_sign(actor=SYSTEM, signatory=regent, typed_name="Fadia Arafiq")
    assert not Signature.objects.exists()
