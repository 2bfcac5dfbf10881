from django.conf import settings
from django.test import Client
from django.urls import reverse


def test_the_interface_is_indonesian_even_for_an_english_browser(client: Client) -> None:
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Nama pengguna" in response.content.decode()
    assert response["Content-Language"] == "id"


def test_english_is_one_click_away(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(reverse("accounts:login"))
    assert "Username" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_indonesian(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Nama pengguna" in client.get(reverse("accounts:login")).content.decode()
