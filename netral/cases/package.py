"""The evidence package of a case referred outward, built by a background job: a ZIP with a PDF
summary of the case, the evidence files (the copies without metadata where there are, so the
reporter's phone and place stay out), a chain of custody (who did what to the case and opened
which file, from the audit log) and a manifest of SHA-256 hashes of every file, also as
`SHA256SUMS` for `sha256sum -c`. The reporter's identity and the messages are never included."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import zipfile
from typing import IO
from xml.sax.saxutils import escape

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from netral.accounts.actors import Actor
from netral.base.jobs import JobFailed, Progress, job_kind, job_result_save
from netral.base.models import AuditEntry, Job
from netral.cases.evidence import evidence_read
from netral.cases.models import Case, Evidence, OutwardReferral

PACKAGE_JOB = "cases.referral_package"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
SUMMARY = "ringkasan-kasus.pdf"
CUSTODY = "lacak-akses.csv"

TEXT = ParagraphStyle("text", fontName="Helvetica", fontSize=10, leading=14)
HEADING = ParagraphStyle("heading", parent=TEXT, fontName="Helvetica-Bold", fontSize=14, leading=18)
LABEL = ParagraphStyle("label", parent=TEXT, fontName="Helvetica-Bold", spaceBefore=6)


def _drawable(text: str) -> str:
    """What the built-in PDF fonts can draw, escaped for a paragraph."""
    return escape(text.encode("cp1252", "replace").decode("cp1252")).replace("\n", "<br/>")


def safe_name(name: str) -> str:
    """A file name without folders or characters other systems refuse."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "berkas"


def summary_pdf(case: Case, referral: OutwardReferral) -> bytes:
    employee = case.employee
    rows = [
        (_("Case number"), case.number),
        (_("Agency"), case.agency.name),
        (_("Received"), formats.date_format(timezone.localtime(case.created_at), "j F Y H:i")),
        (_("Source"), str(case.get_source_display())),
        (_("Act"), f"{case.violation_type.number}. {case.violation_type.name}"),
        (_("Phase"), str(case.get_phase_display())),
        (_("Reported person"), employee.name if employee else case.reported_name or "—"),
        ("NIP", (employee.nip or "—") if employee else case.reported_nip or "—"),
        (
            _("Position"),
            (employee.position if employee else case.reported_position) or "—",
        ),
        (_("Unit"), employee.unit.name if employee else case.reported_unit or "—"),
        (
            _("Occurred on"),
            formats.date_format(case.occurred_on, "j F Y") if case.occurred_on else "—",
        ),
        (_("Place"), case.place or "—"),
        (_("Referred to"), referral.body),
        (_("Reason for the referral"), referral.reason or "—"),
    ]
    story: list[object] = [
        Paragraph(_drawable(_("Case summary %(number)s") % {"number": case.number}), HEADING),
        Spacer(1, 4 * mm),
    ]
    for label, value in rows:
        story += [Paragraph(_drawable(str(label)), LABEL), Paragraph(_drawable(str(value)), TEXT)]
    story += [
        Paragraph(_drawable(_("Description")), LABEL),
        Paragraph(_drawable(case.description), TEXT),
        Paragraph(_drawable(_("Stages")), LABEL),
    ]
    for record in case.stage_records.select_related("stage"):
        started = formats.date_format(timezone.localtime(record.started_at), "j F Y")
        ended = (
            formats.date_format(timezone.localtime(record.ended_at), "j F Y")
            if record.ended_at
            else "—"
        )
        story.append(Paragraph(_drawable(f"{record.stage.name}: {started} - {ended}"), TEXT))
    for link in case.links if isinstance(case.links, list) else []:
        url = link.get("url", "") if isinstance(link, dict) else str(link)
        story.append(Paragraph(_drawable(url), TEXT))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Case summary %(number)s") % {"number": case.number},
        author="Netral",
        invariant=1,
    )
    document.build(story)
    return buffer.getvalue()


def custody_csv(case: Case) -> bytes:
    """Every audit entry on the case and on its files, oldest first."""
    evidence_codes = list(case.evidence.values_list("code", flat=True))
    entries = (
        AuditEntry.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(Case), target_code=case.code)
            | Q(
                target_type=ContentType.objects.get_for_model(Evidence),
                target_code__in=evidence_codes,
            )
        )
        .order_by("created_at", "pk")
        .values_list("created_at", "actor_label", "action", "target_code")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["waktu", "pelaku", "tindakan", "objek"])
    for created_at, actor, action, target in entries:
        writer.writerow([timezone.localtime(created_at).isoformat(), actor, action, target])
    return buffer.getvalue().encode("utf-8")


def manifest_check(archive: zipfile.ZipFile) -> list[str]:
    """The files whose content does not match the manifest, and those missing from either."""
    manifest = json.loads(archive.read(MANIFEST))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    present = set(archive.namelist()) - {MANIFEST, CHECKSUMS}
    problems = sorted(present ^ set(listed))
    for path, digest in listed.items():
        if path in present and hashlib.sha256(archive.read(path)).hexdigest() != digest:
            problems.append(path)
    return problems


def package_build(
    *, actor: Actor, referral: OutwardReferral, progress: Progress, output: IO[bytes]
) -> None:
    """Write the package into `output`, one evidence file in memory at a time: a case may hold
    many files of up to NETRAL_EVIDENCE_MAX_BYTES each."""
    case = Case.objects.select_related("agency", "violation_type", "employee__unit").get(
        pk=referral.case_id
    )
    entries: list[dict[str, object]] = []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, data: bytes, **extra: object) -> None:
            archive.writestr(path, data)
            digest = hashlib.sha256(data).hexdigest()
            entries.append({"path": path, "sha256": digest, "size": len(data), **extra})

        add(SUMMARY, summary_pdf(case, referral), kind="summary")
        evidence = list(case.evidence.select_related("case__agency").order_by("created_at", "pk"))
        for index, item in enumerate(evidence, 1):
            add(
                f"bukti/{index:02d}-{safe_name(item.file_name)}",
                evidence_read(actor=actor, evidence=item),
                kind="evidence",
                evidence=item.code,
                origin=item.origin,
                without_metadata=item.has_clean_copy,
                original_sha256=item.sha256,
            )
            progress(10 + 80 * index // max(len(evidence), 1))
        # Last, so that it lists the reads of this very package.
        add(CUSTODY, custody_csv(case), kind="custody")
        manifest = {
            "case": case.number,
            "agency": case.agency.name,
            "referred_to": referral.body,
            "referral": referral.code,
            "created_at": timezone.now().isoformat(),
            "algorithm": "sha256",
            "files": entries,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr(
            CHECKSUMS, "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in entries)
        )


@job_kind(PACKAGE_JOB)
def package_job(job: Job, progress: Progress) -> None:
    referral = (
        OutwardReferral.objects.filter(code=job.params.get("referral", ""))
        .select_related("case")
        .first()
    )
    if referral is None or referral.case.agency_id != job.agency_id:
        raise JobFailed(_("The referral no longer exists."))
    with tempfile.TemporaryFile() as output:
        package_build(actor=Actor.for_job(job), referral=referral, progress=progress, output=output)
        output.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: output.read(1 << 20), b""):
            digest.update(chunk)
        output.seek(0)
        job_result_save(
            job,
            content=output,
            file_name=f"paket-{referral.case.number}.zip",
            content_type="application/zip",
        )
    referral.package_sha256 = digest.hexdigest()
    referral.job = job
    referral.save(update_fields=["package_sha256", "job"])
