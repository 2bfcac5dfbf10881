"""The public self-check page, and the contestants pages of an election."""

import datetime
import logging
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from netral.base.models import Election
from netral.screening.models import Contestant
from netral.screening.pipeline import MAX_LENGTH
from tests.conftest import World

PARTISAN = "Rahasia-7731: ayo coblos nomor urut 2, Darmawan pasti menang! #DarinMenang"


@pytest.fixture
def election(world: World) -> Election:
    election = Election.objects.create(
        owner=world.agency,
        name="Pilkada 2029",
        kind="pemilihan",
        voting_day=datetime.date(2029, 11, 27),
    )
    Contestant.objects.create(
        election=election,
        kind="pair",
        name="Darmawan Sukmajaya - Intan Permatasari",
        ballot_number=2,
        aliases=["Darmawan", "DARIN"],
        hashtags=["#DarinMenang"],
    )
    return election


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def captured_logs() -> Iterator[list[str]]:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))
            lines.append(repr(record.__dict__))

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("django", "django.request", "django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)
    for logger in loggers:
        logger.removeHandler(handler)


def test_the_page_says_the_text_is_not_stored(client: Client, election: Election) -> None:
    response = client.get(reverse("screening:selfcheck"))
    assert response.status_code == 200
    assert b'data-testid="not-stored"' in response.content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert f'value="{election.code}" selected'.encode() in response.content


def test_it_shows_the_flags_with_the_marked_words_the_act_and_the_advice(
    client: Client, election: Election
) -> None:
    response = client.post(
        reverse("screening:selfcheck"), {"text": PARTISAN, "election": election.code}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="risk"' in content
    assert "<mark>coblos nomor urut 2</mark>" in content
    assert "<mark>#DarinMenang</mark>" in content
    assert 'data-rule="partisan.hashtag"' in content
    assert "Membuat posting, komentar" in content  # the act's name from the catalogue
    assert 'data-testid="method"' in content


def test_it_says_no_risk_for_neutral_election_talk(client: Client, election: Election) -> None:
    response = client.post(
        reverse("screening:selfcheck"),
        {"text": "Jangan lupa ke TPS tanggal 14, KPU sudah menetapkan DPT", "election": ""},
    )
    assert b'data-testid="no-risk"' in response.content
    assert b"<mark>" not in response.content


def test_it_escapes_the_text(client: Client, db: None) -> None:
    response = client.post(reverse("screening:selfcheck"), {"text": "<script>x</script> coblos 2"})
    assert b"<script>x</script>" not in response.content


def test_it_refuses_a_text_over_the_limit_with_a_clear_message(client: Client, db: None) -> None:
    response = client.post(reverse("screening:selfcheck"), {"text": "a" * (MAX_LENGTH + 1)})
    assert response.status_code == 200
    assert str(MAX_LENGTH).encode() in response.content
    assert b'class="error"' in response.content


def test_it_stores_nothing_and_logs_nothing_of_the_text(
    client: Client, election: Election, captured_logs: list[str]
) -> None:
    before = row_counts()
    response = client.post(
        reverse("screening:selfcheck"), {"text": PARTISAN, "election": election.code}
    )
    assert response.status_code == 200
    assert row_counts() == before
    assert not any("Rahasia-7731" in line for line in captured_logs)
    assert not client.session.keys()


def test_an_error_while_screening_does_not_log_the_text(
    client: Client, captured_logs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str, **kwargs: object) -> None:
        raise RuntimeError("broken rule")

    monkeypatch.setattr("netral.screening.selfcheck_views.screen", broken)
    client.raise_request_exception = False
    response = client.post(reverse("screening:selfcheck"), {"text": PARTISAN})
    assert response.status_code == 500
    assert captured_logs  # the error itself is logged...
    assert not any("Rahasia-7731" in line for line in captured_logs)  # ...without the text


def test_it_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("screening:selfcheck"), {"text": PARTISAN})
    assert response.status_code == 403


def test_an_admin_adds_edits_and_removes_a_contestant(
    client: Client, world: World, election: Election
) -> None:
    client.force_login(world.admin)
    response = client.post(
        reverse("screening:contestant_create", kwargs={"code": election.code}),
        {
            "kind": "pair",
            "name": "Gilang Mahardika - Ratna Sari",
            "ballot_number": "3",
            "aliases": "Gilang\nGIRA\n",
            "parties": "",
            "slogans": "Gilang Gemilang",
            "hashtags": "#GiraJuara",
        },
    )
    assert response.status_code == 302
    contestant = Contestant.objects.get(name="Gilang Mahardika - Ratna Sari")
    assert contestant.aliases == ["Gilang", "GIRA"]
    listing = client.get(reverse("screening:contestant_list", kwargs={"code": election.code}))
    assert b"GIRA" in listing.content

    edit = reverse("screening:contestant_edit", kwargs={"code": contestant.code})
    assert b"Gilang\nGIRA" in client.get(edit).content
    client.post(edit, {"kind": "pair", "name": contestant.name, "aliases": "Gilang"})
    contestant.refresh_from_db()
    assert contestant.aliases == ["Gilang"]

    delete = reverse("screening:contestant_delete", kwargs={"code": contestant.code})
    assert client.get(delete).status_code == 200  # the confirmation
    assert Contestant.objects.filter(pk=contestant.pk).exists()
    client.post(delete)
    assert not Contestant.objects.filter(pk=contestant.pk).exists()


def test_the_self_check_uses_the_contestants_as_they_change(
    client: Client, world: World, election: Election
) -> None:
    url = reverse("screening:selfcheck")
    text = "Saya dukung Gilang sampai menang"
    assert (
        b'data-testid="no-risk"'
        in client.post(url, {"text": text, "election": election.code}).content
    )
    Contestant.objects.create(election=election, kind="pair", name="Gilang", ballot_number=3)
    assert (
        b'data-testid="risk"' in client.post(url, {"text": text, "election": election.code}).content
    )


def test_a_national_election_s_contestants_are_read_only_for_other_agencies(
    client: Client, world: World
) -> None:
    national = world.province
    national.kind = "national"
    national.save()
    election = Election.objects.create(
        owner=national, name="Pemilu 2029", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    contestant = Contestant.objects.create(election=election, kind="pair", name="A - B")
    client.force_login(world.admin)
    listing = client.get(reverse("screening:contestant_list", kwargs={"code": election.code}))
    assert listing.status_code == 200
    assert b"A - B" in listing.content
    create = reverse("screening:contestant_create", kwargs={"code": election.code})
    assert client.post(create, {"kind": "pair", "name": "C - D"}).status_code == 403
    edit = reverse("screening:contestant_edit", kwargs={"code": contestant.code})
    assert client.post(edit, {"kind": "pair", "name": "X"}).status_code == 403
    delete = reverse("screening:contestant_delete", kwargs={"code": contestant.code})
    assert client.post(delete).status_code == 403
    assert Contestant.objects.filter(election=election).count() == 1


def test_with_no_election_chosen_it_uses_every_running_election(
    client: Client, world: World, election: Election
) -> None:
    url = reverse("screening:selfcheck")
    response = client.post(url, {"text": "Ayo coblos nomor 2 tanggal 14", "election": ""})
    assert b'data-testid="risk"' in response.content
    response = client.post(url, {"text": "Saya dukung Darmawan sampai menang", "election": ""})
    assert b'data-testid="risk"' in response.content
    assert b"Pilkada 2029" in response.content  # the elections it used


def test_an_election_not_running_today_is_left_out(client: Client, world: World) -> None:
    today = datetime.date.today()
    past = Election.objects.create(
        owner=world.agency,
        name="Pilkada lalu",
        kind="pemilihan",
        voting_day=today - datetime.timedelta(days=1),
    )
    future = Election.objects.create(
        owner=world.agency,
        name="Pilkada nanti",
        kind="pemilihan",
        candidate_determination_date=today + datetime.timedelta(days=30),
        voting_day=today + datetime.timedelta(days=200),
    )
    for election, name in ((past, "Darmawan"), (future, "Gilang")):
        Contestant.objects.create(election=election, kind="pair", name=name, ballot_number=5)
    url = reverse("screening:selfcheck")
    for text in ("Saya dukung Darmawan sampai menang", "Saya dukung Gilang sampai menang"):
        response = client.post(url, {"text": text, "election": ""})
        assert b'data-testid="no-risk"' in response.content, text
