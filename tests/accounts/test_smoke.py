from django.test import Client
from django.urls import reverse

from tests.conftest import World


def test_the_home_page_greets_an_admin_with_the_agency_name(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.get(reverse("monitoring:home"))
    assert response.status_code == 200
    assert "Pemerintah Kabupaten Pekalongan" in response.content.decode()
