"""The throttle: counted before checked, given back on success, across a window's turn."""

import pytest

from netral.base import throttle
from netral.base.models import ThrottleCount
from netral.base.throttle import Throttle, throttle_counts_purge

pytestmark = pytest.mark.django_db

GUESS = Throttle("tests.guess", limits={"device": 3, "address": 10}, window=60)


def _at(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(throttle.time, "time", lambda: seconds)


def test_the_limit_holds_and_a_success_is_given_back(monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, 6000)
    assert [GUESS.attempt(device="a", address="x") for _ in range(4)] == [True, True, True, False]
    assert GUESS.attempt(device="b", address="x")  # another phone behind the same address
    GUESS.succeeded(device="b", address="x")
    assert [GUESS.attempt(device="b", address="x") for _ in range(3)] == [True, True, True]


def test_a_turning_window_does_not_free_a_guesser(monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, 6059)  # the last second of a window
    assert [GUESS.attempt(device="a") for _ in range(3)] == [True, True, True]
    _at(monkeypatch, 6060)  # the next window
    assert not GUESS.attempt(device="a")
    _at(monkeypatch, 6180)  # two windows on, quiet since
    assert GUESS.attempt(device="a")


def test_no_key_is_stored_as_it_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, 6000)
    GUESS.attempt(device="phone-of-siti", address="198.51.100.7")
    keys = list(ThrottleCount.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all("siti" not in key and "198.51" not in key for key in keys)


def test_an_unknown_scope_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no limit"):
        GUESS.attempt(account="x")


def test_purge_removes_only_counts_no_window_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, 6000)
    GUESS.attempt(device="a")
    assert throttle_counts_purge(now=6000 + 60) == 0  # still read as the previous window
    assert throttle_counts_purge(now=6000 + 121) == 1
