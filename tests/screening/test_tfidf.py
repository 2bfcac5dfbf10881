"""The TF-IDF kind of screening model (netral/screening/tfidf.py): scikit-learn's own features and
logistic regressions, scored in pure Python to scikit-learn's numbers."""

import json
import logging
import math
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from netral.screening import model
from netral.screening.model import (
    Example,
    ScreeningModel,
    model_load,
    model_save,
    model_scores,
    model_text,
)
from netral.screening.pipeline import screen
from netral.screening.tfidf import Block, TfidfModel
from netral.screening.training import (
    TFIDF_BLOCKS,
    TFIDF_C,
    model_train_tfidf,
    sklearn_available,
)
from tests.screening.test_model import NAMES, OTHER_CATEGORIES, synthetic, write_jsonl

# idf of a feature in 1, 2 or 3 of the 4 documents, smoothed as scikit-learn does.
IDF_1 = math.log(5 / 2) + 1
IDF_2 = math.log(5 / 3) + 1
IDF_3 = math.log(5 / 4) + 1

# A model written by hand: word 1-2-grams [bodoh, budi, budi bodoh], char_wb 2-grams [" b", od].
HAND_MODEL = {
    "format": "netral-screening-model",
    "version": 2,
    "categories": ["hate", "partisan"],
    "info": {"learner": "by hand"},
    "kind": "tfidf",
    "documents": 4,
    "blocks": [
        {
            "analyzer": "word",
            "ngram_range": [1, 2],
            "lowercase": True,
            "token_pattern": r"(?u)\b\w\w+\b",
            "sublinear_tf": False,
            "grams": ["bodoh", "budi", "budi bodoh"],
        },
        {
            "analyzer": "char_wb",
            "ngram_range": [2, 2],
            "lowercase": True,
            "token_pattern": r"(?u)\b\w\w+\b",
            "sublinear_tf": False,
            "grams": [" b", "od"],
        },
    ],
    "document_frequency": [2, 1, 1, 3, 2],
    "weights": {
        "hate": {"indexes": [0, 1, 2, 3, 4], "values": [1.5, 0.25, 2.0, -0.5, 0.75]},
        "partisan": {"indexes": [2], "values": [3.0]},
    },
    "bias": {"hate": -1.0, "partisan": 0.5},
}
HAND_POST = "Budi bodoh,  BODOH!\tya"
# Worked out by hand: word grams budi 1, bodoh 2, "budi bodoh" 1 (ya, "bodoh bodoh" and
# "bodoh ya" are not features); words budi, "bodoh,", "bodoh!", ya give " b" 3 times, od twice.
WORD_LENGTH = math.sqrt((2 * IDF_2) ** 2 + IDF_1**2 + IDF_1**2)
CHAR_LENGTH = math.sqrt((3 * IDF_3) ** 2 + (2 * IDF_2) ** 2)
HAND_HATE = (
    -1.0
    + (2 * IDF_2 * 1.5 + IDF_1 * 0.25 + IDF_1 * 2.0) / WORD_LENGTH
    + (3 * IDF_3 * -0.5 + 2 * IDF_2 * 0.75) / CHAR_LENGTH
)
HAND_PARTISAN = 0.5 + IDF_1 * 3.0 / WORD_LENGTH


def hand_model(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(HAND_MODEL), encoding="utf-8")
    return path


def test_a_hand_computed_model_scores_as_worked_out(tmp_path: Path) -> None:
    loaded = model_load(hand_model(tmp_path))
    assert isinstance(loaded, TfidfModel)
    assert not loaded.reads_normalised
    margins = loaded.margins(HAND_POST)
    assert margins == pytest.approx([HAND_HATE, HAND_PARTISAN], abs=1e-12)
    assert loaded.scores(HAND_POST)["hate"] == pytest.approx(1 / (1 + math.exp(-HAND_HATE)))
    # Nothing known: the bias alone.
    assert loaded.margins("") == [-1.0, 0.5]
    assert loaded.margins("tidak ada yang dikenal") == [-1.0, 0.5]
    # Again, from the words each kept for itself.
    assert loaded.margins(HAND_POST) == margins


