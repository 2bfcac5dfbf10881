import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from netral.pacts.models import Campaign, Signature
from netral.pacts.transparency import log_sequence


class Command(BaseCommand):
    help = "Append new signatures to their campaigns' transparency logs and sign the tree heads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, every NETRAL_LOG_INTERVAL_SECONDS."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            campaign_ids = (
                Signature.objects.filter(log_index__isnull=True)
                .values_list("campaign_id", flat=True)
                .distinct()
            )
            for campaign in Campaign.objects.filter(pk__in=list(campaign_ids)):
                while (head := log_sequence(campaign=campaign)) is not None:
                    self.stdout.write(f"{campaign.code}: {head.size} entries, root {head.root}")
            if not options["loop"]:
                return
            time.sleep(settings.NETRAL_LOG_INTERVAL_SECONDS)
