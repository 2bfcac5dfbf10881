"""ZIP archives of a unit's sealed pacts, built in the background as a job (netral.base.jobs)."""

import tempfile
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.models import Unit
from netral.base.jobs import Progress, job_kind, job_result_save, job_start
from netral.base.models import Job
from netral.base.storage import read_bytes
from netral.pacts.documents import signature_pdf
from netral.pacts.models import Campaign, Signature
from netral.pacts.services import scan_name

ARCHIVE_JOB = "pacts.archive"


def pact_archive_create(*, actor: Actor, campaign: Campaign, unit: Unit) -> Job:
    return job_start(
        kind=ARCHIVE_JOB,
        title=_("Sealed pacts of %(unit)s") % {"unit": unit.name},
        actor=actor,
        agency=campaign.agency,
        params={"campaign": campaign.code, "unit": unit.code},
    )


@job_kind(ARCHIVE_JOB)
def pact_archive_build(job: Job, progress: Progress) -> None:
    campaign = Campaign.objects.get(code=job.params["campaign"], agency=job.agency_id)
    unit = Unit.objects.get(code=job.params["unit"], agency=job.agency_id)
    signatures = list(
        Signature.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
        .select_related("campaign__pact_version", "campaign__agency", "employee__unit")
        .order_by("unit__path", "employee__name")
    )
    # Built in a temporary file, so memory stays small whatever the unit's size.
    with tempfile.TemporaryFile() as built:
        with zipfile.ZipFile(built, "w", compression=zipfile.ZIP_STORED) as bundle:
            for number, signature in enumerate(signatures, start=1):
                employee = signature.employee
                name = employee.nip or employee.nik or employee.code
                if signature.channel == Signature.Channel.PAPER:
                    bundle.writestr(
                        f"{name}-kertas.{signature.scan_type}", read_bytes(scan_name(signature))
                    )
                else:
                    pdf = signature_pdf(signature=signature, base_url=settings.NETRAL_PUBLIC_URL)
                    bundle.writestr(f"{name}.pdf", pdf)
                if number % 20 == 0:
                    progress(100 * number // len(signatures))
        built.seek(0)
        job_result_save(
            job, content=built, file_name=f"pakta-{unit.code}.zip", content_type="application/zip"
        )
