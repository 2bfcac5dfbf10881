from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from netral.privacy.models import DataSubjectRequest


class PrivacyOfficerForm(forms.Form):
    name = forms.CharField(
        label=_("Name and position of the data protection officer"), max_length=200
    )
    contact = forms.CharField(
        label=_("Contact for the public"),
        max_length=300,
        help_text=_("An e-mail address, a WhatsApp number or an office address."),
    )


class RequestForm(forms.Form):
    requester_name = forms.CharField(label=_("Name of the person asking"), max_length=200)
    requester_contact = forms.CharField(
        label=_("Their telephone number or e-mail address"), max_length=300
    )
    identifier = forms.CharField(
        label=_("NIP or NIK of the employee concerned (if on the roster)"),
        max_length=40,
        required=False,
    )
    right = forms.ChoiceField(label=_("What is asked"), choices=DataSubjectRequest.Right.choices)
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (DataSubjectRequest.Status.ANSWERED, DataSubjectRequest.Status.ANSWERED.label),
            (DataSubjectRequest.Status.REFUSED, DataSubjectRequest.Status.REFUSED.label),
        ],
    )
    answer = forms.CharField(
        label=_("What was done or why it was refused"), widget=forms.Textarea(attrs={"rows": 3})
    )
