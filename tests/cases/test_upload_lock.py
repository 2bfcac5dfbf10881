"""Slow work on an upload holds no write lock: a signature made while a report's large photos
are re-encoded is recorded at once, not after the report commits (SQLite locks the whole
database for a writing transaction)."""

import io
import os
import threading

import pytest
from django.db import connection
from PIL import Image

from netral.cases import intake
from netral.cases.models import Case, ViolationType
from netral.pacts import services
from netral.pacts.models import Signature
from tests.conftest import Pacts
from tests.factories import SYSTEM


def large_photo(seed: int) -> bytes:
    """A legitimate phone photo's worth of noise: slow to decode and encode again."""
    image = Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


@pytest.mark.files
@pytest.mark.django_db(transaction=True)
def test_a_signature_is_recorded_while_a_reports_photos_are_re_encoded(pacts: Pacts) -> None:
    uploads = [intake.Upload(name=f"foto-{n}.jpg", data=large_photo(n)) for n in range(6)]
    started = threading.Event()
    problems: list[BaseException] = []

    def report() -> None:
        try:
            started.set()
            intake.report_submit(
                agency=pacts.world.agency,
                election=pacts.election,
                violation_type=ViolationType.objects.get(number=4),
                reported_nip="",
                description="Membagikan poster pasangan calon.",
                uploads=uploads,
            )
        except BaseException as problem:  # reported below, in the test's thread
            problems.append(problem)
        finally:
            connection.close()

    thread = threading.Thread(target=report)
    thread.start()
    started.wait()
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=pacts.world.employee_a,
        channel=Signature.Channel.CEREMONY,
        typed_name="Siti Aminah",
    )
    # The signature did not wait for the report: its photos are still being prepared.
    still_working = thread.is_alive()
    thread.join()
    assert problems == []
    assert still_working
    assert Signature.objects.count() == 1 and Case.objects.count() == 1
