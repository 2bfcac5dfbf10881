from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from netral.base.codes import new_code


class Category(models.TextChoices):
    """What a flag says a post may be. Neutral talk about the election is none of these."""

    PARTISAN = "partisan", _("Partisan support")
    CAMPAIGN = "campaign", _("Campaign activity")
    HATE = "hate", _("Hate speech or abusive language")
    HOAX = "hoax", _("Possible hoax")


class Contestant(models.Model):
    """A candidate, a pair of candidates or a party of an election, with the words that name
    it: the rules look for these."""

    class Kind(models.TextChoices):
        PAIR = "pair", _("Pair of candidates")
        CANDIDATE = "candidate", _("Candidate")
        PARTY = "party", _("Political party")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    election = models.ForeignKey(
        "base.Election", on_delete=models.CASCADE, related_name="contestants"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    ballot_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # Other names, nicknames and abbreviations ("Prabowo", "Gibran", "AMIN").
    aliases = models.JSONField(default=list, blank=True)
    parties = models.JSONField(default=list, blank=True)
    slogans = models.JSONField(default=list, blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election", "ballot_number", "name"]

    def __str__(self) -> str:
        return self.name


class DebunkedClaim(models.Model):
    """A rumour of an election that an authority has corrected, entered by a supervisor with
    the source of the correction: screening flags posts that repeat it (`claims.py`)."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    election = models.ForeignKey(
        "base.Election", on_delete=models.CASCADE, related_name="debunked_claims"
    )
    # The agency whose supervisors keep it; every agency's claims of an election are screened.
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    claim = models.TextField(max_length=1000)
    # Who corrected it, and where: "Siaran pers KPU 12 Februari 2029", a link.
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election", "-created_at"]

    def __str__(self) -> str:
        return self.claim[:80]


class ScreeningBatch(models.Model):
    """A file of collected posts a supervisor had screened. The screening itself is a job
    (`screening.batch`), whose page shows its progress; the batch keeps what it found."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Being screened")
        READY = "ready", _("Screened")
        FAILED = "failed", _("The file has errors")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    election = models.ForeignKey(
        "base.Election", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # The job that screens it; gone once the job expires (netral purge).
    job = models.ForeignKey(
        "base.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.RUNNING


class ScreenedPost(models.Model):
    """One post of a batch with what screening found: `flags` holds each flag's category,
    score, rule, title, advice and spans (start, end) in `text`."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    batch = models.ForeignKey(ScreeningBatch, on_delete=models.CASCADE, related_name="posts")
    row_number = models.PositiveIntegerField()
    author = models.CharField(max_length=200, blank=True)
    nip = models.CharField(max_length=18, blank=True)
    url = models.URLField(max_length=500, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    text = models.TextField()
    score = models.FloatField(default=0)
    categories = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["batch", "-score", "row_number"]
        indexes = [models.Index(fields=["batch", "-score"], name="screened_post_rank")]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.row_number}"


class FlagReview(models.Model):
    """A supervisor's verdict on one category of a post: the labelled examples the statistical
    part learns from (`netral train_screening`)."""

    post = models.ForeignKey(ScreenedPost, on_delete=models.CASCADE, related_name="reviews")
    category = models.CharField(max_length=10, choices=Category.choices)
    # True: the post is of this category (the flag was right, or a missed one is added).
    is_correct = models.BooleanField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "category"], name="one_review_per_flag")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.category} {self.is_correct}"
