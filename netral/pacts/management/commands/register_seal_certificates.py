from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from netral.pacts.documents import Backfill, seal_certificates_backfill


class Command(BaseCommand):
    help = (
        "Put in the certificate history each agency's configured sealing certificate and the "
        "certificates of the pacts sealed before the history existed, so they verify after a "
        "renewal. Reads the stored pacts a batch at a time; a second run adds nothing. Run it "
        "once after deploying."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=200, help="Pacts read per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: Backfill) -> None:
            self.stdout.write(
                f"{done.read} pacts read, {done.certificates} certificates added", ending="\n"
            )

        done = seal_certificates_backfill(batch=options["batch"], progress=progress)
        self.stdout.write(
            f"Done: {done.read} pacts read, {done.certificates} certificates added, "
            f"{done.missing} files missing, {done.unsealed} without a readable seal"
        )
        for code in done.unreadable:
            self.stdout.write(f"Problem: the sealing certificate of agency {code} cannot be opened")
