"""Fill a PostgreSQL database with a generated national picture, for the dashboard and surge
benchmarks.

usage: DATABASE_URL=postgres://.../<a migrated database> python bench/national_data.py
       [--agencies 550] [--employees 4300000] [--home-employees 10000] [--home-unsigned]
       [--upto N]

What it makes: a national oversight agency ("bawaslu", with the election), then agency 0, the
"home" agency (Kabupaten Pekalongan, 33.26, `--home-employees` employees), then the other
agencies on the remaining Kemendagri regencies, cities and provinces, sharing the rest of
`--employees` (each between 0.6 and 1.4 times the average). Every agency has a root unit and
40 units (30 OPD, 10 of them with a sub-unit), a published pact version and an open campaign
for the one national election, and a tally refreshed by `tally_refresh`. Of the active
employees about 60 % have signed (35-85 % by agency, 5 % of them on paper), over the
campaign's first three days, with `log_index` set as if sequenced (no log heads: the logs of
these campaigns do not verify). Two officers: `bench.admin` (admin of the home agency) and
`bench.nasional` (viewer of the national agency), password "bench".

Incremental: agencies are numbered, and a run adds only the agencies the database does not have
yet, up to `--upto` (default all), each exactly as a single run would make it. So a benchmark
can time 55 agencies, add the other 495 and time again.

For the signing surge: `--home-employees 8100 --home-unsigned` leaves the home agency's
employees unsigned, with their campaign opened by `campaign_open` (personal links made), so
a surge signs on top of national-scale tables. Other agencies' campaigns have no links.

Rows are written with COPY in text form, so no value may hold a tab, newline or backslash."""

import argparse
import datetime
import hashlib
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NETRAL_DATA_DIR", tempfile.mkdtemp(prefix="netral-national-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netral.settings")

HOME_REGION = "33.26"
NATIONAL_CODE = "bawaslu"
UNITS_PER_AGENCY = 40
NESTED_UNITS = 10
BENCH_PASSWORD = "bench"  # noqa: S105  (a throwaway benchmark database)

FIRST_NAMES = (  # noqa: SIM905  (easier to read than a list)
    "Agus Budi Citra Dewi Eko Fitri Gilang Hendra Indah Joko Kartika Lestari Made Nur Putu "
    "Rahmat Siti Taufik Utami Wahyu Yusuf Ayu Bambang Dian Fajar Galih Hadi Intan Kurnia Lina "
    "Mega Nanda Oktavia Purnama Rina Sari Teguh Wulan Yanti Zainal"
).split()
LAST_NAMES = (  # noqa: SIM905  (easier to read than a list)
    "Santoso Wijaya Saputra Lestari Hidayat Kusuma Pratama Nugroho Setiawan Rahayu Susanto "
    "Permana Wibowo Handayani Purnomo Gunawan Siregar Nasution Harahap Simanjuntak Lubis "
    "Sembiring Tanjung Hutapea Manurung Pangaribuan Sitorus Utomo Wahyudi Firmansyah Hakim "
    "Ramadhan Maulana Syahputra Anggraini Puspita Kurniawan Halim Sulistyo Fauzi"
).split()
OPD_NAMES = (
    "Sekretariat Daerah",
    "Sekretariat DPRD",
    "Inspektorat",
    "Badan Perencanaan Pembangunan Daerah",
    "Badan Keuangan Daerah",
    "Badan Kepegawaian Daerah",
    "Badan Penanggulangan Bencana Daerah",
    "Badan Kesatuan Bangsa dan Politik",
    "Dinas Pendidikan dan Kebudayaan",
    "Dinas Kesehatan",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Perumahan dan Kawasan Permukiman",
    "Dinas Sosial",
    "Dinas Tenaga Kerja",
    "Dinas Lingkungan Hidup",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Pemberdayaan Masyarakat dan Desa",
    "Dinas Perhubungan",
    "Dinas Komunikasi dan Informatika",
    "Dinas Koperasi dan Usaha Mikro",
    "Dinas Penanaman Modal dan PTSP",
    "Dinas Kepemudaan dan Olahraga",
    "Dinas Perpustakaan dan Kearsipan",
    "Dinas Perikanan",
    "Dinas Pertanian dan Pangan",
    "Dinas Perdagangan dan Perindustrian",
    "Dinas Pariwisata",
    "Satuan Polisi Pamong Praja",
    "RSUD Kabupaten",
    "Kecamatan Kota",
)
KINDS = ("PNS",) * 14 + ("PPPK",) * 4 + ("NON_ASN",) * 2
POSITION_TYPES = (("JPT",) + ("ADMINISTRATOR",) * 3 + ("PENGAWAS",) * 8 + ("FUNGSIONAL",) * 48) + (
    "PELAKSANA",
) * 40
CHANNELS = ("link",) * 60 + ("ceremony",) * 35 + ("paper",) * 5
NULL = "\\N"  # COPY's text form
USER_AGENT = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 Chrome/120 Mobile"

