"""The photo pose check: the finger count on labelled photos (also turned, and two hands side by
side), the page, hostile files, and that nothing of a photo is kept."""

import csv
import datetime
import io
import math
import os
import random
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from netral.base.models import Election
from netral.screening import poses
from netral.screening.models import Contestant
from tests.conftest import World
from tests.files import bomb_png, stored_files

PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "data" / "hand-gestures"
URL = reverse("screening:photo_check")

# The check needs the photos extra: `make test` installs it, and CI must run with it. The
# labelled photos are the shared data set beside the project (never copied into it): the tests
# that count real hands are skipped where it is absent; those with made-up images run anyway.
INSTALLED = poses.pose_check_installed()
if not INSTALLED and os.environ.get("CI") == "true":
    raise RuntimeError("CI must run the photo check tests; the photos extra is missing")
needs_extra = pytest.mark.skipif(not INSTALLED, reason="the photos extra (make photos)")
needs_check = pytest.mark.skipif(
    not INSTALLED or not PHOTOS.is_dir(),
    reason=f"the photos extra and the labelled photos in {PHOTOS}",
)


def any_photo() -> bytes:
    """A large JPEG: a labelled photo where the set is at hand, else made-up noise."""
    if PHOTOS.is_dir():
        return (PHOTOS / "dev_002.jpg").read_bytes()
    noise = Image.frombytes("RGB", (1000, 750), random.Random(7).randbytes(1000 * 750 * 3))
    return jpeg(noise, quality=95)


def labels() -> dict[str, int]:
    with (PHOTOS / "labels.csv").open(newline="") as rows:
        return {row["file"]: int(row["fingers"]) for row in csv.DictReader(rows)}


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def photo(name: str) -> Image.Image:
    return Image.open(PHOTOS / name).convert("RGB")


def everything_stored() -> list[str]:
    try:
        folders, files = default_storage.listdir("")
    except FileNotFoundError:  # the filesystem backend before anything was stored
        return []
    return sorted(files + [name for folder in folders for name in stored_files(folder)])


def row_counts() -> dict[str, int]:
    # The throttle's counter (a hashed browser id and a number) is the one row a check may add.
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label != "base.ThrottleCount"
    }


@needs_check
@pytest.mark.parametrize(
    "name",
    ["dev_003.jpg", "dev_006.jpg", "dev_002.jpg", "dev_005.jpg", "dev_001.jpg", "dev_004.jpg"],
)
def test_it_counts_the_raised_fingers_of_labelled_photos(name: str) -> None:
    check = poses.photo_check((PHOTOS / name).read_bytes(), flagged=poses.ALWAYS_FLAGGED)
    assert [hand.count for hand in check.hands] == [labels()[name]]
    assert check.hands[0].flagged == (labels()[name] in (1, 2, 3))


@needs_check
@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_it_counts_a_turned_photo_the_same(degrees: int) -> None:
    upright = photo("dev_011.jpg")  # a V sign: two fingers
    check = poses.photo_check(
        jpeg(upright.rotate(degrees, expand=True)), flagged=poses.ALWAYS_FLAGGED
    )
    assert [(hand.count, hand.flagged) for hand in check.hands] == [(2, True)]
    assert set(check.hands[0].fingers) == {"index", "middle"}


@needs_check
def test_it_counts_the_same_hand_turned_in_space() -> None:
    """The count reads the hand's own joints, never the image's up: a hand's landmarks turned
    about any axis give the same fingers."""
    image = photo("dev_005.jpg")  # an OK sign: middle, ring and little finger up
    with poses.DETECTOR.turn():
        [(_, world)] = poses.DETECTOR.hands(poses._pixels(image))
    upright = poses.raised_fingers(world)
    assert upright == ("middle", "ring", "pinky")
    for a, b in ((0.7, 0.0), (2.0, 1.1), (3.1, -0.6)):
        cos_a, sin_a, cos_b, sin_b = math.cos(a), math.sin(a), math.cos(b), math.sin(b)
        turned = [
            (
                x * cos_a - y * sin_a,
                (x * sin_a + y * cos_a) * cos_b - z * sin_b,
                (x * sin_a + y * cos_a) * sin_b + z * cos_b,
            )
            for x, y, z in world
        ]
        assert poses.raised_fingers(turned) == upright


@needs_check
def test_it_finds_two_hands_side_by_side_and_says_where() -> None:
    canvas = Image.new("RGB", (1600, 600))
    canvas.paste(photo("dev_010.jpg"), (0, 0))  # one finger
    canvas.paste(photo("dev_004.jpg"), (800, 0))  # an open hand
    check = poses.photo_check(jpeg(canvas), flagged=poses.ALWAYS_FLAGGED)
    assert [(hand.count, hand.flagged) for hand in check.hands] == [(1, True), (5, False)]
    assert check.hands[0].box[2] < 0.5 < check.hands[1].box[0]
    assert check.hands[0].position.startswith("kiri")
    assert check.hands[1].position.startswith("kanan")


