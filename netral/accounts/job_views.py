"""The one status page, status feed and download of every background job."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.audit import audit_log
from netral.base.jobs import job_result_open
from netral.base.models import Job


def job_for_user(viewer: Membership, code: str) -> Job:
    """A job of the viewer's agency that they started, or any of it for an agency-wide
    administrator; others get 404, so a job's existence is not revealed."""
    found = Job.objects.filter(code=code, agency=viewer.agency).first()
    if found is None:
        raise Http404
    if found.created_by_id != viewer.user_id and not (viewer.is_admin and viewer.unit_id is None):
        raise Http404
    return found


@never_cache
@officer_view()
def job_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    job = job_for_user(viewer, code)
    if job.status == Job.Status.DONE and job.next_url and not job.result_name:
        return redirect(job.next_url)
    return render(request, "accounts/job.html", {"job": job})


@never_cache
@officer_view()
def job_status_view(request: HttpRequest, code: str, viewer: Membership) -> JsonResponse:
    job = job_for_user(viewer, code)
    return JsonResponse(
        {
            "progress": job.progress,
            "pending": job.is_pending,
            "status": job.status,
            "label": job.get_status_display(),
        }
    )


@never_cache
@officer_view()
def job_download_view(request: HttpRequest, code: str, viewer: Membership) -> FileResponse:
    job = job_for_user(viewer, code)
    result = job_result_open(job)
    if result is None:
        raise Http404
    audit_log(
        actor=Actor.from_request(request),
        action=f"{job.kind}.downloaded",
        target=job,
        agency=job.agency,
        data={"file": job.result_file_name},
    )
    return FileResponse(
        result,
        as_attachment=True,
        filename=job.result_file_name,
        content_type=job.result_content_type or "application/octet-stream",
    )
