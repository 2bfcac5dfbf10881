import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from netral.accounts.actors import Actor
from netral.accounts.models import Membership, User
from netral.agencies.models import Agency, Employee, Unit
from netral.agencies.services import agency_delete
from netral.base.models import AuditEntry
from tests.conftest import World


def test_a_regional_government_is_created_from_its_kemendagri_code(db: None) -> None:
    out = io.StringIO()
    call_command("create_agency", "33.74", "--admin", "bkpp.semarang", stdout=out)
    agency = Agency.objects.get(code="33.74")
    assert agency.name == "Pemerintah Kota Semarang"
    assert agency.kind == Agency.Kind.CITY
    assert Unit.objects.filter(agency=agency, parent=None).count() == 1
    membership = Membership.objects.get(user__username="bkpp.semarang")
    assert membership.role == Membership.Role.ADMIN
    password = out.getvalue().split("password ")[1].split()[0]
    assert User.objects.get(username="bkpp.semarang").check_password(password)
    assert AuditEntry.objects.filter(action="core.membership.created").exists()


def test_a_national_body_needs_a_name_and_kind(db: None) -> None:
    with pytest.raises(CommandError, match="not a Kemendagri region code"):
        call_command("create_agency", "bkn", "--admin", "satgas")
    call_command(
        "create_agency",
        "bkn",
        "--name",
        "Badan Kepegawaian Negara",
        "--kind",
        "national",
        "--admin",
        "satgas",
        stdout=io.StringIO(),
    )
    assert Agency.objects.get(code="bkn").kind == Agency.Kind.NATIONAL


def test_a_taken_username_leaves_nothing_behind(db: None) -> None:
    call_command("create_agency", "33.26", "--admin", "admin", stdout=io.StringIO())
    with pytest.raises(Exception, match="username"):
        call_command("create_agency", "33.74", "--admin", "admin", stdout=io.StringIO())
    assert not Agency.objects.filter(code="33.74").exists()


def test_an_agency_made_by_mistake_is_deleted_with_its_units_and_employees(world: World) -> None:
    agency = world.other_agency
    Unit.objects.filter(agency=agency, parent__isnull=False).update(head=world.other_employee)

    agency_delete(actor=Actor.command("tests"), agency=agency)

    assert not Agency.objects.filter(pk=agency.pk).exists()
    assert not Unit.objects.filter(agency_id=agency.pk).exists()
    assert not Employee.objects.filter(pk=world.other_employee.pk).exists()
    entry = AuditEntry.objects.get(action="agencies.agency.deleted")
    assert entry.data == {"code": "33.74", "name": agency.name, "employees": 1}
    assert Employee.objects.filter(agency=world.agency).count() == 2
