"""The statistical part of screening: word and character n-gram features with a linear model
per category, trained by `netral train_screening`. Until a model is trained, `model_scores`
returns None and screening runs on its rules alone (the pages say so).

Features are TF-IDF word 1-2-grams and character 2-5-grams (within words), each block scaled to
unit length. Each category has its own logistic regression, trained by dual coordinate descent
(the method of liblinear): no learning rate to tune, and a few passes over the data suffice.
The model is a JSON file, never a pickle, so loading it cannot run code. A file of version 2
holds the other kind, scikit-learn's own TF-IDF and logistic regressions (`tfidf.TfidfModel`,
trained by `--learner sklearn`), which reads the post as written rather than normalised."""

from __future__ import annotations

import json
import logging
import math
import os
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from django.conf import settings

from netral.screening.models import Category, FlagReview
from netral.screening.normalise import WORD_PATTERN_MODEL, normalise
from netral.screening.tfidf import TfidfModel, tfidf_from_json, tfidf_to_json

logger = logging.getLogger(__name__)

FORMAT = "netral-screening-model"
VERSION = 1
# The version of files holding a `TfidfModel`.
VERSION_TFIDF = 2
# Inverse regularisation strength, as liblinear's and scikit-learn's C.
DEFAULT_C = 8.0
DEFAULT_EPOCHS = 12
WORD_PATTERN = WORD_PATTERN_MODEL
CHAR_SIZES = (2, 3, 4, 5)
# Words whose character n-gram sums a loaded model keeps (about 100 bytes each).
WORD_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class Example:
    text: str
    # What is known of the post, category by category: a reviewed flag tells one category only.
    labels: dict[str, bool]


@dataclass
class ScreeningModel:
    categories: tuple[str, ...]
    words: dict[str, int]  # word n-gram -> feature index
    chars: dict[str, int]  # character n-gram -> feature index
    idf: list[float]
    weights: dict[str, list[float]]  # category -> weight per feature
    bias: dict[str, float]
    info: dict[str, object] = field(default_factory=dict)  # counts, metrics, when trained

    # What the model reads: the pipeline's normalised text (`model_text`).
    reads_normalised = True

    def __post_init__(self) -> None:
        # For speed, each n-gram maps to (idf², weight·idf for each category), and each word
        # seen to the sums of those over its character n-grams: a post's scores are then a
        # few look-ups and sums, mostly in C.
        columns = [self.weights[category] for category in self.categories]
        self._words, self._chars = (
            {
                gram: (
                    self.idf[index] ** 2,
                    *(self.idf[index] * column[index] for column in columns),
                )
                for gram, index in vocabulary.items()
            }
            for vocabulary in (self.words, self.chars)
        )
        self._bias = [self.bias[category] for category in self.categories]
        self._word_sums: dict[str, tuple[float, ...]] = {}

    def scores(self, text: str) -> dict[str, float]:
        text = text.lower()
        margins = list(self._bias)
        words = WORD_PATTERN.findall(text)
        grams = {*words, *(f"{first} {second}" for first, second in pairwise(words))}
        found = [entry for entry in map(self._words.get, grams) if entry]
        sums = self._word_sums
        if len(sums) > WORD_CACHE_SIZE:
            sums.clear()
        for block in (found, [sums.get(word) or self._sum(word) for word in set(text.split())]):
            if not block:
                continue
            squares, *products = zip(*block, strict=True)
            total = sum(squares)
            if not total:
                continue
            scale = 1 / math.sqrt(total)
            for position, column in enumerate(products):
                margins[position] += scale * sum(column)
        return {
            category: _sigmoid(margin)
            for category, margin in zip(self.categories, margins, strict=True)
        }

    def contributions(self, text: str, category: str, *, top: int = 3) -> list[tuple[str, float]]:
        """The n-grams that pushed a category's score up most, as (n-gram, share of the margin):
        word 1-2-grams by their own weight, each word also by its character n-grams together.
        Only asked for when the model flags a post, so it may take its time."""
        position = self.categories.index(category) + 1
        text = text.lower()
        words = WORD_PATTERN.findall(text)
        grams = {*words, *(f"{first} {second}" for first, second in pairwise(words))}
        found: dict[str, float] = {}
        entries = [(gram, entry) for gram in grams if (entry := self._words.get(gram))]
        total = sum(entry[0] for _, entry in entries)
        for gram, entry in entries:
            found[gram] = entry[position] / math.sqrt(total)
        sums = [(word, self._word_sums.get(word) or self._sum(word)) for word in set(text.split())]
        total = sum(entry[0] for _, entry in sums)
        for word, entry in sums:
            if total and len(entry) > position:
                found[word] = found.get(word, 0.0) + entry[position] / math.sqrt(total)
        ranked = sorted(((g, v) for g, v in found.items() if v > 0), key=lambda p: (-p[1], p[0]))
        return ranked[:top]

    def _sum(self, word: str) -> tuple[float, ...]:
        found = [entry for entry in map(self._chars.get, _word_grams(word)) if entry]
        result = tuple(map(sum, zip(*found, strict=True))) if found else ()
        self._word_sums[word] = result or (0.0,) * (len(self.categories) + 1)
        return self._word_sums[word]


