"""The SIASN "data utama" export, as BKPSDM offices download it (docs/rosters.md)."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from netral.agencies.models import Employee, RosterImport
from netral.agencies.roster import LAYOUT_SIASN
from netral.agencies.roster_imports import roster_import_file_name
from netral.base.storage import read_bytes
from tests.agencies.roster_helpers import write
from tests.agencies.test_roster_import import database_state, import_file, plan_file, upload_checked
from tests.conftest import World

SIASN_HEADERS = (  # noqa: SIM905  (the issue's list, as written)
    "NAMA, NIP, GELAR DEPAN, GELAR BELAKANG, TEMPAT LAHIR, TANGGAL LAHIR, JENIS KELAMIN, AGAMA, "
    "JENIS KAWIN, NIK, NOMOR HP, EMAIL, ALAMAT, NPWP, BPJS, JENIS PEGAWAI, KEDUDUKAN HUKUM, "
    "STATUS CPNS PNS, KARTU ASN VIRTUAL, TMT CPNS, TMT PNS, GOL AWAL, GOL AKHIR, TMT GOLONGAN, "
    "MK TAHUN, MK BULAN, JENIS JABATAN, NAMA JABATAN, TMT JABATAN, TINGKAT PENDIDIKAN, "
    "NAMA PENDIDIKAN, NAMA UNOR, UNOR INDUK"
).split(", ")
SENSITIVE = (
    "Islam",
    "Kawin",
    "Jl. Melati No. 7 RT 02/RW 03",
    "09.254.294.3-407.000",
    "0001234567891",
)


def siasn_row(**values: str) -> list[str]:
    base = {
        "NAMA": "Siti Rahmawati",
        "NIP": "198609262015052001",
        "GELAR DEPAN": "",
        "GELAR BELAKANG": "",
        "TEMPAT LAHIR": "Pekalongan",
        "TANGGAL LAHIR": "26-09-1986",
        "JENIS KELAMIN": "Wanita",
        "AGAMA": SENSITIVE[0],
        "JENIS KAWIN": SENSITIVE[1],
        "NIK": "",
        "NOMOR HP": "",
        "EMAIL": "",
        "ALAMAT": SENSITIVE[2],
        "NPWP": SENSITIVE[3],
        "BPJS": SENSITIVE[4],
        "JENIS PEGAWAI": "PNS DAERAH",
        "KEDUDUKAN HUKUM": "AKTIF",
        "STATUS CPNS PNS": "P",
        "KARTU ASN VIRTUAL": "",
        "TMT CPNS": "01-05-2015",
        "TMT PNS": "01-05-2016",
        "GOL AWAL": "III/a",
        "GOL AKHIR": "III/c",
        "TMT GOLONGAN": "01-04-2023",
        "MK TAHUN": "10",
        "MK BULAN": "2",
        "JENIS JABATAN": "Fungsional",
        "NAMA JABATAN": "Guru Ahli Muda",
        "TMT JABATAN": "01-01-2024",
        "TINGKAT PENDIDIKAN": "S-1/Sarjana",
        "NAMA PENDIDIKAN": "S-1 Pendidikan Guru SD",
        "NAMA UNOR": "SD Negeri 1 Kajen",
        "UNOR INDUK": "Dinas Pendidikan dan Kebudayaan",
    }
    base.update({key.replace("_", " "): value for key, value in values.items()})
    return [base[header] for header in SIASN_HEADERS]


# Every value variant of the issue, one employee each.
VARIANTS = [
    siasn_row(
        NAMA="Siti Rahmawati",
        GELAR_DEPAN="Dr.",
        GELAR_BELAKANG="S.Pd., M.Si.",
        NIP="19860926 201505 2 001",
        JENIS_JABATAN="JPT Pratama",
        NAMA_JABATAN="Kepala Dinas Pendidikan dan Kebudayaan",
        GOL_AKHIR="Pembina Utama Muda (IV/c)",
        NAMA_UNOR="Dinas Pendidikan dan Kebudayaan",
        NOMOR_HP="+62 812 3456 7890",
        EMAIL="Siti.R@pekalongankab.go.id",
    ),
    siasn_row(
        NAMA="Muhammad Ma'ruf",
        GELAR_BELAKANG="S.Kom.",
        NIP="'199203152019031002",
        JENIS_PEGAWAI="CPNS DAERAH",
        JENIS_JABATAN="Jabatan Fungsional Tertentu",
        NAMA_JABATAN="Pranata Komputer Ahli Pertama",
        GOL_AKHIR="3A",
        NAMA_UNOR="Bidang Aplikasi Informatika",
        UNOR_INDUK="Dinas Komunikasi dan Informatika",
        NOMOR_HP="0857.1234.5678",
    ),
    siasn_row(
        NAMA="Dewi Lestari",
        GELAR_BELAKANG="A.Md.Kep.",
        NIP="199507142021212005",
        JENIS_PEGAWAI="PPPK",
        JENIS_JABATAN="JFT",
        NAMA_JABATAN="Perawat Terampil",
        GOL_AKHIR="VII",
        NAMA_UNOR="UPTD Puskesmas Kajen",
        UNOR_INDUK="Dinas Kesehatan",
        NOMOR_HP="6285612345678",
    ),
    siasn_row(
        NAMA="Bambang Sutrisno",
        NIP="19700101.199503.1.004",
        JENIS_JABATAN="Jabatan Struktural",
        NAMA_JABATAN="Kepala Sub Bagian Umum dan Kepegawaian",
        GOL_AKHIR="III-D",
        NAMA_UNOR="Sub Bagian Umum dan Kepegawaian",
        UNOR_INDUK="Dinas Kesehatan",
    ),
    siasn_row(
        NAMA="Agus Salim",
        NIP="198001012006041007",
        JENIS_JABATAN="JFU",
        NAMA_JABATAN="Pengadministrasi Umum",
        GOL_AKHIR="IIc",
        NAMA_UNOR="Kecamatan Kajen",
        UNOR_INDUK="Kecamatan Kajen",
    ),
    siasn_row(
        NAMA="Rina Wati",
        NIP="199805202025212011",
        JENIS_PEGAWAI="PPPK Paruh Waktu",
        JENIS_JABATAN="Pelaksana",
        NAMA_JABATAN="Operator Layanan Operasional",
        GOL_AKHIR="",
        NAMA_UNOR="Sekretariat Daerah",
        UNOR_INDUK="Sekretariat Daerah",
    ),
    # Not active: retired, and on leave outside the state's pay; skipped and reported.
    siasn_row(NAMA="Sutarno", NIP="196401011985031009", KEDUDUKAN_HUKUM="PENSIUN"),
    siasn_row(NAMA="Yuliani", NIP="198807072012122003", KEDUDUKAN_HUKUM="CLTN"),
]


def siasn_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(SIASN_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def siasn_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data Utama"
    sheet.append(SIASN_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def employees_by_nip() -> dict[str, Employee]:
    return {e.nip: e for e in Employee.objects.select_related("unit__parent") if e.nip}


@pytest.mark.parametrize(
    ("name", "content"),
    [("siasn.xlsx", siasn_xlsx(VARIANTS)), ("siasn.csv", siasn_csv(VARIANTS, ";"))],
)
def test_it_imports_the_siasn_export_as_it_comes(
    world: World, tmp_path: Path, name: str, content: bytes
) -> None:
    plan = import_file(world.agency, write(tmp_path, name, content))

    assert plan.errors == []
    summary = plan.summary()
    assert (summary["layout"], summary["new"], summary["skipped"]) == (LAYOUT_SIASN, 6, 2)
    # No warning about SIASN's own columns; that the old NIP is kept as recorded (SIASN has
    # no such column); one for each skipped employee, saying why.
    assert [(w.row, w.column) for w in plan.warnings] == [
        (1, ""),
        (8, "KEDUDUKAN HUKUM"),
        (9, "KEDUDUKAN HUKUM"),
    ]
    assert plan.warnings[0].message == (
        "Berkas tidak memiliki kolom NIP Lama: data ini tetap seperti yang tercatat untuk "
        "pegawai yang ada di berkas."
    )
    assert "PENSIUN" in plan.warnings[1].message and "Sutarno" in plan.warnings[1].message
    found = employees_by_nip()
    assert "196401011985031009" not in found and "198807072012122003" not in found

    siti = found["198609262015052001"]
    assert siti.name == "Dr. Siti Rahmawati, S.Pd., M.Si."
    assert (siti.kind, siti.position_type, siti.rank) == ("PNS", "JPT", "Pembina Utama Muda (IV/c)")
    assert (siti.phone, siti.email, siti.gender) == (
        "081234567890",
        "siti.r@pekalongankab.go.id",
        "F",
    )
    # The head of the OPD sits at the OPD itself, the existing one.
    assert siti.unit_id == world.unit_a.pk
    maruf = found["199203152019031002"]
    assert maruf.name == "Muhammad Ma'ruf, S.Kom."
    assert (maruf.kind, maruf.position_type, maruf.rank) == (
        "PNS",
        "FUNGSIONAL",
        "Penata Muda (III/a)",
    )
    assert (maruf.unit.name, maruf.unit.parent.name) == (
        "Bidang Aplikasi Informatika",
        "Dinas Komunikasi dan Informatika",
    )
    dewi = found["199507142021212005"]
    assert (dewi.kind, dewi.position_type, dewi.rank, dewi.phone) == (
        "PPPK",
        "FUNGSIONAL",
        "VII",
        "085612345678",
    )
    assert (dewi.unit.name, dewi.unit.parent.name) == ("UPTD Puskesmas Kajen", "Dinas Kesehatan")
    bambang = found["197001011995031004"]
    assert (bambang.position_type, bambang.rank) == ("PENGAWAS", "Penata Tingkat I (III/d)")
    agus = found["198001012006041007"]
    assert (agus.position_type, agus.rank, agus.unit.name) == (
        "PELAKSANA",
        "Pengatur (II/c)",
        "Kecamatan Kajen",
    )
    rina = found["199805202025212011"]
    assert (rina.kind, rina.position_type, rina.rank) == ("PPPK", "PELAKSANA", "")


def test_a_broken_siasn_export_gives_errors_per_row_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    broken = [
        *VARIANTS[:2],
        siasn_row(NIP="19860926201505200", JENIS_PEGAWAI="TNI"),
        siasn_row(NIP="198001012006041008", JENIS_JABATAN="Jabatan Rangkap", GOL_AKHIR="III/f"),
        siasn_row(NIP="198001012006041009", NOMOR_HP="123"),
    ]
    before = database_state()

    plan = import_file(world.agency, write(tmp_path, "siasn.xlsx", siasn_xlsx(broken)))

    assert [(issue.row, issue.column) for issue in plan.errors] == [
        (4, "JENIS PEGAWAI"),
        (5, "JENIS JABATAN"),
        (5, "GOL AKHIR"),
        (6, "NOMOR HP"),
    ]
    assert database_state() == before


def test_the_stored_upload_keeps_none_of_the_columns_netral_does_not_use(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = upload_checked(
        world, django_capture_on_commit_callbacks, siasn_xlsx(VARIANTS), "siasn.xlsx"
    )

    roster_import = RosterImport.objects.get(job=job)
    assert roster_import.status == RosterImport.Status.READY
    assert (roster_import.summary["layout"], roster_import.summary["skipped"]) == ("siasn", 2)
    stored = read_bytes(roster_import_file_name(roster_import)).decode()
    for secret in (*SENSITIVE, "AGAMA", "NPWP", "BPJS", "ALAMAT", "JENIS KAWIN", "Pekalongan"):
        assert secret not in stored
    assert stored.splitlines()[0].split(",") == [
        "NAMA", "NIP", "GELAR DEPAN", "GELAR BELAKANG", "NIK", "NOMOR HP", "EMAIL",
        "JENIS PEGAWAI", "KEDUDUKAN HUKUM", "GOL AKHIR", "JENIS JABATAN", "NAMA JABATAN",
        "NAMA UNOR", "UNOR INDUK",
    ]  # fmt: skip


def test_the_reduced_copy_keeps_the_row_numbers(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    content = siasn_csv([VARIANTS[0], ["" for _ in SIASN_HEADERS], siasn_row(JENIS_PEGAWAI="X")])
    job = upload_checked(world, django_capture_on_commit_callbacks, content, "siasn.csv")
    roster_import = RosterImport.objects.get(job=job)
    assert [e["row"] for e in roster_import.errors] == [4]

    reduced = write(tmp_path, "again.csv", read_bytes(roster_import_file_name(roster_import)))
    assert [issue.row for issue in plan_file(world.agency, reduced).errors] == [4]
