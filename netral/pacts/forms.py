import base64
import binascii
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netral.agencies.forms import UnitChoiceField
from netral.agencies.models import Employee, Unit
from netral.base.models import Election
from netral.pacts.models import Campaign, PactVersion, Signatory
from netral.pacts.officials import roster_employee
from netral.pacts.pdf import drawn_signature_check

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_DRAWING_BYTES = 200 * 1024
_WORDS = re.compile(r"[^\W\d_]+")


def name_words(name: str) -> list[str]:
    return [word.casefold() for word in _WORDS.findall(name)]


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Type your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    consent = forms.BooleanField(
        label=_("I have read this pact and sign it of my own free will."), required=True
    )
    drawn_signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, registered_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registered_name = registered_name

    def clean_typed_name(self) -> str:
        typed: str = " ".join(self.cleaned_data["typed_name"].split())
        words = name_words(typed)
        # Titles may be left out, but every word typed must be part of the registered name.
        if len(words) == 0 or not set(words) <= set(name_words(self.registered_name)):
            raise forms.ValidationError(
                _("Type your name as it is registered: %(name)s."),
                params={"name": self.registered_name},
            )
        return typed

    def clean_drawn_signature(self) -> bytes | None:
        data_url: str = self.cleaned_data.get("drawn_signature") or ""
        if not data_url:
            return None
        prefix = "data:image/png;base64,"
        if not data_url.startswith(prefix):
            raise forms.ValidationError(_("The drawn signature could not be read."))
        try:
            png = base64.b64decode(data_url[len(prefix) :], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("The drawn signature could not be read.")) from None
        if not png.startswith(PNG_MAGIC) or len(png) > MAX_DRAWING_BYTES:
            raise forms.ValidationError(_("The drawn signature could not be read."))
        try:
            drawn_signature_check(png)
        except ValueError:
            raise forms.ValidationError(
                _("The drawn signature could not be read. Clear it and draw it again.")
            ) from None
        return png


class ElectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example Pemilu 2029."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    candidate_determination_date = forms.DateField(
        label=_("Candidate determination"), required=False, widget=forms.DateInput({"type": "date"})
    )
    campaign_start = forms.DateField(
        label=_("Campaign starts"), required=False, widget=forms.DateInput({"type": "date"})
    )
    campaign_end = forms.DateField(
        label=_("Campaign ends"), required=False, widget=forms.DateInput({"type": "date"})
    )
    voting_day = forms.DateField(label=_("Voting day"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = Election.Kind.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("campaign_start"), data.get("campaign_end")
        if start and end and end < start:
            self.add_error("campaign_end", _("The campaign cannot end before it starts."))
        return data


class PactTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(label=_("Opening line"), widget=forms.Textarea({"rows": 2}))
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea({"rows": 3}))
    points = forms.CharField(label=_("Points, one per line"), widget=forms.Textarea({"rows": 8}))
    closing = forms.CharField(
        label=_("Closing"), widget=forms.Textarea({"rows": 3}), required=False
    )
    legal_basis = forms.CharField(
        label=_("Legal basis, one per line"), widget=forms.Textarea({"rows": 5}), required=False
    )

    def clean_points(self) -> list[str]:
        points = [line.strip() for line in self.cleaned_data["points"].splitlines() if line.strip()]
        if not points:
            raise forms.ValidationError(_("The pact needs at least one point."))
        return points

    def clean_legal_basis(self) -> list[str]:
        text: str = self.cleaned_data.get("legal_basis") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class UnitMultipleChoiceField(UnitChoiceField, forms.ModelMultipleChoiceField):
    pass


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    pact_version = forms.ModelChoiceField(
        label=_("Pact version"), queryset=PactVersion.objects.none()
    )
    ceremony_date = forms.DateField(
        label=_("Ceremony date"), required=False, widget=forms.DateInput({"type": "date"})
    )
    ceremony_time = forms.TimeField(
        label=_("Ceremony time"), required=False, widget=forms.TimeInput({"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=[])
    meeting_link = forms.URLField(
        label=_("Meeting link (online)"), required=False, assume_scheme="https"
    )
    opens_at = forms.DateTimeField(
        label=_("Signing opens"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Signing closes"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    units = UnitMultipleChoiceField(
        label=_("Units that sign"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty for every unit. A unit includes its sub-units."),
    )
    include_non_asn = forms.BooleanField(
        label=_("Non-ASN staff sign too"), required=False, initial=True
    )

    def __init__(self, *args: Any, pact_versions: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("pact_version", pact_versions), ("units", units)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        mode = self.fields["mode"]
        assert isinstance(mode, forms.ChoiceField)
        mode.choices = Campaign.Mode.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Signing must close after it opens."))
        if data.get("mode") in {"daring", "both"} and not data.get("meeting_link"):
            self.add_error("meeting_link", _("An online ceremony needs its meeting link."))
        return data


class CeremonyIdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=_("Your NIP (or NIK for non-ASN staff)"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CeremonyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code from your e-mail"),
        max_length=12,  # a printed code has 8 digits, often typed with a space
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PaperPactForm(forms.Form):
    identifier = forms.CharField(label=_("NIP (or NIK) of the employee"), max_length=30)
    scan = forms.FileField(
        label=_("Scan of the signed paper pact (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class PdfCheckForm(forms.Form):
    document = forms.FileField(
        label=_("The PDF to check"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class MeetingForm(forms.Form):
    url = forms.URLField(
        label=_("Meeting link (Zoom, Google Meet or another https link)"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    meeting_number = forms.CharField(label=_("Meeting ID"), max_length=50, required=False)
    passcode = forms.CharField(label=_("Passcode"), max_length=50, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.lower().startswith("https://"):
            raise forms.ValidationError(_("The meeting link must start with https://."))
        return url


class ParticipantFileForm(forms.Form):
    participants = forms.FileField(
        label=_("Participant list of the meeting (CSV from Zoom or Google Meet)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class SignatoryForm(forms.Form):
    """An official or a witness: from the roster by NIP, or entered by name and office."""

    role = forms.ChoiceField(label=_("Signs as"), choices=Signatory.Role.choices)
    identifier = forms.CharField(
        label=_("NIP or NIK (to take the name and office from the roster)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    office = forms.CharField(
        label=_("Office"),
        max_length=200,
        required=False,
        help_text=_("E.g. Regent, Regional Secretary, Head of the Education Office."),
    )
    institution = forms.CharField(
        label=_("Institution (witnesses)"),
        max_length=200,
        required=False,
        help_text=_("E.g. Forkopimda, KPU, Bawaslu."),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.employee: Employee | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        identifier = data.get("identifier", "")
        if identifier:
            from_roster = roster_employee(self.campaign, identifier)
            if from_roster is None:
                self.add_error("identifier", _("No active employee of this agency has this NIP."))
            self.employee = from_roster
        if self.employee is None and not identifier and not data.get("name"):
            self.add_error("name", _("Enter the name, or a NIP from the roster."))
        # The roster often lacks the office of a head of OPD: then it is typed.
        if not data.get("office") and not (self.employee and self.employee.position):
            self.add_error("office", _("Enter the office."))
        return data


class StaffOpeningForm(forms.Form):
    officials_first = forms.BooleanField(
        label=_("Staff sign only after all officials have signed"), required=False
    )
    staff_opens_at = forms.DateTimeField(
        label=_("Or open the staff's signing at (optional)"),
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SignatorySignForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Type your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    consent = forms.BooleanField(
        label=_("I have read this pact and sign it of my own free will."), required=True
    )

    def __init__(self, *args: Any, registered_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registered_name = registered_name

    def clean_typed_name(self) -> str:
        typed: str = " ".join(self.cleaned_data["typed_name"].split())
        words = name_words(typed)
        if len(words) == 0 or not set(words) <= set(name_words(self.registered_name)):
            raise forms.ValidationError(
                _("Type your name as it is registered: %(name)s."),
                params={"name": self.registered_name},
            )
        return typed