def model_text(text: str) -> str:
    """A post as the model reads it: the pipeline's normalised tokens (`screen` passes the same
    to `model_scores`), so training and screening see the same words."""

    return normalise(text).text


def ngrams(text: str) -> tuple[list[str], list[str]]:
    """Word 1-2-grams, and character 2-5-grams of each distinct word padded with spaces
    (scikit-learn's `char_wb`), so that the grams at a word's edges say so."""
    text = text.lower()
    words = WORD_PATTERN.findall(text)
    word_grams = words + [f"{first} {second}" for first, second in pairwise(words)]
    char_grams: list[str] = []
    for word in set(text.split()):
        char_grams += _word_grams(word)
    return word_grams, char_grams


def _word_grams(word: str) -> list[str]:
    padded = f" {word} "
    return [
        padded[start : start + size]
        for size in CHAR_SIZES
        for start in range(len(padded) - size + 1)
    ]


def _vector(
    word_grams: list[str],
    char_grams: list[str],
    words: dict[str, int],
    chars: dict[str, int],
    idf: list[float],
) -> list[tuple[int, float]]:
    """A post's feature vector: (index, value) pairs, each block of unit length. A word n-gram
    is there or not; a character n-gram counts once per distinct word it is in, and the
    block's length is taken over those occurrences (sqrt of the sum of idf²), so that each
    word's part can be summed once and kept (`ScreeningModel._sum`)."""
    vector: list[tuple[int, float]] = []
    indexes = [index for index in map(words.get, set(word_grams)) if index is not None]
    if indexes:
        scale = 1 / math.sqrt(sum([idf[index] ** 2 for index in indexes]))
        vector += [(index, idf[index] * scale) for index in indexes]
    counts = Counter(index for index in map(chars.get, char_grams) if index is not None)
    if counts:
        scale = 1 / math.sqrt(sum([count * idf[index] ** 2 for index, count in counts.items()]))
        vector += [(index, count * idf[index] * scale) for index, count in counts.items()]
    return vector


def _sigmoid(margin: float) -> float:
    if margin >= 0:
        return 1.0 / (1.0 + math.exp(-margin))
    exp = math.exp(margin)
    return exp / (1.0 + exp)


# --- Training ---------------------------------------------------------------------------------


