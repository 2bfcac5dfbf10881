"""The screening pipeline: normalise, run every registered rule, add the statistical model's
scores when a model is trained, and explain each flag.

This module is the contract the pages, the batch task and the benchmarks use:
`screen(text, vocabulary=...) -> Result`. Rules live in `rules.py` (a registry), the model in
`model.py`, the normaliser in `normalise.py`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from netral.screening import model
from netral.screening.models import Category
from netral.screening.normalise import normalise
from netral.screening.rules import RULES
from netral.screening.vocabulary import ElectionVocabulary, analyse

# A model's probability from which it flags a category on its own.
MODEL_THRESHOLD = 0.5
MAX_LENGTH = 5000


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


def _model_text(category: str) -> tuple[str, str] | None:
    """The title and advice of a model flag, translated only when one is raised."""
    texts: dict[str, tuple[str, str]] = {
        Category.PARTISAN: (
            _("The statistical model reads partisan support"),
            _("Read the post again as a colleague would: does it favour a contestant?"),
        ),
        Category.CAMPAIGN: (
            _("The statistical model reads campaign activity"),
            _("Do not post about taking part in campaign events or teams."),
        ),
        Category.HATE: (
            _("The statistical model reads hateful or abusive language"),
            _("Remove insults and slurs; criticise policies, not people or groups."),
        ),
        Category.HOAX: (
            _("The statistical model reads a possible hoax"),
            _("Check the claim with official sources before sharing."),
        ),
    }
    return texts.get(category)


def rule_title(rule_title: str, skb: str) -> str:
    """A rule's title with the SKB 2/2022 act it may touch: "skb2022-04" -> act 4."""
    number = skb.rpartition("-")[2].lstrip("0")
    return _("%(title)s (SKB 2/2022, act %(number)s)") % {"title": rule_title, "number": number}


def screen(text: str, *, vocabulary: ElectionVocabulary | None = None) -> Result:
    """Every rule's flags, then the model's when one is trained. A rule's score rises a little
    with each further hit; the post's score is its strongest flag (`Result.score`), and the
    model's flags stand beside the rules' so a reviewer sees which signal said what."""

    document = normalise(text)
    analysis = analyse(document, vocabulary)
    tokens = document.tokens
    flags: list[Flag] = []
    for rule in RULES.values():
        ranges = sorted(set(rule.function(analysis)))
        if not ranges:
            continue
        spans: list[Span] = []
        for first, last in ranges:
            start, end = tokens[first].start, tokens[last - 1].end
            if spans and start <= spans[-1].end:
                start = spans[-1].start
                end = max(end, spans.pop().end)
            spans.append(Span(start, end, text[start:end]))
        flags.append(
            Flag(
                category=rule.category,
                score=round(min(0.99, rule.score + 0.05 * (len(spans) - 1)), 2),
                rule=rule.code,
                title=rule_title(str(rule.title), rule.skb),
                advice=str(rule.advice),
                spans=tuple(spans),
            )
        )
    scores = model.model_scores(document.text)
    for category, probability in (scores or {}).items():
        if probability >= MODEL_THRESHOLD and (text_of := _model_text(category)) is not None:
            title, advice = text_of
            flags.append(Flag(category, round(probability, 3), f"model.{category}", title, advice))
    return Result(flags=flags, model_used=scores is not None)


def merged_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans clipped to the text, sorted, overlapping ones joined: what to highlight."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
