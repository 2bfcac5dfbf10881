"""Screening quality on our labelled set and the public sets, and the whole pipeline's speed.

usage: python bench/screening.py [--posts 20000] [--runs 5] [--cpu 0] [--skip-quality]
                                 [--skip-speed] [--data ../shared/data]

Quality (each split fixed and seeded, `examples_split`: 80 % to train, 20 % held out):
  (a) public hate-speech set: the model trained on its 80 %, macro-F1 of HS and of Abusive on
      its 20 %; then what the product does: the whole pipeline (rules + the default model,
      trained on our labelled set only) flagging "hate" against HS-or-Abusive on the same 20 %.
  (b) SIB-200 topics: a politics/not-politics model trained on `train.tsv`, precision and recall
      of "politics" on `dev.tsv`; and the share of sentences the whole pipeline flags, politics
      and other topics apart (neutral news: every flag is a false one).
  (c) hoax news: the model trained on 80 % of the 600 articles, precision and recall of "hoax"
      on the rest; and the whole pipeline's hoax flags on the same articles.
  (d) our labelled set: the default recipe trained on its 80 %, per category precision, recall
      and F1 on its 20 %, for the model alone and for the whole pipeline (rules + that model),
      and the share of neutral election posts the whole pipeline flags.
  (e) the new held-out part of our labelled set (`labelled_heldout.jsonl`, never trained on):
      the whole pipeline (rules + the default model) per category and per kind of post, and the
      share of neutral election posts it flags.
  Side by side (with the optional train extra): macro-F1 of HS and Abusive on the split of (a)
  for scikit-learn's own TF-IDF (word 1-2-grams + char_wb 2-5-grams) + logistic regression on
  the raw tweets; for the same exported as Netral's TF-IDF model and scored by its pure-Python
  scorer (`--learner sklearn`, the default), with the largest difference between its margins
  and scikit-learn's `decision_function`; and for our own features fitted by scikit-learn
  (`--learner sklearn --features netral`).
Speed: `screen()` (normalise, every rule, the default model) over --posts posts of the public
hate-speech set on one core, median of --runs runs; the floor in the same run is `lower()` +
`split()` of the same posts. With the train extra, also `screen()` with an agency's model (the
one command: our labelled set + the whole public set as "hate", scikit-learn's TF-IDF). The
public data is read from --data, never copied."""

import argparse
import csv
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)

from django.conf import settings  # noqa: E402

from netral.screening.model import (  # noqa: E402
    LABELLED_SET,
    Example,
    Measure,
    examples_from_jsonl,
    examples_split,
    measure,
    model_evaluate,
    model_load,
    model_save,
    model_scores,
    model_text,
    model_train,
)
from netral.screening.pipeline import MODEL_THRESHOLD, screen  # noqa: E402
from netral.screening.tfidf import TfidfModel  # noqa: E402
from netral.screening.training import (  # noqa: E402
    model_train_sklearn,
    model_train_tfidf,
    sklearn_available,
    tfidf_vectorizers,
)

try:  # the optional train extra, for the side-by-side comparison
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_union
except ImportError:
    TfidfVectorizer = None
from netral.screening.vocabulary import ContestantWords, ElectionVocabulary  # noqa: E402

ELECTION = ROOT / "netral" / "screening" / "data" / "labelled_election.json"
HELD_OUT = ROOT / "netral" / "screening" / "data" / "labelled_heldout.jsonl"
# The regularisation of both sides of the comparison (scikit-learn's C).
SIDE_BY_SIDE_C = (1.0, 4.0, 10.0)
TEMPORARY = Path(tempfile.mkdtemp(prefix="netral-screening-bench-"))


def vocabulary() -> ElectionVocabulary:
    data = json.loads(ELECTION.read_text(encoding="utf-8"))
    return ElectionVocabulary.build(
        ContestantWords(
            code=row["code"],
            name=row["name"],
            kind=row.get("kind", "pair"),
            ballot_number=row.get("ballot_number"),
            aliases=tuple(row.get("aliases", ())),
            parties=tuple(row.get("parties", ())),
            slogans=tuple(row.get("slogans", ())),
            hashtags=tuple(row.get("hashtags", ())),
        )
        for row in data["contestants"]
    )


def use_model(examples: Sequence[Example] | None, name: str) -> None:
    """Point the pipeline at a model trained on `examples` (None: no model, rules only)."""
    path = TEMPORARY / f"{name}.json"
    if examples is not None:
        model_save(model_train(examples=examples), path)
    settings.NETRAL_SCREENING_MODEL = str(path)


