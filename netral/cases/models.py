from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code


class ViolationType(models.Model):
    """One act of the SKB 2/2022 matrix. Kept as data: the matrix is partly unconfirmed and the
    next regulation will change it, so rows are edited, not code."""

    class Level(models.TextChoices):
        MODERATE = "sedang", _("Moderate (sedang)")
        SEVERE = "berat", _("Severe (berat)")
        DISMISSAL = "ptdh", _("Dishonourable dismissal (PTDH)")
        TASK_FORCE = "satgas", _("Decided by the task force")
        NONE = "", _("No discipline track")

    code = models.SlugField(max_length=40, unique=True)
    regulation = models.CharField(max_length=60, default="SKB 2/2022")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    # Before the candidates are determined the act is an ethics matter (moral sanction);
    # after, a discipline matter at this level.
    ethics_track = models.BooleanField(default=True)
    discipline_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    confirmed = models.BooleanField(
        default=True, help_text=_("False where the sources disagree or the text was not seen.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["regulation", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class SanctionType(models.Model):
    """A sanction of the catalogue, versioned by the regulation that defines it."""

    class Kind(models.TextChoices):
        MORAL = "moral", _("Moral sanction")
        LIGHT = "ringan", _("Light discipline (ringan)")
        MODERATE = "sedang", _("Moderate discipline (sedang)")
        SEVERE = "berat", _("Severe discipline (berat)")
        DISMISSAL = "ptdh", _("Dishonourable dismissal (PTDH)")

    code = models.SlugField(max_length=60, unique=True)
    regulation = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=300)
    duration_months = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["regulation", "order"]

    def __str__(self) -> str:
        return f"{self.name} ({self.regulation})"


class HandlingProcedure(models.Model):
    """How the reports of one election are handled: the stages, their deadlines and the body
    that receives reports (KASN until 2024, BKN since, an independent body later)."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    election = models.OneToOneField(
        "base.Election", on_delete=models.CASCADE, related_name="handling_procedure"
    )
    receiving_body = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.election} · {self.receiving_body}"


class ProcedureStage(models.Model):
    class DayKind(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    procedure = models.ForeignKey(
        HandlingProcedure, on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    responsible = models.CharField(max_length=200, blank=True)
    days = models.PositiveSmallIntegerField()
    day_kind = models.CharField(max_length=10, choices=DayKind.choices)
    # The outside body whose written recommendation ends the stage (Bawaslu's study): a case
    # cannot move on past the stage until it is recorded. Empty when none is needed.
    recommendation_from = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="one_stage_per_order"),
            models.UniqueConstraint(fields=["procedure", "key"], name="one_stage_per_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A report of an alleged neutrality violation and its handling, from intake to sanction."""

    class Source(models.TextChoices):
        PUBLIC = "public", _("Public report")
        INTERNAL = "internal", _("Internal finding")
        BAWASLU = "bawaslu", _("Referral from Bawaslu")
        SCREENING = "screening", _("Flagged post")

    class Phase(models.TextChoices):
        BEFORE = "before", _("Before the candidates were determined")
        AFTER = "after", _("After the candidates were determined")
        UNKNOWN = "unknown", _("Not known")

    class Status(models.TextChoices):
        OPEN = "open", _("Being handled")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        NOT_PROVEN = "not_proven", _("Not proven")
        PROVEN = "proven", _("Proven")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        LEFT_SERVICE = "left_service", _("The employee retired, resigned or was dismissed")
        DUPLICATE = "duplicate", _("Joined to another case")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    # A readable number for letters: NTR-<year>-<sequence within the agency>.
    number = models.CharField(max_length=30)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="cases")
    election = models.ForeignKey(
        "base.Election", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    # The slow hash of the reporter's 16-digit receipt code (public reports only).
    receipt_hash = models.CharField(max_length=64, null=True, blank=True)

    # Who is reported: an employee of the roster when known, else as the reporter described.
    employee = models.ForeignKey(
        "agencies.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_name = models.CharField(max_length=200, blank=True)
    reported_nip = models.CharField(max_length=18, blank=True)
    reported_position = models.CharField(max_length=200, blank=True)
    reported_unit = models.CharField(max_length=200, blank=True)
    reported_agency = models.CharField(max_length=200, blank=True)

    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.UNKNOWN)
    occurred_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    links = models.JSONField(default=list, blank=True)
    # Bawaslu referral: its letter.
    referral_number = models.CharField(max_length=100, blank=True)
    referral_date = models.DateField(null=True, blank=True)

    is_anonymous = models.BooleanField(default=True)
    # The reporter's name and contact, encrypted (see cases.crypto); only assigned handlers read it.
    reporter_identity = models.BinaryField(null=True, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    stage = models.ForeignKey(
        ProcedureStage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage_due_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="one_case_number"),
            models.UniqueConstraint(
                fields=["receipt_hash"],
                condition=models.Q(receipt_hash__isnull=False),
                name="one_case_per_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "stage_due_at"], name="case_queue"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.stage_due_at is not None
            and self.stage_due_at < timezone.now()
        )

    @property
    def track(self) -> str:
        """Ethics (moral sanction) before the candidates are determined, discipline after."""
        if self.phase == self.Phase.BEFORE:
            return "ethics"
        if self.phase == self.Phase.AFTER:
            return "discipline"
        return ""


class CaseStageRecord(models.Model):
    """One stage a case went through, with its deadline: the source of the per-stage durations."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_records")
    stage = models.ForeignKey(ProcedureStage, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "started_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage_id}"


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_assignment_per_handler")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.user_id}"


class CaseMessage(models.Model):
    """A message between the reporter and the handlers, or an internal note the reporter never
    sees. The body is encrypted: it may name the reporter."""

    class Kind(models.TextChoices):
        FROM_REPORTER = "reporter", _("From the reporter")
        TO_REPORTER = "handler", _("To the reporter")
        NOTE = "note", _("Internal note")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Evidence(models.Model):
    """A file of a case, encrypted at rest under its own key (wrapped by the settings' key),
    with a copy without metadata that people view; a file without one is sealed."""

    class Origin(models.TextChoices):
        REPORTER = "reporter", _("From the reporter")
        HANDLER = "handler", _("Added by a handler")
        EXAMINATION = "examination", _("Examination report")
        SCREENING = "screening", _("Flagged post")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    origin = models.CharField(max_length=12, choices=Origin.choices)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    wrapped_key = models.BinaryField()
    has_clean_copy = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.file_name}"

    @property
    def is_sealed(self) -> bool:
        """No copy without metadata exists: opening the file shows what may unmask a reporter."""
        return not self.has_clean_copy


class Examination(models.Model):
    """The examining team's record (atasan langsung, Inspektorat, the personnel agency)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="examination")
    team = models.JSONField(default=list)  # [{"name": ..., "role": ...}]
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    findings = models.TextField(blank=True)
    report = models.OneToOneField(
        Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.case_id}"


class Sanction(models.Model):
    """The decision maker's sanction of a proven case, with the decree."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sanctions")
    sanction_type = models.ForeignKey(SanctionType, on_delete=models.PROTECT, related_name="+")
    decree_number = models.CharField(max_length=100)
    decree_date = models.DateField()
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Why the decision maker departs from the level the catalogue gives the act (shown in the
    # register); empty when the sanction's level matches it.
    departure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "decree_date"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.decree_number}"


class NonWorkingDay(models.Model):
    """A day off beyond the national holidays the holidays package knows (cuti bersama)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DeadlineDigest(models.Model):
    """One overdue digest per agency and day: `check_deadlines` may run many times a day."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    overdue = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "date"], name="one_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.date}"


class StageRecommendation(models.Model):
    """The outside body's recommendation a stage needs (Bawaslu's letter), with its file."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    stage = models.ForeignKey(ProcedureStage, on_delete=models.PROTECT, related_name="+")
    letter_number = models.CharField(max_length=100)
    letter_date = models.DateField()
    letter = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.letter_number}"


class CaseTransfer(models.Model):
    """A case passed to another agency of the instance (the employee works there). The case
    moves with its history; the sending agency keeps this record, with what the case was when
    it left, and sees nothing the receiving agency adds later."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    from_number = models.CharField(max_length=30)
    to_number = models.CharField(max_length=30)
    reason = models.TextField()
    # The facts and stages as they were when the case left: the sender's read-only record.
    snapshot = models.JSONField(default=dict)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.from_number} → {self.to_number}"


class OutwardReferral(models.Model):
    """A case referred to a body outside Netral (Bawaslu, Gakkumdu, BKN) with an evidence
    package built in the background; the body's reference number and answer are kept here."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outward_referrals")
    body = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    job = models.ForeignKey(
        "base.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    package_sha256 = models.CharField(max_length=64, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.body}"


class DigestOversight(models.Model):
    """Where an agency's overdue digest also goes: an oversight agency of the instance (the
    province, the national body), whose supervisors and decision makers get the counts."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    oversight = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.agency_id} → {self.oversight_id}"
