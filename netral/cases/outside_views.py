"""The pages of what passes between a case and bodies outside the agency: the recommendation a
stage needs, passing a case to another agency, and referring it outward with its package."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netral.accounts.access import can_handle_cases, can_manage_cases, is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.jobs import job_start
from netral.base.middleware import body_limit
from netral.cases import handling, outside
from netral.cases.evidence import EvidenceError
from netral.cases.handling_views import CASE, case_for_user
from netral.cases.models import Case, CaseTransfer, DigestOversight
from netral.cases.outside_forms import (
    DigestOversightForm,
    RecommendationForm,
    ReferralAnswerForm,
    ReferralOutForm,
    TransferForm,
)
from netral.cases.package import PACKAGE_JOB

REFERRAL_BODIES = ["Bawaslu", "Sentra Gakkumdu", "Badan Kepegawaian Negara (BKN)"]


def _case(viewer: Membership, code: str) -> Case:
    case = case_for_user(viewer, code)
    if not outside.can_act_outside(viewer=viewer, case=case):
        raise PermissionDenied
    return case


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_BYTES)
@officer_view()
def recommendation_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = _case(viewer, code)
    stages = outside.stages_needing_recommendation(case)
    if not stages:
        raise Http404
    form = RecommendationForm(request.POST or None, request.FILES or None, stages=stages)
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["file"]
        try:
            outside.recommendation_record(
                actor=Actor.from_request(request),
                viewer=viewer,
                case=case,
                stage=form.cleaned_data["stage"],
                letter_number=form.cleaned_data["letter_number"],
                letter_date=form.cleaned_data["letter_date"],
                file_name=name,
                data=data,
            )
        except (outside.OutsideError, EvidenceError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The recommendation is recorded."))
            return redirect("cases:case", code=case.code)
    return render(
        request,
        "cases/outside_recommendation.html",
        {"case": case, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@officer_view()
def transfer_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Asks once more before the case leaves: the agency keeps only a read-only record."""
    case = _case(viewer, code)
    form = TransferForm(request.POST or None, agencies=outside.transfer_targets(case=case))
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "1":
            try:
                transfer = outside.case_transfer(
                    actor=Actor.from_request(request),
                    viewer=viewer,
                    case=case,
                    to_agency=form.cleaned_data["to_agency"],
                    reason=form.cleaned_data["reason"],
                )
            except outside.OutsideError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Case %(number)s is passed to %(agency)s.")
                    % {"number": transfer.from_number, "agency": transfer.to_agency.name},
                )
                return redirect("cases:transfer_record", code=transfer.code)
        else:
            confirming = True
    return render(
        request,
        "cases/outside_transfer.html",
        {"case": case, "form": form, "confirming": confirming},
    )


@officer_view(can_handle_cases)
def transfer_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return render(
        request, "cases/outside_transfers.html", {"transfers": outside.transfers_out(viewer=viewer)}
    )


@officer_view()
def transfer_record_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Another agency's record is not found; a member of the agency who does not handle cases
    is refused."""
    if not CaseTransfer.objects.filter(code=code, from_agency=viewer.agency).exists():
        raise Http404
    transfer = outside.transfer_get(viewer=viewer, code=code)
    if transfer is None:
        raise PermissionDenied
    return render(request, "cases/outside_transfer_record.html", {"transfer": transfer})


@officer_view()
def referral_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Refer the case outward: the package is built in the background."""
    case = case_for_user(viewer, code)
    if not can_manage_cases(viewer):
        raise PermissionDenied
    form = ReferralOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        try:
            referral = outside.referral_out_create(
                actor=actor,
                viewer=viewer,
                case=case,
                body=form.cleaned_data["body"],
                reason=form.cleaned_data["reason"],
            )
        except outside.OutsideError as error:
            form.add_error(None, str(error))
        else:
            job = job_start(
                kind=PACKAGE_JOB,
                title=_("Referral package of case %(number)s") % {"number": case.number},
                actor=actor,
                agency=case.agency,
                params={"referral": referral.code},
                next_url=reverse("cases:case", kwargs={"code": case.code}),
            )
            return redirect("accounts:job", code=job.code)
    return render(
        request,
        "cases/outside_referral.html",
        {"case": case, "form": form, "bodies": REFERRAL_BODIES},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@officer_view()
def referral_answer_view(
    request: HttpRequest, code: str, referral_code: str, viewer: Membership
) -> HttpResponse:
    case = case_for_user(viewer, code)
    if not can_manage_cases(viewer):
        raise PermissionDenied
    referral = case.outward_referrals.filter(code=referral_code).first()
    if referral is None:
        raise Http404
    form = ReferralAnswerForm(request.POST, prefix=referral.code)
    if not form.is_valid():
        messages.error(request, _("Check the date of the answer."))
        return redirect(f"{reverse('cases:case', kwargs={'code': case.code})}#rujukan")
    try:
        outside.referral_out_answer(
            actor=Actor.from_request(request),
            viewer=viewer,
            referral=referral,
            reference_number=form.cleaned_data["reference_number"],
            answer=form.cleaned_data["answer"],
            answered_on=form.cleaned_data["answered_on"],
        )
    except outside.OutsideError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The referral's answer is recorded."))
    return redirect(f"{reverse('cases:case', kwargs={'code': case.code})}#rujukan")


@officer_view(is_admin)
def digest_oversight_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    """The agency's administrator names who else gets the daily count of overdue cases."""
    current = DigestOversight.objects.filter(agency=viewer.agency).first()
    form = DigestOversightForm(
        request.POST or None,
        choices=handling.digest_oversight_choices(agency=viewer.agency),
        initial={"oversight": current.oversight.code if current else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            handling.digest_oversight_set(
                actor=Actor.from_request(request),
                viewer=viewer,
                oversight=form.cleaned_data["oversight"],
            )
        except handling.HandlingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The oversight agency is saved."))
            return redirect("cases:digest_oversight")
    return render(request, "cases/digest_oversight.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path("kasus/pengawasan-tenggat/", digest_oversight_view, name="digest_oversight"),
    path("kasus/diteruskan/", transfer_list_view, name="transfers"),
    path("kasus/diteruskan/<str:code>/", transfer_record_view, name="transfer_record"),
    re_path(CASE + r"rekomendasi/$", recommendation_view, name="case_recommendation"),
    re_path(CASE + r"teruskan/$", transfer_view, name="case_transfer"),
    re_path(CASE + r"rujuk/$", referral_view, name="case_referral"),
    re_path(
        CASE + r"rujuk/(?P<referral_code>[a-z0-9]{12})/jawaban/$",
        referral_answer_view,
        name="case_referral_answer",
    ),
]
