"""Online attendance from a meeting's participant export (Zoom, Google Meet), in three steps:
read the CSV (`participants_read`), match its rows to the campaign's employees into a plan the
officer previews (`participants_match`), and record the matched ones (`participants_apply`).

The plan, not the upload, is kept between the preview and the confirmation: a small JSON file
in the storage (`base.storage.scratch_*`), named in the officer's session. The session stays
small (it is read on every request), two servers share the storage, and the uploaded bytes are
read once, as they stream past.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Employee
from netral.base.audit import audit_log
from netral.pacts import services
from netral.pacts.models import Attendance, Campaign


class ParticipantFileError(Exception):
    """The file cannot be read as a participant list; the message is for the officer."""


class Layout:
    ZOOM = "zoom"  # the participants report: the participant header on the first line
    ZOOM_MEETING = "zoom_meeting"  # the meeting report: meeting details, a blank line, then it
    MEET = "meet"  # Google Meet's attendance report: first and last name
    MEET_FULL_NAME = "meet_full_name"  # Meet attendance add-ons: one full-name column

    labels = {
        ZOOM: gettext_lazy("Zoom participant list"),
        ZOOM_MEETING: gettext_lazy("Zoom meeting report with its participants"),
        MEET: gettext_lazy("Google Meet attendance report"),
        MEET_FULL_NAME: gettext_lazy("Google Meet attendance list"),
    }


class Reason:
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"
    PRESENT = "present"
    OUTSIDE = "outside"
    WAITING_ROOM = "waiting_room"

    labels = {
        NO_MATCH: gettext_lazy("No employee of this campaign with this NIP, e-mail or name"),
        AMBIGUOUS: gettext_lazy("Several employees have this name or e-mail"),
        PRESENT: gettext_lazy("Already recorded present"),
        OUTSIDE: gettext_lazy("An employee outside your units"),
        WAITING_ROOM: gettext_lazy("Only in the waiting room"),
    }


class How:
    NIP = "nip"
    EMAIL = "email"
    NAME = "name"

    labels = {
        NIP: gettext_lazy("NIP in the name"),
        EMAIL: gettext_lazy("e-mail"),
        NAME: gettext_lazy("name"),
    }


@dataclass(frozen=True)
class Participant:
    row: int  # the line of the file, as a spreadsheet numbers it
    name: str
    email: str
    minutes: int | None
    waiting_room: bool = False


@dataclass
class ParticipantFile:
    layout: str
    participants: list[Participant]
    size: int
    sha256: str


HEADER_SEARCH_ROWS = 30  # the meeting report's details come first; its header is near the top
MAX_NAME = 200
MAX_EMAIL = 254
_SEPARATORS = [",", ";", "\t"]
_YES = {"yes", "ya", "true", "1", "y"}

ZOOM_NAME = {"name (original name)", "nama (nama asli)"}
EMAIL = {"user email", "email", "e-mail", "email address", "alamat email"}
DURATION = {
    "duration (minutes)",
    "total duration (minutes)",
    "duration",
    "time in call",
    "durasi",
    "durasi (menit)",
}
WAITING = {"in waiting room"}
MEET_NAME = {"full name", "participant", "participant name", "nama lengkap"}
MEET_OTHER = {"time joined", "time exited", "first seen", "last seen", "joined", "time in call"}


def _header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').casefold().split())


def _column(headers: list[str], names: set[str]) -> int | None:
    return next((index for index, header in enumerate(headers) if header in names), None)


@dataclass
class _Columns:
    layout: str
    name: int
    last_name: int | None = None
    email: int | None = None
    minutes: int | None = None
    waiting: int | None = None


def _layout(headers: list[str], after_meeting_details: bool) -> _Columns | None:
    email, minutes = _column(headers, EMAIL), _column(headers, DURATION)
    if (name := _column(headers, ZOOM_NAME)) is not None:
        layout = Layout.ZOOM_MEETING if after_meeting_details else Layout.ZOOM
        return _Columns(layout, name, None, email, minutes, _column(headers, WAITING))
    first, last = _column(headers, {"first name"}), _column(headers, {"last name"})
    if first is not None and last is not None:
        return _Columns(Layout.MEET, first, last, email, minutes)
    name = _column(headers, MEET_NAME)
    others = set(headers) & (MEET_OTHER | EMAIL | DURATION)
    if name is not None and others:
        return _Columns(Layout.MEET_FULL_NAME, name, None, email, minutes)
    return None


_MAGIC = {
    b"PK\x03\x04": gettext_lazy(
        "This is an Excel (XLSX) file. Open it and save it as CSV, or download the list as CSV."
    ),
    b"\xd0\xcf\x11\xe0": gettext_lazy(
        "This is an old Excel (XLS) file. Open it and save it as CSV, or download the list as CSV."
    ),
    b"%PDF": gettext_lazy("This is a PDF file. Download the participant list as CSV."),
}


def _encodings(head: bytes) -> list[str]:
    """The encodings to try, in order. Zoom saves UTF-8 (often with a BOM) or UTF-16; Excel
    on Windows saves its own code page."""
    if head.startswith(b"\xef\xbb\xbf"):
        return ["utf-8-sig"]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ["utf-16"]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > len(odd) // 2 and even.count(0) == 0:
            return ["utf-16-le"]
        if even.count(0) > len(even) // 2 and odd.count(0) == 0:
            return ["utf-16-be"]
        raise ParticipantFileError(_("This file is not a CSV text file."))
    return ["utf-8", "cp1252"]


def _separator(first_line: str) -> str:
    return max(_SEPARATORS, key=first_line.count)


def participants_read(stream: IO[bytes], *, size: int) -> ParticipantFile:
    """Read a participant export, all or nothing: a file too large, with too many rows, not
    text, or without a known header raises ParticipantFileError with one message."""
    max_bytes, max_rows = (
        settings.NETRAL_MEETING_IMPORT_MAX_BYTES,
        settings.NETRAL_MEETING_IMPORT_MAX_ROWS,
    )
    if size > max_bytes:
        raise ParticipantFileError(
            _("The file is larger than %(limit)s MB. Upload the participant list of one meeting.")
            % {"limit": round(max_bytes / 1_048_576, 1)}
        )
    head = stream.read(4096)
    if not head.strip():
        raise ParticipantFileError(_("The file is empty."))
    for magic, message in _MAGIC.items():
        if head.startswith(magic):
            raise ParticipantFileError(str(message))
    encodings = _encodings(head)
    for encoding in encodings:
        first_line = (head.decode(encoding, errors="ignore").lstrip("\ufeff").splitlines() or [""])[
            0
        ]
        stream.seek(0)
        try:
            return _read(
                stream, encoding=encoding, separator=_separator(first_line), max_rows=max_rows
            )
        except UnicodeDecodeError:
            if encoding == encodings[-1]:
                raise ParticipantFileError(_("This file is not a CSV text file.")) from None
    raise AssertionError("unreachable")


class _Hashing(io.RawIOBase):
    """Passes the upload on once, hashing and counting it, and stops past the byte limit."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        super().__init__()
        self.source, self.limit = source, limit
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.source.read(len(buffer))
        self.size += len(data)
        if self.size > self.limit:
            raise ParticipantFileError(_("The file is larger than the limit."))
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def _records(text: io.TextIOBase, separator: str) -> Iterator[tuple[int, list[str]]]:
    """(the line a record ends on, its cells); a broken CSV raises ParticipantFileError."""
    reader = csv.reader(text, delimiter=separator)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error:
        raise ParticipantFileError(
            _("The file is not a valid CSV (a field is too long or a quote is not closed).")
        ) from None


