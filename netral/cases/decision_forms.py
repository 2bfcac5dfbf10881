"""Forms of the examination and the decision. The rules live in `decisions`; the forms run its
checks early, so the confirmation page never shows a decision that would then be refused."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netral.cases import decisions
from netral.cases.models import Case, Examination, SanctionType

TEAM_ROWS = 5


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ExaminationForm(forms.Form):
    started_on = forms.DateField(
        label=_("Examination started on"), required=False, widget=DateInput()
    )
    finished_on = forms.DateField(
        label=_("Examination finished on"), required=False, widget=DateInput()
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    report = forms.FileField(
        label=_("Examination report (PDF or photo)"),
        required=False,
        help_text=_("Kept encrypted with the case's evidence; a new file replaces the old one."),
    )

    def __init__(self, *args: Any, examination: Examination | None = None, **kwargs: Any) -> None:
        if examination is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "started_on": examination.started_on,
                "finished_on": examination.finished_on,
                "findings": examination.findings,
            }
            for index, member in enumerate(examination.team[:TEAM_ROWS]):
                kwargs["initial"][f"member_{index}_name"] = member.get("name", "")
                kwargs["initial"][f"member_{index}_role"] = member.get("role", "")
        super().__init__(*args, **kwargs)
        roles = [("", "—"), *decisions.EXAMINER_ROLES.items()]
        defaults = list(decisions.EXAMINER_ROLES)
        for index in range(TEAM_ROWS):
            self.fields[f"member_{index}_name"] = forms.CharField(
                label=_("Member %(number)s: name") % {"number": index + 1},
                max_length=200,
                required=False,
            )
            self.fields[f"member_{index}_role"] = forms.ChoiceField(
                label=_("Member %(number)s: role") % {"number": index + 1},
                choices=roles,
                required=False,
                initial=defaults[index] if index < len(defaults) else "",
            )

    def team_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"member_{i}_name"], self[f"member_{i}_role"]) for i in range(TEAM_ROWS)]

    def record_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("started_on", "finished_on", "findings", "report")]

    def team(self) -> list[decisions.TeamMember]:
        data = self.cleaned_data
        return [
            {"name": data[f"member_{i}_name"], "role": data[f"member_{i}_role"]}
            for i in range(TEAM_ROWS)
            if data.get(f"member_{i}_name", "").strip()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(TEAM_ROWS):
            if data.get(f"member_{index}_name", "").strip() and not data.get(
                f"member_{index}_role"
            ):
                self.add_error(f"member_{index}_role", _("Choose the member's role."))
        started, finished = data.get("started_on"), data.get("finished_on")
        if started and finished and finished < started:
            self.add_error("finished_on", _("The examination cannot finish before it started."))
        return data


def sanction_choices(case: Case) -> list[tuple[str, list[tuple[int, str]]]]:
    """The allowed sanctions grouped by regulation and level, for a select with optgroups."""
    kinds = dict(SanctionType.Kind.choices)
    groups: dict[str, list[tuple[int, str]]] = {}
    for sanction_type in decisions.allowed_sanction_types(case):
        label = f"{sanction_type.regulation} · {kinds.get(sanction_type.kind, sanction_type.kind)}"
        groups.setdefault(label, []).append((sanction_type.pk, sanction_type.name))
    return list(groups.items())


class SanctionFields(forms.Form):
    """The sanction and its decree; on the decision form they matter only for a proven case."""

    sanction_required = True

    sanction_type = forms.TypedChoiceField(label=_("Sanction"), coerce=int, empty_value=None)
    decree_number = forms.CharField(label=_("Decree number"), max_length=100)
    decree_date = forms.DateField(label=_("Decree date"), widget=DateInput())
    starts_on = forms.DateField(
        label=_("Sanction starts on"),
        required=False,
        widget=DateInput(),
        help_text=_("For a sanction with a duration the end date is computed from it."),
    )
    departure_reason = forms.CharField(
        label=_("Reason to depart from the catalogue"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed only when the sanction's level differs from the level the catalogue gives "
            "the act; it is shown in the register."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        field = self.fields["sanction_type"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *sanction_choices(case)]
        suggested = decisions.suggested_sanction_kind(case)
        if suggested:
            first = decisions.allowed_sanction_types(case).filter(kind=suggested).first()
            field.initial = first.pk if first else None
            field.help_text = _("The act is party membership: the regulation calls for PTDH.")
        if not self.sanction_required:
            for name in ("sanction_type", "decree_number", "decree_date"):
                self.fields[name].required = False

    def chosen_sanction(self) -> SanctionType | None:
        pk = self.cleaned_data.get("sanction_type")
        return SanctionType.objects.filter(pk=pk).first() if pk else None

    def check_sanction(self, data: dict[str, Any]) -> None:
        sanction_type = self.chosen_sanction()
        if sanction_type is None:
            return
        decree_date: datetime.date | None = data.get("decree_date")
        if decree_date is None:
            self.add_error("decree_date", _("Give the decree date."))
            return
        try:
            decisions.sanction_check(
                case=self.case,
                sanction_type=sanction_type,
                decree_number=data.get("decree_number", ""),
                decree_date=decree_date,
                starts_on=data.get("starts_on"),
                departure_reason=data.get("departure_reason", ""),
            )
        except decisions.DecisionError as error:
            self.add_error(None, str(error))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            self.check_sanction(data)
        return data


class SanctionForm(SanctionFields):
    """A sanction for a case closed as proven earlier."""


class DecisionForm(SanctionFields):
    """The outcome of an open case and, when proven and the decree is at hand, its sanction."""

    sanction_required = False
    field_order = ["outcome", "reason"]

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[(outcome.value, outcome.label) for outcome in decisions.DECISION_OUTCOMES],
    )
    reason = forms.CharField(
        label=_("Reason or notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the report is rejected."),
    )

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        outcome = data.get("outcome", "")
        try:
            decisions.outcome_check(outcome=outcome, reason=data.get("reason", ""))
        except decisions.DecisionError as error:
            self.add_error("reason", str(error))
        if outcome != Case.Outcome.PROVEN:
            # A sanction belongs to a proven case only; what was typed is dropped.
            for name in ("sanction_type", "decree_number", "decree_date", "starts_on"):
                data[name] = None if name != "decree_number" else ""
            data["departure_reason"] = ""
            return data
        if data.get("sanction_type") and not (data.get("decree_number") or "").strip():
            self.add_error("decree_number", _("Give the decree number."))
        if not self.errors:
            self.check_sanction(data)
        return data
