"""The supervisors' pages: the queue, a case and its handling, the cases opened from inside, and
each election's procedure."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netral.accounts.access import can_handle_cases, can_manage_cases, is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.audit import audit_log
from netral.base.middleware import body_limit
from netral.base.models import Election
from netral.cases import handling, outside, reported, selectors, services
from netral.cases.evidence import (
    IMAGE_TYPES,
    EvidenceError,
    evidence_add,
    evidence_prepare,
    evidence_read,
)
from netral.cases.handling import HandlingError, QueueFilter
from netral.cases.handling_forms import (
    AssignForm,
    CaseOpenForm,
    CloseForm,
    FileForm,
    MessageForm,
    MoveForm,
    ProcedureForm,
    QueueFilterForm,
    ReferralForm,
    StageForm,
    StageFormSet,
)
from netral.cases.intake import phase_for
from netral.cases.models import Case, Evidence, HandlingProcedure
from netral.cases.outside_forms import ReferralAnswerForm
from netral.pacts.selectors import election_get, election_list

QUEUE_PAGE_SIZE = 50


def case_for_user(viewer: Membership, code: str) -> Case:
    """Opens every case view: another agency's case is not found (404); a member of the agency
    whose role does not handle cases is refused (403)."""
    if not can_handle_cases(viewer):
        if Case.objects.filter(agency=viewer.agency, code=code).exists():
            raise PermissionDenied
        raise Http404
    return selectors.case_get(viewer=viewer, code=code)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# The queue


@officer_view(can_handle_cases)
def queue_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, stages=handling.queue_stage_choices(viewer=viewer))
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = QueueFilter(
        status=form.status_value(),
        stage_key=chosen.get("stage", ""),
        overdue_only=chosen.get("overdue", False),
        mine=chosen.get("mine", False),
        query=chosen.get("q", ""),
    )
    cases = handling.case_queue(viewer=viewer, filters=filters)
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": can_manage_cases(viewer),
        },
    )


# A case


def _render_case(
    request: HttpRequest, viewer: Membership, case: Case, status: int = 200, **forms: Any
) -> HttpResponse:
    can_manage = can_manage_cases(viewer)
    can_read_identity = selectors.can_read_identity(viewer=viewer, case=case)
    can_read_evidence = selectors.can_read_evidence(viewer=viewer, case=case)
    identity = ""
    if can_read_identity and case.reporter_identity:
        identity = services.reporter_identity_read(case)
        audit_log(
            actor=Actor.from_request(request),
            action="cases.reporter_identity.viewed",
            target=case,
            agency=case.agency,
        )
    assignments = list(case.assignments.select_related("user").order_by("user__username"))
    assigned = {assignment.user_id for assignment in assignments}
    stages = (
        handling_procedure_stages(case) if case.election_id is not None and can_manage else None
    )
    is_open = case.status == Case.Status.OPEN
    context = {
        "case": case,
        "viewer": viewer,
        "can_manage": can_manage,
        "is_open": is_open,
        "can_link": reported.can_link_employee(viewer=viewer, case=case),
        "can_act_outside": outside.can_act_outside(viewer=viewer, case=case),
        "needs_recommendation": _recommendations(case),
        "referrals": _referrals(case),
        "transfers_in": case.transfers.filter(to_agency_id=case.agency_id).select_related(
            "from_agency"
        ),
        "identity": identity,
        "can_read_identity": can_read_identity,
        "can_read_evidence": can_read_evidence,
        "pact_status": handling.employee_pact_status(case=case),
        "stage_records": case.stage_records.select_related("stage"),
        "assignments": assignments,
        "notes": handling.case_notes(case=case),
        "conversation": (handling.reporter_conversation(case=case) if can_read_identity else None),
        "conversation_count": case.messages.exclude(kind="note").count(),
        "can_message": can_read_identity and handling.can_message_reporter(case),
        "duplicates": handling.duplicate_candidates(case=case) if can_manage and is_open else [],
        "joined": case.duplicates.select_related("violation_type"),
        "evidence": case.evidence.select_related("uploaded_by") if can_read_evidence else None,
        "evidence_count": case.evidence.count(),
        "move_form": forms.get("move_form")
        or (MoveForm(stages=stages) if stages is not None else None),
        "close_form": CloseForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(handlers=handling.assignable_handlers(case=case).exclude(pk__in=assigned)),
        "note_form": forms.get("note_form") or MessageForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "evidence_form": forms.get("evidence_form") or FileForm(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _recommendations(case: Case) -> list[tuple[Any, Any]]:
    """Each stage that needs an outside recommendation, with the latest one recorded."""
    recorded = {
        recommendation.stage_id: recommendation
        for recommendation in case.recommendations.order_by("created_at")
    }
    return [
        (stage, recorded.get(stage.pk)) for stage in outside.stages_needing_recommendation(case)
    ]


def _referrals(case: Case) -> list[Any]:
    referrals = list(case.outward_referrals.select_related("job"))
    for referral in referrals:
        referral.answer_form = ReferralAnswerForm(  # type: ignore[attr-defined]
            initial={
                "reference_number": referral.reference_number,
                "answer": referral.answer,
                "answered_on": referral.answered_on,
            },
            prefix=referral.code,
        )
    return referrals


def handling_procedure_stages(case: Case) -> Any:
    assert case.election is not None
    return services.procedure_for(case.election).stages.order_by("order")


@officer_view()
def case_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    return _render_case(request, viewer, case)


@require_POST
@officer_view()
def case_move_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    _require(can_manage_cases(viewer) and case.election_id is not None)
    form = MoveForm(request.POST, stages=handling_procedure_stages(case))
    if not form.is_valid():
        return _render_case(request, viewer, case, status=400, move_form=form)
    try:
        stage = form.cleaned_data["stage"]
        services.case_move(actor=Actor.from_request(request), case=case, stage=stage)
        messages.success(request, _("The case is now at the stage “%(stage)s”.") % {"stage": stage})
    except services.RecommendationMissing as missing:
        messages.error(
            request,
            _(
                "The stage “%(stage)s” needs the recommendation of %(body)s: record its letter "
                "(number, date and file) before the case moves on."
            )
            % {"stage": missing.stage.name, "body": missing.stage.recommendation_from},
        )
    except services.CaseStateError:
        messages.error(request, _("A closed case cannot move."))
    return redirect("cases:case", code=code)


@officer_view()
def case_close_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Closing asks once more: the outcome is what the reporter will see."""
    case = case_for_user(viewer, code)
    _require(can_manage_cases(viewer))
    if case.status != Case.Status.OPEN:
        messages.error(request, _("The case is closed already."))
        return redirect("cases:case", code=code)
    form = CloseForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "1":
            outcome = form.cleaned_data["outcome"]
            try:
                services.case_close(
                    actor=Actor.from_request(request),
                    case=case,
                    outcome=outcome,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The case is closed."))
            except services.CaseStateError:
                messages.error(request, _("The case is closed already."))
            return redirect("cases:case", code=code)
        confirming = True
    return render(
        request,
        "cases/case_close.html",
        {
            "case": case,
            "form": form,
            "confirming": confirming,
            "outcome_label": dict(Case.Outcome.choices).get(
                form.cleaned_data.get("outcome", "") if confirming else ""
            ),
        },
    )


@require_POST
@officer_view()
def case_assign_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    form = AssignForm(request.POST, handlers=handling.assignable_handlers(case=case))
    if form.is_valid():
        user = form.cleaned_data["handler"]
        handling.case_assign(actor=Actor.from_request(request), case=case, user=user)
        messages.success(
            request,
            _("%(name)s now handles the case.") % {"name": user.get_full_name() or user},
        )
    else:
        messages.error(request, _("Choose a supervisor of the agency."))
    return redirect("cases:case", code=code)


@require_POST
@officer_view()
def case_unassign_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    assignment = case.assignments.select_related("user").filter(
        user__code=request.POST.get("handler", "")
    )
    for each in assignment:
        handling.case_unassign(actor=Actor.from_request(request), case=case, user=each.user)
        messages.success(
            request,
            _("%(name)s no longer handles the case.")
            % {"name": each.user.get_full_name() or each.user},
        )
    return redirect("cases:case", code=code)


@require_POST
@officer_view()
def case_note_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _render_case(request, viewer, case, status=400, note_form=form)
    try:
        handling.case_note_add(
            actor=Actor.from_request(request), case=case, text=form.cleaned_data["text"]
        )
        messages.success(request, _("The note is added. The reporter does not see it."))
    except HandlingError as error:
        messages.error(request, str(error))
    return redirect(f"{case_url(case)}#catatan")


@require_POST
@officer_view()
def case_message_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    _require(selectors.can_read_identity(viewer=viewer, case=case))
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _render_case(request, viewer, case, status=400, message_form=form)
    try:
        handling.case_message_send(
            actor=Actor.from_request(request), case=case, text=form.cleaned_data["text"]
        )
        messages.success(request, _("The message is sent; the reporter reads it with the receipt."))
    except HandlingError as error:
        messages.error(request, str(error))
    return redirect(f"{case_url(case)}#pesan")


@officer_view()
def case_duplicate_view(
    request: HttpRequest, code: str, duplicate_code: str, viewer: Membership
) -> HttpResponse:
    """Join another case into this one (asks first)."""
    case = case_for_user(viewer, code)
    duplicate = selectors.case_get(viewer=viewer, code=duplicate_code)
    _require(can_manage_cases(viewer))
    if request.method == "POST":
        try:
            handling.case_duplicate_link(
                actor=Actor.from_request(request),
                case=case,
                duplicate=duplicate,
                reason=_("Joined to case %(number)s.") % {"number": case.number},
            )
            messages.success(
                request,
                _("Case %(duplicate)s is joined to this case and closed.")
                % {"duplicate": duplicate.number},
            )
        except HandlingError as error:
            messages.error(request, str(error))
        return redirect("cases:case", code=code)
    return render(request, "cases/case_duplicate.html", {"case": case, "duplicate": duplicate})


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_BYTES)
@require_POST
@officer_view()
def case_evidence_add_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = case_for_user(viewer, code)
    _require(selectors.can_read_evidence(viewer=viewer, case=case))
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_case(request, viewer, case, status=400, evidence_form=form)
    name, data = form.cleaned_data["file"]
    try:
        evidence_add(
            actor=Actor.from_request(request),
            case=case,
            file=evidence_prepare(file_name=name, data=data),
            origin=Evidence.Origin.HANDLER,
        )
        messages.success(request, _("The file is added to the case."))
    except EvidenceError as error:
        messages.error(request, str(error))
    return redirect(f"{case_url(case)}#bukti")