def _read(stream: IO[bytes], *, encoding: str, separator: str, max_rows: int) -> ParticipantFile:
    raw = _Hashing(stream, settings.NETRAL_MEETING_IMPORT_MAX_BYTES)
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")
    records = _records(text, separator)
    columns: _Columns | None = None
    after_meeting_details = False
    for line, cells in records:
        headers = [_header(cell) for cell in cells]
        if headers and headers[0] in {"meeting id", "id rapat"}:
            after_meeting_details = True
        if (columns := _layout(headers, after_meeting_details)) is not None or (
            line >= HEADER_SEARCH_ROWS
        ):
            break
    if columns is None:
        raise ParticipantFileError(
            _(
                "The columns of this file were not recognised. Upload the participant list as "
                "exported by Zoom (Name (Original Name), User Email, …) or Google Meet "
                "(First name, Last name, Email, …), as CSV."
            )
        )
    participants: list[Participant] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(participants) >= max_rows:
            raise ParticipantFileError(
                _("The file has more than %(limit)s participant rows.") % {"limit": max_rows}
            )
        if any("\x00" in cell for cell in cells):
            raise ParticipantFileError(_("This file is not a CSV text file."))
        participants.append(_participant(cells, columns, line))
    if not participants:
        raise ParticipantFileError(_("The file has a header but no participants."))
    return ParticipantFile(
        layout=columns.layout,
        participants=participants,
        size=raw.size,
        sha256=raw.sha256.hexdigest(),
    )


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return " ".join(cells[index].split())


