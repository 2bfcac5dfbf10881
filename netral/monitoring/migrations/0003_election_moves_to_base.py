import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('base', '0001_initial'),
        ('monitoring', '0002_report_export_of_a_campaign'),
    ]

    # Elections moved to the base app; their table stays.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='campaigntally',
                name='election',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='base.election'),
            ),
            ],
        ),
    ]
