from django.db import migrations


def load(apps, schema_editor):
    from netral.agencies.regions import load_regions

    load_regions(apps.get_model("agencies", "Region"))


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
