"""Writes for elections, pact versions, campaigns, signing links and signatures."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.expressions import Col
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.models import Agency, Employee, Unit
from netral.agencies.selectors import employee_message_routes
from netral.base.audit import audit_entry_build, audit_log
from netral.base.bulk import bulk_insert, insert_together, insert_values
from netral.base.messaging import message_build, message_queue, message_saved
from netral.base.models import AuditEntry, Election, Message
from netral.base.rows import RowReader
from netral.base.storage import save_bytes
from netral.base.throttle import Throttle
from netral.base.uploads import UploadRefused, image_decoded, pdf_check
from netral.pacts.defaults import default_pact_content
from netral.pacts.models import (
    Attendance,
    Campaign,
    CeremonyCode,
    PactVersion,
    Signature,
    SigningLink,
)
from netral.pacts.signals import campaign_opened
from netral.pacts.transparency import record_sha256


class CampaignStateError(Exception):
    """The campaign is not in a state that allows this; the message is for the user."""


class StaffWaiting(CampaignStateError):
    """The officials sign first: the staff's signing has not opened yet."""


def election_create(*, actor: Actor, owner: Agency, **fields: Any) -> Election:
    with transaction.atomic():
        election = Election(owner=owner, **fields)
        election.full_clean()
        election.save()
        audit_log(
            actor=actor,
            action="pacts.election.created",
            target=election,
            agency=owner,
            data={"name": election.name, "voting_day": str(election.voting_day)},
        )
    return election


def pact_version_create(
    *, actor: Actor, agency: Agency, election: Election, content: dict[str, Any] | None = None
) -> PactVersion:
    """A new draft: the given text, or the default four points filled in for the agency."""
    content = content or default_pact_content(agency_name=agency.name, election_name=election.name)
    with transaction.atomic():
        last = PactVersion.objects.filter(agency=agency, election=election).aggregate(
            number=Max("number")
        )["number"]
        version = PactVersion(agency=agency, election=election, number=(last or 0) + 1, **content)
        version.full_clean()
        version.save()
        audit_log(
            actor=actor,
            action="pacts.pact_version.created",
            target=version,
            agency=agency,
            data={"number": version.number},
        )
    return version


def pact_version_update(
    *, actor: Actor, version: PactVersion, content: dict[str, Any]
) -> PactVersion:
    """Edit a draft in place; editing a published version makes a new draft from it."""
    if version.is_published:
        return pact_version_create(
            actor=actor, agency=version.agency, election=version.election, content=content
        )
    with transaction.atomic():
        for name, value in content.items():
            setattr(version, name, value)
        version.full_clean()
        version.save()
        audit_log(
            actor=actor, action="pacts.pact_version.edited", target=version, agency=version.agency
        )
    return version


def pact_version_publish(*, actor: Actor, version: PactVersion) -> PactVersion:
    with transaction.atomic():
        locked = PactVersion.objects.select_for_update().get(pk=version.pk)
        if locked.is_published:
            return locked
        locked.status = PactVersion.Status.PUBLISHED
        locked.sha256 = locked.content_hash()
        locked.published_at = timezone.now()
        locked.save()
        audit_log(
            actor=actor,
            action="pacts.pact_version.published",
            target=locked,
            agency=locked.agency,
            data={"sha256": locked.sha256},
        )
    return locked


def campaign_create(
    *,
    actor: Actor,
    agency: Agency,
    election: Election,
    pact_version: PactVersion,
    units: list[Unit],
    **fields: Any,
) -> Campaign:
    if not pact_version.is_published or pact_version.agency_id != agency.pk:
        raise CampaignStateError("the pact version must be a published version of this agency")
    with transaction.atomic():
        campaign = Campaign(agency=agency, election=election, pact_version=pact_version, **fields)
        campaign.full_clean()
        campaign.save()
        campaign.units.set(units)
        audit_log(
            actor=actor,
            action="pacts.campaign.created",
            target=campaign,
            agency=agency,
            data={"title": campaign.title, "units": [unit.name for unit in units]},
        )
    return campaign


def campaign_employees(campaign: Campaign) -> QuerySet[Employee]:
    """The active employees who must sign this campaign's pact."""
    employees = Employee.objects.filter(agency=campaign.agency_id, is_active=True)
    if not campaign.include_non_asn:
        employees = employees.exclude(kind=Employee.Kind.NON_ASN)
    paths = [unit.path for unit in campaign.units.all()]
    if paths:
        subtree = Q()
        for path in paths:
            subtree |= Q(unit__path__startswith=path)
        employees = employees.filter(subtree)
    return employees


# The ceremony's pages read their campaign on every request, tens a second in a hall: each
# process keeps an open campaign for a few seconds, with its agency, pact version and units.
OPEN_CAMPAIGN_SECONDS = 5.0
_open_campaigns: dict[str, tuple[float, Campaign]] = {}


