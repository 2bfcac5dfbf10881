from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netral.pacts.models import Campaign, TreeHead
from netral.pacts.transparency import log_verify


class Command(BaseCommand):
    help = "Recompute a campaign's transparency log from the database and check every tree head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", required=True, help="The campaign's code.")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign with code {options['campaign']}.")
        problems = log_verify(campaign=campaign)
        for problem in problems:
            where = f"entry {problem.log_index}: " if problem.log_index is not None else ""
            self.stderr.write(f"{where}{problem.message}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s): the log does not match the records.")
        heads = TreeHead.objects.filter(campaign=campaign).count()
        latest = TreeHead.objects.filter(campaign=campaign).order_by("-size").first()
        size = latest.size if latest else 0
        self.stdout.write(f"{campaign.code}: {size} entries, {heads} tree heads, all consistent")
