import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from netral.accounts.actors import Actor
from netral.agencies.models import Agency
from netral.agencies.roster import RosterPlan, mapping_check, roster_apply, roster_plan
from netral.agencies.roster_file import RosterFileError, read_roster_file
from netral.base.audit import audit_log


class Command(BaseCommand):
    help = "Import a roster (XLSX or CSV) into an agency: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="Agency code, e.g. 33.26")
        parser.add_argument("--dry-run", action="store_true", help="Check and compare only.")
        parser.add_argument(
            "--mapping",
            type=Path,
            help="A JSON file mapping roster fields to the file's headers, for a layout that is "
            'not recognised: {"nip": "NIP BARU", "name": "NAMA PEGAWAI", ...} (docs/rosters.md).',
        )
        parser.add_argument(
            "--deactivate-absent",
            action="store_true",
            help="Mark active employees missing from the file as inactive.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            table = read_roster_file(
                path,
                max_bytes=settings.NETRAL_ROSTER_MAX_BYTES,
                max_rows=settings.NETRAL_ROSTER_MAX_ROWS,
            )
        except RosterFileError as problem:
            raise CommandError(str(problem)) from problem
        depth = settings.NETRAL_MAX_UNIT_DEPTH
        mapping = self._mapping(options["mapping"]) if options["mapping"] else None
        plan = roster_plan(agency=agency, table=table, max_depth=depth, mapping=mapping)
        if plan.is_valid and not options["dry_run"]:
            actor = Actor.command("import_roster")
            plan = roster_apply(
                plan=plan,
                actor=actor,
                deactivate_absent=options["deactivate_absent"],
                reference=path.name,
                max_depth=depth,
                table=table,
            )
            if plan.is_valid:
                audit_log(
                    actor=actor,
                    action="agencies.roster_import.applied",
                    agency=agency,
                    data={"file": path.name, "summary": plan.summary()},
                )
        self._report(plan, dry_run=options["dry_run"])
        if not plan.is_valid:
            raise CommandError(f"{len(plan.errors)} error(s); nothing was imported.")

    def _mapping(self, path: Path) -> dict[str, str]:
        try:
            mapping = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as problem:
            raise CommandError(f"The mapping file {path} cannot be read: {problem}") from problem
        if not isinstance(mapping, dict):
            raise CommandError("The mapping file must hold one JSON object: field -> header.")
        try:
            return mapping_check(mapping)
        except ValueError as problem:
            raise CommandError(f"The mapping file {path}: {problem}.") from problem

    def _report(self, plan: RosterPlan, *, dry_run: bool) -> None:
        for issue in plan.errors:
            self.stderr.write(f"row {issue.row}, {issue.column}: {issue.message}")
        for issue in plan.warnings:
            self.stdout.write(f"warning: row {issue.row}, {issue.column}: {issue.message}")
        summary = ", ".join(f"{key} {value}" for key, value in plan.summary().items())
        verdict = "would import" if dry_run else "imported"
        if plan.is_valid:
            self.stdout.write(self.style.SUCCESS(f"{verdict}: {summary}"))
