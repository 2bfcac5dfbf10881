"""The participant-list reader on any bytes: a list or one refusal, never a crash; a list
written in each layout, encoding and separator reads back the same rows and matches the same
employees (by the NIP in the display name, the e-mail or the name)."""

import csv
import io
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netral.accounts.models import Membership
from netral.agencies.models import Employee
from netral.pacts.participants import (
    Layout,
    ParticipantFile,
    ParticipantFileError,
    participants_match,
    participants_read,
)
from tests.conftest import Pacts
from tests.factories import employee_make
from tests.fuzz.memory import outcome
from tests.fuzz.mutations import damaged

HEADERS = {
    Layout.ZOOM: [
        "Name (Original Name)",
        "User Email",
        "Join Time",
        "Leave Time",
        "Duration (Minutes)",
        "Guest",
        "In Waiting Room",
    ],
    Layout.ZOOM_MEETING: ["Name (Original Name)", "User Email", "Duration (Minutes)", "Guest"],
    Layout.MEET: ["First name", "Last name", "Email", "Duration", "Time joined", "Time exited"],
    Layout.MEET_FULL_NAME: ["Full Name", "First Seen", "Time in Call"],
}
MEETING_DETAILS = [
    ["Meeting ID", "Topic", "Start Time", "Duration (Minutes)", "Participants"],
    ["812 3456 7890", "Ikrar Netralitas ASN", "12/06/2026 08:45:00 AM", "80", "2"],
    [],
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]
SEPARATORS = [",", ";", "\t"]
ZOOM_SAMPLE = (
    "Name (Original Name),User Email,Duration (Minutes)\r\n"
    "Siti Aminah 19850101 201003 2 001,,66\r\nRina (Rina Kartika),rina@example.go.id,63\r\n"
)


def read(data: bytes) -> ParticipantFile | Exception:
    return outcome(
        lambda: participants_read(io.BytesIO(data), size=len(data)), ParticipantFileError
    )


@given(
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"Name (Original Name),User Email\n"]),
    st.binary(max_size=2048),
)
@example(b"", b"Name (Original Name),Duration (Minutes)\nSiti,\xc2\xb2\n")
@example(b"", b"Name (Original Name),Duration (Minutes)\nSiti," + b"9" * 5000 + b"\n")
def test_any_bytes_are_a_list_or_one_refusal(prefix: bytes, data: bytes) -> None:
    read(prefix + data)


@given(st.sampled_from(ENCODINGS), st.data())
def test_a_damaged_list_is_a_list_or_one_refusal(encoding: str, data: st.DataObject) -> None:
    read(data.draw(damaged(ZOOM_SAMPLE.encode(encoding))))


@dataclass(frozen=True)
class Row:
    """A participant as the meeting wrote them, and whom they should match (or None)."""

    name: str
    email: str
    minutes: int
    employee: int | None


# Display names of guests that match nobody.
GUESTS = ["Tamu", "iPhone", "Galaxy A12", "Ruang Rapat Lt. 2", "Operator Zoom"]
TITLES = ["", "Dr. ", "drs. ", "Hj. ", "Ir. "]


@st.composite
def rows(draw: st.DrawFn, people: list[Employee], layout: str) -> list[Row]:
    chosen = draw(st.lists(st.sampled_from(people), unique_by=lambda e: e.pk, max_size=len(people)))
    found = []
    for employee in chosen:
        ways = ["nip", "name"] + (["email"] if layout != Layout.MEET_FULL_NAME else [])
        way = draw(st.sampled_from(ways))
        minutes = draw(st.integers(0, 600))
        given_name = employee.name.split(",")[0]
        if way == "nip":
            nip = employee.nip or ""
            spaced = draw(st.sampled_from(["", " "])).join([nip[:8], nip[8:14], nip[14], nip[15:]])
            found.append(Row(f"{draw(st.sampled_from(GUESTS))} {spaced}", "", minutes, employee.pk))
        elif way == "email":
            email = employee.email.upper() if draw(st.booleans()) else employee.email
            found.append(Row(draw(st.sampled_from(GUESTS)), email, minutes, employee.pk))
        else:
            typed = draw(st.sampled_from([str.upper, str.lower, str.title]))(given_name)
            found.append(Row(draw(st.sampled_from(TITLES)) + typed, "", minutes, employee.pk))
    guests = draw(st.lists(st.sampled_from(GUESTS), max_size=3))
    everyone = found + [Row(name, "", 1, None) for name in guests]
    return draw(st.permutations(everyone)) if everyone else [Row("Tamu", "", 1, None)]


def duration(minutes: int, layout: str, style: int) -> str:
    if layout in {Layout.ZOOM, Layout.ZOOM_MEETING}:
        return str(minutes)
    hours, rest = divmod(minutes, 60)
    return [f"{hours} hr {rest} min", f"{hours}:{rest:02d}:07", f"{minutes} min"][style]


def written(people: list[Row], layout: str, separator: str, encoding: str, style: int) -> bytes:
    table: list[list[str]] = MEETING_DETAILS[:] if layout == Layout.ZOOM_MEETING else []
    table.append(HEADERS[layout])
    for person in people:
        time = duration(person.minutes, layout, style)
        if layout == Layout.ZOOM:
            row = [person.name, person.email, "08:55", "10:01", time, "No", "No"]
        elif layout == Layout.ZOOM_MEETING:
            row = [person.name, person.email, time, "No"]
        elif layout == Layout.MEET:
            first, _, last = person.name.partition(" ")
            row = [first, last, person.email, time, "08.55", "10.00"]
        else:
            row = [person.name, "08:55", time]
        table.append(row)
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=separator).writerows(table)
    return text.getvalue().encode(encoding)


@pytest.fixture
def people(pacts: Pacts) -> list[Employee]:
    world = pacts.world
    extra = [
        ("Agus Purnomo, S.E.", world.unit_a),
        ("Dewi Lestari, A.Md.Kep.", world.unit_b),
        ("Muhammad Ma’ruf, S.Kom.", world.unit_a_child),
        ("Rina Kartika", world.unit_b),
    ]
    for name, unit in extra:
        employee_make(unit, name)
    employees = list(Employee.objects.filter(agency=world.agency))
    for number, employee in enumerate(employees):
        employee.email = f"pegawai{number}@example.go.id"
        employee.save(update_fields=["email"])
    return employees


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_list_in_each_layout_reads_back_and_matches_the_same_people(
    pacts: Pacts, people: list[Employee], data: st.DataObject
) -> None:
    """Nothing is written while matching, so the employees made once serve every example."""
    layout = data.draw(st.sampled_from(list(HEADERS)))
    participants = data.draw(rows(people, layout))
    separator, encoding = (
        data.draw(st.sampled_from(SEPARATORS)),
        data.draw(st.sampled_from(ENCODINGS)),
    )
    style = data.draw(st.integers(0, 2))
    upload = read(written(participants, layout, separator, encoding, style))
    assert isinstance(upload, ParticipantFile), upload
    assert upload.layout == layout
    assert [(p.name, p.email, p.minutes) for p in upload.participants] == [
        (" ".join(p.name.split()), p.email, p.minutes) for p in participants
    ]
    viewer = Membership.objects.get(user=pacts.world.admin)
    plan = participants_match(
        viewer=viewer, campaign=pacts.campaign, upload=upload, file_name="peserta.csv"
    )
    assert sorted(item.employee_id for item in plan.matched) == sorted(
        p.employee for p in participants if p.employee is not None
    )
    assert {item.name for item in plan.missed} == {
        p.name for p in participants if p.employee is None
    }
