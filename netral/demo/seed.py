"""The demo agency: Kabupaten Pekalongan with a synthetic roster, loaded through the real import."""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.accounts.models import Membership, User
from netral.agencies.models import Agency, Region, Unit
from netral.agencies.roster import roster_apply, roster_plan
from netral.agencies.roster_file import read_roster_file
from netral.agencies.services import agency_for_region, letterhead_update
from netral.base.audit import audit_log
from netral.base.codes import new_codes
from netral.base.models import Election
from netral.base.storage import save_bytes
from netral.cases import decisions
from netral.cases import services as cases
from netral.cases.models import Case, CaseAssignment, SanctionType, ViolationType
from netral.demo.roster import generate_roster, write_roster_csv
from netral.pacts import services as pacts
from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.documents import certificate_path
from netral.pacts.models import Attendance, Campaign, Signature, SigningLink
from netral.pacts.services import (
    Signer,
    campaign_employees,
    scan_name,
    signing_link_url_token,
)
from netral.pacts.transparency import record_sha256
from netral.screening.contestants import contestant_create
from netral.screening.vocabulary import DATA

DEMO_REGION = "33.26"  # Kabupaten Pekalongan
# Printed on screen: the demo serves 127.0.0.1 only.
DEMO_PASSWORD = "netral-demo-2029"
DEMO_COORDINATOR_UNIT = "Dinas Pendidikan dan Kebudayaan"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency: str
    unit: str


# The receipt of the demo's public report, printed so the follow-up page can be tried.
DEMO_RECEIPT = "1234 5678 9012 3456"


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(
            m.user.username, m.get_role_display(), m.agency.name, m.unit.name if m.unit else ""
        )
        for m in Membership.objects.filter(user__username__startswith="demo.")
        .select_related("user", "agency", "unit")
        .order_by("agency__code", "user__username")
    ]


def demo_seed(*, size: int = 8100) -> Agency:
    """Create the demo agency, its roster and one officer per role; reuse what exists."""
    actor = Actor.command("seed_demo")
    agency = agency_for_region(actor=actor, region=Region.objects.get(code=DEMO_REGION))
    if not agency.employees.exists():
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "demo-roster.csv"
            write_roster_csv(generate_roster(size=size, region_code=DEMO_REGION), path)
            table = read_roster_file(
                path, max_bytes=settings.NETRAL_ROSTER_MAX_BYTES, max_rows=max(size, 1) + 1
            )
        plan = roster_plan(agency=agency, table=table, max_depth=settings.NETRAL_MAX_UNIT_DEPTH)
        if not plan.is_valid:
            raise RuntimeError(f"the demo roster does not import: {plan.errors[:5]}")
        roster_apply(
            plan=plan,
            actor=actor,
            deactivate_absent=False,
            reference="demo",
            max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
            table=table,
        )
        letterhead_update(
            actor=actor,
            agency=agency,
            lines=["PEMERINTAH KABUPATEN PEKALONGAN", agency.personnel_office_name.upper()],
            address="Jl. Contoh No. 1, Kajen (alamat contoh untuk demo)",
            seat="Kajen",
        )
    province = agency_for_region(actor=actor, region=Region.objects.get(code=DEMO_REGION[:2]))
    coordinator_unit = Unit.objects.filter(
        agency=agency, depth=1, name=DEMO_COORDINATOR_UNIT
    ).first()
    officers = [
        ("demo.admin", agency, Membership.Role.ADMIN, None),
        ("demo.koordinator", agency, Membership.Role.COORDINATOR, coordinator_unit),
        ("demo.pengawas", agency, Membership.Role.SUPERVISOR, None),
        ("demo.ppk", agency, Membership.Role.DECISION_MAKER, None),
        ("demo.pemantau", agency, Membership.Role.VIEWER, None),
        ("demo.provinsi", province, Membership.Role.VIEWER, None),
    ]
    with transaction.atomic():
        for username, home, role, unit in officers:
            if role == Membership.Role.COORDINATOR and unit is None:
                continue
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(
                user=user, agency=home, defaults={"role": role, "unit": unit}
            )
    _demo_campaign(agency, actor)
    return agency