def test_its_word_and_character_grams_are_scikit_learns() -> None:
    words = Block("word", (1, 2), {}, token_pattern=r"(?u)\b\w\w+\b")
    assert words.grams("Budi, a  BODOH") == ["budi", "bodoh", "budi bodoh"]
    chars = Block("char_wb", (2, 5), {})
    # A word no longer than an n-gram size counts once, whole, and ends the larger sizes.
    assert chars.grams("a") == [" a", "a ", " a "]
    assert chars.grams("Ab\n\ncd") == [
        *(" a", "ab", "b ", " ab", "ab ", " ab "),
        *(" c", "cd", "d ", " cd", "cd ", " cd "),
    ]


def test_the_parts_of_a_score_add_up_to_its_margin(tmp_path: Path) -> None:
    loaded = model_load(hand_model(tmp_path))
    assert isinstance(loaded, TfidfModel)
    parts = loaded.contributions(HAND_POST, "hate", top=3)
    # "budi" as a word gram pushes up, its " b" down more: it is left out, as negative.
    assert [gram for gram, _ in parts] == ["bodoh", "budi bodoh", "bodoh!"]
    assert parts[0][1] == pytest.approx(2 * IDF_2 * 1.5 / WORD_LENGTH)
    assert parts[2][1] == pytest.approx((IDF_3 * -0.5 + IDF_2 * 0.75) / CHAR_LENGTH)
    # Right after scoring the same post (the lengths are reused) or another one.
    loaded.scores(HAND_POST)
    assert loaded.contributions(HAND_POST, "hate", top=3) == parts
    loaded.scores("budi saja")
    assert loaded.contributions(HAND_POST, "hate", top=3) == parts
    everything = loaded.contributions(HAND_POST, "hate", top=100)
    budi = IDF_1 * 0.25 / WORD_LENGTH + IDF_3 * -0.5 / CHAR_LENGTH
    assert budi < 0
    assert sum(value for _, value in everything) + budi == pytest.approx(HAND_HATE + 1.0)


def test_the_pipeline_gives_it_the_post_as_written_and_marks_its_words(tmp_path: Path) -> None:
    post = "Rapat tadi. Budi bodoh,  BODOH!"
    with override_settings(NETRAL_SCREENING_MODEL=str(hand_model(tmp_path))):
        assert model_scores(model_text(post), post) == model_load(hand_model(tmp_path)).scores(post)
        flags = [flag for flag in screen(post).flags if flag.rule == "model.hate"]
    assert len(flags) == 1
    marked = [span.text for span in flags[0].spans]
    assert any("bodoh" in text.lower() for text in marked), marked
    assert any("Budi" in text for text in marked), marked
    assert not any("Rapat" in text for text in marked), marked


def test_a_model_of_the_first_kind_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    first = {
        "format": "netral-screening-model",
        "version": 1,
        "categories": ["hate"],
        "info": {},
        "features": {"words": ["bodoh"], "chars": [" bo"], "idf": [1.5, 2.0]},
        "weights": {"hate": [2.0, 1.0]},
        "bias": {"hate": -1.0},
    }
    path.write_text(json.dumps(first), encoding="utf-8")
    loaded = model_load(path)
    assert isinstance(loaded, ScreeningModel)
    assert loaded.reads_normalised
    # Each block of unit length, one feature each: the bias -1, then 2 and 1.
    assert loaded.scores("bodoh")["hate"] == pytest.approx(1 / (1 + math.exp(-2.0)))


@pytest.mark.parametrize(
    "change",
    [
        {"document_frequency": [2, 1, 1, 3]},
        {"document_frequency": [2, 1, 1, 3, 5]},
        {"weights": {"hate": {"indexes": [7], "values": [1.0]}, "partisan": HAND_MODEL["weights"]}},
        {"kind": "bert"},
        {"blocks": [{**HAND_MODEL["blocks"][0], "analyzer": "char"}]},  # type: ignore[dict-item]
        {"blocks": [{**HAND_MODEL["blocks"][0], "token_pattern": "("}]},  # type: ignore[dict-item]
    ],
)
def test_a_broken_model_of_the_tfidf_kind_is_refused(
    tmp_path: Path, change: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**HAND_MODEL, **change}), encoding="utf-8")
    with pytest.raises(ValueError):
        model_load(path)
    model._loaded = None
    with override_settings(NETRAL_SCREENING_MODEL=str(path)), caplog.at_level(logging.WARNING):
        assert model_scores("budi bodoh", "budi bodoh") is None
    assert "unusable" in caplog.text


# --- Against scikit-learn itself (the optional train extra; `make test` installs it) ----------

