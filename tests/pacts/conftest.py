import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from netral.pacts import services
from netral.pacts.models import Campaign, Election
from tests.conftest import World
from tests.factories import SYSTEM


@dataclass
class Pacts:
    world: World
    election: Election
    campaign: Campaign  # open, every unit of the home agency


def open_campaign(world: World, election: Election, **extra: object) -> Campaign:
    version = services.pact_version_create(actor=SYSTEM, agency=world.agency, election=election)
    version = services.pact_version_publish(actor=SYSTEM, version=version)
    now = timezone.now()
    values: dict[str, object] = {
        "title": "Ikrar Netralitas ASN Pemilu 2029",
        "place": "Pendopo Kabupaten Pekalongan",
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=7),
        "units": [],
    }
    values.update(extra)
    campaign = services.campaign_create(
        actor=SYSTEM,
        agency=world.agency,
        election=election,
        pact_version=version,
        **values,  # type: ignore[arg-type]
    )
    return services.campaign_open(actor=SYSTEM, campaign=campaign)


@pytest.fixture
def pacts(world: World) -> Pacts:
    election = services.election_create(
        actor=SYSTEM,
        owner=world.agency,
        name="Pemilu 2029",
        kind=Election.Kind.PEMILU,
        voting_day=datetime.date(2029, 2, 14),
    )
    return Pacts(world=world, election=election, campaign=open_campaign(world, election))
