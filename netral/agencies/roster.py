"""Roster import: validate every row, compare with the database, then write it all or nothing."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netral.accounts.actors import Actor
from netral.agencies.identifiers import IdentifierError, parse_legacy_nip, parse_nik, parse_nip
from netral.agencies.models import Agency, Employee, Unit
from netral.agencies.roster_file import RosterTable
from netral.base.bulk import bulk_insert, bulk_update
from netral.base.codes import new_code, new_codes
from netral.base.models import AuditEntry

Progress = Callable[[float], None]
UNIT_SEPARATOR = ">"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...]
    help: Any


COLUMNS: tuple[Column, ...] = (
    Column("nip", "NIP", True, (), gettext_lazy("18 digits, spaces allowed. Empty for non-ASN.")),
    Column("legacy_nip", "NIP Lama", False, (), gettext_lazy("The old 9-digit NIP, if any.")),
    Column("nik", "NIK", False, (), gettext_lazy("16 digits. Required for non-ASN staff.")),
    Column("name", "Nama", True, ("nama lengkap",), gettext_lazy("Full name with titles.")),
    Column(
        "kind",
        "Jenis Pegawai",
        True,
        ("status pegawai", "jenis"),
        gettext_lazy("PNS, PPPK or Non-ASN."),
    ),
    Column("position", "Jabatan", False, ("nama jabatan",), gettext_lazy("Position title.")),
    Column(
        "position_type",
        "Jenis Jabatan",
        True,
        (),
        gettext_lazy("JPT, Administrator, Pengawas, Fungsional, Pelaksana or Lainnya."),
    ),
    Column(
        "rank",
        "Pangkat/Golongan",
        False,
        ("pangkat / golongan", "pangkat", "golongan", "pangkat golongan"),
        gettext_lazy("For example Penata Muda (III/a)."),
    ),
    Column(
        "unit",
        "Unit Kerja",
        True,
        ("unit", "unit organisasi", "opd"),
        gettext_lazy('Units from the top down, separated by ">".'),
    ),
    Column("email", "Email", False, ("e-mail", "surel", "alamat email"), gettext_lazy("E-mail.")),
    Column(
        "phone",
        "No HP",
        False,
        ("no. hp", "nomor hp", "no hp/wa", "no. hp/wa", "nomor hp/wa", "telepon", "no telepon"),
        gettext_lazy("Mobile number, e.g. 081234567890."),
    ),
)

KIND_VALUES = {
    "pns": Employee.Kind.PNS,
    "cpns": Employee.Kind.PNS,
    "pppk": Employee.Kind.PPPK,
    "pppk paruh waktu": Employee.Kind.PPPK,
    "non-asn": Employee.Kind.NON_ASN,
    "non asn": Employee.Kind.NON_ASN,
    "nonasn": Employee.Kind.NON_ASN,
    "honorer": Employee.Kind.NON_ASN,
    "thl": Employee.Kind.NON_ASN,
    "ptt": Employee.Kind.NON_ASN,
}
POSITION_TYPE_VALUES = {
    "jpt": Employee.PositionType.JPT,
    "pimpinan tinggi": Employee.PositionType.JPT,
    "jabatan pimpinan tinggi": Employee.PositionType.JPT,
    "administrator": Employee.PositionType.ADMINISTRATOR,
    "jabatan administrator": Employee.PositionType.ADMINISTRATOR,
    "pengawas": Employee.PositionType.PENGAWAS,
    "jabatan pengawas": Employee.PositionType.PENGAWAS,
    "fungsional": Employee.PositionType.FUNGSIONAL,
    "jabatan fungsional": Employee.PositionType.FUNGSIONAL,
    "pelaksana": Employee.PositionType.PELAKSANA,
    "jabatan pelaksana": Employee.PositionType.PELAKSANA,
    "lainnya": Employee.PositionType.OTHER,
    "-": Employee.PositionType.OTHER,
}
PHONE_PATTERN = re.compile(r"0[1-9][0-9]{7,12}")
# The addresses rosters hold (dot-atoms at a domain name); stricter than RFC 5322, and fast.
EMAIL_PATTERN = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
# The fields an import owns; comparing them tells new, changed and unchanged apart.
COMPARED_FIELDS = (
    "nip",
    "legacy_nip",
    "nik",
    "name",
    "kind",
    "position",
    "position_type",
    "rank",
    "email",
    "phone",
    "birth_date",
    "gender",
    "unit",
    "is_active",
)
MAX_REPORTED_ISSUES = 1000


@dataclass(frozen=True)
class RowIssue:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RosterRow:
    row: int
    nip: str | None
    legacy_nip: str | None
    nik: str | None
    name: str
    kind: str
    position: str
    position_type: str
    rank: str
    unit_path: tuple[str, ...]
    email: str
    phone: str
    birth_date: datetime.date | None
    gender: str

    def values(self) -> dict[str, Any]:
        return {
            "nip": self.nip,
            "legacy_nip": self.legacy_nip,
            "nik": self.nik,
            "name": self.name,
            "kind": self.kind,
            "position": self.position,
            "position_type": self.position_type,
            "rank": self.rank,
            "email": self.email,
            "phone": self.phone,
            "birth_date": self.birth_date,
            "gender": self.gender,
            "unit": f" {UNIT_SEPARATOR} ".join(self.unit_path),
            "is_active": True,
        }


@dataclass
class RosterPlan:
    agency: Agency
    roster_version: int
    rows: list[RosterRow] = field(default_factory=list)
    creates: list[RosterRow] = field(default_factory=list)
    # (employee id, employee code, row, {field: [old, new]})
    updates: list[tuple[int, str, RosterRow, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged: int = 0
    absent_ids: list[int] = field(default_factory=list)
    new_unit_paths: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new": len(self.creates),
            "changed": len(self.updates),
            "unchanged": self.unchanged,
            "absent": len(self.absent_ids),
            "new_units": len(self.new_unit_paths),
        }


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def map_headers(headers: list[str]) -> tuple[dict[str, int], list[RowIssue], list[RowIssue]]:
    """Column index per field key, or file-level errors when required headers are missing."""
    lookup: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            lookup[_key(name)] = column
    positions: dict[str, int] = {}
    errors: list[RowIssue] = []
    warnings: list[RowIssue] = []
    for index, header in enumerate(headers):
        clean = _key(header.rstrip("*"))
        if not clean:
            continue
        found = lookup.get(clean)
        if found is None:
            warnings.append(RowIssue(1, header, _("Unknown column; it is ignored.")))
        elif found.key in positions:
            errors.append(RowIssue(1, header, _("This column appears twice.")))
        else:
            positions[found.key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        errors.append(
            RowIssue(
                1,
                ", ".join(missing),
                _(
                    "Required columns are missing: %(missing)s. Download the template to see "
                    "the expected headers."
                )
                % {"missing": ", ".join(missing)},
            )
        )
    return positions, errors, warnings


class _RowChecker:
    """Turns one row of text into a RosterRow, or records why it cannot."""

    def __init__(self, positions: dict[str, int], max_depth: int) -> None:
        self.positions = positions
        self.max_depth = max_depth
        self.today = timezone.localdate()
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []
        self.headers = {c.key: c.header for c in COLUMNS}

    def cells_by_key(self, cells: list[str]) -> dict[str, str]:
        count = len(cells)
        return {key: cells[i].strip() if i < count else "" for key, i in self.positions.items()}

    def error(self, row: int, key: str, message: object) -> None:
        self.errors.append(RowIssue(row, self.headers[key], str(message)))

    def check(self, number: int, cells: list[str]) -> RosterRow | None:
        failures = len(self.errors)
        values = self.cells_by_key(cells)
        name = " ".join(values.get("name", "").split())
        if not name:
            self.error(number, "name", _("The name is empty."))
        elif len(name) > 200:
            self.error(number, "name", _("The name is longer than 200 characters."))

        kind_text = values.get("kind", "")
        kind = KIND_VALUES.get(kind_text.casefold()) or KIND_VALUES.get(_key(kind_text))
        if kind is None:
            self.error(
                number,
                "kind",
                _('"%(value)s" is not an employee kind; use PNS, PPPK or Non-ASN.')
                % {"value": kind_text},
            )

        position_text = values.get("position_type", "")
        position_type = POSITION_TYPE_VALUES.get(
            position_text.casefold()
        ) or POSITION_TYPE_VALUES.get(_key(position_text))
        if position_type is None and not position_text and kind == Employee.Kind.NON_ASN:
            position_type = Employee.PositionType.OTHER
        if position_type is None and not position_text:
            if kind is not None:
                self.error(number, "position_type", _("The position type is empty."))
        elif position_type is None:
            self.error(
                number,
                "position_type",
                _(
                    '"%(value)s" is not a position type; use JPT, Administrator, Pengawas, '
                    "Fungsional, Pelaksana or Lainnya."
                )
                % {"value": position_text},
            )

        nip, birth_date, gender = self._check_nip(number, values, kind)
        legacy_nip = self._check_legacy_nip(number, values)
        nik = self._check_nik(number, values, kind)
        if nik is not None and birth_date is None:
            birth_date, gender = nik.birth_date, nik.gender

        unit_path = self._check_unit(number, values)
        email = values.get("email", "").lower()
        if email and not EMAIL_PATTERN.fullmatch(email):
            self.error(
                number, "email", _('"%(value)s" is not an e-mail address.') % {"value": email}
            )
        phone = self._check_phone(number, values)

        if len(self.errors) > failures or kind is None or position_type is None:
            return None
        return RosterRow(
            row=number,
            nip=nip,
            legacy_nip=legacy_nip,
            nik=nik.nik if nik else None,
            name=name,
            kind=kind,
            position=values.get("position", "")[:200],
            position_type=position_type,
            rank=values.get("rank", "")[:100],
            unit_path=unit_path,
            email=email,
            phone=phone,
            birth_date=birth_date,
            gender=gender,
        )

    def _check_nip(
        self, number: int, values: dict[str, str], kind: str | None
    ) -> tuple[str | None, datetime.date | None, str]:
        raw = values.get("nip", "")
        if kind == Employee.Kind.NON_ASN:
            if raw:
                self.error(number, "nip", _("Non-ASN staff have no NIP; fill in the NIK instead."))
            return None, None, ""
        if not raw:
            if kind is not None:
                self.error(number, "nip", _("The NIP is empty."))
            return None, None, ""
        if kind is None:
            return None, None, ""
        try:
            info = parse_nip(raw, kind=kind, today=self.today)
        except IdentifierError as problem:
            self.error(number, "nip", problem)
            return None, None, ""
        for warning in info.warnings:
            self.warnings.append(RowIssue(number, "NIP", str(warning)))
        return info.nip, info.birth_date, info.gender

    def _check_legacy_nip(self, number: int, values: dict[str, str]) -> str | None:
        raw = values.get("legacy_nip", "")
        if not raw:
            return None
        try:
            return parse_legacy_nip(raw)
        except IdentifierError as problem:
            self.error(number, "legacy_nip", problem)
            return None

    def _check_nik(self, number: int, values: dict[str, str], kind: str | None) -> Any:
        raw = values.get("nik", "")
        if not raw:
            if kind == Employee.Kind.NON_ASN:
                self.error(number, "nik", _("The NIK is required for non-ASN staff."))
            return None
        try:
            return parse_nik(raw, today=self.today)
        except IdentifierError as problem:
            self.error(number, "nik", problem)
            return None

    def _check_unit(self, number: int, values: dict[str, str]) -> tuple[str, ...]:
        raw = values.get("unit", "")
        path = tuple(" ".join(part.split()) for part in raw.split(UNIT_SEPARATOR) if part.strip())
        if not path:
            self.error(number, "unit", _("The unit is empty."))
        elif len(path) > self.max_depth:
            self.error(
                number,
                "unit",
                _("The unit path has %(depth)s levels; at most %(limit)s are allowed.")
                % {"depth": len(path), "limit": self.max_depth},
            )
        elif any(len(part) > 200 for part in path):
            self.error(number, "unit", _("A unit name is longer than 200 characters."))
        return path

    def _check_phone(self, number: int, values: dict[str, str]) -> str:
        raw = values.get("phone", "")
        if not raw:
            return ""
        digits = re.sub(r"[\s().-]", "", raw)
        if digits.startswith("+62"):
            digits = "0" + digits[3:]
        elif digits.startswith("62"):
            digits = "0" + digits[2:]
        elif digits.startswith("8"):
            digits = "0" + digits  # Excel drops the leading zero of numbers
        if not PHONE_PATTERN.fullmatch(digits):
            self.error(
                number,
                "phone",
                _('"%(value)s" is not a phone number; write it like 081234567890.')
                % {"value": raw},
            )
            return ""
        return digits


def roster_plan(
    *,
    agency: Agency,
    table: RosterTable,
    max_depth: int,
    progress: Progress | None = None,
) -> RosterPlan:
    """Check every row and compare the file with the agency's roster, writing nothing."""
    agency.refresh_from_db(fields=["roster_version"])
    plan = RosterPlan(agency=agency, roster_version=agency.roster_version)
    positions, errors, warnings = map_headers(table.headers)
    plan.errors.extend(errors)
    plan.warnings.extend(warnings)
    if errors:
        return plan
    if not table.rows:
        plan.errors.append(RowIssue(2, "", _("The file has headers but no employees.")))
        return plan

    checker = _RowChecker(positions, max_depth)
    step = max(1, len(table.rows) // 50)
    root_name = _root_unit(agency).name
    for index, (number, cells) in enumerate(table.rows):
        row = checker.check(number, cells)
        if row is not None:
            if row.unit_path and _key(row.unit_path[0]) == _key(root_name):
                row.unit_path = row.unit_path[1:]
                if not row.unit_path:
                    checker.error(number, "unit", _("The unit is empty."))
                    continue
            plan.rows.append(row)
        if progress and index % step == 0:
            progress(0.7 * index / len(table.rows))
    plan.errors.extend(checker.errors)
    plan.warnings.extend(checker.warnings)
    _check_duplicates(plan)
    if progress:
        progress(0.75)
    _compare_with_database(plan)
    if progress:
        progress(1.0)
    plan.errors.sort(key=lambda issue: issue.row)
    return plan


def _check_duplicates(plan: RosterPlan) -> None:
    labels = {"nip": "NIP", "legacy_nip": "NIP Lama", "nik": "NIK"}
    for attribute, label in labels.items():
        seen: dict[str, int] = {}
        for row in plan.rows:
            value = getattr(row, attribute)
            if value is None:
                continue
            if value in seen:
                plan.errors.append(
                    RowIssue(
                        row.row,
                        label,
                        _("%(label)s %(value)s is also on row %(first)s.")
                        % {"label": label, "value": value, "first": seen[value]},
                    )
                )
            else:
                seen[value] = row.row


def _root_unit(agency: Agency) -> Unit:
    return Unit.objects.get(agency=agency, parent=None)


def _unit_paths(agency: Agency) -> dict[int, tuple[str, ...]]:
    """Each unit's path of names below the root unit."""
    units = list(Unit.objects.filter(agency=agency).values_list("id", "parent_id", "name", "depth"))
    units.sort(key=lambda unit: unit[3])
    paths: dict[int, tuple[str, ...]] = {}
    for unit_id, parent_id, name, _depth in units:
        paths[unit_id] = () if parent_id is None else (*paths[parent_id], name)
    return paths


def _chunks(values: list[str], size: int = 5000) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _compare_with_database(plan: RosterPlan) -> None:
    agency = plan.agency
    _report_other_agencies(plan)

    unit_paths = _unit_paths(agency)
    unit_by_key = {tuple(_key(p) for p in path): path for path in unit_paths.values()}
    fields = [f for f in COMPARED_FIELDS if f != "unit"]
    existing = {
        values["id"]: values
        for values in Employee.objects.filter(agency=agency).values(
            "id", "code", "unit_id", *fields
        )
    }
    by_nip = {e["nip"]: e for e in existing.values() if e["nip"]}
    by_nik = {e["nik"]: e for e in existing.values() if e["nik"]}
    by_legacy = {e["legacy_nip"]: e for e in existing.values() if e["legacy_nip"]}
    new_units: set[tuple[str, ...]] = set()
    matched: set[int] = set()

    for row in plan.rows:
        key = tuple(_key(p) for p in row.unit_path)
        # Match the file's spelling to known units, so "DINAS X" does not create a second one.
        for depth in range(1, len(key) + 1):
            if key[:depth] not in unit_by_key:
                path = (*unit_by_key[key[: depth - 1]], row.unit_path[depth - 1])
                unit_by_key[key[:depth]] = path
                new_units.add(path)
        row.unit_path = unit_by_key[key]
        current = by_nip.get(row.nip) if row.nip else None
        if current is None and row.nik:
            candidate = by_nik.get(row.nik)
            # A non-ASN who became PPPK keeps the NIK and gains a NIP; the name must agree too,
            # so that a mistyped NIK cannot take over someone else.
            if candidate and candidate["nip"] is None and _key(candidate["name"]) == _key(row.name):
                current = candidate
        current_id = current["id"] if current else None
        for attribute, index, label in (
            ("nik", by_nik, "NIK"),
            ("legacy_nip", by_legacy, "NIP Lama"),
        ):
            holder = index.get(getattr(row, attribute)) if getattr(row, attribute) else None
            if holder and holder["id"] != current_id:
                plan.errors.append(
                    RowIssue(
                        row.row,
                        label,
                        _("%(label)s %(value)s already belongs to %(name)s.")
                        % {
                            "label": label,
                            "value": getattr(row, attribute),
                            "name": holder["name"],
                        },
                    )
                )
        if current is None:
            plan.creates.append(row)
            continue
        matched.add(current["id"])
        old = dict(current, unit=f" {UNIT_SEPARATOR} ".join(unit_paths[current["unit_id"]]))
        changes = {
            name: [_jsonable(old[name]), _jsonable(value)]
            for name, value in row.values().items()
            if old[name] != value
        }
        if changes:
            plan.updates.append((current["id"], current["code"], row, changes))
        else:
            plan.unchanged += 1
    plan.absent_ids = [
        employee_id
        for employee_id, values in existing.items()
        if values["is_active"] and employee_id not in matched
    ]
    plan.new_unit_paths = sorted(new_units, key=len)


def _report_other_agencies(plan: RosterPlan) -> None:
    for attribute, label in (("nip", "NIP"), ("legacy_nip", "NIP Lama")):
        rows_by_value = {getattr(r, attribute): r.row for r in plan.rows if getattr(r, attribute)}
        for chunk in _chunks(list(rows_by_value)):
            taken = (
                Employee.objects.filter(**{f"{attribute}__in": chunk})
                .exclude(agency=plan.agency)
                .values_list(attribute, flat=True)
            )
            for value in taken:
                plan.errors.append(
                    RowIssue(
                        rows_by_value[value],
                        label,
                        _(
                            "%(label)s %(value)s is registered at another agency. It must be "
                            "released there first."
                        )
                        % {"label": label, "value": value},
                    )
                )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


@dataclass
class AppliedImport:
    summary: dict[str, int]
    deactivated: int


def roster_apply(
    *,
    plan: RosterPlan,
    actor: Actor,
    deactivate_absent: bool,
    reference: str,
    max_depth: int,
    table: RosterTable,
) -> RosterPlan:
    """Write a valid plan in one transaction; plans again if the roster changed meanwhile."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Don't wait for this large transaction's WAL flush (seconds here): it stays atomic,
            # and the job's status, written next with a normal commit, flushes it before anyone
            # is told the import is done.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        agency = Agency.objects.select_for_update().get(pk=plan.agency.pk)
        if agency.roster_version != plan.roster_version:
            plan = roster_plan(agency=agency, table=table, max_depth=max_depth)
        if not plan.is_valid:
            return plan
        now = timezone.now()
        audit = _AuditRows(actor=actor, agency=agency, now=now, reference=reference)
        units = _create_units(agency, plan.new_unit_paths)
        for unit in units.created:
            audit.add("agencies.unit.created", Unit, unit.code, unit.name, {})

        created = []
        for row, code in zip(plan.creates, new_codes(len(plan.creates)), strict=True):
            created.append(
                [code, agency.pk, units.ids[row.unit_path], *_fields(row).values(), True, now, now]
            )
            audit.add("agencies.employee.created", Employee, code, row.name, {"row": row.row})
        bulk_insert(
            Employee,
            ["code", "agency", "unit", *IMPORTED_FIELDS, "is_active", "created_at", "updated_at"],
            created,
        )

        updated = []
        for employee_id, code, row, changes in plan.updates:
            values = [*_fields(row).values(), units.ids[row.unit_path], True, now]
            updated.append([*values, employee_id])
            audit.add(
                "agencies.employee.updated",
                Employee,
                code,
                row.name,
                {"row": row.row, "changes": changes},
            )
        bulk_update(Employee, [*IMPORTED_FIELDS, "unit", "is_active", "updated_at"], updated)

        if deactivate_absent and plan.absent_ids:
            for start in range(0, len(plan.absent_ids), 2000):
                chunk = plan.absent_ids[start : start + 2000]
                Employee.objects.filter(id__in=chunk).update(is_active=False, updated_at=now)
                for code, name in Employee.objects.filter(id__in=chunk).values_list("code", "name"):
                    audit.add(
                        "agencies.employee.deactivated",
                        Employee,
                        code,
                        name,
                        {"reason": "absent from the roster"},
                    )
        audit.write()
        agency.roster_version += 1
        agency.save(update_fields=["roster_version"])
    return plan


# The employee fields an import writes, in the order of RosterRow.values().
IMPORTED_FIELDS = [name for name in COMPARED_FIELDS if name not in {"unit", "is_active"}]


def _fields(row: RosterRow) -> dict[str, Any]:
    values = row.values()
    return {name: values[name] for name in IMPORTED_FIELDS}


class _AuditRows:
    """Audit entries for a whole import, written at once."""

    COLUMNS = (
        "created_at",
        "actor",
        "actor_label",
        "agency",
        "action",
        "target_type",
        "target_code",
        "target_label",
        "data",
        "ip",
        "user_agent",
    )

    def __init__(self, *, actor: Actor, agency: Agency, now: datetime.datetime, reference: str):
        self.actor, self.agency, self.now, self.reference = actor, agency, now, reference
        self.rows: list[list[Any]] = []
        self.content_types: dict[type[Any], int] = {}

    def add(
        self, action: str, model: type[Any], code: str, label: str, data: dict[str, Any]
    ) -> None:
        self.rows.append(
            [
                self.now,
                self.actor.user.pk if self.actor.user else None,
                self.actor.label,
                self.agency.pk,
                action,
                self._content_type(model),
                code,
                label[:300],
                {"import": self.reference, **data},
                self.actor.ip,
                self.actor.user_agent,
            ]
        )

    def _content_type(self, model: type[Any]) -> int:
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model).pk
        return self.content_types[model]

    def write(self) -> None:
        bulk_insert(AuditEntry, self.COLUMNS, self.rows)


@dataclass
class _Units:
    ids: dict[tuple[str, ...], int]
    created: list[Unit]


def _create_units(agency: Agency, new_paths: list[tuple[str, ...]]) -> _Units:
    root = _root_unit(agency)
    units = {path: unit for path, unit in _units_by_path(agency).items()}
    units[()] = root
    created: list[Unit] = []
    for depth in sorted({len(path) for path in new_paths}):
        level = []
        for path in (p for p in new_paths if len(p) == depth):
            parent = units[path[:-1]]
            code = new_code()
            unit = Unit(
                code=code,
                agency=agency,
                parent=parent,
                name=path[-1],
                path=f"{parent.path}{code}{Unit.PATH_SEPARATOR}",
                depth=parent.depth + 1,
            )
            units[path] = unit
            level.append(unit)
        Unit.objects.bulk_create(level)
        created.extend(level)
    return _Units(ids={path: unit.pk for path, unit in units.items()}, created=created)


def _units_by_path(agency: Agency) -> dict[tuple[str, ...], Unit]:
    units = {unit.pk: unit for unit in Unit.objects.filter(agency=agency)}
    paths = _unit_paths(agency)
    return {paths[pk]: unit for pk, unit in units.items()}
