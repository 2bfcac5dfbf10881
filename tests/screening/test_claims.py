"""Debunked claims: matched by their meaning-bearing words, flagged with the source of the
correction, and kept by supervisors on an election's page."""

import datetime
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from netral.base.models import AuditEntry, Election
from netral.screening.claims import Claim, claims_matched, stem
from netral.screening.model import Example, model_save, model_train
from netral.screening.models import DebunkedClaim
from netral.screening.normalise import normalise
from netral.screening.pipeline import screen
from netral.screening.vocabulary import ElectionVocabulary
from tests.conftest import World

CLAIM = "Surat suara di TPS sudah dicoblos untuk paslon nomor 2 sebelum pemungutan suara"
SOURCE = "Siaran pers KPU, 12 Februari 2029"


def vocabulary(*claims: str) -> ElectionVocabulary:
    return ElectionVocabulary.build(
        (), [Claim.build(code=f"c{i}", text=text, source=SOURCE) for i, text in enumerate(claims)]
    )


def words(text: str) -> list[str]:
    return [token.text for token in normalise(text).tokens]


def test_the_stemmer_brings_forms_of_a_word_together() -> None:
    assert stem("dicoblos") == stem("tercoblos") == stem("mencoblos") == stem("pencoblosan")
    assert stem("menyebarkan") == stem("sebarkan") == "sebar"
    assert stem("dipindahkan") == stem("memindahkan") == stem("pindah")


def test_a_paraphrase_of_the_claim_matches() -> None:
    claims = vocabulary(CLAIM).claims
    post = "Kertas suara di tps udah tercoblos buat paslon no 2 sebelum hari pencoblosan!!"
    found = claims_matched(words(post), claims)
    assert [match.claim.code for match in found] == ["c0"]


def test_an_unrelated_election_post_does_not_match() -> None:
    claims = vocabulary(CLAIM).claims
    for post in [
        "TPS 3 pindah ke balai desa, cek surat undangan kalian",
        "Penghitungan suara di TPS kami selesai pukul 22.00",
        "Jangan lupa bawa KTP ke TPS tanggal 14",
    ]:
        assert claims_matched(words(post), claims) == [], post


def test_the_pipeline_flags_a_repeated_claim_with_its_source_and_words() -> None:
    post = "Katanya surat suara sudah dicoblos utk paslon 2 sebelum pemungutan suara"
    flags = [f for f in screen(post, vocabulary=vocabulary(CLAIM)).flags]
    claim_flags = [f for f in flags if f.rule == "hoax.debunked_claim"]
    assert len(claim_flags) == 1
    flag = claim_flags[0]
    assert flag.category == "hoax"
    assert SOURCE in flag.advice
    assert CLAIM in flag.title
    marked = " ".join(span.text for span in flag.spans)
    assert "dicoblos" in marked and "pemungutan" in marked
    assert "Katanya" not in marked


def test_a_correction_that_names_the_claim_is_not_flagged(tmp_path: Path) -> None:
    post = "Cek fakta: KPU membantah kabar surat suara sudah dicoblos untuk paslon 2 di TPS"
    hoax = [
        Example(f"sebarkan! surat suara sudah dicoblos di tps {n}", {"hoax": True})
        for n in range(12)
    ]
    hoax += [Example(f"rapat koordinasi dinas hari ke {n}", {"hoax": False}) for n in range(12)]
    path = tmp_path / "model.json"
    model_save(model_train(examples=hoax), path)
    with override_settings(NETRAL_SCREENING_MODEL=str(path)):
        assert "hoax" in screen("surat suara sudah dicoblos di tps 4").categories
        assert screen(post, vocabulary=vocabulary(CLAIM)).flags == []


@pytest.fixture
def election(world: World) -> Election:
    return Election.objects.create(
        owner=world.agency,
        name="Pilkada 2029",
        kind="pemilihan",
        voting_day=datetime.date(2029, 11, 27),
    )


def test_a_supervisor_adds_a_claim_and_screening_finds_its_paraphrase(
    client: Client, world: World, election: Election
) -> None:
    client.force_login(world.supervisor)
    url = reverse("screening:claim_list", kwargs={"code": election.code})
    response = client.post(url, {"claim": CLAIM, "source": SOURCE, "source_url": "kpu.go.id/x"})
    assert response.status_code == 302
    claim = DebunkedClaim.objects.get()
    assert (claim.agency, claim.election, claim.source_url) == (
        world.agency,
        election,
        "https://kpu.go.id/x",
    )
    assert AuditEntry.objects.filter(action="screening.debunked_claim.created").count() == 1
    assert CLAIM.encode() in client.get(url).content

    check = client.post(
        reverse("screening:selfcheck"),
        {"text": "Surat suara TPS sudah tercoblos untuk paslon 2", "election": election.code},
    )
    assert b'data-rule="hoax.debunked_claim"' in check.content
    assert SOURCE.encode() in check.content


def test_a_claim_too_short_to_find_is_refused_with_a_message(
    client: Client, world: World, election: Election
) -> None:
    client.force_login(world.supervisor)
    url = reverse("screening:claim_list", kwargs={"code": election.code})
    response = client.post(url, {"claim": "Ini hoaks", "source": SOURCE})
    assert response.status_code == 200
    assert b"setidaknya 3 kata" in response.content
    assert not DebunkedClaim.objects.exists()


def test_removing_a_claim_asks_first_and_only_its_agency_may(
    client: Client, world: World, election: Election
) -> None:
    national = world.province
    national.kind = "national"
    national.save()
    shared = Election.objects.create(
        owner=national, name="Pemilu 2029", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    claim = DebunkedClaim.objects.create(
        election=shared, agency=world.agency, claim=CLAIM, source=SOURCE
    )
    delete = reverse("screening:claim_delete", kwargs={"code": claim.code})
    client.force_login(world.other_admin)
    assert (
        client.get(reverse("screening:claim_list", kwargs={"code": shared.code})).status_code == 200
    )
    assert client.post(delete).status_code == 404
    client.force_login(world.supervisor)
    assert client.get(delete).status_code == 200  # the confirmation
    assert DebunkedClaim.objects.filter(pk=claim.pk).exists()
    client.post(delete)
    assert not DebunkedClaim.objects.filter(pk=claim.pk).exists()


def test_the_claims_page_is_for_supervisors_and_admins_of_agencies_that_see_the_election(
    client: Client, world: World, election: Election
) -> None:
    url = reverse("screening:claim_list", kwargs={"code": election.code})
    client.force_login(world.coordinator_a)
    assert client.get(url).status_code == 403
    client.force_login(world.other_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"claim": CLAIM, "source": SOURCE}).status_code == 404
    assert not DebunkedClaim.objects.exists()
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
