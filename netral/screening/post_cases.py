"""A case opened from a screened post, through the case desk (netral.base.findings)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.selectors import employee_by_identifier
from netral.base.audit import audit_log
from netral.base.findings import Evidence, Finding, case_desk
from netral.screening.batch import category_label
from netral.screening.models import ScreenedPost
from netral.screening.post_evidence import post_pdf

CASE_DESCRIPTION_MAX_CHARS = 5000


def _case_description(post: ScreenedPost) -> str:
    summary = "\n".join(
        f"- {category_label(flag['category'])} ({round(flag['score'] * 100)}%): {flag['title']}"
        for flag in post.flags
    )
    heading = _("Flags of the screening:") if summary else _("The screening raised no flag.")
    footer = f"{heading}\n{summary}".rstrip()
    room = CASE_DESCRIPTION_MAX_CHARS - len(footer) - 2
    text = post.text if len(post.text) <= room else post.text[: max(room - 1, 0)] + "…"
    return f"{text}\n\n{footer}"


def post_case_open(
    *, actor: Actor, viewer: Membership, post: ScreenedPost, act: str
) -> tuple[Any, bool]:
    """Open a case from a post, with the post as a PDF in its evidence. A post opens one case:
    asked again, the existing case is returned (and False)."""
    with transaction.atomic():
        locked = ScreenedPost.objects.select_for_update().get(pk=post.pk)
        if locked.case is not None:
            post.case = locked.case
            return locked.case, False
        batch = post.batch
        employee = employee_by_identifier(viewer=viewer, identifier=post.nip) if post.nip else None
        finding = Finding(
            agency=batch.agency,
            election=batch.election,
            act=act,
            source="screening",
            occurred_on=post.posted_on,
            description=_case_description(post),
            links=[post.url] if post.url else [],
            employee=employee,
            reported_name="" if employee else post.author,
            reported_nip="" if employee else post.nip,
            evidence=[
                Evidence(
                    file_name=f"postingan-{post.code}.pdf",
                    data=post_pdf(post=post, generated_at=timezone.now()),
                )
            ],
        )
        case = case_desk().case_open(actor=actor, finding=finding)
        locked.case = case
        locked.save(update_fields=["case"])
        post.case = case
        audit_log(
            actor=actor,
            action="screening.post.case_opened",
            target=post,
            agency=batch.agency,
            data={"case": case.code, "number": case.number, "batch": batch.code},
        )
    return case, True
