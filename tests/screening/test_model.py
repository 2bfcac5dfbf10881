"""The statistical part of screening: it learns from labelled posts and reviewed flags, its file
loads back to the same scores, and a missing or broken file leaves screening to its rules."""

import io
import json
import logging
import math
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from netral.screening import model
from netral.screening.model import (
    Example,
    _vector,
    examples_from_csv,
    examples_from_reviews,
    model_load,
    model_save,
    model_scores,
    model_text,
    model_train,
    ngrams,
)
from netral.screening.models import FlagReview, ScreenedPost, ScreeningBatch
from netral.screening.pipeline import screen
from netral.screening.training import model_train_sklearn, sklearn_available
from tests.conftest import World

HATEFUL = [
    "dasar {name} bodoh dan goblok",
    "{name} itu bangsat tolol",
    "otak {name} udang, bego sekali",
    "{name} dungu, goblok tidak tahu diri",
    "kampret {name} tolol banget",
]
NEUTRAL = [
    "rapat koordinasi {name} hari senin",
    "{name} membuka pelayanan puskesmas pagi ini",
    "jadwal posyandu bersama {name} minggu depan",
    "terima kasih {name} atas kerja samanya",
    "{name} mengikuti pelatihan arsip digital",
]
NAMES = ["budi", "rina", "pak camat", "bu lurah", "dinas", "warga", "tim", "kepala seksi"]


def synthetic() -> list[Example]:
    return [
        Example(template.format(name=name), {"hate": hateful})
        for name in NAMES
        for templates, hateful in ((HATEFUL, True), (NEUTRAL, False))
        for template in templates
    ]


def write_jsonl(path: Path, examples: list[Example]) -> Path:
    lines = [
        json.dumps({"text": e.text, "labels": [c for c, v in e.labels.items() if v]})
        for e in examples
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_learns_a_small_synthetic_set() -> None:
    model = model_train(examples=synthetic())

    assert model.categories == ("hate",)
    assert model.scores(model_text("dasar pejabat goblok dan tolol"))["hate"] > 0.7
    assert model.scores(model_text("rapat pelayanan puskesmas senin pagi"))["hate"] < 0.3


def test_it_trains_each_category_on_the_posts_labelled_for_it() -> None:
    examples = [
        *synthetic(),
        Example("coblos nomor dua", {"partisan": True}),
        Example("jadwal rapat", {"partisan": False}),
    ]
    model = model_train(examples=examples)

    assert set(model.categories) == {"hate", "partisan"}


def test_a_saved_model_loads_back_to_the_same_scores(tmp_path: Path) -> None:
    model = model_train(examples=synthetic())
    model.info = {"trained_at": "2029-01-01T00:00:00+00:00"}
    path = tmp_path / "model.json"

    model_save(model, path)
    loaded = model_load(path)

    assert loaded.info == model.info
    for text in ["dasar bodoh", "rapat senin", "kata yang belum pernah ada"]:
        expected, got = model.scores(text)["hate"], loaded.scores(text)["hate"]
        assert got == pytest.approx(expected, abs=1e-4)


def test_it_returns_none_and_warns_without_a_model(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        override_settings(NETRAL_SCREENING_MODEL=str(tmp_path / "absent.json")),
        caplog.at_level(logging.WARNING, logger="netral.screening.model"),
    ):
        assert model_scores("dasar bodoh") is None
    assert "No screening model" in caplog.text


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"format": "something else"}', '{"format": "netral-screening-model"}', ""],
)
def test_it_returns_none_and_warns_for_a_broken_model_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with (
        override_settings(NETRAL_SCREENING_MODEL=str(path)),
        caplog.at_level(logging.WARNING, logger="netral.screening.model"),
    ):
        assert model_scores("dasar bodoh") is None
    assert "unusable" in caplog.text


