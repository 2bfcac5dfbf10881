import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('base', '0001_initial'),
        ('cases', '0002_load_catalogues'),
    ]

    # Elections moved to the base app; their table stays.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='case',
                name='election',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='base.election'),
            ),
            migrations.AlterField(
                model_name='handlingprocedure',
                name='election',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='handling_procedure', to='base.election'),
            ),
            ],
        ),
    ]
