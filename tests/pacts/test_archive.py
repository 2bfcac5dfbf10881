import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from netral.accounts.actors import Actor
from netral.base.models import AuditEntry, Job
from netral.pacts import services
from tests.conftest import Pacts
from tests.factories import employee_make
from tests.files import pdf_bytes


@pytest.mark.files
def test_an_admin_downloads_a_units_pacts_as_a_zip(
    client: Client, pacts: Pacts, certificate: Path, django_capture_on_commit_callbacks: Any
) -> None:
    actor = Actor.command("tests")
    services.signature_create(
        actor=actor,
        campaign=pacts.campaign,
        employee=pacts.world.employee_a,
        channel="link",
        typed_name="Siti Aminah",
    )
    paper_signer = employee_make(pacts.world.unit_a_child, "Rina Kartika")
    services.paper_signature_create(
        actor=actor, campaign=pacts.campaign, employee=paper_signer, scan=pdf_bytes("scan")
    )
    services.signature_create(
        actor=actor,
        campaign=pacts.campaign,
        employee=pacts.world.employee_b,  # another unit: not in the archive
        channel="link",
        typed_name="Bambang Sutrisno",
    )
    client.force_login(pacts.world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pacts:archive_create", args=[pacts.campaign.code]),
            {"unit": pacts.world.unit_a.code},
        )
    archive = Job.objects.get(kind="pacts.archive")
    assert response["Location"] == reverse("accounts:job", args=[archive.code])
    archive.refresh_from_db()
    assert archive.status == Job.Status.DONE
    status = client.get(reverse("accounts:job_status", args=[archive.code])).json()
    assert status == {"progress": 100, "pending": False, "status": "done", "label": "Selesai"}
    download = client.get(reverse("accounts:job_download", args=[archive.code]))
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(bundle.namelist())
    assert names == sorted([f"{pacts.world.employee_a.nip}.pdf", f"{paper_signer.nip}-kertas.pdf"])
    assert bundle.read(f"{pacts.world.employee_a.nip}.pdf").startswith(b"%PDF-")
    assert "no-store" in download["Cache-Control"]
    # Who asked for which unit's pacts, and who took the file, are in the audit log.
    requested = AuditEntry.objects.get(action="pacts.archive.requested")
    assert requested.actor == pacts.world.admin
    assert requested.data == {"campaign": pacts.campaign.code, "unit": pacts.world.unit_a.code}
    downloaded = AuditEntry.objects.get(action="pacts.archive.downloaded")
    assert downloaded.actor == pacts.world.admin
    assert downloaded.target_code == archive.code
    assert downloaded.data == {"file": f"pakta-{pacts.world.unit_a.code}.zip"}
    # An officer of another agency gets nothing, and leaves no download entry.
    client.force_login(pacts.world.other_admin)
    assert client.get(reverse("accounts:job_download", args=[archive.code])).status_code == 404
    assert AuditEntry.objects.filter(action="pacts.archive.downloaded").count() == 1


def test_coordinators_cannot_build_archives(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    response = client.post(
        reverse("pacts:archive_create", args=[pacts.campaign.code]),
        {"unit": pacts.world.unit_a.code},
    )
    assert response.status_code == 403
    assert not Job.objects.exists()