def row(label: str, result: Measure) -> str:
    return (
        f"  {label:34s} precision {result.precision:.3f}  recall {result.recall:.3f}  "
        f"F1 {result.f1:.3f}  macro-F1 {result.macro_f1:.3f}  "
        f"(n={result.true_positive + result.false_negative}+"
        f"{result.false_positive + result.true_negative})"
    )


def pipeline_measure(
    examples: Sequence[Example], category: str, words: ElectionVocabulary, truth: str | None = None
) -> Measure:
    return measure(
        (
            example.labels[truth or category],
            category in screen(example.text, vocabulary=words).categories,
        )
        for example in examples
    )


def hate_speech_rows(data: Path) -> list[dict[str, str]]:
    path = data / "id-multilabel-hate-speech" / "re_dataset.csv"
    with open(path, encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def quality(data: Path, words: ElectionVocabulary, default: list[Example]) -> None:
    started = time.perf_counter()
    print("(a) public hate-speech set, 80/20 split (seed 2019)")
    rows = hate_speech_rows(data)
    examples = [
        Example(
            r["Tweet"],
            {
                "HS": r["HS"] == "1",
                "Abusive": r["Abusive"] == "1",
                "hate": "1" in (r["HS"], r["Abusive"]),
            },
        )
        for r in rows
    ]
    training, held_out = examples_split(examples)
    clock = time.perf_counter()
    public = model_train(examples=training, categories=["HS", "Abusive"])
    print(
        f"  trained on {len(training)} tweets in {time.perf_counter() - clock:.0f} s, "
        f"{len(public.idf)} features"
    )
    for category, result in model_evaluate(public, held_out).items():
        print(row(f"model, {category}", result))
    side_by_side(training, held_out)
    use_model(default, "default")
    print(
        row(
            "pipeline (rules + default model), hate vs HS or Abusive",
            pipeline_measure(held_out, "hate", words),
        )
    )
    agency_model(training, held_out, words, default)

    print("(b) SIB-200 topics: politics")
    topics = {}
    for split in ("train", "dev"):
        with open(data / "sib200-ind" / f"{split}.tsv", encoding="utf-8", newline="") as source:
            topics[split] = [
                Example(r["text"], {"politics": r["category"] == "politics"})
                for r in csv.DictReader(source, delimiter="\t")
            ]
    # Politics is one sentence in seven: balanced classes, or the model rarely says politics.
    politics = model_train(examples=topics["train"], min_df=1, balanced=True)
    print(row("model, politics (dev)", model_evaluate(politics, topics["dev"])["politics"]))
    sentences = topics["train"] + topics["dev"]
    for is_politics in (True, False):
        chosen = [e for e in sentences if e.labels["politics"] is is_politics]
        flagged = sum(1 for e in chosen if screen(e.text, vocabulary=words).flags)
        print(
            f"  pipeline flags {'politics' if is_politics else 'other topics':12s}: "
            f"{flagged}/{len(chosen)} sentences ({flagged / len(chosen):.1%})"
        )

    print("(c) hoax news articles, 80/20 split")
    with open(data / "id-hoax-news" / "hoax_news_600.csv", encoding="utf-8", newline="") as source:
        articles = [
            Example(r["berita"], {"hoax": r["tagging"].strip().lower() == "hoax"})
            for r in csv.DictReader(source, delimiter=";")
        ]
    training, held_out = examples_split(articles)
    hoax = model_train(examples=training)
    print(row("model, hoax", model_evaluate(hoax, held_out)["hoax"]))
    print(row("pipeline (rules + default model), hoax", pipeline_measure(held_out, "hoax", words)))

    print("(d) our labelled set, 80/20 split (seed 2019)")
    labelled = examples_from_jsonl(LABELLED_SET)
    notes = {}
    with open(LABELLED_SET, encoding="utf-8") as source:
        for line in source:
            if line.strip():
                post = json.loads(line)
                notes[post["text"]] = post.get("note", "")
    training, held_out = examples_split(labelled)
    model = model_train(examples=training)
    print(f"  trained on {len(training)} posts, {len(held_out)} held out")
    for category, result in model_evaluate(model, held_out).items():
        print(row(f"model, {category}", result))
    use_model(training, "labelled-80")
    results = [screen(e.text, vocabulary=words).categories for e in held_out]
    for category in model.categories:
        result = measure(
            (e.labels[category], category in found)
            for e, found in zip(held_out, results, strict=True)
        )
        print(row(f"pipeline, {category}", result))
    neutral = [
        found
        for e, found in zip(held_out, results, strict=True)
        if notes.get(e.text) == "neutral election talk"
    ]
    flagged = sum(1 for found in neutral if found)
    print(
        f"  neutral election posts flagged by the pipeline (held out): {flagged}/{len(neutral)}"
        f" ({flagged / max(1, len(neutral)):.1%})"
    )
    use_model(None, "absent")
    everyone = [e for e in labelled if notes.get(e.text) == "neutral election talk"]
    flagged = sum(1 for e in everyone if screen(e.text, vocabulary=words).flags)
    print(
        f"  neutral election posts flagged by the rules alone (all): {flagged}/{len(everyone)}"
        f" ({flagged / max(1, len(everyone)):.1%})"
    )
    print(f"quality measured in {time.perf_counter() - started:.0f} s")


def side_by_side(training: Sequence[Example], held_out: Sequence[Example]) -> None:
    """Macro-F1 of scikit-learn's TF-IDF + logistic regression, of the same exported and scored
    by Netral in pure Python, and of our features fitted by scikit-learn, on the same split,
    for each C of SIDE_BY_SIDE_C."""
    if TfidfVectorizer is None or not sklearn_available():
        print("  side by side: skipped (pip install 'netral[train]')")
        return
    print("  side by side, macro-F1 on the held-out 20 % (C: the regularisation)")
    categories = ["HS", "Abusive"]
    union = make_union(*tfidf_vectorizers())
    matrix = union.fit_transform([e.text for e in training])
    held_matrix = union.transform([e.text for e in held_out])
    path = TEMPORARY / "side-by-side.json"
    for c in SIDE_BY_SIDE_C:
        clock = time.perf_counter()
        exported = model_train_tfidf(examples=training, categories=categories, c=c)
        model_save(exported, path)
        trained = time.perf_counter() - clock
        clock = time.perf_counter()
        loaded = model_load(path)
        loading = time.perf_counter() - clock
        assert isinstance(loaded, TfidfModel)
        ours = model_evaluate(loaded, held_out)
        margins = [loaded.margins(e.text) for e in held_out]
        netral_features = model_evaluate(
            model_train_sklearn(examples=training, categories=categories, c=c), held_out
        )
        for position, category in enumerate(categories):
            truth = [e.labels[category] for e in held_out]
            learner = LogisticRegression(C=c, max_iter=2000)
            learner.fit(matrix, [e.labels[category] for e in training])
            reference = f1_score(truth, learner.predict(held_matrix), average="macro")
            difference = max(
                abs(float(expected) - got[position])
                for expected, got in zip(
                    learner.decision_function(held_matrix), margins, strict=True
                )
            )
            print(
                f"    {category:8s} C={c:<4g} scikit-learn {reference:.4f}   Netral's TF-IDF "
                f"model {ours[category].macro_f1:.4f} (margins within {difference:.1e})   "
                f"our features {netral_features[category].macro_f1:.4f}"
            )
        print(
            f"    model file {path.stat().st_size / 1e6:.1f} MB, {len(loaded.idf):,} features, "
            f"trained in {trained:.0f} s, loaded in {loading:.2f} s"
        )


def agency_model(
    training: Sequence[Example],
    held_out: Sequence[Example],
    words: ElectionVocabulary,
    default: list[Example],
) -> None:
    """What an agency gets from the documented command: our labelled set plus the public set's
    80 % ("hate" = HS or Abusive), fitted by scikit-learn; then the whole pipeline on the 20 %
    and on our neutral posts."""
    if not sklearn_available():
        return
    public = [Example(e.text, {"hate": e.labels["hate"]}) for e in training]
    path = TEMPORARY / "agency.json"
    model_save(model_train_tfidf(examples=[*default, *public]), path)
    settings.NETRAL_SCREENING_MODEL = str(path)
    print(
        row(
            "pipeline (rules + agency model), hate vs HS or Abusive",
            pipeline_measure(held_out, "hate", words),
        )
    )
    posts = [json.loads(line) for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line]
    neutral = [p["text"] for p in posts if not p["labels"]]
    neutral += [e.text for e in default if not any(e.labels.values())]
    flagged = sum(1 for text in neutral if screen(text, vocabulary=words).flags)
    print(
        f"  neutral posts of our sets flagged with the agency model: {flagged}/{len(neutral)} "
        f"({flagged / len(neutral):.1%}; its training saw the labelled set's)"
    )


def held_out_part(words: ElectionVocabulary, default: list[Example]) -> None:
    print(f"(e) new held-out part ({HELD_OUT.name}), whole pipeline (rules + default model)")
    use_model(default, "default")
    posts = [json.loads(line) for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line]
    found = [set(screen(post["text"], vocabulary=words).categories) for post in posts]
    for category in ("partisan", "campaign", "hate", "hoax"):
        result = measure(
            (category in post["labels"], category in flagged)
            for post, flagged in zip(posts, found, strict=True)
        )
        print(row(f"pipeline, {category}", result))
    kinds: dict[str, list[bool]] = {}
    for post, flagged in zip(posts, found, strict=True):
        if post["labels"]:
            kinds.setdefault(post["note"], []).append(set(post["labels"]) <= flagged)
        else:
            kinds.setdefault(post["note"], []).append(not flagged)
    for kind, outcomes in kinds.items():
        print(f"  {kind:24s} right {sum(outcomes)}/{len(outcomes)}")
    neutral = [flagged for post, flagged in zip(posts, found, strict=True) if not post["labels"]]
    flagged_count = sum(1 for flagged in neutral if flagged)
    print(
        f"  neutral and everyday posts flagged: {flagged_count}/{len(neutral)} "
        f"({flagged_count / max(1, len(neutral)):.1%})"
    )


def rate(posts: Sequence[str], function: Callable[[str], object]) -> tuple[float, float]:
    """Posts a second by the wall clock and by the process's CPU time (on a shared machine the
    wall clock also counts the time spent waiting for the core)."""
    started, cpu = time.perf_counter(), time.process_time()
    for post in posts:
        function(post)
    return len(posts) / (time.perf_counter() - started), len(posts) / (time.process_time() - cpu)


def speed(
    data: Path, words: ElectionVocabulary, default: list[Example], count: int, runs: int
) -> None:
    tweets = [r["Tweet"] for r in hate_speech_rows(data)]
    posts = (tweets * (count // len(tweets) + 1))[:count]
    use_model(default, "default")
    normalised = [model_text(post) for post in posts]

    def whole(post: str) -> object:
        return screen(post, vocabulary=words)

    def floor(post: str) -> object:
        return post.lower().split()

    measures: dict[str, list[tuple[float, float]]] = {
        "whole pipeline": [],
        "model alone": [],
        "floor": [],
    }
    whole(posts[0])  # load the model and the word lists
    for _ in range(runs):
        measures["whole pipeline"].append(rate(posts, whole))
        measures["model alone"].append(rate(normalised, model_scores))
        measures["floor"].append(rate(posts, floor))
    use_model(None, "absent")
    whole(posts[0])
    measures["rules alone"] = [rate(posts, whole) for _ in range(runs)]
    if sklearn_available():
        # The one command's model: our labelled set and every public tweet as "hate".
        public = [
            Example(r["Tweet"], {"hate": "1" in (r["HS"], r["Abusive"])})
            for r in hate_speech_rows(data)
        ]
        path = TEMPORARY / "agency-all.json"
        model_save(model_train_tfidf(examples=[*default, *public]), path)
        settings.NETRAL_SCREENING_MODEL = str(path)
        clock = time.perf_counter()
        agency = model_load(path)
        print(
            f"agency model: {path.stat().st_size / 1e6:.1f} MB, {len(agency.idf):,} features, "
            f"loaded in {time.perf_counter() - clock:.2f} s"
        )
        whole(posts[0])
        # Over half of these tweets are hateful or abusive, and each flag is explained; most
        # posts an agency screens are not, so the posts the model leaves alone are timed too.
        calm = [post for post in posts if agency.scores(post)["hate"] < MODEL_THRESHOLD]
        calm = (calm * (count // len(calm) + 1))[:count]
        measures["whole, agency model"] = []
        measures["  on unflagged posts"] = []
        measures["agency model alone"] = []
        for _ in range(runs):
            measures["whole, agency model"].append(rate(posts, whole))
            measures["  on unflagged posts"].append(rate(calm, whole))
            measures["agency model alone"].append(rate(posts, agency.scores))
    floor_median = statistics.median(wall for wall, _ in measures["floor"])
    print(f"speed: {count} posts of the public set, median of {runs} runs")
    for name, rates in measures.items():
        median = statistics.median(wall for wall, _ in rates)
        cpu = statistics.median(cpu for _, cpu in rates)
        print(
            f"  {name:19s} {median:10,.0f} posts/s  ({1e6 / median:7.1f} µs; "
            f"{floor_median / median:6.1f}x the floor; runs "
            f"{', '.join(f'{wall:,.0f}' for wall, _ in rates)}); CPU time {cpu:,.0f} posts/s "
            f"({1e6 / cpu:.1f} µs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    words = vocabulary()
    default = examples_from_jsonl(LABELLED_SET)
    print(f"one core (cpu {args.cpu}); default model: {LABELLED_SET.name}, {len(default)} posts")
    if not args.skip_quality:
        quality(args.data, words, default)
        held_out_part(words, default)
    if not args.skip_speed:
        speed(args.data, words, default, args.posts, args.runs)


if __name__ == "__main__":
    main()
