"""The second kind of screening model: scikit-learn's own TF-IDF features and logistic
regressions, exported by `netral train_screening --learner sklearn` and scored here in pure
Python, to the same numbers as scikit-learn's `TfidfVectorizer.transform` followed by
`LogisticRegression.decision_function` (tests/screening/test_tfidf.py checks it to 1e-9).

It reads the post as written, as scikit-learn saw it when it was fitted, not the pipeline's
normalised text. Each block of features (word n-grams, character n-grams within words) is the
vectorizer's: lower-cased, its token pattern, its n-gram range, term counts (or 1 + log counts
when `sublinear_tf`), times the smoothed idf, scaled to unit length; the blocks stand side by
side, as scikit-learn's `make_union` puts them."""

from __future__ import annotations

import base64
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import is_not, itemgetter, mul
from typing import Any, cast

KIND = "tfidf"
ANALYZERS = ("word", "char_wb")
# Words whose character n-grams a loaded model keeps (their features and margins, about 300
# bytes each).
WORD_CACHE_SIZE = 100_000
# scikit-learn's whitespace squeeze before `char_wb` splits a text into words.
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass
class Block:
    """One vectorizer's part of the features; `vocabulary` maps each of its n-grams to its
    feature index over all blocks."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    lowercase: bool = True
    token_pattern: str = r"(?u)\b\w\w+\b"  # noqa: S105 - scikit-learn's default, no password
    sublinear_tf: bool = False

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"analyzer {self.analyzer!r}: this code reads {ANALYZERS}")
        low, high = self.ngram_range
        if not 1 <= low <= high:
            raise ValueError(f"n-gram range {self.ngram_range!r}")
        self._tokens = re.compile(self.token_pattern).findall

    def grams(self, text: str) -> list[str]:
        """The n-grams scikit-learn's analyzer makes of a text, repeats included."""
        if self.analyzer == "word":
            return _word_ngrams(self._tokens(self._case(text)), self.ngram_range)
        return [gram for word in self.words(text) for gram in self._char(word)]

    def words(self, text: str) -> list[str]:
        """The words a `char_wb` block takes its n-grams from, repeats included."""
        return _WHITE_SPACES.sub(" ", self._case(text)).split()

    def counts(self, text: str) -> dict[int, int]:
        """How often each of the block's features occurs in a text."""
        found = filter(_known, map(self.vocabulary.get, self.grams(text)))
        return Counter(cast(Iterable[int], found))

    def parts(self, text: str) -> dict[str, Counter[int]]:
        """`counts` per n-gram (word blocks) or per word (`char_wb` blocks), repeats
        counted: what each part of the text adds to the block."""
        if self.analyzer == "word":
            found = Counter(self.grams(text))
            return {
                gram: Counter({self.vocabulary[gram]: n})
                for gram, n in found.items()
                if gram in self.vocabulary
            }
        return {
            word: Counter({index: n * times for index, n in Counter(self.char_ids(word)).items()})
            for word, times in Counter(self.words(text)).items()
        }

    def char_ids(self, word: str) -> tuple[int, ...]:
        """The features of one word's character n-grams, repeats included."""
        vocabulary = self.vocabulary
        return tuple(vocabulary[g] for g in self._char(word) if g in vocabulary)

    def _case(self, text: str) -> str:
        return text.lower() if self.lowercase else text

    def _char(self, word: str) -> list[str]:
        """scikit-learn's `_char_wb_ngrams` for one word, short words included."""
        low, high = self.ngram_range
        padded = f" {word} "
        length = len(padded)
        grams = []
        for size in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + size])
            while offset + size < length:
                offset += 1
                grams.append(padded[offset : offset + size])
            if offset == 0:  # a word no longer than this size counts once
                break
        return grams


_known = partial(is_not, None)


def _word_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """scikit-learn's `_word_ngrams`: the tokens' n-grams joined by a space."""
    low, high = ngram_range
    grams = list(tokens) if low == 1 else []
    for size in range(max(low, 2), min(high, len(tokens)) + 1):
        grams += map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False))
    return grams


