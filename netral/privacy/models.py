"""Personal data protection (UU 27/2022): each agency's data protection officer, named on the
privacy notice, and the register of requests from data subjects with their legal deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code


class PrivacyOfficer(models.Model):
    """Who answers for the agency's personal data (pejabat pelindungan data pribadi)."""

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="privacy_officer"
    )
    name = models.CharField(max_length=200)
    # An e-mail address, a telephone or WhatsApp number, or an office address: what the agency
    # wants the public to use.
    contact = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class DataSubjectRequest(models.Model):
    """A request from a person about the personal data the agency holds (Pasal 5-13)."""

    class Right(models.TextChoices):
        ACCESS = "access", _("Access and a copy of the data")
        RECTIFICATION = "rectification", _("Correction of the data")
        ERASURE = "erasure", _("Erasure of the data")
        WITHDRAWAL = "withdrawal", _("Withdrawal of consent")
        RESTRICTION = "restriction", _("Restriction or suspension of processing")
        OBJECTION = "objection", _("Objection to an automated decision")
        PORTABILITY = "portability", _("The data in a machine-readable form")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused with a reason")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    # The person on the roster the request is about, when they are on it.
    employee = models.ForeignKey(
        "agencies.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requester_name = models.CharField(max_length=200)
    requester_contact = models.CharField(max_length=300)
    right = models.CharField(max_length=15, choices=Right.choices)
    details = models.TextField(blank=True)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_at"]
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="privacy_request_due")]

    def __str__(self) -> str:
        return f"{self.requester_name} ({self.right})"
