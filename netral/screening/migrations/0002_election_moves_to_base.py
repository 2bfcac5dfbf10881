import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('base', '0001_initial'),
        ('screening', '0001_initial'),
    ]

    # Elections moved to the base app; their table stays.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='contestant',
                name='election',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contestants', to='base.election'),
            ),
            migrations.AlterField(
                model_name='screeningbatch',
                name='election',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='base.election'),
            ),
            ],
        ),
    ]
