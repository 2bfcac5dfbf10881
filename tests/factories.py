"""Small factories for test data; the demo has its own generator."""

import itertools
from typing import Any

from netral.accounts.actors import Actor
from netral.accounts.models import Membership, User
from netral.agencies.models import Agency, Employee, Region, Unit
from netral.agencies.regions import load_regions
from netral.agencies.services import agency_for_region
from netral.cases.catalogue import catalogue_load
from netral.cases.evidence import evidence_add, evidence_prepare
from netral.cases.models import SanctionType, ViolationType

SYSTEM = Actor.command("tests")
_sequence = itertools.count(1)


def migrated_data_load() -> None:
    """What the migrations load (regions, the catalogues), again where it is gone: browser tests
    run in flushed transactions, which remove it."""
    if not Region.objects.exists():
        load_regions(Region)
        catalogue_load(ViolationType, SanctionType)


def agency_make(region_code: str) -> Agency:
    migrated_data_load()
    return agency_for_region(actor=SYSTEM, region=Region.objects.get(code=region_code))


def unit_make(agency: Agency, name: str, parent: Unit | None = None) -> Unit:
    parent = parent or Unit.objects.get(agency=agency, parent=None)
    return Unit.objects.create(agency=agency, parent=parent, name=name)


def nip_make(*, female: bool = False) -> str:
    """A valid PNS NIP, unique per call: born 1985-1994, appointed in March 2010."""
    number = next(_sequence)
    birth = f"{1985 + number % 10}{1 + number % 12:02d}{1 + number % 28:02d}"
    return f"{birth}201003{2 if female else 1}{number % 999 + 1:03d}"


def employee_make(
    unit: Unit, name: str, *, kind: str = Employee.Kind.PNS, **extra: object
) -> Employee:
    values: dict[str, object] = {
        "agency": unit.agency,
        "unit": unit,
        "name": name,
        "kind": kind,
        "position_type": Employee.PositionType.PELAKSANA,
    }
    if kind == Employee.Kind.NON_ASN:
        values["nik"] = f"332601{next(_sequence) % 10**10:010d}"
    else:
        values["nip"] = nip_make()
    values.update(extra)
    return Employee.objects.create(**values)


def officer_make(
    agency: Agency, role: str, *, unit: Unit | None = None, username: str = ""
) -> User:
    user = User.objects.create_user(
        username=username or f"officer{next(_sequence)}", password="Rahasia-Netral-2029"
    )
    Membership.objects.create(user=user, agency=agency, role=role, unit=unit)
    return user


def evidence_put(*, actor: Any, case: Any, file_name: str, data: bytes, origin: str) -> Any:
    """Prepare and keep one evidence file, as the views do in two steps."""
    return evidence_add(
        actor=actor, case=case, file=evidence_prepare(file_name=file_name, data=data), origin=origin
    )
