"""The end of a case: the examination, the decision and sanction, the register export, and the
statistics. Every case view opens through `_case_for`: another agency's case is a 404, a role
that does not handle cases gets a 403."""

from __future__ import annotations

import csv
import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from netral.accounts.access import can_handle_cases, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base import charts
from netral.base.audit import audit_log
from netral.base.middleware import body_limit
from netral.base.sheets import csv_row, xlsx_row
from netral.cases import decisions, selectors, statistics
from netral.cases.decision_forms import DecisionForm, ExaminationForm, SanctionForm
from netral.cases.evidence import EvidenceError, evidence_read
from netral.cases.models import Case, Examination


def _case_for(viewer: Membership, code: str) -> Case:
    case = (
        Case.objects.filter(agency=viewer.agency, code=code)
        .select_related("violation_type", "stage", "employee__unit", "election", "agency")
        .first()
    )
    if case is None:
        raise Http404
    if not can_handle_cases(viewer):
        raise PermissionDenied
    return case


@body_limit(lambda: settings.NETRAL_EVIDENCE_MAX_BYTES)
@officer_view()
def examination_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """The examining team's record: edited by the assigned supervisors and the decision maker,
    read by the agency's other handlers."""
    case = _case_for(viewer, code)
    examination = Examination.objects.filter(case=case).select_related("report").first()
    can_edit = decisions.can_edit_examination(viewer=viewer, case=case)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ExaminationForm(request.POST, request.FILES, examination=examination)
        if form.is_valid():
            upload = form.cleaned_data["report"]
            try:
                decisions.examination_save(
                    actor=Actor.from_request(request),
                    viewer=viewer,
                    case=case,
                    team=form.team(),
                    started_on=form.cleaned_data["started_on"],
                    finished_on=form.cleaned_data["finished_on"],
                    findings=form.cleaned_data["findings"],
                    report_name=upload.name if upload else "",
                    report_data=upload.read() if upload else None,
                )
            except (decisions.DecisionError, EvidenceError) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The examination record is saved."))
                return redirect("cases:examination", code=case.code)
    elif can_edit:
        form = ExaminationForm(examination=examination)
    return render(
        request,
        "cases/examination.html",
        {
            "case": case,
            "examination": examination,
            "form": form,
            "team": [
                (member["name"], decisions.EXAMINER_ROLES.get(member["role"], member["role"]))
                for member in (examination.team if examination else [])
            ],
            "can_read_report": selectors.can_read_evidence(viewer=viewer, case=case),
        },
    )


