from netral.agencies.models import RosterImport
from netral.agencies.signals import roster_imported
from netral.pacts.models import SigningLink
from tests.conftest import Pacts
from tests.factories import employee_make


def test_an_employee_imported_during_an_open_campaign_gets_a_personal_link(pacts: Pacts) -> None:
    campaign = pacts.campaign
    before = dict(
        SigningLink.objects.filter(campaign=campaign).values_list("employee", "token_hash")
    )
    newcomer = employee_make(pacts.world.unit_b, "Pegawai Baru")
    assert not SigningLink.objects.filter(campaign=campaign, employee=newcomer).exists()
    roster_imported.send(sender=RosterImport, agency=pacts.world.agency)
    assert SigningLink.objects.filter(campaign=campaign, employee=newcomer).exists()
    after = dict(
        SigningLink.objects.filter(campaign=campaign).values_list("employee", "token_hash")
    )
    assert {k: after[k] for k in before} == before  # links already sent stay valid
    other = employee_make(pacts.world.other_agency.units.get(parent=None), "Orang Lain Baru")
    roster_imported.send(sender=RosterImport, agency=pacts.world.agency)
    assert not SigningLink.objects.filter(employee=other).exists()