def open_campaign(code: str) -> Campaign | None:
    """The open campaign with this code, or None. A change saved in this process is seen at
    once (`open_campaign_forget`); one saved on another server within OPEN_CAMPAIGN_SECONDS.
    The instance is shared by the process's threads: read it, never change it."""
    cached = _open_campaigns.get(code)
    if cached is not None and time.monotonic() - cached[0] <= OPEN_CAMPAIGN_SECONDS:
        return cached[1]
    campaign = (
        Campaign.objects.filter(code=code, status=Campaign.Status.OPEN)
        .select_related("agency", "pact_version")
        .prefetch_related("units")
        .first()
    )
    if campaign is None:
        _open_campaigns.pop(code, None)
    else:
        _open_campaigns[code] = (time.monotonic(), campaign)
    return campaign


def open_campaign_forget(code: str | None = None) -> None:
    """Read this campaign (with None: every campaign) again on its next request."""
    if code is None:
        _open_campaigns.clear()
    else:
        _open_campaigns.pop(code, None)


@dataclass(frozen=True)
class CampaignFacts:
    """What an open campaign never changes: read once per process, not per signature."""

    agency: Agency
    pact_sha256: str
    unit_paths: tuple[str, ...]
    # Where the ceremony is held; empty when it is online only (a QR signer is then not there).
    venue: str
    read_at: float


# Keyed by the campaign's random code as well as its id: ids are reused after a rollback.
_campaign_facts: dict[tuple[int, str], CampaignFacts] = {}
CAMPAIGN_FACTS_SECONDS = 60.0


def campaign_facts(signer: Signer) -> CampaignFacts:
    key = (signer.campaign_id, signer.campaign_code)
    facts = _campaign_facts.get(key)
    if facts is None or time.monotonic() - facts.read_at > CAMPAIGN_FACTS_SECONDS:
        version = PactVersion.objects.only("sha256").get(pk=signer.pact_version_id)
        place, mode = Campaign.objects.values_list("place", "mode").get(pk=signer.campaign_id)
        facts = CampaignFacts(
            agency=Agency.objects.get(pk=signer.campaign_agency_id),
            pact_sha256=version.sha256,
            unit_paths=tuple(
                Campaign.units.through.objects.filter(campaign=signer.campaign_id).values_list(
                    "unit__path", flat=True
                )
            ),
            venue="" if mode == Campaign.Mode.ONLINE else place,
            read_at=time.monotonic(),
        )
        _campaign_facts[key] = facts
    return facts


@dataclass(frozen=True, slots=True)
class Signer:
    """An employee about to sign a campaign's pact: what recording the signature needs. Made
    from model instances, or on the busiest request of a surge straight from the personal
    link's row (`link_signer_find`), without building any."""

    campaign_id: int
    campaign_code: str
    campaign_status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    campaign_agency_id: int
    include_non_asn: bool
    pact_version_id: int
    officials_first: bool
    officials_signed_at: datetime.datetime | None
    staff_opens_at: datetime.datetime | None
    employee_id: int
    employee_code: str
    employee_name: str
    agency_id: int
    unit_id: int
    is_active: bool
    kind: str
    nip: str | None
    nik: str | None
    rank: str
    position: str
    unit_path: str
    unit_name: str

    @classmethod
    def of(cls, campaign: Campaign, employee: Employee) -> Signer:
        return cls(
            campaign_id=campaign.pk,
            campaign_code=campaign.code,
            campaign_status=campaign.status,
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            campaign_agency_id=campaign.agency_id,
            include_non_asn=campaign.include_non_asn,
            pact_version_id=campaign.pact_version_id,
            officials_first=campaign.officials_first,
            officials_signed_at=campaign.officials_signed_at,
            staff_opens_at=campaign.staff_opens_at,
            employee_id=employee.pk,
            employee_code=employee.code,
            employee_name=employee.name,
            agency_id=employee.agency_id,
            unit_id=employee.unit_id,
            is_active=employee.is_active,
            kind=employee.kind,
            nip=employee.nip,
            nik=employee.nik,
            rank=employee.rank,
            position=employee.position,
            unit_path=employee.unit.path,
            unit_name=employee.unit.name,
        )

    def details(self, *, at_venue: str) -> dict[str, str]:
        """The snapshot a signature keeps: the employee as the pact shows them, and the venue
        when signed there (empty when signed elsewhere, "secara elektronik")."""
        identifier = {"nip": self.nip} if self.nip else {"nik": self.nik or ""}
        return {
            "name": self.employee_name,
            **identifier,
            "rank": self.rank,
            "position": self.position,
            "unit": self.unit_name,
            "venue": at_venue,
        }

    def accepts_signatures(self, now: datetime.datetime) -> bool:
        return Campaign.signing_window_open(
            self.campaign_status, self.opens_at, self.closes_at, now
        )

    def staff_waiting(self, now: datetime.datetime) -> bool:
        return Campaign.staff_wait(
            self.officials_first, self.officials_signed_at, self.staff_opens_at, now
        )

    def in_scope(self) -> bool:
        """Whether the employee must sign (as `campaign_employees`, for one)."""
        if not self.is_active or self.agency_id != self.campaign_agency_id:
            return False
        if not self.include_non_asn and self.kind == Employee.Kind.NON_ASN:
            return False
        paths = campaign_facts(self).unit_paths
        return not paths or any(self.unit_path.startswith(path) for path in paths)