needs_sklearn = pytest.mark.skipif(
    not sklearn_available(), reason="the optional train extra is not installed"
)

MESSY = [
    Example("Dasar BODOH!!! goblok goblok goblok 😡 #bodoh @budi", {"hate": True}),
    Example("a b c  dasar\tbodoh\n\\n URL USER", {"hate": True}),
    Example("Tolol.Bego,dungu;kampret", {"hate": True}),
    Example("Rapat rapat rapat koordinasi   senin", {"hate": False}),
    Example("Selamat pagi İbu \uff22\uff55\uff44\uff49, terima kasih", {"hate": False}),
    Example("x", {"hate": False}),
]
PROBES = [
    "dasar budi bodoh",
    "Rapat koordinasi dinas hari senin, pak camat tolol tolol",
    "DASAR BODOH!!! \\xf0\\x9f\\x98\\xa1 kampret",
    "a",
    "",
    "   ",
    "kata yang belum pernah terlihat sama sekali",
    "İstanbul \uff22\uff55\uff44\uff49 bodoh bodoh bodoh bodoh",
    "tolol.bego,dungu rapat\t\tsenin\n\nbudi",
]


def sklearn_margins(
    examples: list[Example], texts: list[str], blocks: tuple[dict[str, object], ...]
) -> list[float]:
    """scikit-learn's own pipeline, built here apart from the code under test."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    union = make_union(*(TfidfVectorizer(**settings) for settings in blocks))  # type: ignore[arg-type]
    matrix = union.fit_transform([e.text for e in examples])
    learner = LogisticRegression(C=TFIDF_C, max_iter=2000)
    learner.fit(matrix, [e.labels["hate"] for e in examples])
    return [float(value) for value in learner.decision_function(union.transform(texts))]


@needs_sklearn
@pytest.mark.parametrize(
    "blocks",
    [
        TFIDF_BLOCKS,
        (
            {"analyzer": "word", "ngram_range": (1, 3), "sublinear_tf": True},
            {"analyzer": "char_wb", "ngram_range": (1, 4), "sublinear_tf": True},
        ),
        ({"analyzer": "char_wb", "ngram_range": (3, 3), "lowercase": False},),
    ],
)
def test_its_margins_are_scikit_learns_decision_function(
    tmp_path: Path, blocks: tuple[dict[str, object], ...]
) -> None:
    examples = synthetic() + MESSY
    path = tmp_path / "model.json"
    model_save(model_train_tfidf(examples=examples, blocks=blocks), path)
    loaded = model_load(path)
    assert isinstance(loaded, TfidfModel)
    texts = PROBES + [e.text for e in examples]
    expected = sklearn_margins(examples, texts, blocks)
    got = [loaded.margins(text)[0] for text in texts]
    assert got == pytest.approx(expected, abs=1e-9, rel=0)
    # Once more, now that each word's part is kept.
    assert [loaded.margins(text)[0] for text in texts] == pytest.approx(expected, abs=1e-9, rel=0)


@needs_sklearn
def test_it_refuses_vectorizer_settings_the_scorer_cannot_follow() -> None:
    with pytest.raises(ValueError, match="binary"):
        model_train_tfidf(examples=synthetic(), blocks=({"analyzer": "word", "binary": True},))
    with pytest.raises(ValueError, match="analyzer"):
        model_train_tfidf(examples=synthetic(), blocks=({"analyzer": "char"},))


@needs_sklearn
def test_the_command_writes_the_tfidf_kind_with_scikit_learn(tmp_path: Path) -> None:
    examples = synthetic() + [
        Example(template.format(name=name), {category: True})
        for category, templates in OTHER_CATEGORIES.items()
        for template in templates
        for name in NAMES
    ]
    source = write_jsonl(tmp_path / "posts.jsonl", examples)
    output = tmp_path / "model.json"
    arguments = ["--no-labelled-set", "--file", str(source), "--output", str(output)]
    call_command("train_screening", *arguments, "--learner", "sklearn")
    assert json.loads(output.read_text(encoding="utf-8"))["version"] == 2
    loaded = model_load(output)
    assert isinstance(loaded, TfidfModel)
    assert loaded.info["features"] == "tfidf"
    assert loaded.scores("Dasar budi goblok!")["hate"] > 0.5
    call_command("train_screening", *arguments, "--learner", "sklearn", "--features", "netral")
    assert isinstance(model_load(output), ScreeningModel)
