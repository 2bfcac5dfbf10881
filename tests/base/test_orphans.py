"""Files no row refers to (a crash between storing and committing, an upload cut off) are
removed once a day old; every file a row refers to stays."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from netral.agencies.services import letterhead_update
from netral.base.jobs import job_result_save, job_start
from netral.base.storage import orphans_purge, save_bytes
from netral.cases.models import Evidence
from netral.pacts import documents, services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts
from tests.factories import SYSTEM
from tests.files import pdf_bytes

pytestmark = pytest.mark.files
LATER = timezone.now() + datetime.timedelta(days=2)


def logo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), colour).save(out, "PNG")
    return out.getvalue()


def test_orphans_go_and_what_rows_refer_to_stays(
    client: Client, pacts: Pacts, certificate: object
) -> None:
    from tests.cases.test_intake import photo, submit

    # Kept: a report's evidence, a sealed pact, a paper scan, a job's result, the current logo.
    submit(client, pacts, evidence=[SimpleUploadedFile("foto.png", photo())])
    assert Evidence.objects.count() == 1
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    client.post(
        reverse("pacts:sign", args=[services.signing_link_url_token(link)]),
        {"typed_name": "Siti Aminah", "consent": "on"},
    )
    signature = Signature.objects.get()
    pact = documents.signature_pdf_stored(signature=signature, base_url="https://netral.test")
    paper, _ = services.paper_signature_create(
        actor=SYSTEM, campaign=pacts.campaign, employee=pacts.world.employee_b, scan=pdf_bytes()
    )
    scan = services.scan_name(paper)
    job = job_start(kind="pacts.archive", title="Arsip", actor=SYSTEM, params={})
    job_result_save(job, content=b"PK\x05\x06" + b"\0" * 18, file_name="a.zip", content_type="x")
    old_logo = letterhead_update(
        actor=SYSTEM, agency=pacts.world.agency, lines=[], address="", seat="", logo=logo((1, 2, 3))
    ).logo_name
    current_logo = letterhead_update(
        actor=SYSTEM, agency=pacts.world.agency, lines=[], address="", seat="", logo=logo((9, 9, 9))
    ).logo_name
    kept = [pact, scan, job.result_name, current_logo]
    evidence = Evidence.objects.select_related("case").get()
    kept += [
        f"evidence/{evidence.case.code}/{evidence.code}{end}" for end in (".bin", ".clean.bin")
    ]
    # Orphans: of rows never committed, and a pact made by the loser of a race.
    orphans = [
        f"evidence/{signature.code}/zzzzzzzzzzzz.bin",
        f"evidence/{signature.code}/zzzzzzzzzzzz.clean.bin",
        f"pacts/{pacts.campaign.code}/{signature.code}-{'0' * 64}.pdf",
        f"pacts/{pacts.campaign.code}/zzzzzzzzzzzz-{'1' * 64}.pdf",
        f"paper/{pacts.campaign.code}/zzzzzzzzzzzz.pdf",
        "jobs/zzzzzzzzzzzz/a.zip",
        "imports/zzzzzzzzzzzz/pegawai.xlsx",
        "screening/zzzzzzzzzzzz/posts.csv",
        old_logo,
    ]
    for name in orphans:
        if not default_storage.exists(name):
            save_bytes(name, b"orphan")
    # Young orphans stay: their transaction may still be open.
    assert orphans_purge() == 0
    assert all(default_storage.exists(name) for name in orphans)
    removed = orphans_purge(now=LATER)
    assert removed >= len(orphans)
    assert not [name for name in orphans if default_storage.exists(name)]
    assert all(default_storage.exists(name) for name in kept), kept
    # The pact is still served from the storage, not made again.
    signature.refresh_from_db()
    assert documents.pdf_name(signature) == pact