def employee_in_scope(campaign: Campaign, employee: Employee) -> bool:
    return Signer.of(campaign, employee).in_scope()


def signing_token(campaign: Campaign, employee_code: str, generation: int) -> str:
    """The secret of a personal link: 160 bits of HMAC, so the same export can be made again."""
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"netral-link/{campaign.token_salt}".encode(), "sha256"
    ).digest()
    digest = hmac.new(key, f"{campaign.code}/{employee_code}/{generation}".encode(), "sha256")
    return base64.b32encode(digest.digest()[:20]).decode("ascii").lower()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _links_create(campaign: Campaign) -> int:
    existing = set(
        SigningLink.objects.filter(campaign=campaign).values_list("employee_id", flat=True)
    )
    rows = [
        [campaign.pk, employee_id, token_hash(signing_token(campaign, code, 0)), 0]
        for employee_id, code in campaign_employees(campaign).values_list("id", "code")
        if employee_id not in existing
    ]
    return bulk_insert(SigningLink, ["campaign", "employee", "token_hash", "generation"], rows)


def signing_links_refresh(*, agency: Agency) -> int:
    """Personal links for the employees who joined an open campaign's scope since it opened
    (after a roster import); existing links stay as they are."""
    return sum(
        _links_create(campaign)
        for campaign in Campaign.objects.filter(agency=agency, status=Campaign.Status.OPEN)
    )


def campaign_open(*, actor: Actor, campaign: Campaign) -> Campaign:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == Campaign.Status.CLOSED:
            raise CampaignStateError("a closed campaign cannot be opened again")
        locked.status = Campaign.Status.OPEN
        locked.save(update_fields=["status"])
        created = _links_create(locked)
        audit_log(
            actor=actor,
            action="pacts.campaign.opened",
            target=locked,
            agency=locked.agency,
            data={"links_created": created},
        )
        transaction.on_commit(lambda: campaign_opened.send(sender=Campaign, campaign=locked))
    return locked


def campaign_close(*, actor: Actor, campaign: Campaign) -> Campaign:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        locked.status = Campaign.Status.CLOSED
        locked.save(update_fields=["status"])
        audit_log(actor=actor, action="pacts.campaign.closed", target=locked, agency=locked.agency)
    return locked


def kiosk_start(*, actor: Actor, campaign: Campaign, kiosk_id: str) -> None:
    """An officer turns a device into a kiosk of an open campaign (the cookie is the view's)."""
    if campaign.status != Campaign.Status.OPEN:
        raise CampaignStateError("a kiosk serves an open campaign")
    audit_log(
        actor=actor,
        action="pacts.kiosk.started",
        target=campaign,
        agency=campaign.agency,
        data={"kiosk": kiosk_id},
    )


def kiosk_end(*, actor: Actor, campaign: Campaign, kiosk_id: str) -> None:
    audit_log(
        actor=actor,
        action="pacts.kiosk.ended",
        target=campaign,
        agency=campaign.agency,
        data={"kiosk": kiosk_id},
    )


def pact_copy_send(*, employee: Employee, signature: Signature) -> Message | None:
    """Send the signer the way to their sealed pact through their own channel, for a signature
    made where the PDF is not handed out (a kiosk): their personal link, which after signing
    shows the pact to download, and the public verification page. None when the roster has no
    address for them (the coordinator can still give them the link)."""
    routes = employee_message_routes(employee)
    link = SigningLink.objects.filter(campaign=signature.campaign_id, employee=employee).first()
    if not routes or link is None:
        return None
    campaign = link.campaign
    base = settings.NETRAL_PUBLIC_URL
    personal = base + reverse(
        "pacts:sign", kwargs={"token": signing_token(campaign, employee.code, link.generation)}
    )
    verify = base + reverse("pacts:verify", kwargs={"code": signature.code})
    with translation.override(settings.LANGUAGE_CODE):
        return message_queue(
            routes=routes,
            purpose="pacts.pact_copy",
            agency=campaign.agency,
            subject=_("Your signed pact: %(title)s") % {"title": campaign.title},
            text=_(
                "Thank you for signing the %(title)s pact. Download your signed pact from your "
                "personal link: %(link)s . Anyone can check it at %(verify)s . Keep the link "
                "to yourself."
            )
            % {"title": campaign.title, "link": personal, "verify": verify},
        )


def signing_link_find(token: str) -> SigningLink | None:
    """The link of a token, with `campaign`, `employee` and `employee.unit` loaded."""
    if not token or len(token) > 64:
        return None
    link: SigningLink | None = _LINK_READER.get([token_hash(token)])
    return link


_LINK_READER = RowReader(
    SigningLink, ["campaign", "employee", "employee__unit"], where="{token_hash} = %s"
)


# What signing through a personal link reads, in the order of Signer's fields: one statement
# written once from the models, since the ORM's compilation of the join cost more than running it.
_SIGNER_COLUMNS: tuple[tuple[type[models.Model], str], ...] = (
    *((Campaign, name) for name in ("id", "code", "status", "opens_at", "closes_at", "agency")),
    *((Campaign, name) for name in ("include_non_asn", "pact_version", "officials_first")),
    *((Campaign, name) for name in ("officials_signed_at", "staff_opens_at")),
    *((Employee, name) for name in ("id", "code", "name", "agency", "unit", "is_active", "kind")),
    *((Employee, name) for name in ("nip", "nik", "rank", "position")),
    (Unit, "path"),
    (Unit, "name"),
)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


