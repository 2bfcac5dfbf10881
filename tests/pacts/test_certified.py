"""The BSrE adapter against a local stand-in of the signing service: the requests it makes, each
error path, and the passphrase in no log record and no database row."""

import io
import logging
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from netral.accounts.actors import Actor
from netral.base.models import AuditEntry
from netral.pacts import certified
from netral.pacts.certified import CertifiedSigningError
from tests.bsre_server import PASSWORD, USERNAME, Official, StandIn
from tests.conftest import Pacts, World
from tests.pacts.test_pdf import pact_document, pact_renderer

NIK = "3326051203780001"
INACTIVE = "3326051203780002"
PASSPHRASE = "Kajen#Rahasia-77"
SYSTEM = Actor(user=None, label="test")


@pytest.fixture
def stand_in(settings: pytest.FixtureRequest) -> Iterator[StandIn]:
    officials = {
        NIK: Official(passphrase=PASSPHRASE),
        INACTIVE: Official(passphrase=PASSPHRASE, status_code=2031, message="Sertifikat REVOKE"),
    }
    with StandIn(officials, delay=2.0) as server:
        settings.NETRAL_BSRE_URL = server.url  # type: ignore[attr-defined]
        settings.NETRAL_BSRE_USERNAME = USERNAME  # type: ignore[attr-defined]
        settings.NETRAL_BSRE_PASSWORD = PASSWORD  # type: ignore[attr-defined]
        # Signing takes the stand-in a while on a busy machine; the timeout tests shorten it.
        settings.NETRAL_BSRE_TIMEOUT = 10  # type: ignore[attr-defined]
        yield server


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return pact_renderer().render(pact_document())


def failure(**kwargs: object) -> CertifiedSigningError:
    with pytest.raises(CertifiedSigningError) as caught:
        certified.sign_certified(actor=SYSTEM, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.django_db
def test_it_checks_the_certificate_then_signs_and_verifies_the_returned_pdf(
    stand_in: StandIn, pdf: bytes
) -> None:
    signed = certified.sign_certified(actor=SYSTEM, nik=NIK, passphrase=PASSPHRASE, pdf=pdf)

    status, sign = stand_in.seen
    assert (status.method, status.path) == ("GET", f"/api/user/status/{NIK}")
    assert (sign.method, sign.path) == ("POST", "/api/sign/pdf")
    assert sign.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert sign.form == {"nik": NIK, "passphrase": PASSPHRASE, "tampilan": "invisible"}
    assert sign.file == pdf
    assert signed.pdf.startswith(pdf) and signed.signer == "Drs. H. Fadia Arafiq, M.M."
    (embedded,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    assert embedded.field_name == "TTE"
    entry = AuditEntry.objects.get(action="pacts.certified.signed")
    assert entry.data["signed_sha256"] == signed.sha256
    assert NIK not in str(entry.data)  # masked


@pytest.mark.django_db
def test_endpoint_paths_and_field_names_come_from_the_settings(
    stand_in: StandIn, pdf: bytes, settings: pytest.FixtureRequest
) -> None:
    settings.NETRAL_BSRE_STATUS_PATH = "/api/user/status/{nik}?v=2"  # type: ignore[attr-defined]
    settings.NETRAL_BSRE_FIELD_PASSPHRASE = "kata_sandi"  # type: ignore[attr-defined]
    settings.NETRAL_BSRE_SIGN_EXTRA = ""  # type: ignore[attr-defined]
    error = failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf)
    status, sign = stand_in.seen
    assert status.path == f"/api/user/status/{NIK}?v=2"
    assert sign.form == {"nik": NIK, "kata_sandi": PASSPHRASE}
    # The stand-in knows only "passphrase": it answers as the service does to a missing one.
    assert error.reason == CertifiedSigningError.WRONG_PASSPHRASE


@pytest.mark.django_db
def test_a_wrong_passphrase_is_named_and_nothing_is_signed(stand_in: StandIn, pdf: bytes) -> None:
    error = failure(nik=NIK, passphrase="salah", pdf=pdf)
    assert error.reason == CertifiedSigningError.WRONG_PASSPHRASE
    assert "passphrase" in error.message.lower()
    assert not AuditEntry.objects.filter(action="pacts.certified.signed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("nik", [INACTIVE, "3326051203789999"], ids=["revoked", "unknown"])
def test_an_inactive_certificate_stops_before_the_passphrase_is_sent(
    stand_in: StandIn, pdf: bytes, nik: str
) -> None:
    error = failure(nik=nik, passphrase=PASSPHRASE, pdf=pdf)
    assert error.reason == CertifiedSigningError.CERTIFICATE_INACTIVE
    assert [seen.method for seen in stand_in.seen] == ["GET"]


@pytest.mark.django_db
def test_a_silent_service_is_a_timeout_not_a_hang(
    stand_in: StandIn, pdf: bytes, settings: pytest.FixtureRequest
) -> None:
    settings.NETRAL_BSRE_TIMEOUT = 1  # type: ignore[attr-defined]
    stand_in.mode = "slow"
    error = failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf)
    assert error.reason == CertifiedSigningError.UNAVAILABLE


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["unsigned", "other_document"])
def test_a_returned_document_that_is_not_this_one_signed_is_refused(
    stand_in: StandIn, pdf: bytes, mode: str
) -> None:
    stand_in.mode = mode  # type: ignore[assignment]
    error = failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf)
    assert error.reason == CertifiedSigningError.NOT_SIGNED


