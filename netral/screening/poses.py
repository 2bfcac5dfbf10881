"""The photo pose check: an employee uploads a photo before posting it and learns whether it shows
a raised-finger gesture that may read as a ballot number, and where. The photo is decoded in
memory and dropped: nothing is stored or logged. It needs the `photos` extra (MediaPipe 0.10.14,
whose wheel carries the hand models, so it runs offline); without it the page says so."""

from __future__ import annotations

import base64
import importlib
import importlib.util
import io
import math
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, ImageOps

from netral.base.uploads import UploadRefused, image_converted, image_decoded
from netral.screening.models import Contestant

PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
# One, two and three fingers stand for ballot numbers 1-3 (the seeds' warning about poses).
ALWAYS_FLAGGED = frozenset({1, 2, 3})
# A hand shows at most five; the photo is searched at this size, then in four overlapping
# quarters, so a hand that is small in a group photo is still found.
WORK_SIDE = 1600
PREVIEW_SIDE = 640
MAX_HANDS = 6
BOX_MARGIN = 0.1
WAIT_SECONDS = 10
FINE_FROM = 1_000  # the shorter side (pixels) from which a photo is also searched in ninths

Point = tuple[float, float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom, as fractions of the photo

# MediaPipe's 21 hand landmarks: 0 is the wrist, then four joints a finger from the thumb out.
WRIST = 0
THUMB = (1, 2, 3, 4)
FINGERS = {
    "index": (5, 6, 7, 8),
    "middle": (9, 10, 11, 12),
    "ring": (13, 14, 15, 16),
    "pinky": (17, 18, 19, 20),
}
# A finger is straight when its two middle joints are open at least this far (degrees).
STRAIGHT_PIP = 140.0
STRAIGHT_DIP = 120.0
# The thumb is out when its tip is this far from the pinky's knuckle, in palm lengths (wrist to
# middle knuckle): folded across the palm it is under 0.85, spread it is over 0.9.
THUMB_OUT = 0.88


def _minus(a: Point, b: Point) -> Point:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _length(v: Point) -> float:
    return math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])


def _distance(a: Point, b: Point) -> float:
    return _length(_minus(a, b))


def _angle(a: Point, joint: Point, c: Point) -> float:
    """The angle at `joint` between its two bones, in degrees (180 is straight)."""
    u, v = _minus(a, joint), _minus(c, joint)
    scale = _length(u) * _length(v)
    if scale == 0:
        return 0.0
    cosine = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / scale
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


def raised_fingers(points: Sequence[Point]) -> tuple[str, ...]:
    """The fingers of one hand that are raised, from its 21 landmarks (MediaPipe's world
    landmarks, in metres). Only joint angles and distances within the hand count, never the
    image's up and down, so a hand turned sideways or upside down counts the same."""
    raised: list[str] = []
    palm = _distance(points[WRIST], points[9])
    _, _, thumb_ip, thumb_tip = (points[i] for i in THUMB)
    pinky_knuckle = points[FINGERS["pinky"][0]]
    if (
        palm > 0
        and _distance(thumb_tip, pinky_knuckle) / palm > THUMB_OUT
        and _distance(thumb_tip, pinky_knuckle) > _distance(thumb_ip, pinky_knuckle)
    ):
        raised.append("thumb")
    for name, (knuckle, pip, dip, tip) in FINGERS.items():
        straight = (
            _angle(points[knuckle], points[pip], points[dip]) > STRAIGHT_PIP
            and _angle(points[pip], points[dip], points[tip]) > STRAIGHT_DIP
        )
        # A straight finger folded down at the knuckle points its tip back towards the wrist.
        away = _distance(points[WRIST], points[tip]) > _distance(points[WRIST], points[pip])
        if straight and away:
            raised.append(name)
    return tuple(raised)


