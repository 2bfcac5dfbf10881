"""The monitoring pages: who may open which, and that they show the hand-counted numbers."""

import json
import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from netral.accounts.models import Membership
from netral.agencies.models import Agency
from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Campaign, Signature
from tests.conftest import open_campaign
from tests.factories import SYSTEM, agency_make, employee_make, officer_make, unit_make
from tests.test_monitoring_counts import Counted, _sign

pytest_plugins = ["tests.test_monitoring_counts"]


def _url(name: str, counted: Counted, **extra: str) -> str:
    return reverse(name, kwargs={"code": counted.pacts.campaign.code, **extra})


def test_the_admin_dashboard_shows_the_numbers_charts_and_tables(
    client: Client, counted: Counted
) -> None:
    client.force_login(counted.pacts.world.admin)
    response = client.get(_url("monitoring:dashboard", counted))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="dashboard-signed">4<' in page
    assert "Dinas Kesehatan" in page and "Dinas Pendidikan dan Kebudayaan" in page
    assert page.count("<svg") >= 4  # units, kinds, positions, time
    assert "<caption" in page  # the same numbers in tables
    assert reverse("monitoring:report_create", args=[counted.pacts.campaign.code]) in page


def test_the_campaign_page_agrees_with_the_dashboard(client: Client, counted: Counted) -> None:
    client.force_login(counted.pacts.world.admin)
    page = client.get(reverse("pacts:campaign_detail", args=[counted.pacts.campaign.code]))
    assert 'data-testid="signed-count">4<' in page.content.decode()


def test_a_coordinator_dashboard_leaves_out_other_units(client: Client, counted: Counted) -> None:
    client.force_login(counted.pacts.world.coordinator_a)
    page = client.get(_url("monitoring:dashboard", counted)).content.decode()
    assert 'data-testid="dashboard-signed">3<' in page
    assert "Dinas Kesehatan" not in page


def test_the_unit_view_lists_who_has_not_signed_with_contacts(
    client: Client, counted: Counted
) -> None:
    world = counted.pacts.world
    world.employee_b.phone = "081234567890"
    world.employee_b.save()
    client.force_login(world.admin)
    page = client.get(_url("monitoring:unit", counted, unit_code=world.unit_b.code))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.employee_b.name in text and "https://wa.me/6281234567890?text=" in text
    assert "B Satu" not in text  # signed
    assert "A Tiga" not in text  # another unit


def test_a_coordinator_opens_the_own_unit_only(client: Client, counted: Counted) -> None:
    world = counted.pacts.world
    client.force_login(world.coordinator_a)
    own = client.get(_url("monitoring:unit", counted, unit_code=world.unit_a.code))
    assert own.status_code == 200
    assert "A Tiga" in own.content.decode() and "A Empat" in own.content.decode()
    other = client.get(_url("monitoring:unit", counted, unit_code=world.unit_b.code))
    assert other.status_code == 404


def test_a_viewer_sees_numbers_but_no_people(client: Client, counted: Counted) -> None:
    world = counted.pacts.world
    client.force_login(world.viewer)
    assert client.get(_url("monitoring:dashboard", counted)).status_code == 200
    unit = _url("monitoring:unit", counted, unit_code=world.unit_a.code)
    assert client.get(unit).status_code == 403
    client.force_login(world.supervisor)
    assert client.get(_url("monitoring:dashboard", counted)).status_code == 403


def test_the_ceremony_screen_counts_a_new_signature(client: Client, counted: Counted) -> None:
    world = counted.pacts.world
    client.force_login(world.admin)
    assert client.get(_url("monitoring:screen", counted)).status_code == 200
    before = json.loads(client.get(_url("monitoring:screen_data", counted)).content)
    assert (before["signed"], before["eligible"]) == (4, 7)
    _sign(counted.pacts, world.employee_b)
    after = json.loads(client.get(_url("monitoring:screen_data", counted)).content)
    assert after["signed"] == 5
    assert {u["name"]: u["signed"] for u in after["units"]}["Dinas Kesehatan"] == 2


def test_the_public_page_is_off_until_an_admin_publishes_it(
    client: Client, counted: Counted
) -> None:
    world = counted.pacts.world
    public = _url("monitoring:public", counted)
    assert client.get(public).status_code == 404
    client.force_login(world.coordinator_a)
    assert (
        client.post(_url("monitoring:public_toggle", counted), {"public": "1"}).status_code == 403
    )
    client.force_login(world.admin)
    client.post(_url("monitoring:public_toggle", counted), {"public": "1"})
    assert AuditEntry.objects.filter(action="pacts.campaign.published").count() == 1
    client.logout()
    page = client.get(public).content.decode()
    assert 'data-testid="public-signed">4<' in page
    for secret in (world.employee_a.name, world.employee_b.name, "A Tiga"):
        assert secret not in page
    client.force_login(world.admin)
    client.post(_url("monitoring:public_toggle", counted), {"public": "0"})
    client.logout()
    assert client.get(public).status_code == 404


