"""NIP and NIK parsing on any text: a refusal with a message, never a crash, and every valid
number, however it was typed or pasted, reads back as its digits."""

import datetime

from hypothesis import example, given
from hypothesis import strategies as st

from netral.agencies.identifiers import (
    PNS,
    PPPK,
    IdentifierError,
    mask_nik,
    mask_nip,
    normalize_nip,
    parse_legacy_nip,
    parse_nik,
    parse_nip,
)
from tests.fuzz.memory import outcome

TODAY = datetime.date(2026, 6, 12)
# What people type or paste between the digit groups, and around the number.
SEPARATORS = st.sampled_from(["", " ", ".", "-", "\u00a0", "\u2013", "\u200b", "  "])
PADDING = st.text(alphabet=" \t\n\u00a0\u200b\ufeff", max_size=3)
# Text as it arrives from a form or a spreadsheet cell: digits, separators and anything else.
TYPED = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789 .-'’+eE,"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


@given(TYPED, st.sampled_from([PNS, PPPK]))
@example("1.98609E+17", PNS)
@example("'", PNS)
@example("²" * 18, PNS)
@example("٣" * 18, PPPK)
def test_any_text_is_a_nip_or_a_refusal(raw: str, kind: str) -> None:
    for parse in (
        lambda: parse_nip(raw, kind=kind, today=TODAY),
        lambda: parse_legacy_nip(raw),
        lambda: normalize_nip(raw),
        lambda: mask_nip(raw),
    ):
        outcome(parse, IdentifierError)


@given(TYPED)
@example("3326015507950001")
@example("3326017102000001")  # 31 February: neither century has it
def test_any_text_is_a_nik_or_a_refusal(raw: str) -> None:
    outcome(lambda: parse_nik(raw, today=TODAY), IdentifierError)
    outcome(lambda: mask_nik(raw), IdentifierError)


@st.composite
def valid_nips(draw: st.DrawFn) -> tuple[str, str, datetime.date, int, int, str, int]:
    """(kind, digits, birth date, appointment year, month, gender digit, sequence)."""
    kind = draw(st.sampled_from([PNS, PPPK]))
    birth = draw(st.dates(datetime.date(1940, 1, 1), datetime.date(2006, 12, 31)))
    appointed = draw(st.integers(birth.year + 18, TODAY.year))
    month = draw(st.integers(1, 12)) if kind == PNS else draw(st.integers(0, 99))
    gender = draw(st.sampled_from("12"))
    sequence = draw(st.integers(1, 999))
    digits = f"{birth:%Y%m%d}{appointed:04d}{month:02d}{gender}{sequence:03d}"
    return kind, digits, birth, appointed, month, gender, sequence


@given(valid_nips(), st.data())
@example((PNS, "198609262015051001", datetime.date(1986, 9, 26), 2015, 5, "1", 1), None)
def test_a_valid_nip_reads_back_however_it_was_typed(
    nip: tuple[str, str, datetime.date, int, int, str, int], data: st.DataObject | None
) -> None:
    kind, digits, birth, appointed, month, gender, sequence = nip
    typed = digits
    if data is not None:
        groups = [digits[:8], digits[8:14], digits[14], digits[15:]]
        parts = [groups[0]]
        for group in groups[1:]:
            parts += [data.draw(SEPARATORS), group]
        apostrophe = data.draw(st.sampled_from(["", "'"]))
        typed = data.draw(PADDING) + apostrophe + "".join(parts) + data.draw(PADDING)
    info = parse_nip(typed, kind=kind, today=TODAY)
    assert info.nip == digits
    assert info.birth_date == birth
    assert info.appointment_year == appointed
    assert info.appointment_month == (month if kind == PNS else None)
    assert info.gender == {"1": "M", "2": "F"}[gender]
    assert info.sequence == sequence
    assert mask_nip(typed).replace(" ", "").replace("*", "") == digits[:4] + digits[16:]


@given(
    st.integers(11, 99).filter(lambda code: code % 10 != 0 or code > 10),
    st.integers(1, 99),
    st.integers(1, 99),
    # Within the last hundred years the DDMMYY of a birth date names no other past date.
    st.dates(TODAY.replace(year=TODAY.year - 99), TODAY),
    st.sampled_from("MF"),
    st.integers(1, 9999),
    SEPARATORS,
)
def test_a_valid_nik_reads_back(
    province: int,
    regency: int,
    district: int,
    birth: datetime.date,
    gender: str,
    sequence: int,
    separator: str,
) -> None:
    day = birth.day + (40 if gender == "F" else 0)
    digits = f"{province:02d}{regency:02d}{district:02d}{day:02d}{birth:%m%y}{sequence:04d}"
    typed = separator.join(digits[start : start + 4] for start in range(0, 16, 4))
    info = parse_nik(typed, today=TODAY)
    assert (info.nik, info.birth_date, info.gender) == (digits, birth, gender)
    assert info.region_code == f"{digits[:2]}.{digits[2:4]}"
