"""Private files through the storage API: whole files for their owner only on disk, and with
NETRAL_STORAGE=s3 really in the bucket, with nothing left on this server's disk."""

import stat
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from netral.base.storage import read_bytes, save_bytes
from netral.cases import services as case_services
from netral.cases.models import Case, ViolationType
from netral.pacts import documents
from netral.pacts import services as pacts_services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts
from tests.factories import SYSTEM, evidence_put
from tests.files import pdf_bytes, stored_files

pytestmark = pytest.mark.files

SCAN = pdf_bytes("a scanned pact")
LETTER = pdf_bytes("Surat laporan yang rahasia")


def storage_options() -> dict[str, Any]:
    options = settings.STORAGES["default"]["OPTIONS"]
    assert isinstance(options, dict)
    return options


def on_s3() -> bool:
    return settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


def files_on_disk() -> set[Path]:
    root = Path(settings.PRIVATE_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_a_private_file_is_replaced_whole_and_readable_by_its_owner_only() -> None:
    if on_s3():
        pytest.skip("the filesystem backend's own test")
    save_bytes("tests/folder/berkas.bin", b"first")
    save_bytes("tests/folder/berkas.bin", b"second, longer")
    assert read_bytes("tests/folder/berkas.bin") == b"second, longer"
    assert stored_files("tests/folder") == ["tests/folder/berkas.bin"]  # no temporary left
    path = Path(default_storage.path("tests/folder/berkas.bin"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    with pytest.raises(NotImplementedError):
        default_storage.url("tests/folder/berkas.bin")
    default_storage.delete("tests/folder/berkas.bin")
    assert stored_files("tests/folder") == []


def test_on_s3_pacts_scans_and_evidence_go_to_the_bucket_and_nowhere_on_disk(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    if not on_s3():
        pytest.skip("runs in the S3 pass of scripts/test.sh (NETRAL_STORAGE=s3)")
    import boto3
    from botocore.config import Config

    before = files_on_disk()
    # A pact signed through its link, then downloaded: sealed and stored on the first request.
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = pacts_services.signing_link_url_token(link)
    client.post(reverse("pacts:sign", args=[token]), {"typed_name": "Siti Aminah", "consent": "on"})
    pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    assert pdf.startswith(b"%PDF-")
    signature = Signature.objects.get()
    paper, _ = pacts_services.paper_signature_create(
        actor=SYSTEM, campaign=pacts.campaign, employee=pacts.world.employee_b, scan=SCAN
    )
    case = case_services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.PUBLIC,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=5),
        description="Surat terlampir",
    )
    evidence_put(actor=SYSTEM, case=case, file_name="surat.pdf", data=LETTER, origin="reporter")

    # Read back with a client of our own, signed with the configured identity.
    options = storage_options()
    bucket = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
        config=Config(s3={"addressing_style": options["addressing_style"]}),
    )

    def stored(key: str) -> bytes:
        body = bucket.get_object(Bucket=options["bucket_name"], Key=key)["Body"].read()
        assert isinstance(body, bytes)
        return body

    assert stored(documents.pdf_name(signature)) == pdf
    assert stored(pacts_services.scan_name(paper)) == SCAN
    listed = bucket.list_objects_v2(Bucket=options["bucket_name"], Prefix=f"evidence/{case.code}/")
    # The original, sealed, and its viewing copy without the PDF's metadata: both encrypted
    # before they left the server.
    evidence_keys = [item["Key"] for item in listed["Contents"]]
    assert len(evidence_keys) == 2
    for key in evidence_keys:
        assert b"rahasia" not in stored(key)
    # The bucket serves nothing to a request that does not sign as the identity.
    unsigned = f"{options['endpoint_url']}/{options['bucket_name']}/{documents.pdf_name(signature)}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310
    assert refused.value.code == 403
    refused.value.close()
    assert files_on_disk() == before
