from typing import Any

from django.core.management.base import BaseCommand

from netral.base.jobs import jobs_purge
from netral.base.messaging import messages_purge
from netral.base.storage import orphans_purge, scratch_purge
from netral.base.throttle import throttle_counts_purge


class Command(BaseCommand):
    help = (
        "Remove what has expired: background jobs past their keeping time with their result "
        "files, messages past their keeping time, throttle counts of windows that have ended, "
        "preview files older than a day, and stored files no record refers to (for cron, daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{jobs_purge()} job(s) removed")
        self.stdout.write(f"{messages_purge()} message(s) removed")
        self.stdout.write(f"{throttle_counts_purge()} throttle count(s) removed")
        self.stdout.write(f"{scratch_purge()} preview file(s) removed")
        self.stdout.write(f"{orphans_purge()} file(s) no record refers to removed")
