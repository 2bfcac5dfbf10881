from typing import Any

from django.core.management.base import BaseCommand

from netral.base.jobs import jobs_purge


class Command(BaseCommand):
    help = "Remove background jobs past their keeping time, with their result files (for cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{jobs_purge()} job(s) removed")