@dataclass
class TfidfModel:
    categories: tuple[str, ...]
    blocks: tuple[Block, ...]
    documents: int  # how many posts the vectorizers were fitted on
    frequencies: list[int]  # in how many of them each feature occurs, over all blocks
    weights: dict[str, array[float]]  # category -> a weight per feature
    bias: dict[str, float]
    info: dict[str, object] = field(default_factory=dict)
    idf: list[float] = field(init=False)  # per feature, from the frequencies

    # What the model reads: the post as written (the pipeline passes its text, not the
    # normalised one).
    reads_normalised = False

    def __post_init__(self) -> None:
        # One float per distinct frequency: most n-grams share a few.
        # Lists of shared floats (a few distinct ones), so a look-up makes no new float.
        idf_of = {n: smoothed_idf(self.documents, n) for n in set(self.frequencies)}
        squared_of = {n: idf * idf for n, idf in idf_of.items()}
        self.idf = [idf_of[n] for n in self.frequencies]
        self._idf = self.idf
        self._idf_squared = [squared_of[n] for n in self.frequencies]
        if any(len(self.weights[category]) != len(self.idf) for category in self.categories):
            raise ValueError("the model's features and weights do not match")
        self._columns = [self.weights[category] for category in self.categories]
        self._bias = [self.bias[category] for category in self.categories]
        # Per `char_wb` block, each word seen: its features and its part of each category's
        # margin before scaling (sum of count · idf · weight), so a post costs a look-up a word.
        self._words: list[dict[str, tuple[tuple[int, ...], tuple[float, ...]]]] = [
            {} for _ in self.blocks
        ]
        # Per word block, each feature seen: its idf and its idf · weight for each category, so
        # a post costs a look-up an n-gram.
        self._grams: list[dict[str, tuple[float, ...]]] = [{} for _ in self.blocks]
        # The last text scored and each block's length for it: what `contributions` reuses.
        self._lengths: tuple[str, list[float]] = ("", [0.0] * len(self.blocks))

    def margins(self, text: str) -> list[float]:
        """Each category's decision function (scikit-learn's `decision_function`)."""
        return self._margins(text)[0]

    def _margins(self, text: str) -> tuple[list[float], list[float]]:
        """The margins and each block's length for the text (kept for `contributions`)."""
        margins = list(self._bias)
        lengths = []
        for block, cache, grams in zip(self.blocks, self._words, self._grams, strict=True):
            if block.analyzer == "char_wb" and not block.sublinear_tf:
                lengths.append(self._add_words(margins, block, cache, text))
                continue
            if block.analyzer == "word" and not block.sublinear_tf:
                lengths.append(self._add_grams(margins, block, grams, text))
                continue
            counts = block.counts(text)
            if not counts:
                lengths.append(0.0)
                continue
            keys = list(counts)
            terms: Iterable[float] = counts.values()
            if block.sublinear_tf:
                terms = [1.0 + math.log(n) for n in terms]
            values = list(map(mul, terms, map(self._idf.__getitem__, keys)))
            norm = math.sqrt(sum(map(mul, values, values)))
            lengths.append(norm)
            for position, column in enumerate(self._columns):
                margins[position] += sum(map(mul, values, map(column.__getitem__, keys))) / norm
        self._lengths = (text, lengths)
        return margins, lengths

    def _add_grams(
        self,
        margins: list[float],
        block: Block,
        cache: dict[str, tuple[float, ...]],
        text: str,
    ) -> float:
        """A word block with term counts, from each feature's kept entry (n-grams that are no
        feature are not kept: most bigrams of a post are new). Returns the block's length."""
        found = []
        vocabulary = block.vocabulary
        for gram, n in Counter(block.grams(text)).items():
            entry = cache.get(gram)
            if entry is None and gram in vocabulary:
                entry = cache[gram] = self._gram(vocabulary[gram])
            if entry is not None:
                found.append((n, entry))
        if not found:
            return 0.0
        counts, entries = zip(*found, strict=True)
        idf, *columns = zip(*entries, strict=True)
        values = list(map(mul, counts, idf))
        norm = math.sqrt(sum(map(mul, values, values)))
        for position, column in enumerate(columns):
            margins[position] += sum(map(mul, counts, column)) / norm
        return norm

    def _gram(self, index: int) -> tuple[float, ...]:
        idf = self._idf[index]
        return (idf, *(idf * column[index] for column in self._columns))

    def _add_words(
        self,
        margins: list[float],
        block: Block,
        cache: dict[str, tuple[tuple[int, ...], tuple[float, ...]]],
        text: str,
    ) -> float:
        """A `char_wb` block with term counts: the margins are sums over the words (each word's
        part is kept); the length needs each feature's count in the whole post. Returns it."""
        if len(cache) > WORD_CACHE_SIZE:
            cache.clear()
        words = block.words(text)
        found = list(map(cache.get, words))
        entries = (
            [kept or self._word(block, cache, w) for w, kept in zip(words, found, strict=True)]
            if None in found
            else cast(list[tuple[tuple[int, ...], tuple[float, ...]]], found)
        )
        counts = Counter(chain.from_iterable(map(itemgetter(0), entries)))
        if not counts:
            return 0.0
        squares = map(mul, counts.values(), counts.values())
        norm = math.sqrt(sum(map(mul, squares, map(self._idf_squared.__getitem__, counts))))
        for position, parts in enumerate(zip(*map(itemgetter(1), entries), strict=True)):
            margins[position] += sum(parts) / norm
        return norm

    def _word(
        self, block: Block, cache: dict[str, tuple[tuple[int, ...], tuple[float, ...]]], word: str
    ) -> tuple[tuple[int, ...], tuple[float, ...]]:
        ids = block.char_ids(word)
        idf = self._idf
        parts = tuple(sum([idf[i] * column[i] for i in ids]) for column in self._columns)
        cache[word] = (ids, parts)
        return cache[word]

    def scores(self, text: str) -> dict[str, float]:
        return {
            category: _sigmoid(margin)
            for category, margin in zip(self.categories, self.margins(text), strict=True)
        }

    def contributions(self, text: str, category: str, *, top: int = 3) -> list[tuple[str, float]]:
        """The parts of the text that pushed a category's margin up most, as (n-gram or word,
        share of the margin): word n-grams by their own weight, each word by its character
        n-grams together. With term counts (not `sublinear_tf`) they add up to the margin less
        the bias. Asked for right after `scores` of the same text, it reuses its lengths."""
        seen, lengths = self._lengths  # one read: another thread may score meanwhile
        if seen != text:
            lengths = self._margins(text)[1]
        position = self.categories.index(category)
        column = self._columns[position]
        idf = self._idf
        found: dict[str, float] = {}
        for block, cache, norm in zip(self.blocks, self._words, lengths, strict=True):
            if not norm:
                continue
            if block.analyzer == "char_wb" and not block.sublinear_tf:
                # Each word's kept part (`_word`) times its count.
                words = Counter(block.words(text))
                kept = {word: cache.get(word) or self._word(block, cache, word) for word in words}
                shares = {word: n * kept[word][1][position] / norm for word, n in words.items()}
            elif block.analyzer == "word":
                vocabulary = block.vocabulary
                shares = {
                    gram: (1.0 + math.log(n) if block.sublinear_tf else n)
                    * idf[vocabulary[gram]]
                    * column[vocabulary[gram]]
                    / norm
                    for gram, n in Counter(block.grams(text)).items()
                    if gram in vocabulary
                }
            else:  # a word's part of each n-gram's value, by its share of the n-gram's count
                counts = block.counts(text)
                shares = {
                    part: sum(
                        n
                        / counts[index]
                        * (1.0 + math.log(counts[index]))
                        * idf[index]
                        * column[index]
                        for index, n in part_counts.items()
                    )
                    / norm
                    for part, part_counts in block.parts(text).items()
                }
            for part, share in shares.items():
                found[part] = found.get(part, 0.0) + share
        ranked = sorted(((g, v) for g, v in found.items() if v > 0), key=lambda p: (-p[1], p[0]))
        return ranked[:top]


