from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code


class PactVersion(models.Model):
    """One version of an agency's pact text for an election. Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(
        "base.Election", on_delete=models.PROTECT, related_name="pact_versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    intro = models.TextField()
    statement = models.TextField()
    points = models.JSONField(default=list)
    closing = models.TextField(blank=True)
    legal_basis = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "election", "number"], name="unique_pact_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def content(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "intro": self.intro,
            "statement": self.statement,
            "points": list(self.points),
            "closing": self.closing,
            "legal_basis": list(self.legal_basis),
        }

    def content_hash(self) -> str:
        canonical = json.dumps(self.content(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Campaign(models.Model):
    """One signing campaign: who signs which pact version, when, and the ceremony."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        OFFLINE = "luring", _("In person (luring)")
        ONLINE = "daring", _("Online (daring)")
        BOTH = "both", _("In person and online")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="campaigns"
    )
    election = models.ForeignKey(
        "base.Election", on_delete=models.PROTECT, related_name="campaigns"
    )
    pact_version = models.ForeignKey(PactVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    ceremony_date = models.DateField(null=True, blank=True)
    ceremony_time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    meeting_link = models.URLField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Empty means every unit of the agency; otherwise these units and their sub-units.
    units = models.ManyToManyField("agencies.Unit", blank=True, related_name="+")
    include_non_asn = models.BooleanField(default=True)
    # Whether the agency-level completion is shown on a public page (no personal data).
    is_public = models.BooleanField(default=False)
    # Keys the personal links: the same key gives the same links again, for a new export.
    token_salt = models.CharField(max_length=32, default=new_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The order of the day (seed 001): the officials sign first, and the staff's signing opens
    # when the last of them has signed, or at staff_opens_at, whichever comes first.
    officials_first = models.BooleanField(default=False)
    staff_opens_at = models.DateTimeField(null=True, blank=True)
    officials_signed_at = models.DateTimeField(null=True, blank=True)
    # The collective ikrar document made when the ceremony is closed: its file, hash, the tree
    # head it carries, and the job that makes it.
    collective_name = models.CharField(max_length=200, blank=True)
    collective_sha256 = models.CharField(max_length=64, blank=True)
    collective_tree_head = models.ForeignKey(
        "TreeHead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    collective_job = models.ForeignKey(
        "base.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Its annex names every signatory (masked NIP, unit): on the public page only when the
    # administrator chose so at closing (UU 27/2022: personal data is published by choice).
    collective_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_signatures(self, now: Any = None) -> bool:
        return self.signing_window_open(
            self.status, self.opens_at, self.closes_at, now or timezone.now()
        )

    @classmethod
    def signing_window_open(cls, status: str, opens_at: Any, closes_at: Any, now: Any) -> bool:
        return status == cls.Status.OPEN and opens_at <= now < closes_at

    def staff_waiting(self, now: Any = None) -> bool:
        """Whether the staff still wait for the officials to sign first."""
        return self.staff_wait(
            self.officials_first,
            self.officials_signed_at,
            self.staff_opens_at,
            now or timezone.now(),
        )

    @staticmethod
    def staff_wait(
        officials_first: bool, officials_signed_at: Any, staff_opens_at: Any, now: Any
    ) -> bool:
        if not officials_first or officials_signed_at is not None:
            return False
        return staff_opens_at is None or now < staff_opens_at


class Signatory(models.Model):
    """An official who signs the pact before the staff (the regent, the regional secretary, the
    heads of OPD), or a witness of the ceremony (Forkopimda, KPU, Bawaslu), each through a
    personal link of their own."""

    class Role(models.TextChoices):
        OFFICIAL = "official", _("Official")
        WITNESS = "witness", _("Witness")

    code = models.CharField(max_length=16, default=new_code, editable=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="signatories", db_index=False
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    # The signing order among the campaign's officials (and the listing order of witnesses).
    order = models.PositiveSmallIntegerField()
    name = models.CharField(_("Name"), max_length=200)
    office = models.CharField(_("Office"), max_length=200)
    institution = models.CharField(_("Institution"), max_length=200, blank=True)
    # Set when chosen from the roster.
    employee = models.ForeignKey(
        "agencies.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(null=True, blank=True)
    typed_name = models.CharField(max_length=200, blank=True)
    # SHA-256 of the canonical record, printed in the collective document.
    record_sha256 = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # A witness recorded as witnessing by an administrator, not through their own link.
    recorded = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "role", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "role", "order"], name="one_signatory_per_place"
            ),
            models.UniqueConstraint(fields=["code"], name="one_signatory_per_code"),
            models.UniqueConstraint(fields=["token_hash"], name="one_signatory_per_token"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.role} {self.order} {self.name}"

    @property
    def has_signed(self) -> bool:
        return self.signed_at is not None


class SigningLink(models.Model):
    """An employee's personal link, kept only as a hash; revoking bumps the generation."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    employee = models.ForeignKey("agencies.Employee", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64)
    generation = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "employee"], name="one_link_per_employee"),
            # A constraint, not unique=True: PostgreSQL then needs no second (LIKE) index.
            models.UniqueConstraint(fields=["token_hash"], name="one_link_per_token"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.employee_id}/{self.generation}"


class Signature(models.Model):
    """The legal record of one employee's pact; the PDF is made from it on demand."""

    class Channel(models.TextChoices):
        LINK = "link", _("Personal link")
        CEREMONY = "ceremony", _("Ceremony QR code")
        PAPER = "paper", _("Paper")
        # An official chosen from the roster, signing on the officials' track.
        OFFICIAL = "official", _("Officials' track")

    # Each signature of a surge writes every index, so none is kept that another covers: the
    # campaign's is the constraints' prefix, the agency is only read with the campaign (and is
    # the campaign's), only paper pacts have a recorder, and a log index is only set once the
    # row is sequenced. The code is unique by a constraint, which needs no second (LIKE) index
    # on PostgreSQL.
    code = models.CharField(max_length=16, default=new_code, editable=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="signatures", db_index=False
    )
    employee = models.ForeignKey("agencies.Employee", on_delete=models.PROTECT, related_name="+")
    # Copied from the employee at signing time, so dashboards count without joins.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    typed_name = models.CharField(max_length=200)
    drawn_signature = models.BinaryField(null=True, blank=True)
    pact_sha256 = models.CharField(max_length=64)
    # SHA-256 of the canonical record: the transparency log's leaf data.
    record_sha256 = models.CharField(max_length=64)
    log_index = models.PositiveIntegerField(null=True, blank=True)
    # The employee as they were when signing (name, NIP or NIK, rank, position, unit, and whether
    # signed at the venue): what the pact shows, committed to by the record's hash. Empty for
    # pacts signed before it was kept.
    signer_details = models.JSONField(default=dict, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # A paper pact: the uploaded scan's hash and type (the file is kept privately).
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_type = models.CharField(max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Where it was signed from, for the admin's flags of unusual patterns: a keyed hash of the
    # browser's device cookie (or of the kiosk), whether it was a kiosk, and the officer whose
    # session was open in that browser (a coordinator signing for others would show here).
    device = models.CharField(max_length=24, blank=True)
    kiosk = models.BooleanField(default=False)
    officer_session = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="one_signature_per_code"),
            models.UniqueConstraint(
                fields=["campaign", "employee"], name="one_signature_per_employee"
            ),
            models.UniqueConstraint(
                fields=["campaign", "log_index"],
                condition=models.Q(log_index__isnull=False),
                name="one_signature_per_log_index",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "id"],
                condition=models.Q(log_index__isnull=True),
                name="signature_unsequenced",
            ),
            models.Index(
                fields=["recorded_by"],
                condition=models.Q(recorded_by__isnull=False),
                name="signature_recorded_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.typed_name}"


class LogHead(models.Model):
    """How far a campaign's transparency log is sequenced: its size and the right edge of the
    tree, so the next batch appends without reading the earlier leaves."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="log_head")
    size = models.PositiveIntegerField(default=0)
    edge = models.JSONField(default=list)  # hex hashes

    def __str__(self) -> str:
        return f"{self.campaign_id}@{self.size}"


class LogNode(models.Model):
    """A perfect subtree of a campaign's log: the root hash of the leaves
    [position << level, (position + 1) << level), level 0 being the leaves themselves. The
    sequencer writes each one in the transaction that completes it and never changes it, so a
    proof reads O(log n) of these instead of recomputing every leaf."""

    # The constraint below is the index: the campaign is its prefix.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "level", "position"], name="one_log_node_per_place"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.level}/{self.position}"


class TreeHead(models.Model):
    """Every signed tree head ever published, so consistency between any two can be shown.
    The Ed25519 signature covers "netral-sth/v1 <campaign code> <size> <root hex> <time ms>"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tree_heads")
    size = models.PositiveIntegerField()
    root = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["campaign", "size"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "size"], name="one_tree_head_per_size")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}@{self.size}"


class CeremonyCode(models.Model):
    """A one-time code that lets an employee sign from the ceremony QR code; kept as a hash.
    It is sent to the employee, or printed on a slip for one who has no e-mail and no phone."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey("agencies.Employee", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    printed = models.BooleanField(default=False)
    # A printed code is derived from its generation, so printing the slips again prints it again.
    generation = models.PositiveIntegerField(default=0)
    # The last time a slip with this code was printed.
    printed_at = models.DateTimeField(null=True, blank=True)
    # A voided slip stops working; the next print gives its employee the next generation.
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "employee", "generation"],
                condition=models.Q(printed=True),
                name="one_printed_code_per_generation",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "employee", "-created_at"], name="ceremony_code")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.employee_id}"


class Attendance(models.Model):
    """Presence at the ikrar ceremony, in person or online."""

    class Mode(models.TextChoices):
        OFFLINE = "luring", _("In person (luring)")
        ONLINE = "daring", _("Online (daring)")

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", _("Recorded by a coordinator")
        CHECK_IN = "check_in", _("Checked in with the ceremony QR code")
        MEETING_IMPORT = "meeting", _("Imported from the online meeting's participant list")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attendance")
    employee = models.ForeignKey("agencies.Employee", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "employee"], name="one_attendance_per_employee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.employee_id} {self.mode}"


class CampaignMeeting(models.Model):
    """An OPD's online room for the ceremony (seed 002: the ikrar in the pendopo and over Zoom
    in every OPD), shown to that OPD's employees and coordinators."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meetings")
    unit = models.ForeignKey("agencies.Unit", on_delete=models.CASCADE, related_name="+")
    # Only https: the link is put on employees' pages, so no javascript: or plain http.
    url = models.URLField(
        _("Meeting link"), max_length=500, validators=[URLValidator(schemes=["https"])]
    )
    meeting_number = models.CharField(_("Meeting ID"), max_length=50, blank=True)
    passcode = models.CharField(_("Passcode"), max_length=50, blank=True)
    starts_at = models.DateTimeField(_("Starts at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_meeting_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}"


class SealCertificate(models.Model):
    """A certificate an agency has sealed pacts with. Kept when it is renewed, so a pact sealed
    before still verifies and its page names the certificate that sealed it."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    der = models.BinaryField()
    subject = models.CharField(max_length=300)
    serial = models.CharField(max_length=80)  # hex
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    first_used_at = models.DateTimeField(default=timezone.now)
    # When another certificate took its place: seals after this are not its to make.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "first_used_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "sha256"], name="one_seal_certificate_per_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"

    def valid_at(self, moment: datetime.datetime) -> bool:
        """In its validity period and not yet replaced at that moment."""
        if not self.not_before <= moment <= self.not_after:
            return False
        return self.retired_at is None or moment <= self.retired_at


class PactSeal(models.Model):
    """How the recorded PDF of a signature was sealed: with which certificate, and the trusted
    time of its timestamp. A pact sealed while the time-stamping authority failed waits with
    `timestamp_pending`; `netral timestamp_pacts` then timestamps its file's hash and keeps the
    token here (the file itself, already handed out, is never changed)."""

    signature = models.OneToOneField(Signature, on_delete=models.CASCADE, related_name="seal")
    pdf_sha256 = models.CharField(max_length=64)
    certificate = models.ForeignKey(SealCertificate, on_delete=models.PROTECT, related_name="+")
    sealed_at = models.DateTimeField(default=timezone.now)
    timestamped_at = models.DateTimeField(null=True, blank=True)
    timestamp_authority = models.CharField(max_length=200, blank=True)
    timestamp_pending = models.BooleanField(default=False)
    # A token over the file's SHA-256 obtained after sealing (a DER TimeStampToken).
    later_token = models.BinaryField(null=True, blank=True)
    # Long-term validation (PAdES B-LT): the certificates and CRLs of the seal's and the
    # timestamp's chains embedded in the file, or waiting for `netral timestamp_pacts` (their
    # CRL could not be had when sealing); why it still waits, if something is wrong.
    validation_embedded = models.BooleanField(default=False)
    validation_pending = models.BooleanField(default=False)
    validation_problem = models.CharField(max_length=300, blank=True)
    # The file's hash before the validation data was added to it later: the copy handed out
    # then is the same seal and still verifies as the recorded document.
    earlier_pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["sealed_at"],
                condition=models.Q(timestamp_pending=True),
                name="pact_seal_timestamp_pending",
            ),
            models.Index(
                fields=["sealed_at"],
                condition=models.Q(validation_pending=True),
                name="pact_seal_validation_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signature_id}: {self.pdf_sha256[:12]}"


class RevocationList(models.Model):
    """A CRL from a distribution point named in a sealing or time-stamping certificate, fetched
    by `netral timestamp_pacts` and kept so that sealing embeds it (PAdES B-LT) without a
    network round trip. A row without a CRL is one a seal asked for and is still waiting."""

    url = models.CharField(max_length=500)
    der = models.BinaryField(null=True, blank=True)
    this_update = models.DateTimeField(null=True, blank=True)
    next_update = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    tried_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)  # why the last fetch failed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["url"], name="one_revocation_list_per_url")]

    def __str__(self) -> str:
        return self.url
