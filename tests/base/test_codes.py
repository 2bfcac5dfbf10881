from netral.base.codes import ALPHABET, new_code, new_codes


def test_codes_use_the_unambiguous_alphabet_and_do_not_repeat() -> None:
    codes = new_codes(20_000) + [new_code() for _ in range(1000)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 12 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01lo") & set(ALPHABET)


def test_codes_of_other_lengths() -> None:
    assert {len(code) for code in new_codes(50, length=7)} == {7}
    assert {len(code) for code in new_codes(50, length=20)} == {20}
    assert len(new_code(16)) == 16
