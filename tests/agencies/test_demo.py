from netral.agencies.demo import demo_logins, demo_seed
from netral.agencies.models import Agency, Employee, Unit
from netral.core.models import Membership


def test_the_demo_agency_is_seeded_through_the_import_and_reused(db: None) -> None:
    agency = demo_seed(size=1000)
    assert agency.code == "33.26"
    assert agency.name == "Pemerintah Kabupaten Pekalongan"
    assert Employee.objects.filter(agency=agency).count() == 1000
    assert set(Employee.objects.values_list("kind", flat=True)) == {"PNS", "PPPK", "NON_ASN"}
    assert Unit.objects.filter(agency=agency, depth=1, name__startswith="Kecamatan").count() == 19
    roles = {login.role for login in demo_logins()}
    assert len(roles) == len(Membership.Role.choices)
    province = Agency.objects.get(code="33")
    assert Membership.objects.filter(agency=province, user__username="demo.provinsi").exists()

    demo_seed(size=1000)
    assert Employee.objects.count() == 1000
    assert Membership.objects.filter(user__username__startswith="demo.").count() == 6
