"""The reminder schedule of a campaign, and a reminder sent by hand to a unit."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.monitoring import reminders
from netral.pacts import selectors as pacts_selectors
from netral.pacts.models import Campaign


def can_send_reminders(viewer: Membership) -> bool:
    return viewer.role in {Membership.Role.ADMIN, Membership.Role.COORDINATOR}


class ScheduleForm(forms.Form):
    at_opening = forms.BooleanField(label=gettext_lazy("When the campaign opens"), required=False)
    days_before = forms.CharField(
        label=gettext_lazy("Days before closing"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Whole numbers separated by commas, e.g. “3, 1”. Empty for none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    include_digest = forms.BooleanField(
        label=gettext_lazy(
            "Also send each coordinator and unit head the list of their non-signers"
        ),
        required=False,
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_days_before(self) -> tuple[int, ...]:
        try:
            days = reminders.days_before_parse(self.cleaned_data["days_before"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        problem = reminders.schedule_problem(campaign=self.campaign, days_before=days)
        if problem:
            raise forms.ValidationError(problem)
        return days


@officer_view(is_admin)
def reminder_schedule_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    current = reminders.reminder_schedule_get(campaign=campaign)
    form = ScheduleForm(
        request.POST or None,
        campaign=campaign,
        initial={
            "at_opening": current.at_opening,
            "days_before": ", ".join(str(days) for days in current.days_before),
            "include_digest": current.include_digest,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminders.reminder_schedule_set(
                actor=Actor.from_request(request),
                campaign=campaign,
                schedule=reminders.Schedule(**form.cleaned_data),
            )
        except reminders.ReminderError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, _("The reminder schedule is saved."))
            return redirect("monitoring:reminder_schedule", code=code)
    return render(
        request,
        "monitoring/reminders.html",
        {
            "campaign": campaign,
            "form": form,
            "rounds": reminders.reminder_round_list(campaign=campaign),
            "units": agency_selectors.unit_list(viewer=viewer).filter(depth=1),
            "Kind": reminders.Kind,
        },
    )


@require_http_methods(["GET", "POST"])
@officer_view(can_send_reminders)
def reminder_send_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """GET: whom a reminder to the unit would reach, to confirm; POST: send it in the background."""
    campaign = pacts_selectors.campaign_get(viewer=viewer, code=code)
    data = request.POST if request.method == "POST" else request.GET
    unit = agency_selectors.unit_get(viewer=viewer, code=data.get("unit", ""))
    unit_url = reverse("monitoring:unit", kwargs={"code": campaign.code, "unit_code": unit.code})
    if request.method == "GET":
        refusal = reminders.reminder_send_refusal(campaign=campaign, unit=unit)
    else:
        try:
            job = reminders.reminder_send_start(
                actor=Actor.from_request(request),
                campaign=campaign,
                unit=unit,
                next_url=f"{unit_url}#pengingat",
            )
        except reminders.ReminderError as problem:
            refusal = str(problem)
        else:
            return redirect("accounts:job", code=job.code)
    return render(
        request,
        "monitoring/reminder_send.html",
        {
            "campaign": campaign,
            "unit": unit,
            "unit_url": unit_url,
            "reach": reminders.reminder_reach(campaign=campaign, unit=unit),
            "refusal": refusal,
        },
    )


urlpatterns: list[URLPattern] = [
    path("kampanye/<str:code>/pengingat/", reminder_schedule_view, name="reminder_schedule"),
    path("kampanye/<str:code>/pengingat/kirim/", reminder_send_view, name="reminder_send"),
]
