"""A national agency's size on PostgreSQL with the default settings (server-side binding): no
bulk path may send more than the protocol's 65,535 parameters in one statement. Bare rows are
made by SQL, so each test crosses the real limit in seconds."""

import datetime
from pathlib import Path

import pytest
from django.db import connection, transaction

from netral.accounts.actors import Actor
from netral.agencies.models import Agency, Employee, Unit
from netral.agencies.services import agency_delete
from netral.base.models import AuditEntry, Election
from netral.pacts import services as pacts_services
from netral.pacts.models import Campaign, SigningLink
from tests.agencies.roster_helpers import ROWS, csv_bytes, write
from tests.agencies.test_roster_import import import_file
from tests.conftest import World, open_campaign

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the limit is PostgreSQL's protocol's"
    ),
]

OVER_LIMIT = 70_000
SYSTEM = Actor.command("tests")


def bare_employees(agency: Agency, unit: Unit, count: int = OVER_LIMIT) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agencies_employee (code, agency_id, unit_id, kind, nip, name, position,"
            " position_type, rank, email, phone, gender, is_active, created_at, updated_at)"
            " SELECT 'bare' || n, %s, %s, 'PNS', '1' || lpad(n::text, 17, '0'), 'Pegawai ' || n,"
            " '', 'PELAKSANA', '', '', '', 'M', true, now(), now() FROM generate_series(1, %s) n"
            " RETURNING id",
            [agency.pk, unit.pk, count],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_limit_is_real_here(db: None) -> None:
    """Else the tests below would prove nothing: the server binds the parameters."""
    placeholders = ", ".join(["%s"] * OVER_LIMIT)
    with (
        pytest.raises(Exception, match="65535"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SELECT 1 WHERE 1 IN ({placeholders})", [1] * OVER_LIMIT)


def test_a_long_in_list_is_one_parameter(world: World) -> None:
    ids = bare_employees(world.agency, world.unit_b)

    assert Employee.objects.filter(pk__in=ids).count() == OVER_LIMIT
    codes = [f"bare{n}" for n in range(1, OVER_LIMIT + 1)]
    assert Employee.objects.filter(code__in=codes).update(position="Staf") == OVER_LIMIT
    assert Unit.objects.filter(head__in=ids).count() == 0


def test_a_roster_import_deactivates_a_national_agencys_absent_employees(
    world: World, tmp_path: Path
) -> None:
    bare_employees(world.agency, world.unit_b)

    plan = import_file(
        world.agency, write(tmp_path, "r.csv", csv_bytes(ROWS[:1])), deactivate_absent=True
    )

    assert plan.errors == []
    assert plan.summary()["absent"] == OVER_LIMIT + 2
    assert Employee.objects.filter(agency=world.agency, is_active=True).count() == 1
    deactivated = AuditEntry.objects.filter(action="agencies.employee.deactivated").count()
    assert deactivated == OVER_LIMIT + 2


def test_a_campaign_over_a_national_agency_opens_and_is_deleted(world: World) -> None:
    bare_employees(world.agency, world.unit_b)
    election = pacts_services.election_create(
        actor=SYSTEM,
        owner=world.agency,
        name="Pemilu 2029",
        kind=Election.Kind.PEMILU,
        voting_day=datetime.date(2029, 2, 14),
    )
    campaign = open_campaign(world, election)
    assert SigningLink.objects.filter(campaign=campaign).count() == OVER_LIMIT + 2

    Campaign.objects.filter(pk=campaign.pk).delete()
    assert not SigningLink.objects.exists()


def test_a_national_agency_is_deleted_with_its_employees(world: World) -> None:
    agency = world.other_agency
    unit = Unit.objects.get(agency=agency, parent__isnull=False)
    ids = bare_employees(agency, unit)
    Unit.objects.filter(pk=unit.pk).update(head=ids[0])

    agency_delete(actor=SYSTEM, agency=agency)

    assert not Employee.objects.filter(pk__in=ids).exists()
    assert not Agency.objects.filter(pk=agency.pk).exists()
