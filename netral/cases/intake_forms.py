"""Forms of the public report and of the reporter's follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netral.agencies.identifiers import PNS, PPPK, IdentifierError, parse_nip
from netral.agencies.models import Agency
from netral.base.models import Election
from netral.cases.catalogue import PLAIN_ACTS
from netral.cases.evidence import content_type_of
from netral.cases.form_checks import MAX_LINKS, ActFactsMixin
from netral.cases.intake import Upload, elections_for
from netral.cases.models import Case, ViolationType
from netral.cases.services import RECEIPT_DIGITS

DESCRIPTION_MAX_LENGTH = 5000
MESSAGE_MAX_LENGTH = 5000
ACCEPTED_FILES = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PlainActField(forms.ModelChoiceField[ViolationType]):
    """The acts as the public reads them (`PLAIN_ACTS`), not as the SKB's matrix writes them."""

    def label_from_instance(self, obj: ViolationType) -> str:
        return PLAIN_ACTS.get(obj.code, obj.name)


class EvidenceField(forms.FileField):
    """Several files in one input; each is checked here for size and type by its first bytes, so
    a refused file is named before anything is stored."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPTED_FILES

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        files: list[UploadedFile] = [
            item for item in (data if isinstance(data, list | tuple) else [data]) if item
        ]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > settings.NETRAL_EVIDENCE_MAX_FILES:
            raise ValidationError(
                _("At most %(limit)s files may be attached; %(count)s were chosen."),
                params={"limit": settings.NETRAL_EVIDENCE_MAX_FILES, "count": len(files)},
            )
        uploads = []
        limit_mb = settings.NETRAL_EVIDENCE_MAX_BYTES // (1024 * 1024)
        for item in files:
            name = item.name or "berkas"
            if item.size is not None and item.size > settings.NETRAL_EVIDENCE_MAX_BYTES:
                raise ValidationError(
                    _("“%(file)s” is larger than %(limit)s MB."),
                    params={"file": name, "limit": limit_mb},
                )
            data_bytes = item.read()
            if not data_bytes or content_type_of(data_bytes) is None:
                raise ValidationError(
                    _(
                        "“%(file)s” was not accepted: only photos (JPEG, PNG, WebP), PDF and short "
                        "videos (MP4, WebM) can be attached."
                    ),
                    params={"file": name},
                )
            uploads.append(Upload(name=name, data=data_bytes))
        return uploads


def _text(label: Any, *, required: bool = False, max_length: int = 200, **attrs: str) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


class ReportForm(ActFactsMixin, forms.Form):
    election = forms.ModelChoiceField(
        label=_("Election"), queryset=Election.objects.none(), empty_label=None
    )
    # The reported person.
    reported_nip = forms.CharField(
        label=_("NIP (if you know it)"),
        required=False,
        max_length=30,
        help_text=_("18 digits. Leave it empty if you do not know it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reported_name = _text(_("Name"), autocomplete="off")
    reported_position = _text(_("Position"), autocomplete="off")
    reported_unit = _text(_("Unit (OPD, office, school)"), autocomplete="off")
    reported_agency = _text(_("Agency"), autocomplete="off")
    # The act.
    violation_type = PlainActField(
        label=_("What happened"),
        queryset=ViolationType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    phase = forms.ChoiceField(
        label=_("When was it, compared with the determination of the candidates?"),
        choices=Case.Phase.choices,
        initial=Case.Phase.UNKNOWN,
        help_text=_(
            "The candidates are determined when the election commission (KPU) announces who "
            "stands officially, some months before voting day. If you choose “not known” and "
            "give the date, we work it out from the election dates."
        ),
    )
    occurred_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = _text(_("Place"), max_length=300)
    description = forms.CharField(
        label=_("What did you see or hear?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who did what, where and when; who else saw it."),
    )
    links = forms.CharField(
        label=_("Links to posts"),
        required=False,
        max_length=MAX_LINKS * 600,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url", "autocomplete": "off"}),
        help_text=_("One link per line, at most 10."),
    )
    evidence = EvidenceField(label=_("Photos, PDF or short videos"))
    # The reporter.
    identity = forms.ChoiceField(
        label=_("Do you want to give your name?"),
        choices=[
            ("anonymous", _("No, report anonymously")),
            ("named", _("Yes, give my name and contact")),
        ],
        initial="anonymous",
        widget=forms.RadioSelect,
    )
    reporter_name = _text(_("Your name"), autocomplete="name")
    reporter_contact = _text(
        _("Your telephone number or e-mail address"), max_length=200, autocomplete="email"
    )
    truth = forms.BooleanField(
        label=_(
            "This report is true to the best of my knowledge. I understand that a report made "
            "in bad faith can have legal consequences."
        ),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        elections = elections_for(agency)
        election_field = self.fields["election"]
        assert isinstance(election_field, forms.ModelChoiceField)
        election_field.queryset = elections
        election_field.required = elections.exists()
        # The next or the latest election first: the one most reports are about.
        today = timezone.localdate()
        upcoming = elections.filter(voting_day__gte=today).order_by("voting_day").first()
        election_field.initial = upcoming or elections.first()
        violation_field = self.fields["violation_type"]
        assert isinstance(violation_field, forms.ModelChoiceField)
        violation_field.queryset = ViolationType.objects.filter(is_active=True)
        self.fields["evidence"].help_text = _(
            "At most %(count)s files of %(size)s MB each. Photos are stored without their "
            "location and camera data."
        ) % {
            "count": settings.NETRAL_EVIDENCE_MAX_FILES,
            "size": settings.NETRAL_EVIDENCE_MAX_BYTES // (1024 * 1024),
        }

    def clean_reported_nip(self) -> str:
        raw: str = self.cleaned_data["reported_nip"].strip()
        if not raw:
            return ""
        try:
            return parse_nip(raw, kind=PNS).nip
        except IdentifierError as problem:
            try:  # the reporter does not know whether the person is a PNS or a PPPK
                return parse_nip(raw, kind=PPPK).nip
            except IdentifierError:
                pass
            if problem.code in {"nip_legacy", "nip_sequence"}:
                raise ValidationError(
                    _("This is not a valid 18-digit NIP. Leave it empty if you are not sure.")
                ) from None
            raise ValidationError(str(problem)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("reported_nip") and not data.get("reported_name", "").strip():
            self.add_error("reported_name", _("Give the name, or the NIP if you know it."))
        if data.get("identity") == "named":
            if not data.get("reporter_name", "").strip():
                self.add_error("reporter_name", _("Give your name, or report anonymously."))
            if not data.get("reporter_contact", "").strip():
                self.add_error("reporter_contact", _("Give a telephone number or e-mail address."))
        return data

    def reporter_identity(self) -> str:
        """The name and the contact on two lines; empty for an anonymous report."""
        if self.cleaned_data["identity"] != "named":
            return ""
        name = " ".join(self.cleaned_data["reporter_name"].split())
        contact = " ".join(self.cleaned_data["reporter_contact"].split())
        return f"{name}\n{contact}"


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your 16-digit receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_receipt(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["receipt"] if ch.isdigit())
        if len(digits) != RECEIPT_DIGITS:
            raise ValidationError(_("The receipt code has 16 digits."))
        return digits


class ReporterMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReporterEvidenceForm(forms.Form):
    evidence = EvidenceField(label=_("Add photos, PDF or short videos"), required=True)

    def __init__(self, *args: Any, existing: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _(
            "You can add %(left)s more files, of at most %(size)s MB each."
        ) % {
            "left": max(settings.NETRAL_EVIDENCE_MAX_FILES - existing, 0),
            "size": settings.NETRAL_EVIDENCE_MAX_BYTES // (1024 * 1024),
        }
