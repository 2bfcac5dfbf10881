"""Keeps the rollup tallies current when signatures are sequenced or the roster changes."""

from typing import Any

from django.dispatch import receiver

from netral.agencies.signals import roster_imported
from netral.monitoring.services import tallies_refresh, tally_refresh
from netral.pacts.signals import campaign_opened, log_sequenced


@receiver(log_sequenced)
def _refresh_signed(sender: Any, campaign: Any, **kwargs: Any) -> None:

    tally_refresh(campaign=campaign)


@receiver(campaign_opened)
def _refresh_opened(sender: Any, campaign: Any, **kwargs: Any) -> None:

    tally_refresh(campaign=campaign)


@receiver(roster_imported)
def _refresh_agency(sender: Any, agency: Any, **kwargs: Any) -> None:

    tallies_refresh(agency=agency)
