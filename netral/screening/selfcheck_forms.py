from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from netral.base.models import Election
from netral.screening.claims import MIN_SHARED, content_stems
from netral.screening.models import Contestant, DebunkedClaim
from netral.screening.normalise import phrase_tokens
from netral.screening.pipeline import MAX_LENGTH


class SelfCheckForm(forms.Form):
    text = forms.CharField(
        label=_("Your draft post or caption"),
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 7, "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "max_length": _(
                "The text is too long: at most %(limit_value)d characters "
                "(it has %(show_value)d). Check it in parts."
            ),
        },
    )
    election = forms.ModelChoiceField(
        label=_("Election"),
        queryset=Election.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("None: every election under way"),
        help_text=_("Its candidates, parties, ballot numbers and hashtags are looked for too."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elections = Election.objects.filter(
            Q(contestants__isnull=False) | Q(debunked_claims__isnull=False)
        ).distinct()
        field = self.fields["election"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = elections.order_by("-voting_day", "name")
        latest = field.queryset.first()
        if latest is not None and not self.is_bound:
            self.initial.setdefault("election", latest.code)


class LinesField(forms.CharField):
    """A list kept as JSON, edited as one entry a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ContestantForm(forms.ModelForm):
    aliases = LinesField(
        label=_("Other names"),
        required=False,
        help_text=_('One a line: nicknames, short forms ("BAWA"), each person\'s name.'),
    )
    parties = LinesField(label=_("Parties"), required=False, help_text=_("One a line."))
    slogans = LinesField(label=_("Slogans"), required=False, help_text=_("One a line."))
    hashtags = LinesField(
        label=_("Hashtags"), required=False, help_text=_("One a line, with or without #.")
    )

    class Meta:
        model = Contestant
        fields = ["kind", "name", "ballot_number", "aliases", "parties", "slogans", "hashtags"]
        labels = {
            "kind": _("Kind"),
            "name": _("Name"),
            "ballot_number": _("Ballot number"),
        }
        help_texts = {
            "name": _('For a pair, both names with a dash: "Baskara Hadinata - Wulan Pramesti".'),
        }


class DebunkedClaimForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("Link to the correction"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = DebunkedClaim
        fields = ["claim", "source", "source_url"]
        labels = {
            "claim": _("The claim, as it circulates"),
            "source": _("Debunked by"),
        }
        help_texts = {
            "claim": _(
                'In a sentence: "Surat suara di TPS sudah tercoblos untuk paslon nomor 2". Posts '
                "sharing most of its words are flagged, in any wording."
            ),
            "source": _('Who corrected it, and when: "Siaran pers KPU, 12 Februari 2029".'),
        }
        widgets = {"claim": forms.Textarea(attrs={"rows": 3})}

    def clean_claim(self) -> str:
        claim: str = self.cleaned_data["claim"].strip()
        if len(set(content_stems(phrase_tokens(claim)))) < MIN_SHARED:
            raise forms.ValidationError(
                _(
                    "Write the claim in at least %(count)d meaningful words, so that it can be "
                    "found."
                )
                % {"count": MIN_SHARED}
            )
        return claim
