from django.test import Client
from django.urls import reverse

from netral.accounts.models import Membership, User
from netral.base.models import AuditEntry
from tests.conftest import World


def test_an_admin_adds_an_officer_with_a_role(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.post(
        reverse("agencies:membership_create"),
        {
            "username": "koordinator.kes",
            "full_name": "Rina Kartika",
            "email": "rina@example.go.id",
            "password": "Pakta-Netral-2029!",
            "role": "coordinator",
            "unit": world.unit_b.pk,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="koordinator.kes")
    assert membership.agency == world.agency
    assert membership.unit == world.unit_b
    entry = AuditEntry.objects.get(action="core.membership.created")
    assert entry.actor == world.admin
    assert entry.ip == "127.0.0.1"


def test_a_coordinator_needs_a_unit(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.post(
        reverse("agencies:membership_create"),
        {
            "username": "tanpa.unit",
            "full_name": "Tanpa Unit",
            "password": "Pakta-Netral-2029!",
            "role": "coordinator",
        },
    )
    assert response.status_code == 200
    assert "Koordinator harus dibatasi" in response.content.decode()
    assert not User.objects.filter(username="tanpa.unit").exists()


def test_a_unit_of_another_agency_cannot_be_chosen(client: Client, world: World) -> None:
    client.force_login(world.admin)
    other_unit = world.other_employee.unit
    response = client.post(
        reverse("agencies:membership_edit", args=[Membership.objects.get(user=world.viewer).code]),
        {"role": "coordinator", "unit": other_unit.pk},
    )
    assert response.status_code == 200
    assert Membership.objects.get(user=world.viewer).role == "viewer"


def test_a_role_change_is_logged_with_before_and_after(client: Client, world: World) -> None:
    client.force_login(world.admin)
    membership = Membership.objects.get(user=world.viewer)
    client.post(reverse("agencies:membership_edit", args=[membership.code]), {"role": "supervisor"})
    membership.refresh_from_db()
    assert membership.role == "supervisor"
    entry = AuditEntry.objects.get(action="core.membership.role_changed")
    assert entry.data == {
        "before": {"role": "viewer", "unit": None},
        "after": {"role": "supervisor", "unit": None},
    }
    log = client.get(reverse("agencies:audit_object", args=["membership", membership.code]))
    page = log.content.decode()
    assert "mengubah peran" in page and "core.membership" not in page
    assert "Pemantau \u2192" in page  # the roles by their names, not their codes


def test_an_admin_cannot_demote_or_remove_themself(client: Client, world: World) -> None:
    client.force_login(world.admin)
    own = Membership.objects.get(user=world.admin)
    client.post(reverse("agencies:membership_edit", args=[own.code]), {"role": "viewer"})
    client.post(reverse("agencies:membership_delete", args=[own.code]))
    own.refresh_from_db()
    assert own.role == "admin"


def test_removing_a_role_asks_first_then_deactivates_the_account(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    membership = Membership.objects.get(user=world.viewer)
    url = reverse("agencies:membership_delete", args=[membership.code])
    page = client.get(url)
    assert "Lanjutkan?" in page.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

    client.post(url)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    world.viewer.refresh_from_db()
    assert not world.viewer.is_active
    assert AuditEntry.objects.filter(action="core.membership.removed").exists()


def test_only_admins_manage_officers(client: Client, world: World) -> None:
    for user in (world.coordinator_a, world.supervisor, world.decision_maker, world.viewer):
        client.force_login(user)
        assert client.get(reverse("agencies:membership_list")).status_code == 403
        assert client.get(reverse("agencies:audit_list")).status_code == 403