def _sigmoid(margin: float) -> float:
    if margin >= 0:
        return 1.0 / (1.0 + math.exp(-margin))
    exp = math.exp(margin)
    return exp / (1.0 + exp)


def smoothed_idf(documents: int, frequency: int) -> float:
    """scikit-learn's idf with `smooth_idf`: as if one more document had every n-gram."""
    return math.log((documents + 1) / (frequency + 1)) + 1.0


# --- Storage (the JSON of `model.model_save` and `model.model_load`, version 2) ---------------


def tfidf_to_json(model: TfidfModel) -> dict[str, object]:
    """The model's JSON parts: each block's settings and n-grams in feature order, the document
    frequencies (the idf follows from them), and each category's weights."""
    categories = model.categories
    blocks = []
    for block in model.blocks:
        grams = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
        blocks.append(
            {
                "analyzer": block.analyzer,
                "ngram_range": list(block.ngram_range),
                "lowercase": block.lowercase,
                "token_pattern": block.token_pattern,
                "sublinear_tf": block.sublinear_tf,
                "grams": grams,
            }
        )
    return {
        "kind": KIND,
        "documents": model.documents,
        "blocks": blocks,
        "document_frequency": list(model.frequencies),
        "weights": {category: _weights_json(model.weights[category]) for category in categories},
        "bias": {category: model.bias[category] for category in categories},
    }


