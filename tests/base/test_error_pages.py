"""Error pages speak Indonesian, keep the navigation, and carry no inline script or style."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.conftest import World


def signed_in(username: str, **extra: object) -> Client:
    client = Client(**extra)  # type: ignore[arg-type]
    client.login(username=username, password="Rahasia-Netral-2029")
    return client


def test_a_viewer_meets_an_indonesian_403_with_the_menu(world: World) -> None:
    response = signed_in("pemantau").get(reverse("agencies:audit_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Anda tidak boleh membuka halaman ini" in page
    assert 'aria-label="Menu utama"' in page  # the navigation stays
    assert "Pemantau" in page and "Forbidden" not in page
    assert "<style" not in page and "<script>" not in page


def test_a_missing_page_answers_an_indonesian_404_for_officers_and_visitors(world: World) -> None:
    for client in (signed_in("koordinator"), Client()):
        response = client.get("/tidak-ada-halaman-ini/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "Halaman tidak ditemukan" in page
        assert "Not Found" not in page


def test_an_expired_form_explains_itself_in_indonesian(world: World) -> None:
    client = signed_in("admin", enforce_csrf_checks=True)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir sudah kedaluwarsa" in page
    assert "CSRF verification failed" not in page


@pytest.mark.django_db
def test_the_server_error_page_is_indonesian_and_self_contained() -> None:
    page = render_to_string("500.html")
    assert "Terjadi kesalahan di pihak kami" in page
    assert 'href="/"' in page and "<style" not in page
