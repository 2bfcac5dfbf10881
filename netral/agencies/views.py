from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from netral.accounts.access import can_view_roster, is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import roster_imports, selectors, services
from netral.agencies.forms import (
    EmployeeFilterForm,
    EmployeeForm,
    RosterConfirmForm,
    RosterMappingForm,
    RosterUploadForm,
)
from netral.agencies.models import Employee, RosterImport, RosterPreviewLine
from netral.agencies.roster import guess_mapping
from netral.agencies.roster_template import roster_template_xlsx
from netral.base.audit import audit_log
from netral.base.middleware import body_limit


@officer_view(can_view_roster)
def unit_tree_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    return render(request, "agencies/unit_tree.html", {"tree": selectors.unit_tree(viewer=viewer)})


def can_set_unit_head(viewer: Membership) -> bool:
    return viewer.role in {Membership.Role.ADMIN, Membership.Role.COORDINATOR}


@officer_view(can_view_roster)
def unit_detail_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    unit = selectors.unit_get(viewer=viewer, code=code)
    employees = selectors.employee_list(viewer=viewer, unit=unit)
    page = Paginator(employees, 50).get_page(request.GET.get("page"))
    head_query = request.GET.get("kepala", "").strip()
    return render(
        request,
        "agencies/unit_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_list(viewer=viewer)
            .filter(code__in=unit.path.split("/")[:-2])
            .order_by("depth"),
            "children": selectors.unit_list(viewer=viewer).filter(parent=unit),
            "page": page,
            "total": page.paginator.count,
            "can_set_head": can_set_unit_head(viewer),
            "head_query": head_query,
            "head_candidates": selectors.employee_list(viewer=viewer, unit=unit, query=head_query)[
                :20
            ]
            if head_query and can_set_unit_head(viewer)
            else [],
        },
    )


@require_POST
@officer_view(can_set_unit_head)
def unit_head_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """Name the unit's head from its employees (searched on the unit page), or remove it."""
    unit = selectors.unit_get(viewer=viewer, code=code)
    chosen = request.POST.get("employee", "")
    head = None
    if chosen:
        head = selectors.employee_list(viewer=viewer, unit=unit).filter(code=chosen).first()
        if head is None:
            messages.error(request, _("Choose an active employee of this unit."))
            return redirect("agencies:unit_detail", code=unit.code)
    services.unit_head_set(actor=Actor.from_request(request), unit=unit, head=head)
    if head:
        messages.success(
            request,
            _("%(name)s is now the head of %(unit)s and receives its digests.")
            % {"name": head.name, "unit": unit.name},
        )
    else:
        messages.success(request, _("%(unit)s has no head now.") % {"unit": unit.name})
    return redirect("agencies:unit_detail", code=unit.code)


