"""Turns a post into tokens the rules can match: lower case, Unicode-normalised, repeated letters
squeezed, leetspeak digits read as letters, slang and typos mapped to standard words. Each token
keeps its offsets in the original text, so a flag highlights the words the writer typed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# URLs and mentions first, so their parts never become words; then hashtags, words, and the
# finger-gesture emoji (✌ two fingers, ☝ one finger, 🤟 three).
_TOKEN = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)"
    r"|(?P<mention>@\w+)"
    r"|(?P<hashtag>#\w+)"
    r"|(?P<word>[^\W_]+(?:['’][^\W_]+)*)"
    r"|(?P<emoji>[\u261d\u270c\U0001f91f])"
)
# The word pattern of the statistical model's features (scikit-learn's default token pattern).
WORD_PATTERN_MODEL = re.compile(r"\w\w+")
_BREAK = re.compile(r"[.!?\n]")
_PAUSE = re.compile(r"[,;:()]")
_SQUEEZE = re.compile(r"(\w)\1{2,}")
_TRAILING_DOUBLE = re.compile(r"([^\W\d])\1$")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
# A digit between letters is leetspeak ("p1l1h", "c0bl0s"); digits at either end are numbers
# ("no2", "paslon02", "2periode") and are split off instead.
_INNER_DIGIT = re.compile(r"[^\W\d_]\d+[^\W\d_]")
_EDGE_DIGITS = re.compile(r"^([^\W\d_]+)(\d+)$|^(\d+)([^\W\d_]+)$")
_EMOJI = {"\u261d": "☝", "\u270c": "✌", "\U0001f91f": "🤟"}


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised
    start: int  # offsets in the original text, end exclusive
    end: int
    kind: str = "word"  # word, number, hashtag, mention, url, emoji
    clause: int = 0  # index of the sentence the token is in
    phrase: int = 0  # index of the stretch between two punctuation marks (commas too)
    quoted: bool = False  # inside quotation marks


@dataclass(frozen=True)
class Document:
    original: str
    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        """The normalised post as one string, for the statistical model."""
        return " ".join(token.text for token in self.tokens)

    @property
    def has_url(self) -> bool:
        return any(token.kind == "url" for token in self.tokens)


@cache
def slang_map() -> dict[str, tuple[str, ...]]:
    """`data/slang.tsv`: a non-standard spelling, a tab, the standard word or words."""
    mapping: dict[str, tuple[str, ...]] = {}
    for line in (DATA / "slang.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        informal, _, standard = line.partition("\t")
        mapping[squeeze(fold(informal.strip()))] = tuple(fold(standard).split())
    return mapping


def fold(text: str) -> str:
    """Unicode-normalised lower case: bold, full-width and accented letters become plain ones."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def squeeze(word: str) -> str:
    """ "pilihhhh" -> "pilih", "bangett" -> "banget"; double letters inside a word stay ("maaf")."""
    word = _SQUEEZE.sub(r"\1", word)
    if len(word) > 3:
        word = _TRAILING_DOUBLE.sub(r"\1", word)
    return word


@lru_cache(maxsize=65536)
def normalise_word(raw: str) -> tuple[tuple[str, str], ...]:
    """One typed word as (normalised text, kind) parts: usually one, two for "no2", several
    where the slang map expands ("gpp")."""
    word = squeeze(fold(raw)).replace("’", "'")
    if word.isdigit():
        return ((word, "number"),)
    if _INNER_DIGIT.search(word):
        word = word.translate(_LEET)
    edge = _EDGE_DIGITS.match(word)
    if edge:
        letters, digits = (edge[1], edge[2]) if edge[1] else (edge[4], edge[3])
        pieces = [*_standard(letters), (digits, "number")]
        return tuple(pieces) if edge[1] else ((digits, "number"), *_standard(letters))
    return _standard(word)


def _standard(word: str) -> tuple[tuple[str, str], ...]:
    mapped = slang_map().get(word)
    if mapped is None:
        return ((word, "word"),)
    return tuple((part, "number" if part.isdigit() else "word") for part in mapped)


@lru_cache(maxsize=16384)
def normalise_tag(raw: str) -> str:
    """A hashtag or mention without its sign, folded and squeezed: "#Coblos02" -> "coblos02"."""
    return _SQUEEZE.sub(r"\1", fold(raw[1:]))


def normalise(text: str) -> Document:
    tokens: list[Token] = []
    clause = 0
    phrase = 0
    quoted = False
    position = 0
    for match in _TOKEN.finditer(text):
        gap = text[position : match.start()]
        if _BREAK.search(gap):
            clause += 1
            phrase += 1
        elif _PAUSE.search(gap):
            phrase += 1
        quoted ^= (gap.count('"') + gap.count("“") + gap.count("”")) % 2 == 1
        position = match.end()
        start, end = match.span()
        kind = match.lastgroup or "word"
        if kind == "word":
            for part, part_kind in normalise_word(match.group()):
                tokens.append(Token(part, start, end, part_kind, clause, phrase, quoted))
        elif kind in {"hashtag", "mention"}:
            tokens.append(
                Token(normalise_tag(match.group()), start, end, kind, clause, phrase, quoted)
            )
        elif kind == "emoji":
            tokens.append(Token(_EMOJI[match.group()], start, end, kind, clause, phrase, quoted))
        else:
            tokens.append(Token("<url>", start, end, kind, clause, phrase, quoted))
    return Document(original=text, tokens=tuple(tokens))


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A vocabulary phrase normalised as posts are: "Coblos No. 2" matches "coblos no 2"."""
    return tuple(token.text for token in normalise(phrase).tokens if token.kind != "url")
