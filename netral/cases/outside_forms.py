"""Forms of what passes between a case and bodies outside the agency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netral.agencies.models import Agency
from netral.cases.handling_forms import FileForm
from netral.cases.models import ProcedureStage


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def stage_label(stage: ProcedureStage) -> str:
    return f"{stage.name} ({stage.recommendation_from})"


class RecommendationForm(FileForm):
    field_order = ["stage", "letter_number", "letter_date", "file"]

    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=ProcedureStage.objects.none(), to_field_name="key"
    )
    letter_number = forms.CharField(label=_("Letter number"), max_length=100)
    letter_date = forms.DateField(label=_("Letter date"), widget=_date_input())

    def __init__(self, *args: Any, stages: list[ProcedureStage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ProcedureStage.objects.filter(pk__in=[stage.pk for stage in stages])
        field.label_from_instance = stage_label  # type: ignore[assignment,method-assign]
        if len(stages) == 1:
            field.initial = stages[0].key


class TransferForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label=_("Pass the case to"), queryset=Agency.objects.none(), to_field_name="code"
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the employee works at that agency since the transfer (mutasi)."),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[agency.pk for agency in agencies])


class ReferralOutForm(forms.Form):
    body = forms.CharField(
        label=_("Refer to"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "referral-bodies", "autocomplete": "off"}),
        help_text=_("Money politics goes to Bawaslu or the Gakkumdu centre."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferralAnswerForm(forms.Form):
    reference_number = forms.CharField(
        label=_("Their reference number"), required=False, max_length=100
    )
    answer = forms.CharField(
        label=_("Their answer"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answered_on = forms.DateField(
        label=_("Date of the answer"), required=False, widget=_date_input()
    )


class DigestOversightForm(forms.Form):
    oversight = forms.ModelChoiceField(
        label=_("Oversight agency"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("None"),
        help_text=_(
            "Its supervisors and decision makers get the daily count of this agency's overdue "
            "cases, without any case."
        ),
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["oversight"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices
