"""Training the screening model with scikit-learn (the optional `train` extra). Netral runs
without scikit-learn; only `netral train_screening --learner sklearn` needs it.

`model_train_tfidf` (the command's default with scikit-learn) fits scikit-learn's own TF-IDF
(word 1-2-grams + `char_wb` 2-5-grams) and logistic regression on the posts as written, and
exports them as a `TfidfModel` that Netral scores in pure Python to the same numbers.
`model_train_sklearn` fits the pure-Python learner's features (`model_features`) instead."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from netral.screening.model import Example, ScreeningModel, model_features
from netral.screening.tfidf import Block, TfidfModel, smoothed_idf

try:  # the optional `train` extra
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
except ImportError:  # pragma: no cover - the extra is installed where it is tested
    csr_matrix = None
    hstack = None
    LogisticRegression = None
    TfidfVectorizer = None

# scikit-learn's liblinear solves the same problem as the pure-Python learner (the bias a weight
# on a constant feature, regularised too), to a tighter tolerance. C = 4 did best of 2, 4 and 8
# on the public hate-speech split (docs/benchmarks.md).
SKLEARN_C = 4.0


# scikit-learn's TF-IDF + logistic regression (lbfgs, the bias not regularised) on the public
# hate-speech split: HS macro-F1 0.8674 at C = 4, 0.8685 at 10, 0.8695 at 20 (docs/benchmarks.md).
TFIDF_C = 10.0
# The vectorizers of `model_train_tfidf`, as the data README and the issue name them; every n-gram
# seen is kept (min_df 1: dropping those seen once cost HS macro-F1 about 0.9 points).
TFIDF_BLOCKS: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": (1, 2)},
    {"analyzer": "char_wb", "ngram_range": (2, 5)},
)


def sklearn_available() -> bool:
    return LogisticRegression is not None


def model_train_sklearn(
    *,
    examples: Sequence[Example],
    categories: Sequence[str] | None = None,
    c: float = SKLEARN_C,
    min_df: int = 2,
    balanced: bool = False,
) -> ScreeningModel:
    """One logistic regression per category, fitted by scikit-learn on the scorer's features."""
    if LogisticRegression is None or csr_matrix is None:
        raise RuntimeError("scikit-learn is not installed: pip install 'netral[train]'")
    if categories is None:
        categories = sorted({category for example in examples for category in example.labels})
    features = model_features(examples, min_df=min_df)
    dimension = len(features.idf)
    weights: dict[str, list[float]] = {}
    bias: dict[str, float] = {}
    for category in categories:
        chosen = [i for i, example in enumerate(examples) if category in example.labels]
        labels = [examples[i].labels[category] for i in chosen]
        if len(set(labels)) < 2:
            raise ValueError(f"{category}: needs posts of it and posts not of it")
        data: list[float] = []
        columns: list[int] = []
        pointers = [0]
        for i in chosen:
            for index, value in sorted(features.vectors[i]):
                columns.append(index)
                data.append(value)
            pointers.append(len(columns))
        matrix = csr_matrix((data, columns, pointers), shape=(len(chosen), dimension))
        learner = LogisticRegression(
            C=c,
            solver="liblinear",
            intercept_scaling=1.0,
            class_weight="balanced" if balanced else None,
            max_iter=1000,
        )
        learner.fit(matrix, labels)
        weights[category] = [float(value) for value in learner.coef_[0]]
        bias[category] = float(learner.intercept_[0])
    return ScreeningModel(
        categories=tuple(categories),
        words=features.words,
        chars=features.chars,
        idf=features.idf,
        weights=weights,
        bias=bias,
    )


def tfidf_vectorizers(blocks: Sequence[dict[str, Any]] = TFIDF_BLOCKS) -> list[Any]:
    """scikit-learn's vectorizers for the blocks, unfitted (the bench fits the same ones)."""
    if TfidfVectorizer is None:
        raise RuntimeError("scikit-learn is not installed: pip install 'netral[train]'")
    return [TfidfVectorizer(**settings) for settings in blocks]


def model_train_tfidf(
    *,
    examples: Sequence[Example],
    categories: Sequence[str] | None = None,
    c: float = TFIDF_C,
    blocks: Sequence[dict[str, Any]] = TFIDF_BLOCKS,
    balanced: bool = False,
) -> TfidfModel:
    """scikit-learn's TF-IDF fitted on every example (the posts as written), then one logistic
    regression per category on the examples labelled for it; exported for the pure-Python
    scorer, which gives the same decision function."""
    if LogisticRegression is None or csr_matrix is None:
        raise RuntimeError("scikit-learn is not installed: pip install 'netral[train]'")

    if categories is None:
        categories = sorted({category for example in examples for category in example.labels})
    texts = [example.text for example in examples]
    vectorizers = tfidf_vectorizers(blocks)
    parts = [vectorizer.fit_transform(texts) for vectorizer in vectorizers]
    exported: list[Block] = []
    frequencies: list[int] = []
    for vectorizer, part in zip(vectorizers, parts, strict=True):
        exported.append(_block(vectorizer, start=len(frequencies)))
        found = [int(n) for n in part.getnnz(axis=0)]
        # The idf scikit-learn uses is the one the scorer computes from these counts.
        for n, idf in zip(found, vectorizer.idf_, strict=True):
            if abs(smoothed_idf(len(texts), n) - float(idf)) > 1e-12 * idf:
                raise RuntimeError("scikit-learn's idf is not the smoothed one this code reads")
        frequencies += found
    matrix = hstack(parts).tocsr()
    weights: dict[str, array[float]] = {}
    bias: dict[str, float] = {}
    for category in categories:
        chosen = [i for i, example in enumerate(examples) if category in example.labels]
        labels = [examples[i].labels[category] for i in chosen]
        if len(set(labels)) < 2:
            raise ValueError(f"{category}: needs posts of it and posts not of it")
        learner = LogisticRegression(
            C=c, class_weight="balanced" if balanced else None, max_iter=2000
        )
        learner.fit(matrix[chosen], labels)
        weights[category] = array("d", learner.coef_[0].tolist())
        bias[category] = float(learner.intercept_[0])
    return TfidfModel(
        categories=tuple(categories),
        blocks=tuple(exported),
        documents=len(texts),
        frequencies=frequencies,
        weights=weights,
        bias=bias,
    )


def _block(vectorizer: Any, *, start: int) -> Block:
    """A fitted vectorizer as a `Block`, refusing settings the pure-Python scorer lacks."""
    settings = vectorizer.get_params()
    unsupported = {
        "analyzer": settings["analyzer"] not in ("word", "char_wb"),
        "binary": settings["binary"],
        "norm": settings["norm"] != "l2",
        "use_idf": not settings["use_idf"],
        "smooth_idf": not settings["smooth_idf"],
        "strip_accents": settings["strip_accents"] is not None,
        "stop_words": settings["stop_words"] is not None,
        "preprocessor": settings["preprocessor"] is not None,
        "tokenizer": settings["tokenizer"] is not None,
        "input": settings["input"] != "content",
    }
    refused = [name for name, bad in unsupported.items() if bad]
    if refused:
        raise ValueError(f"vectorizer settings the scorer does not read: {', '.join(refused)}")
    vocabulary = vectorizer.vocabulary_
    return Block(
        analyzer=settings["analyzer"],
        ngram_range=tuple(settings["ngram_range"]),
        vocabulary={gram: start + int(index) for gram, index in vocabulary.items()},
        lowercase=bool(settings["lowercase"]),
        token_pattern=settings["token_pattern"],
        sublinear_tf=bool(settings["sublinear_tf"]),
    )
