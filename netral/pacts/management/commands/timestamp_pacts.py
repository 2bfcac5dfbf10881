from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from netral.pacts.documents import pacts_timestamp_pending


class Command(BaseCommand):
    help = (
        "Timestamp the pacts sealed while the time-stamping authority failed: a token over each "
        "recorded file's SHA-256 from NETRAL_TSA_URL, kept beside it. Run it from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Pacts per run (oldest first).")

    def handle(self, *args: Any, **options: Any) -> None:
        done, waiting = pacts_timestamp_pending(limit=options["limit"])
        self.stdout.write(f"{done} pacts timestamped, {waiting} still waiting")