@officer_view()
def evidence_view(
    request: HttpRequest, code: str, evidence_code: str, viewer: Membership
) -> HttpResponse:
    """One file of the case, never cached; its clean copy unless `?asli=1` (logged). A sealed
    file opens only with `?asli=1`, which the case page offers beside its warning."""
    case = case_for_user(viewer, code)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    _require(selectors.can_read_evidence(viewer=viewer, case=case))
    evidence = case.evidence.filter(code=evidence_code).select_related("case__agency").first()
    if evidence is None:
        raise Http404
    original = request.GET.get("asli") == "1"
    if evidence.is_sealed and not original:
        messages.warning(request, _("This file is sealed: it may show who recorded it."))
        return redirect(f"{case_url(case)}#bukti")
    data = evidence_read(actor=Actor.from_request(request), evidence=evidence, original=original)
    response = HttpResponse(data, content_type=evidence.content_type)
    inline = evidence.content_type in IMAGE_TYPES and not original
    response["Content-Disposition"] = content_disposition_header(
        not inline, evidence.file_name
    ) or ("inline" if inline else "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    # Stricter than every other page's policy: the file may be hostile, so it loads nothing,
    # runs nothing, submits nothing and is framed by nobody.
    response["Content-Security-Policy"] = (
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
    )
    add_never_cache_headers(response)
    return response


def case_url(case: Case) -> str:
    return reverse("cases:case", kwargs={"code": case.code})


# Cases opened from inside


def _open_case(
    request: HttpRequest, viewer: Membership, form_class: type[CaseOpenForm], template: str
) -> HttpResponse:
    form = form_class(
        request.POST or None,
        request.FILES or None,
        viewer=viewer,
        elections=election_list(viewer=viewer),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.case_fields()
        election: Election = form.cleaned_data["election"]
        if fields["phase"] == Case.Phase.UNKNOWN:
            fields["phase"] = phase_for(election, fields["occurred_on"])
        actor = Actor.from_request(request)
        try:
            if isinstance(form, ReferralForm):
                study_name, study_data = form.cleaned_data["study"]
                case = handling.referral_create(
                    actor=actor,
                    agency=viewer.agency,
                    election=election,
                    referral_number=form.cleaned_data["referral_number"],
                    referral_date=form.cleaned_data["referral_date"],
                    study_name=study_name,
                    study_data=study_data,
                    **fields,
                )
            else:
                case = handling.finding_create(
                    actor=actor, agency=viewer.agency, election=election, **fields
                )
        except (HandlingError, EvidenceError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            return redirect("cases:case", code=case.code)
    return render(request, template, {"form": form})


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_BYTES)
@officer_view(can_manage_cases)
def finding_create_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return _open_case(request, viewer, CaseOpenForm, "cases/case_finding_form.html")


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_BYTES)
@officer_view(can_manage_cases)
def referral_create_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return _open_case(request, viewer, ReferralForm, "cases/case_referral_form.html")


# The procedure of an election


def _procedure(viewer: Membership, code: str) -> tuple[Election, HandlingProcedure, bool]:
    election = election_get(viewer=viewer, code=code)
    procedure = services.procedure_for(election)
    return election, procedure, handling.can_edit_procedure(viewer=viewer, election=election)


def _stage_values(data: dict[str, Any]) -> handling.StageValues:
    return handling.StageValues(
        name=data["name"],
        responsible=data.get("responsible", ""),
        days=data["days"],
        day_kind=data["day_kind"],
        recommendation_from=data.get("recommendation_from", ""),
    )


@officer_view(is_admin)
def procedure_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election, procedure, can_edit = _procedure(viewer, code)
    stages = list(procedure.stages.order_by("order"))
    initial = [
        {
            "key": stage.key,
            "name": stage.name,
            "responsible": stage.responsible,
            "days": stage.days,
            "day_kind": stage.day_kind,
            "recommendation_from": stage.recommendation_from,
        }
        for stage in stages
    ]
    posted = request.method == "POST"
    if posted:
        _require(can_edit)
    form = ProcedureForm(
        request.POST if posted else None, initial={"receiving_body": procedure.receiving_body}
    )
    formset = StageFormSet(request.POST if posted else None, initial=initial, prefix="tahap")
    if posted and form.is_valid() and formset.is_valid():
        by_key = {stage.key: stage for stage in stages}
        changes = {
            by_key[data["key"]].pk: _stage_values(data)
            for data in formset.cleaned_data
            if data and data.get("key") in by_key
        }
        try:
            handling.procedure_update(
                actor=Actor.from_request(request),
                procedure=procedure,
                receiving_body=form.cleaned_data["receiving_body"],
                stages=changes,
            )
            messages.success(request, _("The procedure is saved."))
            return redirect("cases:procedure", code=code)
        except HandlingError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "cases/procedure.html",
        {
            "election": election,
            "procedure": procedure,
            "can_edit": can_edit,
            "form": form,
            "formset": formset,
            "rows": list(zip(stages, formset.forms, strict=False)),
            "used": handling.stages_in_use(procedure=procedure),
            "add_form": StageForm(prefix="baru", initial={"days": 7, "day_kind": "working"}),
        },
        status=400 if posted else 200,
    )


