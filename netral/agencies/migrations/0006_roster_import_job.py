# The check and the import of a roster became jobs: an import points at its latest job, whose
# progress replaces its own. Existing imports keep their status, summary and errors.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0005_employee_index_covers_counts'),
        ('base', '0002_job'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='rosterimport',
            name='progress',
        ),
        migrations.AddField(
            model_name='rosterimport',
            name='job',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='base.job'),
        ),
    ]
