"""The public privacy notice and, for an agency's administrators, its data protection officer
and the register of requests from data subjects."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.models import Agency
from netral.agencies.selectors import employee_by_identifier
from netral.base.jobs import job_start
from netral.base.retention import KINDS
from netral.privacy import services
from netral.privacy.exports import EXPORT_KIND
from netral.privacy.forms import AnswerForm, PrivacyOfficerForm, RequestForm
from netral.privacy.models import DataSubjectRequest, PrivacyOfficer


def notice_view(request: HttpRequest) -> HttpResponse:
    """The privacy notice: the controller is the agency the person deals with (`?instansi=`
    from its report form), else every agency on this server is listed."""
    agencies = Agency.objects.order_by("name")
    code = request.GET.get("instansi", "")
    if code:
        agencies = agencies.filter(code=code)
    controllers = [
        (agency, PrivacyOfficer.objects.filter(agency=agency).first()) for agency in agencies[:200]
    ]
    # Written as Indonesian writes numbers (1.825), whatever the interface language.
    schedule = [
        (kind.label, kind.days, f"{kind.days:,}".replace(",", ".")) for kind in KINDS.values()
    ]
    hours = settings.NETRAL_PRIVACY_REQUEST_HOURS
    rights = [(label, hours[value]) for value, label in DataSubjectRequest.Right.choices]
    return render(
        request,
        "privacy/notice.html",
        {"controllers": controllers, "schedule": schedule, "rights": rights},
    )


@officer_view(is_admin)
def privacy_officer_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    agency = viewer.agency
    current = PrivacyOfficer.objects.filter(agency=agency).first()
    initial = {"name": current.name, "contact": current.contact} if current else {}
    form = PrivacyOfficerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.privacy_officer_save(
            actor=Actor.from_request(request),
            agency=agency,
            name=form.cleaned_data["name"].strip(),
            contact=form.cleaned_data["contact"].strip(),
        )
        messages.success(request, _("The data protection officer is named on the notice."))
        return redirect("privacy:officer")
    return render(request, "privacy/officer.html", {"form": form})


@officer_view(is_admin)
def request_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employee = None
        if data["identifier"].strip():
            employee = employee_by_identifier(viewer=viewer, identifier=data["identifier"])
            if employee is None:
                form.add_error("identifier", _("No employee of this agency has this NIP or NIK."))
        if not form.errors:
            created = services.request_create(
                actor=Actor.from_request(request),
                agency=viewer.agency,
                employee=employee,
                requester_name=data["requester_name"].strip(),
                requester_contact=data["requester_contact"].strip(),
                right=data["right"],
                details=data["details"].strip(),
            )
            messages.success(request, _("The request is registered."))
            return redirect("privacy:request", code=created.code)
    requests = DataSubjectRequest.objects.filter(agency=viewer.agency).select_related("employee")
    return render(
        request,
        "privacy/requests.html",
        {"form": form, "requests": requests[:500], "now": timezone.now()},
    )


def _request_for(viewer: Membership, code: str) -> DataSubjectRequest:
    found = (
        DataSubjectRequest.objects.filter(agency=viewer.agency, code=code)
        .select_related("employee")
        .first()
    )
    if found is None:
        raise Http404
    return found


@officer_view(is_admin)
def request_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    subject_request = _request_for(viewer, code)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_answer(
            actor=Actor.from_request(request),
            request=subject_request,
            status=form.cleaned_data["status"],
            answer=form.cleaned_data["answer"].strip(),
        )
        messages.success(request, _("The answer is recorded."))
        return redirect("privacy:request", code=code)
    return render(
        request,
        "privacy/request.html",
        {"item": subject_request, "form": form, "now": timezone.now()},
    )


@require_POST
@officer_view(is_admin)
def request_export_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    subject_request = _request_for(viewer, code)
    employee = subject_request.employee
    if employee is None:
        raise Http404
    job = job_start(
        kind=EXPORT_KIND,
        title=_("Personal data of %(name)s") % {"name": employee.name},
        actor=Actor.from_request(request),
        agency=viewer.agency,
        params={"employee": employee.code, "request": subject_request.code},
        next_url=reverse("privacy:request", kwargs={"code": code}),
    )
    return redirect("accounts:job", code=job.code)
