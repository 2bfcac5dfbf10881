"""Roster import: validate every row, compare with the database, then write it all or nothing."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netral.accounts.actors import Actor
from netral.agencies.identifiers import (
    IdentifierError,
    normalize_nip,
    parse_legacy_nip,
    parse_nik,
    parse_nip,
)
from netral.agencies.models import Agency, Employee, Unit
from netral.agencies.roster_file import RosterTable, cell_text
from netral.agencies.roster_values import (
    ACCEPTED_KINDS,
    ACCEPTED_PNS_RANKS,
    ACCEPTED_POSITION_TYPES,
    ACCEPTED_PPPK_RANKS,
    STRUCTURAL,
    parse_kind,
    parse_phone,
    parse_position_type,
    parse_rank,
    place_by_title,
    place_structural,
)
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
    # Fields of other layouts (SIASN) that Netral's own template does without.
    in_template: bool = True


COLUMNS: tuple[Column, ...] = (
    Column(
        "nip",
        "NIP",
        True,
        ("nip baru", "nip 18"),
        gettext_lazy("18 digits, spaces allowed. Empty for non-ASN."),
    ),
    Column("legacy_nip", "NIP Lama", False, (), gettext_lazy("The old 9-digit NIP, if any.")),
    Column("nik", "NIK", False, (), gettext_lazy("16 digits. Required for non-ASN staff.")),
    Column("name", "Nama", True, ("nama lengkap",), gettext_lazy("Full name with titles.")),
    Column(
        "kind",
        "Jenis Pegawai",
        True,
        ("status pegawai", "jenis", "status kepegawaian", "jenis asn"),
        gettext_lazy("PNS, CPNS, PPPK, PPPK Paruh Waktu, Honorer, THL or Non-ASN."),
    ),
    Column("position", "Jabatan", False, ("nama jabatan",), gettext_lazy("Position title.")),
    Column(
        "position_type",
        "Jenis Jabatan",
        # Without it, placed by the position's title (new employees) or kept as recorded.
        False,
        (),
        gettext_lazy(
            "JPT (Utama, Madya, Pratama), Administrator, Pengawas, Fungsional (JFT), "
            "Pelaksana (JFU), Struktural or Lainnya."
        ),
    ),
    Column(
        "rank",
        "Pangkat/Golongan",
        False,
        (
            "pangkat / golongan",
            "pangkat",
            "golongan",
            "pangkat golongan",
            "gol akhir",
            "golongan akhir",
            "gol ruang",
            "gol/ruang",
            "gol",
            "pangkat/gol",
        ),
        gettext_lazy("For example Penata Muda (III/a), III/a or 3A; for PPPK I to XVII."),
    ),
    Column(
        "unit",
        "Unit Kerja",
        True,
        ("unit", "unit organisasi", "opd", "nama unor", "unor", "satuan kerja", "nama unit kerja"),
        gettext_lazy('Units from the top down, separated by ">".'),
    ),
    Column("email", "Email", False, ("e-mail", "surel", "alamat email"), gettext_lazy("E-mail.")),
    Column(
        "phone",
        "No HP",
        False,
        (
            "no. hp",
            "nomor hp",
            "no hp/wa",
            "no. hp/wa",
            "nomor hp/wa",
            "telepon",
            "no telepon",
            "no wa",
            "nomor wa",
            "hp",
        ),
        gettext_lazy("Mobile number, e.g. 081234567890."),
    ),
    Column(
        "unit_head_nip",
        "NIP Kepala Unit",
        False,
        ("nip kepala unit", "nip kepala", "nip pimpinan unit", "nip kepala opd"),
        gettext_lazy(
            "Optional: the NIP of the head of the row's unit, who receives the list of its "
            "employees yet to sign."
        ),
        in_template=False,
    ),
    Column(
        "title_before",
        "Gelar Depan",
        False,
        (),
        gettext_lazy("Titles before the name (SIASN)."),
        in_template=False,
    ),
    Column(
        "title_after",
        "Gelar Belakang",
        False,
        (),
        gettext_lazy("Titles after the name (SIASN)."),
        in_template=False,
    ),
    Column(
        "unit_parent",
        "Unor Induk",
        False,
        ("unit kerja induk", "opd induk"),
        gettext_lazy("The OPD above the unit (SIASN)."),
        in_template=False,
    ),
    Column(
        "status",
        "Kedudukan Hukum",
        False,
        (),
        gettext_lazy("Only active employees are imported (SIASN)."),
        in_template=False,
    ),
)
TEMPLATE_COLUMNS = tuple(column for column in COLUMNS if column.in_template)

# SIASN's "data utama" export (docs/rosters.md): recognised when all of these are present.
SIASN_SIGNATURE = frozenset(
    {"nama", "nip", "jenis pegawai", "kedudukan hukum", "jenis jabatan", "nama unor", "unor induk"}
)
# SIASN columns Netral does not use: not warned about, and not kept (roster_imports).
SIASN_UNUSED = frozenset(
    {
        "tempat lahir",
        "tanggal lahir",
        "jenis kelamin",
        "agama",
        "jenis kawin",
        "alamat",
        "npwp",
        "bpjs",
        "status cpns pns",
        "kartu asn virtual",
        "tmt cpns",
        "tmt pns",
        "gol awal",
        "tmt golongan",
        "mk tahun",
        "mk bulan",
        "tmt jabatan",
        "tingkat pendidikan",
        "nama pendidikan",
    }
)
ACTIVE_STATUSES = ("aktif",)

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
# Employee fields of optional columns, named as their columns: a file without the column leaves
# the field as recorded (a SIASN export has no NIP Lama; a SIMPEG list may have no e-mail).
OPTIONAL_FIELDS = ("legacy_nip", "nik", "position", "position_type", "rank", "email", "phone")
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
    # The NIP of the head of the row's unit, from the optional column; not an employee field.
    unit_head_nip: str | None = None

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


@dataclass(frozen=True)
class Transfer:
    """An employee active in another agency of this instance whom the roster now lists (mutasi):
    the import moves them, and the other agency keeps its signatures and history."""

    employee_id: int
    code: str
    from_agency_id: int
    from_agency_name: str
    row: RosterRow
    changes: dict[str, list[Any]]


@dataclass
class RosterPlan:
    agency: Agency
    roster_version: int
    rows: list[RosterRow] = field(default_factory=list)
    creates: list[RosterRow] = field(default_factory=list)
    # (employee id, employee code, row, {field: [old, new]})
    updates: list[tuple[int, str, RosterRow, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged: int = 0
    unchanged_rows: list[RosterRow] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    absent_ids: list[int] = field(default_factory=list)
    new_unit_paths: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    header_map: HeaderMap | None = None
    mapping: dict[str, str] | None = None
    # Rows left out on purpose: employees whose KEDUDUKAN HUKUM is not active.
    skipped: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def kept_fields(self) -> list[str]:
        """The employee fields the file has no column for: the import leaves them as they are."""
        positions = self.header_map.positions if self.header_map else {}
        return [name for name in OPTIONAL_FIELDS if name not in positions]

    def digest(self) -> str:
        """What the import would write, as a hash: the import an officer confirmed must still be
        the one written (another agency's import or a transfer may have come in between)."""
        decisions = {
            "new": sorted([row.nip or row.nik or "", row.row] for row in self.creates),
            "changed": sorted([code, changes] for _id, code, _row, changes in self.updates),
            "transfers": sorted(transfer.code for transfer in self.transfers),
            "absent": sorted(self.absent_ids),
            "units": sorted(self.new_unit_paths),
        }
        encoded = json.dumps(decisions, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()

    def summary(self) -> dict[str, int | str]:
        return {
            "layout": self.header_map.layout if self.header_map else "",
            "rows": len(self.rows),
            "new": len(self.creates),
            "changed": len(self.updates),
            "unchanged": self.unchanged,
            "transfers": len(self.transfers),
            "absent": len(self.absent_ids),
            "new_units": len(self.new_unit_paths),
            "skipped": self.skipped,
        }


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class HeaderMap:
    """Which column holds each field, and the layout recognised."""

    layout: str  # LAYOUT_NETRAL, LAYOUT_SIASN or LAYOUT_MAPPING
    positions: dict[str, int]
    # The file's own header of each field, to name it in errors.
    labels: dict[str, str]
    # Every required field found, no column twice.
    complete: bool = False

    def unused_columns(self, headers: list[str]) -> list[int]:
        used = set(self.positions.values())
        return [index for index in range(len(headers)) if index not in used]


LAYOUT_NETRAL, LAYOUT_SIASN, LAYOUT_MAPPING = "netral", "siasn", "mapping"


def _lookup() -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            lookup[_key(name)] = column
    return lookup


def map_headers(
    headers: list[str], mapping: dict[str, str] | None = None
) -> tuple[HeaderMap, list[RowIssue], list[RowIssue]]:
    """Column index per field key, or file-level errors when required headers are missing.
    A mapping (field key -> the file's header) overrides the recognised names."""
    keys = [_key(header.rstrip("*")) for header in headers]
    siasn = set(keys) >= SIASN_SIGNATURE
    header_map = HeaderMap(
        layout=LAYOUT_MAPPING if mapping else LAYOUT_SIASN if siasn else LAYOUT_NETRAL,
        positions={},
        labels={},
    )
    errors: list[RowIssue] = []
    warnings: list[RowIssue] = []
    if mapping:
        index_of = {key: index for index, key in reversed(list(enumerate(keys)))}
        for field_key, header in mapping.items():
            if not header:
                continue
            if _key(header) not in index_of:
                errors.append(
                    RowIssue(
                        1,
                        header,
                        _('The mapping names the column "%(header)s", which the file lacks.')
                        % {"header": header},
                    )
                )
                continue
            header_map.positions[field_key] = index_of[_key(header)]
    else:
        lookup = _lookup()
        ignored: list[str] = []
        for index, (header, clean) in enumerate(zip(headers, keys, strict=True)):
            if not clean:
                continue
            found = lookup.get(clean)
            if found is None:
                if siasn and clean in SIASN_UNUSED:
                    continue
                ignored.append(header)
            elif found.key in header_map.positions:
                errors.append(RowIssue(1, header, _("This column appears twice.")))
            else:
                header_map.positions[found.key] = index
        for header in ignored:
            warnings.append(RowIssue(1, header, _("Unknown column; it is ignored.")))
    header_map.labels = {key: headers[index] for key, index in header_map.positions.items()}
    missing = [c.header for c in COLUMNS if c.required and c.key not in header_map.positions]
    if missing:
        errors.append(
            RowIssue(
                1,
                ", ".join(missing),
                _(
                    "Required columns are missing: %(missing)s. Download the template to see "
                    "the expected headers, or map the file's columns."
                )
                % {"missing": ", ".join(missing)},
            )
        )
    header_map.complete = not errors
    return header_map, errors, warnings


# Words of common SIMPEG headers, per field, for guessing a mapping; the more specific fields
# first, so that "NAMA JABATAN" goes to the position before "NAMA" is looked for.
GUESS_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("legacy_nip", ("nip lama",)),
    ("nip", ("nip",)),
    ("nik", ("nik", "no ktp", "nomor ktp")),
    ("title_before", ("gelar depan",)),
    ("title_after", ("gelar belakang",)),
    ("status", ("kedudukan",)),
    ("position_type", ("jenis jabatan", "eselon", "tipe jabatan", "kategori jabatan")),
    ("position", ("jabatan",)),
    ("unit_parent", ("unor induk", "opd induk", "unit induk", "induk")),
    ("unit", ("unit kerja", "unor", "satker", "satuan kerja", "skpd", "opd", "unit")),
    ("kind", ("jenis pegawai", "status kepegawaian", "status pegawai", "jenis asn", "status")),
    ("rank", ("gol akhir", "golongan", "gol", "pangkat")),
    ("email", ("email", "e mail", "surel")),
    ("phone", ("hp", "handphone", "telepon", "telp", "whatsapp", "wa", "ponsel")),
    ("name", ("nama",)),
)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """A first mapping of an unknown layout: each field to the first free header containing
    one of its words."""
    keys = [" ".join(re.sub(r"[^0-9a-z]+", " ", _key(header)).split()) for header in headers]
    taken: set[int] = set()
    mapping: dict[str, str] = {}
    for field_key, words in GUESS_WORDS:
        for word in words:
            pattern = re.compile(rf"\b{re.escape(word)}\b")
            found = next(
                (i for i, key in enumerate(keys) if i not in taken and pattern.search(key)), None
            )
            if found is not None:
                mapping[field_key] = headers[found]
                taken.add(found)
                break
    return mapping


def choose_mapping(
    headers: list[str], *, chosen: dict[str, str], remembered: dict[str, str]
) -> dict[str, str] | None:
    """The mapping to read a file with: the administrator's for this file, else None when the
    headers are recognised, else the agency's remembered one when the file has its columns."""
    if chosen:
        return chosen
    if map_headers(headers)[0].complete:
        return None
    if remembered and map_headers(headers, remembered)[0].complete:
        return remembered
    return None


def mapping_check(mapping: dict[str, str]) -> dict[str, str]:
    """A mapping from a file or a form, with field keys or Netral's headers as keys; raises
    ValueError naming what is wrong."""
    by_name = {}
    for column in COLUMNS:
        by_name[column.key] = column.key
        by_name[_key(column.header)] = column.key
    checked: dict[str, str] = {}
    for name, header in mapping.items():
        if not isinstance(header, str):
            raise ValueError(f"the column for {name!r} must be text")
        key = by_name.get(name) or by_name.get(_key(name))
        if key is None:
            raise ValueError(f"{name!r} is not a roster field; use one of {', '.join(by_name)}")
        if header.strip():
            checked[key] = header.strip()
    return checked


class _RowChecker:
    """Turns one row of text into a RosterRow, or records why it cannot."""

    def __init__(self, header_map: HeaderMap, max_depth: int) -> None:
        self.positions = header_map.positions
        self.max_depth = max_depth
        self.today = timezone.localdate()
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []
        self.skipped = 0
        self.headers = {c.key: c.header for c in COLUMNS} | header_map.labels
        # Rosters repeat a few hundred distinct values over 100,000 rows: parse each once.
        self.kinds: dict[str, str | None] = {}
        self.position_types: dict[str, str | None] = {}
        self.structural: dict[str, str | None] = {}
        self.ranks: dict[tuple[str, str], str | None] = {}
        self.phones: dict[str, str | None] = {}
        self.statuses: dict[str, bool] = {}
        # Rows placed as Pelaksana for want of a Jenis Jabatan column and of a telling title.
        self.placed_as_staff = 0
        # A unit path, and what is wrong with it, by the unit cells as written.
        self.units: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {}

    def cells_by_key(self, cells: list[Any]) -> dict[str, str]:
        count = len(cells)
        return {key: cell_text(cells[i]) if i < count else "" for key, i in self.positions.items()}

    def error(self, row: int, key: str, message: object) -> None:
        self.errors.append(RowIssue(row, self.headers[key], str(message)))

    def is_inactive(self, number: int, values: dict[str, str]) -> bool:
        status = values.get("status")
        if status is None:
            return False
        if status not in self.statuses:
            self.statuses[status] = _key(status).startswith(ACTIVE_STATUSES)
        if self.statuses[status]:
            return False
        self.skipped += 1
        self.warnings.append(
            RowIssue(
                number,
                self.headers["status"],
                _("Skipped: %(name)s is not active (%(status)s).")
                % {"name": values.get("name", ""), "status": status or "-"},
            )
        )
        return True

    def check(self, number: int, cells: list[Any]) -> RosterRow | None:
        failures = len(self.errors)
        values = self.cells_by_key(cells)
        if self.is_inactive(number, values):
            return None
        name = _full_name(values)
        if not name:
            self.error(number, "name", _("The name is empty."))
        elif len(name) > 200:
            self.error(number, "name", _("The name is longer than 200 characters."))

        kind_text = values.get("kind", "")
        if kind_text not in self.kinds:
            self.kinds[kind_text] = parse_kind(kind_text)
        kind = self.kinds[kind_text]
        if kind is None:
            self.error(
                number,
                "kind",
                _('"%(value)s" is not an employee kind; accepted: %(accepted)s.')
                % {"value": kind_text, "accepted": ACCEPTED_KINDS},
            )

        position = values.get("position", "")[:200]
        position_type = self._check_position_type(number, values, kind, position)
        nip, birth_date, gender = self._check_nip(number, values, kind)
        legacy_nip = self._check_legacy_nip(number, values)
        nik = self._check_nik(number, values, kind)
        if nik is not None and birth_date is None:
            birth_date, gender = nik.birth_date, nik.gender

        rank = self._check_rank(number, values, kind)
        unit_path = self._check_unit(number, values)
        email = values.get("email", "").lower()
        if email and not EMAIL_PATTERN.fullmatch(email):
            self.error(
                number, "email", _('"%(value)s" is not an e-mail address.') % {"value": email}
            )
        phone = self._check_phone(number, values)
        unit_head_nip = self._check_unit_head_nip(number, values)

        if len(self.errors) > failures or kind is None or position_type is None:
            return None
        return RosterRow(
            row=number,
            nip=nip,
            legacy_nip=legacy_nip,
            nik=nik.nik if nik else None,
            name=name,
            kind=kind,
            position=position,
            position_type=position_type,
            rank=rank,
            unit_path=unit_path,
            email=email,
            phone=phone,
            birth_date=birth_date,
            gender=gender,
            unit_head_nip=unit_head_nip,
        )

    def _check_position_type(
        self, number: int, values: dict[str, str], kind: str | None, position: str
    ) -> str | None:
        if "position_type" not in self.positions:
            if kind == Employee.Kind.NON_ASN:
                return Employee.PositionType.OTHER
            placed = place_by_title(position)
            if placed == Employee.PositionType.PELAKSANA:
                self.placed_as_staff += 1
            return placed
        text = values.get("position_type", "")
        if not text:
            if kind == Employee.Kind.NON_ASN:
                return Employee.PositionType.OTHER
            if kind is not None:
                self.error(number, "position_type", _("The position type is empty."))
            return None
        if text not in self.position_types:
            self.position_types[text] = parse_position_type(text)
        position_type = self.position_types[text]
        if position_type is None:
            self.error(
                number,
                "position_type",
                _('"%(value)s" is not a position type; accepted: %(accepted)s.')
                % {"value": text, "accepted": ACCEPTED_POSITION_TYPES},
            )
            return None
        if position_type == STRUCTURAL:
            if position not in self.structural:
                self.structural[position] = place_structural(position)
            position_type = self.structural[position]
            if position_type is None:
                self.error(
                    number,
                    "position_type",
                    _(
                        '"%(value)s" does not say the level, and the position "%(position)s" '
                        "does not either; write JPT, Administrator or Pengawas."
                    )
                    % {"value": text, "position": position or "-"},
                )
        return position_type

    def _check_rank(self, number: int, values: dict[str, str], kind: str | None) -> str:
        text = values.get("rank", "")
        if not text or kind is None:
            return ""
        if (kind, text) not in self.ranks:
            self.ranks[(kind, text)] = parse_rank(text, kind=kind)
        rank = self.ranks[(kind, text)]
        if rank is None:
            accepted = ACCEPTED_PPPK_RANKS if kind == Employee.Kind.PPPK else ACCEPTED_PNS_RANKS
            self.error(
                number,
                "rank",
                _('"%(value)s" is not a golongan of a %(kind)s; accepted: %(accepted)s.')
                % {"value": text, "kind": kind, "accepted": accepted},
            )
            return ""
        return rank

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

    def _check_unit_head_nip(self, number: int, values: dict[str, str]) -> str | None:
        raw = values.get("unit_head_nip", "").strip()
        if not raw:
            return None
        try:
            nip = normalize_nip(raw)
        except IdentifierError as problem:
            self.error(number, "unit_head_nip", problem)
            return None
        if len(nip) != 18:
            self.error(
                number,
                "unit_head_nip",
                _("The unit head's NIP %(value)s does not have 18 digits.") % {"value": raw},
            )
            return None
        return nip

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
        cells = (values.get("unit", ""), values.get("unit_parent", ""))
        if cells not in self.units:
            self.units[cells] = self._unit_path(_unit_text(values))
        path, problem = self.units[cells]
        if problem:
            self.error(number, "unit", problem)
        return path

    def _unit_path(self, raw: str) -> tuple[tuple[str, ...], str]:
        path = tuple(" ".join(part.split()) for part in raw.split(UNIT_SEPARATOR) if part.strip())
        if not path:
            return path, _("The unit is empty.")
        if len(path) > self.max_depth:
            return path, _("The unit path has %(depth)s levels; at most %(limit)s are allowed.") % {
                "depth": len(path),
                "limit": self.max_depth,
            }
        if any(len(part) > 200 for part in path):
            return path, _("A unit name is longer than 200 characters.")
        return path, ""

    def _check_phone(self, number: int, values: dict[str, str]) -> str:
        raw = values.get("phone", "")
        if not raw:
            return ""
        if raw not in self.phones:
            self.phones[raw] = parse_phone(raw)
        phone = self.phones[raw]
        if phone is None:
            self.error(
                number,
                "phone",
                _(
                    '"%(value)s" is not a phone number; write it like 081234567890, '
                    "+62 812 3456 7890 or 62812 3456 7890."
                )
                % {"value": raw},
            )
            return ""
        return phone


def _full_name(values: dict[str, str]) -> str:
    name = " ".join(values.get("name", "").split())
    before = " ".join(values.get("title_before", "").split()).strip("- ")
    after = " ".join(values.get("title_after", "").split()).strip("- ")
    if name and before:
        name = f"{before} {name}"
    if name and after:
        name = f"{name}, {after}"
    return name


def _unit_text(values: dict[str, str]) -> str:
    """The unit path; SIASN gives the OPD (UNOR INDUK) and the unit within it (NAMA UNOR)."""
    unit = values.get("unit", "")
    parent = values.get("unit_parent", "")
    if not parent or _key(parent) == _key(unit):
        return unit or parent
    if not unit:
        return parent
    if _key(unit).startswith(_key(parent) + " " + UNIT_SEPARATOR):
        return unit
    return f"{parent} {UNIT_SEPARATOR} {unit}"


def roster_plan(
    *,
    agency: Agency,
    table: RosterTable,
    max_depth: int,
    progress: Progress | None = None,
    mapping: dict[str, str] | None = None,
) -> RosterPlan:
    """Check every row and compare the file with the agency's roster, writing nothing."""
    agency.refresh_from_db(fields=["roster_version"])
    plan = RosterPlan(agency=agency, roster_version=agency.roster_version, mapping=mapping)
    header_map, errors, warnings = map_headers(table.headers, mapping)
    plan.header_map = header_map
    plan.errors.extend(errors)
    plan.warnings.extend(warnings)
    if errors:
        return plan
    if not table.rows:
        plan.errors.append(RowIssue(2, "", _("The file has headers but no employees.")))
        return plan

    checker = _RowChecker(header_map, max_depth)
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
    plan.skipped = checker.skipped
    if "position_type" not in header_map.positions:
        plan.warnings.append(
            RowIssue(
                1,
                "",
                _(
                    "Without a Jenis Jabatan column, new employees are placed by their "
                    "position's title: JPT, Administrator or Pengawas by a structural title, "
                    "Fungsional by a level such as Ahli Pertama or Terampil, else Pelaksana "
                    "(%(count)s rows). Add the column if that is wrong."
                )
                % {"count": checker.placed_as_staff},
            )
        )
    _check_duplicates(plan)
    _check_unit_heads(plan)
    kept = plan.kept_fields()
    if kept:
        labels = {column.key: column.header for column in COLUMNS}
        plan.warnings.insert(
            0,
            RowIssue(
                1,
                "",
                _(
                    "The file has no column for %(fields)s: these stay as recorded for the "
                    "employees it lists."
                )
                % {"fields": ", ".join(labels[name] for name in kept)},
            ),
        )
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


def _check_unit_heads(plan: RosterPlan) -> None:
    """Each unit has at most one head in the file, someone in the file or the agency's roster."""
    heads: dict[tuple[str, ...], tuple[str, int]] = {}
    in_file = {row.nip for row in plan.rows if row.nip}
    known = in_file | set(
        Employee.objects.filter(
            agency=plan.agency,
            is_active=True,
            nip__in={row.unit_head_nip for row in plan.rows if row.unit_head_nip} - in_file,
        ).values_list("nip", flat=True)
    )
    label = "NIP Kepala Unit"
    for row in plan.rows:
        nip = row.unit_head_nip
        if nip is None:
            continue
        key = tuple(_key(part) for part in row.unit_path)
        first = heads.setdefault(key, (nip, row.row))
        if first[0] != nip:
            plan.errors.append(
                RowIssue(
                    row.row,
                    label,
                    _("Row %(first)s gives this unit another head, %(nip)s.")
                    % {"first": first[1], "nip": first[0]},
                )
            )
        elif nip not in known:
            plan.errors.append(
                RowIssue(
                    row.row,
                    label,
                    _("No employee has the NIP %(nip)s, given as the unit's head.") % {"nip": nip},
                )
            )


def unit_heads_from_plan(plan: RosterPlan, agency: Agency, audit: _AuditRows) -> int:
    """Set the heads the file names for its units; the count of units whose head changed."""
    wanted = {row.unit_path: row.unit_head_nip for row in plan.rows if row.unit_head_nip}
    if not wanted:
        return 0
    units = _units_by_path(agency)
    employees = {
        employee.nip: employee
        for employee in Employee.objects.filter(agency=agency, nip__in=set(wanted.values()))
    }
    changed = 0
    for path, nip in wanted.items():
        unit, head = units.get(path), employees.get(nip)
        if unit is None or head is None or unit.head_id == head.pk:
            continue
        unit.head = head
        unit.save(update_fields=["head"])
        audit.add("agencies.unit.head_set", Unit, unit.code, unit.name, {"head": head.name})
        changed += 1
    return changed


def _root_unit(agency: Agency) -> Unit:
    return Unit.objects.get(agency=agency, parent=None)


def unit_paths_of(agency: Agency) -> dict[int, tuple[str, ...]]:
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
    elsewhere = _employees_elsewhere(plan)

    unit_paths = unit_paths_of(agency)
    unit_by_key = {tuple(_key(p) for p in path): path for path in unit_paths.values()}
    fields = [f for f in COMPARED_FIELDS if f != "unit"]
    kept = plan.kept_fields()
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
        known = current or elsewhere.get(row.nip or "")
        if known:
            for name in kept:
                setattr(row, name, known[name])
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
        if current is None and row.nip in elsewhere:
            plan.transfers.append(_transfer(row, elsewhere[row.nip]))
            plan.warnings.append(
                RowIssue(
                    row.row,
                    "NIP",
                    _("Transfer from %(agency)s: %(name)s moves to this agency on import.")
                    % {"agency": elsewhere[row.nip]["agency__name"], "name": row.name},
                )
            )
            continue
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
            plan.unchanged_rows.append(row)
    plan.absent_ids = [
        employee_id
        for employee_id, values in existing.items()
        if values["is_active"] and employee_id not in matched
    ]
    plan.new_unit_paths = sorted(new_units, key=len)


def _employees_elsewhere(plan: RosterPlan) -> dict[str, dict[str, Any]]:
    """The file's NIPs held in other agencies of this instance, by NIP; an old NIP held there
    by someone else is an error."""
    fields = [f for f in COMPARED_FIELDS if f != "unit"]
    rows_by_nip = {row.nip: row for row in plan.rows if row.nip}
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(rows_by_nip)):
        for values in (
            Employee.objects.filter(nip__in=chunk)
            .exclude(agency=plan.agency)
            .values("id", "code", "agency_id", "agency__name", *fields)
        ):
            found[values["nip"]] = values
    rows_by_legacy = {row.legacy_nip: row for row in plan.rows if row.legacy_nip}
    for chunk in _chunks(list(rows_by_legacy)):
        taken = (
            Employee.objects.filter(legacy_nip__in=chunk)
            .exclude(agency=plan.agency)
            .values_list("legacy_nip", "nip")
        )
        for legacy_nip, nip in taken:
            row = rows_by_legacy[str(legacy_nip)]
            if nip != row.nip:
                plan.errors.append(
                    RowIssue(
                        row.row,
                        "NIP Lama",
                        _("%(label)s %(value)s is registered at another agency for another NIP.")
                        % {"label": "NIP Lama", "value": legacy_nip},
                    )
                )
    return found