@needs_check
def test_it_flags_a_ballot_number_an_admin_gave_a_contestant(world: World) -> None:
    election = Election.objects.create(
        owner=world.agency,
        name="Pilkada 2029",
        kind="pemilihan",
        voting_day=datetime.date(2029, 11, 27),
    )
    Contestant.objects.create(election=election, kind="pair", name="A - B", ballot_number=4)
    voted = Election.objects.create(
        owner=world.agency, name="Pemilu 2019", kind="pemilu", voting_day=datetime.date(2019, 4, 17)
    )
    Contestant.objects.create(election=voted, kind="pair", name="C - D", ballot_number=5)
    assert poses.flagged_counts() == frozenset({1, 2, 3, 4})
    response = Client().post(URL, {"photo": io.BytesIO((PHOTOS / "dev_001.jpg").read_bytes())})
    assert response.context["hands"][0].hand.count == 4
    assert response.context["hands"][0].hand.flagged
    assert "nomor urut 4" in response.content.decode()


@needs_check
@pytest.mark.files
def test_the_page_shows_the_gesture_and_keeps_nothing_of_the_photo(
    world: World, tmp_path: Path, settings: object
) -> None:
    # A folder that is not there: a temporary file of the upload would fail the request.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "absent")  # type: ignore[attr-defined]
    # Bigger than Django's 2 MB in memory: without the page's own handler it goes to disk.
    big = photo("dev_002.jpg").resize((3200, 2400))
    noise = Image.effect_noise((3200, 2400), 40).convert("RGB")
    data = jpeg(Image.blend(big, noise, 0.15), quality=97)
    assert len(data) > 2 * 1024 * 1024
    before, files_before = row_counts(), everything_stored()
    upload = io.BytesIO(data)
    upload.name = "foto-kegiatan.jpg"
    response = Client().post(URL, {"photo": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert [(hand.hand.count, hand.hand.flagged) for hand in response.context["hands"]] == [
        (2, True)
    ]
    assert 'data-testid="risk"' in body and "nomor urut 2" in body
    assert body.count('data-testid="hand-box"') == 1
    assert "data:image/jpeg;base64," in body  # shown back once, scaled down
    assert response["Cache-Control"].startswith("max-age=0")
    assert row_counts() == before
    assert list(tmp_path.iterdir()) == []
    assert everything_stored() == files_before
    assert "foto-kegiatan" not in body


@needs_extra
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bomb_png(20_000, 20_000), "Gambar terlalu besar"),
        (b"<html><script>alert(1)</script></html>", "Gambar tidak dapat dibaca"),
        (b"%PDF-1.7\n" + b"0" * 2000, "Gambar tidak dapat dibaca"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 3000, "Gambar tidak dapat dibaca"),
    ],
    ids=["decompression-bomb", "html-as-jpg", "pdf-as-jpg", "broken-jpeg"],
)
def test_it_refuses_a_hostile_file_in_indonesian(world: World, data: bytes, message: str) -> None:
    before = row_counts()
    upload = io.BytesIO(data)
    upload.name = "foto.jpg"
    response = Client().post(URL, {"photo": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "check" not in response.context
    assert row_counts() == before


def odd_images() -> dict[str, bytes]:
    def saved(image: Image.Image, kind: str, **options: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=kind, **options)
        return buffer.getvalue()

    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "blue", "green")]
    return {
        "one-pixel": saved(Image.new("RGB", (1, 1)), "PNG"),
        "cmyk-jpeg": saved(Image.new("CMYK", (300, 200), (0, 50, 100, 0)), "JPEG"),
        "16-bit-grey": saved(Image.new("I;16", (300, 200), 40_000), "PNG"),
        "palette-transparent": saved(Image.new("P", (300, 200)), "PNG", transparency=0),
        "animated-webp": saved(frames[0], "WEBP", save_all=True, append_images=frames[1:]),
        "one-pixel-wide": saved(Image.new("L", (1, 8000), 128), "PNG"),
        **(
            {"exif-turned": saved(photo("dev_011.jpg"), "JPEG", exif=_turned_exif())}
            if PHOTOS.is_dir()
            else {}
        ),
    }


def _turned_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: stored turned, to be shown turned 90° clockwise
    return exif


@needs_extra
@pytest.mark.parametrize("name", list(odd_images()))
def test_odd_but_valid_images_are_checked_without_a_crash(world: World, name: str) -> None:
    upload = io.BytesIO(odd_images()[name])
    response = Client().post(URL, {"photo": upload})
    assert response.status_code == 200
    if name == "exif-turned":  # shown as the phone shows it: upright, the V sign found
        check = response.context["check"]
        assert (check.width, check.height) == (600, 800)
        assert [view.hand.count for view in response.context["hands"]] == [2]
    else:
        assert response.context.get("hands", []) == []


