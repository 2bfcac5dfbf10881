"""Keeps the personal links complete when the roster changes during an open campaign, and the
per-process copies of campaigns and their rooms fresh when they change in this process."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from netral.agencies.models import Agency
from netral.agencies.signals import roster_imported
from netral.pacts.meetings import rooms_forget
from netral.pacts.models import Campaign, CampaignMeeting
from netral.pacts.services import open_campaign_forget, signing_links_refresh


@receiver(roster_imported)
def _links_for_new_employees(sender: Any, agency: Any, **kwargs: Any) -> None:

    signing_links_refresh(agency=agency)


@receiver(post_save, sender=Campaign)
def _campaign_changed(sender: Any, instance: Campaign, **kwargs: Any) -> None:
    open_campaign_forget(instance.code)


@receiver(post_save, sender=Agency)
def _agency_changed(sender: Any, instance: Agency, **kwargs: Any) -> None:
    open_campaign_forget()  # its settings (the channels of codes, say) travel with its campaigns


@receiver(post_save, sender=CampaignMeeting)
@receiver(post_delete, sender=CampaignMeeting)
def _room_changed(sender: Any, instance: CampaignMeeting, **kwargs: Any) -> None:
    rooms_forget(instance.campaign_id)