def model_train(
    *,
    examples: Sequence[Example],
    categories: Sequence[str] | None = None,
    c: float = DEFAULT_C,
    epochs: int = DEFAULT_EPOCHS,
    min_df: int = 2,
    seed: int = 0,
    balanced: bool = False,
) -> ScreeningModel:
    """Train one logistic regression per category on the examples (raw posts) labelled for it.
    Categories default to every one that some example labels. `balanced` weighs both classes
    alike: a rare category's recall rises, and so do false flags on posts unlike the examples
    (several times as many news sentences flagged with our labelled set), so it is off."""
    if categories is None:
        categories = sorted({category for example in examples for category in example.labels})
    features = model_features(examples, min_df=min_df)
    words, chars, idf, vectors = features.words, features.chars, features.idf, features.vectors
    weights, bias = {}, {}
    for category in categories:
        rows = [
            (vectors[index], example.labels[category])
            for index, example in enumerate(examples)
            if category in example.labels
        ]
        weights[category], bias[category] = _logistic_regression(
            rows, len(idf), c=c, epochs=epochs, seed=seed, balanced=balanced
        )
    return ScreeningModel(
        categories=tuple(categories),
        words=words,
        chars=chars,
        idf=idf,
        weights=weights,
        bias=bias,
    )


@dataclass(frozen=True)
class Features:
    words: dict[str, int]
    chars: dict[str, int]
    idf: list[float]
    vectors: list[list[tuple[int, float]]]  # one sparse vector an example, (index, value)


def model_features(examples: Sequence[Example], *, min_df: int = 2) -> Features:
    """The n-gram vocabulary, idf and each example's vector, exactly as `ScreeningModel.scores`
    computes them for a post: any learner trained on these exports a model the scorer reads."""
    grams = [ngrams(model_text(example.text)) for example in examples]
    words = _vocabulary((set(word_grams) for word_grams, _ in grams), min_df)
    chars = _vocabulary((set(char_grams) for _, char_grams in grams), min_df, start=len(words))
    document_frequency = [0] * (len(words) + len(chars))
    for word_grams, char_grams in grams:
        for gram in set(word_grams):
            if gram in words:
                document_frequency[words[gram]] += 1
        for gram in set(char_grams):
            if gram in chars:
                document_frequency[chars[gram]] += 1
    count = len(examples)
    idf = [math.log((1 + count) / (1 + frequency)) + 1 for frequency in document_frequency]
    vectors = [
        _vector(word_grams, char_grams, words, chars, idf) for word_grams, char_grams in grams
    ]
    return Features(words, chars, idf, vectors)


def _vocabulary(documents: Iterable[set[str]], min_df: int, start: int = 0) -> dict[str, int]:
    frequency: Counter[str] = Counter()
    for grams in documents:
        frequency.update(grams)
    kept = sorted(gram for gram, seen in frequency.items() if seen >= min_df)
    return {gram: start + offset for offset, gram in enumerate(kept)}


def _logistic_regression(
    rows: Sequence[tuple[list[tuple[int, float]], bool]],
    dimension: int,
    *,
    c: float,
    epochs: int,
    seed: int,
    balanced: bool,
) -> tuple[list[float], float]:
    """L2-regularised logistic regression, min ½‖w‖² + Σ C_i log(1 + exp(-y_i w·x_i)), by dual
    coordinate descent (Yu, Huang and Lin 2011). Each example's dual variable is C_i·beta_i with
    beta_i in (0, 1); the bias is a weight on a constant feature of 1, as in liblinear. Balanced,
    each class weighs as much as the other in total, so a rare category is not drowned out."""
    weights = [0.0] * dimension
    bias = 0.0
    signs = [1.0 if label else -1.0 for _, label in rows]
    positives = sum(1 for _, label in rows if label)
    class_costs = {True: c, False: c}
    if balanced and 0 < positives < len(rows):
        class_costs = {
            True: c * len(rows) / (2 * positives),
            False: c * len(rows) / (2 * (len(rows) - positives)),
        }
    costs = [class_costs[label] for _, label in rows]
    curvatures = [
        cost * (sum([value * value for _, value in vector]) + 1.0)
        for (vector, _), cost in zip(rows, costs, strict=True)
    ]
    start = 1e-3
    betas = [start] * len(rows)
    for (vector, _), sign, cost in zip(rows, signs, costs, strict=True):
        for index, value in vector:
            weights[index] += cost * start * sign * value
        bias += cost * start * sign
    order = list(range(len(rows)))
    shuffle = random.Random(seed).shuffle
    for _epoch in range(epochs):
        shuffle(order)
        largest_step = 0.0
        for position in order:
            vector = rows[position][0]
            sign = signs[position]
            beta = betas[position]
            margin = sign * (bias + sum([weights[index] * value for index, value in vector]))
            new_beta = _dual_step(margin, curvatures[position], beta)
            step = new_beta - beta
            if step:
                betas[position] = new_beta
                change = costs[position] * step * sign
                for index, value in vector:
                    weights[index] += change * value
                bias += change
                largest_step = max(largest_step, abs(step))
        if largest_step < 1e-4:
            break
    return weights, bias


