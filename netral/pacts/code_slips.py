"""Code slips: the one-time ceremony codes of a unit's employees who have neither e-mail nor
phone, one slip per person, built in the background as a job (netral.base.jobs)."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.identifiers import mask_nik, mask_nip
from netral.agencies.models import Employee, Unit
from netral.base.jobs import JobFailed, Progress, job_kind, job_result_save, job_start
from netral.base.models import Job
from netral.pacts.models import Campaign
from netral.pacts.services import (
    CampaignStateError,
    campaign_check_printable,
    ceremony_slips_print,
    slip_recipients,
)
from netral.pacts.slips import CodeSlip, code_slips_pdf

SLIPS_JOB = "pacts.code_slips"


class NoSlipNeeded(Exception):
    """Everyone in the unit who has not signed can be sent a code."""


def code_slips_start(*, actor: Actor, campaign: Campaign, unit: Unit, next_url: str) -> Job:
    campaign_check_printable(campaign)
    if not slip_recipients(campaign=campaign, unit=unit).exists():
        raise NoSlipNeeded
    return job_start(
        kind=SLIPS_JOB,
        title=_("Code slips of %(unit)s") % {"unit": unit.name},
        actor=actor,
        agency=campaign.agency,
        params={"campaign": campaign.code, "unit": unit.code},
        next_url=next_url,
    )


def masked_identifier(employee: Employee) -> str:
    if employee.nip:
        return f"NIP {mask_nip(employee.nip)}"
    if employee.nik:
        return f"NIK {mask_nik(employee.nik)}"
    return ""


@job_kind(SLIPS_JOB)
def code_slips_build(job: Job, progress: Progress) -> None:
    campaign = Campaign.objects.select_related("agency").get(
        code=job.params["campaign"], agency=job.agency_id
    )
    unit = Unit.objects.get(code=job.params["unit"], agency=job.agency_id)
    actor = Actor.for_job(job)
    try:
        printed = ceremony_slips_print(
            actor=actor,
            campaign=campaign,
            unit=unit,
            progress=lambda done, total: progress(20 * done // total),
        )
    except CampaignStateError:
        raise JobFailed(_("The campaign is closed, so no more codes can be printed.")) from None
    if not printed:
        raise JobFailed(_("Nobody in this unit needs a slip now."))
    progress(20)
    url = settings.NETRAL_PUBLIC_URL + reverse("pacts:ceremony", kwargs={"code": campaign.code})
    # The employees read it, whatever language the officer who prints it chose.
    with translation.override(settings.LANGUAGE_CODE):
        until = formats.date_format(timezone.localtime(campaign.closes_at), "j F Y H:i")
        pdf = code_slips_pdf(
            title=campaign.title,
            url=url,
            valid_until=_("Valid until %(date)s") % {"date": until},
            hints=[
                _("Scan the QR code or open the address below,"),
                _("enter your NIP (or NIK) and this code."),
                _("The code is yours alone: do not lend it."),
            ],
            slips=[
                CodeSlip(
                    name=line.employee.name,
                    identifier=masked_identifier(line.employee),
                    unit=line.employee.unit.name,
                    code=line.code,
                )
                for line in printed
            ],
            progress=lambda done, total: progress(20 + 80 * done // total),
        )
    job_result_save(
        job, content=pdf, file_name=f"slip-kode-{unit.code}.pdf", content_type="application/pdf"
    )
