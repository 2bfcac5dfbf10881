from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code


class User(AbstractUser):
    """An officer account. Employees who sign and citizens who report need none."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted time step: a code is never accepted twice.
    totp_last_step = models.BigIntegerField(default=0)
    # Where notices reach an officer who reads WhatsApp or SMS rather than e-mail (as 62…).
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator app when the phone is lost. Only
    a keyed hash is kept (`services.recovery_code_digest`); the officer saw the code once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    # The set it belongs to: a new set counts only once the officer confirms saving it, and
    # then voids the set before it.
    batch = models.CharField(max_length=16)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="one_recovery_code_per_digest")
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id} ({self.batch})"  # never the code itself


class Membership(models.Model):
    """A user's role in one agency, optionally limited to a unit subtree."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        COORDINATOR = "coordinator", _("Unit coordinator")
        SUPERVISOR = "supervisor", _("Supervisor")
        DECISION_MAKER = "decision_maker", _("Decision maker")
        VIEWER = "viewer", _("Viewer")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "agencies.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Limits the role to this unit and its sub-units."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"], name="one_membership_per_user_and_agency"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="coordinator") | models.Q(unit__isnull=False),
                name="coordinator_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency_id} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def can_view_roster(self) -> bool:
        return self.role != self.Role.VIEWER

    @property
    def can_manage_roster(self) -> bool:
        return self.role == self.Role.ADMIN
