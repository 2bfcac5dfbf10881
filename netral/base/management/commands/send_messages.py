from typing import Any

from django.core.management.base import BaseCommand

from netral.base.messaging import messages_resume


class Command(BaseCommand):
    help = (
        "Queue again the messages that are due and not on their way (a worker stopped while "
        "sending, a lost task); for cron, every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{messages_resume()} message(s) queued")