Converters = tuple[tuple[int, Col, list[Callable[..., Any]]], ...]


@cache
def _link_signer_sql(vendor: str) -> tuple[str, Converters]:
    """The statement, and for each column the backend returns in another form (datetimes on
    SQLite) the ORM's converters: the backend's, then the field's."""
    quote = connection.ops.quote_name

    def column(model: type[models.Model], name: str) -> str:
        return f"{quote(model._meta.db_table)}.{quote(_field(model, name).column)}"

    def join(model: type[models.Model], on: str) -> str:
        return f" JOIN {quote(model._meta.db_table)} ON {column(model, 'id')} = {on}"

    sql = (  # names from _meta, the token hash a parameter
        f"SELECT {', '.join(column(model, name) for model, name in _SIGNER_COLUMNS)}"  # noqa: S608
        f" FROM {quote(SigningLink._meta.db_table)}"
        + join(Campaign, column(SigningLink, "campaign"))
        + join(Employee, column(SigningLink, "employee"))
        + join(Unit, column(Employee, "unit"))
        + f" WHERE {column(SigningLink, 'token_hash')} = %s"
    )
    converters = []
    for index, (model, name) in enumerate(_SIGNER_COLUMNS):
        col = _field(model, name).get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, col, found))
    return sql, tuple(converters)


def link_signer_find(token: str) -> Signer | None:
    """Who signs through this personal link, read in one statement without model instances."""
    if not token or len(token) > 64:
        return None
    sql, converters = _link_signer_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash(token)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, functions in converters:
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    return Signer(*values)


def signing_link_url_token(link: SigningLink) -> str:
    return signing_token(link.campaign, link.employee.code, link.generation)


def signing_link_revoke(*, actor: Actor, link: SigningLink) -> SigningLink:
    """A new secret for one employee: the old link stops working at once."""
    with transaction.atomic():
        link.generation += 1
        link.token_hash = token_hash(
            signing_token(link.campaign, link.employee.code, link.generation)
        )
        link.save(update_fields=["generation", "token_hash"])
        audit_log(
            actor=actor,
            action="pacts.signing_link.revoked",
            target=link.employee,
            agency=link.campaign.agency,
            data={"campaign": link.campaign.code, "generation": link.generation},
        )
    return link


_SIGNATURE_READER = RowReader(Signature, [], where="{campaign} = %s AND {employee} = %s")
_ATTENDANCE_READER = RowReader(Attendance, [], where="{campaign} = %s AND {employee} = %s")


def signature_of(campaign: Campaign, employee: Employee) -> Signature | None:
    """The employee's signature of the campaign's pact, if any (a signing page's question)."""
    signature: Signature | None = _SIGNATURE_READER.get([campaign.pk, employee.pk])
    if signature is not None:
        signature.campaign, signature.employee = campaign, employee
    return signature


def attendance_of(campaign: Campaign, employee: Employee) -> Attendance | None:
    attendance: Attendance | None = _ATTENDANCE_READER.get([campaign.pk, employee.pk])
    return attendance


def signing_link_send(*, actor: Actor, link: SigningLink, base_url: str) -> Message | None:
    """Send the employee their personal link again through their own channel (the agency's
    choice, for the addresses the roster has); None when the roster has no address for them."""
    employee, campaign = link.employee, link.campaign
    routes = employee_message_routes(employee)
    if not routes:
        return None
    url = base_url + reverse("pacts:sign", kwargs={"token": signing_link_url_token(link)})
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        message = message_queue(
            routes=routes,
            purpose="pacts.signing_link",
            agency=campaign.agency,
            subject=_("Your personal link to sign the pact “%(title)s”")
            % {"title": campaign.title},
            text=_(
                "Dear %(name)s, sign the pact “%(title)s” with your personal link: %(url)s . "
                "The link is for you alone: do not pass it on."
            )
            % {"name": employee.name, "title": campaign.title, "url": url},
        )
        audit_log(
            actor=actor,
            action="pacts.signing_link.sent",
            target=employee,
            agency=campaign.agency,
            data={"campaign": campaign.code, "channel": routes[0].channel},
        )
    return message


def signature_create(
    *,
    actor: Actor,
    campaign: Campaign,
    employee: Employee,
    channel: str,
    typed_name: str,
    drawn_signature: bytes | None = None,
    scan: bytes | None = None,
    scan_type: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Signature, bool]:
    """Record a signature; a second submit returns the first one (created is then False).
    A paper pact comes with its scan, kept privately beside the row."""
    signature, created = signature_record(
        actor=actor,
        signer=Signer.of(campaign, employee),
        channel=channel,
        typed_name=typed_name,
        drawn_signature=drawn_signature,
        scan=scan,
        scan_type=scan_type,
        now=now,
    )
    signature.campaign = campaign
    signature.employee = employee
    return signature, created


