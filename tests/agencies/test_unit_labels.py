"""Unit pickers show the parents of a repeated name and carry a search box."""

from django.test import Client
from django.urls import reverse

from netral.agencies.forms import EmployeeFilterForm, unit_labels
from netral.agencies.models import Unit
from tests.conftest import Pacts, World
from tests.factories import unit_make


def test_a_repeated_name_carries_its_parents_and_a_unique_one_stays_short(world: World) -> None:
    first = unit_make(world.agency, "Sekretariat", world.unit_a)
    second = unit_make(world.agency, "Sekretariat", world.unit_b)
    # Two "Subbagian Umum" under two "Sekretariat": the OPD tells them apart.
    deep_a = unit_make(world.agency, "Subbagian Umum", first)
    deep_b = unit_make(world.agency, "Subbagian Umum", second)
    units = list(Unit.objects.filter(agency=world.agency))

    labels = unit_labels(units)

    assert labels[first.pk] == "Sekretariat \u2014 Dinas Pendidikan dan Kebudayaan"
    assert labels[second.pk] == "Sekretariat \u2014 Dinas Kesehatan"
    assert labels[deep_a.pk] == (
        "Subbagian Umum \u2014 Sekretariat \u2014 Dinas Pendidikan dan Kebudayaan"
    )
    assert labels[deep_b.pk] == "Subbagian Umum \u2014 Sekretariat \u2014 Dinas Kesehatan"
    assert labels[world.unit_a_child.pk] == "Bidang Pembinaan SD"


def test_the_employee_filter_offers_a_searchable_picker_with_parents(world: World) -> None:
    unit_make(world.agency, "Sekretariat", world.unit_a)
    unit_make(world.agency, "Sekretariat", world.unit_b)
    client = Client()
    client.force_login(world.admin)
    page = client.get(reverse("agencies:employee_list")).content.decode()
    assert 'data-searchable="Cari unit"' in page
    assert "Sekretariat \u2014 Dinas Kesehatan" in page
    form = EmployeeFilterForm(units=Unit.objects.filter(agency=world.agency))
    assert "Sekretariat \u2014 Dinas Kesehatan" in str(form["unit"])


def test_the_campaign_and_attendance_pickers_carry_parents_and_a_search_box(pacts: Pacts) -> None:
    unit_make(pacts.world.agency, "Sekretariat", pacts.world.unit_a)
    unit_make(pacts.world.agency, "Sekretariat", pacts.world.unit_b)
    client = Client()
    client.force_login(pacts.world.admin)
    for name in ("pacts:campaign_detail", "pacts:attendance", "pacts:printed_codes"):
        page = client.get(reverse(name, args=[pacts.campaign.code])).content.decode()
        assert 'data-searchable="Cari unit"' in page, name
        # The campaign page lists the OPDs only; the others every unit, named apart.
        if name != "pacts:campaign_detail":
            assert "Sekretariat \u2014 Dinas Kesehatan" in page, name
