"""Debunked claims: the rumours of an election that KPU, Bawaslu or Kominfo have already
corrected, as supervisors enter them. A post repeats one when it shares most of the claim's
meaning-bearing words, compared by their stems ("dicoblos", "tercoblos" and "pencoblosan" are all
"coblos"), so a paraphrase matches and the exact wording does not matter."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from netral.screening.normalise import phrase_tokens

# A post repeats a claim when it holds at least this share of the claim's stems, and at least
# MIN_SHARED of them: three words in common say little on their own ("surat", "suara", "tps").
MIN_SHARE = 0.6
MIN_SHARED = 3

# Function words, and the chain-message words that carry no claim ("tolong sebarkan").
STOPWORDS = frozenset(
    """
    yang dan atau di ke dari ini itu untuk dengan akan sudah telah ada tidak bukan juga saja
    pada dalam oleh karena bahwa agar supaya kita kami saya aku anda kamu mereka dia beliau ya
    pun lagi bisa dapat harus para semua sebelum setelah sesudah sedang masih jika kalau maka
    nya lah kah tersebut hal sangat lebih paling banyak sedikit belum hanya sendiri tadi nanti
    besok kemarin hari ini adalah ialah sebagai secara antara bagi tentang menurut kata katanya
    tolong sebarkan viralkan bagikan share teruskan info kabar berita dihapus mohon segera ayo
    yuk mari jangan sampai orang warga the
    """.split()  # noqa: SIM905
)
_PARTICLE = re.compile(r"(?:lah|kah|tah|pun)$")
_POSSESSIVE = re.compile(r"(?:ku|mu|nya)$")
_SUFFIX = re.compile(r"(?:kan|an|i)$")
# Prefixes by length, longest first; a nasal prefix drops the first letter of the root.
_PREFIXES = (
    ("meny", "s"),
    ("peny", "s"),
    ("meng", ""),
    ("peng", ""),
    ("mem", "p"),
    ("pem", "p"),
    ("men", "t"),
    ("pen", "t"),
    ("ber", ""),
    ("ter", ""),
    ("per", ""),
    ("me", ""),
    ("pe", ""),
    ("di", ""),
    ("ke", ""),
    ("se", ""),
)
_VOWELS = frozenset("aiueo")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light Indonesian stemmer: particles, possessives, one suffix and up to two prefixes
    come off while at least four letters stay. Claims and posts go through the same steps, so
    consistency matters more than the dictionary root."""
    if not word.isalpha() or len(word) <= 4:
        return word
    for pattern in (_PARTICLE, _POSSESSIVE, _SUFFIX):
        shorter = pattern.sub("", word)
        if len(shorter) >= 4:
            word = shorter
    for _round in range(2):
        for prefix, restored in _PREFIXES:
            rest = word[len(prefix) :]
            if not word.startswith(prefix) or len(rest) < 4:
                continue
            if restored and rest[0] in _VOWELS:
                rest = restored + rest
            word = rest
            break
        else:
            break
    return word


def content_stems(words: Iterable[str]) -> list[str]:
    """The stems of the meaning-bearing words, in order (numbers kept: "nomor 2")."""
    return [
        stem(word)
        for word in words
        if word not in STOPWORDS and (len(word) >= 3 or word.isdigit()) and word != "<url>"
    ]


@dataclass(frozen=True)
class Claim:
    code: str
    text: str
    source: str
    stems: frozenset[str]

    @classmethod
    def build(cls, *, code: str, text: str, source: str) -> Claim:
        return cls(code, text, source, frozenset(content_stems(phrase_tokens(text))))

    def shared(self, stems: frozenset[str]) -> frozenset[str]:
        """The claim's stems the post holds, when they are enough to say it repeats it."""
        common = self.stems & stems
        needed = max(MIN_SHARED, math.ceil(MIN_SHARE * len(self.stems)))
        return common if len(common) >= needed else frozenset()


@dataclass(frozen=True)
class ClaimMatch:
    claim: Claim
    tokens: tuple[int, ...]  # indexes of the post's tokens that carry the shared stems


def claims_matched(words: Sequence[str], claims: Sequence[Claim]) -> list[ClaimMatch]:
    """The debunked claims a post (its normalised words) repeats, best match first."""
    if not claims:
        return []
    stems = [
        stem(word) if word not in STOPWORDS and (len(word) >= 3 or word.isdigit()) else ""
        for word in words
    ]
    present = frozenset(s for s in stems if s)
    found: list[tuple[float, ClaimMatch]] = []
    for claim in claims:
        shared = claim.shared(present)
        if shared:
            tokens = tuple(index for index, value in enumerate(stems) if value in shared)
            found.append((len(shared) / len(claim.stems), ClaimMatch(claim, tokens)))
    found.sort(key=lambda pair: -pair[0])
    return [match for _, match in found]
