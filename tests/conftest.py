"""Shared personas: an agency with two units and its officers, and an officer of another agency."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

from netral.accounts.models import Membership, User
from netral.agencies.models import Agency, Employee, Unit
from netral.base.models import Election
from netral.pacts import documents
from netral.pacts import services as pacts_services
from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.models import Campaign
from tests.factories import SYSTEM, agency_make, employee_make, officer_make, unit_make


@pytest.fixture(scope="session", autouse=True)
def storage_bucket() -> None:
    """With NETRAL_STORAGE=s3 the bucket is made if missing (scripts/s3.sh starts empty)."""
    storage = storages["default"]
    bucket_name = getattr(storage, "bucket_name", None)
    if bucket_name is None:  # the filesystem: its folders are made as files arrive
        return
    from botocore.exceptions import ClientError

    client = storage.connection.meta.client
    try:
        client.head_bucket(Bucket=bucket_name)
    except ClientError:
        client.create_bucket(Bucket=bucket_name)


@dataclass
class World:
    agency: Agency
    unit_a: Unit  # Dinas Pendidikan
    unit_a_child: Unit
    unit_b: Unit  # Dinas Kesehatan
    employee_a: Employee
    employee_b: Employee
    admin: User
    coordinator_a: User  # limited to unit A
    supervisor: User
    decision_maker: User
    viewer: User
    other_agency: Agency
    other_admin: User
    other_employee: Employee
    province: Agency
    province_viewer: User


@pytest.fixture
def world(db: None) -> World:
    agency = agency_make("33.26")
    unit_a = unit_make(agency, "Dinas Pendidikan dan Kebudayaan")
    unit_a_child = unit_make(agency, "Bidang Pembinaan SD", unit_a)
    unit_b = unit_make(agency, "Dinas Kesehatan")
    other = agency_make("33.74")
    other_unit = unit_make(other, "Dinas Pendidikan")
    province = agency_make("33")
    return World(
        agency=agency,
        unit_a=unit_a,
        unit_a_child=unit_a_child,
        unit_b=unit_b,
        employee_a=employee_make(unit_a_child, "Siti Aminah, S.Pd."),
        employee_b=employee_make(unit_b, "Bambang Sutrisno, S.Kep."),
        admin=officer_make(agency, Membership.Role.ADMIN, username="admin"),
        coordinator_a=officer_make(
            agency, Membership.Role.COORDINATOR, unit=unit_a, username="koordinator"
        ),
        supervisor=officer_make(agency, Membership.Role.SUPERVISOR, username="pengawas"),
        decision_maker=officer_make(agency, Membership.Role.DECISION_MAKER, username="ppk"),
        viewer=officer_make(agency, Membership.Role.VIEWER, username="pemantau"),
        other_agency=other,
        other_admin=officer_make(other, Membership.Role.ADMIN, username="admin_lain"),
        other_employee=employee_make(other_unit, "Rahmat Hidayat"),
        province=province,
        province_viewer=officer_make(province, Membership.Role.VIEWER, username="provinsi"),
    )


@dataclass
class Pacts:
    world: World
    election: Election
    campaign: Campaign  # open, every unit of the home agency


def open_campaign(world: World, election: Election, **extra: object) -> Campaign:
    version = pacts_services.pact_version_create(
        actor=SYSTEM, agency=world.agency, election=election
    )
    version = pacts_services.pact_version_publish(actor=SYSTEM, version=version)
    now = timezone.now()
    values: dict[str, object] = {
        "title": "Ikrar Netralitas ASN Pemilu 2029",
        "place": "Pendopo Kabupaten Pekalongan",
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=7),
        "units": [],
    }
    values.update(extra)
    campaign = pacts_services.campaign_create(
        actor=SYSTEM,
        agency=world.agency,
        election=election,
        pact_version=version,
        **values,
    )
    return pacts_services.campaign_open(actor=SYSTEM, campaign=campaign)


@pytest.fixture
def pacts(world: World) -> Pacts:
    election = pacts_services.election_create(
        actor=SYSTEM,
        owner=world.agency,
        name="Pemilu 2029",
        kind=Election.Kind.PEMILU,
        voting_day=datetime.date(2029, 2, 14),
    )
    return Pacts(world=world, election=election, campaign=open_campaign(world, election))


@pytest.fixture
def certificate(pacts: Pacts) -> Path:
    documents.agency_sealer.cache_clear()
    path = documents.certificate_path(pacts.world.agency)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        demo_certificate_p12(
            agency_name=pacts.world.agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
        )
    )
    return path
