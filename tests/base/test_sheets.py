"""Every XLSX and CSV export writes what people typed as inert text, never a live formula."""

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from netral.base.models import Job
from netral.base.sheets import csv_row, xlsx_row
from tests.cases.test_decisions import close_proven, make_case, record
from tests.conftest import Pacts
from tests.test_monitoring_counts import Counted
from tests.test_monitoring_counts import counted as counted  # the fixture, re-exported

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+62 812 0000 1111",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
]


def _formulas_and_texts(content: bytes) -> tuple[list[str], list[str]]:
    """The formula cells and the text cells of every sheet, as openpyxl reads them."""
    workbook = load_workbook(io.BytesIO(content))
    formulas, texts = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(str(cell.value))
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
    return formulas, texts


def _write(rows: list[list[Any]], *, inert: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    for row in rows:
        sheet.append(xlsx_row(sheet, row) if inert else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_typed_as_a_name_is_written_as_text() -> None:
    formulas, texts = _formulas_and_texts(_write([HOSTILE, ["Siti", 12, None]], inert=True))
    assert formulas == []
    assert set(HOSTILE) <= set(texts)
    # What the helper prevents: openpyxl on its own writes "=…" as a live formula.
    assert _formulas_and_texts(_write([HOSTILE], inert=False))[0]


def test_a_csv_cell_that_could_start_a_formula_is_marked_as_text() -> None:
    assert csv_row([*HOSTILE, "Siti", 12, None, ""]) == [
        *(f"'{value}" for value in HOSTILE),
        "Siti",
        12,
        "",
        "",
    ]


def _no_live_cell_in_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    return rows


@pytest.mark.files
def test_the_non_signers_export_is_inert(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    employee = pacts.world.employee_a
    employee.name, employee.phone = HOSTILE[0], HOSTILE[2]
    employee.save()
    client.force_login(pacts.world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("monitoring:export", args=[pacts.campaign.code]),
            {"unit": employee.unit.code, "kind": "xlsx"},
        )
    job = Job.objects.get(kind="monitoring.unsigned_export")
    response = client.get(reverse("accounts:job_download", args=[job.code]))
    formulas, texts = _formulas_and_texts(b"".join(response.streaming_content))
    assert formulas == []
    # The number is written as WhatsApp takes it, 62…, as text.
    assert {HOSTILE[0], "6281200001111"} <= set(texts)


@pytest.mark.files
def test_the_recap_export_is_inert(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    world.employee_a.name, world.employee_a.position = HOSTILE[0], HOSTILE[1]
    world.employee_a.save()
    world.unit_b.name = HOSTILE[4]
    world.unit_b.save()
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("monitoring:report_create", args=[pacts.campaign.code]), {"kind": "recap_xlsx"}
        )
    job = Job.objects.get(kind="monitoring.report")
    response = client.get(reverse("accounts:job_download", args=[job.code]))
    formulas, texts = _formulas_and_texts(b"".join(response.streaming_content))
    assert formulas == []
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[4]} <= set(texts)


def test_the_rollup_exports_are_inert(client: Client, counted: Counted) -> None:
    world = counted.pacts.world
    world.agency.name = HOSTILE[1]
    world.agency.save()
    call_command("sequence_logs")
    client.force_login(world.province_viewer)
    url = reverse("monitoring:rollup_export", args=[counted.pacts.election.code])
    rows = _no_live_cell_in_csv(client.post(url, {"format": "csv"}).content.decode("utf-8-sig"))
    assert f"'{HOSTILE[1]}" in {value for row in rows for value in row}
    formulas, texts = _formulas_and_texts(client.post(url, {"format": "xlsx"}).content)
    assert formulas == [] and HOSTILE[1] in texts


def test_the_sanctions_register_is_inert(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    world.employee_b.name = HOSTILE[0]
    world.employee_b.save()
    case = close_proven(pacts, make_case(pacts))
    record(
        pacts, case, "pp94-2021-tukin-6", decree_number=HOSTILE[3], starts_on=timezone.localdate()
    )
    client.force_login(world.supervisor)
    formulas, texts = _formulas_and_texts(client.get(reverse("cases:sanction_export")).content)
    assert formulas == []
    assert {HOSTILE[0], HOSTILE[3]} <= set(texts)
    text = client.get(reverse("cases:sanction_export"), {"format": "csv"}).content.decode()
    rows = _no_live_cell_in_csv(text)
    assert f"'{HOSTILE[0]}" in rows[1]
