import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from netral.screening.model import (
    LABELLED_SET,
    Example,
    Measure,
    ScreeningModel,
    example_counts,
    examples_from_csv,
    examples_from_jsonl,
    examples_from_reviews,
    examples_split,
    model_evaluate,
    model_save,
    model_train,
)
from netral.screening.models import Category
from netral.screening.tfidf import TfidfModel
from netral.screening.training import model_train_sklearn, model_train_tfidf, sklearn_available

# Fewer than this many posts of a category, or not of it, teach the model nothing it can trust.
MIN_EXAMPLES = 10


class Command(BaseCommand):
    help = (
        "Train the screening model from the shipped labelled posts, optional extra files and, "
        "with --include-reviews, the supervisors' verdicts on flags. Prints held-out measures "
        "(20 % of the posts), then trains on all of them and writes the model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            action="append",
            default=[],
            type=Path,
            help='A JSON Lines file of {"text": ..., "labels": [categories]}; repeatable.',
        )
        parser.add_argument(
            "--csv",
            action="append",
            default=[],
            nargs=3,
            metavar=("PATH", "CATEGORY", "COLUMNS"),
            help="A CSV with a text column and 0/1 columns: a post is of CATEGORY when any of "
            "COLUMNS (joined by +) is 1, e.g. --csv re_dataset.csv hate HS+Abusive; repeatable.",
        )
        parser.add_argument("--text-column", help="The CSV files' text column.")
        parser.add_argument(
            "--include-reviews", action="store_true", help="Learn from reviewed flags too."
        )
        parser.add_argument(
            "--no-labelled-set",
            action="store_true",
            help=f"Leave out the shipped labelled set ({LABELLED_SET.name}).",
        )
        parser.add_argument(
            "--output", type=Path, help="Where to write the model (NETRAL_SCREENING_MODEL)."
        )
        parser.add_argument(
            "--learner",
            choices=["python", "sklearn"],
            default="python",
            help="Who fits the weights: the built-in learner, or scikit-learn (pip install "
            "'netral[train]'). Both write a model file Netral scores without scikit-learn.",
        )
        parser.add_argument(
            "--features",
            choices=["tfidf", "netral"],
            help="With scikit-learn: its own TF-IDF of the posts as written (tfidf, the default: "
            "better on the public hate-speech set), or the built-in learner's features of the "
            "normalised posts (netral, the only ones of --learner python).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["learner"] == "sklearn" and not sklearn_available():
            raise CommandError(
                "scikit-learn is not installed: pip install 'netral[train]', or use "
                "--learner python."
            )
        features = options["features"] or ("tfidf" if options["learner"] == "sklearn" else "netral")
        if features == "tfidf" and options["learner"] != "sklearn":
            raise CommandError("--features tfidf needs --learner sklearn.")
        learners: dict[tuple[str, str], Callable[..., ScreeningModel | TfidfModel]] = {
            ("python", "netral"): model_train,
            ("sklearn", "netral"): model_train_sklearn,
            ("sklearn", "tfidf"): model_train_tfidf,
        }
        train = learners[(options["learner"], features)]
        sources: list[tuple[str, list[Example]]] = []
        try:
            if not options["no_labelled_set"] and LABELLED_SET.exists():
                sources.append((LABELLED_SET.name, examples_from_jsonl(LABELLED_SET)))
            for path in options["file"]:
                sources.append((str(path), examples_from_jsonl(path)))
            for path, category, columns in options["csv"]:
                if category not in Category.values:
                    raise CommandError(
                        f"Unknown category {category!r}: one of {', '.join(Category.values)}."
                    )
                examples = examples_from_csv(
                    Path(path),
                    category=category,
                    label_columns=columns.split("+"),
                    text_column=options["text_column"],
                )
                sources.append((path, examples))
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        if options["include_reviews"]:
            sources.append(("reviewed flags", examples_from_reviews()))

        examples = [example for _, examples in sources for example in examples]
        for name, part in sources:
            self.stdout.write(f"{name}: {len(part)} posts")
        counts = example_counts(examples)
        if not counts:
            raise CommandError(
                "No labelled posts to learn from: give --file or --csv, or --include-reviews."
            )
        self.stdout.write(f"{'category':10s} {'of it':>7s} {'not':>7s}")
        for category, (positive, negative) in counts.items():
            self.stdout.write(f"{category:10s} {positive:7d} {negative:7d}")
        too_few = [
            f"{category} ({positive} of it, {negative} not)"
            for category, (positive, negative) in counts.items()
            if min(positive, negative) < MIN_EXAMPLES
        ]
        if too_few:
            raise CommandError(
                f"Too few examples for {', '.join(too_few)}: each category needs at least "
                f"{MIN_EXAMPLES} posts of it and {MIN_EXAMPLES} not of it. Label more posts "
                "or review more flags."
            )

        training, held_out = examples_split(examples)
        measures = model_evaluate(train(examples=training), held_out)
        self.stdout.write(f"Held out: {len(held_out)} posts, trained on the other {len(training)}")
        self.stdout.write(
            f"{'category':10s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'macro-F1':>8s}"
        )
        for category, measure in measures.items():
            self.stdout.write(
                f"{category:10s} {measure.precision:9.3f} {measure.recall:7.3f} "
                f"{measure.f1:6.3f} {measure.macro_f1:8.3f}"
            )

        model = train(examples=examples)
        model.info = {
            "learner": options["learner"],
            "features": features,
            "trained_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "sources": [name for name, _ in sources],
            "examples": {category: list(pair) for category, pair in counts.items()},
            "held_out": {category: _summary(measure) for category, measure in measures.items()},
        }
        output = options["output"] or Path(settings.NETRAL_SCREENING_MODEL)
        model_save(model, output)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: {len(model.categories)} categories, {len(model.idf)} features "
                f"({features})."
            )
        )


def _summary(measure: Measure) -> dict[str, float]:
    return {
        "precision": round(measure.precision, 3),
        "recall": round(measure.recall, 3),
        "f1": round(measure.f1, 3),
    }
