"""Import a generated 100,000-row roster, compared with merely reading the same file.

usage: python bench/import_roster.py [--rows 100000] [--reps 3] [--format csv|xlsx]
                                   [--layout netral|siasn]
SQLite in a temporary data folder by default; set DATABASE_URL for PostgreSQL (the database is
created and dropped by Django's test runner machinery).
Prints rows/s for reading and for the whole import (check + compare + write, in one
transaction), and their ratio."""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument(
        "--layout",
        choices=["netral", "siasn"],
        default="netral",
        help="Netral's template, or SIASN's data utama export with all its columns",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from netral.accounts.actors import Actor
    from netral.agencies.models import Employee, Region, Unit
    from netral.agencies.roster import roster_apply, roster_plan
    from netral.agencies.roster_file import read_roster_file
    from netral.agencies.services import agency_for_region
    from netral.base.audit import audit_log
    from netral.base.models import AuditEntry
    from netral.demo.roster import generate_roster, write_roster_csv, write_roster_xlsx

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        folder = Path(tempfile.mkdtemp(prefix="netral-roster-"))
        path = folder / f"roster.{args.format}"
        rows = generate_roster(size=args.rows)
        if args.layout == "siasn":
            write_siasn(rows, path, args.format)
        else:
            (write_roster_csv if args.format == "csv" else write_roster_xlsx)(rows, path)
        limits = {"max_bytes": 500 * 1024 * 1024, "max_rows": args.rows + 1}
        actor = Actor.command("bench")
        depth = settings.NETRAL_MAX_UNIT_DEPTH

        read_times, import_times, write_times, cpu_times = [], [], [], []
        for _rep in range(args.reps):
            started = time.perf_counter()
            read_roster_file(path, **limits)
            read_times.append(time.perf_counter() - started)

            agency = agency_for_region(actor=actor, region=Region.objects.get(code="33.26"))
            started, cpu_started = time.perf_counter(), time.process_time()
            table = read_roster_file(path, **limits)
            plan = roster_plan(agency=agency, table=table, max_depth=depth)
            assert plan.is_valid, plan.errors[:3]
            planned = time.perf_counter()
            roster_apply(
                plan=plan,
                actor=actor,
                deactivate_absent=False,
                reference="bench",
                max_depth=depth,
                table=table,
            )
            # As the import command and task do: a normal commit after the import's own one,
            # which also waits for the import's WAL on PostgreSQL.
            audit_log(actor=actor, action="agencies.roster_import.applied", agency=agency)
            import_times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
            write_times.append(time.perf_counter() - planned)
            assert Employee.objects.count() == args.rows

            # Again, to time the idempotent re-import (every row unchanged, nothing written).
            started = time.perf_counter()
            plan = roster_plan(
                agency=agency, table=read_roster_file(path, **limits), max_depth=depth
            )
            again = time.perf_counter() - started
            assert plan.summary()["unchanged"] == args.rows

            AuditEntry.objects.all().delete()
            Employee.objects.all().delete()
            for level in range(depth, 0, -1):
                Unit.objects.filter(agency=agency, depth=level).delete()

        read, full = statistics.median(read_times), statistics.median(import_times)
        vendor = connection.vendor
        print(
            f"{vendor:10s} {args.layout} {args.format}: {args.rows} rows | read {read:.2f} s "
            f"({args.rows / read:,.0f} rows/s) | import {full:.2f} s "
            f"({args.rows / full:,.0f} rows/s)"
            f" | of which writing {statistics.median(write_times):.2f} s"
            # The machine is shared: this process's CPU time is steadier than the wall clock
            # (with SQLite it is all the import's work; PostgreSQL's own is not in it).
            f" | CPU in this process {statistics.median(cpu_times):.2f} s"
            f" | ratio import/read {full / read:.1f} | re-import check {again:.2f} s"
            f" | runs {', '.join(f'{t:.2f}' for t in import_times)}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


SIASN_HEADERS = (  # noqa: SIM905  (easier to read than a list)
    "NAMA, NIP, GELAR DEPAN, GELAR BELAKANG, TEMPAT LAHIR, TANGGAL LAHIR, JENIS KELAMIN, AGAMA, "
    "JENIS KAWIN, NIK, NOMOR HP, EMAIL, ALAMAT, NPWP, BPJS, JENIS PEGAWAI, KEDUDUKAN HUKUM, "
    "STATUS CPNS PNS, KARTU ASN VIRTUAL, TMT CPNS, TMT PNS, GOL AWAL, GOL AKHIR, TMT GOLONGAN, "
    "MK TAHUN, MK BULAN, JENIS JABATAN, NAMA JABATAN, TMT JABATAN, TINGKAT PENDIDIKAN, "
    "NAMA PENDIDIKAN, NAMA UNOR, UNOR INDUK"
).split(", ")


def write_siasn(rows: list[dict[str, str]], path: Path, file_format: str) -> None:
    """The generated roster in SIASN's layout, with its unused (and sensitive) columns filled."""
    lines = []
    for row in rows:
        units = [part.strip() for part in row["Unit Kerja"].split(">")]
        kind = {"PNS": "PNS DAERAH", "PPPK": "PPPK"}.get(row["Jenis Pegawai"], "Non-ASN")
        values = dict.fromkeys(SIASN_HEADERS, "")
        values.update(
            {
                "NAMA": row["Nama"],
                "NIP": row["NIP"],
                "TEMPAT LAHIR": "Kajen",
                "AGAMA": "Islam",
                "JENIS KAWIN": "Kawin",
                "NIK": row["NIK"],
                "NOMOR HP": row["No HP"],
                "EMAIL": row["Email"],
                "ALAMAT": "Jl. Merdeka No. 1 RT 01/RW 02",
                "NPWP": "09.254.294.3-407.000",
                "BPJS": "0001234567891",
                "JENIS PEGAWAI": kind,
                "KEDUDUKAN HUKUM": "AKTIF",
                "GOL AKHIR": row["Pangkat/Golongan"],
                "JENIS JABATAN": row["Jenis Jabatan"],
                "NAMA JABATAN": row["Jabatan"],
                "NAMA UNOR": " > ".join(units[1:]) or units[0],
                "UNOR INDUK": units[0],
            }
        )
        lines.append([values[header] for header in SIASN_HEADERS])
    if file_format == "csv":
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(SIASN_HEADERS)
            writer.writerows(lines)
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data Utama")
    sheet.append(SIASN_HEADERS)
    for line in lines:
        sheet.append(line)
    workbook.save(path)


if __name__ == "__main__":
    main()
