"""Forms of the supervisors' handling: the queue's filters, the actions on a case, the cases
opened from inside, and an election's procedure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netral.accounts.models import Membership, User
from netral.agencies.models import Employee
from netral.agencies.selectors import employee_by_identifier
from netral.base.models import Election
from netral.cases.evidence import content_type_of
from netral.cases.form_checks import ActFactsMixin
from netral.cases.handling import MESSAGE_MAX_CHARS, STAGE_DAYS_MAX
from netral.cases.models import Case, ProcedureStage, ViolationType

ACCEPTED_FILES = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, name or NIP"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Being handled")),
            ("closed", _("Closed")),
            ("all", _("All")),
        ],
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ChoiceField)
        stage.choices = [("", _("All stages")), *stages]

    def status_value(self) -> str:
        """The model's status to filter by; open cases unless asked otherwise."""
        chosen = self.cleaned_data.get("status") if self.is_bound and self.is_valid() else ""
        return {"closed": Case.Status.CLOSED, "all": ""}.get(chosen or "", Case.Status.OPEN)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to the stage"))

    def __init__(self, *args: Any, stages: QuerySet[ProcedureStage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stages = {stage.key: stage for stage in stages}
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (stage.key, f"{stage.order}. {stage.name}") for stage in self.stages.values()
        ]

    def clean_stage(self) -> ProcedureStage:
        return self.stages[self.cleaned_data["stage"]]


# Proven and not proven are the decision maker's to record (cases:decision); a duplicate is
# joined from the case it repeats.
DECISIONS = {Case.Outcome.PROVEN, Case.Outcome.NOT_PROVEN, Case.Outcome.DUPLICATE}
CLOSING_OUTCOMES = [
    (value, label) for value, label in Case.Outcome.choices if value not in DECISIONS
]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CLOSING_OUTCOMES)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reporter sees the outcome; write the reason as you would to them."),
    )


class AssignForm(forms.Form):
    handler = forms.ChoiceField(label=_("Supervisor"))

    def __init__(self, *args: Any, handlers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handlers = {user.code: user for user in handlers}
        field = self.fields["handler"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (code, user.get_full_name() or user.get_username())
            for code, user in self.handlers.items()
        ]

    def clean_handler(self) -> User:
        return self.handlers[self.cleaned_data["handler"]]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=MESSAGE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )


def checked_file(upload: UploadedFile) -> tuple[str, bytes]:
    """The name and bytes of an upload, checked for size and type here so that the error shows
    on the form."""
    if upload.size is not None and upload.size > settings.NETRAL_EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            params={"limit": settings.NETRAL_EVIDENCE_MAX_BYTES // (1024 * 1024)},
        )
    data = upload.read()
    if not data or content_type_of(data) is None:
        raise ValidationError(
            _("Only photos (JPEG, PNG, WebP), PDF and short videos are accepted.")
        )
    return upload.name or "berkas", data


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.FileInput(attrs={"accept": ACCEPTED_FILES})
    )

    def clean_file(self) -> tuple[str, bytes]:
        return checked_file(self.cleaned_data["file"])


