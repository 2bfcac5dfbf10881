from pathlib import Path

import pytest

from netral.agencies.identifiers import parse_nip
from netral.agencies.models import Employee
from netral.agencies.roster_values import (
    STRUCTURAL,
    parse_kind,
    parse_phone,
    parse_position_type,
    parse_rank,
    place_structural,
)
from tests.agencies.roster_helpers import ROWS, csv_bytes, write
from tests.agencies.test_roster_import import import_file, plan_file
from tests.conftest import World

Kind = Employee.Kind
PositionType = Employee.PositionType


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("PNS", Kind.PNS),
        ("CPNS", Kind.PNS),
        ("PNS Daerah", Kind.PNS),
        ("CPNS DAERAH", Kind.PNS),
        ("PNS Pusat DPK", Kind.PNS),
        ("PPPK", Kind.PPPK),
        ("PPPK Paruh Waktu", Kind.PPPK),
        ("P3K", Kind.PPPK),
        ("Honorer", Kind.NON_ASN),
        ("THL", Kind.NON_ASN),
        ("Non-ASN", Kind.NON_ASN),
        ("non asn", Kind.NON_ASN),
        ("NON_ASN", Kind.NON_ASN),
    ],
)
def test_it_reads_kinds_as_offices_write_them(text: str, kind: str) -> None:
    assert parse_kind(text) == kind


@pytest.mark.parametrize("text", ["Pegawai", "TNI", "PNSS", "ASN"])
def test_it_does_not_guess_unknown_kinds(text: str) -> None:
    assert parse_kind(text) is None


@pytest.mark.parametrize(
    ("text", "position_type"),
    [
        ("JPT", PositionType.JPT),
        ("JPT Utama", PositionType.JPT),
        ("JPT Madya", PositionType.JPT),
        ("JPT Pratama", PositionType.JPT),
        ("Jabatan Pimpinan Tinggi", PositionType.JPT),
        ("Jabatan Pimpinan Tinggi Pratama", PositionType.JPT),
        ("Eselon II.b", PositionType.JPT),
        ("Jabatan Administrator", PositionType.ADMINISTRATOR),
        ("Jabatan Pengawas", PositionType.PENGAWAS),
        ("Jabatan Fungsional", PositionType.FUNGSIONAL),
        ("Fungsional Tertentu", PositionType.FUNGSIONAL),
        ("JFT", PositionType.FUNGSIONAL),
        ("Fungsional Umum", PositionType.PELAKSANA),
        ("JFU", PositionType.PELAKSANA),
        ("Jabatan Pelaksana", PositionType.PELAKSANA),
        ("Struktural", STRUCTURAL),
        ("JABATAN STRUKTURAL", STRUCTURAL),
        ("Lainnya", PositionType.OTHER),
        ("-", PositionType.OTHER),
    ],
)
def test_it_reads_position_types_as_offices_write_them(text: str, position_type: str) -> None:
    assert parse_position_type(text) == position_type


@pytest.mark.parametrize(
    ("position", "position_type"),
    [
        ("Sekretaris Daerah", PositionType.JPT),
        ("Kepala Dinas Pendidikan", PositionType.JPT),
        ("Inspektur", PositionType.JPT),
        ("Inspektur Pembantu Wilayah I", PositionType.ADMINISTRATOR),
        ("Sekretaris Dinas Kesehatan", PositionType.ADMINISTRATOR),
        ("Kepala Bidang Anggaran", PositionType.ADMINISTRATOR),
        ("Camat Kajen", PositionType.ADMINISTRATOR),
        ("Sekretaris Camat", PositionType.PENGAWAS),
        ("Kepala Sub Bagian Umum", PositionType.PENGAWAS),
        ("Kasubbag Keuangan", PositionType.PENGAWAS),
        ("Kepala Seksi Kurikulum", PositionType.PENGAWAS),
        ("Lurah Kajen", PositionType.PENGAWAS),
        ("Analis Kebijakan", None),
    ],
)
def test_it_places_structural_positions_by_their_titles(
    position: str, position_type: str | None
) -> None:
    assert place_structural(position) == position_type


@pytest.mark.parametrize(
    "text",
    ["III/a", "III-A", "iii.a", "3A", "3/a", "IIIa", "III a", "Penata Muda (III/a)", "Gol. III/a"],
)
def test_it_reads_a_golongan_typed_in_any_common_way(text: str) -> None:
    assert parse_rank(text, kind=Kind.PNS) == "Penata Muda (III/a)"


def test_it_reads_a_pangkat_by_its_name_alone() -> None:
    assert parse_rank("Penata Muda Tk. I", kind=Kind.PNS) == "Penata Muda Tingkat I (III/b)"
    assert parse_rank("pembina utama", kind=Kind.PNS) == "Pembina Utama (IV/e)"