def test_it_loads_a_model_once_and_again_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    path.write_text("{not json", encoding="utf-8")
    # Training may take longer than the real interval on a busy machine: make it long here.
    monkeypatch.setattr(model, "CHECK_SECONDS", 3600.0)
    with override_settings(NETRAL_SCREENING_MODEL=str(path)):
        assert model_scores("dasar goblok") is None
        model_save(model_train(examples=synthetic()), path)
        os.utime(path, ns=(1, 1))
        # Within the interval between looks at the file, the process keeps what it has.
        assert model_scores("dasar goblok") is None
        monkeypatch.setattr(model, "CHECK_SECONDS", 0.0)

        scores = model_scores("dasar goblok")

    assert scores is not None
    assert set(scores) == {"hate"}
    assert scores["hate"] > 0.5


def test_it_reads_a_csv_with_any_of_several_label_columns(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text("Tweet,HS,Abusive\ndasar bodoh,0,1\nrapat senin,0,0\n", encoding="utf-8")

    examples = examples_from_csv(path, category="hate", label_columns=["HS", "Abusive"])

    assert [(e.text, e.labels) for e in examples] == [
        ("dasar bodoh", {"hate": True}),
        ("rapat senin", {"hate": False}),
    ]


def review_posts(world: World, count: int) -> None:
    batch = ScreeningBatch.objects.create(agency=world.agency, file_name="posts.csv")
    examples = synthetic()[:count]
    for number, example in enumerate(examples):
        post = ScreenedPost.objects.create(batch=batch, row_number=number, text=example.text)
        FlagReview.objects.create(
            post=post, category="hate", is_correct=example.labels["hate"], reviewer=world.supervisor
        )


def test_reviewed_flags_become_examples(world: World) -> None:
    review_posts(world, 4)

    examples = examples_from_reviews()

    assert [e.labels for e in examples] == [{"hate": True}] * 4
    assert {e.text for e in examples} == {e.text for e in synthetic()[:4]}


def test_the_command_trains_on_reviews_and_writes_the_model(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review_posts(world, len(synthetic()))
    output = tmp_path / "model.json"

    call_command(
        "train_screening", "--no-labelled-set", "--include-reviews", "--output", str(output)
    )

    model = model_load(output)
    assert model.categories == ("hate",)
    assert model.info["examples"] == {"hate": [40, 40]}
    printed = capsys.readouterr().out
    assert "reviewed flags: 80 posts" in printed
    assert "Held out: 16 posts" in printed


OTHER_CATEGORIES = {
    "partisan": [
        "ayo coblos nomor dua, {name} pasti menang",
        "{name} dukung paslon 02 sampai menang",
    ],
    "campaign": ["{name} ikut kampanye akbar di lapangan", "{name} jadi tim sukses kampanye"],
    "hoax": [
        "sebarkan! {name} bilang vaksin berisi chip",
        "viral {name} surat suara sudah dicoblos",
    ],
}


def test_the_command_learns_every_category_from_a_labelled_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = synthetic() + [
        Example(template.format(name=name), {category: True})
        for category, templates in OTHER_CATEGORIES.items()
        for template in templates
        for name in NAMES
    ]
    source = write_jsonl(tmp_path / "posts.jsonl", examples)
    output = tmp_path / "model.json"

    call_command(
        "train_screening", "--no-labelled-set", "--file", str(source), "--output", str(output)
    )

    model = model_load(output)
    # A labelled file speaks for every category: a post is of no category it does not list.
    assert model.info["examples"] == {
        "campaign": [16, 112],
        "hate": [40, 88],
        "hoax": [16, 112],
        "partisan": [16, 112],
    }
    scores = model.scores(model_text("ayo coblos nomor dua, pak bupati pasti menang"))
    assert max(scores, key=scores.__getitem__) == "partisan"
    assert "Held out: 26 posts" in capsys.readouterr().out


def test_the_command_refuses_too_few_examples(world: World, tmp_path: Path) -> None:
    review_posts(world, 12)
    output = tmp_path / "model.json"

    with pytest.raises(CommandError, match=r"Too few examples for hate \(7 of it, 5 not\)"):
        call_command(
            "train_screening", "--no-labelled-set", "--include-reviews", "--output", str(output)
        )
    assert not output.exists()


def test_the_command_refuses_when_there_is_nothing_to_learn(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No labelled posts"):
        call_command("train_screening", "--no-labelled-set", "--output", str(tmp_path / "m.json"))


def test_the_shipped_labelled_set_trains_the_default_model(tmp_path: Path) -> None:
    output = tmp_path / "model.json"

    call_command("train_screening", "--output", str(output), stdout=io.StringIO())

    model = model_load(output)
    assert set(model.categories) == {"partisan", "campaign", "hate", "hoax"}
    assert model.info["sources"] == ["labelled.jsonl"]


def test_its_fast_scores_equal_the_features_it_was_trained_on() -> None:
    model = model_train(examples=synthetic())
    for text in ["dasar bodoh bodoh dasar", "rapat senin di dinas", "kata baru sama sekali", ""]:
        normalised = model_text(text)
        vector = _vector(*ngrams(normalised), model.words, model.chars, model.idf)
        margin = model.bias["hate"] + sum(model.weights["hate"][i] * v for i, v in vector)

        assert model.scores(normalised)["hate"] == pytest.approx(1 / (1 + math.exp(-margin)))


def test_the_strongest_ngrams_explain_a_score_and_add_up_with_the_rest() -> None:
    model = model_train(examples=synthetic())
    text = model_text("Pak camat goblok, rapat senin batal")
    found = model.contributions(text, "hate", top=100)
    words = [gram for gram, _ in found]
    assert words[0] in {"goblok", "camat goblok"}
    assert all(value > 0 for _, value in found)
    assert "rapat" not in words[:3]


def test_a_model_flag_marks_the_words_that_pushed_it(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    model_save(model_train(examples=synthetic()), path)
    post = "Rapat hari ini, kepala seksi itu bangsat tolol"
    with override_settings(NETRAL_SCREENING_MODEL=str(path)):
        flags = [f for f in screen(post).flags if f.rule == "model.hate"]
    assert len(flags) == 1
    marked = [span.text for span in flags[0].spans]
    assert marked and all(post[span.start : span.end] == span.text for span in flags[0].spans)
    assert any("tolol" in text or "bangsat" in text for text in marked), marked
    assert not any("Rapat" in text for text in marked), marked


def test_the_self_check_page_highlights_a_model_flag(
    client: Client, tmp_path: Path, db: None
) -> None:
    path = tmp_path / "model.json"
    model_save(model_train(examples=synthetic()), path)
    with override_settings(NETRAL_SCREENING_MODEL=str(path)):
        response = client.post(
            reverse("screening:selfcheck"), {"text": "otak kepala seksi udang, bego sekali"}
        )
    content = response.content.decode()
    assert 'data-rule="model.hate"' in content
    assert "<mark>" in content


needs_sklearn = pytest.mark.skipif(
    not sklearn_available(), reason="the optional train extra is not installed"
)


@needs_sklearn
def test_scikit_learn_fits_the_same_features_and_the_scorer_reads_its_model(
    tmp_path: Path,
) -> None:
    examples = synthetic()
    fitted = model_train_sklearn(examples=examples, c=model.DEFAULT_C)
    path = tmp_path / "model.json"
    model_save(fitted, path)
    loaded = model_load(path)
    own = model_train(examples=examples, epochs=200)
    for text in ["dasar budi bodoh", "rapat koordinasi dinas hari senin", "bu lurah tolol"]:
        normalised = model_text(text)
        # The two learners solve the same problem: same decisions, near-equal probabilities.
        assert loaded.scores(normalised)["hate"] == pytest.approx(
            own.scores(normalised)["hate"], abs=0.02
        )
    assert loaded.scores(model_text("dasar budi bodoh"))["hate"] > 0.5


@needs_sklearn
def test_the_command_trains_with_scikit_learn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = synthetic() + [
        Example(template.format(name=name), {category: True})
        for category, templates in OTHER_CATEGORIES.items()
        for template in templates
        for name in NAMES
    ]
    source = write_jsonl(tmp_path / "posts.jsonl", examples)
    output = tmp_path / "model.json"
    call_command(
        "train_screening",
        "--no-labelled-set",
        "--file",
        str(source),
        "--learner",
        "sklearn",
        "--output",
        str(output),
    )
    model = model_load(output)
    assert model.info["learner"] == "sklearn"
    assert model.scores(model_text("dasar budi goblok"))["hate"] > 0.5
