"""Keeps the personal links complete when the roster changes during an open campaign."""

from typing import Any

from django.dispatch import receiver

from netral.agencies.signals import roster_imported
from netral.pacts.services import signing_links_refresh


@receiver(roster_imported)
def _links_for_new_employees(sender: Any, agency: Any, **kwargs: Any) -> None:

    signing_links_refresh(agency=agency)