@officer_view()
def examination_report_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    case = _case_for(viewer, code)
    examination = Examination.objects.filter(case=case).select_related("report__case").first()
    if examination is None or examination.report is None:
        raise Http404
    if not selectors.can_read_evidence(viewer=viewer, case=case):
        raise PermissionDenied
    report = examination.report
    # The examining team's own signed record: served as it was uploaded (the read is audited).
    data = evidence_read(actor=Actor.from_request(request), evidence=report, original=True)
    response = HttpResponse(data, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_view()
def decision_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """The decision maker's outcome and sanction, after a confirmation page: they are final."""
    case = _case_for(viewer, code)
    can_decide = decisions.can_decide(viewer=viewer, case=case)
    is_open = case.status == Case.Status.OPEN
    may_sanction = case.outcome == Case.Outcome.PROVEN and not is_open
    form: DecisionForm | SanctionForm | None = None
    if request.method == "POST":
        if not can_decide or not (is_open or may_sanction):
            raise PermissionDenied
        form_class = DecisionForm if is_open else SanctionForm
        form = form_class(request.POST, case=case)
        if form.is_valid():
            if request.POST.get("confirm") != "1":
                return render(request, "cases/sanction_confirm.html", _confirm_context(case, form))
            actor = Actor.from_request(request)
            data = form.cleaned_data
            try:
                if isinstance(form, DecisionForm):
                    decisions.decision_record(
                        actor=actor,
                        viewer=viewer,
                        case=case,
                        outcome=data["outcome"],
                        reason=data["reason"],
                        sanction_type=form.chosen_sanction(),
                        decree_number=data["decree_number"] or "",
                        decree_date=data["decree_date"],
                        starts_on=data["starts_on"],
                        departure_reason=data["departure_reason"],
                    )
                else:
                    sanction_type = form.chosen_sanction()
                    assert sanction_type is not None
                    decisions.sanction_record(
                        actor=actor,
                        viewer=viewer,
                        case=case,
                        sanction_type=sanction_type,
                        decree_number=data["decree_number"],
                        decree_date=data["decree_date"],
                        starts_on=data["starts_on"],
                        departure_reason=data["departure_reason"],
                    )
            except decisions.DecisionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("cases:decision", code=case.code)
    elif can_decide and is_open:
        form = DecisionForm(case=case)
    elif can_decide and may_sanction:
        form = SanctionForm(case=case)
    return render(
        request,
        "cases/sanction_form.html",
        {
            "case": case,
            "form": form,
            "sanctions": case.sanctions.select_related("sanction_type", "decided_by"),
            "examination": Examination.objects.filter(case=case).first(),
        },
    )


def _confirm_context(case: Case, form: DecisionForm | SanctionForm) -> dict[str, object]:
    data = form.cleaned_data
    sanction_type = form.chosen_sanction()
    outcome = data.get("outcome")
    ends_on = None
    if sanction_type and sanction_type.duration_months and data.get("starts_on"):
        ends_on = decisions.sanction_end(data["starts_on"], sanction_type.duration_months)
    return {
        "case": case,
        "form": form,
        "outcome_label": Case.Outcome(outcome).label if outcome else "",
        "reason": data.get("reason", ""),
        "sanction_type": sanction_type,
        "ends_on": ends_on,
        "departs": bool(sanction_type and decisions.sanction_departs(case, sanction_type)),
    }


@officer_view(decisions.can_export_sanctions)
def sanction_export_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    """The agency's sanctions in the fields of the national discipline register (XLSX or CSV)."""
    rows = decisions.sanction_register_rows(viewer=viewer)
    as_csv = request.GET.get("format") == "csv"
    audit_log(
        actor=Actor.from_request(request),
        action="cases.sanction.exported",
        agency=viewer.agency,
        data={"rows": len(rows), "format": "csv" if as_csv else "xlsx"},
    )
    stamp = datetime.date.today().isoformat()
    if as_csv:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(decisions.REGISTER_COLUMNS)
        for row in rows:
            writer.writerow(csv_row(row.values()))
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sanksi-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hukuman disiplin")
    sheet.append(decisions.REGISTER_COLUMNS)
    for row in rows:
        sheet.append(xlsx_row(sheet, row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="sanksi-{stamp}.xlsx"'
    return response


@officer_view(selectors.can_see_statistics)
def statistics_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    """Counts of cases, never a case: no reporter, no description, no name."""
    oversees = statistics.oversees_others(viewer)
    scope = request.GET.get("cakupan", statistics.OWN)
    if scope != statistics.OVERSEEN or not oversees:
        scope = statistics.OWN
    cases = statistics.statistics_cases(viewer=viewer, scope=scope)
    elections = list(statistics.statistics_elections(cases))
    chosen = request.GET.get("pemilu", "")
    election = next((e for e in elections if e.code == chosen), None)
    date_from, date_to = _date_param(request, "dari"), _date_param(request, "sampai")
    numbers = statistics.case_statistics(
        viewer=viewer, scope=scope, election=election, date_from=date_from, date_to=date_to
    )
    months = [
        statistics.Tally(date_format(month, "M Y"), count) for month, count in numbers.by_month
    ]
    sections = [
        (_("By act"), _("Act"), numbers.by_act),
        (_("Open cases by stage"), _("Stage"), numbers.by_stage),
        (_("Closed cases by outcome"), _("Outcome"), numbers.by_outcome),
        (
            _("By agency") if scope == statistics.OVERSEEN else _("By unit (OPD)"),
            _("Agency") if scope == statistics.OVERSEEN else _("Unit"),
            numbers.by_unit,
        ),
        (_("By position type"), _("Position type"), numbers.by_position),
        (_("Reported per month"), _("Month"), months),
    ]
    return render(
        request,
        "cases/statistics.html",
        {
            "numbers": numbers,
            "sections": [
                {
                    "title": title,
                    "heading": heading,
                    "rows": rows,
                    "svg": charts.count_bars([(row.label, row.count) for row in rows]),
                }
                for title, heading, rows in sections
            ],
            "elections": elections,
            "election": election,
            "date_from": date_from,
            "date_to": date_to,
            "scope": scope,
            "oversees": oversees,
            "can_export": decisions.can_export_sanctions(viewer),
        },
    )


def _date_param(request: HttpRequest, name: str) -> datetime.date | None:
    try:
        return parse_date(request.GET.get(name, ""))
    except ValueError:  # well formed but impossible, such as 2029-02-30
        return None


urlpatterns: list[URLPattern] = [
    path("kasus/statistik/", statistics_view, name="statistics"),
    path("kasus/sanksi.xlsx", sanction_export_view, name="sanction_export"),
    path("kasus/<str:code>/pemeriksaan/", examination_view, name="examination"),
    path(
        "kasus/<str:code>/pemeriksaan/laporan/", examination_report_view, name="examination_report"
    ),
    path("kasus/<str:code>/keputusan/", decision_view, name="decision"),
]
