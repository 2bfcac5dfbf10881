from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from netral.cases.catalogue import catalogue_load

    catalogue_load(apps.get_model("cases", "ViolationType"), apps.get_model("cases", "SanctionType"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