@require_POST
@officer_view(is_admin)
def procedure_stage_add_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    _election, procedure, can_edit = _procedure(viewer, code)
    _require(can_edit)
    form = StageForm(request.POST, prefix="baru")
    if form.is_valid():
        try:
            handling.procedure_stage_add(
                actor=Actor.from_request(request),
                procedure=procedure,
                values=_stage_values(form.cleaned_data),
            )
            messages.success(request, _("The stage is added at the end."))
        except HandlingError as error:
            messages.error(request, str(error))
    else:
        messages.error(
            request,
            _("The stage needs a name and from 1 to %(limit)s days.")
            % {"limit": handling.STAGE_DAYS_MAX},
        )
    return redirect("cases:procedure", code=code)


@require_POST
@officer_view(is_admin)
def procedure_stage_remove_view(
    request: HttpRequest, code: str, viewer: Membership
) -> HttpResponse:
    _election, procedure, can_edit = _procedure(viewer, code)
    _require(can_edit)
    stage = procedure.stages.filter(key=request.POST.get("key", "")).first()
    if stage is None:
        raise Http404
    try:
        handling.procedure_stage_remove(actor=Actor.from_request(request), stage=stage)
        messages.success(request, _("The stage “%(stage)s” is removed.") % {"stage": stage.name})
    except HandlingError as error:
        messages.error(request, str(error))
    return redirect("cases:procedure", code=code)


