from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from netral.pacts.documents import (
    pacts_timestamp_pending,
    pacts_validation_earlier,
    pacts_validation_pending,
)


class Command(BaseCommand):
    help = (
        "Timestamp the pacts sealed while the time-stamping authority failed: a token over each "
        "recorded file's SHA-256 from NETRAL_TSA_URL, kept beside it. Then fetch the CRLs due "
        "and add the validation data (PAdES B-LT) to the pacts sealed while it could not be "
        "had. Run it from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Pacts per run (oldest first).")
        parser.add_argument(
            "--earlier",
            action="store_true",
            help="Also give their validation data to the pacts timestamped before it was kept "
            "(once, after switching NETRAL_SEAL_LTV on); later runs go on with them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        done, waiting = pacts_timestamp_pending(limit=options["limit"])
        self.stdout.write(f"{done} pacts timestamped, {waiting} still waiting")
        if not settings.NETRAL_SEAL_LTV:
            return
        if options["earlier"]:
            marked = pacts_validation_earlier()
            self.stdout.write(f"{marked} pacts timestamped before wait for their validation data")
        validation = pacts_validation_pending(limit=options["limit"])
        self.stdout.write(
            f"{validation.added} pacts given their validation data, "
            f"{validation.waiting} still waiting"
        )
        for problem in validation.problems:
            self.stdout.write(f"Problem: {problem}")
