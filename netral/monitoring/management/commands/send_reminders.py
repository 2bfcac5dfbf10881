from typing import Any

from django.core.management.base import BaseCommand

from netral.monitoring.reminders import reminders_send_due


class Command(BaseCommand):
    help = (
        "Send the reminders that are due: to employees who have not signed, and the digests to "
        "their coordinators and unit heads. Safe to run from cron every few minutes, even twice "
        "at once: a reminder goes out at most once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for result in reminders_send_due():
            reminder = result.round
            state = "done" if result.finished else "unfinished"
            self.stdout.write(
                f"{reminder.campaign.code} {reminder.kind} {reminder.code}: {result.sent} sent, "
                f"{result.skipped} skipped, {result.failed} failed, {state}"
            )