@pytest.mark.parametrize(
    ("text", "golongan"),
    [("IX", "IX"), ("ix", "IX"), ("9", "IX"), ("XVII", "XVII"), ("Golongan V", "V")],
)
def test_it_reads_a_pppk_golongan(text: str, golongan: str) -> None:
    assert parse_rank(text, kind=Kind.PPPK) == golongan


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("III/f", Kind.PNS),
        ("V/a", Kind.PNS),
        ("IX", Kind.PNS),
        ("XVIII", Kind.PPPK),
        ("III/a", Kind.PPPK),
    ],
)
def test_it_refuses_golongan_that_do_not_exist(text: str, kind: str) -> None:
    assert parse_rank(text, kind=kind) is None


@pytest.mark.parametrize(
    "text",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "(0812) 3456-7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "+62 (0)812 3456 7890",
        "62812 3456 7890",
        "6281234567890",
        "006281234567890",
        "81234567890",
        "'081234567890",
        "0812.3456.7890",
        "WA: 0812 3456 7890",
        "0812-3456-7890 / 0857-1234-5678",
    ],
)
def test_it_reads_phones_in_every_common_form(text: str) -> None:
    assert parse_phone(text) == "081234567890"


@pytest.mark.parametrize("text", ["12345", "abc", "6.28123E+11", "+1 202 555 0100"])
def test_it_refuses_what_is_not_an_indonesian_phone(text: str) -> None:
    assert parse_phone(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "19860926 201505 1 001",
        "19860926.201505.1.001",
        "'198609262015051001",
        "’198609262015051001",
        '="198609262015051001"',
    ],
)
def test_it_reads_a_nip_with_spaces_dots_or_an_apostrophe(text: str) -> None:
    assert parse_nip(text, kind="PNS").nip == "198609262015051001"


def _row(nip: str, kind: str, position_type: str, rank: str, position: str = "Staf") -> list[str]:
    return [
        nip,
        "",
        "",
        "Nama Pegawai",
        kind,
        position,
        position_type,
        rank,
        "Dinas Perikanan",
        "",
        "62 812 3456 7890",
    ]


def test_it_imports_values_as_people_type_them(world: World, tmp_path: Path) -> None:
    rows = [
        _row(
            "19860926 201505 1 001",
            "PNS Daerah",
            "JPT Pratama",
            "Pembina Utama Muda (IV/c)",
            "Kepala Dinas",
        ),
        _row("'199203152019031002", "CPNS", "Jabatan Fungsional", "3A"),
        _row("199507142021212005", "PPPK Paruh Waktu", "JFU", "IX"),
        _row("19900101.201801.1.003", "PNS", "Struktural", "III-D", "Kepala Seksi Gizi"),
    ]
    plan = import_file(world.agency, write(tmp_path, "r.csv", csv_bytes(rows)))

    assert plan.errors == []
    found = {
        e.nip: (e.kind, e.position_type, e.rank, e.phone)
        for e in Employee.objects.filter(unit__name="Dinas Perikanan")
    }
    assert found == {
        "198609262015051001": (
            Kind.PNS,
            PositionType.JPT,
            "Pembina Utama Muda (IV/c)",
            "081234567890",
        ),
        "199203152019031002": (
            Kind.PNS,
            PositionType.FUNGSIONAL,
            "Penata Muda (III/a)",
            "081234567890",
        ),
        "199507142021212005": (Kind.PPPK, PositionType.PELAKSANA, "IX", "081234567890"),
        "199001012018011003": (
            Kind.PNS,
            PositionType.PENGAWAS,
            "Penata Tingkat I (III/d)",
            "081234567890",
        ),
    }


def test_it_gives_one_error_per_unknown_value_naming_the_accepted_ones(
    world: World, tmp_path: Path
) -> None:
    rows = [
        _row("198609262015051001", "Pegawai Tetap", "Fungsional", "III/a"),
        _row("199203152019031002", "PNS", "Eselon VI", "III/a"),
        _row("199507142021212005", "PPPK", "Fungsional", "III/a"),
        _row("199001012018011003", "PNS", "Struktural", "III/a", "Analis Data"),
        [*_row("199001012018011004", "PNS", "Fungsional", "3A")[:10], "12345"],
    ]
    plan = plan_file(world.agency, write(tmp_path, "r.csv", csv_bytes(rows)))

    assert [(issue.row, issue.column) for issue in plan.errors] == [
        (2, "Jenis Pegawai"),
        (3, "Jenis Jabatan"),
        (4, "Pangkat/Golongan"),
        (5, "Jenis Jabatan"),
        (6, "No HP"),
    ]
    messages = [issue.message for issue in plan.errors]
    assert "PNS, CPNS" in messages[0] and "Honorer" in messages[0]
    assert "JPT (Utama, Madya, Pratama)" in messages[1]
    assert "I sampai XVII (misalnya IX)" in messages[2]
    assert "Analis Data" in messages[3] and "Pengawas" in messages[3]
    assert "081234567890" in messages[4]
    assert not Employee.objects.filter(unit__name="Dinas Perikanan").exists()


def test_the_example_rows_still_keep_their_ranks(world: World, tmp_path: Path) -> None:
    import_file(world.agency, write(tmp_path, "r.csv", csv_bytes(ROWS)))
    assert Employee.objects.get(nip="199507142021212005").rank == "VII"
