"""Who is told when something happens on a case, through the messaging layer (e-mail, WhatsApp,
SMS by the agency's choice). No message carries the case's content: an officer's names the case
number and links to it, behind the login; a reporter's says only that there is news and where to
read it with the receipt, since a shared phone or a forwarded mail must not give the report away.
Each is queued inside the caller's transaction and goes once it commits."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from netral.accounts.models import Membership, User
from netral.agencies.models import Agency
from netral.base.messaging import Route, message_queue, message_routes
from netral.base.models import Message
from netral.cases import crypto
from netral.cases.models import Case


class Event:
    NEW_REPORT = "new_report"
    REPORTER_MESSAGE = "reporter_message"
    TRANSFERRED = "transferred"


def _officer_text(event: str, number: str) -> tuple[str, str]:
    texts = {
        Event.NEW_REPORT: (
            _("New report: case %(number)s"),
            _("A new report has arrived: case %(number)s. Open it in Netral: %(url)s"),
        ),
        Event.REPORTER_MESSAGE: (
            _("The reporter wrote: case %(number)s"),
            _("The reporter of case %(number)s sent a message. Read it in Netral: %(url)s"),
        ),
        Event.TRANSFERRED: (
            _("Case passed to your agency: %(number)s"),
            _("Another agency passed case %(number)s to yours. Open it in Netral: %(url)s"),
        ),
    }
    subject, text = texts[event]
    return subject, text


def case_handlers(case: Case) -> list[User]:
    """The handlers assigned to the case, or before anyone is, the agency's supervisors."""
    assigned = list(
        User.objects.filter(pk__in=case.assignments.values("user_id"), is_active=True).order_by(
            "username"
        )
    )
    if assigned:
        return assigned
    return list(
        User.objects.filter(
            memberships__agency_id=case.agency_id,
            memberships__role=Membership.Role.SUPERVISOR,
            is_active=True,
        ).order_by("username")
    )


def officer_routes(user: User, agency: Agency) -> list[Route]:
    """An officer is reached at the account's e-mail and mobile number, on the agency's channels."""
    return message_routes(email=user.email, phone=user.phone, channels=agency.message_channels())


def handlers_notify(*, case: Case, event: str) -> list[Message]:
    """Tell the case's handlers (or the supervisors) that something needs them."""
    url = settings.NETRAL_PUBLIC_URL + reverse("cases:case", kwargs={"code": case.code})
    agency = Agency.objects.get(pk=case.agency_id)
    sent = []
    with translation.override(settings.LANGUAGE_CODE):
        subject, text = _officer_text(event, case.number)
        values = {"number": case.number, "url": url}
        for user in case_handlers(case):
            message = message_queue(
                routes=officer_routes(user, agency),
                purpose=f"cases.{event}",
                agency=agency,
                subject=subject % values,
                text=text % values,
            )
            if message is not None:
                sent.append(message)
    return sent


def reporter_contact(case: Case) -> str:
    """The contact a named reporter left (the second line of the sealed identity), or ""."""
    if case.is_anonymous or not case.reporter_identity:
        return ""
    identity = crypto.open_text(case.reporter_identity, context=f"case/{case.code}/reporter")
    lines = identity.splitlines()
    return lines[1].strip() if len(lines) > 1 else ""


def reporter_text() -> tuple[str, str]:
    """The same few words for every reporter and every kind of news."""
    url = settings.NETRAL_PUBLIC_URL + reverse("cases:receipt")
    subject = _("There is news on your report")
    text = _(
        "There is news on the report you sent through Netral. Read it at %(url)s with your "
        "receipt code."
    ) % {"url": url}
    return subject, text


def reporter_notify(*, case: Case) -> Message | None:
    """Tell a named reporter who left a contact that there is news; None for anyone else."""
    if case.source != Case.Source.PUBLIC or not case.receipt_hash:
        return None
    contact = reporter_contact(case)
    if not contact:
        return None
    agency = Agency.objects.get(pk=case.agency_id)
    email, phone = (contact, "") if "@" in contact else ("", contact)
    with translation.override(settings.LANGUAGE_CODE):
        subject, text = reporter_text()
        return message_queue(
            routes=message_routes(email=email, phone=phone, channels=agency.message_channels()),
            purpose="cases.reporter_news",
            agency=agency,
            subject=subject,
            text=text,
        )