@dataclass(frozen=True)
class SigningOrigin:
    """The browser a pact was signed from, for the flags of unusual patterns."""

    device: str = ""  # device_hash() of its device cookie or kiosk id
    kiosk: bool = False
    officer_id: int | None = None  # an officer signed in on that browser


def device_hash(value: str) -> str:
    """A keyed hash of a device cookie: the flags compare them, nobody can reverse them."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"device/{value}".encode(), "sha256").hexdigest()[:24]


def signature_record(
    *,
    actor: Actor,
    signer: Signer,
    channel: str,
    typed_name: str,
    drawn_signature: bytes | None = None,
    scan: bytes | None = None,
    scan_type: str = "",
    now: datetime.datetime | None = None,
    origin: SigningOrigin | None = None,
) -> tuple[Signature, bool]:
    """`signature_create` for a signer: the signing request's hot path. It inserts and lets the
    unique constraint catch a second submit, instead of looking first."""
    now = now or timezone.now()
    if not signer.accepts_signatures(now) or not signer.in_scope():
        existing = Signature.objects.filter(
            campaign=signer.campaign_id, employee=signer.employee_id
        ).first()
        if existing is not None:
            return existing, False
        raise CampaignStateError("the campaign does not accept a signature of this employee")
    # A paper pact records what was signed on paper: it does not wait for the officials.
    if scan is None and signer.staff_waiting(now):
        raise StaffWaiting("the officials have not all signed yet")
    facts = campaign_facts(signer)
    at_venue = ""
    if channel == Signature.Channel.CEREMONY and facts.venue:
        # Through the ceremony QR, but from an online meeting: not at the venue.
        attendance = _ATTENDANCE_READER.get([signer.campaign_id, signer.employee_id])
        online = attendance is not None and attendance.mode == Attendance.Mode.ONLINE
        at_venue = "" if online else facts.venue
    signature = Signature(
        campaign_id=signer.campaign_id,
        employee_id=signer.employee_id,
        agency_id=signer.agency_id,
        unit_id=signer.unit_id,
        channel=channel,
        signed_at=now,
        ip=actor.ip,
        user_agent=actor.user_agent,
        typed_name=typed_name,
        drawn_signature=drawn_signature,
        signer_details=signer.details(at_venue=at_venue),
        pact_sha256=facts.pact_sha256,
        recorded_by=actor.user,
        scan_sha256=hashlib.sha256(scan).hexdigest() if scan is not None else "",
        scan_type=scan_type,
    )
    if origin is not None:
        signature.device = origin.device
        signature.kiosk = origin.kiosk
        signature.officer_session_id = origin.officer_id
    signature.record_sha256 = record_sha256(
        signature, campaign_code=signer.campaign_code, employee_code=signer.employee_code
    )
    entry = audit_entry_build(
        actor=actor,
        action="pacts.signature.paper_uploaded" if scan is not None else "pacts.signature.created",
        target=signature,
        agency=facts.agency,
        data={
            "campaign": signer.campaign_code,
            "employee": signer.employee_code,
            "channel": channel,
        },
    )
    if scan is None and connection.vendor == "postgresql":
        if _signature_insert(signature, entry):
            return signature, True
    else:
        try:
            with transaction.atomic():
                signature.save()
                entry.save()
                if scan is not None:
                    save_bytes(scan_name(signature), scan)
            return signature, True
        except IntegrityError:
            pass
    # A second submit (or two at once): the database kept the first.
    return Signature.objects.get(campaign=signer.campaign_id, employee=signer.employee_id), False


def _signature_insert(signature: Signature, entry: AuditEntry) -> bool:
    """PostgreSQL: the signature and its audit entry in one statement, so one round trip and no
    explicit transaction. False, with neither row written, when the employee had signed."""
    signature_columns, signature_values = insert_values(signature)
    entry_columns, entry_values = insert_values(entry)
    with connection.cursor() as cursor:
        cursor.execute(
            _signature_insert_sql(tuple(signature_columns), tuple(entry_columns)),
            [*signature_values, *entry_values],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    signature.pk = row[0]
    signature._state.adding = False
    signature._state.db = connection.alias
    return True


@cache
def _signature_insert_sql(
    signature_columns: tuple[str, ...], entry_columns: tuple[str, ...]
) -> str:
    quote = connection.ops.quote_name
    return (  # names from _meta, every value a parameter
        f"WITH signature AS (INSERT INTO {quote(Signature._meta.db_table)}"  # noqa: S608
        f" ({', '.join(signature_columns)}) VALUES ({', '.join(['%s'] * len(signature_columns))})"
        " ON CONFLICT ON CONSTRAINT one_signature_per_employee DO NOTHING RETURNING id),"
        f" entry AS (INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(entry_columns)})"
        f" SELECT {', '.join(['%s'] * len(entry_columns))} FROM signature)"
        " SELECT id FROM signature"
    )


CEREMONY_CODE_MINUTES = 15
CEREMONY_CODE_ATTEMPTS = 5


def _ceremony_code_hash(campaign: Campaign, employee: Employee, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(
        key, f"ceremony/{campaign.code}/{employee.code}/{code}".encode(), "sha256"
    ).hexdigest()


def ceremony_employee_find(*, campaign: Campaign, identifier: str) -> Employee | None:
    """The employee of this campaign with this NIP (spaces allowed) or NIK."""
    digits = "".join(ch for ch in identifier if ch.isdigit())
    if len(digits) not in (16, 18):
        return None
    reader = _BY_NIP_READER if len(digits) == 18 else _BY_NIK_READER
    employee: Employee | None = reader.get([campaign.agency_id, digits])
    if employee is None or not employee_in_scope(campaign, employee):
        return None
    employee.agency = campaign.agency  # the campaign's, read with it: no query
    return employee


_BY_NIP_READER = RowReader(Employee, ["unit"], where="{agency} = %s AND {nip} = %s AND {is_active}")
_BY_NIK_READER = RowReader(Employee, ["unit"], where="{agency} = %s AND {nik} = %s AND {is_active}")


_EMPLOYEE_READER = RowReader(Employee, ["unit"], where="{agency} = %s AND {code} = %s")


def ceremony_employee_get(*, campaign: Campaign, code: str) -> Employee | None:
    """The employee a ceremony session names (by their opaque code), while they must sign."""
    employee: Employee | None = _EMPLOYEE_READER.get([campaign.agency_id, code])
    if employee is None or not employee_in_scope(campaign, employee):
        return None
    employee.agency = campaign.agency
    return employee


class CeremonyCodeLimited(Exception):
    """A code was sent to this person moments ago (or too often this hour)."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.channel = channel