@dataclass(frozen=True)
class Hand:
    fingers: tuple[str, ...]
    box: Box
    flagged: bool

    @property
    def count(self) -> int:
        return len(self.fingers)

    @property
    def position(self) -> str:
        """Where the hand is, in words, for whoever cannot see the boxes."""
        x = (self.box[0] + self.box[2]) / 2
        y = (self.box[1] + self.box[3]) / 2
        rows = (
            pgettext("in a photo", "top"),
            pgettext("in a photo", "middle"),
            pgettext("in a photo", "bottom"),
        )
        columns = (
            pgettext("in a photo", "left"),
            pgettext("in a photo", "centre"),
            pgettext("in a photo", "right"),
        )
        row, column = rows[min(2, int(y * 3))], columns[min(2, int(x * 3))]
        if row == rows[1] and column == columns[1]:
            return pgettext("in a photo", "in the centre")
        return pgettext("in a photo", "%(row)s %(column)s") % {"row": row, "column": column}

    @property
    def percent_box(self) -> tuple[float, float, float, float]:
        """left, top, width and height in percent, for the drawing."""
        left, top, right, bottom = self.box
        return (
            round(left * 100, 2),
            round(top * 100, 2),
            round((right - left) * 100, 2),
            round((bottom - top) * 100, 2),
        )


@dataclass(frozen=True)
class PhotoCheck:
    hands: list[Hand]
    flagged_counts: frozenset[int]
    width: int
    height: int
    # The photo scaled down and re-encoded without its metadata, shown once on the result page.
    preview: str

    @property
    def flagged(self) -> list[Hand]:
        return [hand for hand in self.hands if hand.flagged]


def pose_check_installed() -> bool:
    """Whether the `photos` extra (MediaPipe) is installed."""
    return importlib.util.find_spec("mediapipe") is not None


class CheckerBusy(Exception):
    """Other photos held the detector too long; the caller asks the user to come back."""


class _Detector:
    """MediaPipe's hand landmarker, loaded once a process (about 0.3 s) and used one photo at
    a time (its graph is not safe across threads), decoding included, so a process holds one
    decoded photo at most. A request waits its turn a few seconds at most, so a flood of photos
    never holds every worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[int, Any] = {}

    @contextmanager
    def turn(self) -> Iterator[None]:
        """This thread's turn with the detector, or CheckerBusy after WAIT_SECONDS."""
        if not self._lock.acquire(timeout=WAIT_SECONDS):
            raise CheckerBusy
        try:
            yield
        finally:
            self._lock.release()

    def hands(self, pixels: Any, *, lite: bool = False) -> list[tuple[list[Point], list[Point]]]:
        """Each hand found: its landmarks in the image (fractions) and in the world (metres),
        by the full models or the lite ones. Only within `turn()`."""
        complexity = 0 if lite else 1
        if complexity not in self._models:
            self._models[complexity] = self._load(complexity)
        with warnings.catch_warnings():
            # protobuf 4 warns about an API MediaPipe 0.10.14 still calls.
            warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype")
            found = self._models[complexity].process(pixels)
        image_points = found.multi_hand_landmarks or []
        world_points = found.multi_hand_world_landmarks or []
        return [
            (
                [(p.x, p.y, p.z) for p in image.landmark],
                [(p.x, p.y, p.z) for p in world.landmark],
            )
            for image, world in zip(image_points, world_points, strict=True)
        ]

    @staticmethod
    def _load(complexity: int) -> Any:
        os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ log, before it loads
        # Loaded on first use, not at start-up: the extra is optional and costs 1 s to import.
        mediapipe = importlib.import_module("mediapipe")
        return mediapipe.solutions.hands.Hands(
            static_image_mode=True,
            max_num_hands=MAX_HANDS,
            model_complexity=complexity,
            min_detection_confidence=0.5,
        )


DETECTOR = _Detector()


