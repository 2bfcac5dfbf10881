"""The recap reports and the rollup export against the hand-counted fixture: the files must
carry the same numbers as the dashboard and the database."""

import csv
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pyhanko.pdf_utils.reader import PdfFileReader
from python_calamine import CalamineWorkbook

from netral.accounts.models import Membership, User
from netral.base.models import AuditEntry, Job
from netral.monitoring import reports, selectors
from tests.test_monitoring_counts import Counted
from tests.test_monitoring_counts import counted as counted  # the fixture, re-exported

pytestmark = pytest.mark.files  # results go through the default storage

Sheets = dict[str, list[list[Any]]]


def _request(client: Client, counted: Counted, user: User, kind: str, capture: Any) -> Job:
    client.force_login(user)
    with capture(execute=True):
        response = client.post(
            reverse("monitoring:report_create", args=[counted.pacts.campaign.code]), {"kind": kind}
        )
    report = Job.objects.get(created_by=user, kind="monitoring.report", params__kind=kind)
    assert response["Location"] == reverse("accounts:job", args=[report.code])
    report.refresh_from_db()
    assert report.status == Job.Status.DONE
    return report


def _download(client: Client, report: Job) -> bytes:
    response = client.get(reverse("accounts:job_download", args=[report.code]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _sheets(content: bytes) -> Sheets:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def _counts(row: list[Any], first: int) -> tuple[int, ...]:
    return tuple(int(value) for value in row[first : first + 3])  # eligible, signed, unsigned


def _units(sheets: Sheets) -> dict[str, tuple[int, ...]]:
    return {row[0]: _counts(row, 3) for row in sheets["Unit"][1:]}


def _employees(sheets: Sheets) -> dict[str, str]:
    """Name → method (empty when not signed)."""
    return {row[0]: row[8] for row in sheets["Pegawai"][1:]}


def test_the_xlsx_recap_agrees_with_the_hand_count(
    client: Client, counted: Counted, django_capture_on_commit_callbacks: Any
) -> None:
    world = counted.pacts.world
    report = _request(
        client, counted, world.admin, "recap_xlsx", django_capture_on_commit_callbacks
    )
    status = client.get(reverse("accounts:job_status", args=[report.code])).json()
    assert status == {"progress": 100, "pending": False, "status": "done", "label": "Selesai"}
    sheets = _sheets(_download(client, report))
    assert list(sheets) == ["Instansi", "Unit", "Pegawai"]

    # Under the facts and a blank row: the header, then one row per group.
    groups = {row[1]: row for row in sheets["Instansi"][7:] if row[3] != ""}
    with translation.override("id"):
        total, pns = (
            translation.gettext("All employees"),
            translation.gettext("Civil servant (PNS)"),
        )
    assert _counts(groups[total], 2) == (7, 4, 3)
    assert (groups[total][5], groups[total][6], groups[total][7]) == (57.1, 3, 1)  # %, e-, paper
    assert _counts(groups[pns], 2) == (4, 3, 1)

    units = _units(sheets)
    assert units[world.agency.name] == (7, 4, 3)
    assert units["Dinas Pendidikan dan Kebudayaan"] == (5, 3, 2)
    assert units["Bidang Pembinaan SD"] == (2, 1, 1)
    assert units["Dinas Kesehatan"] == (2, 1, 1)
    board = selectors.campaign_dashboard(
        viewer=Membership.objects.get(user=world.admin), campaign=counted.pacts.campaign
    )
    for row in board.units:
        if not row.own_only:
            assert units[row.unit.name][:2] == (row.completion.eligible, row.completion.signed)

    employees = _employees(sheets)
    assert len(employees) == 7
    assert {name for name, method in employees.items() if not method} == counted.unsigned
    assert "B Dua" not in employees  # left after signing: counted nowhere
    assert "Orang Lain" not in employees
    paper = next(row for row in sheets["Pegawai"][1:] if row[0] == "A Dua")
    assert paper[7] != "" and paper[9] != ""  # status and the signing time
    assert AuditEntry.objects.filter(action="monitoring.report.requested").count() == 1
    assert AuditEntry.objects.filter(action="monitoring.report.downloaded").count() == 1


def test_a_coordinators_recap_stays_within_the_unit(
    client: Client, counted: Counted, django_capture_on_commit_callbacks: Any
) -> None:
    world = counted.pacts.world
    report = _request(
        client, counted, world.coordinator_a, "recap_xlsx", django_capture_on_commit_callbacks
    )
    sheets = _sheets(_download(client, report))
    assert _units(sheets) == {
        "Dinas Pendidikan dan Kebudayaan": (5, 3, 2),
        "Bidang Pembinaan SD": (2, 1, 1),
    }
    employees = _employees(sheets)
    assert set(employees) == {"A Satu", "A Dua", "A Tiga", "A Empat", world.employee_a.name}
    assert {row[6] for row in sheets["Pegawai"][1:]} <= {world.unit_a.name, world.unit_a_child.name}
    report = _request(
        client, counted, world.coordinator_a, "recap_pdf", django_capture_on_commit_callbacks
    )
    text = _pdf_text(_download(client, report))
    assert "Bidang Pembinaan SD" in text
    assert world.unit_b.name not in text


def _pdf_text(content: bytes) -> str:
    """The strings drawn on the pages, read from the decoded content streams."""
    reader = PdfFileReader(io.BytesIO(content))  # a well-formed PDF, or this raises
    text = []
    for page in reader.root["/Pages"]["/Kids"]:
        data = page.get_object()["/Contents"].get_object().data
        text += [s.decode("latin-1") for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", data)]
    return " ".join(text)


def test_the_pdf_recap_has_the_title_the_units_and_the_signature_block(
    client: Client, counted: Counted, django_capture_on_commit_callbacks: Any
) -> None:
    world = counted.pacts.world
    report = _request(client, counted, world.admin, "recap_pdf", django_capture_on_commit_callbacks)
    content = _download(client, report)
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content)
    with translation.override("id"):
        title, head = reports.report_title(), translation.gettext("Head of %(office)s")
    for word in title.split():
        assert word in text
    assert head % {"office": world.agency.personnel_office_name} in " ".join(text.split())
    assert "Dinas Pendidikan dan Kebudayaan" in text
    assert "Bidang Pembinaan SD" in text


def test_another_agency_and_another_unit_cannot_open_a_report(
    client: Client, counted: Counted, django_capture_on_commit_callbacks: Any
) -> None:
    world = counted.pacts.world
    report = _request(
        client, counted, world.admin, "recap_xlsx", django_capture_on_commit_callbacks
    )
    for user in (world.other_admin, world.coordinator_a):
        client.force_login(user)
        for name in ("accounts:job", "accounts:job_status", "accounts:job_download"):
            assert client.get(reverse(name, args=[report.code])).status_code == 404
    client.force_login(world.other_admin)
    response = client.post(
        reverse("monitoring:report_create", args=[counted.pacts.campaign.code]),
        {"kind": "recap_xlsx"},
    )
    assert response.status_code == 404
    client.force_login(world.viewer)
    response = client.post(
        reverse("monitoring:report_create", args=[counted.pacts.campaign.code]),
        {"kind": "recap_xlsx"},
    )
    assert response.status_code == 403


def test_a_report_still_building_shows_its_progress(client: Client, counted: Counted) -> None:
    client.force_login(counted.pacts.world.admin)
    response = client.post(
        reverse("monitoring:report_create", args=[counted.pacts.campaign.code]),
        {"kind": "recap_pdf"},
    )
    page = client.get(response["Location"])
    assert b'id="job-progress"' in page.content
    report = Job.objects.get()
    assert client.get(reverse("accounts:job_download", args=[report.code])).status_code == 404


def _rollup(client: Client, counted: Counted, user: User, **data: str) -> Any:
    client.force_login(user)
    url = reverse("monitoring:rollup_export", args=[counted.pacts.election.code])
    return client.post(url, data)


def test_the_rollup_csv_agrees_with_the_tally(client: Client, counted: Counted) -> None:
    call_command("sequence_logs")
    world = counted.pacts.world
    response = _rollup(client, counted, world.province_viewer, format="csv", sort="-percent")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {row[1]: row for row in rows[1:]}
    assert set(by_code) == {world.agency.code, world.other_agency.code}
    assert by_code[world.agency.code][3:7] == ["7", "4", "57.1", "1"]
    assert by_code[world.agency.code][0] == world.province.region.name
    assert by_code[world.other_agency.code][3:5] == ["0", "0"]
    assert rows[1][1] == world.agency.code  # the highest percentage first
    assert AuditEntry.objects.filter(action="monitoring.rollup.exported").exists()


def test_the_rollup_xlsx_filters_by_province(client: Client, counted: Counted) -> None:
    call_command("sequence_logs")
    world = counted.pacts.world
    province = world.province.region_id
    response = _rollup(client, counted, world.province_viewer, format="xlsx", province=province)
    rows = _sheets(response.content)["Rekap"]
    assert [row[1] for row in rows[1:]] == sorted([world.agency.code, world.other_agency.code])
    home = next(row for row in rows if row[1] == world.agency.code)
    assert (int(home[3]), int(home[4]), home[5], int(home[6])) == (7, 4, 57.1, 1)
    response = _rollup(client, counted, world.province_viewer, format="xlsx", province="34")
    assert len(_sheets(response.content)["Rekap"]) == 1  # the header only


@pytest.mark.parametrize("persona", ["admin", "other_admin", "coordinator_a"])
def test_an_agency_without_oversight_cannot_export_a_rollup(
    client: Client, counted: Counted, persona: str
) -> None:
    user = getattr(counted.pacts.world, persona)
    assert _rollup(client, counted, user, format="csv").status_code in {403, 404}


def test_the_signature_block_keeps_the_last_rows_of_the_unit_table() -> None:
    from reportlab.platypus import KeepTogether, Spacer

    from netral.monitoring.reports import CLOSING_ROWS, _table_closed_by

    rows = [["Unit", "n"], *[[f"Unit {n}", str(n)] for n in range(40)]]
    flowables = _table_closed_by(rows, [100, 40], [Spacer(1, 10)])
    body, closing = flowables
    assert isinstance(closing, KeepTogether)
    tail = closing._content[0]  # type: ignore[attr-defined]
    assert [row[0] for row in tail._cellvalues] == [
        f"Unit {n}" for n in range(40 - CLOSING_ROWS, 40)
    ]
    assert len(body._cellvalues) == 1 + 40 - CLOSING_ROWS  # header and every earlier row
