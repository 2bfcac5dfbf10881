"""The words the rules look for: general Indonesian campaign vocabulary from `data/*.txt` (one
phrase a line; the file's name is the phrase's tag), and each election's contestants (names,
ballot numbers, parties, slogans, hashtags) compiled into matchers.

Both are matched in one pass over a post's tokens (`analyse`), phrases looked up by their first
word."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from threading import Lock

from django.db.models import Q, QuerySet

from netral.base.models import Election
from netral.screening.claims import Claim
from netral.screening.models import Contestant, DebunkedClaim
from netral.screening.normalise import DATA, Document, fold, normalise, phrase_tokens

# Tags of the contestants' own words.
CONTESTANT = "contestant"
PARTY = "party"
SLOGAN = "slogan"

NUMBER_WORDS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
}
# Without an election's own numbers, any small number may be a ballot number.
DEFAULT_BALLOT_NUMBERS = frozenset(range(1, 25))
# Between the two names of a pair: a hyphen or dash with spaces, "&", "/", "+" or "dan".
_PAIR_SEPARATOR = re.compile(r"\s+(?:[-\u2013\u2014&/+]|dan)\s+|\s*[\u2013\u2014&/+]\s*")


@dataclass(frozen=True, slots=True)
class Match:
    tag: str
    start: int  # token indexes, end exclusive
    end: int
    ref: str = ""  # the contestant's code for contestant words


Entry = tuple[tuple[str, ...], str, str]  # phrase, tag, ref


class Lexicon:
    """Phrases found by their first word: one dictionary look-up a token."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        by_first: dict[str, list[Entry]] = {}
        for entry in set(entries):
            if entry[0]:
                by_first.setdefault(entry[0][0], []).append(entry)
        self._by_first = by_first

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_first.values())

    def scan(self, words: Sequence[str]) -> list[Match]:
        found: list[Match] = []
        count = len(words)
        for index, word in enumerate(words):
            for phrase, tag, ref in self._by_first.get(word, ()):
                size = len(phrase)
                if size == 1 or (
                    index + size <= count and tuple(words[index : index + size]) == phrase
                ):
                    found.append(Match(tag, index, index + size, ref))
        return found


