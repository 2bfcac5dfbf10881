"""The photo pose check's finger count on the labelled hand photos, as taken and changed.

usage: python bench/poses.py [--data ../shared/data] [--cpu 0] [--only original,rotated-90]

The 60 photos of `hand-gestures/` (labels.csv: 0-5 raised fingers, one hand a photo), read from
--data, never copied. Each variation is scored by the count of the largest hand found in the
place of each labelled photo:
  original       the photos as they are;
  rotated-90/180/270  turned (counter-clockwise) before the check;
  group-3x3      nine photos at a third of their size in one 2400 x 1800 picture, like a group
                 photo with a hand raised in each place;
  two-hands      two photos side by side (1600 x 600): two hands, each scored in its half.
For each: exact count accuracy, precision and recall of each count (a photo where no hand is
found counts against recall), precision and recall of the flag (1, 2 or 3 fingers against 0, 4
or 5), and the median time a check takes on one core (decode, search and count)."""

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from netral.screening.poses import ALWAYS_FLAGGED, photo_check  # noqa: E402

# A variation: the labelled photos in, (one picture, each label's place in it) out.
Place = tuple[int, tuple[float, float, float, float]]
Variation = Callable[[list[tuple[Image.Image, int]]], list[tuple[Image.Image, list[Place]]]]
WHOLE = (0.0, 0.0, 1.0, 1.0)


def _each(turn: Callable[[Image.Image], Image.Image]) -> Variation:
    return lambda photos: [(turn(image), [(label, WHOLE)]) for image, label in photos]


def _group(photos: list[tuple[Image.Image, int]]) -> list[tuple[Image.Image, list[Place]]]:
    pictures = []
    for start in range(0, len(photos), 9):
        canvas = Image.new("RGB", (2400, 1800), (128, 128, 128))
        places: list[Place] = []
        for cell, (image, label) in enumerate(photos[start : start + 9]):
            column, row = cell % 3, cell // 3
            canvas.paste(image.resize((800, 600)), (column * 800, row * 600))
            places.append((label, (column / 3, row / 3, (column + 1) / 3, (row + 1) / 3)))
        pictures.append((canvas, places))
    return pictures


def _pairs(photos: list[tuple[Image.Image, int]]) -> list[tuple[Image.Image, list[Place]]]:
    pictures = []
    for (left, left_label), (right, right_label) in zip(photos[::2], photos[1::2], strict=True):
        canvas = Image.new("RGB", (1600, 600))
        canvas.paste(left.resize((800, 600)), (0, 0))
        canvas.paste(right.resize((800, 600)), (800, 0))
        pictures.append((canvas, [(left_label, (0, 0, 0.5, 1)), (right_label, (0.5, 0, 1, 1))]))
    return pictures


VARIATIONS: dict[str, Variation] = {
    "original": _each(lambda image: image),
    "rotated-90": _each(lambda image: image.rotate(90, expand=True)),
    "rotated-180": _each(lambda image: image.rotate(180, expand=True)),
    "rotated-270": _each(lambda image: image.rotate(270, expand=True)),
    "group-3x3": _group,
    "two-hands": _pairs,
}


def _inside(box: tuple[float, ...], place: tuple[float, float, float, float]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return place[0] <= x < place[2] and place[1] <= y < place[3]


def score(name: str, photos: list[tuple[Image.Image, int]]) -> None:
    pairs: list[tuple[int, int | None]] = []  # (label, count found or None)
    seconds: list[float] = []
    for picture, places in VARIATIONS[name](photos):
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=92)
        started = time.process_time()
        check = photo_check(buffer.getvalue(), flagged=ALWAYS_FLAGGED)
        seconds.append(time.process_time() - started)
        for label, place in places:
            hands = [hand for hand in check.hands if _inside(hand.box, place)]
            largest = max(
                hands,
                key=lambda hand: (hand.box[2] - hand.box[0]) * (hand.box[3] - hand.box[1]),
                default=None,
            )
            pairs.append((label, largest.count if largest else None))
    exact = sum(label == found for label, found in pairs)
    missed = sum(found is None for _, found in pairs)
    print(f"\n{name}: {len(pairs)} labelled hands in {len(seconds)} pictures")
    print(f"  exact count {exact}/{len(pairs)} ({exact / len(pairs):.1%}); no hand found {missed}")
    print("  count  precision  recall")
    for count in range(6):
        found_as = sum(found == count for _, found in pairs)
        right = sum(label == count and found == count for label, found in pairs)
        truly = sum(label == count for label, _ in pairs)
        precision = f"{right / found_as:.2f}" if found_as else "  - "
        print(f"  {count}      {precision:>6}     {right / truly:.2f}  ({right}/{truly})")
    flagged = [(label in ALWAYS_FLAGGED, found in ALWAYS_FLAGGED) for label, found in pairs]
    true_positive = sum(truth and said for truth, said in flagged)
    said = sum(said for _, said in flagged)
    truth = sum(truth for truth, _ in flagged)
    print(
        f"  flag (1-3 fingers): precision {true_positive / said if said else 0:.2f}, "
        f"recall {true_positive / truth:.2f} ({true_positive}/{truth})"
    )
    print(f"  time per picture on one core: median {statistics.median(seconds) * 1000:.0f} ms")
    confusion = Counter(pairs)
    print(
        "  label -> found: "
        + ", ".join(
            f"{a}->{b}:{n}"
            for (a, b), n in sorted(
                confusion.items(),
                key=lambda item: (item[0][0], -1 if item[0][1] is None else item[0][1]),
            )
            if a != b
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cpu", type=int, default=0, help="the one core to run on")
    parser.add_argument("--only", default=",".join(VARIATIONS))
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {arguments.cpu})
    folder = arguments.data / "hand-gestures"
    with (folder / "labels.csv").open(newline="") as labels:
        rows = list(csv.DictReader(labels))
    photos = [
        (Image.open(folder / row["file"]).convert("RGB"), int(row["fingers"])) for row in rows
    ]
    print(f"hand-gestures: {len(photos)} photos from {folder}")
    for name in arguments.only.split(","):
        score(name, photos)


if __name__ == "__main__":
    main()