class CaseOpenForm(ActFactsMixin, forms.Form):
    """A case opened from inside: the report's fields without the reporter."""

    election = forms.ModelChoiceField(
        label=_("Election"), queryset=Election.objects.none(), to_field_name="code"
    )
    employee_identifier = forms.CharField(
        label=_("NIP or NIK of the employee"),
        required=False,
        max_length=30,
        help_text=_("An employee of the agency. Leave it empty and describe the person otherwise."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reported_name = forms.CharField(label=_("Name"), required=False, max_length=200)
    reported_nip = forms.CharField(label=_("NIP"), required=False, max_length=18)
    reported_position = forms.CharField(label=_("Position"), required=False, max_length=200)
    reported_unit = forms.CharField(label=_("Unit"), required=False, max_length=200)
    reported_agency = forms.CharField(label=_("Agency"), required=False, max_length=200)
    violation_type = forms.ModelChoiceField(
        label=_("Act"), queryset=ViolationType.objects.none(), empty_label=None
    )
    phase = forms.ChoiceField(
        label=_("Compared with the determination of the candidates"),
        choices=Case.Phase.choices,
        initial=Case.Phase.UNKNOWN,
    )
    occurred_on = forms.DateField(label=_("Occurred on"), required=False, widget=_date_input())
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    description = forms.CharField(
        label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    links = forms.CharField(
        label=_("Links to posts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
        help_text=_("One link per line, at most 10."),
    )

    def __init__(
        self, *args: Any, viewer: Membership, elections: QuerySet[Election], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        election = self.fields["election"]
        assert isinstance(election, forms.ModelChoiceField)
        election.queryset = elections
        upcoming = elections.filter(voting_day__gte=timezone.localdate()).order_by("voting_day")
        election.initial = (upcoming.first() or elections.first() or Election()).code or None
        violation_type = self.fields["violation_type"]
        assert isinstance(violation_type, forms.ModelChoiceField)
        violation_type.queryset = ViolationType.objects.filter(is_active=True)

    def clean_employee_identifier(self) -> Employee | None:
        identifier: str = self.cleaned_data["employee_identifier"].strip()
        if not identifier:
            return None
        employee = employee_by_identifier(viewer=self.viewer, identifier=identifier)
        if employee is None:
            raise ValidationError(
                _(
                    "No employee of the agency has this NIP or NIK. Leave it empty and fill in "
                    "the name."
                )
            )
        return employee

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("employee_identifier") and not data.get("reported_name", "").strip():
            self.add_error("reported_name", _("Give the employee's NIP or the person's name."))
        return data

    def case_fields(self) -> dict[str, Any]:
        """The Case fields, the employee's own data in place of the typed description."""
        data = self.cleaned_data
        employee: Employee | None = data["employee_identifier"]
        fields = {
            name: data[name]
            for name in (
                "reported_name",
                "reported_nip",
                "reported_position",
                "reported_unit",
                "reported_agency",
                "violation_type",
                "phase",
                "occurred_on",
                "place",
                "description",
                "links",
            )
        }
        if employee is not None:
            fields.update(
                employee=employee,
                reported_name=employee.name,
                reported_nip=employee.nip or "",
                reported_position=employee.position,
                reported_unit=employee.unit.name,
                reported_agency=employee.agency.name,
            )
        return fields


class ReferralForm(CaseOpenForm):
    referral_number = forms.CharField(label=_("Bawaslu's letter number"), max_length=100)
    referral_date = forms.DateField(label=_("Letter date"), widget=_date_input())
    study = forms.FileField(
        label=_("Bawaslu's study (kajian)"),
        help_text=_("PDF or photos of the letter and its study."),
        widget=forms.FileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    field_order = ["referral_number", "referral_date", "study"]

    def clean_study(self) -> tuple[str, bytes]:
        return checked_file(self.cleaned_data["study"])


class StageForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Stage"), max_length=200)
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=STAGE_DAYS_MAX)
    day_kind = forms.ChoiceField(label=_("Counted in"), choices=ProcedureStage.DayKind.choices)
    recommendation_from = forms.CharField(
        label=_("Ends with the recommendation of"),
        max_length=200,
        required=False,
        help_text=_("An outside body (Bawaslu) whose letter must be recorded to pass the stage."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Drawn in table cells under a header row, without <label>s: each input names itself.
        number = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = (
                    f"{field.label} ({int(number) + 1})" if number.isdigit() else str(field.label)
                )


StageFormSet = forms.formset_factory(StageForm, extra=0)


class ProcedureForm(forms.Form):
    receiving_body = forms.CharField(
        label=_("Body that receives the reports"),
        max_length=200,
        help_text=_("KASN until August 2024, BKN since; an independent body is expected later."),
    )