def _transfer(row: RosterRow, old: dict[str, Any]) -> Transfer:
    # Only where the employee comes from: the other agency's record (name, contacts, position)
    # is not shown here, since anyone who knows a NIP could put it in a file.
    changes = {"unit": [old["agency__name"], row.values()["unit"]]}
    return Transfer(
        employee_id=old["id"],
        code=old["code"],
        from_agency_id=old["agency_id"],
        from_agency_name=old["agency__name"],
        row=row,
        changes=changes,
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
    confirmed_digest: str = "",
) -> RosterPlan:
    """Write a valid plan in one transaction; plans again if the roster changed meanwhile, and
    writes nothing if the plan then differs from the one the officer confirmed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Don't wait for this large transaction's WAL flush (seconds here): it stays atomic,
            # and the job's status, written next with a normal commit, flushes it before anyone
            # is told the import is done.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        agency = Agency.objects.select_for_update().get(pk=plan.agency.pk)
        if agency.roster_version != plan.roster_version:
            plan = roster_plan(
                agency=agency, table=table, max_depth=max_depth, mapping=plan.mapping
            )
        plan_confirmed_check(plan, confirmed_digest)
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
        _move_transfers(plan, agency, units.ids, audit, now)

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
        unit_heads_from_plan(plan, agency, audit)
        audit.write()
        agency.roster_version += 1
        agency.save(update_fields=["roster_version"])
    return plan


def plan_confirmed_check(plan: RosterPlan, confirmed_digest: str) -> None:
    """An error on the plan if it is not the one the officer saw and confirmed."""
    if plan.is_valid and confirmed_digest and plan.digest() != confirmed_digest:
        plan.errors.append(
            RowIssue(
                0,
                "",
                _(
                    "The roster changed after this file was checked (another import or a "
                    "transfer came in between), so what you confirmed is no longer what would "
                    "be written. Nothing was changed. Upload the file again to check it anew."
                ),
            )
        )


def _move_transfers(
    plan: RosterPlan,
    agency: Agency,
    unit_ids: dict[tuple[str, ...], int],
    audit: _AuditRows,
    now: datetime.datetime,
) -> None:
    """Move transferred employees here. Their signatures keep the old agency and unit (their
    own columns), so the old agency's campaigns and history stay as they were."""
    if not plan.transfers:
        return
    moved = []
    for transfer in plan.transfers:
        row = transfer.row
        unit_id = unit_ids[row.unit_path]
        moved.append([*_fields(row).values(), unit_id, agency.pk, True, now, transfer.employee_id])
        audit.add(
            "agencies.employee.transferred_in",
            Employee,
            transfer.code,
            row.name,
            {"row": row.row, "from": transfer.from_agency_name, "changes": transfer.changes},
        )
        audit.add(
            "agencies.employee.transferred_out",
            Employee,
            transfer.code,
            row.name,
            {"to": agency.name},
            agency_id=transfer.from_agency_id,
        )
    bulk_update(Employee, [*IMPORTED_FIELDS, "unit", "agency", "is_active", "updated_at"], moved)
    ids = [transfer.employee_id for transfer in plan.transfers]
    Unit.objects.filter(head__in=ids).exclude(agency=agency).update(head=None)
    # Plans of the old agencies made before the move must be made again.
    Agency.objects.filter(pk__in={t.from_agency_id for t in plan.transfers}).update(
        roster_version=F("roster_version") + 1
    )


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
        self,
        action: str,
        model: type[Any],
        code: str,
        label: str,
        data: dict[str, Any],
        *,
        agency_id: int | None = None,
    ) -> None:
        self.rows.append(
            [
                self.now,
                self.actor.user.pk if self.actor.user else None,
                self.actor.label,
                agency_id or self.agency.pk,
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
        Unit.objects.bulk_create(level, batch_size=1000)
        created.extend(level)
    return _Units(ids={path: unit.pk for path, unit in units.items()}, created=created)


def _units_by_path(agency: Agency) -> dict[tuple[str, ...], Unit]:
    units = {unit.pk: unit for unit in Unit.objects.filter(agency=agency)}
    paths = unit_paths_of(agency)
    return {paths[pk]: unit for pk, unit in units.items()}
