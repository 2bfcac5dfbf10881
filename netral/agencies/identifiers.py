"""Parsing and validation of NIP PNS, NI PPPK and NIK numbers (domain.md section 4).

Error codes: nip_empty, nip_scientific, nip_not_digits, nip_legacy, nip_length,
nip_birth_date, nip_birth_date_future, nip_birth_date_too_early, nip_appointment_before_birth,
nip_appointment_future, nip_appointment_month, nip_gender, nip_sequence, nip_legacy_length,
nip_legacy_got_new, nik_empty, nik_scientific, nik_not_digits, nik_length, nik_region, nik_date,
nik_sequence.
"""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

PNS = "PNS"
PPPK = "PPPK"

# \s covers the no-break spaces that come with text pasted from web pages and PDFs.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u200b\ufeff]")
# Around the value, with the invisible characters str.strip() keeps (before the apostrophe too).
_EDGES = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
# Excel shows long numbers as "1.98609E+17" ("1,98609E+17" in Indonesian locales).
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE]\+?\d+")
_NOT_DIGIT = re.compile(r"[^0-9]")

_lazy_percent_format = lazy(operator.mod, str)


def _message(template: StrPromise, **params: object) -> StrPromise:
    # Formatted on str() so the message renders in the language active where it is shown.
    return cast("StrPromise", _lazy_percent_format(template, params))


class IdentifierError(ValueError):
    def __init__(self, code: str, message: StrPromise) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class NipInfo:
    nip: str
    birth_date: datetime.date
    appointment_year: int
    appointment_month: int | None  # PNS only: digits 13-14 of an NI PPPK are not a month.
    gender: str  # "M" or "F"
    sequence: int
    warnings: tuple[StrPromise, ...]


@dataclass(frozen=True, slots=True)
class NikInfo:
    nik: str
    birth_date: datetime.date
    gender: str  # "M" or "F"
    region_code: str  # Kemendagri regency code, "PP.KK"


_GENDERS = {"1": "M", "2": "F"}


def _normalize(raw: str, *, label: str) -> str:
    prefix = label.lower()
    value = _EDGES.sub("", raw)
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]  # a CSV cell written as a formula so that Excel keeps it text
    value = _EDGES.sub("", value.lstrip("'\u2018\u2019`"))
    if _SCIENTIFIC.fullmatch("".join(value.split())):
        raise IdentifierError(
            f"{prefix}_scientific",
            _message(
                _(
                    "The %(label)s %(value)s is in scientific notation, so the spreadsheet has "
                    "already lost some of its digits. Format the %(label)s column as text and "
                    "enter the %(label)s again."
                ),
                label=label,
                value=value,
            ),
        )
    digits = _SEPARATORS.sub("", value)
    if not digits:
        raise IdentifierError(f"{prefix}_empty", _message(_("Enter the %(label)s."), label=label))
    if _NOT_DIGIT.search(digits):
        characters = " ".join(dict.fromkeys(_NOT_DIGIT.findall(digits)))
        raise IdentifierError(
            f"{prefix}_not_digits",
            _message(
                _("The %(label)s may contain only digits; remove “%(characters)s”."),
                label=label,
                characters=characters,
            ),
        )
    return digits


def _length_error(digits: str, *, label: str, expected: int) -> IdentifierError:
    return IdentifierError(
        f"{label.lower()}_length",
        _message(
            _("The %(label)s must have %(expected)s digits; the value entered has %(count)s."),
            label=label,
            expected=expected,
            count=len(digits),
        ),
    )


def normalize_nip(raw: str) -> str:
    """Digits only, without spaces, dots, dashes or the apostrophe Excel puts before text."""
    return _normalize(raw, label="NIP")


def _nip_birth_date(part: str, *, today: datetime.date) -> datetime.date:
    try:
        birth_date = datetime.date(int(part[:4]), int(part[4:6]), int(part[6:]))
    except ValueError:
        message = _(
            "The first 8 digits of the NIP are the birth date (YYYYMMDD), but %(part)s is "
            "not a valid date."
        )
        raise IdentifierError("nip_birth_date", _message(message, part=part)) from None
    if birth_date > today:
        message = _(
            "The first 8 digits of the NIP are the birth date (YYYYMMDD), but %(part)s is "
            "in the future."
        )
        raise IdentifierError("nip_birth_date_future", _message(message, part=part))
    if birth_date.year < 1900:
        message = _(
            "The first 8 digits of the NIP are the birth date (YYYYMMDD), but %(part)s is "
            "before 1900."
        )
        raise IdentifierError("nip_birth_date_too_early", _message(message, part=part))
    return birth_date


