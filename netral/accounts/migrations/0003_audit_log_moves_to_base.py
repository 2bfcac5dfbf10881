from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('base', '0001_initial'),
        ('core', '0002_audit_actor_partial_index'),
    ]

    # The audit log moved to the base app; its table stays.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.DeleteModel(
                name='AuditEntry',
            ),
            ],
        ),
    ]
