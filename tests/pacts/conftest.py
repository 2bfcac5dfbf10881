"""Fixtures shared by the pacts' tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from netral.pacts import timestamps
from tests.tsa_server import LocalAuthority


@pytest.fixture
def authority(settings: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalAuthority]:
    with LocalAuthority(delay=5.0) as local:
        trust = tmp_path / "tsa.pem"
        trust.write_bytes(local.certificate_pem())
        settings.NETRAL_TSA_URL = local.url  # type: ignore[attr-defined]
        settings.NETRAL_TSA_TIMEOUT = 3  # type: ignore[attr-defined]
        settings.NETRAL_TSA_TRUST_FILE = str(trust)  # type: ignore[attr-defined]
        timestamps.configured_authority.cache_clear()
        timestamps.trusted_authority_roots.cache_clear()
        yield local
    timestamps.configured_authority.cache_clear()
    timestamps.trusted_authority_roots.cache_clear()