def _dual_step(margin: float, curvature: float, beta: float) -> float:
    """Solve log(b / (1 - b)) + margin + curvature·(b - beta) = 0 for b in (0, 1): Newton's
    method kept inside a shrinking bracket (the left side increases with b)."""
    low, high = 0.0, 1.0
    point = min(max(beta, 1e-12), 1 - 1e-12)
    for _ in range(30):
        value = math.log(point / (1 - point)) + margin + curvature * (point - beta)
        if abs(value) < 1e-9:
            break
        if value > 0:
            high = point
        else:
            low = point
        point = point - value / (1 / (point * (1 - point)) + curvature)
        if not low < point < high:
            point = (low + high) / 2
    return point


# --- Storage ----------------------------------------------------------------------------------


def model_save(model: ScreeningModel | TfidfModel, path: Path) -> None:
    """Write the model as JSON, atomically: a process loading it never sees half a file."""
    data: dict[str, object]
    if isinstance(model, TfidfModel):
        # Exact weights (doubles, `tfidf.tfidf_to_json`): the scores must be scikit-learn's.
        data = {
            "format": FORMAT,
            "version": VERSION_TFIDF,
            "categories": list(model.categories),
            "info": model.info,
            **tfidf_to_json(model),
        }
    else:
        data = _model_json(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".screening-model-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            json.dump(data, output, ensure_ascii=False, separators=(",", ":"))
        # mkstemp's 0600: its vocabulary comes from collected posts, read by Netral's user only.
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _model_json(model: ScreeningModel) -> dict[str, object]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "categories": list(model.categories),
        "info": model.info,
        "features": {
            "words": _ordered(model.words),
            "chars": _ordered(model.chars),
            "idf": [round(value, 6) for value in model.idf],
        },
        "weights": {
            category: [round(value, 6) for value in model.weights[category]]
            for category in model.categories
        },
        "bias": model.bias,
    }


def _ordered(vocabulary: dict[str, int]) -> list[str]:
    return sorted(vocabulary, key=vocabulary.__getitem__)


def model_load(path: Path) -> ScreeningModel | TfidfModel:
    """Read a model file of either kind; ValueError when it is not one (OSError when it cannot
    be read)."""
    with open(path, encoding="utf-8") as source:
        try:
            data = json.load(source)
        except json.JSONDecodeError as error:
            raise ValueError(f"not JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a screening model")
    if data.get("version") == VERSION_TFIDF:
        try:
            categories = tuple(str(category) for category in data["categories"])
            info = data.get("info")
            return tfidf_from_json(data, categories, info if isinstance(info, dict) else {})
        except (KeyError, TypeError, ValueError, re.error) as error:
            raise ValueError(f"incomplete model: {error!r}") from None
    if data.get("version") != VERSION:
        raise ValueError(
            f"model version {data.get('version')!r}, this code reads {VERSION} and {VERSION_TFIDF}"
        )
    try:
        categories = tuple(str(category) for category in data["categories"])
        features = data["features"]
        word_list, char_list = features["words"], features["chars"]
        idf = [float(value) for value in features["idf"]]
        words = {gram: index for index, gram in enumerate(word_list)}
        chars = {gram: len(word_list) + index for index, gram in enumerate(char_list)}
        weights = {
            category: [float(w) for w in data["weights"][category]] for category in categories
        }
        bias = {category: float(data["bias"][category]) for category in categories}
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"incomplete model: {error!r}") from None
    if len(idf) != len(words) + len(chars) or any(len(w) != len(idf) for w in weights.values()):
        raise ValueError("the model's features and weights do not match")
    info = data.get("info")
    return ScreeningModel(
        categories=categories,
        words=words,
        chars=chars,
        idf=idf,
        weights=weights,
        bias=bias,
        info=info if isinstance(info, dict) else {},
    )