@officer_view(can_view_roster)
def employee_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = EmployeeFilterForm(request.GET or None, units=selectors.unit_list(viewer=viewer))
    filters = form.cleaned_data if form.is_valid() else {}
    employees = selectors.employee_list(
        viewer=viewer,
        query=filters.get("q", ""),
        unit=filters.get("unit"),
        kind=filters.get("kind", ""),
        position_type=filters.get("position_type", ""),
        active=None if filters.get("inactive") else True,
    )
    page = Paginator(employees, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/employee_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@officer_view(can_view_roster)
def employee_detail_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    employee = selectors.employee_get(viewer=viewer, code=code)
    # A read of personal data is recorded too: who looked at whose NIK, phone and address.
    audit_log(
        actor=Actor.from_request(request),
        action="agencies.employee.viewed",
        target=employee,
        agency=viewer.agency,
    )
    return render(request, "agencies/employee_detail.html", {"employee": employee})


@officer_view(is_admin)
def employee_edit_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    employee = selectors.employee_get(viewer=viewer, code=code)
    form = EmployeeForm(
        request.POST or None, instance=employee, units=selectors.unit_list(viewer=viewer)
    )
    if request.method == "POST" and form.is_valid():
        # Re-read the row: the form already wrote the new values onto the instance.
        fresh = selectors.employee_get(viewer=viewer, code=code)
        services.employee_update(
            actor=Actor.from_request(request),
            employee=fresh,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, _("The employee was saved."))
        return redirect("agencies:employee_detail", code=code)
    return render(request, "agencies/employee_form.html", {"form": form, "employee": employee})


@require_POST
@officer_view(is_admin)
def employee_release_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    employee = selectors.employee_get(viewer=viewer, code=code)
    services.employee_release(actor=Actor.from_request(request), employee=employee)
    messages.success(
        request,
        _("%(name)s was released: no longer asked to sign here; the signatures stay.")
        % {"name": employee.name},
    )
    return redirect("agencies:employee_detail", code=code)


@body_limit(lambda: settings.NETRAL_ROSTER_MAX_BYTES)
@officer_view(is_admin)
def roster_import_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = roster_imports.roster_import_create(
                actor=Actor.from_request(request),
                agency=viewer.agency,
                file_name=upload.name,
                content=upload,
                size=upload.size,
            )
        except roster_imports.RosterUploadError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("accounts:job", code=job.code)
    page = Paginator(selectors.roster_import_list(viewer=viewer), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "agencies/roster_import_list.html", {"form": form, "page": page})


# Labels of the fields a preview line may show changed.
FIELD_LABELS = {
    "nip": "NIP",
    "legacy_nip": "NIP Lama",
    "nik": "NIK",
    "name": _lazy("Name"),
    "kind": _lazy("Employee kind"),
    "position": _lazy("Position"),
    "position_type": _lazy("Position type"),
    "rank": _lazy("Rank / grade"),
    "email": _lazy("E-mail"),
    "phone": _lazy("Mobile number"),
    "birth_date": _lazy("Birth date"),
    "gender": _lazy("Gender"),
    "unit": _lazy("Unit"),
    "is_active": _lazy("Active"),
}


# Stored codes of a preview line's values, shown by their labels.
CHOICE_LABELS = {
    "kind": dict(Employee.Kind.choices),
    "position_type": dict(Employee.PositionType.choices),
    "gender": dict(Employee.Gender.choices),
}


def _shown(name: str, value: object) -> object:
    return CHOICE_LABELS.get(name, {}).get(value, value) if isinstance(value, str) else value


# The summary's count of each kind of preview line.
PREVIEW_COUNTS = {
    "new": "new",
    "changed": "changed",
    "transfer": "transfers",
    "unchanged": "unchanged",
    "absent": "absent",
}


def _roster_import_page(
    request: HttpRequest,
    roster_import: RosterImport,
    confirm_form: RosterConfirmForm,
    status: int = 200,
) -> HttpResponse:
    counts = roster_import.summary
    changes = RosterPreviewLine.Change
    tabs = [
        (value, label, counts.get(PREVIEW_COUNTS[value], 0)) for value, label in changes.choices
    ]
    show = request.GET.get("show", "")
    if show not in changes.values:
        show = next((value for value, _label, count in tabs if count), changes.NEW)
    search = request.GET.get("q", "")[:100]
    lines = selectors.roster_preview_lines(roster_import=roster_import, change=show, query=search)
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    for line in page:
        line.change_list = [  # type: ignore[attr-defined]
            (FIELD_LABELS.get(name, name), _shown(name, old), _shown(name, new))
            for name, (old, new) in line.changes.items()
        ]
    return render(
        request,
        "agencies/roster_import_detail.html",
        {
            "roster_import": roster_import,
            "job": roster_import.job,
            "confirm_form": confirm_form,
            "Status": RosterImport.Status,
            "tabs": tabs,
            "show": show,
            "search": search,
            "query": urlencode({"show": show, "q": search}),
            "page": page,
        },
        status=status,
    )


@officer_view(is_admin)
def roster_import_detail_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    roster_import = selectors.roster_import_get(viewer=viewer, code=code)
    absent = roster_import.summary.get("absent", 0)
    return _roster_import_page(request, roster_import, RosterConfirmForm(absent=absent))


@require_POST
@officer_view(is_admin)
def roster_import_confirm_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    roster_import = selectors.roster_import_get(viewer=viewer, code=code)
    form = RosterConfirmForm(request.POST, absent=roster_import.summary.get("absent", 0))
    if not form.is_valid():
        return _roster_import_page(request, roster_import, form, status=400)
    job = roster_imports.roster_import_confirm(
        actor=Actor.from_request(request),
        roster_import=roster_import,
        deactivate_absent=form.cleaned_data.get("deactivate_absent", False),
    )
    if job is None:  # not ready (already confirmed, or with errors): nothing started
        return redirect("agencies:roster_import_detail", code=code)
    return redirect("accounts:job", code=job.code)


@officer_view(is_admin)
def roster_import_mapping_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    roster_import = selectors.roster_import_get(viewer=viewer, code=code)
    mappable = (RosterImport.Status.READY, RosterImport.Status.INVALID)
    if roster_import.status not in mappable or not roster_import.headers:
        return redirect("agencies:roster_import_detail", code=code)
    initial = roster_import.mapping or guess_mapping(roster_import.headers)
    form = RosterMappingForm(request.POST or None, headers=roster_import.headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        mapping = {key: header for key, header in form.cleaned_data.items() if header}
        job = roster_imports.roster_import_remap(
            actor=Actor.from_request(request), roster_import=roster_import, mapping=mapping
        )
        if job is not None:
            return redirect("accounts:job", code=job.code)
        return redirect("agencies:roster_import_detail", code=code)
    return render(
        request,
        "agencies/roster_import_mapping.html",
        {"roster_import": roster_import, "form": form},
    )


@officer_view(is_admin)
def roster_template_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    response = HttpResponse(
        roster_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-daftar-pegawai.xlsx"'
    return response


@officer_view()
def oversight_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    agencies = selectors.overseen_agencies(viewer=viewer).order_by("code")
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    return render(request, "agencies/oversight.html", {"page": page})
