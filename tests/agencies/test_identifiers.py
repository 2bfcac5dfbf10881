import datetime
import os

import pytest
from django.conf import settings

from netral.agencies.identifiers import (
    IdentifierError,
    mask_nip,
    normalize_nip,
    parse_legacy_nip,
    parse_nik,
    parse_nip,
)

# Under pytest-django the project settings apply; run alone (-p no:django), messages need these.
if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
    settings.configure(USE_I18N=False)

TODAY = datetime.date(2025, 6, 1)


def nip_error(raw: str, *, kind: str = "PNS") -> IdentifierError:
    with pytest.raises(IdentifierError) as caught:
        parse_nip(raw, kind=kind, today=TODAY)
    return caught.value


def nik_error(raw: str) -> IdentifierError:
    with pytest.raises(IdentifierError) as caught:
        parse_nik(raw, today=TODAY)
    return caught.value


@pytest.mark.parametrize("raw", ["19860926 201505 1 001", "198609262015051001"])
def test_it_reads_a_pns_nip_spaced_or_unspaced(raw: str) -> None:
    info = parse_nip(raw, kind="PNS", today=TODAY)

    assert info.nip == "198609262015051001"
    assert info.birth_date == datetime.date(1986, 9, 26)
    assert (info.appointment_year, info.appointment_month) == (2015, 5)
    assert info.gender == "M"
    assert info.sequence == 1
    assert info.warnings == ()


@pytest.mark.parametrize(
    "raw",
    [
        "'198609262015051001",
        "19860926.201505.1.001",
        "19860926-201505-1-001",
        "19860926\u00a0201505\u00a01\u00a0001",
        "  19860926 201505 1 001\t",
        # Found by the fuzz tests: an invisible character before the apostrophe kept it.
        "\ufeff'198609262015051001",
        " \u200b '19860926 201505 1 001",
    ],
)
def test_it_removes_separators_and_the_excel_apostrophe(raw: str) -> None:
    assert normalize_nip(raw) == "198609262015051001"


@pytest.mark.parametrize("raw", ["19900315 2021 21 2 003", "19880710 2024 24 1 005"])
def test_it_reads_a_pppk_ni_without_a_month(raw: str) -> None:
    info = parse_nip(raw, kind="PPPK", today=TODAY)

    assert info.appointment_year in (2021, 2024)
    assert info.appointment_month is None


def test_it_reads_the_gender_and_sequence_of_a_pppk_ni() -> None:
    info = parse_nip("19900315 2021 21 2 003", kind="PPPK", today=TODAY)

    assert info.birth_date == datetime.date(1990, 3, 15)
    assert info.gender == "F"
    assert info.sequence == 3


def test_it_accepts_for_pppk_digits_that_are_not_a_month_for_pns() -> None:
    assert parse_nip("199003152021212003", kind="PPPK", today=TODAY).nip == "199003152021212003"
    assert nip_error("199003152021212003", kind="PNS").code == "nip_appointment_month"


def test_it_rejects_a_kind_without_a_nip() -> None:
    with pytest.raises(ValueError, match="NON_ASN"):
        parse_nip("198609262015051001", kind="NON_ASN", today=TODAY)


def test_it_rejects_an_empty_nip() -> None:
    assert nip_error("  ").code == "nip_empty"


def test_it_rejects_17_digits() -> None:
    error = nip_error("19860926 201505 1 00")

    assert error.code == "nip_length"
    assert "17" in str(error)


def test_it_rejects_letters_and_names_them() -> None:
    error = nip_error("19860926 2O15O5 1 001")

    assert error.code == "nip_not_digits"
    assert "O" in str(error)


@pytest.mark.parametrize("raw", ["1.98609262015051E+17", "1,98609E+17", "1.98609E17"])
def test_it_rejects_excel_scientific_notation(raw: str) -> None:
    error = nip_error(raw)

    assert error.code == "nip_scientific"
    assert raw in str(error)


def test_it_rejects_the_zeros_excel_leaves_after_15_digits() -> None:
    assert nip_error("198609262015051000").code == "nip_sequence"


@pytest.mark.parametrize("raw", ["131110468", "131 110 468"])
def test_it_sends_a_9_digit_nip_to_the_legacy_column(raw: str) -> None:
    error = nip_error(raw)

    assert error.code == "nip_legacy"
    assert "131110468" in str(error)


def test_it_rejects_february_30() -> None:
    error = nip_error("19860230 201505 1 001")

    assert error.code == "nip_birth_date"
    assert "19860230" in str(error)