@pytest.mark.django_db
def test_a_server_error_and_wrong_credentials_are_refusals(
    stand_in: StandIn, pdf: bytes, settings: pytest.FixtureRequest
) -> None:
    stand_in.mode = "server_error"
    assert failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf).reason == CertifiedSigningError.REFUSED
    stand_in.mode = "ok"
    settings.NETRAL_BSRE_PASSWORD = "lama"  # type: ignore[attr-defined]
    assert failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf).reason == CertifiedSigningError.REFUSED


@pytest.mark.django_db
def test_without_a_service_officials_are_told_it_is_not_set_up(pdf: bytes) -> None:
    error = failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf)
    assert error.reason == CertifiedSigningError.NOT_CONFIGURED
    assert not certified.bsre_configured()


@pytest.mark.django_db
def test_the_passphrase_is_in_no_log_record_and_no_database_row(
    stand_in: StandIn,
    pdf: bytes,
    caplog: pytest.LogCaptureFixture,
    client: Client,
    world: World,
    settings: pytest.FixtureRequest,
) -> None:
    caplog.set_level(logging.DEBUG)
    certified.sign_certified(actor=SYSTEM, nik=NIK, passphrase=PASSPHRASE, pdf=pdf)
    for mode in ("server_error", "unsigned", "slow"):
        stand_in.mode = mode  # type: ignore[assignment]
        settings.NETRAL_BSRE_TIMEOUT = 1 if mode == "slow" else 10  # type: ignore[attr-defined]
        failure(nik=NIK, passphrase=PASSPHRASE, pdf=pdf)
    stand_in.mode = "ok"
    settings.NETRAL_BSRE_TIMEOUT = 10  # type: ignore[attr-defined]
    client.force_login(world.admin)
    page = client.post(
        reverse("pacts:bsre_connection"), {"nik": NIK, "passphrase": PASSPHRASE}
    ).content.decode()
    assert 'data-testid="bsre-signed"' in page
    assert PASSPHRASE not in page

    assert caplog.records  # the failures were logged
    for record in caplog.records:
        assert PASSPHRASE not in record.getMessage()
        assert PASSPHRASE not in str(record.args)
    for model in apps.get_models():
        for row in model.objects.values():
            assert PASSPHRASE not in str(row), model


@pytest.mark.django_db
def test_the_connection_page_is_for_the_agency_admin(
    stand_in: StandIn, client: Client, world: World
) -> None:
    url = reverse("pacts:bsre_connection")
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(world.coordinator_a)
    assert client.get(url).status_code == 403
    client.force_login(world.admin)
    page = client.post(url, {"nik": INACTIVE}).content.decode()
    assert "Tidak aktif" in page and "Sertifikat REVOKE" in page
    assert client.post(url, {"nik": "12"}).content.decode().count("16 digit") == 1


@pytest.mark.django_db
def test_the_connection_page_says_when_no_service_is_set_up(
    client: Client, world: World, pacts: Pacts
) -> None:
    client.force_login(world.admin)
    assert 'data-testid="bsre-off"' in client.get(reverse("pacts:bsre_connection")).content.decode()


def test_an_officials_document_states_whether_the_signature_is_certified() -> None:
    assert certified.signature_note(certified=True).endswith("(tersertifikasi).")
    assert certified.signature_note(certified=False).endswith("(tidak tersertifikasi).")
