import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("base", "0004_message"),
        ("monitoring", "0004_report_exports_become_jobs"),
    ]

    operations = [
        migrations.RenameField(model_name="reminderdelivery", old_name="email", new_name="address"),
        migrations.AlterField(
            model_name="reminderdelivery",
            name="address",
            field=models.CharField(max_length=254),
        ),
        migrations.AddField(
            model_name="reminderdelivery",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[("email", "E-mail"), ("whatsapp", "WhatsApp"), ("sms", "SMS")],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="reminderdelivery",
            name="message",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="base.message",
            ),
        ),
    ]