# ASCII digits, a few of them: str.isdigit() and \d also take "²" or "٣", and int() refuses
# "²" and any number of more than 4,300 digits.
_WHOLE = re.compile(r"[0-9]{1,6}")
_CLOCK = re.compile(r"^([0-9]{1,6}):([0-9]{1,2})(?::([0-9]{1,2}))?$")
_HOURS = re.compile(r"(?<![0-9])([0-9]{1,4})\s*(?:h|hr|hrs|hour|hours|jam)\b")
_MINUTES = re.compile(r"(?<![0-9])([0-9]{1,6})\s*(?:m|min|mins|minute|minutes|menit)\b")


def _minutes(value: str) -> int | None:
    """Zoom gives whole minutes; Meet gives "1 hr 5 min", "45 min" or "0:45:12"."""
    value = value.strip().casefold()
    if _WHOLE.fullmatch(value):
        return int(value)
    if clock := _CLOCK.match(value):
        hours, minutes, seconds = clock.groups()
        if seconds is None:  # "45:12" is minutes and seconds
            return int(hours)
        return int(hours) * 60 + int(minutes)
    hours_match, minutes_match = _HOURS.search(value), _MINUTES.search(value)
    if hours_match or minutes_match:
        hours = int(hours_match.group(1)) if hours_match else 0
        return hours * 60 + (int(minutes_match.group(1)) if minutes_match else 0)
    return None


def _participant(cells: list[str], columns: _Columns, line: int) -> Participant:
    name = _cell(cells, columns.name)
    if columns.last_name is not None:
        name = f"{name} {_cell(cells, columns.last_name)}".strip()
    return Participant(
        row=line,
        name=name[:MAX_NAME],
        email=_cell(cells, columns.email)[:MAX_EMAIL],
        minutes=_minutes(_cell(cells, columns.minutes)),
        waiting_room=_cell(cells, columns.waiting).casefold() in _YES,
    )


# Matching.

_NIP = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){17}(?![ .\-]?\d)")
_NAME_WORD = re.compile(r"[^\W\d_]+")
_TITLES = {"dr", "drs", "dra", "drg", "ir", "h", "hj", "prof", "apt", "ns", "kh", "bpk", "ibu"}


def nips_in(text: str) -> list[str]:
    """NIPs typed into a display name, with or without spaces, dots or dashes."""
    return [re.sub(r"\D", "", found) for found in _NIP.findall(text)]


def name_key(name: str) -> str:
    """A name as people type it in a meeting and as the roster holds it: without the academic
    titles (after the first comma, or before the name), case, dots and digits."""
    words = _NAME_WORD.findall(name.split(",")[0].casefold())
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    return " ".join(words)


def _display_names(name: str) -> list[str]:
    """Zoom's "Name (Original Name)" holds "Renamed (Original)" when someone was renamed."""
    found = re.fullmatch(r"(.*\S)\s*\(([^()]*)\)", name)
    return [found.group(1), found.group(2)] if found else [name]


@dataclass
class Matched:
    employee_id: int
    row: int
    name: str
    how: str
    joins: int = 1
    minutes: int | None = None


@dataclass
class Missed:
    row: int
    name: str
    email: str
    reason: str


@dataclass
class ImportPlan:
    campaign: str
    membership: str
    file_name: str
    sha256: str
    layout: str
    rows: int
    matched: list[Matched] = field(default_factory=list)
    missed: list[Missed] = field(default_factory=list)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> ImportPlan:
        values = json.loads(data)
        values["matched"] = [Matched(**item) for item in values["matched"]]
        values["missed"] = [Missed(**item) for item in values["missed"]]
        return cls(**values)


@dataclass(frozen=True)
class _Found:
    employee_id: int
    in_scope: bool


def _scope(*, viewer: Membership, campaign: Campaign) -> QuerySet[Employee]:
    """The campaign's employees this officer may mark present."""
    return services.campaign_employees(campaign).filter(
        pk__in=agency_selectors.employee_list(viewer=viewer).values("pk")
    )


def _in_viewer_units(viewer: Membership, path: str) -> bool:
    return viewer.unit is None or path.startswith(viewer.unit.path)