# How often a process looks whether the model file changed: a stat per post would cost more
# than a tenth of the model's own time.
CHECK_SECONDS = 2.0
# The loaded model of this process: the file's path, (modification time, size), the model and
# when the file was last looked at.
_loaded: tuple[str, tuple[int, int] | None, ScreeningModel | TfidfModel | None, float] | None = None


def model_current() -> ScreeningModel | TfidfModel | None:
    """The configured model, loaded once per process and again when its file changes; None
    (with one warning per change of the file) when there is none or it cannot be read."""
    global _loaded
    path = settings.NETRAL_SCREENING_MODEL
    now = time.monotonic()
    if _loaded is not None and _loaded[0] == path and now - _loaded[3] < CHECK_SECONDS:
        return _loaded[2]
    try:
        status = os.stat(path)
        signature: tuple[int, int] | None = (status.st_mtime_ns, status.st_size)
    except OSError:
        signature = None
    if _loaded is not None and _loaded[0] == path and _loaded[1] == signature:
        _loaded = (path, signature, _loaded[2], now)
        return _loaded[2]
    model = None
    if signature is None:
        logger.warning("No screening model at %s: screening uses its rules only.", path)
    else:
        try:
            model = model_load(Path(path))
        except (OSError, ValueError) as error:
            logger.warning("Screening model %s is unusable (%s): rules only.", path, error)
    _loaded = (path, signature, model, now)
    return model


def model_contributions(
    normalised_text: str, category: str, text: str | None = None
) -> list[tuple[str, float]]:
    """The current model's strongest n-grams for a category (`ScreeningModel.contributions`),
    of the normalised post or, for a model that reads it so, the post as written (`text`)."""
    model = model_current()
    if model is None or category not in model.categories:
        return []
    return model.contributions(_input(model, normalised_text, text), category)


def model_scores(normalised_text: str, text: str | None = None) -> dict[str, float] | None:
    """Each category's probability for one post, or None without a trained model: the model
    reads the normalised post or, if it is of the kind that reads it so, the post as written
    (`text`; the pipeline passes both)."""
    model = model_current()
    if model is None:
        return None
    return model.scores(_input(model, normalised_text, text))


def _input(model: ScreeningModel | TfidfModel, normalised_text: str, text: str | None) -> str:
    """What the model reads (the normalised text when the post as written is not given)."""
    if model.reads_normalised or text is None:
        return normalised_text
    return text


def model_read(model: ScreeningModel | TfidfModel, text: str) -> dict[str, float]:
    """A model's scores of a post as written, given as it reads it."""
    return model.scores(model_text(text) if model.reads_normalised else text)


# --- Examples and measures --------------------------------------------------------------------

# The labelled posts the project ships and trains its default model on.
LABELLED_SET = Path(__file__).resolve().parent / "data" / "labelled.jsonl"


