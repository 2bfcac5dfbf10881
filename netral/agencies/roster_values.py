"""Roster values as offices type them: employee kinds, position types, golongan and phones.

Each parser returns the stored form, or None when the text is not recognised; the caller turns
None into one error that names the accepted values (ACCEPTED_*).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from netral.agencies.models import Employee

Kind = Employee.Kind
PositionType = Employee.PositionType


def value_key(text: str) -> str:
    """Case, dashes, dots, underscores and repeated spaces do not matter: "Non-ASN" = "non asn"."""
    return " ".join(re.sub(r"[-_./]", " ", text).split()).casefold()


_KIND_NAMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "pns",
            "cpns",
            "pegawai negeri sipil",
            "calon pegawai negeri sipil",
            "asn pns",
            "pns daerah",
            "cpns daerah",
            "pns pusat",
            "cpns pusat",
            "pns pusat dpk",
            "pns pusat dpb",
            "pns dpk",
            "pns dpb",
            "pns instansi",
        ),
        Kind.PNS,
    ),
    (
        (
            "pppk",
            "p3k",
            "asn pppk",
            "pppk daerah",
            "pppk pusat",
            "pppk penuh waktu",
            "pppk paruh waktu",
            "p3k paruh waktu",
            "pegawai pemerintah dengan perjanjian kerja",
            "pegawai pemerintah dengan perjanjian kerja paruh waktu",
        ),
        Kind.PPPK,
    ),
    (
        (
            "non asn",
            "nonasn",
            "non pns",
            "honorer",
            "tenaga honorer",
            "honor",
            "thl",
            "tenaga harian lepas",
            "ptt",
            "pegawai tidak tetap",
            "tkk",
            "tenaga kerja kontrak",
            "tenaga kontrak",
            "kontrak",
        ),
        Kind.NON_ASN,
    ),
)
_KINDS = {name: kind for names, kind in _KIND_NAMES for name in names}

ACCEPTED_KINDS = (
    "PNS, CPNS, PNS Daerah, PNS Pusat DPK, PPPK, PPPK Paruh Waktu, Honorer, THL, Non-ASN"
)


def parse_kind(text: str) -> str | None:
    return _KINDS.get(value_key(text))


STRUCTURAL = "STRUCTURAL"  # placed by the position's name; not a stored value

_POSITION_TYPE_NAMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "jpt",
            "jpt utama",
            "jpt madya",
            "jpt pratama",
            "pimpinan tinggi",
            "jabatan pimpinan tinggi",
            "jabatan pimpinan tinggi utama",
            "jabatan pimpinan tinggi madya",
            "jabatan pimpinan tinggi pratama",
            "pimpinan tinggi utama",
            "pimpinan tinggi madya",
            "pimpinan tinggi pratama",
            "eselon i",
            "eselon ii",
        ),
        PositionType.JPT,
    ),
    (("administrator", "jabatan administrator", "eselon iii"), PositionType.ADMINISTRATOR),
    (("pengawas", "jabatan pengawas", "eselon iv", "eselon v"), PositionType.PENGAWAS),
    (
        (
            "fungsional",
            "jabatan fungsional",
            "fungsional tertentu",
            "jabatan fungsional tertentu",
            "jft",
            "jf",
        ),
        PositionType.FUNGSIONAL,
    ),
    (
        (
            # The old "fungsional umum" (JFU) is today's pelaksana (PermenPAN-RB 41/2018).
            "pelaksana",
            "jabatan pelaksana",
            "fungsional umum",
            "jabatan fungsional umum",
            "jfu",
            "staf",
            "staf pelaksana",
        ),
        PositionType.PELAKSANA,
    ),
    (("lainnya", "", "non jabatan", "tidak ada"), PositionType.OTHER),
    (("struktural", "jabatan struktural"), STRUCTURAL),
)
_POSITION_TYPES = {name: kind for names, kind in _POSITION_TYPE_NAMES for name in names}
for _letter in "ab":
    # An ESELON column holds just "II.b" or "IV.a".
    _POSITION_TYPES[f"i {_letter}"] = PositionType.JPT
    _POSITION_TYPES[f"ii {_letter}"] = PositionType.JPT
    _POSITION_TYPES[f"iii {_letter}"] = PositionType.ADMINISTRATOR
    _POSITION_TYPES[f"iv {_letter}"] = PositionType.PENGAWAS
    _POSITION_TYPES[f"eselon i {_letter}"] = PositionType.JPT
    _POSITION_TYPES[f"eselon ii {_letter}"] = PositionType.JPT
    _POSITION_TYPES[f"eselon iii {_letter}"] = PositionType.ADMINISTRATOR
    _POSITION_TYPES[f"eselon iv {_letter}"] = PositionType.PENGAWAS
    _POSITION_TYPES[f"eselon v {_letter}"] = PositionType.PENGAWAS

ACCEPTED_POSITION_TYPES = (
    "JPT (Utama, Madya, Pratama), Jabatan Pimpinan Tinggi, Administrator, Pengawas, "
    "Fungsional (Tertentu), JFT, Pelaksana, Fungsional Umum, JFU, Struktural, Eselon I-IV, "
    "Lainnya"
)


def parse_position_type(text: str) -> str | None:
    """A PositionType value, STRUCTURAL (to be placed by the position's name), or None."""
    key = value_key(text)
    if key == "-" or not key.strip("- "):
        key = ""
    return _POSITION_TYPES.get(key)


# Structural positions by their titles, the most specific first (Permendagri 2016 on OPD).
_STRUCTURAL_TITLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), position_type)
    for pattern, position_type in (
        (
            r"^(kepala (sub ?bagian|sub ?bidang|seksi|sub ?seksi|upt|uptd|unit|kelurahan)|"
            r"kasubb?ag|kasubb?id|kasi|lurah|sekretaris (camat|kecamatan|kelurahan|lurah|desa))\b",
            PositionType.PENGAWAS,
        ),
        (r"^(inspektur pembantu|irban)\b", PositionType.ADMINISTRATOR),
        (
            r"^(sekretaris daerah|asisten|staf ahli|kepala dinas|kepala badan|kepala biro|"
            r"kepala satuan polisi|inspektur|sekretaris dprd|sekretaris dewan|direktur|deputi|"
            r"sekretaris jenderal|sekretaris utama)\b",
            PositionType.JPT,
        ),
        (
            r"^(sekretaris|kepala bidang|kabid|kepala bagian|kabag|camat|kepala kantor)\b",
            PositionType.ADMINISTRATOR,
        ),
    )
)