@needs_extra
def test_it_refuses_a_photo_over_the_size_limit(world: World, settings: object) -> None:
    data = any_photo()
    # Declared larger than the page takes: refused before a byte is read.
    settings.NETRAL_PHOTO_MAX_BYTES = len(data) - 100_000  # type: ignore[attr-defined]
    response = Client().post(URL, {"photo": io.BytesIO(data)})
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.content.decode()
    # Within the margin for the form around it: the upload handler drops it while reading.
    settings.NETRAL_PHOTO_MAX_BYTES = len(data) - 1_000  # type: ignore[attr-defined]
    response = Client().post(URL, {"photo": io.BytesIO(data)})
    assert response.status_code == 200
    assert "Foto terlalu besar" in response.content.decode()
    assert "check" not in response.context


@needs_check
def test_a_photo_waits_its_turn_briefly_then_is_told_to_come_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(poses, "WAIT_SECONDS", 0.2)
    with poses.DETECTOR.turn():  # another request's photo, being checked
        response = Client().post(URL, {"photo": io.BytesIO((PHOTOS / "dev_002.jpg").read_bytes())})
    assert "Pemeriksaan sedang sibuk" in response.content.decode()
    assert "check" not in response.context
    response = Client().post(URL, {"photo": io.BytesIO((PHOTOS / "dev_002.jpg").read_bytes())})
    assert [view.hand.count for view in response.context["hands"]] == [2]


@needs_check
def test_a_browser_that_floods_the_check_is_slowed_and_the_next_phone_is_not(
    world: World,
) -> None:
    flood = Client()
    bomb = bomb_png(20_000, 20_000)
    for _ in range(60):  # each refused at once, each counted
        upload = io.BytesIO(bomb)
        assert "Gambar terlalu besar" in flood.post(URL, {"photo": upload}).content.decode()
    photo_bytes = (PHOTOS / "dev_002.jpg").read_bytes()
    response = flood.post(URL, {"photo": io.BytesIO(photo_bytes)})
    assert "Terlalu banyak foto diperiksa" in response.content.decode()
    # A colleague's phone behind the same address goes on.
    response = Client().post(URL, {"photo": io.BytesIO(photo_bytes)})
    assert [view.hand.count for view in response.context["hands"]] == [2]


def test_the_page_says_the_check_is_not_installed_without_the_extra(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What `import mediapipe` meets on a server installed without the photos extra.
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    assert not poses.pose_check_installed()
    client = Client()
    page = client.get(URL).content.decode()
    assert 'data-testid="not-installed"' in page
    assert "tidak terpasang" in page
    assert 'type="file"' not in page
    upload = io.BytesIO(b"\xff\xd8\xff\xe0 not read")
    response = client.post(URL, {"photo": upload})
    assert 'data-testid="not-installed"' in response.content.decode()
    assert "check" not in response.context


def test_the_text_self_check_links_to_the_photo_check(db: None) -> None:
    assert URL in Client().get(reverse("screening:selfcheck")).content.decode()


def hand(raised: set[str]) -> list[tuple[float, float, float]]:
    """21 made-up landmarks (metres) of a hand in the x-y plane, these fingers raised."""
    points = [(0.0, 0.0, 0.0)]  # the wrist
    if "thumb" in raised:
        points += [(-0.03, 0.02, 0.0), (-0.05, 0.04, 0.0), (-0.065, 0.06, 0.0), (-0.08, 0.08, 0.0)]
    else:  # folded across the palm
        points += [
            (-0.03, 0.02, 0.0),
            (-0.03, 0.04, 0.01),
            (-0.01, 0.05, 0.015),
            (0.01, 0.05, 0.01),
        ]
    for name, x in (("index", -0.03), ("middle", -0.01), ("ring", 0.01), ("pinky", 0.03)):
        if name in raised:  # straight out from the knuckle
            points += [(x, 0.09, 0.0), (x, 0.12, 0.0), (x, 0.14, 0.0), (x, 0.16, 0.0)]
        else:  # bent at the middle joint, its tip back towards the palm
            points += [(x, 0.09, 0.0), (x, 0.11, 0.0), (x, 0.11, -0.02), (x, 0.095, -0.02)]
    return points


@pytest.mark.parametrize(
    "raised",
    [
        set(),
        {"index"},
        {"index", "middle"},
        {"index", "middle", "ring"},
        {"thumb"},
        {"thumb", "index", "middle", "ring", "pinky"},
    ],
    ids=["fist", "one", "two", "three", "thumb", "open"],
)
def test_the_count_reads_the_joints_whichever_way_the_hand_is_turned(raised: set[str]) -> None:
    # No photo and no model: the rule itself, on landmarks turned about every axis.
    points = hand(raised)
    order = ("thumb", "index", "middle", "ring", "pinky")
    assert poses.raised_fingers(points) == tuple(name for name in order if name in raised)
    for a, b in ((math.pi / 2, 0.0), (math.pi, 0.4), (2.5, -1.2)):
        cos_a, sin_a, cos_b, sin_b = math.cos(a), math.sin(a), math.cos(b), math.sin(b)
        turned = [
            (
                x * cos_a - y * sin_a,
                (x * sin_a + y * cos_a) * cos_b - z * sin_b,
                (x * sin_a + y * cos_a) * sin_b + z * cos_b,
            )
            for x, y, z in points
        ]
        assert poses.raised_fingers(turned) == poses.raised_fingers(points)