def _box(points: Sequence[Point]) -> Box:
    """Around the landmarks, with a margin: they sit on the joints, inside the fingertips."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    margin_x = (max(xs) - min(xs)) * BOX_MARGIN
    margin_y = (max(ys) - min(ys)) * BOX_MARGIN
    return (
        max(0.0, min(xs) - margin_x),
        max(0.0, min(ys) - margin_y),
        min(1.0, max(xs) + margin_x),
        min(1.0, max(ys) + margin_y),
    )


def _overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes show the same hand: they share most of the smaller one."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height > 0.4 * smaller


def _pixels(image: Image.Image) -> Any:
    numpy = importlib.import_module("numpy")  # comes with the extra, like MediaPipe
    return numpy.ascontiguousarray(numpy.asarray(image))


def _views(width: int, height: int) -> list[Box]:
    """Where to look, as left, top, width and height fractions: the whole photo, four
    overlapping quarters (two thirds of each side), and for a large photo nine overlapping
    halves' halves, so the hands of a group photo are big enough for the palm detector."""
    views: list[Box] = [(0.0, 0.0, 1.0, 1.0)]
    views += [(left, top, 2 / 3, 2 / 3) for top in (0.0, 1 / 3) for left in (0.0, 1 / 3)]
    if min(width, height) >= FINE_FROM:
        steps = (0.0, 0.25, 0.5)
        views += [(left, top, 0.5, 0.5) for top in steps for left in steps]
    return views


def hands_found(image: Image.Image) -> list[tuple[tuple[str, ...], Box]]:
    """The raised fingers and the box of each hand in an RGB image, a hand found in several
    views counted once (the first, widest view wins). When the full models find none, the lite
    ones look again: they find some hands the full ones miss (docs/benchmarks.md)."""
    return _hands_in_views(image, lite=False) or _hands_in_views(image, lite=True)


def _hands_in_views(image: Image.Image, *, lite: bool) -> list[tuple[tuple[str, ...], Box]]:
    width, height = image.size
    kept: list[tuple[tuple[str, ...], Box]] = []
    for left, top, view_width, view_height in _views(width, height):
        crop = image.crop(
            (
                round(left * width),
                round(top * height),
                round((left + view_width) * width),
                round((top + view_height) * height),
            )
        )
        for image_points, world_points in DETECTOR.hands(_pixels(crop), lite=lite):
            inner = _box(image_points)
            box: Box = (
                left + inner[0] * view_width,
                top + inner[1] * view_height,
                left + inner[2] * view_width,
                top + inner[3] * view_height,
            )
            if not any(_overlaps(box, other) for _, other in kept):
                kept.append((raised_fingers(world_points), box))
    return kept


def _preview(image: Image.Image) -> str:
    small = image.copy()
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def flagged_counts() -> frozenset[int]:
    """Finger counts that may read as a ballot number: one to three always, and any ballot
    number up to five an admin gave a contestant of an election not yet voted."""
    numbers = Contestant.objects.filter(
        election__voting_day__gte=timezone.localdate(), ballot_number__range=(1, 5)
    ).values_list("ballot_number", flat=True)
    return ALWAYS_FLAGGED | frozenset(number for number in numbers if number)


def photo_check(data: bytes, *, flagged: frozenset[int]) -> PhotoCheck:
    """The hands in an uploaded photo, each with its raised fingers and whether their count is
    in `flagged`; or UploadRefused for a file that is not a sound JPEG, PNG or WebP photo."""
    with DETECTOR.turn():
        image = image_decoded(data, formats=PHOTO_FORMATS)
        try:
            # Phones keep portrait photos sideways with an orientation tag; people see them upright.
            image = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError):
            raise UploadRefused(_("The image cannot be read; it may be damaged.")) from None
        image = image_converted(image, "RGB")
        image.thumbnail((WORK_SIDE, WORK_SIDE))
        found = hands_found(image)
    hands = [
        Hand(fingers=fingers, box=box, flagged=len(fingers) in flagged) for fingers, box in found
    ]
    hands.sort(key=lambda hand: (hand.box[0], hand.box[1]))
    return PhotoCheck(
        hands=hands,
        flagged_counts=flagged,
        width=image.width,
        height=image.height,
        preview=_preview(image),
    )