def place_structural(position: str) -> str | None:
    """JPT, Administrator or Pengawas from a structural position's title, if it says."""
    title = value_key(position)
    for pattern, position_type in _STRUCTURAL_TITLES:
        if pattern.search(title):
            return position_type
    return None


# The levels a functional position's title carries (PermenPAN-RB 1/2023): "Guru Ahli Pertama",
# "Perawat Terampil", "Pranata Komputer Penyelia".
_FUNCTIONAL_LEVEL = re.compile(
    r"\b(ahli (pertama|muda|madya|utama)|pemula|terampil|mahir|penyelia)\b"
)


def place_by_title(position: str) -> str:
    """A position type from the title alone, for a file without a Jenis Jabatan column: JPT,
    Administrator or Pengawas by its structural title, Fungsional by its level, else
    Pelaksana."""
    structural = place_structural(position)
    if structural is not None:
        return structural
    if _FUNCTIONAL_LEVEL.search(value_key(position)):
        return PositionType.FUNGSIONAL
    return PositionType.PELAKSANA


PANGKAT = (
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
)
_RANK_BY_GOLONGAN = {golongan.casefold(): f"{name} ({golongan})" for golongan, name in PANGKAT}
_RANK_BY_NAME = {name.casefold(): f"{name} ({golongan})" for golongan, name in PANGKAT}
_ROMAN: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_ROMAN += tuple(f"X{numeral}" for numeral in _ROMAN[:7])
_PPPK_GOLONGAN = {numeral.casefold(): numeral for numeral in _ROMAN}
_PPPK_GOLONGAN.update({str(number): numeral for number, numeral in enumerate(_ROMAN, 1)})
_ARABIC_GROUP = {"1": "i", "2": "ii", "3": "iii", "4": "iv"}
# "III/a", "III-A", "III.a", "3A", "IIIa", "3 a", within "Penata Muda (III/a)" too.
_GOLONGAN = re.compile(r"(?:^|[\s(,])(iv|iii|ii|i|[1-4])\s*[/\-.]?\s*([a-e])(?=$|[\s),])")
_RANK_WORDS = re.compile(r"^(golongan|gol\.?|ruang)\s*")
_TINGKAT = re.compile(r"\b(tk\.?|tingkat)\s*(i|1)\b\.?")

ACCEPTED_PNS_RANKS = gettext_lazy(
    "III/a, III-A, 3A, IIIa, or the rank's name with it, e.g. Penata Muda (III/a); from I/a to IV/e"
)
ACCEPTED_PPPK_RANKS = gettext_lazy("I to XVII (for example IX) or 1 to 17")


def parse_rank(text: str, *, kind: str) -> str | None:
    """The golongan as stored: "Penata Muda (III/a)" for a PNS, "IX" for a PPPK; a non-ASN's
    text is kept as it is. "" for an empty cell."""
    clean = " ".join(text.split())
    if not clean or clean == "-":
        return ""
    if kind == Kind.NON_ASN:
        return clean[:100]
    key = _RANK_WORDS.sub("", clean.casefold())
    if kind == Kind.PPPK:
        return _PPPK_GOLONGAN.get(key.strip(" .()"))
    match = _GOLONGAN.search(key)
    if match:
        group = _ARABIC_GROUP.get(match.group(1), match.group(1))
        return _RANK_BY_GOLONGAN.get(f"{group}/{match.group(2)}")
    name = _TINGKAT.sub("tingkat i", key).strip(" .")
    return _RANK_BY_NAME.get(" ".join(name.split()))


PHONE_PATTERN = re.compile(r"0[1-9][0-9]{7,12}")
_PHONE_LABEL = re.compile(r"^(no\.?|nomor|hp|wa|whatsapp|telp\.?|tel\.?|telepon|:|\s)+")
_PHONE_SEPARATORS = re.compile(r"[\s().\-\u2010-\u2015\u00a0']")
_PHONE_ALTERNATIVES = re.compile(r"\s*(?:/|,|;|\batau\b|\bor\b|&)\s*")


def parse_phone(text: str) -> str | None:
    """An Indonesian number as 08...: from 0812-3456-7890, +62 812 3456 7890, 62812...,
    0062..., +62 (0)812..., 812... (Excel drops the leading zero), "WA: 0812..."; of two numbers,
    the first. None when it is not a phone number."""
    value = _PHONE_LABEL.sub("", text.strip().lstrip("'’`").casefold())
    first = next((part for part in _PHONE_ALTERNATIVES.split(value) if part.strip()), "")
    digits = _PHONE_SEPARATORS.sub("", first)
    for prefix in ("+620", "+62", "00620", "0062", "620", "62"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    if digits.startswith("8"):
        digits = "0" + digits
    return digits if PHONE_PATTERN.fullmatch(digits) else None