def examples_from_jsonl(path: Path) -> list[Example]:
    """One post a line, {"text": ..., "labels": [categories]}: every category of the model is
    known for each post (absent from "labels" means not of it)."""

    examples = []
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, labels = row["text"], set(row["labels"])
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}, line {number}: {error!r}") from None
            unknown = labels - set(Category.values)
            if unknown or not isinstance(text, str):
                raise ValueError(f"{path}, line {number}: unknown labels {sorted(unknown)}")
            examples.append(Example(text, {c: c in labels for c in Category.values}))
    return examples


def examples_from_csv(
    path: Path, *, category: str, label_columns: Sequence[str], text_column: str | None = None
) -> list[Example]:
    """A CSV with a text column and 0/1 columns: a post is of `category` when any of
    `label_columns` is 1. The text column is `text_column`, else one named text, tweet or post."""
    import csv

    with open(path, encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        columns = {name.lower(): name for name in reader.fieldnames or []}
        wanted = [text_column.lower()] if text_column else ["text", "tweet", "post"]
        found = next((columns[name] for name in wanted if name in columns), None)
        missing = [name for name in label_columns if name not in (reader.fieldnames or [])]
        if found is None or missing:
            raise ValueError(
                f"{path}: needs a text column ({' or '.join(wanted)}) and the label columns "
                f"{', '.join(label_columns)}; it has {', '.join(reader.fieldnames or [])}"
            )
        return [
            Example(row[found], {category: any(row[name].strip() == "1" for name in label_columns)})
            for row in reader
        ]


def examples_from_reviews() -> list[Example]:
    """The supervisors' verdicts: each reviewed post, labelled for the categories reviewed."""

    labels: dict[int, dict[str, bool]] = {}
    texts: dict[int, str] = {}
    for post_id, text, category, is_correct in FlagReview.objects.values_list(
        "post_id", "post__text", "category", "is_correct"
    ).order_by("post_id", "category"):
        texts[post_id] = text
        labels.setdefault(post_id, {})[category] = is_correct
    return [Example(texts[post_id], labels[post_id]) for post_id in texts]


def examples_split(
    examples: Sequence[Example], *, held_out: float = 0.2, seed: int = 2019
) -> tuple[list[Example], list[Example]]:
    """A fixed, seeded split into a training part and a held-out part."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    cut = len(order) - round(len(order) * held_out)
    return [examples[i] for i in order[:cut]], [examples[i] for i in order[cut:]]


def example_counts(examples: Iterable[Example]) -> dict[str, tuple[int, int]]:
    """(positive, negative) examples per category."""
    counts: dict[str, list[int]] = {}
    for example in examples:
        for category, label in example.labels.items():
            counts.setdefault(category, [0, 0])[0 if label else 1] += 1
    return {category: (pair[0], pair[1]) for category, pair in sorted(counts.items())}


@dataclass(frozen=True)
class Measure:
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.true_positive, self.false_positive, self.false_negative)

    @property
    def macro_f1(self) -> float:
        """The mean of both classes' F1, as the hate-speech literature reports it."""
        negative = _f1(self.true_negative, self.false_negative, self.false_positive)
        return (self.f1 + negative) / 2


def _f1(true_positive: int, false_positive: int, false_negative: int) -> float:
    denominator = 2 * true_positive + false_positive + false_negative
    return 2 * true_positive / denominator if denominator else 0.0


def measure(pairs: Iterable[tuple[bool, bool]]) -> Measure:
    """Counts of (actual, predicted) pairs."""
    counts = Counter(pairs)
    return Measure(
        counts[(True, True)], counts[(False, True)], counts[(True, False)], counts[(False, False)]
    )


def model_evaluate(
    model: ScreeningModel | TfidfModel, examples: Sequence[Example], *, threshold: float = 0.5
) -> dict[str, Measure]:
    """Each trained category's measure on the examples (raw posts) labelled for it."""
    scores = [model_read(model, example.text) for example in examples]
    return {
        category: measure(
            (example.labels[category], score[category] >= threshold)
            for example, score in zip(examples, scores, strict=True)
            if category in example.labels
        )
        for category in model.categories
    }