def parse_nip(raw: str, *, kind: str, today: datetime.date | None = None) -> NipInfo:
    """Validate an 18-digit NIP PNS (kind "PNS") or NI PPPK (kind "PPPK")."""
    if kind not in (PNS, PPPK):
        raise ValueError(f"Only PNS and PPPK have a NIP, not {kind!r}.")
    today = today or datetime.date.today()
    nip = normalize_nip(raw)
    if len(nip) == 9:
        message = _(
            "%(value)s is an old 9-digit NIP. Enter it in the “NIP Lama” column and the new "
            "18-digit NIP in the “NIP” column."
        )
        raise IdentifierError("nip_legacy", _message(message, value=nip))
    if len(nip) != 18:
        raise _length_error(nip, label="NIP", expected=18)

    birth_date = _nip_birth_date(nip[:8], today=today)
    appointment_year = int(nip[8:12])
    if appointment_year < birth_date.year:
        message = _(
            "Digits 9 to 12 of the NIP are the appointment year, but %(year)s is before the "
            "birth year %(birth_year)s."
        )
        raise IdentifierError(
            "nip_appointment_before_birth",
            _message(message, year=appointment_year, birth_year=birth_date.year),
        )
    if appointment_year > today.year + 1:
        message = _(
            "Digits 9 to 12 of the NIP are the appointment year, but %(year)s is in the future."
        )
        raise IdentifierError("nip_appointment_future", _message(message, year=appointment_year))

    appointment_month = None
    if kind == PNS:
        appointment_month = int(nip[12:14])
        if not 1 <= appointment_month <= 12:
            message = _(
                "Digits 13 and 14 of a PNS NIP are the month of the CPNS appointment and must be "
                "01 to 12, not %(part)s. If this person is a PPPK, choose PPPK as the employee "
                "type."
            )
            raise IdentifierError("nip_appointment_month", _message(message, part=nip[12:14]))

    gender = _GENDERS.get(nip[14])
    if gender is None:
        message = _(
            "Digit 15 of the NIP is the gender and must be 1 (male) or 2 (female), not %(digit)s."
        )
        raise IdentifierError("nip_gender", _message(message, digit=nip[14]))

    sequence = int(nip[15:])
    if sequence == 0:
        # Excel keeps 15 significant digits, so a NIP stored as a number always ends in 000.
        message = _(
            "The last 3 digits of the NIP are a sequence number that starts at 001, but they are "
            "000. If the NIP came from a spreadsheet, format the NIP column as text and enter "
            "the NIP again: a number column keeps only 15 digits."
        )
        raise IdentifierError("nip_sequence", message)

    warnings: tuple[StrPromise, ...] = ()
    age = appointment_year - birth_date.year
    if age < 18:
        message = _(
            "According to the NIP, this person was appointed in %(year)s at about age %(age)s. "
            "Please check the NIP."
        )
        warnings = (_message(message, year=appointment_year, age=age),)

    return NipInfo(
        nip=nip,
        birth_date=birth_date,
        appointment_year=appointment_year,
        appointment_month=appointment_month,
        gender=gender,
        sequence=sequence,
        warnings=warnings,
    )


def parse_legacy_nip(raw: str) -> str:
    """Validate a pre-2009 9-digit NIP, kept as an alias of the new one."""
    nip = normalize_nip(raw)
    if len(nip) == 18:
        message = _(
            "%(value)s is a new 18-digit NIP. Enter it in the “NIP” column; “NIP Lama” is only "
            "for the old 9-digit NIP."
        )
        raise IdentifierError("nip_legacy_got_new", _message(message, value=nip))
    if len(nip) != 9:
        message = _("The old NIP must have 9 digits; the value entered has %(count)s.")
        raise IdentifierError("nip_legacy_length", _message(message, count=len(nip)))
    return nip


def parse_nik(raw: str, *, today: datetime.date | None = None) -> NikInfo:
    """Validate a 16-digit NIK; of the two possible centuries, the latest past date wins."""
    today = today or datetime.date.today()
    nik = _normalize(raw, label="NIK")
    if len(nik) != 16:
        raise _length_error(nik, label="NIK", expected=16)

    if "00" in (nik[0:2], nik[2:4], nik[4:6]):
        message = _(
            "The first 6 digits of the NIK are the province, regency and district codes, and "
            "none of them can be 00: %(part)s."
        )
        raise IdentifierError("nik_region", _message(message, part=nik[:6]))

    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "F" if day > 40 else "M"
    if gender == "F":
        day -= 40
    birth_date = None
    for century in (2000, 1900):
        try:
            candidate = datetime.date(century + year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            birth_date = candidate
            break
    if birth_date is None:
        message = _(
            "Digits 7 to 12 of the NIK are the birth date (DDMMYY, with 40 added to the day for "
            "women), but %(part)s is not a valid date."
        )
        raise IdentifierError("nik_date", _message(message, part=nik[6:12]))

    if nik[12:] == "0000":
        message = _("The last 4 digits of the NIK are a sequence number and cannot be 0000.")
        raise IdentifierError("nik_sequence", message)

    return NikInfo(
        nik=nik, birth_date=birth_date, gender=gender, region_code=f"{nik[0:2]}.{nik[2:4]}"
    )


def mask_nip(nip: str) -> str:
    """Show only the birth year and the last 2 digits: "1986**** ****** * *01"."""
    digits = normalize_nip(nip)
    if len(digits) != 18:
        raise _length_error(digits, label="NIP", expected=18)
    masked = digits[:4] + "*" * 12 + digits[16:]
    return f"{masked[:8]} {masked[8:14]} {masked[14]} {masked[15:]}"


def mask_nik(nik: str) -> str:
    """Show only the region (province and regency) and the last 2 digits: "3326 **** **** **12"."""
    digits = "".join(ch for ch in nik if ch.isdigit())
    if len(digits) != 16:
        raise _length_error(digits, label="NIK", expected=16)
    masked = digits[:4] + "*" * 10 + digits[14:]
    return " ".join(masked[start : start + 4] for start in range(0, 16, 4))
