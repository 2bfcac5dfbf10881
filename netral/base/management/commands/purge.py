from argparse import ArgumentParser
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from netral.base.audit import audit_log
from netral.base.retention import retention_due
from netral.base.storage import orphans_purge, scratch_purge


@dataclass(frozen=True)
class CommandActor:
    user: None = None
    label: str = "command:purge"
    ip: str | None = None
    user_agent: str = ""


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (UU 27/2022): list, kind by kind, the records past their "
        "keeping time (a dry run, the default), or remove them with --apply (for cron, daily), "
        "with preview files older than a day and stored files no record "
        "refers to. Each run with --apply is audited; a second run finds nothing more."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="remove what is due (without it, only count)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        due = retention_due(now=now)
        if not options["apply"]:
            self.stdout.write("Dry run: nothing is removed (add --apply to remove).")
            for item in due:
                self.stdout.write(
                    f"{item.kind.name}: {item.count} due "
                    f"(kept {item.kind.days} days, {item.kind.days_setting})"
                )
            return
        removed = {}
        for item in due:
            # In statements of a few thousand rows, each committed: an interrupted run leaves
            # nothing half-done that the next run does not finish.
            removed[item.kind.name] = item.kind.purge(item.cutoff)
            self.stdout.write(f"{item.kind.name}: {removed[item.kind.name]} removed")
        housekeeping = {
            "preview_files": scratch_purge(),
            "orphan_files": orphans_purge(),
        }
        for name, count in housekeeping.items():
            self.stdout.write(f"{name}: {count} removed")
        audit_log(
            actor=CommandActor(),
            action="base.retention.purged",
            data={"removed": removed, "housekeeping": housekeeping},
        )
