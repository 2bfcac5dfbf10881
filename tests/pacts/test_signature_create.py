import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Signature, SigningLink
from netral.pacts.transparency import record_sha256
from tests.conftest import Pacts, open_campaign
from tests.factories import employee_make

SIGNER = Actor(user=None, label="anonymous", ip="10.20.30.40", user_agent="Android Chrome")


def sign(pacts: Pacts, employee: object = None) -> tuple[Signature, bool]:
    return services.signature_create(
        actor=SIGNER,
        campaign=pacts.campaign,
        employee=employee or pacts.world.employee_a,
        channel=Signature.Channel.LINK,
        typed_name="Siti Aminah",
    )


def test_it_records_the_signature_with_its_evidence(pacts: Pacts) -> None:
    signature, created = sign(pacts)
    assert created
    assert signature.agency == pacts.world.agency
    assert signature.unit == pacts.world.unit_a_child
    assert signature.ip == "10.20.30.40"
    assert signature.pact_sha256 == pacts.campaign.pact_version.sha256
    assert signature.record_sha256 == record_sha256(
        signature, campaign_code=pacts.campaign.code, employee_code=pacts.world.employee_a.code
    )
    assert signature.log_index is None
    assert AuditEntry.objects.filter(action="pacts.signature.created").count() == 1


def test_it_returns_the_first_signature_on_a_second_submit(pacts: Pacts) -> None:
    first, _ = sign(pacts)
    second, created = sign(pacts)
    assert not created
    assert second.pk == first.pk
    assert Signature.objects.count() == 1


def test_the_database_refuses_a_duplicate(pacts: Pacts) -> None:
    signature, _ = sign(pacts)
    duplicate = Signature(
        campaign=signature.campaign,
        employee=signature.employee,
        agency=signature.agency,
        unit=signature.unit,
        channel="link",
        signed_at=timezone.now(),
        typed_name="x",
        pact_sha256="0",
        record_sha256="0",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_closed_campaign_accepts_nothing(pacts: Pacts) -> None:
    services.campaign_close(actor=SIGNER, campaign=pacts.campaign)
    pacts.campaign.refresh_from_db()
    with pytest.raises(services.CampaignStateError):
        sign(pacts)
    assert not Signature.objects.exists()


def test_a_campaign_past_its_closing_time_accepts_nothing(pacts: Pacts) -> None:
    later = timezone.now() + datetime.timedelta(days=8)
    with pytest.raises(services.CampaignStateError):
        services.signature_create(
            actor=SIGNER,
            campaign=pacts.campaign,
            employee=pacts.world.employee_a,
            channel="link",
            typed_name="Siti Aminah",
            now=later,
        )
    assert not Signature.objects.exists()


def test_an_employee_outside_the_campaign_cannot_sign(pacts: Pacts) -> None:
    narrow = open_campaign(pacts.world, pacts.election, units=[pacts.world.unit_a])
    with pytest.raises(services.CampaignStateError):
        services.signature_create(
            actor=SIGNER,
            campaign=narrow,
            employee=pacts.world.employee_b,
            channel="link",
            typed_name="Bambang",
        )
    non_asn = employee_make(pacts.world.unit_a, "Tenaga Harian", kind="NON_ASN")
    asn_only = open_campaign(pacts.world, pacts.election, include_non_asn=False)
    with pytest.raises(services.CampaignStateError):
        services.signature_create(
            actor=SIGNER, campaign=asn_only, employee=non_asn, channel="link", typed_name="Tenaga"
        )
    assert not Signature.objects.exists()


def test_opening_creates_one_link_per_employee_in_scope(pacts: Pacts) -> None:
    narrow = open_campaign(pacts.world, pacts.election, units=[pacts.world.unit_a])
    employees = set(SigningLink.objects.filter(campaign=narrow).values_list("employee", flat=True))
    assert employees == {pacts.world.employee_a.pk}
    assert SigningLink.objects.filter(campaign=pacts.campaign).count() == 2


def test_links_are_found_by_token_and_never_stored_in_plain(pacts: Pacts) -> None:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    assert len(token) >= 32  # 160 bits in base32
    assert token not in link.token_hash
    assert services.signing_link_find(token) == link
    # Exporting again gives the same link.
    assert services.signing_link_url_token(link) == token
    assert services.signing_link_find(token[:-1] + ("a" if token[-1] != "a" else "b")) is None
    assert services.signing_link_find("") is None
    assert services.signing_link_find("x" * 500) is None


def test_a_revoked_link_stops_working(pacts: Pacts) -> None:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    old = services.signing_link_url_token(link)
    services.signing_link_revoke(actor=SIGNER, link=link)
    assert services.signing_link_find(old) is None
    assert services.signing_link_find(services.signing_link_url_token(link)) == link
    assert AuditEntry.objects.filter(action="pacts.signing_link.revoked").exists()


def test_a_published_pact_version_never_changes(pacts: Pacts) -> None:
    published = pacts.campaign.pact_version
    content = published.content()
    content["points"] = [*content["points"], "Tambahan"]
    edited = services.pact_version_update(actor=SIGNER, version=published, content=content)
    published.refresh_from_db()
    assert edited.pk != published.pk
    assert edited.number == published.number + 1
    assert not edited.is_published
    assert published.content_hash() == published.sha256
    assert "Kabupaten Pekalongan" in published.points[0]
    assert "Pemilu 2029" in published.statement
