from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from netral.cases.catalogue import SANCTION_TYPES, VIOLATION_TYPES

    violation_type = apps.get_model("cases", "ViolationType")
    for code, number, name, ethics, level, confirmed in VIOLATION_TYPES:
        violation_type.objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "ethics_track": ethics,
                "discipline_level": level,
                "confirmed": confirmed,
            },
        )
    sanction_type = apps.get_model("cases", "SanctionType")
    for code, regulation, kind, name, months, order in SANCTION_TYPES:
        sanction_type.objects.update_or_create(
            code=code,
            defaults={
                "regulation": regulation,
                "kind": kind,
                "name": name,
                "duration_months": months,
                "order": order,
                # The 2010 catalogue is kept for old records; new decisions use PP 94/2021.
                "is_active": regulation != "PP 53/2010",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
