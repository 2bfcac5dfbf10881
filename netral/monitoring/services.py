"""The rollup tallies (reminders and reports have their own modules)."""

from __future__ import annotations

from django.utils import timezone

from netral.agencies.models import Agency
from netral.monitoring.models import CampaignTally
from netral.pacts.models import Campaign
from netral.pacts.selectors import campaign_completion


def tally_refresh(*, campaign: Campaign) -> CampaignTally:
    """Count the campaign again: a few milliseconds for an agency of 10,000."""
    completion = campaign_completion(campaign)
    tally, _created = CampaignTally.objects.update_or_create(
        campaign=campaign,
        defaults={
            "agency_id": campaign.agency_id,
            "election_id": campaign.election_id,
            "eligible": completion.eligible,
            "signed": completion.signed,
            "signed_paper": completion.paper,
            "refreshed_at": timezone.now(),
        },
    )
    return tally


def tallies_refresh(*, agency: Agency) -> int:
    """Refresh every campaign of the agency that is not a draft (after a roster import)."""
    campaigns = list(Campaign.objects.filter(agency=agency).exclude(status=Campaign.Status.DRAFT))
    for campaign in campaigns:
        tally_refresh(campaign=campaign)
    return len(campaigns)