def _demo_campaign(agency: Agency, actor: Actor) -> None:
    """Pemilu 2029 with the standard pact, an open campaign and the agency's sealing certificate."""

    certificate = certificate_path(agency)
    if not certificate.exists():
        certificate.parent.mkdir(parents=True, exist_ok=True)
        certificate.write_bytes(
            demo_certificate_p12(
                agency_name=agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
            )
        )
        certificate.chmod(0o600)
    if Campaign.objects.filter(agency=agency).exists():
        return
    election = pacts.election_create(
        actor=actor,
        owner=agency,
        name="Pemilu 2029",
        kind=Election.Kind.PEMILU,
        candidate_determination_date=datetime.date(2028, 11, 13),
        campaign_start=datetime.date(2028, 11, 28),
        campaign_end=datetime.date(2029, 2, 10),
        voting_day=datetime.date(2029, 2, 14),
    )
    version = pacts.pact_version_create(actor=actor, agency=agency, election=election)
    version = pacts.pact_version_publish(actor=actor, version=version)
    now = timezone.now()
    campaign = pacts.campaign_create(
        actor=actor,
        agency=agency,
        election=election,
        pact_version=version,
        units=[],
        title="Ikrar dan Penandatanganan Pakta Integritas Netralitas ASN",
        ceremony_date=(now + datetime.timedelta(days=7)).date(),
        ceremony_time=datetime.time(7, 30),
        place="Pendopo Rumah Dinas Bupati Pekalongan, Kajen",
        mode=Campaign.Mode.BOTH,
        meeting_link="https://meet.example.go.id/ikrar-netralitas",
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=27),
    )
    campaign = pacts.campaign_open(actor=actor, campaign=campaign)
    _demo_signatures(campaign, actor)
    _demo_contestants(election, actor)
    _demo_cases(campaign, actor)


def _demo_contestants(election: Election, actor: Actor) -> None:
    """The fictional pairs of the screening's labelled set, so the self-check has names to find."""
    import json

    fictional = json.loads((DATA / "labelled_election.json").read_text(encoding="utf-8"))
    for row in fictional["contestants"]:
        contestant_create(
            actor=actor,
            election=election,
            kind=row["kind"],
            name=row["name"],
            ballot_number=row.get("ballot_number"),
            aliases=row.get("aliases", []),
            parties=row.get("parties", []),
            slogans=row.get("slogans", []),
            hashtags=row.get("hashtags", []),
        )


def _demo_cases(campaign: Campaign, actor: Actor) -> None:
    """Three reports at different points: new, overdue in review, and sanctioned."""

    agency, election = campaign.agency, campaign.election
    unsigned = (
        campaign_employees(campaign)
        .exclude(pk__in=Signature.objects.filter(campaign=campaign).values("employee_id"))
        .order_by("id")
    )
    now = timezone.now()
    acts = {v.number: v for v in ViolationType.objects.filter(number__in=[2, 3, 5])}
    cases.case_create(
        actor=actor,
        agency=agency,
        source=Case.Source.PUBLIC,
        election=election,
        receipt=DEMO_RECEIPT.replace(" ", ""),
        employee=unsigned[0],
        violation_type=acts[2],
        phase=Case.Phase.BEFORE,
        occurred_on=(now - datetime.timedelta(days=1)).date(),
        place="Facebook",
        description="Membagikan poster pasangan calon dengan ajakan memilih di grup warga.",
        links=["https://facebook.com/groups/warga/posts/1"],
    )
    late = cases.case_create(
        actor=actor,
        agency=agency,
        source=Case.Source.INTERNAL,
        election=election,
        now=now - datetime.timedelta(days=12),
        employee=unsigned[1],
        violation_type=acts[3],
        phase=Case.Phase.BEFORE,
        description="Hadir dan berfoto di deklarasi bakal calon pada jam kerja.",
    )
    review = cases.procedure_for(election).stages.get(key="kajian-bawaslu")
    cases.case_move(actor=actor, case=late, stage=review, now=now - datetime.timedelta(days=8))
    decided = cases.case_create(
        actor=actor,
        agency=agency,
        source=Case.Source.BAWASLU,
        election=election,
        now=now - datetime.timedelta(days=20),
        employee=unsigned[2],
        violation_type=acts[5],
        phase=Case.Phase.BEFORE,
        referral_number="123/PM.00.02/K.JT-12/2028",
        referral_date=(now - datetime.timedelta(days=21)).date(),
        description="Foto dengan gestur jari bersama bakal calon diunggah di Instagram.",
    )
    supervisor = Membership.objects.get(agency=agency, user__username="demo.pengawas")
    CaseAssignment.objects.get_or_create(case=late, user=supervisor.user)
    CaseAssignment.objects.get_or_create(case=decided, user=supervisor.user)
    decision_maker = Membership.objects.select_related("agency", "unit").get(
        agency=agency, user__username="demo.ppk"
    )
    decisions.decision_record(
        actor=actor,
        viewer=decision_maker,
        case=decided,
        outcome=Case.Outcome.PROVEN,
        sanction_type=SanctionType.objects.get(code="pp42-2004-tertutup"),
        decree_number="800/123/BKPSDM/2028",
        decree_date=timezone.localdate(),
    )