@cache
def general_lexicon() -> Lexicon:
    """Every `data/*.txt` list: the campaign, hate and hoax vocabulary of any election."""
    entries: list[Entry] = []
    for path in sorted(DATA.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                entries.append((phrase_tokens(line), path.stem, ""))
    return Lexicon(entries)


@cache
def word_list(tag: str) -> frozenset[str]:
    """The one-word phrases of a list, for set look-ups (hashtag parts, guards)."""
    lines = (DATA / f"{tag}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and line[0] != "#")


@dataclass(frozen=True)
class ContestantWords:
    """What an election's admin entered about one contestant."""

    code: str
    name: str
    kind: str = "pair"
    ballot_number: int | None = None
    aliases: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    slogans: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()


def _squash(phrase: str) -> str:
    """A phrase as it appears inside a hashtag: "Bawa Perubahan" -> "bawaperubahan"."""
    return "".join(phrase_tokens(phrase))


@dataclass
class ElectionVocabulary:
    """One election's contestants, compiled."""

    contestants: tuple[ContestantWords, ...] = ()
    lexicon: Lexicon = field(default_factory=lambda: Lexicon(()))
    ballot_numbers: frozenset[int] = DEFAULT_BALLOT_NUMBERS
    hashtags: dict[str, str] = field(default_factory=dict)  # normalised hashtag -> code
    hashtag_words: re.Pattern[str] | None = None  # names and parties inside a hashtag
    claims: tuple[Claim, ...] = ()  # the election's debunked claims

    @classmethod
    def build(
        cls, contestants: Iterable[ContestantWords], claims: Iterable[Claim] = ()
    ) -> ElectionVocabulary:
        contestants = tuple(contestants)
        entries: list[Entry] = []
        hashtags: dict[str, str] = {}
        inside: set[str] = set()
        for contestant in contestants:
            people = [contestant.name, *_PAIR_SEPARATOR.split(contestant.name)]
            tag = PARTY if contestant.kind == "party" else CONTESTANT
            for name in [*people, *contestant.aliases]:
                entries.append((phrase_tokens(name), tag, contestant.code))
                inside.add(_squash(name))
            for party in contestant.parties:
                entries.append((phrase_tokens(party), PARTY, contestant.code))
                inside.add(_squash(party))
            for slogan in contestant.slogans:
                entries.append((phrase_tokens(slogan), SLOGAN, contestant.code))
            for hashtag in contestant.hashtags:
                hashtags[_squash(hashtag.lstrip("#"))] = contestant.code
        # Short names ("Andi", "PAN") inside a hashtag would match too many words.
        inside = {word for word in inside if len(word) >= 5}
        numbers = frozenset(c.ballot_number for c in contestants if c.ballot_number is not None)
        return cls(
            contestants=contestants,
            lexicon=Lexicon(entries),
            ballot_numbers=numbers or DEFAULT_BALLOT_NUMBERS,
            hashtags=hashtags,
            hashtag_words=(
                re.compile("|".join(sorted(map(re.escape, inside), key=len, reverse=True)))
                if inside
                else None
            ),
            claims=tuple(claims),
        )


@cache
def _general_party_words() -> re.Pattern[str]:
    names = {
        "".join(entry) for entry in (phrase_tokens(line) for line in word_list("party")) if entry
    }
    return re.compile("|".join(sorted((n for n in names if len(n) >= 5), key=len, reverse=True)))


EMPTY_VOCABULARY = ElectionVocabulary()


@cache
def labelled_vocabulary() -> ElectionVocabulary:
    """The fictional contestants of `data/labelled.jsonl`, for tests, training and benchmarks."""
    election = json.loads((DATA / "labelled_election.json").read_text(encoding="utf-8"))
    return ElectionVocabulary.build(
        ContestantWords(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            ballot_number=row.get("ballot_number"),
            aliases=tuple(row.get("aliases", ())),
            parties=tuple(row.get("parties", ())),
            slogans=tuple(row.get("slogans", ())),
            hashtags=tuple(row.get("hashtags", ())),
        )
        for row in election["contestants"]
    )


_cache: dict[tuple[int, ...], tuple[tuple[object, ...], ElectionVocabulary]] = {}
_cache_lock = Lock()


def vocabulary_for(election: Election) -> ElectionVocabulary:
    """The election's compiled vocabulary, rebuilt when its contestants or claims change."""
    return _vocabulary_of([election.pk])


def running_elections(today: datetime.date) -> QuerySet[Election]:
    """Elections between candidate determination (or, without it, any time before) and voting
    day, with contestants or debunked claims: the ones whose words a post may touch today."""
    return (
        Election.objects.filter(voting_day__gte=today)
        .filter(Q(contestants__isnull=False) | Q(debunked_claims__isnull=False))
        .filter(
            Q(candidate_determination_date__lte=today)
            | Q(candidate_determination_date__isnull=True)
        )
        .distinct()
        .order_by("voting_day", "name")
    )


def vocabulary_running(today: datetime.date) -> ElectionVocabulary:
    """The contestants and claims of every running election together, for a check that names
    no election (the public self-check's default)."""
    return _vocabulary_of(sorted(running_elections(today).values_list("pk", flat=True)))


def _vocabulary_of(election_ids: Sequence[int]) -> ElectionVocabulary:
    if not election_ids:
        return EMPTY_VOCABULARY
    rows = tuple(
        Contestant.objects.filter(election__in=election_ids)
        .order_by("pk")
        .values_list(
            "code", "name", "kind", "ballot_number", "aliases", "parties", "slogans", "hashtags"
        )
    )
    claim_rows = tuple(
        DebunkedClaim.objects.filter(election__in=election_ids)
        .order_by("pk")
        .values_list("code", "claim", "source")
    )
    fingerprint = tuple(repr(row) for row in (*rows, *claim_rows))
    key = tuple(election_ids)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    vocabulary = ElectionVocabulary.build(
        (
            ContestantWords(
                code=code,
                name=name,
                kind=kind,
                ballot_number=number,
                aliases=tuple(aliases or ()),
                parties=tuple(parties or ()),
                slogans=tuple(slogans or ()),
                hashtags=tuple(hashtags or ()),
            )
            for code, name, kind, number, aliases, parties, slogans, hashtags in rows
        ),
        (Claim.build(code=code, text=text, source=source) for code, text, source in claim_rows),
    )
    with _cache_lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = (fingerprint, vocabulary)
    return vocabulary


@dataclass
class Analysis:
    """A normalised post with every vocabulary match, for the rules."""

    document: Document
    words: list[str]
    matches: list[Match]
    tags: list[set[str]]  # the tags covering each token
    vocabulary: ElectionVocabulary

    def find(self, tag: str) -> list[Match]:
        return [match for match in self.matches if match.tag == tag]

    def has(self, index: int, tag: str) -> bool:
        return 0 <= index < len(self.tags) and tag in self.tags[index]

    def near(
        self, index: int, tags: Iterable[str], *, before: int = 0, after: int = 0
    ) -> int | None:
        """The nearest token within the window carrying one of `tags`, in the same clause."""
        wanted = set(tags)
        clause = self.document.tokens[index].clause if self.words else 0
        tokens = self.document.tokens
        for distance in range(1, max(before, after) + 1):
            for other in (index - distance, index + distance):
                if other == index - distance and distance > before:
                    continue
                if other == index + distance and distance > after:
                    continue
                if (
                    0 <= other < len(self.tags)
                    and tokens[other].clause == clause
                    and self.tags[other] & wanted
                ):
                    return other
        return None

    def in_clause(self, index: int, tags: Iterable[str], *, before_only: bool = True) -> bool:
        wanted = set(tags)
        tokens = self.document.tokens
        clause = tokens[index].clause
        other = index - 1
        while other >= 0 and tokens[other].clause == clause:
            if self.tags[other] & wanted:
                return True
            other -= 1
        if not before_only:
            other = index + 1
            while other < len(tokens) and tokens[other].clause == clause:
                if self.tags[other] & wanted:
                    return True
                other += 1
        return False

    def clause_start(self, index: int) -> bool:
        tokens = self.document.tokens
        return index == 0 or tokens[index - 1].clause != tokens[index].clause

    def phrase_start(self, index: int) -> bool:
        """First word after a punctuation mark, a comma included: "Bapak ibu, pilih X"."""
        tokens = self.document.tokens
        return index == 0 or tokens[index - 1].phrase != tokens[index].phrase


def analyse(document: Document, vocabulary: ElectionVocabulary | None = None) -> Analysis:
    vocabulary = vocabulary or EMPTY_VOCABULARY
    words = [token.text for token in document.tokens]
    matches = general_lexicon().scan(words) + vocabulary.lexicon.scan(words)
    tags: list[set[str]] = [set() for _ in words]
    for match in matches:
        for index in range(match.start, match.end):
            tags[index].add(match.tag)
    for index, token in enumerate(document.tokens):
        if token.kind == "hashtag":
            tag = _hashtag_tag(token.text, vocabulary)
            if tag:
                tags[index].add(tag)
                matches.append(Match(tag, index, index + 1))
    return Analysis(document, words, matches, tags, vocabulary)


def _hashtag_tag(body: str, vocabulary: ElectionVocabulary) -> str:
    """ "campaign_tag" for a hashtag that campaigns, "" otherwise."""
    if body in vocabulary.hashtags or body in word_list("campaign_hashtag"):
        return "campaign_tag"
    names = vocabulary.hashtag_words
    if names is not None and names.search(body):
        return "campaign_tag"
    if any(part in body for part in word_list("neutral_hashtag")):
        return ""
    if any(part in body for part in word_list("hashtag_campaign_part")):
        party = _general_party_words().search(body)
        number = re.search(r"(?<!\d)0?([1-9]|1\d|2[0-4])(?!\d)", body)
        office = re.search(r"presiden|capres|paslon|gubernur|bupati|walikota|caleg", body)
        if party or number or office:
            return "campaign_tag"
    return ""


def analyse_text(text: str, vocabulary: ElectionVocabulary | None = None) -> Analysis:
    return analyse(normalise(text), vocabulary)