# Sends of a code to one person: once in half a minute to a minute, five in an hour or two.
CEREMONY_CODE_SENDS = (
    Throttle("ceremony-send-minute", limits={"person": 1}, window=30),
    Throttle("ceremony-send-hour", limits={"person": 5}, window=3600),
)


def _ceremony_send_allowed(campaign: Campaign, employee: Employee) -> bool:
    person = f"{campaign.code}|{employee.code}"
    allowed = [throttle.attempt(person=person) for throttle in CEREMONY_CODE_SENDS]
    if all(allowed):
        return True
    # Only codes sent count: asking again while limited does not push the limit further.
    for throttle in CEREMONY_CODE_SENDS:
        throttle.succeeded(person=person)
    return False


def ceremony_code_send(*, actor: Actor, campaign: Campaign, employee: Employee) -> str:
    """Queue a fresh six-digit code on the employee's first channel (the agency's choice, for
    the addresses the roster has); the channel, or "" when there is none. Raises
    CeremonyCodeLimited when a code was sent to the person moments ago."""
    routes = employee_message_routes(employee)
    if not routes:
        return ""
    channel = routes[0].channel
    if not _ceremony_send_allowed(campaign, employee):
        raise CeremonyCodeLimited(channel)
    code = f"{secrets.randbelow(1_000_000):06d}"
    ceremony_code = CeremonyCode(
        campaign=campaign,
        employee=employee,
        code_hash=_ceremony_code_hash(campaign, employee, code),
        expires_at=timezone.now() + datetime.timedelta(minutes=CEREMONY_CODE_MINUTES),
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = message_build(
            routes=routes,
            purpose="pacts.ceremony_code",
            agency=campaign.agency,
            subject=_("Your code to sign the pact: %(code)s") % {"code": code},
            text=_(
                "Your code to sign the %(title)s pact is %(code)s. It is valid for "
                "%(minutes)s minutes. If you did not ask for it, ignore this message."
            )
            % {"title": campaign.title, "code": code, "minutes": CEREMONY_CODE_MINUTES},
            template=Message.Template.CODE,
            parameters=[code],
        )
    assert message is not None  # there is a route
    entry = audit_entry_build(
        actor=actor,
        action="pacts.ceremony_code.sent",
        target=employee,
        agency=campaign.agency,
        data={"campaign": campaign.code, "channel": channel},
    )
    # The code, its message and the audit entry: all or none, in one statement on PostgreSQL.
    insert_together(ceremony_code, message, entry)
    message_saved(message)
    return channel


def ceremony_code_check(*, campaign: Campaign, employee: Employee, code: str) -> bool:
    """True once for the latest unexpired code; every wrong try counts against it. A right code
    is taken in one statement (two requests with it: the second finds it used); a wrong one
    counts in a second."""
    now = timezone.now()
    latest = (
        CeremonyCode.objects.filter(
            campaign=campaign, employee=employee, used_at__isnull=True, voided_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    # A printed code lives as long as the campaign, even when its end is moved.
    alive = Q(printed=False, expires_at__gte=now)
    if campaign.accepts_signatures():
        alive |= Q(printed=True)
    usable = CeremonyCode.objects.filter(
        alive, pk=models.Subquery(latest), used_at__isnull=True, attempts__lt=CEREMONY_CODE_ATTEMPTS
    )
    digits = "".join(code.split())
    if usable.filter(code_hash=_ceremony_code_hash(campaign, employee, digits)).update(used_at=now):
        return True
    usable.update(attempts=models.F("attempts") + 1)
    return False


SLIP_CODE_DIGITS = 8  # they live until the campaign closes, so longer than the sent ones


def _slip_code(campaign: Campaign, employee_code: str, generation: int) -> str:
    """The printed code of a generation: derived, not stored, so a reprint shows it again."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        # "sheet": codes were printed on attendance sheets first; the same input keeps them.
        f"sheet/{campaign.token_salt}/{employee_code}/{generation}".encode(),
        "sha256",
    ).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**SLIP_CODE_DIGITS:0{SLIP_CODE_DIGITS}d}"


def _printed_code_works(used_at: Any, voided_at: Any, attempts: int) -> bool:
    return used_at is None and voided_at is None and attempts < CEREMONY_CODE_ATTEMPTS


def ceremony_code_printed_exists(*, campaign: Campaign, employee: Employee) -> bool:
    """Whether the employee's latest code is a printed one that still works."""
    latest = (
        CeremonyCode.objects.filter(
            campaign=campaign, employee=employee, used_at__isnull=True, voided_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return (
        latest is not None
        and latest.printed
        and latest.attempts < CEREMONY_CODE_ATTEMPTS
        and campaign.accepts_signatures()
    )


def campaign_check_printable(campaign: Campaign) -> None:
    """Codes and sheets are printed for a campaign that has not closed."""
    if campaign.status == Campaign.Status.CLOSED or campaign.closes_at <= timezone.now():
        raise CampaignStateError("the campaign is closed")


def slip_recipients(*, campaign: Campaign, unit: Unit) -> QuerySet[Employee]:
    """The unit's (and its sub-units') employees no code can reach but a printed slip: no
    e-mail, no phone, and not signed yet."""
    return (
        campaign_employees(campaign)
        .filter(unit__path__startswith=unit.path, email="", phone="")
        .exclude(pk__in=Signature.objects.filter(campaign=campaign).values("employee_id"))
    )


@dataclass(frozen=True)
class PrintedCode:
    employee: Employee
    code: str


SlipProgress = Callable[[int, int], None]  # (done, total)


def ceremony_slips_print(
    *, actor: Actor, campaign: Campaign, unit: Unit, progress: SlipProgress | None = None
) -> list[PrintedCode]:
    """A one-time code for each of the unit's slip recipients, to print on a slip of their own.
    Printing again gives the same codes; a code that was used, blocked or voided is replaced by
    the next generation."""
    campaign_check_printable(campaign)
    employees = list(
        slip_recipients(campaign=campaign, unit=unit)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    # The newest printed code of each employee (ordered by generation, the last one wins).
    printed_before = (
        CeremonyCode.objects.filter(
            campaign=campaign, printed=True, employee__unit__path__startswith=unit.path
        )
        .order_by("employee_id", "generation")
        .values_list("employee_id", "pk", "generation", "used_at", "voided_at", "attempts")
    )
    latest = {
        employee_id: (pk, generation, _printed_code_works(used_at, voided_at, attempts))
        for employee_id, pk, generation, used_at, voided_at, attempts in printed_before
    }
    now = timezone.now()
    printed: list[PrintedCode] = []
    created: list[CeremonyCode] = []
    reprinted: list[int] = []
    for number, employee in enumerate(employees, start=1):
        pk, generation, works = latest.get(employee.pk, (0, -1, False))
        if works:
            reprinted.append(pk)
        else:
            generation += 1
        code = _slip_code(campaign, employee.code, generation)
        printed.append(PrintedCode(employee=employee, code=code))
        if not works:
            created.append(
                CeremonyCode(
                    campaign=campaign,
                    employee=employee,
                    code_hash=_ceremony_code_hash(campaign, employee, code),
                    expires_at=campaign.closes_at,
                    printed=True,
                    generation=generation,
                    printed_at=now,
                )
            )
        if progress is not None and number % 500 == 0:
            progress(number, len(employees))
    with transaction.atomic():
        # A second print at the same moment derives the same rows: the constraint keeps one.
        CeremonyCode.objects.bulk_create(created, batch_size=500, ignore_conflicts=True)
        for start in range(0, len(reprinted), 500):
            CeremonyCode.objects.filter(pk__in=reprinted[start : start + 500]).update(
                printed_at=now
            )
        audit_log(
            actor=actor,
            action="pacts.ceremony_slips.printed",
            target=unit,
            agency=campaign.agency,
            data={"campaign": campaign.code, "slips": len(printed), "new_codes": len(created)},
        )
    return printed


class SlipVoidError(Exception):
    """The printed code cannot be voided; the message is for the user."""


def ceremony_code_void(*, actor: Actor, campaign: Campaign, employee: Employee) -> CeremonyCode:
    """Void the employee's latest printed code: it stops working at once, and the next print
    gives the employee a new one."""
    with transaction.atomic():
        latest = (
            CeremonyCode.objects.select_for_update()
            .filter(campaign=campaign, employee=employee, printed=True)
            .order_by("-generation")
            .first()
        )
        if latest is None:
            raise SlipVoidError(_("No code was printed for this employee."))
        if latest.used_at is not None:
            raise SlipVoidError(_("This code was already used, so it no longer works anyway."))
        if latest.voided_at is not None:
            raise SlipVoidError(_("This code is already void."))
        latest.voided_at = timezone.now()
        latest.voided_by = actor.user
        latest.save(update_fields=["voided_at", "voided_by"])
        audit_log(
            actor=actor,
            action="pacts.ceremony_code.voided",
            target=employee,
            agency=campaign.agency,
            data={"campaign": campaign.code, "generation": latest.generation},
        )
    return latest


@dataclass(frozen=True)
class SheetLine:
    """One row of a unit's attendance sheet. No code is printed on it: those who need one get
    a slip of their own."""

    employee: Employee
    signed: bool
    has_slip: bool  # a printed code that still works


def attendance_sheet_print(*, actor: Actor, campaign: Campaign, unit: Unit) -> list[SheetLine]:
    """The rows of a unit's (and its sub-units') attendance sheet."""
    campaign_check_printable(campaign)
    employees = list(
        campaign_employees(campaign)
        .filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    signed = set(
        Signature.objects.filter(
            campaign=campaign, employee__unit__path__startswith=unit.path
        ).values_list("employee_id", flat=True)
    )
    with_slip = set(
        CeremonyCode.objects.filter(
            campaign=campaign,
            printed=True,
            used_at__isnull=True,
            voided_at__isnull=True,
            attempts__lt=CEREMONY_CODE_ATTEMPTS,
            employee__unit__path__startswith=unit.path,
        ).values_list("employee_id", flat=True)
    )
    lines = [
        SheetLine(
            employee=employee,
            signed=employee.pk in signed,
            has_slip=employee.pk in with_slip and employee.pk not in signed,
        )
        for employee in employees
    ]
    audit_log(
        actor=actor,
        action="pacts.attendance_sheet.printed",
        target=unit,
        agency=campaign.agency,
        data={"campaign": campaign.code, "employees": len(lines)},
    )
    return lines


# What a scan may be, told by its first bytes, never by its name.
SCAN_TYPES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}


class ScanError(Exception):
    """The uploaded scan is refused; the message is for the user."""


def scan_name(signature: Signature) -> str:
    """The paper pact's scan in the file storage."""
    return f"paper/{signature.campaign.code}/{signature.code}.{signature.scan_type}"


def paper_signature_create(
    *, actor: Actor, campaign: Campaign, employee: Employee, scan: bytes
) -> tuple[Signature, bool]:
    """Record a pact signed on paper from its scan; a second upload keeps the first."""
    if len(scan) > settings.NETRAL_PAPER_MAX_BYTES:
        raise ScanError(
            _("The scan is larger than %(limit)s MB.")
            % {"limit": settings.NETRAL_PAPER_MAX_BYTES // 1_048_576}
        )
    scan_type = next((kind for magic, kind in SCAN_TYPES.items() if scan.startswith(magic)), None)
    if scan_type is None:
        raise ScanError(_("The scan must be a PDF, JPEG or PNG file."))
    # What it claims to be, whole, and nothing more: a PDF without scripts or attached files,
    # an image within the pixel budget.
    try:
        if scan_type == "pdf":
            pdf_check(scan)
        else:
            image_decoded(scan, formats=(scan_type.upper(),))
    except UploadRefused as refusal:
        raise ScanError(str(refusal)) from refusal
    return signature_create(
        actor=actor,
        campaign=campaign,
        employee=employee,
        channel=Signature.Channel.PAPER,
        typed_name=employee.name,
        scan=scan,
        scan_type=scan_type,
    )


def attendance_record(
    *,
    actor: Actor,
    campaign: Campaign,
    employees: list[Employee],
    mode: str,
    source: str,
) -> int:
    """Mark employees present; those already marked keep their first record. Returns how many
    were added."""
    if campaign.status != Campaign.Status.OPEN:
        raise CampaignStateError("attendance is recorded while the campaign is open")
    with transaction.atomic():
        present = set(
            Attendance.objects.filter(
                campaign=campaign, employee__in=[e.pk for e in employees]
            ).values_list("employee_id", flat=True)
        )
        added = [
            Attendance(
                campaign=campaign,
                employee=employee,
                mode=mode,
                source=source,
                recorded_by=actor.user,
            )
            for employee in employees
            if employee.pk not in present and employee_in_scope(campaign, employee)
        ]
        Attendance.objects.bulk_create(added, ignore_conflicts=True)
        for record in added:
            audit_log(
                actor=actor,
                action="pacts.attendance.recorded",
                target=record.employee,
                agency=campaign.agency,
                data={"campaign": campaign.code, "mode": mode, "source": source},
            )
    return len(added)


def attendance_remove(*, actor: Actor, campaign: Campaign, employees: list[Employee]) -> int:
    with transaction.atomic():
        removed = list(
            Attendance.objects.filter(
                campaign=campaign, employee__in=[e.pk for e in employees]
            ).select_related("employee")
        )
        Attendance.objects.filter(pk__in=[record.pk for record in removed]).delete()
        for record in removed:
            audit_log(
                actor=actor,
                action="pacts.attendance.removed",
                target=record.employee,
                agency=campaign.agency,
                data={"campaign": campaign.code, "mode": record.mode},
            )
    return len(removed)