def test_it_rejects_a_birth_date_in_the_future() -> None:
    error = nip_error("20300101 203001 1 001")

    assert error.code == "nip_birth_date_future"
    assert "20300101" in str(error)


def test_it_rejects_a_birth_date_before_1900() -> None:
    assert nip_error("18991231 192001 1 001").code == "nip_birth_date_too_early"


def test_it_rejects_an_appointment_before_birth() -> None:
    error = nip_error("19860926 198005 1 001")

    assert error.code == "nip_appointment_before_birth"
    assert "1980" in str(error)


def test_it_accepts_an_appointment_next_year_but_not_later() -> None:
    assert parse_nip("19860926 202601 1 001", kind="PNS", today=TODAY).appointment_year == 2026
    assert nip_error("19860926 202701 1 001").code == "nip_appointment_future"


@pytest.mark.parametrize("month", ["00", "13"])
def test_it_rejects_a_month_outside_01_to_12_for_pns(month: str) -> None:
    error = nip_error(f"19860926 2015{month} 1 001")

    assert error.code == "nip_appointment_month"
    assert month in str(error)


def test_it_rejects_gender_digit_3() -> None:
    error = nip_error("19860926 201505 3 001")

    assert error.code == "nip_gender"
    assert "3" in str(error)


def test_it_rejects_sequence_000() -> None:
    assert nip_error("19860926 201505 2 000").code == "nip_sequence"


def test_it_warns_but_accepts_an_appointment_at_age_15() -> None:
    info = parse_nip("20000101 201501 1 001", kind="PNS", today=TODAY)

    assert len(info.warnings) == 1
    assert "15" in str(info.warnings[0])


def test_it_keeps_the_code_and_message_of_an_error() -> None:
    error = nip_error("19860926 201505 3 001")

    assert error.args[0] == "nip_gender"
    assert str(error.message) == str(error)


def test_it_reads_a_legacy_nip() -> None:
    assert parse_legacy_nip("131 110 468") == "131110468"


def test_it_sends_a_new_nip_from_the_legacy_column_to_the_nip_column() -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_legacy_nip("19860926 201505 1 001")

    assert caught.value.code == "nip_legacy_got_new"


def test_it_rejects_a_legacy_nip_of_8_digits() -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_legacy_nip("13111046")

    assert caught.value.code == "nip_legacy_length"
    assert "8" in str(caught.value)


def test_it_decodes_a_male_nik() -> None:
    info = parse_nik("3201 0115 0985 0001", today=TODAY)

    assert info.nik == "3201011509850001"
    assert info.birth_date == datetime.date(1985, 9, 15)
    assert info.gender == "M"
    assert info.region_code == "32.01"


def test_it_decodes_a_female_nik_from_the_day_plus_40() -> None:
    info = parse_nik("3201015509850002", today=TODAY)

    assert info.birth_date == datetime.date(1985, 9, 15)
    assert info.gender == "F"


@pytest.mark.parametrize(
    ("raw", "birth_date"),
    [
        ("3201011501050001", datetime.date(2005, 1, 15)),
        ("3201011501300001", datetime.date(1930, 1, 15)),
        ("3201016902000001", datetime.date(2000, 2, 29)),
    ],
)
def test_it_picks_the_latest_past_century_for_a_nik(raw: str, birth_date: datetime.date) -> None:
    assert parse_nik(raw, today=TODAY).birth_date == birth_date


@pytest.mark.parametrize("day", ["32", "40", "72", "00"])
def test_it_rejects_a_nik_with_an_impossible_day(day: str) -> None:
    error = nik_error(f"320101{day}09850001")

    assert error.code == "nik_date"
    assert f"{day}0985" in str(error)


def test_it_rejects_a_nik_of_15_digits() -> None:
    error = nik_error("320101150985001")

    assert error.code == "nik_length"
    assert "15" in str(error)


def test_it_rejects_a_nik_in_scientific_notation() -> None:
    assert nik_error("3.20101150985E+15").code == "nik_scientific"


def test_it_rejects_a_nik_with_region_code_00() -> None:
    assert nik_error("3200011509850001").code == "nik_region"


def test_it_rejects_a_nik_with_sequence_0000() -> None:
    assert nik_error("3201011509850000").code == "nik_sequence"


def test_it_masks_a_nip_to_the_birth_year_and_last_two_digits() -> None:
    assert mask_nip("19860926 201505 1 001") == "1986**** ****** * *01"
