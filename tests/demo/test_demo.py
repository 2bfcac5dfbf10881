import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, TestCase

from netral.accounts.models import Membership
from netral.agencies.models import Agency, Employee, Unit
from netral.demo.seed import demo_logins, demo_seed


def test_the_demo_agency_is_seeded_through_the_import_and_reused(db: None) -> None:
    agency = demo_seed(size=1000)
    assert agency.code == "33.26"
    assert agency.name == "Pemerintah Kabupaten Pekalongan"
    assert Employee.objects.filter(agency=agency).count() == 1000
    assert set(Employee.objects.values_list("kind", flat=True)) == {"PNS", "PPPK", "NON_ASN"}
    assert Unit.objects.filter(agency=agency, depth=1, name__startswith="Kecamatan").count() == 19
    roles = {login.role for login in demo_logins()}
    assert len(roles) == len(Membership.Role.choices)
    province = Agency.objects.get(code="33")
    assert Membership.objects.filter(agency=province, user__username="demo.provinsi").exists()

    demo_seed(size=1000)
    assert Employee.objects.count() == 1000
    assert Membership.objects.filter(user__username__startswith="demo.").count() == 6


def test_the_demo_has_an_open_campaign_with_a_link_for_everyone(db: None) -> None:
    from django.conf import settings

    from netral.demo.seed import demo_signing_link
    from netral.pacts.models import Campaign, SigningLink

    agency = demo_seed(size=1000)
    campaign = Campaign.objects.get(agency=agency)
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.accepts_signatures()
    assert campaign.pact_version.is_published
    assert SigningLink.objects.filter(campaign=campaign).count() == 1000
    assert (Path(settings.NETRAL_SEAL_DIR) / "33.26.p12").exists()
    sample = demo_signing_link()
    assert sample is not None
    assert sample[1].startswith("/t/")


def test_the_generator_writes_the_columns_the_import_reads() -> None:
    from netral.agencies.roster import TEMPLATE_COLUMNS
    from netral.demo.roster import ROSTER_HEADERS

    assert tuple(column.header for column in TEMPLATE_COLUMNS) == ROSTER_HEADERS


@pytest.mark.files
def test_the_demo_campaign_has_signatures_that_the_log_and_dashboard_agree_on(db: None) -> None:
    from django.core.management import call_command

    from netral.base.storage import read_bytes
    from netral.demo.seed import demo_signing_link
    from netral.monitoring.models import CampaignTally
    from netral.pacts.models import Attendance, Campaign, Signature
    from netral.pacts.selectors import campaign_completion
    from netral.pacts.services import scan_name
    from netral.pacts.transparency import log_verify

    agency = demo_seed(size=1000)
    campaign = Campaign.objects.get(agency=agency)
    signatures = Signature.objects.filter(campaign=campaign)
    assert 300 < signatures.count() < 800
    assert set(signatures.values_list("channel", flat=True)) == {"link", "ceremony", "paper"}
    times = list(signatures.values_list("signed_at", flat=True))
    assert all(campaign.opens_at <= signed_at for signed_at in times)
    paper = signatures.filter(channel="paper").first()
    assert paper is not None and read_bytes(scan_name(paper)).startswith(b"%PDF-")
    assert Attendance.objects.filter(campaign=campaign).exists()
    call_command("sequence_logs")
    assert log_verify(campaign=campaign) == []
    tally = CampaignTally.objects.get(campaign=campaign)
    assert tally.signed == signatures.count() == campaign_completion(campaign).signed
    sample = demo_signing_link()
    assert sample is not None
    assert not signatures.filter(employee__name=sample[0]).exists()


def test_the_demo_has_contestants_and_cases_at_three_points(db: None) -> None:
    from netral.cases.models import Case
    from netral.screening.models import Contestant

    agency = demo_seed(size=1000)
    assert Contestant.objects.filter(election__owner=agency).count() >= 3
    cases = Case.objects.filter(agency=agency)
    assert cases.count() == 3
    assert cases.filter(status=Case.Status.OPEN, source=Case.Source.PUBLIC).exists()
    assert any(case.is_overdue for case in cases)
    proven = cases.get(outcome=Case.Outcome.PROVEN)
    assert proven.sanctions.count() == 1
    demo_seed(size=1000)
    assert Case.objects.filter(agency=agency).count() == 3


def test_the_demos_links_point_at_the_port_it_serves(db: None, settings: Any) -> None:
    settings.NETRAL_PUBLIC_URL = "http://127.0.0.1:8011"
    out = io.StringIO()
    call_command("seed_demo", size=300, stdout=out)
    links = [line for line in out.getvalue().splitlines() if "http" in line]
    assert links and all("http://127.0.0.1:8011/" in line for line in links)


def test_the_demo_names_a_signer_without_email_whose_code_is_printed_as_whatsapp(
    db: None, settings: Any, capsys: Any
) -> None:
    # What `netral demo` sets: every channel on, printed in its output.
    settings.NETRAL_WHATSAPP_BACKEND = settings.NETRAL_SMS_BACKEND = "console"
    settings.NETRAL_MAIL_BACKEND = "console"
    out = io.StringIO()
    call_command("seed_demo", size=300, stdout=out)
    [line] = [line for line in out.getvalue().splitlines() if "ceremony QR page" in line]
    found = re.search(r"NIP (\d{18}).*(/k/\w+/)$", line)
    assert found is not None
    nip, path = found.groups()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Client().post(path, {"identifier": nip})
    assert response.status_code == 302
    printed = capsys.readouterr().out
    assert "WhatsApp → 628" in printed
    assert re.search(r"\b\d{6}\b", printed)
