"""What a coordinator needs to chase a non-signer from a phone: a WhatsApp, SMS and call link to
each person with their personal link in the message, and a ready message for the OPD's group."""

from __future__ import annotations

import datetime
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from netral.agencies.models import Employee
from netral.base.messaging import phone_normalise
from netral.monitoring.models import ReminderDelivery
from netral.pacts.models import Campaign, SigningLink
from netral.pacts.services import signing_token

# Names listed in the group message; past this the message says how many more.
GROUP_MAX_NAMES = 300


@dataclass(frozen=True)
class ChaseCard:
    employee: Employee
    number: str  # the mobile number as 62…, or "" when the roster has none usable
    link: str  # the personal signing link, or "" when the employee has none yet
    last_reminder: datetime.datetime | None

    @property
    def message(self) -> str:
        return personal_message(self.employee, self.link)

    @property
    def whatsapp_url(self) -> str:
        return whatsapp_url(self.number, self.message) if self.number else ""

    @property
    def sms_url(self) -> str:
        # "?body=" is what Android and iOS both read.
        return f"sms:+{self.number}?body={urllib.parse.quote(self.message)}" if self.number else ""

    @property
    def call_url(self) -> str:
        return f"tel:+{self.number}" if self.number else ""

    @property
    def reachable(self) -> bool:
        return bool(self.number or self.employee.email)


def whatsapp_url(number: str, text: str) -> str:
    """A wa.me link that opens a chat with the number (or, without one, lets the sender pick
    a chat or group) with the text filled in."""
    return f"https://wa.me/{number}?text={urllib.parse.quote(text, safe='')}"


def _closing(campaign: Campaign) -> str:
    return formats.date_format(timezone.localtime(campaign.closes_at), "j F Y")


def personal_message(employee: Employee, link: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if not link:
            return _("Dear %(name)s, you have not yet signed the neutrality pact.") % {
                "name": employee.name
            }
        return _(
            "Dear %(name)s, you have not yet signed the neutrality pact. Please sign it with "
            "your personal link: %(link)s . The link is for you alone: do not pass it on."
        ) % {"name": employee.name, "link": link}


def personal_links(
    campaign: Campaign, employees: Iterable[Employee], *, base_url: str
) -> dict[int, str]:
    """The personal signing link of each employee who has one, by employee id."""
    ids = [employee.pk for employee in employees]
    generations = dict(
        SigningLink.objects.filter(campaign=campaign, employee_id__in=ids).values_list(
            "employee_id", "generation"
        )
    )
    # The URL is resolved once, not per employee (a fifth of a 70,000-row export's time).
    before, after = reverse("pacts:sign", kwargs={"token": "~"}).split("~")
    return {
        employee.pk: base_url
        + before
        + signing_token(campaign, employee.code, generations[employee.pk])
        + after
        for employee in employees
        if employee.pk in generations
    }


def last_reminders(
    campaign: Campaign, employees: Iterable[Employee]
) -> dict[str, datetime.datetime]:
    """When each employee was last sent a reminder of the campaign, by employee code."""
    codes = [employee.code for employee in employees]
    return {
        code: sent_at
        for code, sent_at in ReminderDelivery.objects.filter(
            round__campaign=campaign,
            recipient__in=codes,
            kind=ReminderDelivery.Kind.EMPLOYEE,
            status=ReminderDelivery.Status.SENT,
        )
        .order_by()
        .values_list("recipient")
        .annotate(latest=Max("sent_at"))
        .values_list("recipient", "latest")
        if sent_at is not None
    }


def chase_cards(
    campaign: Campaign, employees: Sequence[Employee], *, base_url: str
) -> list[ChaseCard]:
    links = personal_links(campaign, employees, base_url=base_url)
    reminded = last_reminders(campaign, employees)
    return [
        ChaseCard(
            employee=employee,
            number=(phone_normalise(employee.phone) or "") if employee.phone else "",
            link=links.get(employee.pk, ""),
            last_reminder=reminded.get(employee.code),
        )
        for employee in employees
    ]


def group_message(
    *, campaign: Campaign, unit_name: str, names: Sequence[str], total: int, ceremony_url: str
) -> str:
    """The message for the OPD's WhatsApp group: who has not signed (names only, nothing else
    personal) and the campaign's ceremony link, where each signs with their NIP and a code."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"{number}. {name}" for number, name in enumerate(names[:GROUP_MAX_NAMES], 1)]
        if total > len(lines):
            lines.append(_("… and %(count)s more.") % {"count": total - len(lines)})
        return _(
            "Colleagues of %(unit)s: these %(count)s people have not yet signed the neutrality "
            "pact “%(title)s”, which closes on %(closes)s:\n%(list)s\n\n"
            "Please sign it today at %(link)s with your NIP (or NIK) and the code sent to you. "
            "Thank you."
        ) % {
            "unit": unit_name,
            "count": total,
            "title": campaign.title,
            "closes": _closing(campaign),
            "list": "\n".join(lines),
            "link": ceremony_url,
        }
