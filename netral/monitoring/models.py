from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code
from netral.base.models import Message


class CampaignTally(models.Model):
    """A campaign's agency-level numbers, for the province and national rollups.

    The eligible count is refreshed when the campaign opens and after a roster import; the
    signed counts each time the log sequencer appends a batch (so they lag the signatures by
    at most the sequencing interval). Rollups then read one row per agency."""

    campaign = models.OneToOneField(
        "pacts.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    election = models.ForeignKey("base.Election", on_delete=models.CASCADE, related_name="+")
    eligible = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    signed_paper = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["election", "agency"], name="tally_election_agency")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.signed}/{self.eligible}"

    @property
    def percent(self) -> float:
        return 100 * self.signed / self.eligible if self.eligible else 0.0


class ReminderRound(models.Model):
    """One wave of reminders of a campaign: on a schedule, or sent by hand for a unit."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("At opening")
        BEFORE_CLOSE = "before_close", _("Before closing")
        MANUAL = "manual", _("Sent by hand")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    campaign = models.ForeignKey(
        "pacts.Campaign", on_delete=models.CASCADE, related_name="reminder_rounds"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    # A reminder sent by hand reaches only this unit and its sub-units.
    unit = models.ForeignKey(
        "agencies.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    include_digest = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "days_before"],
                condition=~models.Q(kind="manual"),
                name="one_scheduled_round",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_round_due")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} {self.due_at:%Y-%m-%d %H:%M}"


class ReminderDelivery(models.Model):
    """One message of a round to one person, handed to the messaging layer. The unique pair
    (round, recipient) is what makes a reminder go out at most once, whatever number of
    `send_reminders` run at the same time."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee reminder")
        DIGEST = "digest", _("Digest to a coordinator or unit head")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not needed any more")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(ReminderRound, on_delete=models.CASCADE, related_name="deliveries")
    # An employee's code, or "digest:" and the digest's first address.
    recipient = models.CharField(max_length=260)
    # The first route when the delivery was planned (then when sent): an e-mail or a 62… number.
    address = models.CharField(max_length=254)
    channel = models.CharField(max_length=10, choices=Message.Channel.choices, blank=True)
    # The queued message, which tells whether the provider took it.
    message = models.ForeignKey(
        "base.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "recipient"], name="one_delivery_per_round")
        ]
        indexes = [models.Index(fields=["round", "status"], name="reminder_delivery_status")]

    def __str__(self) -> str:
        return f"{self.round_id} → {self.address} ({self.status})"
