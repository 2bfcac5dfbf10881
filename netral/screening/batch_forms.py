"""Forms of batch screening: the upload, the filters of the ranked list, a verdict on a flag and
the act of a case opened from a post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netral.base.findings import case_desk
from netral.base.models import Election
from netral.screening.models import Category

ACCEPTED_FILES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class BatchUploadForm(forms.Form):
    election = forms.ModelChoiceField(
        label=_("Election"),
        queryset=Election.objects.none(),
        to_field_name="code",
        help_text=_("Its candidates, parties, slogans and hashtags are what screening looks for."),
    )
    file = forms.FileField(
        label=_("File of posts (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def __init__(self, *args: Any, elections: QuerySet[Election], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        election = self.fields["election"]
        assert isinstance(election, forms.ModelChoiceField)
        election.queryset = elections
        upcoming = elections.filter(voting_day__gte=timezone.localdate()).order_by("voting_day")
        election.initial = (upcoming.first() or elections.first() or Election()).code or None
        self.fields["file"].help_text = _(
            "Columns: penulis, nip, tautan, tanggal, teks (only teks is required). At most "
            "%(rows)s posts and %(size)s MB."
        ) % {
            "rows": f"{settings.NETRAL_SCREENING_MAX_ROWS:,}".replace(",", "."),
            "size": settings.NETRAL_SCREENING_MAX_BYTES // (1024 * 1024),
        }


class PostFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
    )
    flagged = forms.BooleanField(label=_("Flagged posts only"), required=False)

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"category": "", "flagged_only": False, "query": ""}
        return {
            "category": self.cleaned_data["category"],
            "flagged_only": self.cleaned_data["flagged"],
            "query": self.cleaned_data["q"].strip(),
        }


class FlagReviewForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=[("right", _("Right")), ("wrong", _("Wrong"))]
    )
    next = forms.CharField(required=False, max_length=2000)

    @property
    def is_correct(self) -> bool:
        return bool(self.cleaned_data["verdict"] == "right")


class PostCaseForm(forms.Form):
    violation_type = forms.ChoiceField(label=_("Act"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        acts = case_desk().acts()
        field = self.fields["violation_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(act.code, f"{act.number}. {act.name}") for act in acts]
