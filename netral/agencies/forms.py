from collections import Counter
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from netral.accounts.models import Membership, User
from netral.agencies.models import Employee, Unit
from netral.agencies.roster import COLUMNS
from netral.base.messaging import phone_normalise

PATH_JOIN = " \u2014 "  # "Sekretariat — Dinas Kesehatan"


def unit_labels(units: list[Unit]) -> dict[int, str]:
    """Each unit's name, followed by its parents' names where the name alone repeats in the
    list ("Sekretariat — Dinas Kesehatan"): 689 options can hold forty "Sekretariat"."""
    ancestor_codes = {
        code for unit in units for code in unit.path.split(Unit.PATH_SEPARATOR)[:-2] if code
    }
    names = dict(Unit.objects.filter(code__in=ancestor_codes).values_list("code", "name"))
    chains = {
        unit.pk: [names.get(code, "") for code in reversed(unit.path.split("/")[1:-2])]
        for unit in units
    }  # the parents' names, nearest first, without the agency's root unit
    labels: dict[int, str] = {}
    taken = Counter(unit.name for unit in units)
    for unit in units:
        label, chain = unit.name, chains[unit.pk]
        if taken[unit.name] > 1:
            # Add parents until the label is unique among the units of the same name.
            twins = [other for other in units if other.name == unit.name]
            for size in range(1, len(chain) + 1):
                label = PATH_JOIN.join([unit.name, *chain[:size]])
                if sum(PATH_JOIN.join([t.name, *chains[t.pk][:size]]) == label for t in twins) == 1:
                    break
        labels[unit.pk] = label
    return labels


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented by depth, so a long list reads as the tree it is; a repeated
    name carries its parents; a search box filters the options (netral.js, data-searchable)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs["data-searchable"] = _("Search units")
        self._labels: dict[int, str] | None = None

    def label_from_instance(self, obj: Any) -> str:
        if self._labels is None:
            units = self.queryset if self.queryset is not None else Unit.objects.none()
            self._labels = unit_labels(list(units))
        return "\u2003" * max(obj.depth - 1, 0) + self._labels.get(obj.pk, obj.name)


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or NIP"), required=False)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="code"
    )
    kind = forms.ChoiceField(
        label=_("Employee kind"),
        choices=[("", _("All kinds")), *Employee.Kind.choices],
        required=False,
    )
    position_type = forms.ChoiceField(
        label=_("Position type"),
        choices=[("", _("All position types")), *Employee.PositionType.choices],
        required=False,
    )
    inactive = forms.BooleanField(label=_("Show inactive employees"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units.filter(depth__gt=0)


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["name", "position", "position_type", "rank", "unit", "email", "phone"]
        field_classes = {"unit": UnitChoiceField}
        labels = {
            "name": _("Name"),
            "position": _("Position"),
            "position_type": _("Position type"),
            "rank": _("Rank / grade"),
            "unit": _("Unit"),
            "email": _("E-mail"),
            "phone": _("Mobile number"),
        }

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units.filter(depth__gt=0)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.xls,.ods,.csv,text/csv,application/vnd.ms-excel"}
        ),
    )


class RosterConfirmForm(forms.Form):
    deactivate_absent = forms.BooleanField(
        label=_("Mark employees missing from this file as inactive"), required=False
    )
    # Text, not a number field: the count is shown as "8.027", and typed either way.
    absent_count = forms.CharField(
        label=_("To deactivate them, type how many they are"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, absent: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.absent = absent
        if not absent:
            del self.fields["deactivate_absent"], self.fields["absent_count"]
            return
        # The count and the consequence beside the box, never a bare checkbox (issue 15).
        self.fields["deactivate_absent"].label = ngettext(
            "Mark the %(count)s employee missing from this file as inactive",
            "Mark the %(count)s employees missing from this file as inactive",
            absent,
        ) % {"count": number_format(absent, force_grouping=True)}
        self.fields["deactivate_absent"].help_text = _(
            "Inactive employees no longer count in signing drives and get no reminders; "
            "their data and signatures are kept. Only do this with a complete roster."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = "".join(str(cleaned.get("absent_count") or "").replace(".", "").split())
        if cleaned.get("deactivate_absent") and typed != str(self.absent):
            self.add_error(
                "absent_count",
                _("Type %(count)s, the number of employees to deactivate, to confirm.")
                % {"count": number_format(self.absent, force_grouping=True)},
            )
        elif typed and not cleaned.get("deactivate_absent"):
            # A typed count shows the intent to deactivate: never let it pass unnoticed.
            self.add_error(
                "deactivate_absent",
                _(
                    "Tick this box to deactivate them, or clear the number to import "
                    "without deactivating anyone."
                ),
            )
        return cleaned


class RosterMappingForm(forms.Form):
    """One choice of the file's columns per roster field."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *((header, header) for header in headers)]
        for column in COLUMNS:
            self.fields[column.key] = forms.ChoiceField(
                label=column.header,
                choices=choices,
                required=column.required,
                help_text=column.help,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for key, header in list(cleaned.items()):
            if header and header in seen:
                self.add_error(
                    key,
                    _('The column "%(header)s" is already chosen for %(field)s.')
                    % {"header": header, "field": self.fields[seen[header]].label},
                )
            elif header:
                seen[header] = key
        return cleaned


class MembershipForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("For notices by WhatsApp or SMS, as the agency's message settings choose."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    unit = UnitChoiceField(
        label=_("Limited to unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Required for a coordinator; optional for the other roles."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units

    def clean_phone(self) -> str:
        raw: str = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        number = phone_normalise(raw)
        if number is None:
            raise forms.ValidationError(
                _("Enter an Indonesian mobile number, such as 0812 3456 7890.")
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Membership.Role.COORDINATOR and not data.get("unit"):
            self.add_error("unit", _("A coordinator must be limited to a unit."))
        return data


class NewMembershipForm(MembershipForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 8 characters; the officer should change it."),
    )
    field_order = ["username", "full_name", "email", "phone", "password", "role", "unit"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class LetterheadForm(forms.Form):
    lines = forms.CharField(
        label=_("Letterhead lines"),
        help_text=_(
            "One per line, as on the agency's letters: the government, then the office "
            "(at most three lines)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    address = forms.CharField(
        label=_("Address line"),
        help_text=_("Street, telephone, website: printed small under the letterhead."),
        max_length=300,
        required=False,
    )
    seat = forms.CharField(
        label=_("Seat of the agency"),
        help_text=_(
            "The town printed as the place of signing for pacts signed away from the ceremony."
        ),
        max_length=100,
        required=False,
    )
    logo = forms.FileField(
        label=_("Logo"), help_text=_("PNG or JPEG, at most 1 MB."), required=False
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_lines(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["lines"].splitlines() if line.strip()]
        if len(lines) > 3:
            raise forms.ValidationError(_("At most three lines."))
        if any(len(line) > 100 for line in lines):
            raise forms.ValidationError(_("Each line has at most 100 characters."))
        return lines


class MessageSettingsForm(forms.Form):
    message_whatsapp = forms.BooleanField(label=_("Send by WhatsApp"), required=False)
    message_sms = forms.BooleanField(label=_("Send by SMS"), required=False)
    message_email = forms.BooleanField(label=_("Send by e-mail"), required=False)
    message_phone_first = forms.BooleanField(
        label=_("Use the phone before e-mail"),
        required=False,
        help_text=_(
            "For an employee with both a mobile number and an e-mail address in the roster."
        ),
    )