def participants_match(
    *, viewer: Membership, campaign: Campaign, upload: ParticipantFile, file_name: str
) -> ImportPlan:
    """Match each row by the NIP typed into the name, else the e-mail, else the name when one
    employee in the officer's units has it. Writes nothing."""
    participants = upload.participants
    eligible = services.campaign_employees(campaign)
    nips = {nip for person in participants for nip in nips_in(person.name)}
    by_nip: dict[str, _Found] = {
        str(nip): _Found(pk, _in_viewer_units(viewer, path))
        for pk, nip, path in eligible.filter(nip__in=nips).values_list("pk", "nip", "unit__path")
    }
    emails = {person.email.casefold() for person in participants if "@" in person.email}
    by_email: dict[str, list[_Found]] = {}
    for pk, email, path in (
        eligible.annotate(email_key=Lower("email"))
        .filter(email_key__in=emails)
        .values_list("pk", "email_key", "unit__path")
    ):
        by_email.setdefault(email, []).append(_Found(pk, _in_viewer_units(viewer, path)))
    keys = {
        key
        for person in participants
        for display in _display_names(person.name)
        if (key := name_key(display))
    }
    by_name: dict[str, list[int]] = {}
    # A name is weak evidence: it is matched only within the officer's own units.
    for pk, name in (
        _scope(viewer=viewer, campaign=campaign).values_list("pk", "name").iterator(chunk_size=2000)
    ):
        if (key := name_key(name)) in keys:
            by_name.setdefault(key, []).append(pk)

    plan = ImportPlan(
        campaign=campaign.code,
        membership=viewer.code,
        file_name=file_name[:200],
        sha256=upload.sha256,
        layout=upload.layout,
        rows=len(participants),
    )
    matched: dict[int, Matched] = {}
    waiting: list[Participant] = []
    for person in participants:
        if person.waiting_room:
            waiting.append(person)
            continue
        found, how, reason = _match_one(person, by_nip, by_email, by_name)
        if found is None:
            plan.missed.append(Missed(person.row, person.name, person.email, reason))
        elif found in matched:
            earlier = matched[found]
            earlier.joins += 1
            if person.minutes is not None:
                earlier.minutes = (earlier.minutes or 0) + person.minutes
        else:
            matched[found] = Matched(found, person.row, person.name, how, 1, person.minutes)
    # Someone admitted from the waiting room has a row of the meeting too.
    for person in waiting:
        found, _how, _reason = _match_one(person, by_nip, by_email, by_name)
        if found is None or found not in matched:
            plan.missed.append(Missed(person.row, person.name, person.email, Reason.WAITING_ROOM))
    present = set(
        Attendance.objects.filter(campaign=campaign, employee__in=list(matched)).values_list(
            "employee_id", flat=True
        )
    )
    for employee_id, item in matched.items():
        if employee_id in present:
            plan.missed.append(Missed(item.row, item.name, "", Reason.PRESENT))
        else:
            plan.matched.append(item)
    plan.missed.sort(key=lambda item: item.row)
    return plan


def _match_one(
    person: Participant,
    by_nip: dict[str, _Found],
    by_email: dict[str, list[_Found]],
    by_name: dict[str, list[int]],
) -> tuple[int | None, str, str]:
    """(employee id or None, how it was matched, why not)."""
    for nip in nips_in(person.name):
        if (found := by_nip.get(nip)) is not None:
            return (
                (found.employee_id, How.NIP, "") if found.in_scope else (None, "", Reason.OUTSIDE)
            )
    candidates = by_email.get(person.email.casefold(), []) if person.email else []
    if len(candidates) == 1:
        only = candidates[0]
        return (only.employee_id, How.EMAIL, "") if only.in_scope else (None, "", Reason.OUTSIDE)
    if len(candidates) > 1:
        return None, "", Reason.AMBIGUOUS
    for display in _display_names(person.name):
        same = by_name.get(name_key(display), [])
        if len(same) == 1:
            return same[0], How.NAME, ""
        if len(same) > 1:
            return None, "", Reason.AMBIGUOUS
    return None, "", Reason.NO_MATCH


def participants_apply(
    *, actor: Actor, viewer: Membership, campaign: Campaign, plan: ImportPlan
) -> int:
    """Record the plan's matched employees present online, in one transaction; those who left
    the officer's units or the campaign since the preview are skipped, those marked present
    since keep their first record. Returns how many were added."""
    if plan.campaign != campaign.code or plan.membership != viewer.code:
        raise services.CampaignStateError("the plan belongs to another campaign or officer")
    if campaign.mode == Campaign.Mode.OFFLINE:
        raise services.CampaignStateError("the ceremony is in person only")
    employees = list(
        _scope(viewer=viewer, campaign=campaign)
        .filter(pk__in=[item.employee_id for item in plan.matched])
        .select_related("unit")
    )
    with transaction.atomic():
        added = services.attendance_record(
            actor=actor,
            campaign=campaign,
            employees=employees,
            mode=Attendance.Mode.ONLINE,
            source=Attendance.Source.MEETING_IMPORT,
        )
        audit_log(
            actor=actor,
            action="pacts.attendance.imported",
            target=campaign,
            agency=campaign.agency,
            data={
                "file": plan.file_name,
                "sha256": plan.sha256,
                "layout": plan.layout,
                "rows": plan.rows,
                "matched": len(plan.matched),
                "recorded": added,
                "missed": len(plan.missed),
            },
        )
    return added
