"""Any other layout, by mapping its columns (a regional SIMPEG export)."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from netral.agencies.models import Employee, RosterImport, RosterMapping
from netral.agencies.roster import guess_mapping
from tests.agencies.roster_helpers import csv_bytes, write
from tests.agencies.test_roster_import import upload_checked
from tests.conftest import World

SIMPEG_HEADERS = [
    "NO",
    "NIP BARU",
    "NAMA PEGAWAI",
    "STATUS KEPEGAWAIAN",
    "GOL/RUANG",
    "NAMA JABATAN",
    "ESELON",
    "SATKER",
    "NO. HP",
]
SIMPEG_ROWS = [
    ["1", "198609262015051001", "Siti Rahmawati", "PNS", "IV/a", "Kepala Bidang", "III.b",
     "Dinas Pendidikan dan Kebudayaan", "0812 3456 7890"],
    ["2", "199203152019031002", "Muhammad Ma'ruf", "CPNS", "3a", "Pranata Komputer",
     "JFT", "Dinas Komunikasi dan Informatika", "+62 857 1234 5678"],
]  # fmt: skip
SIMPEG = csv_bytes(SIMPEG_ROWS, headers=SIMPEG_HEADERS, delimiter=";")
EXPECTED = {
    "nip": "NIP BARU",
    "name": "NAMA PEGAWAI",
    "kind": "STATUS KEPEGAWAIAN",
    "rank": "GOL/RUANG",
    "position": "NAMA JABATAN",
    "position_type": "ESELON",
    "unit": "SATKER",
    "phone": "NO. HP",
}


def test_it_guesses_the_columns_from_common_simpeg_names() -> None:
    assert guess_mapping(SIMPEG_HEADERS) == EXPECTED


def test_an_unknown_layout_is_mapped_remembered_and_read_next_time(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    job = upload_checked(world, django_capture_on_commit_callbacks, SIMPEG, "simpeg.csv")
    roster_import = RosterImport.objects.get(job=job)
    assert roster_import.status == RosterImport.Status.INVALID
    assert roster_import.headers == SIMPEG_HEADERS
    url = reverse("agencies:roster_import_mapping", args=[roster_import.code])

    client.force_login(world.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(world.admin)
    detail = client.get(reverse("agencies:roster_import_detail", args=[roster_import.code]))
    assert url in detail.content.decode()
    form = client.get(url).content.decode()
    assert '<option value="NIP BARU" selected>' in form  # the guess

    twice = {**EXPECTED, "name": "NIP BARU"}
    refused = client.post(url, twice)
    assert refused.status_code == 200
    assert "sudah dipilih" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, EXPECTED)
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READY
    assert roster_import.summary["new"] == 2
    assert RosterMapping.objects.get(agency=world.agency).columns == EXPECTED

    # The next file in that layout is read with the remembered mapping, without asking.
    job = upload_checked(world, django_capture_on_commit_callbacks, SIMPEG, "simpeg-2.csv")
    again = RosterImport.objects.get(job=job)
    assert (again.status, again.mapping) == (RosterImport.Status.READY, EXPECTED)
    page = client.get(reverse("agencies:roster_import_detail", args=[again.code])).content
    assert "menurut pemetaan yang tersimpan untuk instansi ini" in page.decode()


def test_the_command_line_takes_a_mapping_file(world: World, tmp_path: Path) -> None:
    roster = write(tmp_path, "simpeg.csv", SIMPEG)
    with pytest.raises(CommandError, match="error"):
        call_command("import_roster", str(roster), "--agency", "33.26", stderr=io.StringIO())
    mapping = write(tmp_path, "kolom.json", json.dumps(EXPECTED).encode())
    bad = write(tmp_path, "salah.json", json.dumps({"agama": "AGAMA"}).encode())
    with pytest.raises(CommandError, match="not a roster field"):
        call_command("import_roster", str(roster), "--agency", "33.26", "--mapping", str(bad))

    out = io.StringIO()
    call_command(
        "import_roster", str(roster), "--agency", "33.26", "--mapping", str(mapping), stdout=out
    )

    siti = Employee.objects.get(nip="198609262015051001")
    assert (siti.rank, siti.position_type, siti.phone) == (
        "Pembina (IV/a)",
        "ADMINISTRATOR",
        "081234567890",
    )
    assert Employee.objects.get(nip="199203152019031002").rank == "Penata Muda (III/a)"
