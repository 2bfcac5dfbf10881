from typing import Any

import django.db.models.deletion
import netral.base.codes
from django.conf import settings
from django.db import migrations, models


MOVED = [("pacts", "election"), ("core", "auditentry")]


def content_types_move(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        if not content_type.objects.filter(app_label="base", model=model).exists():
            content_type.objects.filter(app_label=app_label, model=model).update(app_label="base")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pacts', '0004_signature_fewer_indexes'),
        ('core', '0002_audit_actor_partial_index'),
        ('agencies', '0005_employee_index_covers_counts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Elections and the audit log move here with their tables (no database change).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Election',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(default=netral.base.codes.new_code, editable=False, max_length=16, unique=True)),
                    ('name', models.CharField(max_length=200)),
                    ('kind', models.CharField(choices=[('pemilu', 'General election (Pemilu)'), ('pemilihan', 'Regional head election (Pemilihan)')], max_length=10)),
                    ('candidate_determination_date', models.DateField(blank=True, null=True)),
                    ('campaign_start', models.DateField(blank=True, null=True)),
                    ('campaign_end', models.DateField(blank=True, null=True)),
                    ('voting_day', models.DateField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='elections', to='agencies.agency')),
                ],
                options={
                    'db_table': 'pacts_election',
                    'ordering': ['-voting_day', 'name'],
                },
            ),
            migrations.CreateModel(
                name='AuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('actor_label', models.CharField(max_length=150)),
                    ('action', models.CharField(max_length=80)),
                    ('target_code', models.CharField(blank=True, max_length=40)),
                    ('target_label', models.CharField(blank=True, max_length=300)),
                    ('data', models.JSONField(blank=True, default=dict)),
                    ('ip', models.GenericIPAddressField(blank=True, null=True)),
                    ('user_agent', models.CharField(blank=True, max_length=300)),
                    ('actor', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ('agency', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency')),
                    ('target_type', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                ],
                options={
                    'db_table': 'core_auditentry',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['target_type', 'target_code', '-created_at'], name='audit_by_target'), models.Index(fields=['agency', '-created_at'], name='audit_by_agency'), models.Index(condition=models.Q(('actor__isnull', False)), fields=['actor'], name='audit_by_actor')],
                },
            ),
            ],
        ),
        # Audit entries and permissions name the moved models by their content type.
        migrations.RunPython(content_types_move, migrations.RunPython.noop),
    ]