# A case's code: twelve letters and digits, so `kasus/statistik/` and the like stay free.
CASE = r"^kasus/(?P<code>[a-z0-9]{12})/"

urlpatterns: list[URLPattern] = [
    path("kasus/", queue_view, name="queue"),
    path("kasus/temuan/", finding_create_view, name="finding_create"),
    path("kasus/rujukan-bawaslu/", referral_create_view, name="referral_create"),
    re_path(CASE + r"$", case_view, name="case"),
    re_path(CASE + r"tahap/$", case_move_view, name="case_move"),
    re_path(CASE + r"tutup/$", case_close_view, name="case_close"),
    re_path(CASE + r"petugas/$", case_assign_view, name="case_assign"),
    re_path(CASE + r"petugas/lepas/$", case_unassign_view, name="case_unassign"),
    re_path(CASE + r"catatan/$", case_note_view, name="case_note"),
    re_path(CASE + r"pesan/$", case_message_view, name="case_message"),
    re_path(
        CASE + r"gabungkan/(?P<duplicate_code>[a-z0-9]{12})/$",
        case_duplicate_view,
        name="case_duplicate",
    ),
    re_path(CASE + r"bukti/$", case_evidence_add_view, name="case_evidence_add"),
    re_path(CASE + r"bukti/(?P<evidence_code>[a-z0-9]{12})/$", evidence_view, name="evidence"),
    path("pemilu/<str:code>/prosedur/", procedure_view, name="procedure"),
    path(
        "pemilu/<str:code>/prosedur/tahap-baru/",
        procedure_stage_add_view,
        name="procedure_stage_add",
    ),
    path(
        "pemilu/<str:code>/prosedur/hapus-tahap/",
        procedure_stage_remove_view,
        name="procedure_stage_remove",
    ),
]
