"""The screening pipeline: normalise, run every registered rule, add the statistical model's
scores when a model is trained, and explain each flag.

This module is the contract the pages, the batch task and the benchmarks use:
`screen(text, vocabulary=...) -> Result`. Rules live in `rules.py` (a registry), the model in
`model.py`, the normaliser in `normalise.py`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from netral.screening import model
from netral.screening.claims import claims_matched
from netral.screening.models import Category
from netral.screening.normalise import WORD_PATTERN_MODEL, Document, normalise
from netral.screening.rules import RULES, debunks
from netral.screening.vocabulary import ElectionVocabulary, analyse

# A model's probability from which it flags a category on its own.
MODEL_THRESHOLD = 0.5
MAX_LENGTH = 5000
# How many of the model's strongest n-grams a model flag marks.
EXPLAINED_NGRAMS = 3
DEBUNKED_SCORE = 0.85


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


# The title and advice of each category's model flag, translated only when one is raised.
MODEL_TEXTS: dict[str, tuple[str, str]] = {
    Category.PARTISAN: (
        gettext_noop("The statistical model reads partisan support"),
        gettext_noop("Read the post again as a colleague would: does it favour a contestant?"),
    ),
    Category.CAMPAIGN: (
        gettext_noop("The statistical model reads campaign activity"),
        gettext_noop("Do not post about taking part in campaign events or teams."),
    ),
    Category.HATE: (
        gettext_noop("The statistical model reads hateful or abusive language"),
        gettext_noop("Remove insults and slurs; criticise policies, not people or groups."),
    ),
    Category.HOAX: (
        gettext_noop("The statistical model reads a possible hoax"),
        gettext_noop("Check the claim with official sources before sharing."),
    ),
}


def _model_text(category: str) -> tuple[str, str] | None:
    """The title and advice of a model flag, translated (only the one raised)."""
    texts = MODEL_TEXTS.get(category)
    return (_(texts[0]), _(texts[1])) if texts else None


def _spans(text: str, document: Document, ranges: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    """Token ranges (end exclusive) as spans of the original text, overlapping ones joined."""
    tokens = document.tokens
    spans: list[Span] = []
    for first, last in sorted(set(ranges)):
        start, end = tokens[first].start, tokens[last - 1].end
        if spans and start <= spans[-1].end:
            start = spans[-1].start
            end = max(end, spans.pop().end)
        spans.append(Span(start, end, text[start:end]))
    return tuple(spans)


def explained_ranges(
    document: Document, grams: Iterable[str], text: str | None = None
) -> list[tuple[int, int]]:
    """Where the model's n-grams are in the post: the tokens whose words make each one up. The
    words are the normalised tokens' and, given the post as written (`text`), its own, for a
    model that reads it so; a whitespace-separated word of the post counts by its pieces."""
    sequences = [[(token.text.lower(), index) for index, token in enumerate(document.tokens)]]
    if text is not None:
        sequences.append(
            [(text[token.start : token.end].lower(), i) for i, token in enumerate(document.tokens)]
        )
    ranges: list[tuple[int, int]] = []
    for sequence in sequences:
        pieces = [
            (word, index) for whole, index in sequence for word in WORD_PATTERN_MODEL.findall(whole)
        ]
        for gram in grams:
            parts = gram.split(" ")
            if len(parts) == 1:
                wanted = {gram, *WORD_PATTERN_MODEL.findall(gram)}
                ranges += [(index, index + 1) for whole, index in sequence if whole in wanted]
                ranges += [(index, index + 1) for word, index in pieces if word in wanted]
            else:
                ranges += [
                    (first[1], second[1] + 1)
                    for first, second in itertools.pairwise(pieces)
                    if (first[0], second[0]) == (parts[0], parts[1])
                ]
    return ranges


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
    flags: list[Flag] = []
    for rule in RULES.values():
        ranges = list(rule.function(analysis))
        if not ranges:
            continue
        spans = _spans(text, document, ranges)
        flags.append(
            Flag(
                category=rule.category,
                score=round(min(0.99, rule.score + 0.05 * (len(spans) - 1)), 2),
                rule=rule.code,
                title=rule_title(str(rule.title), rule.skb),
                advice=str(rule.advice),
                spans=spans,
            )
        )
    # A correction names the rumour it corrects: not a hoax, whatever its words.
    correction = debunks(analysis)
    claims = () if correction else analysis.vocabulary.claims
    for found in claims_matched(analysis.words, claims)[:1]:
        flags.append(
            Flag(
                category=Category.HOAX,
                score=DEBUNKED_SCORE,
                rule="hoax.debunked_claim",
                title=_("Repeats a claim already debunked: “%(claim)s”")
                % {"claim": found.claim.text},
                advice=_("Debunked by %(source)s. Do not share it; share the correction instead.")
                % {"source": found.claim.source},
                spans=_spans(text, document, ((index, index + 1) for index in found.tokens)),
            )
        )
    normalised = document.text
    # The model reads the normalised text or, if it is scikit-learn's TF-IDF, the post as written.
    scores = model.model_scores(normalised, text)
    for category, probability in (scores or {}).items():
        if category == Category.HOAX and correction:
            continue
        if probability >= MODEL_THRESHOLD and (text_of := _model_text(category)) is not None:
            title, advice = text_of
            grams = [
                gram
                for gram, _weight in model.model_contributions(normalised, category, text)[
                    :EXPLAINED_NGRAMS
                ]
            ]
            spans = _spans(text, document, explained_ranges(document, grams, text))
            flags.append(
                Flag(category, round(probability, 3), f"model.{category}", title, advice, spans)
            )
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
