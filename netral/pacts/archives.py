"""ZIP archives of a unit's sealed pacts, built in the background with their progress."""

import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from netral.accounts.actors import Actor
from netral.agencies.models import Unit
from netral.base.audit import audit_log
from netral.pacts.models import Campaign, PactArchive, Signature
from netral.pacts.services import scan_path


def archive_path(archive: PactArchive) -> Path:
    return Path(settings.PRIVATE_ROOT) / "archives" / f"{archive.code}.zip"


def pact_archive_create(*, actor: Actor, campaign: Campaign, unit: Unit) -> PactArchive:
    archive = PactArchive.objects.create(campaign=campaign, unit=unit, created_by=actor.user)
    audit_log(
        actor=actor,
        action="pacts.archive.requested",
        target=archive,
        agency=campaign.agency,
        data={"unit": unit.name},
    )
    transaction.on_commit(lambda: pact_archive_build.enqueue(archive.code, actor.ip or ""))
    return archive


def pact_archive_build_run(archive: PactArchive, *, base_url: str) -> PactArchive:
    from netral.pacts.documents import signature_pdf

    signatures = list(
        Signature.objects.filter(
            campaign=archive.campaign,
            unit__path__startswith=archive.unit.path,
        )
        .select_related("campaign__pact_version", "campaign__agency", "employee__unit")
        .order_by("unit__path", "employee__name")
    )
    path = archive_path(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as bundle:
        for number, signature in enumerate(signatures, start=1):
            name = signature.employee.nip or signature.employee.nik or signature.employee.code
            if signature.channel == Signature.Channel.PAPER:
                scan = scan_path(signature)
                bundle.writestr(f"{name}-kertas.{signature.scan_type}", scan.read_bytes())
            else:
                pdf = signature_pdf(signature=signature, base_url=base_url)
                bundle.writestr(f"{name}.pdf", pdf)
            if number % 20 == 0:
                progress = int(100 * number / len(signatures))
                PactArchive.objects.filter(pk=archive.pk).update(progress=progress)
    temporary.replace(path)
    archive.status = PactArchive.Status.READY
    archive.progress = 100
    archive.count = len(signatures)
    archive.save(update_fields=["status", "progress", "count"])
    return archive


@task()
def pact_archive_build(code: str, ip: str) -> None:
    archive = PactArchive.objects.select_related("campaign", "unit").get(code=code)
    try:
        pact_archive_build_run(archive, base_url=settings.NETRAL_PUBLIC_URL)
    except Exception:
        PactArchive.objects.filter(pk=archive.pk).update(status=PactArchive.Status.FAILED)
        raise
