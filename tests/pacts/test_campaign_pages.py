import datetime

from django.test import Client
from django.urls import reverse

from netral.base.models import AuditEntry, Election
from netral.pacts.models import Campaign, PactVersion, SigningLink
from tests.conftest import World


def test_an_admin_runs_a_campaign_from_election_to_open_links(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.post(
        reverse("pacts:election_list"),
        {
            "name": "Pilkada Serentak 2031",
            "kind": "pemilihan",
            "campaign_start": "2031-09-01",
            "campaign_end": "2031-11-20",
            "voting_day": "2031-11-27",
        },
    )
    election = Election.objects.get()
    assert response["Location"] == reverse("pacts:election_detail", args=[election.code])
    assert election.owner == world.agency

    client.post(reverse("pacts:pact_version_create", args=[election.code]))
    version = PactVersion.objects.get()
    assert "Pilkada Serentak 2031" in version.statement
    # A campaign needs a published version.
    page = client.get(reverse("pacts:campaign_create", args=[election.code]))
    assert "Terbitkan dulu teks pakta" in page.content.decode()
    publish = reverse("pacts:pact_version_publish", args=[version.code])
    asked = client.post(publish)
    # Publishing is final: a confirmation says so first, and nothing is published yet.
    assert "menjadi final" in asked.content.decode()
    version.refresh_from_db()
    assert not version.is_published
    client.post(publish, {"confirmed": "1"})
    version.refresh_from_db()
    assert version.is_published
    assert len(version.sha256) == 64

    response = client.post(
        reverse("pacts:campaign_create", args=[election.code]),
        {
            "title": "Ikrar Netralitas ASN",
            "pact_version": version.pk,
            "place": "Pendopo Kajen",
            "mode": "luring",
            "opens_at": "2031-08-01T07:00",
            "closes_at": "2031-08-31T16:00",
            "units": [world.unit_a.pk],
            "include_non_asn": "on",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("pacts:campaign_detail", args=[campaign.code])
    assert campaign.status == Campaign.Status.DRAFT
    assert list(campaign.units.all()) == [world.unit_a]

    client.post(reverse("pacts:campaign_status", args=[campaign.code]), {"action": "open"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert SigningLink.objects.filter(campaign=campaign).count() == 1
    page = client.get(reverse("pacts:campaign_detail", args=[campaign.code])).content.decode()
    assert "Tautan pribadi" in page

    client.post(reverse("pacts:campaign_status", args=[campaign.code]), {"action": "close"})
    client.post(reverse("pacts:campaign_status", args=[campaign.code]), {"action": "open"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "pacts.election.created",
        "pacts.pact_version.created",
        "pacts.pact_version.published",
        "pacts.campaign.created",
        "pacts.campaign.opened",
        "pacts.campaign.closed",
    } <= actions


def test_bad_campaign_dates_and_a_missing_meeting_link_are_explained(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    election = Election.objects.create(
        owner=world.agency, name="Pemilu 2029", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    client.post(reverse("pacts:pact_version_create", args=[election.code]))
    version = PactVersion.objects.get()
    client.post(reverse("pacts:pact_version_publish", args=[version.code]), {"confirmed": "1"})
    response = client.post(
        reverse("pacts:campaign_create", args=[election.code]),
        {
            "title": "Ikrar",
            "pact_version": version.pk,
            "mode": "daring",
            "opens_at": "2029-01-10T07:00",
            "closes_at": "2029-01-09T07:00",
        },
    )
    text = response.content.decode()
    assert "harus ditutup setelah dibuka" in text
    assert "memerlukan tautan rapatnya" in text
    assert not Campaign.objects.exists()


def test_editing_a_published_text_makes_a_new_draft(client: Client, world: World) -> None:
    client.force_login(world.admin)
    election = Election.objects.create(
        owner=world.agency, name="Pemilu 2029", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    client.post(reverse("pacts:pact_version_create", args=[election.code]))
    version = PactVersion.objects.get()
    client.post(reverse("pacts:pact_version_publish", args=[version.code]), {"confirmed": "1"})
    response = client.post(
        reverse("pacts:pact_version", args=[version.code]),
        {
            "title": version.title,
            "intro": version.intro,
            "statement": version.statement,
            "points": "Satu\nDua",
            "closing": "",
            "legal_basis": "",
        },
    )
    new = PactVersion.objects.exclude(pk=version.pk).get()
    assert response["Location"] == reverse("pacts:pact_version", args=[new.code])
    assert new.points == ["Satu", "Dua"]
    version.refresh_from_db()
    assert len(version.points) == 4


def test_coordinators_and_viewers_cannot_define_elections(client: Client, world: World) -> None:
    for user in (world.coordinator_a, world.viewer, world.supervisor):
        client.force_login(user)
        assert client.get(reverse("pacts:election_list")).status_code == 403
    client.force_login(world.viewer)
    assert client.get(reverse("pacts:campaign_list")).status_code == 403
    client.force_login(world.coordinator_a)
    assert client.get(reverse("pacts:campaign_list")).status_code == 200
