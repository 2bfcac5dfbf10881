"""Reading a meeting's participant export: every layout, every encoding, and broken files."""

import io

import pytest
from django.test import override_settings

from netral.pacts.participants import (
    Layout,
    ParticipantFileError,
    name_key,
    nips_in,
    participants_read,
)

ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
    "In Waiting Room\r\n"
    "Siti Aminah 19850101 201003 2 001,,12/06/2026 08:55:10 AM,12/06/2026 10:01:00 AM,66,Yes,No\r\n"
    "Rina (Rina Kartika),rina@example.go.id,12/06/2026 08:57:00 AM,12/06/2026 10:00:00 AM,"
    "63,No,No\r\n"
    "Tamu,,12/06/2026 08:50:00 AM,12/06/2026 08:51:00 AM,1,Yes,Yes\r\n"
)
ZOOM_MEETING = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n"
    "812 3456 7890,Ikrar Netralitas ASN,12/06/2026 08:45:00 AM,12/06/2026 10:05:00 AM,"
    "disdik@example.go.id,80,2\r\n"
    "\r\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
    "Siti Aminah,,12/06/2026 08:55:10 AM,12/06/2026 10:01:00 AM,66,Yes\r\n"
    "Bambang Sutrisno,bambang@example.go.id,12/06/2026 08:57:00 AM,12/06/2026 10:00:00 AM,63,No\r\n"
)
MEET = (
    "First name;Last name;Email;Duration;Time joined;Time exited\n"
    "Siti;Aminah;siti@example.go.id;1 hr 5 min;08.55;10.00\n"
    "Rina;Kartika;;45 min;09.00;09.45\n"
)
MEET_FULL_NAME = "Full Name,First Seen,Time in Call\nSiti Aminah,08:55,1:05:00\n"


def read(data: bytes) -> tuple[str, list[tuple[int, str, str, int | None, bool]]]:
    result = participants_read(io.BytesIO(data), size=len(data))
    rows = [(p.row, p.name, p.email, p.minutes, p.waiting_room) for p in result.participants]
    return result.layout, rows


def test_it_reads_zoom_participants_with_a_bom() -> None:
    layout, rows = read(b"\xef\xbb\xbf" + ZOOM.encode())
    assert layout == Layout.ZOOM
    assert rows == [
        (2, "Siti Aminah 19850101 201003 2 001", "", 66, False),
        (3, "Rina (Rina Kartika)", "rina@example.go.id", 63, False),
        (4, "Tamu", "", 1, True),
    ]


def test_it_reads_zoom_participants_in_utf16() -> None:
    layout, rows = read(ZOOM.encode("utf-16"))
    assert layout == Layout.ZOOM
    assert [row[1] for row in rows][1] == "Rina (Rina Kartika)"


def test_it_reads_utf16_without_a_bom_and_tabs() -> None:
    layout, rows = read(ZOOM.replace(",", "\t").encode("utf-16-le"))
    assert layout == Layout.ZOOM
    assert len(rows) == 3


def test_it_finds_the_participants_after_the_zoom_meeting_details() -> None:
    layout, rows = read(ZOOM_MEETING.encode())
    assert layout == Layout.ZOOM_MEETING
    assert rows == [
        (5, "Siti Aminah", "", 66, False),
        (6, "Bambang Sutrisno", "bambang@example.go.id", 63, False),
    ]


def test_it_reads_google_meet_with_semicolons() -> None:
    layout, rows = read(MEET.encode())
    assert layout == Layout.MEET
    assert rows == [
        (2, "Siti Aminah", "siti@example.go.id", 65, False),
        (3, "Rina Kartika", "", 45, False),
    ]


def test_it_reads_the_meet_full_name_variant_in_windows_encoding() -> None:
    layout, rows = read((MEET_FULL_NAME + "Agus Purnomo Ésa,09:00,0:30:00\n").encode("cp1252"))
    assert layout == Layout.MEET_FULL_NAME
    assert rows == [(2, "Siti Aminah", "", 65, False), (3, "Agus Purnomo Ésa", "", 30, False)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "kosong"),
        (b"PK\x03\x04" + b"\x00" * 100, "Excel"),
        (b"%PDF-1.7\n" + b"\x00\x01" * 50, "PDF"),
        (bytes(range(256)) * 8, "bukan berkas teks CSV"),
        (b"NAMA,NIP,UNOR\nSiti,1985,Disdik\n", "tidak dikenali"),
        (b"Name (Original Name),User Email\n", "tidak ada peserta"),
        (b'Name (Original Name),User Email\n"Siti' + b"x" * 200_000 + b"\n", "CSV yang sah"),
    ],
    ids=["empty", "xlsx", "pdf", "binary", "unknown-headers", "no-rows", "runaway-quote"],
)
def test_a_broken_file_is_refused_with_one_message(data: bytes, message: str) -> None:
    with pytest.raises(ParticipantFileError) as problem:
        participants_read(io.BytesIO(data), size=len(data))
    assert message in str(problem.value)


@override_settings(NETRAL_MEETING_IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_before_reading() -> None:
    data = (ZOOM + "Siti,,,,1,No,No\r\n" * 100).encode()
    with pytest.raises(ParticipantFileError, match="lebih besar"):
        participants_read(io.BytesIO(data), size=len(data))
    # A size that lies is caught while streaming.
    with pytest.raises(ParticipantFileError, match="lebih besar"):
        participants_read(io.BytesIO(data), size=10)


@pytest.mark.parametrize("duration", ["²", "1" * 5000, "1" * 5000 + " min"])
def test_a_duration_that_is_no_number_of_minutes_is_left_unknown(duration: str) -> None:
    """Found by the fuzz tests: "²" passes str.isdigit() and int() refuses it, as it refuses
    more than 4,300 digits; both were a ValueError past the refusal."""
    data = f"Name (Original Name),Duration (Minutes)\nSiti Aminah,{duration}\n".encode()
    assert read(data) == ("zoom", [(2, "Siti Aminah", "", None, False)])


@override_settings(NETRAL_MEETING_IMPORT_MAX_ROWS=2)
def test_a_file_with_too_many_rows_is_refused() -> None:
    with pytest.raises(ParticipantFileError, match="lebih dari 2 baris"):
        read(ZOOM.encode())


def test_nips_are_found_in_display_names_typed_with_spaces() -> None:
    assert nips_in("Siti Aminah 19850101 201003 2 001") == ["198501012010032001"]
    assert nips_in("198501012010032001_Siti") == ["198501012010032001"]
    assert nips_in("Siti 0812 3456 7890") == []  # a phone number is not a NIP


def test_names_are_compared_without_titles_case_or_punctuation() -> None:
    assert name_key("Dr. H. Ahmad Fauzi, M.Si.") == name_key("ahmad  fauzi")
    assert name_key("Siti Aminah, S.Pd.") == "siti aminah"
    assert name_key("Siti Aminah") != name_key("Siti Aminah Lestari")