def test_the_province_rollup_lists_its_regencies(client: Client, counted: Counted) -> None:
    call_command("sequence_logs")
    world = counted.pacts.world
    client.force_login(world.province_viewer)
    page = client.get(reverse("monitoring:rollup")).content.decode()
    assert world.agency.name in page and world.other_agency.name in page
    assert 'data-testid="rollup-signed">4<' in page
    assert reverse("monitoring:rollup_export", args=[counted.pacts.election.code]) in page
    client.force_login(world.admin)  # a regency oversees nobody
    assert client.get(reverse("monitoring:rollup")).status_code == 403


def test_the_national_rollup_filters_by_province(client: Client, counted: Counted) -> None:
    call_command("sequence_logs")
    national = Agency.objects.create(code="nasional", name="BKN", kind=Agency.Kind.NATIONAL)
    user = officer_make(national, Membership.Role.VIEWER)
    agency_make("31.71")  # Jakarta: another province, no campaign
    client.force_login(user)
    everything = client.get(reverse("monitoring:rollup")).content.decode()
    assert "Jakarta Pusat" in everything
    central_java = client.get(reverse("monitoring:rollup"), {"provinsi": "33"}).content.decode()
    assert counted.pacts.world.agency.name in central_java
    assert "Jakarta Pusat" not in central_java


def test_a_draft_campaign_has_no_public_page(client: Client, counted: Counted) -> None:
    Campaign.objects.filter(pk=counted.pacts.campaign.pk).update(
        is_public=True, status=Campaign.Status.DRAFT
    )
    assert client.get(_url("monitoring:public", counted)).status_code == 404
    assert Signature.objects.count() == 5


def test_the_home_page_leads_to_the_open_campaign_and_the_report_form(
    client: Client, counted: Counted
) -> None:
    world = counted.pacts.world
    client.force_login(world.admin)
    page = client.get(reverse("monitoring:home")).content.decode()
    assert _url("monitoring:dashboard", counted) in page
    assert reverse("cases:report", args=[world.agency.code]) in page
    client.force_login(world.supervisor)
    page = client.get(reverse("monitoring:home")).content.decode()
    assert _url("monitoring:dashboard", counted) not in page


def test_the_ceremony_screen_lists_only_the_campaigns_units_worst_first(
    client: Client, counted: Counted
) -> None:
    world = counted.pacts.world
    transport = unit_make(world.agency, "Dinas Perhubungan")
    employee_make(transport, "Agus Salim")
    employee_make(transport, "Dewi Lestari")
    unit_make(world.agency, "Dinas Sosial")  # in scope by the campaign's choice, nobody in it
    campaign = open_campaign(
        world,
        counted.pacts.election,
        title="Ikrar dua dinas",
        units=[world.unit_a, transport],
    )
    services.signature_create(
        actor=SYSTEM,
        campaign=campaign,
        employee=world.employee_a,
        channel=Signature.Channel.LINK,
        typed_name=world.employee_a.name,
    )
    client.force_login(world.admin)
    data = json.loads(client.get(reverse("monitoring:screen_data", args=[campaign.code])).content)
    assert [unit["name"] for unit in data["units"]] == [transport.name, world.unit_a.name]
    assert data["eligible"] == sum(unit["eligible"] for unit in data["units"])
    page = client.get(reverse("monitoring:screen", args=[campaign.code])).content.decode()
    assert world.unit_b.name not in page
    assert "Dinas Sosial" not in page
    assert 'viewBox="0 0' in page  # the QR code scales to the screen


def _unit_order(page: str) -> list[str]:
    table = page[page.index('id="units-caption"') :]
    return [
        name
        for name in re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', table)
        if name.startswith("Dinas")
    ]


def test_the_dashboard_lists_the_units_worst_first_unless_sorted_otherwise(
    client: Client, counted: Counted
) -> None:
    client.force_login(counted.pacts.world.admin)
    url = _url("monitoring:dashboard", counted)
    # Dinas Kesehatan has signed 1 of 2, Dinas Pendidikan more than half: the worst leads.
    assert _unit_order(client.get(url).content.decode()) == [
        "Dinas Kesehatan",
        "Dinas Pendidikan dan Kebudayaan",
    ]
    assert _unit_order(client.get(url, {"urut": "-persen"}).content.decode()) == [
        "Dinas Pendidikan dan Kebudayaan",
        "Dinas Kesehatan",
    ]
    page = client.get(url, {"urut": "<script>"}).content.decode()  # unknown: the default
    assert _unit_order(page)[0] == "Dinas Kesehatan"
    # The scrolling tables are reachable by keyboard and named for screen readers.
    assert 'tabindex="0" role="region" aria-labelledby="units-caption"' in page


def test_a_viewer_gets_no_link_to_the_campaign_page_it_may_not_open(
    client: Client, counted: Counted
) -> None:
    client.force_login(counted.pacts.world.viewer)
    page = client.get(_url("monitoring:dashboard", counted)).content.decode()
    assert reverse("pacts:campaign_detail", args=[counted.pacts.campaign.code]) not in page
