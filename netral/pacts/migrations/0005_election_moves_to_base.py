import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('base', '0001_initial'),
        ('cases', '0003_election_moves_to_base'),
        ('monitoring', '0003_election_moves_to_base'),
        ('pacts', '0004_signature_fewer_indexes'),
        ('screening', '0002_election_moves_to_base'),
    ]

    # Elections moved to the base app; their table stays.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='campaign',
                name='election',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='base.election'),
            ),
            migrations.AlterField(
                model_name='pactversion',
                name='election',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pact_versions', to='base.election'),
            ),
            migrations.DeleteModel(
                name='Election',
            ),
            ],
        ),
    ]
