"""What every fuzz test asks of a parser: it returns or raises its own refusal, nothing else,
and no example takes the process's memory more than a budget past where it started."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
BUDGET_KIB = 300 * 1024
STATUS = Path("/proc/self/status")
# Linux keeps the peak resident size (VmHWM); writing 5 here resets it to the current size.
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


def outcome(call: Callable[[], T], *refusals: type[Exception]) -> T | Exception:
    """The parser's result or its refusal; any other exception fails the example."""
    measured = CLEAR_REFS.exists()
    if measured:
        CLEAR_REFS.write_text("5")
        start = _status("VmRSS")
    try:
        result: T | Exception = call()
    except refusals as refused:
        str(refused)  # the message is shown to someone: it must render
        result = refused
    if measured:
        grown = _status("VmHWM") - start
        assert grown < BUDGET_KIB, f"one example grew the memory by {grown >> 10} MB"
    return result
