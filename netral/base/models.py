"""The base layer's models: the audit log, elections and background jobs, which every app uses."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code


class Election(models.Model):
    """An election event (Pemilu or Pemilihan); campaigns and, later, cases hang on it."""

    class Kind(models.TextChoices):
        PEMILU = "pemilu", _("General election (Pemilu)")
        PEMILIHAN = "pemilihan", _("Regional head election (Pemilihan)")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    # The agency that defined it; a national body's elections are visible to every agency.
    owner = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="elections")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    candidate_determination_date = models.DateField(null=True, blank=True)
    campaign_start = models.DateField(null=True, blank=True)
    campaign_end = models.DateField(null=True, blank=True)
    voting_day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "pacts_election"  # kept from when elections lived in the pacts app
        ordering = ["-voting_day", "name"]

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """One state change: who did what to which object, when, and from where."""

    # The composite indexes below serve every read; fewer indexes keep imports fast.
    created_at = models.DateTimeField(auto_now_add=True)
    # No database-level foreign keys: an append-only log is written in bulk (each key would be
    # checked at commit) and the ORM still applies on_delete.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(max_length=80)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, db_index=False, db_constraint=False
    )
    # The object's opaque code: it outlives the row and never reveals a row id.
    target_code = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "core_auditentry"  # kept from when the audit log lived in the core app
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["target_type", "target_code", "-created_at"], name="audit_by_target"
            ),
            models.Index(fields=["agency", "-created_at"], name="audit_by_agency"),
            # Partial: most entries of a surge are anonymous signatures, with no actor.
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="audit_by_actor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class Job(models.Model):
    """One long task (an import, an export, an archive, a batch of posts, a round of messages),
    run by the task worker: its status and progress, its result file and when that expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    kind = models.CharField(max_length=60)  # a name in netral.base.jobs.KINDS
    title = models.CharField(max_length=200)
    # The agency whose officers may see it; None for a command-line job.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=10, default="id")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.TextField(blank=True)  # why it failed, for the user
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Where the user goes on when the job is done (a preview to confirm, a page of results).
    next_url = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=300, blank=True)  # in the default storage
    result_file_name = models.CharField(max_length=200, blank=True)  # offered to the browser
    result_content_type = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="job_by_expiry")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class ThrottleCount(models.Model):
    """Failures of one kind (a wrong password, a wrong NIP) by one key (an account, a device, an
    address) in one window of time. The key is a keyed hash: no address is stored."""

    purpose = models.CharField(max_length=40)
    key = models.CharField(max_length=32)
    period = models.BigIntegerField()  # the window's number: seconds since the epoch // its length
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField()  # seconds since the epoch: when the window ends

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "key", "period"], name="one_count_per_key_and_period"
            )
        ]
        indexes = [models.Index(fields=["expires"], name="throttle_by_expiry")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key[:8]} {self.period}: {self.count}"


class Message(models.Model):
    """One message to one person on one channel (e-mail, WhatsApp, SMS), sent by the task
    worker: its delivery status, attempts, last error and the provider's id. Its content may
    hold a one-time code, so it is blanked once the message is sent or has failed for good."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Template(models.TextChoices):
        # Which approved WhatsApp template carries it; other channels send `text`.
        CODE = "code", _("One-time code")
        TEXT = "text", _("Text")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=60)  # a dotted name: "pacts.ceremony_code"
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)  # an e-mail address or a number as 62…
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    template = models.CharField(max_length=10, choices=Template.choices, default=Template.TEXT)
    parameters = models.JSONField(default=list, blank=True)  # the WhatsApp template's values
    # The routes still to try, as [channel, recipient] pairs, when this one fails for good.
    fallbacks = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the provider said it reached the phone (the WhatsApp status webhook).
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_by_due"),
            models.Index(fields=["created_at"], name="message_by_age"),
            models.Index(
                fields=["provider_id"],
                condition=~models.Q(provider_id=""),
                name="message_by_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.purpose} ({self.get_status_display()})"