def _demo_signatures(campaign: Campaign, actor: Actor, share: float = 0.55) -> None:
    """About half the employees signed over the last three days (a few OPD lag behind, some on
    paper) and some attended the ikrar, so the dashboards have something to show."""
    import hashlib
    import random

    chance = random.Random(2029)  # demo data, not a secret
    employees = list(campaign_employees(campaign).select_related("unit").order_by("id"))
    pact_sha256 = campaign.pact_version.sha256
    now = timezone.now()
    signatures: list[Signature] = []
    for employee, code in zip(employees, new_codes(len(employees)), strict=True):
        # Each OPD its own pace: the unit path's first code decides it, the same on every run.
        opd = employee.unit.path.split("/")[1] if employee.unit.depth else ""
        pace = 0.5 + int(hashlib.sha256(opd.encode()).hexdigest()[:2], 16) / 255
        if chance.random() > share * pace:
            continue
        roll = chance.random()
        channel = (
            Signature.Channel.PAPER
            if roll < 0.06
            else Signature.Channel.CEREMONY
            if roll < 0.4
            else Signature.Channel.LINK
        )
        signature = Signature(
            code=code,
            campaign=campaign,
            employee=employee,
            agency_id=employee.agency_id,
            unit_id=employee.unit_id,
            channel=channel,
            # Half in the ceremony's first hours, the rest spread over the days since.
            signed_at=campaign.opens_at
            + datetime.timedelta(
                seconds=chance.uniform(0, 6 * 3600)
                if roll < 0.5
                else chance.uniform(0, (now - campaign.opens_at).total_seconds())
            ),
            typed_name=employee.name,
            signer_details=Signer.of(campaign, employee).details(
                at_venue=campaign.place if channel == Signature.Channel.CEREMONY else ""
            ),
            pact_sha256=pact_sha256,
            scan_sha256=hashlib.sha256(b"demo").hexdigest() if channel == "paper" else "",
            scan_type="pdf" if channel == Signature.Channel.PAPER else "",
        )
        signature.record_sha256 = record_sha256(
            signature, campaign_code=campaign.code, employee_code=employee.code
        )
        signatures.append(signature)
    signatures.sort(key=lambda signature: signature.signed_at)
    Signature.objects.bulk_create(signatures, batch_size=1000)
    for signature in signatures:
        if signature.channel == Signature.Channel.PAPER:
            save_bytes(scan_name(signature), _DEMO_SCAN)
    present = [s.employee for s in signatures if s.channel == Signature.Channel.CEREMONY]
    Attendance.objects.bulk_create(
        Attendance(
            campaign=campaign,
            employee=employee,
            mode=Attendance.Mode.ONLINE if index % 5 == 0 else Attendance.Mode.OFFLINE,
            source=Attendance.Source.CHECK_IN,
        )
        for index, employee in enumerate(present)
    )
    audit_log(
        actor=actor,
        action="pacts.demo.signatures_seeded",
        target=campaign,
        agency=campaign.agency,
        data={"signatures": len(signatures), "attendance": len(present)},
    )


# A stand-in for a scanned paper pact: the smallest valid PDF page.
_DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_signing_link() -> tuple[str, str] | None:
    """One employee's personal link into the demo campaign, to try signing."""

    link = (
        SigningLink.objects.filter(campaign__agency__code=DEMO_REGION, campaign__status="open")
        .exclude(employee__in=Signature.objects.values("employee_id"))
        .select_related("campaign", "employee")
        .order_by("employee__name")
        .first()
    )
    if link is None:
        return None
    return link.employee.name, f"/t/{signing_link_url_token(link)}/"


def demo_ceremony_signer() -> tuple[str, str, str] | None:
    """An employee with a mobile number and no e-mail who has not signed the open demo campaign,
    with the NIP and the ceremony page's path: the code comes by WhatsApp or SMS."""
    campaign = Campaign.objects.filter(agency__code=DEMO_REGION, status="open").first()
    if campaign is None:
        return None
    employee = (
        campaign_employees(campaign)
        .filter(email="", nip__isnull=False)
        .exclude(phone="")
        .exclude(pk__in=Signature.objects.filter(campaign=campaign).values("employee_id"))
        .order_by("name")
        .first()
    )
    if employee is None or not employee.nip:
        return None
    return employee.name, employee.nip, f"/k/{campaign.code}/"
