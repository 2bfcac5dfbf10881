"""Training the screening model with scikit-learn (the optional `train` extra): the same features
as the pure-Python learner (`model_features`), fitted by scikit-learn's logistic regression, and
exported as the same JSON model the scorer reads. Netral runs without scikit-learn; only
`netral train_screening --learner sklearn` needs it."""

from __future__ import annotations

from collections.abc import Sequence

from netral.screening.model import Example, ScreeningModel, model_features

try:  # the optional `train` extra
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
except ImportError:  # pragma: no cover - the extra is installed where it is tested
    csr_matrix = None
    LogisticRegression = None

# scikit-learn's liblinear solves the same problem as the pure-Python learner (the bias a weight
# on a constant feature, regularised too), to a tighter tolerance. C = 4 did best of 2, 4 and 8
# on the public hate-speech split (docs/benchmarks.md).
SKLEARN_C = 4.0


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
