"""The audit log reads as sentences; no dotted action or Python dict reaches the screen."""

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse
from django.utils import translation

import netral
from netral.accounts.actors import Actor
from netral.base.audit import audit_log
from netral.base.audit_sentences import SENTENCES, audit_sentence
from netral.cases.models import Case
from tests.conftest import World

BUDI = Actor(user=None, label="Admin Budi")

ACTION = re.compile(
    r"""["']((?:base|agencies|core|pacts|monitoring|cases|screening|privacy)\.[a-z_]+\.[a-z_]+)["']"""
)


def test_every_action_in_the_code_has_a_sentence() -> None:
    root = Path(netral.__file__).parent
    actions = {
        match
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        for match in ACTION.findall(path.read_text())
    }
    assert actions, "the pattern finds the actions"
    assert sorted(actions - SENTENCES.keys()) == []


def test_a_sanction_reads_as_a_sentence_in_indonesian(world: World) -> None:
    case = Case(agency=world.agency, number="NTR-2029-0001")
    case.code = "casecode"
    entry = audit_log(
        actor=BUDI,
        action="cases.sanction.recorded",
        agency=world.agency,
        data={"type_name": "Teguran tertulis", "sanction": "abc"},
    )
    entry.target_label = "NTR-2029-0001"
    with translation.override("id"):
        assert audit_sentence(entry) == (
            "Admin Budi mencatat sanksi Teguran tertulis untuk kasus NTR-2029-0001"
        )


def test_an_unknown_action_falls_back_to_a_sentence_without_its_code(world: World) -> None:
    entry = audit_log(actor=BUDI, action="pacts.thing.happened")
    with translation.override("id"):
        sentence = audit_sentence(entry)
    assert "pacts.thing" not in sentence and sentence.startswith("Admin Budi")


def test_the_log_page_shows_sentences_not_codes_or_dicts(world: World) -> None:
    audit_log(
        actor=BUDI,
        action="agencies.employee.updated",
        target=world.employee_a,
        agency=world.agency,
        data={"changes": {"phone": ["0812", "0813"]}},
    )
    client = Client()
    client.login(username="admin", password="Rahasia-Netral-2029")
    page = client.get(reverse("agencies:audit_list")).content.decode()
    assert "Admin Budi mengubah data Siti Aminah, S.Pd." in page
    assert "agencies.employee" not in page and "{&#x27;" not in page and "{'" not in page
