"""The admin's flags of unusual signing patterns: they fire on a generated burst and stay quiet on
a normal ceremony, where a hall of signers shares one address behind NAT."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.monitoring.patterns import Flag, campaign_flags
from netral.pacts import services
from netral.pacts.models import CeremonyCode, Signature, SigningLink
from tests.conftest import Pacts
from tests.factories import employee_make

HALL = "103.28.12.7"  # the venue's one public address
CEREMONY = datetime.datetime(2029, 2, 14, 8, 0)


@pytest.fixture
def ceremony(pacts: Pacts) -> Pacts:
    campaign = pacts.campaign
    campaign.ceremony_date, campaign.ceremony_time = CEREMONY.date(), CEREMONY.time()
    campaign.save(update_fields=["ceremony_date", "ceremony_time"])
    return pacts


def at(minutes: float) -> datetime.datetime:
    return timezone.make_aware(CEREMONY) + datetime.timedelta(minutes=minutes)


def signatures(
    pacts: Pacts,
    count: int,
    *,
    minutes: list[float],
    ip: str,
    devices: list[str],
    channel: str = Signature.Channel.CEREMONY,
    venue: str = "Pendopo Kabupaten Pekalongan",
) -> list[Signature]:
    """`count` employees who signed at the given minutes after the ceremony's start."""
    rows = []
    for index in range(count):
        employee = employee_make(pacts.world.unit_a, f"Pegawai {index} {ip} {devices[index]}")
        rows.append(
            Signature(
                campaign=pacts.campaign,
                employee=employee,
                agency=employee.agency,
                unit=employee.unit,
                channel=channel,
                signed_at=at(minutes[index]),
                ip=ip,
                typed_name=employee.name,
                pact_sha256="0" * 64,
                record_sha256=f"{index:064x}",
                signer_details={"name": employee.name, "venue": venue},
                device=devices[index],
            )
        )
    return Signature.objects.bulk_create(rows)


def kinds(flags: list[Flag]) -> list[str]:
    return sorted(flag.kind for flag in flags)


def normal_ceremony(pacts: Pacts, count: int = 120) -> None:
    """A morning's ceremony: everyone on the hall's wifi, each on their own phone, two hours."""
    signatures(
        pacts,
        count,
        minutes=[index * 60 / count for index in range(count)],  # 120 in an hour: 20 per 10 min
        ip=HALL,
        devices=[f"phone{index:04d}" for index in range(count)],
    )


def test_a_normal_ceremony_behind_one_address_raises_no_flag(ceremony: Pacts) -> None:
    normal_ceremony(ceremony)
    assert campaign_flags(campaign=ceremony.campaign) == []


def test_a_burst_from_one_browser_is_flagged(ceremony: Pacts) -> None:
    normal_ceremony(ceremony)
    signatures(ceremony, 9, minutes=[70 + i for i in range(9)], ip=HALL, devices=["same"] * 9)
    (flag,) = campaign_flags(campaign=ceremony.campaign)
    assert (flag.kind, flag.count, flag.subject) == ("device", 9, "same")
    assert flag.first == at(70) and flag.last == at(78)


def test_signatures_spread_out_from_one_browser_are_not_a_burst(ceremony: Pacts) -> None:
    # A family's shared phone, one signature an hour: not a burst.
    signatures(ceremony, 9, minutes=[i * 60 for i in range(9)], ip=HALL, devices=["same"] * 9)
    assert campaign_flags(campaign=ceremony.campaign) == []


def test_a_burst_from_one_address_away_from_the_venue_is_flagged(ceremony: Pacts) -> None:
    normal_ceremony(ceremony)
    signatures(
        ceremony,
        16,
        minutes=[200 + i / 2 for i in range(16)],
        ip="36.71.140.9",
        devices=[f"laptop{i}" for i in range(16)],
        channel=Signature.Channel.LINK,
        venue="",
    )
    (flag,) = campaign_flags(campaign=ceremony.campaign)
    assert (flag.kind, flag.count, flag.subject) == ("address", 16, "36.71.140.9")


def test_the_venue_address_has_its_own_threshold(ceremony: Pacts, settings: object) -> None:
    settings.NETRAL_FLAG_VENUE_ADDRESS_SIGNATURES = 15  # type: ignore[attr-defined]
    normal_ceremony(ceremony)
    assert kinds(campaign_flags(campaign=ceremony.campaign)) == ["venue_address"]


def test_printed_codes_used_far_from_the_ceremony_are_flagged(ceremony: Pacts) -> None:
    normal_ceremony(ceremony, count=4)
    employees = [s.employee for s in Signature.objects.filter(campaign=ceremony.campaign)]
    for employee, used in zip(employees, [at(30), at(170), at(-60 * 20), at(60 * 30)], strict=True):
        CeremonyCode.objects.create(
            campaign=ceremony.campaign,
            employee=employee,
            code_hash="x",
            expires_at=used + datetime.timedelta(days=1),
            printed=True,
            used_at=used,
        )
    (flag,) = campaign_flags(campaign=ceremony.campaign)
    assert (flag.kind, flag.count) == ("printed_code", 2)  # 20 h before, 30 h after


def test_a_pact_signed_in_a_coordinators_session_is_flagged_on_the_admin_dashboard(
    client: Client, ceremony: Pacts
) -> None:
    world = ceremony.world
    link = SigningLink.objects.get(campaign=ceremony.campaign, employee=world.employee_a)
    token = services.signing_link_url_token(link)
    client.force_login(world.coordinator_a)  # the coordinator opens the employee's link
    client.post(reverse("pacts:sign", args=[token]), {"typed_name": "Siti Aminah", "consent": "on"})
    signature = Signature.objects.get()
    assert signature.officer_session == world.coordinator_a
    assert signature.recorded_by is None and len(signature.device) == 24

    url = reverse("monitoring:dashboard", kwargs={"code": ceremony.campaign.code})
    page = client.get(url).content.decode()
    assert 'data-testid="flags"' not in page  # a coordinator does not see the flags
    client.force_login(world.admin)
    page = client.get(url).content.decode()
    assert 'data-testid="flag-officer_session"' in page
    assert world.coordinator_a.username in page and signature.code in page


def test_the_admin_dashboard_says_when_nothing_is_unusual(client: Client, ceremony: Pacts) -> None:
    normal_ceremony(ceremony, count=10)
    client.force_login(ceremony.world.admin)
    url = reverse("monitoring:dashboard", kwargs={"code": ceremony.campaign.code})
    assert 'data-testid="flags-none"' in client.get(url).content.decode()
