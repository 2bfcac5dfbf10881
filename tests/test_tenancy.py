"""Walks every URL of the project as outsiders and asserts they see nothing that is not theirs.

A new URL with parameters fails this test until it is added to OBJECT_URLS, so every view is
covered as it comes."""

import datetime
import io
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from netral.accounts.models import Membership
from netral.agencies.models import RosterImport
from netral.agencies.services import letterhead_update
from netral.base.jobs import job_result_save
from netral.base.models import AuditEntry, Election, Job
from netral.cases import services as case_services
from netral.cases.models import Case, CaseTransfer, Examination, OutwardReferral, ViolationType
from netral.pacts import officials, services
from netral.pacts.models import Campaign, PactVersion, Signatory
from netral.privacy.models import DataSubjectRequest
from netral.screening.models import Contestant, DebunkedClaim, ScreenedPost, ScreeningBatch
from tests.conftest import World
from tests.factories import SYSTEM, evidence_put
from tests.files import pdf_bytes

# The URLs anyone may open, signed in or not: the public ones are reached through secret tokens
# or public codes, and tested in their own modules.
PUBLIC_URLS = {
    "set_language",
    "accounts:login",
    "accounts:login_code",
    "accounts:logout",
    "pacts:sign",
    "pacts:sign_pdf",
    "pacts:ceremony",
    "pacts:ceremony_code",
    "pacts:ceremony_resend",
    "pacts:ceremony_sign",
    "pacts:ceremony_pdf",
    "pacts:ceremony_check_in",
    "pacts:ceremony_finish",
    "pacts:verify",
    "pacts:log_key",
    "pacts:tree_head",
    "pacts:inclusion_proof",
    "pacts:consistency_proof",
    "pacts:signatory_sign",
    "pacts:collective_public",
    "pacts:verify_lookup",
    "monitoring:public",
    "monitoring:public_image",
    "cases:report",
    "cases:receipt",
    "cases:follow",
    "cases:follow_case",
    "cases:follow_logout",
    "screening:selfcheck",
    "screening:photo_check",
    "privacy:notice",
    "whatsapp_webhook",  # Meta's calls, signed with the app secret (tests/messaging)
}


def home_election(world: World) -> Election:
    return Election.objects.get_or_create(
        owner=world.agency,
        name="Pemilu 2029",
        defaults={"kind": "pemilu", "voting_day": datetime.date(2029, 2, 14)},
    )[0]


def home_pact(world: World) -> PactVersion:
    existing = PactVersion.objects.filter(agency=world.agency).first()
    if existing:
        return existing
    version = services.pact_version_create(
        actor=SYSTEM, agency=world.agency, election=home_election(world)
    )
    return services.pact_version_publish(actor=SYSTEM, version=version)


def home_campaign(world: World) -> Campaign:
    existing = Campaign.objects.filter(agency=world.agency).first()
    if existing:
        return existing
    now = timezone.now()
    campaign = services.campaign_create(
        actor=SYSTEM,
        agency=world.agency,
        election=home_election(world),
        pact_version=home_pact(world),
        units=[],
        title="Ikrar rahasia",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=3),
    )
    return services.campaign_open(actor=SYSTEM, campaign=campaign)


def home_claim(world: World) -> DebunkedClaim:
    return DebunkedClaim.objects.get_or_create(
        election=home_election(world),
        agency=world.agency,
        defaults={"claim": "Surat suara sudah dicoblos sebelum hari pemungutan", "source": "KPU"},
    )[0]


def home_privacy_request(world: World) -> DataSubjectRequest:
    now = timezone.now()
    return DataSubjectRequest.objects.get_or_create(
        agency=world.agency,
        requester_name="Budi Santoso",
        defaults={
            "requester_contact": "budi@example.org",
            "right": DataSubjectRequest.Right.choices[0][0],
            "received_at": now,
            "due_at": now,
        },
    )[0]