def _weights_json(column: array[float]) -> dict[str, object]:
    """A category's weights: the values as base64 of little-endian doubles (exact, and read
    several times faster than decimals), with the indexes of the nonzero ones when fewer than
    a third are (a category learnt from a few posts)."""
    indexes = [index for index, weight in enumerate(column) if weight]
    if len(indexes) * 3 >= len(column):
        return {"values": _pack(column)}
    return {"indexes": indexes, "values": _pack(array("d", map(column.__getitem__, indexes)))}


def _pack(values: array[float]) -> str:
    if sys.byteorder == "big":
        values = array("d", values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(values: str | list[float]) -> array[float]:
    """Doubles from `_pack`, or from a list of numbers (a model written by hand)."""
    if isinstance(values, list):
        return array("d", (float(value) for value in values))
    result = array("d")
    result.frombytes(base64.b64decode(values, validate=True))
    if sys.byteorder == "big":
        result.byteswap()
    return result


def tfidf_from_json(
    data: dict[str, Any], categories: tuple[str, ...], info: dict[str, object]
) -> TfidfModel:
    """A model from its JSON parts; ValueError (or KeyError, TypeError) when they are not one."""
    if data.get("kind") != KIND:
        raise ValueError(f"model kind {data.get('kind')!r}, this code reads {KIND!r}")
    documents = int(data["documents"])
    blocks = []
    start = 0
    for part in data["blocks"]:
        grams = [str(gram) for gram in part["grams"]]
        low, high = (int(n) for n in part["ngram_range"])
        blocks.append(
            Block(
                analyzer=str(part["analyzer"]),
                ngram_range=(low, high),
                vocabulary={gram: start + offset for offset, gram in enumerate(grams)},
                lowercase=bool(part["lowercase"]),
                token_pattern=str(part["token_pattern"]),
                sublinear_tf=bool(part["sublinear_tf"]),
            )
        )
        start += len(grams)
    frequencies = [int(n) for n in data["document_frequency"]]
    if len(frequencies) != start or any(not 0 < n <= documents for n in frequencies):
        raise ValueError("the model's features and document frequencies do not match")
    weights = {}
    for category in categories:
        part = data["weights"][category]
        values = _unpack(part["values"])
        if "indexes" not in part:
            weights[category] = values
            continue
        indexes = [int(index) for index in part["indexes"]]
        if len(indexes) != len(values) or any(not 0 <= i < start for i in indexes):
            raise ValueError(f"{category}: weights do not match the features")
        column = array("d", bytes(8 * start))
        for index, value in zip(indexes, values, strict=True):
            column[index] = value
        weights[category] = column
    return TfidfModel(
        categories=categories,
        blocks=tuple(blocks),
        documents=documents,
        frequencies=frequencies,
        weights=weights,
        bias={category: float(data["bias"][category]) for category in categories},
        info=info,
    )
