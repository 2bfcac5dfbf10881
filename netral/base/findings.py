"""Where a finding of one app becomes a case of another. Screening finds a post that may break the
SKB 2/2022; the cases app opens the case. The two apps sit side by side and never import each
other: the cases app registers its desk here when it starts, and screening hands findings to it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Protocol

from netral.base.audit import Acting
from netral.base.models import Election


@dataclass(frozen=True)
class Act:
    """An act of the SKB 2/2022 catalogue, as the case handlers keep it."""

    code: str
    number: int
    name: str


@dataclass(frozen=True)
class Evidence:
    file_name: str
    data: bytes


@dataclass(frozen=True)
class Finding:
    agency: Any  # an agencies.Agency, a layer above
    election: Election | None
    act: str  # an Act's code
    source: str  # how the case came in, e.g. "screening"
    occurred_on: datetime.date | None
    description: str
    links: list[str] = field(default_factory=list)
    # The reported person: an employee of the agency, or a name and NIP as the finding gives them.
    employee: Any = None  # an agencies.Employee
    reported_name: str = ""
    reported_nip: str = ""
    evidence: list[Evidence] = field(default_factory=list)


class FindingRefused(Exception):
    """The desk refused the finding (an evidence file, an unknown act); the message is for the
    user."""


class CaseDesk(Protocol):
    def acts(self) -> list[Act]: ...

    def case_open(self, *, actor: Acting, finding: Finding) -> Any:
        """Open a case from the finding inside the caller's transaction; return the case."""
        ...


_desk: CaseDesk | None = None


def case_desk_register(desk: CaseDesk) -> None:
    global _desk
    _desk = desk


def case_desk() -> CaseDesk:
    if _desk is None:
        raise LookupError("No case desk is registered: is netral.cases installed?")
    return _desk