def home_signatory(world: World) -> Signatory:
    campaign = home_campaign(world)
    existing = Signatory.objects.filter(campaign=campaign).first()
    if existing:
        return existing
    return officials.signatory_add(
        actor=SYSTEM, campaign=campaign, role="official", name="Bupati Rahasia", office="Bupati"
    )


def home_job(world: World) -> Job:
    """A finished archive of the home agency's admin, with its file."""
    job = Job.objects.filter(kind="pacts.archive", agency=world.agency).first()
    if job is None:
        job = Job.objects.create(
            kind="pacts.archive",
            title="Arsip rahasia",
            agency=world.agency,
            created_by=world.admin,
            status=Job.Status.DONE,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        job_result_save(job, content=b"rahasia", file_name="rahasia.zip", content_type="x/y")
    return job


def home_import(world: World) -> RosterImport:
    return RosterImport.objects.create(
        agency=world.agency, file_name="rahasia.csv", file_size=1, file_sha256="0" * 64
    )


def home_decided_case(world: World) -> Case:
    """A case of the home agency about employee B, examined, with a report on file."""
    existing = Case.objects.filter(agency=world.agency, description="rahasia kasus").first()
    if existing:
        return existing
    case = case_services.case_create(
        actor=SYSTEM,
        agency=world.agency,
        source=Case.Source.INTERNAL,
        election=home_election(world),
        employee=world.employee_b,
        violation_type=ViolationType.objects.get(number=4),
        description="rahasia kasus",
    )
    report = evidence_put(
        actor=SYSTEM,
        case=case,
        file_name="rahasia.pdf",
        data=pdf_bytes("Rahasia"),
        origin="examination",
    )
    Examination.objects.create(case=case, team=[], report=report)
    return case


def home_referral(world: World) -> OutwardReferral:
    case = home_decided_case(world)
    return case.outward_referrals.first() or OutwardReferral.objects.create(
        case=case, body="Bawaslu"
    )


def home_transfer(world: World) -> CaseTransfer:
    """A record the home agency keeps of a case it passed on."""
    case = home_second_case(world)
    return case.transfers.first() or CaseTransfer.objects.create(
        case=case,
        from_agency=world.agency,
        to_agency=world.province,
        from_number="NTR-2029-09999",
        to_number=case.number,
        reason="rahasia",
        snapshot={"reported_name": world.employee_b.name},
    )


def home_second_case(world: World) -> Case:
    """Another case about employee B: a likely duplicate of the decided one."""
    existing = Case.objects.filter(agency=world.agency, description="rahasia kedua").first()
    if existing:
        return existing
    return case_services.case_create(
        actor=SYSTEM,
        agency=world.agency,
        source=Case.Source.INTERNAL,
        election=home_election(world),
        employee=world.employee_b,
        violation_type=ViolationType.objects.get(number=4),
        description="rahasia kedua",
    )


def home_screened_post(world: World) -> ScreenedPost:
    existing = ScreenedPost.objects.filter(batch__agency=world.agency).first()
    if existing:
        return existing
    batch = ScreeningBatch.objects.create(
        agency=world.agency,
        election=home_election(world),
        file_name="rahasia.csv",
        status=ScreeningBatch.Status.READY,
        post_count=1,
    )
    return ScreenedPost.objects.create(
        batch=batch,
        row_number=2,
        author=world.employee_b.name,
        nip=world.employee_b.nip or "",
        text="rahasia pos",
    )


def home_contestant(world: World) -> Contestant:
    return Contestant.objects.get_or_create(
        election=home_election(world), name="Rahasia Calon", defaults={"kind": "pair"}
    )[0]


def home_evidence_code(world: World) -> str:
    evidence = home_decided_case(world).evidence.first()
    assert evidence is not None
    return evidence.code


# For each URL with parameters: the arguments that point at the home agency's objects, outside
# coordinator A's unit.
def home_logo(world: World) -> str:
    """The home agency's logo, by the name its URL carries."""
    image = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(image, "PNG")
    agency = letterhead_update(
        actor=SYSTEM, agency=world.agency, lines=[], address="", seat="", logo=image.getvalue()
    )
    return agency.logo_name.rsplit("/", 1)[-1]


OBJECT_URLS: dict[str, Callable[[World], dict[str, str]]] = {
    "agencies:unit_detail": lambda w: {"code": w.unit_b.code},
    "agencies:employee_detail": lambda w: {"code": w.employee_b.code},
    "agencies:employee_edit": lambda w: {"code": w.employee_b.code},
    "agencies:employee_release": lambda w: {"code": w.employee_b.code},
    "agencies:roster_import_detail": lambda w: {"code": home_import(w).code},
    "agencies:roster_import_confirm": lambda w: {"code": home_import(w).code},
    "agencies:roster_import_mapping": lambda w: {"code": home_import(w).code},
    "agencies:membership_edit": lambda w: {"code": Membership.objects.get(user=w.viewer).code},
    "agencies:membership_delete": lambda w: {"code": Membership.objects.get(user=w.viewer).code},
    "agencies:audit_object": lambda w: {"kind": "employee", "code": w.employee_b.code},
    "agencies:letterhead_logo": lambda w: {"name": home_logo(w)},
    "pacts:election_detail": lambda w: {"code": home_election(w).code},
    "pacts:pact_version_create": lambda w: {"code": home_election(w).code},
    "pacts:campaign_create": lambda w: {"code": home_election(w).code},
    "pacts:pact_version": lambda w: {"code": home_pact(w).code},
    "pacts:pact_version_publish": lambda w: {"code": home_pact(w).code},
    "pacts:campaign_detail": lambda w: {"code": home_campaign(w).code},
    "pacts:campaign_status": lambda w: {"code": home_campaign(w).code},
    "pacts:campaign_qr": lambda w: {"code": home_campaign(w).code},
    "pacts:kiosk_start": lambda w: {"code": home_campaign(w).code},
    "pacts:kiosk_end": lambda w: {"code": home_campaign(w).code},
    "pacts:paper_pact": lambda w: {"code": home_campaign(w).code},
    "pacts:attendance": lambda w: {"code": home_campaign(w).code},
    "pacts:attendance_import": lambda w: {"code": home_campaign(w).code},
    "pacts:meeting_edit": lambda w: {"code": home_campaign(w).code, "unit_code": w.unit_b.code},
    "pacts:attendance_sheet": lambda w: {"code": home_campaign(w).code},
    "pacts:link_revoke": lambda w: {"code": home_campaign(w).code},
    "pacts:archive_create": lambda w: {"code": home_campaign(w).code},
    "pacts:printed_codes": lambda w: {"code": home_campaign(w).code},
    "pacts:printed_code_void": lambda w: {"code": home_campaign(w).code},
    "pacts:officials": lambda w: {"code": home_campaign(w).code},
    "pacts:signatory_action": lambda w: {
        "code": home_campaign(w).code,
        "signatory_code": home_signatory(w).code,
    },
    "pacts:ceremony_close": lambda w: {"code": home_campaign(w).code},
    "pacts:collective_download": lambda w: {"code": home_campaign(w).code},
    "accounts:job": lambda w: {"code": home_job(w).code},
    "accounts:job_status": lambda w: {"code": home_job(w).code},
    "accounts:job_download": lambda w: {"code": home_job(w).code},
    "monitoring:reminder_schedule": lambda w: {"code": home_campaign(w).code},
    "monitoring:reminder_send": lambda w: {"code": home_campaign(w).code},
    "monitoring:dashboard": lambda w: {"code": home_campaign(w).code},
    "monitoring:report_create": lambda w: {"code": home_campaign(w).code},
    "monitoring:rollup_export": lambda w: {"code": home_election(w).code},
    "monitoring:unit": lambda w: {"code": home_campaign(w).code, "unit_code": w.unit_b.code},
    "monitoring:screen": lambda w: {"code": home_campaign(w).code},
    "monitoring:screen_data": lambda w: {"code": home_campaign(w).code},
    "monitoring:public_toggle": lambda w: {"code": home_campaign(w).code},
    "monitoring:employee": lambda w: {"employee_code": w.employee_b.code},
    "agencies:unit_head": lambda w: {"code": w.unit_b.code},
    "monitoring:export": lambda w: {"code": home_campaign(w).code},
    "monitoring:employee_link_reveal": lambda w: {
        "employee_code": w.employee_b.code,
        "campaign_code": home_campaign(w).code,
    },
    "monitoring:employee_link_send": lambda w: {
        "employee_code": w.employee_b.code,
        "campaign_code": home_campaign(w).code,
    },
    "monitoring:employee_link_revoke": lambda w: {
        "employee_code": w.employee_b.code,
        "campaign_code": home_campaign(w).code,
    },
    "cases:examination": lambda w: {"code": home_decided_case(w).code},
    "cases:examination_report": lambda w: {"code": home_decided_case(w).code},
    "cases:decision": lambda w: {"code": home_decided_case(w).code},
    "cases:case": lambda w: {"code": home_decided_case(w).code},
    "cases:case_move": lambda w: {"code": home_decided_case(w).code},
    "cases:case_close": lambda w: {"code": home_decided_case(w).code},
    "cases:case_assign": lambda w: {"code": home_decided_case(w).code},
    "cases:case_unassign": lambda w: {"code": home_decided_case(w).code},
    "cases:case_note": lambda w: {"code": home_decided_case(w).code},
    "cases:case_message": lambda w: {"code": home_decided_case(w).code},
    "cases:case_duplicate": lambda w: {
        "code": home_decided_case(w).code,
        "duplicate_code": home_second_case(w).code,
    },
    "cases:case_evidence_add": lambda w: {"code": home_decided_case(w).code},
    "cases:evidence": lambda w: {
        "code": home_decided_case(w).code,
        "evidence_code": home_evidence_code(w),
    },
    "cases:reported_search": lambda w: {"code": home_second_case(w).code},
    "cases:reported_unlink": lambda w: {"code": home_second_case(w).code},
    "cases:reported_link": lambda w: {
        "code": home_second_case(w).code,
        "employee_code": w.employee_b.code,
    },
    "cases:case_recommendation": lambda w: {"code": home_second_case(w).code},
    "cases:case_transfer": lambda w: {"code": home_second_case(w).code},
    "cases:case_referral": lambda w: {"code": home_decided_case(w).code},
    "cases:case_referral_answer": lambda w: {
        "code": home_decided_case(w).code,
        "referral_code": home_referral(w).code,
    },
    "cases:transfer_record": lambda w: {"code": home_transfer(w).code},
    "cases:procedure": lambda w: {"code": home_election(w).code},
    "cases:procedure_stage_add": lambda w: {"code": home_election(w).code},
    "cases:procedure_stage_remove": lambda w: {"code": home_election(w).code},
    "screening:contestant_list": lambda w: {"code": home_election(w).code},
    "screening:claim_list": lambda w: {"code": home_election(w).code},
    "screening:claim_delete": lambda w: {"code": home_claim(w).code},
    "privacy:request": lambda w: {"code": home_privacy_request(w).code},
    "privacy:request_export": lambda w: {"code": home_privacy_request(w).code},
    "screening:contestant_create": lambda w: {"code": home_election(w).code},
    "screening:contestant_edit": lambda w: {"code": home_contestant(w).code},
    "screening:contestant_delete": lambda w: {"code": home_contestant(w).code},
    "screening:batch": lambda w: {"code": home_screened_post(w).batch.code},
    "screening:post_review": lambda w: {"code": home_screened_post(w).code},
    "screening:post_case": lambda w: {"code": home_screened_post(w).code},
}
# Query strings (sent as the form's fields to a POST too) that point a URL at the home agency's
# objects outside coordinator A's unit.
OBJECT_QUERIES: dict[str, Callable[[World], dict[str, str]]] = {
    "pacts:attendance_sheet": lambda w: {"unit": w.unit_b.code},
    "pacts:printed_codes": lambda w: {"unit": w.unit_b.code},
    "pacts:printed_code_void": lambda w: {"employee": w.employee_b.code},
    "monitoring:reminder_send": lambda w: {"unit": w.unit_b.code},
    "monitoring:export": lambda w: {"unit": w.unit_b.code, "kind": "xlsx"},
}
# Agency-wide actions a coordinator may post to; aimed outside the unit, they change nothing.
COORDINATOR_ACTIONS = {"pacts:link_revoke"}
# Agency-wide pages a coordinator may open; they must still show nothing outside the unit.
COORDINATOR_PAGES = {
    "pacts:campaign_detail",
    "pacts:campaign_qr",
    "pacts:kiosk_start",
    "pacts:kiosk_end",
    "pacts:paper_pact",
    "pacts:attendance",
    "pacts:attendance_import",
    "monitoring:dashboard",
    "monitoring:screen",
    "monitoring:screen_data",
    "monitoring:export",
}


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, bool]]:
    """(name, has parameters) for every named URL."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from url_names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", bool(entry.pattern.regex.groupindex)


def secrets_of(world: World) -> list[str]:
    assert world.employee_b.nip is not None
    return [world.employee_b.name, world.employee_b.nip, world.unit_b.name, "rahasia.csv"]


def test_every_url_with_parameters_is_covered() -> None:
    missing = [
        name
        for name, has_args in url_names()
        if has_args and name not in OBJECT_URLS and name not in PUBLIC_URLS
    ]
    assert missing == [], f"add these to OBJECT_URLS: {missing}"


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_an_officer_of_another_agency_gets_404_for_every_object(
    client: Client, world: World, name: str
) -> None:
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    query = OBJECT_QUERIES[name](world) if name in OBJECT_QUERIES else {}
    client.force_login(world.other_admin)
    assert client.get(url, query).status_code in {404, 405}
    assert client.post(url, {**query, "role": "admin", "name": "x"}).status_code == 404


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_a_coordinator_of_another_unit_gets_nothing(
    client: Client, world: World, name: str
) -> None:
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    query = OBJECT_QUERIES[name](world) if name in OBJECT_QUERIES else {}
    client.force_login(world.coordinator_a)
    if name in COORDINATOR_ACTIONS:
        before = AuditEntry.objects.count()
        assert client.get(url, query).status_code == 405
        assert client.post(url, {"identifier": world.employee_b.nip}).status_code == 302
        assert AuditEntry.objects.count() == before
        return
    if name in COORDINATOR_PAGES:
        response = client.get(url, query)
        assert response.status_code == 200
        for secret in secrets_of(world):
            assert secret.encode() not in response.content
        return
    # 404 where the coordinator's role may use the view, 403 where it may not.
    assert client.get(url, query).status_code in {403, 404, 405}
    assert client.post(url, {**query, "role": "admin", "name": "x"}).status_code in {403, 404}


@pytest.mark.parametrize(
    "name",
    sorted(name for name, has_args in url_names() if not has_args and name not in PUBLIC_URLS),
)
@pytest.mark.parametrize("persona", ["other_admin", "coordinator_a", "province_viewer"])
def test_pages_without_parameters_show_no_foreign_rows(
    client: Client, world: World, name: str, persona: str
) -> None:
    home_import(world)
    client.force_login(getattr(world, persona))
    response = client.get(reverse(name))
    assert response.status_code in {200, 302, 403, 405}
    for secret in secrets_of(world):
        assert secret.encode() not in response.content


@pytest.mark.parametrize("name", sorted(name for name, _ in url_names() if name not in PUBLIC_URLS))
def test_an_anonymous_visitor_is_sent_to_the_login(client: Client, world: World, name: str) -> None:
    kwargs = OBJECT_URLS[name](world) if name in OBJECT_URLS else {}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code in {302, 405}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