# NIPs are unique: the employee id goes through a bijection of [0, NIP_SPACE) onto a birth
# date (41 years) and a sequence number (000-999).
BIRTH_FIRST = datetime.date(1965, 1, 1)
BIRTH_DAYS = 41 * 365
NIP_SPACE = BIRTH_DAYS * 1000
NIP_MULTIPLIER = 7_368_787
assert math.gcd(NIP_MULTIPLIER, NIP_SPACE) == 1


def _copy(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    from django.db import connection

    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        buffer: list[str] = []
        for line in lines:
            buffer.append(line)
            if len(buffer) == 10_000:
                copy.write("".join(buffer))
                buffer = []
        copy.write("".join(buffer))


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def agency_sizes(*, agencies: int, employees: int, home_employees: int) -> list[int]:
    """Employees of each agency by number; agency 0 is the home agency."""
    average = (employees - home_employees) / max(agencies - 1, 1)
    # The golden ratio spreads sizes (0.6-1.4 times the average) evenly whatever the count.
    return [home_employees] + [
        round(average * (0.6 + 0.8 * ((index * 0.6180339887) % 1))) for index in range(1, agencies)
    ]


def _signed_share(index: int) -> float:
    return 0.6 if index == 0 else 0.35 + 0.5 * ((index * 0.7548776662) % 1)


def _regions() -> list[Any]:
    """The regions agencies are numbered on: the home region, regencies and cities, provinces."""
    from netral.agencies.models import Region

    regions = list(Region.objects.order_by("code"))
    home = [r for r in regions if r.code == HOME_REGION]
    local = [r for r in regions if r.parent_id is not None and r.code != HOME_REGION]
    provinces = [r for r in regions if r.parent_id is None]
    return home + local + provinces


def _national(now: datetime.datetime) -> tuple[Any, Any]:
    from netral.accounts.actors import Actor
    from netral.agencies.models import Agency
    from netral.agencies.services import agency_create
    from netral.base.models import Election
    from netral.pacts import services as pacts

    actor = Actor.command("bench")
    national = Agency.objects.filter(code=NATIONAL_CODE).first() or agency_create(
        actor=actor, code=NATIONAL_CODE, name="Badan Pengawas Pemilihan Umum", kind="national"
    )
    election = Election.objects.filter(owner=national).first() or pacts.election_create(
        actor=actor,
        owner=national,
        name="Pemilu 2029",
        kind=Election.Kind.PEMILU,
        campaign_start=(now - datetime.timedelta(days=30)).date(),
        campaign_end=(now + datetime.timedelta(days=60)).date(),
        voting_day=(now + datetime.timedelta(days=64)).date(),
    )
    return national, election


def _officers(home: Any, national: Any) -> None:
    from netral.accounts.models import Membership, User

    for username, agency, role in (
        ("bench.admin", home, Membership.Role.ADMIN),
        ("bench.nasional", national, Membership.Role.VIEWER),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=BENCH_PASSWORD)
        Membership.objects.get_or_create(user=user, agency=agency, defaults={"role": role})


def _agencies_create(
    regions: list[Any], first: int, last: int, now: datetime.datetime
) -> list[Any]:
    from netral.agencies.models import Agency, Region

    kinds = {
        Region.Kind.PROVINCE: Agency.Kind.PROVINCE,
        Region.Kind.REGENCY: Agency.Kind.REGENCY,
        Region.Kind.CITY: Agency.Kind.CITY,
    }
    made = []
    for index in range(first, last):
        if index < len(regions):
            region = regions[index]
            prefix = "Pemerintah Provinsi" if region.parent_id is None else "Pemerintah"
            made.append(
                Agency(
                    code=region.code,
                    name=f"{prefix} {region.name}",
                    kind=kinds[region.kind],
                    region=region,
                )
            )
        else:  # more agencies than regions: central agencies without a region
            made.append(Agency(code=f"bench-{index}", name=f"Lembaga {index}", kind="central"))
    return Agency.objects.bulk_create(made)


def _units_create(agency: Any) -> list[Any]:
    """The root, 30 OPD and a sub-unit under each of the first ten; ids are needed, so the ORM."""
    from netral.agencies.models import Unit
    from netral.base.codes import new_codes

    codes = iter(new_codes(UNITS_PER_AGENCY + 1))
    root_code = next(codes)
    root = Unit.objects.create(
        agency=agency, name=agency.name, code=root_code, path=f"{root_code}/", depth=0
    )
    opd = []
    for name in OPD_NAMES:
        code = next(codes)
        opd.append(
            Unit(
                agency=agency,
                parent=root,
                name=name,
                code=code,
                path=f"{root.path}{code}/",
                depth=1,
            )
        )
    opd = Unit.objects.bulk_create(opd)
    nested = []
    for parent in opd[:NESTED_UNITS]:
        code = next(codes)
        nested.append(
            Unit(
                agency=agency,
                parent=parent,
                name=f"Bidang Umum {parent.name}",
                code=code,
                path=f"{parent.path}{code}/",
                depth=2,
            )
        )
    return [root, *opd, *Unit.objects.bulk_create(nested)]


def _campaign_create(agency: Any, election: Any, now: datetime.datetime) -> Any:
    from netral.pacts.defaults import default_pact_content
    from netral.pacts.models import Campaign, PactVersion

    version = PactVersion(
        agency=agency,
        election=election,
        number=1,
        status=PactVersion.Status.PUBLISHED,
        published_at=now - datetime.timedelta(days=5),
        **default_pact_content(agency_name=agency.name, election_name=election.name),
    )
    version.sha256 = version.content_hash()
    version.save()
    return Campaign.objects.create(
        agency=agency,
        election=election,
        pact_version=version,
        title="Ikrar dan Penandatanganan Pakta Integritas Netralitas ASN",
        mode=Campaign.Mode.BOTH,
        opens_at=now - datetime.timedelta(days=4),
        closes_at=now + datetime.timedelta(days=26),
        status=Campaign.Status.OPEN,
    )


def _nip(employee_id: int, kind: str, gender: str) -> tuple[str, datetime.date]:
    birth_index, sequence = divmod(employee_id * NIP_MULTIPLIER % NIP_SPACE, 1000)
    birth = BIRTH_FIRST + datetime.timedelta(days=birth_index)
    year = birth.year + 22 + employee_id % 9
    # An NI PPPK has the appointment year and "21" where a PNS NIP has the month.
    month = "21" if kind == "PPPK" else f"{employee_id % 12 + 1:02d}"
    sex = "1" if gender == "M" else "2"
    return f"{birth:%Y%m%d}{year}{month}{sex}{sequence:03d}", birth


EMPLOYEE_COLUMNS = (  # noqa: SIM905  (easier to read than a list)
    "id code agency_id unit_id kind nip legacy_nip nik name position position_type rank email "
    "phone birth_date gender is_active created_at updated_at"
).split()
SIGNATURE_COLUMNS = (  # noqa: SIM905  (easier to read than a list)
    "id code campaign_id employee_id agency_id unit_id channel signed_at ip user_agent "
    "typed_name pact_sha256 record_sha256 log_index pdf_sha256 scan_sha256 scan_type"
).split()


def _agency_fill(
    *,
    index: int,
    agency: Any,
    campaign: Any,
    size: int,
    signed: bool,
    now: datetime.datetime,
) -> tuple[int, int]:
    """COPY the agency's employees and signatures; returns how many of each."""
    from netral.base.codes import new_codes

    units = _units_create(agency)
    rng = random.Random(index)
    first_id = _next_id("agencies_employee")
    codes = new_codes(size)
    region_digits = (agency.region_id or "99.99").replace(".", "") + "01"
    stamp = now.isoformat()
    share = _signed_share(index)
    employees: list[str] = []
    signatures: list[tuple[int, int, str]] = []  # employee id, unit id, name
    for offset in range(size):
        employee_id = first_id + offset
        # The root unit holds few people; the OPD and sub-units the rest.
        unit = units[rng.randrange(1, len(units))] if rng.random() > 0.01 else units[0]
        kind = KINDS[rng.randrange(len(KINDS))]
        gender = "M" if rng.random() < 0.52 else "F"
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if kind == "NON_ASN":
            birth = BIRTH_FIRST + datetime.timedelta(days=rng.randrange(BIRTH_DAYS))
            day = birth.day + (40 if gender == "F" else 0)
            nip = NULL
            nik = f"{region_digits}{day:02d}{birth:%m%y}{offset % 10_000:04d}"
            position_type = "PELAKSANA"
        else:
            nip, birth = _nip(employee_id, kind, gender)
            nik = NULL
            position_type = POSITION_TYPES[rng.randrange(len(POSITION_TYPES))]
        active = rng.random() > 0.01
        employees.append(
            f"{employee_id}\t{codes[offset]}\t{agency.pk}\t{unit.pk}\t{kind}\t{nip}\t{NULL}\t{nik}\t"
            f"{name}\tStaf\t{position_type}\t\t\t\t{birth}\t{gender}\t{'t' if active else 'f'}\t"
            f"{stamp}\t{stamp}\n"
        )
        if signed and active and rng.random() < share:
            signatures.append((employee_id, unit.pk, name))
    _copy("agencies_employee", EMPLOYEE_COLUMNS, employees)
    if signatures:
        _signatures_copy(campaign, agency, signatures, rng)
    return size, len(signatures)


def _signatures_copy(
    campaign: Any, agency: Any, signatures: list[tuple[int, int, str]], rng: random.Random
) -> None:
    from netral.base.codes import new_codes

    first_id = _next_id("pacts_signature")
    codes = new_codes(len(signatures))
    pact = campaign.pact_version.sha256
    lines = []
    for offset, (employee_id, unit_id, name) in enumerate(signatures):
        channel = CHANNELS[rng.randrange(len(CHANNELS))]
        # Most sign on the first day, fewer on the second and third.
        seconds = min(rng.expovariate(1 / 60_000), 3 * 86_400 - 1)
        signed_at = campaign.opens_at + datetime.timedelta(seconds=seconds)
        record = hashlib.sha256(f"{campaign.pk}:{employee_id}".encode()).hexdigest()
        paper = channel == "paper"
        lines.append(
            f"{first_id + offset}\t{codes[offset]}\t{campaign.pk}\t{employee_id}\t{agency.pk}\t"
            f"{unit_id}\t{channel}\t{signed_at.isoformat()}\t"
            f"{NULL if paper else '10.0.0.1'}\t{'' if paper else USER_AGENT}\t{name}\t{pact}\t"
            f"{record}\t{offset}\t\t{record if paper else ''}\t{'pdf' if paper else ''}\n"
        )
    _copy("pacts_signature", SIGNATURE_COLUMNS, lines)


def national_data_generate(
    *,
    agencies: int = 550,
    employees: int = 4_300_000,
    home_employees: int = 10_000,
    home_unsigned: bool = False,
    upto: int | None = None,
    progress: bool = False,
) -> dict[str, int]:
    """Add the agencies numbered from the count already there up to `upto` (default all);
    returns the counts made."""
    from django.db import connection, transaction
    from django.utils import timezone

    from netral.accounts.actors import Actor
    from netral.agencies.models import Agency
    from netral.monitoring.services import tally_refresh
    from netral.pacts import services as pacts

    now = timezone.now()
    national, election = _national(now)
    regions = _regions()
    sizes = agency_sizes(agencies=agencies, employees=employees, home_employees=home_employees)
    first = Agency.objects.exclude(pk=national.pk).count()
    last = min(upto if upto is not None else agencies, agencies)
    made = {"agencies": 0, "employees": 0, "signatures": 0}
    if first >= last:
        return made
    campaigns = []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Generated data can be made again: commits need not wait for the disk.
        cursor.execute("SET synchronous_commit = off")
    with _indexes_dropped(["agencies_employee", "pacts_signature"]):
        for index in range(first, last):
            with transaction.atomic():
                (agency,) = _agencies_create(regions, index, index + 1, now)
                campaign = _campaign_create(agency, election, now)
                people, signatures = _agency_fill(
                    index=index,
                    agency=agency,
                    campaign=campaign,
                    size=sizes[index],
                    signed=not (index == 0 and home_unsigned),
                    now=now,
                )
            campaigns.append(campaign)
            made["agencies"] += 1
            made["employees"] += people
            made["signatures"] += signatures
            if progress and (index + 1) % 50 == 0:
                elapsed = time.perf_counter() - started
                print(
                    f"  {index + 1} agencies, {made['employees']:,} employees, "
                    f"{made['signatures']:,} signatures in {elapsed:.0f} s",
                    flush=True,
                )
        if progress:
            print(f"  rows written in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("agencies_employee", "pacts_signature"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        # Fresh statistics first: with none for the new campaigns, the planner expects one row
        # each and the tallies' join becomes a nested loop over the whole agency per signature.
        cursor.execute("ANALYZE")
        cursor.execute("RESET synchronous_commit")
    if first == 0 and campaigns:
        pacts.campaign_open(actor=Actor.command("bench"), campaign=campaigns[0])
        _officers(campaigns[0].agency, national)
    for campaign in campaigns:
        tally_refresh(campaign=campaign)
    if progress:
        print(f"  indexes, statistics and tallies done at {time.perf_counter() - started:.0f} s")
    return made


@contextmanager
def _indexes_dropped(tables: list[str]) -> Iterator[None]:
    """Drop the tables' indexes and unique constraints (not the primary keys) and build them
    again afterwards: one sort per index is much faster than millions of inserts into it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for table, name, definition in constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=550)
    parser.add_argument("--employees", type=int, default=4_300_000)
    parser.add_argument("--home-employees", type=int, default=10_000)
    parser.add_argument("--home-unsigned", action="store_true")
    parser.add_argument("--upto", type=int, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    started = time.perf_counter()
    made = national_data_generate(
        agencies=args.agencies,
        employees=args.employees,
        home_employees=args.home_employees,
        home_unsigned=args.home_unsigned,
        upto=args.upto,
        progress=True,
    )
    print(f"made {made} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
