"""The signing request's hand-written SQL (the link's signer, and on PostgreSQL the signature and
its audit entry in one statement) must read and write exactly what the ORM would."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from netral.accounts.actors import Actor
from netral.base.bulk import insert_values
from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Campaign, Signature, SigningLink
from tests.conftest import Pacts

SIGNER = Actor(user=None, label="anonymous", ip="10.20.30.40", user_agent="Android Chrome")


def field_values(instance: models.Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def url_token(pacts: Pacts) -> str:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    return services.signing_link_url_token(link)


def sign(campaign: Campaign, pacts: Pacts) -> tuple[Signature, bool]:
    return services.signature_create(
        actor=SIGNER,
        campaign=campaign,
        employee=pacts.world.employee_a,
        channel=Signature.Channel.LINK,
        typed_name="Siti Aminah",
    )


def test_the_link_signer_is_what_the_models_say(pacts: Pacts) -> None:
    found = services.link_signer_find(url_token(pacts))
    link = SigningLink.objects.select_related("campaign", "employee__unit").get(
        campaign=pacts.campaign, employee=pacts.world.employee_a
    )
    assert found == services.Signer.of(link.campaign, link.employee)
    assert found.opens_at.tzinfo is not None  # SQLite's text converted as the ORM does
    assert found.unit_path == pacts.world.unit_a_child.path


def test_a_link_post_reads_one_row_and_writes_in_one_statement(
    pacts: Pacts, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # The campaign's unchanging facts are read once per process, by the first signature.
    services.signature_create(
        actor=SIGNER,
        campaign=pacts.campaign,
        employee=pacts.world.employee_b,
        channel=Signature.Channel.LINK,
        typed_name=pacts.world.employee_b.name,
    )
    client = Client()
    url = reverse("pacts:sign", args=[url_token(pacts)])
    # PostgreSQL: the lookup and the insert. SQLite: the lookup, then a savepoint around the
    # signature and its audit entry.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 5):
        response = client.post(url, {"typed_name": "Siti Aminah", "consent": "on"})
    assert response.status_code == 302
    assert Signature.objects.filter(employee=pacts.world.employee_a).exists()


def test_an_unknown_revoked_or_overlong_token_finds_no_signer(pacts: Pacts) -> None:
    token = url_token(pacts)
    assert services.link_signer_find("a" * 32) is None
    assert services.link_signer_find("a" * 65) is None
    assert services.link_signer_find("") is None
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    services.signing_link_revoke(actor=SIGNER, link=link)
    assert services.link_signer_find(token) is None


def test_the_signature_and_its_audit_entry_are_the_rows_the_orm_would_write(
    pacts: Pacts,
) -> None:
    signature, created = sign(pacts.campaign, pacts)
    assert created
    assert not signature._state.adding
    stored = Signature.objects.get(pk=signature.pk)
    assert field_values(stored) == field_values(signature)
    entry = AuditEntry.objects.get(action="pacts.signature.created")
    assert entry.actor_id is None
    assert entry.actor_label == "anonymous"
    assert entry.agency_id == pacts.world.agency.pk
    assert entry.target_type == ContentType.objects.get_for_model(Signature)
    assert entry.target_code == signature.code
    assert entry.target_label == str(signature)
    assert entry.data == {
        "campaign": pacts.campaign.code,
        "employee": pacts.world.employee_a.code,
        "channel": "link",
    }
    assert entry.ip == "10.20.30.40"
    assert entry.user_agent == "Android Chrome"
    assert entry.created_at is not None


def test_a_second_submit_returns_the_first_and_writes_no_second_audit_entry(
    pacts: Pacts,
) -> None:
    first, _ = sign(pacts.campaign, pacts)
    second, created = sign(pacts.campaign, pacts)
    assert not created
    assert second.pk == first.pk
    assert second.code == first.code
    assert Signature.objects.count() == 1
    assert AuditEntry.objects.filter(action="pacts.signature.created").count() == 1


def test_signing_through_the_link_writes_one_signature_and_one_audit_entry(
    pacts: Pacts,
) -> None:
    client = Client(enforce_csrf_checks=True)
    url = reverse("pacts:sign", args=[url_token(pacts)])
    client.get(url)
    form = {"typed_name": "Siti Aminah", "consent": "on"}
    assert client.post(url, form).status_code == 403  # no CSRF token
    form["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    response = client.post(url, form, HTTP_USER_AGENT="Android Chrome")
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.post(url, form).status_code == 302
    signature = Signature.objects.get()
    assert signature.channel == Signature.Channel.LINK
    assert (
        AuditEntry.objects.filter(
            action="pacts.signature.created", target_code=signature.code
        ).count()
        == 1
    )


def printed(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else str(value)


def test_insert_values_sends_what_djangos_own_preparation_would(pacts: Pacts) -> None:
    signature, _ = sign(pacts.campaign, pacts)
    signature.drawn_signature = b"\x89PNG\r\n\x1a\n"
    entry = AuditEntry(actor_label="x", action="test.inserted", data={"a": 1}, ip="10.0.0.1")
    for instance in (signature, entry):
        columns, values = insert_values(instance)
        fields = [
            field
            for field in instance._meta.local_concrete_fields
            if field is not instance._meta.auto_field
        ]
        assert columns == [connection.ops.quote_name(field.column) for field in fields]
        for field, value in zip(fields, values, strict=True):
            expected = field.get_db_prep_save(getattr(instance, field.attname), connection)
            assert type(value) is type(expected), field.name
            assert printed(value) == printed(expected), field.name


def test_insert_values_applies_defaults_and_auto_now_add(pacts: Pacts) -> None:
    entry = AuditEntry(actor_label="x", action="test.inserted", data={"a": 1})
    columns, values = insert_values(entry)
    assert connection.ops.quote_name("id") not in columns
    assert len(columns) == len(values)
    assert entry.created_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_keep_one_signature(pacts: Pacts) -> None:
    results: list[tuple[Signature, bool]] = []
    start = threading.Barrier(2)

    def submit() -> None:
        start.wait()
        try:
            results.append(sign(Campaign.objects.get(pk=pacts.campaign.pk), pacts))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _, created in results) == [False, True]
    assert len({signature.pk for signature, _ in results}) == 1
    assert Signature.objects.count() == 1
    assert AuditEntry.objects.filter(action="pacts.signature.created").count() == 1


def test_the_row_reader_builds_what_the_orm_builds(pacts: Pacts) -> None:
    found = services.signing_link_find(url_token(pacts))
    link = SigningLink.objects.select_related("campaign", "employee__unit").get(
        campaign=pacts.campaign, employee=pacts.world.employee_a
    )
    assert found is not None
    for ours, theirs in (
        (found, link),
        (found.campaign, link.campaign),
        (found.employee, link.employee),
        (found.employee.unit, link.employee.unit),
    ):
        assert type(ours) is type(theirs)
        assert field_values(ours) == field_values(theirs)
    assert found.campaign.opens_at.tzinfo is not None  # SQLite's text converted
    assert services.signing_link_find("a" * 32) is None


def test_the_signing_page_reads_the_signature_with_its_json_and_bytes(pacts: Pacts) -> None:
    employee = pacts.world.employee_a
    assert services.signature_of(pacts.campaign, employee) is None
    signature, _created = services.signature_create(
        actor=SIGNER,
        campaign=pacts.campaign,
        employee=employee,
        channel=Signature.Channel.LINK,
        typed_name="Siti Aminah",
        drawn_signature=None,
    )
    found = services.signature_of(pacts.campaign, employee)
    assert found is not None
    assert field_values(found) == field_values(Signature.objects.get(pk=signature.pk))
    assert found.signer_details["name"] == employee.name  # JSON, decoded


def test_an_employee_is_found_at_the_ceremony_only_while_they_must_sign(pacts: Pacts) -> None:
    employee = pacts.world.employee_a
    found = services.ceremony_employee_find(campaign=pacts.campaign, identifier=employee.nip)
    assert found is not None and found.pk == employee.pk
    assert found.unit.path == employee.unit.path
    by_code = services.ceremony_employee_get(campaign=pacts.campaign, code=employee.code)
    assert by_code is not None and by_code.pk == employee.pk
    employee.is_active = False
    employee.save()
    assert services.ceremony_employee_find(campaign=pacts.campaign, identifier=employee.nip) is None
    assert services.ceremony_employee_get(campaign=pacts.campaign, code=employee.code) is None


def test_a_closed_campaign_is_closed_at_once_in_this_process(pacts: Pacts) -> None:
    assert services.open_campaign(pacts.campaign.code) is not None
    services.campaign_close(actor=Actor.command("test"), campaign=pacts.campaign)
    assert services.open_campaign(pacts.campaign.code) is None


def test_a_cycled_session_key_leaves_no_old_session(client: Client, pacts: Pacts) -> None:
    session = client.session
    session["x"] = 1
    session.save()
    old = session.session_key
    session.cycle_key()
    session.save()
    assert session.session_key != old
    assert not Session.objects.filter(session_key=old).exists()
    assert Session.objects.filter(session_key=session.session_key).exists()
