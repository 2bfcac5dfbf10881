"""What the agency holds about one employee, as one JSON file (a background job): the roster
row, the pacts, attendance, reminders, the cases about them (number, state, sanction; never the
reporter, the description or the evidence, which protect a third person) and screened posts
under their NIP. Answers a request for access or for the data in a machine-readable form."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from netral.agencies.models import Employee
from netral.base.jobs import JobFailed, Progress, job_kind, job_result_save
from netral.base.models import Job
from netral.cases.models import Case, Sanction
from netral.monitoring.models import ReminderDelivery
from netral.pacts.models import Attendance, Signature
from netral.screening.models import ScreenedPost

EXPORT_KIND = "privacy.employee_export"


def _fields(row: models.Model, *names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def employee_data(employee: Employee) -> dict[str, Any]:
    """Everything below, as plain values."""
    signatures = Signature.objects.filter(employee=employee).select_related("campaign", "unit")
    cases = Case.objects.filter(employee=employee, agency=employee.agency).select_related(
        "violation_type"
    )
    sanctions = Sanction.objects.filter(case__in=cases).select_related("sanction_type", "case")
    return {
        "exported_at": timezone.now(),
        "agency": employee.agency.name,
        "employee": {
            **_fields(
                employee,
                *("code", "name", "nip", "legacy_nip", "nik", "kind", "position"),
                *("position_type", "rank", "email", "phone", "birth_date", "gender"),
                *("is_active", "created_at", "updated_at"),
            ),
            "unit": employee.unit.name,
        },
        "pacts": [
            {
                **_fields(
                    signature,
                    *("code", "channel", "signed_at", "typed_name", "ip", "user_agent"),
                    *("signer_details", "pact_sha256", "record_sha256", "pdf_sha256"),
                ),
                "campaign": signature.campaign.title,
                "unit": signature.unit.name,
                "drawn_signature": bool(signature.drawn_signature),
            }
            for signature in signatures
        ],
        "attendance": [
            {"campaign": row.campaign.title, **_fields(row, "mode", "source", "recorded_at")}
            for row in Attendance.objects.filter(employee=employee).select_related("campaign")
        ],
        "reminders": [
            _fields(row, "kind", "status", "sent_at")
            for row in ReminderDelivery.objects.filter(recipient=employee.code)
        ],
        "cases": [
            {
                **_fields(case, "number", "status", "outcome", "created_at", "closed_at"),
                "violation": str(case.violation_type),
            }
            for case in cases
        ],
        "sanctions": [
            {
                "case": sanction.case.number,
                "sanction": str(sanction.sanction_type),
                **_fields(sanction, "decree_number", "decree_date", "starts_on", "ends_on"),
            }
            for sanction in sanctions
        ],
        "screened_posts": [
            {
                **_fields(post, "author", "url", "posted_on", "text", "score", "categories"),
                "batch_date": post.batch.created_at,
            }
            for post in ScreenedPost.objects.filter(
                nip=employee.nip, batch__agency=employee.agency
            ).select_related("batch")
        ]
        if employee.nip
        else [],
    }


@job_kind(EXPORT_KIND)
def employee_export_run(job: Job, progress: Progress) -> None:
    employee = (
        Employee.objects.filter(code=job.params["employee"], agency=job.agency)
        .select_related("agency", "unit")
        .first()
    )
    if employee is None:
        raise JobFailed(_("The employee is no longer on the roster."))
    data = json.dumps(employee_data(employee), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    progress(90)
    job_result_save(
        job,
        content=data.encode(),
        file_name=f"data-pribadi-{employee.code}.json",
        content_type="application/json",
    )
