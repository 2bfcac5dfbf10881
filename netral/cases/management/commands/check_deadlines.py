import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from netral.cases.handling import deadline_digests_send


class Command(BaseCommand):
    help = (
        "E-mail each agency's supervisors and decision makers the list of cases past the deadline "
        "of their stage. Once a day per agency: safe to run from cron as often as you like, even "
        "twice at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Run as on this day (YYYY-MM-DD, at noon): for tests and catching up.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day: datetime.date | None = options["date"]
        now = (
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
            if day
            else None
        )
        results = deadline_digests_send(now=now)
        if not results:
            self.stdout.write("No overdue cases.")
        for result in results:
            state = f"sent to {result.recipients} officers" if result.sent else "already sent today"
            self.stdout.write(
                f"{result.agency.code} {result.agency.name}: {result.overdue} overdue, {state}"
            )
