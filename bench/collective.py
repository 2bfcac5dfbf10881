"""The collective ikrar document of a large ceremony: time and peak memory of the job.

usage: python bench/collective.py [--rows 8100]

SQLite in a temporary data folder by default; set DATABASE_URL for PostgreSQL (a test database
is created and dropped). --rows signatures are bulk-inserted and sequenced, then the job
`pacts.collective` runs once: sequencing what is left, rendering the annex from the streamed
rows, sealing and storing. Printed: the seconds, the peak of Python's allocations during the job
(tracemalloc), the file's size, and the peak per row.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=8100)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from netral.accounts.actors import Actor
    from netral.agencies.models import Employee
    from netral.base.jobs import job_start
    from netral.base.models import Election, Job
    from netral.base.storage import read_bytes
    from netral.pacts import collective, documents, officials, services, transparency
    from netral.pacts.certificates import demo_certificate_p12
    from netral.pacts.models import Campaign, Signature
    from tests.factories import agency_make, unit_make

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    actor = Actor.command("bench")
    try:
        agency = agency_make("33.26")
        units = [
            unit_make(agency, f"Dinas Nomor {number} Kabupaten Pekalongan") for number in range(40)
        ]
        path = documents.certificate_path(agency)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            demo_certificate_p12(
                agency_name=agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
            )
        )
        now = timezone.now()
        election = services.election_create(
            actor=actor,
            owner=agency,
            name="Pemilihan 2029",
            kind=Election.Kind.PEMILIHAN,
            voting_day=datetime.date(2029, 11, 27),
        )
        version = services.pact_version_publish(
            actor=actor,
            version=services.pact_version_create(actor=actor, agency=agency, election=election),
        )
        campaign = services.campaign_open(
            actor=actor,
            campaign=services.campaign_create(
                actor=actor,
                agency=agency,
                election=election,
                pact_version=version,
                units=[],
                title="Ikrar Netralitas ASN",
                place="Pendopo Kabupaten Pekalongan",
                opens_at=now - datetime.timedelta(hours=1),
                closes_at=now + datetime.timedelta(days=7),
            ),
        )
        regent = officials.signatory_add(
            actor=actor, campaign=campaign, role="official", name="Bupati", office="Bupati"
        )
        officials.signatory_sign(actor=actor, signatory=regent, typed_name="Bupati")
        employees = Employee.objects.bulk_create(
            [
                Employee(
                    agency=agency,
                    unit=units[number % len(units)],
                    kind=Employee.Kind.PNS,
                    name=f"Pegawai Dengan Nama Cukup Panjang {number}",
                    nip=f"19{number:016d}",
                    position_type=Employee.PositionType.PELAKSANA,
                )
                for number in range(args.rows)
            ],
            batch_size=1000,
        )
        Signature.objects.bulk_create(
            [
                Signature(
                    campaign=campaign,
                    employee=employee,
                    agency=agency,
                    unit=employee.unit,
                    channel=Signature.Channel.LINK,
                    signed_at=now,
                    typed_name=employee.name,
                    pact_sha256=version.sha256,
                    signer_details={
                        "name": employee.name,
                        "nip": employee.nip,
                        "unit": employee.unit.name,
                    },
                )
                for employee in employees
            ],
            batch_size=1000,
        )
        transparency.log_sequence(campaign=campaign)  # one batch before closing, as in a day
        services.campaign_close(actor=actor, campaign=campaign)
        job = job_start(
            kind=collective.COLLECTIVE_JOB,
            title="bench",
            actor=actor,
            agency=agency,
            params={"campaign": campaign.code},
        )
        job.refresh_from_db()
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
        started = time.perf_counter()
        collective.collective_build(job, lambda percent: None)
        seconds = time.perf_counter() - started
        # Again under tracemalloc (the log is sequenced now): the rendering and sealing's peak.
        tracemalloc.start()
        started = time.perf_counter()
        collective.collective_build(job, lambda percent: None)
        traced_seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        campaign = Campaign.objects.get(pk=campaign.pk)
        size = len(read_bytes(campaign.collective_name))
        print(
            f"{connection.vendor}: collective document of {args.rows:,} signatures: "
            f"{seconds:.2f} s with the last {args.rows - 5000:,} sequenced, again "
            f"{traced_seconds:.2f} s under tracemalloc: peak Python memory "
            f"{peak / 2**20:.1f} MiB ({peak / args.rows:,.0f} bytes a row), "
            f"file {size / 2**20:.2f} MiB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
