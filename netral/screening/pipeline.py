"""The screening pipeline: normalise, run every registered rule, add the statistical model's
scores when a model is trained, and explain each flag.

This module is the contract the pages, the batch task and the benchmarks use:
`screen(text, vocabulary=...) -> Result`. Rules live in `rules.py` (a registry), the model in
`model.py`, the normaliser in `normalise.py`."""

from __future__ import annotations

from dataclasses import dataclass, field

from netral.screening.models import Category


@dataclass(frozen=True)
class Span:
    start: int  # offsets in the original text, end exclusive
    end: int
    text: str


@dataclass(frozen=True)
class Flag:
    category: str  # a Category value
    score: float  # 0..1
    rule: str  # the rule's or signal's code, e.g. "partisan.ballot_number" or "model.hate"
    title: str  # what it found, for people
    advice: str  # what to do instead ("jangan menyebut nomor urut")
    spans: tuple[Span, ...] = ()


@dataclass
class Result:
    flags: list[Flag] = field(default_factory=list)
    model_used: bool = False

    @property
    def score(self) -> float:
        return max((flag.score for flag in self.flags), default=0.0)

    @property
    def categories(self) -> list[str]:
        return [c for c in Category.values if any(f.category == c for f in self.flags)]
