"""Batch screening for supervisors: upload a file of posts (its screening is a job, followed on
the job's page), read the ranked posts, judge the flags and open a case from a post."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netral.accounts.access import can_handle_cases, can_manage_cases, officer_view
from netral.accounts.actors import Actor
from netral.accounts.job_views import job_for_user
from netral.accounts.models import Membership
from netral.base.confirmation import Confirmation, confirmation_page, is_confirmed
from netral.base.findings import FindingRefused, case_desk
from netral.base.middleware import body_limit
from netral.base.models import Job
from netral.pacts.selectors import election_list
from netral.screening import batch, post_cases
from netral.screening.batch_forms import (
    BatchUploadForm,
    FlagReviewForm,
    PostCaseForm,
    PostFilterForm,
)
from netral.screening.models import Category, ScreenedPost, ScreeningBatch

POSTS_PER_PAGE = 50


@body_limit(lambda: settings.NETRAL_SCREENING_MAX_BYTES)
@officer_view(can_handle_cases)
def batch_list_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = BatchUploadForm(
        request.POST or None, request.FILES or None, elections=election_list(viewer=viewer)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = batch.batch_create(
                actor=Actor.from_request(request),
                agency=viewer.agency,
                election=form.cleaned_data["election"],
                file_name=upload.name,
                content=upload,
                size=upload.size,
            )
        except batch.BatchUploadError as problem:
            form.add_error("file", str(problem))
        else:
            assert created.job is not None
            return redirect("accounts:job", code=created.job.code)
    page = Paginator(batch.batch_list(viewer=viewer), 20).get_page(request.GET.get("page"))
    return render(request, "screening/batch_list.html", {"form": form, "page": page})


@officer_view(can_handle_cases)
def batch_template_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    # The byte order mark makes Excel read the file as UTF-8.
    response = HttpResponse(
        "\ufeff" + ",".join(batch.TEMPLATE_HEADERS) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="templat-penyaringan.csv"'
    return response


def _post_rows(posts: list[ScreenedPost]) -> list[dict[str, object]]:
    rows = []
    for post in posts:
        verdicts = {review.category: review.is_correct for review in post.reviews.all()}
        flagged = {flag["category"] for flag in post.flags}
        rows.append(
            {
                "post": post,
                "text": batch.highlighted_html(post.text, post.flags),
                "flags": [
                    {
                        **flag,
                        "label": batch.category_label(flag["category"]),
                        "percent": round(flag["score"] * 100),
                    }
                    for flag in post.flags
                ],
                # Each flagged category once, with the supervisor's verdict (None: not judged).
                "verdicts": [
                    (value, label, verdicts.get(value))
                    for value, label in Category.choices
                    if value in flagged
                ],
                "added": [
                    (value, label)
                    for value, label in Category.choices
                    if value not in flagged and verdicts.get(value)
                ],
                "missed_choices": [
                    (value, label)
                    for value, label in Category.choices
                    if value not in flagged and value not in verdicts
                ],
                "act": batch.suggested_act(post),
            }
        )
    return rows


def _job_of(screening: ScreeningBatch, viewer: Membership) -> Job | None:
    """The batch's job while it runs, if the viewer may follow it on its page."""
    if not screening.is_pending or screening.job is None:
        return None
    try:
        return job_for_user(viewer, screening.job.code)
    except Http404:
        return None


@officer_view()
def batch_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    screening = batch.batch_for_user(viewer, code)
    context: dict[str, object] = {
        "batch": screening,
        "Status": ScreeningBatch.Status,
        "can_open_cases": can_manage_cases(viewer),
        "job": _job_of(screening, viewer),
    }
    if screening.status == ScreeningBatch.Status.READY:
        filters = PostFilterForm(request.GET or None)
        page = Paginator(
            batch.post_list(batch=screening, **filters.values()), POSTS_PER_PAGE
        ).get_page(request.GET.get("page"))
        query = urlencode(
            [(name, value) for name, value in request.GET.items() if name != "page" and value]
        )
        context.update(
            {
                "filters": filters,
                "page": page,
                "rows": _post_rows(list(page.object_list)),
                "query": query,
                "acts": case_desk().acts(),
                "here": request.get_full_path(),
            }
        )
    return render(request, "screening/batch_detail.html", context)


def _back(request: HttpRequest, post: ScreenedPost, next_url: str) -> HttpResponse:
    """Back to the page of the batch the verdict was given on, at the post."""
    batch_url = reverse("screening:batch", kwargs={"code": post.batch.code})
    if not (
        next_url.startswith(batch_url)
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    ):
        next_url = batch_url
    return redirect(f"{next_url.split('#')[0]}#post-{post.code}")


@require_POST
@officer_view()
def post_review_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    post = batch.post_for_user(viewer, code)
    form = FlagReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a category and a verdict."))
        return _back(request, post, request.POST.get("next", ""))
    batch.flag_review_set(
        actor=Actor.from_request(request),
        post=post,
        category=form.cleaned_data["category"],
        is_correct=form.is_correct,
    )
    messages.success(request, _("The verdict was saved."))
    return _back(request, post, form.cleaned_data["next"])


@require_POST
@officer_view()
def post_case_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    post = batch.post_for_user(viewer, code)
    if post.case is not None:
        return redirect("cases:case", code=post.case.code)
    if not can_manage_cases(viewer):
        raise PermissionDenied
    form = PostCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the act of the case."))
        return _back(request, post, request.POST.get("next", ""))
    if not is_confirmed(request):
        acts = dict(form.fields["violation_type"].choices)  # type: ignore[attr-defined]
        back = request.POST.get("next", "")
        return confirmation_page(
            request,
            Confirmation(
                title=_("Open a case from this post?"),
                consequences=[
                    _("A case is opened for: %(act)s.")
                    % {"act": acts.get(form.cleaned_data["violation_type"], "")},
                    _(
                        "The person reported is %(author)s; the post is kept as a PDF in the "
                        "case's evidence."
                    )
                    % {"author": post.author or post.nip or _("unknown")},
                    _(
                        "The case enters the case queue and its handling deadlines start today; "
                        "it cannot be deleted, only closed."
                    ),
                ],
                confirm_label=_("Open the case"),
                cancel_url=back
                if back.startswith("/saring/")
                else reverse("screening:batch", kwargs={"code": post.batch.code}),
                keep=["violation_type", "next"],
            ),
        )
    try:
        case, created = post_cases.post_case_open(
            actor=Actor.from_request(request),
            viewer=viewer,
            post=post,
            act=form.cleaned_data["violation_type"],
        )
    except FindingRefused as problem:
        messages.error(request, str(problem))
        return _back(request, post, request.POST.get("next", ""))
    if created:
        messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
    return redirect("cases:case", code=case.code)


urlpatterns: list[URLPattern] = [
    path("saring/", batch_list_view, name="batch_list"),
    path("saring/templat.csv", batch_template_view, name="batch_template"),
    path("saring/<str:code>/", batch_view, name="batch"),
    path("saring/pos/<str:code>/tinjau/", post_review_view, name="post_review"),
    path("saring/pos/<str:code>/kasus/", post_case_view, name="post_case"),
]
