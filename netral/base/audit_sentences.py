"""The audit log read as sentences: one template per action, so no dotted code reaches a screen.

Every action written with `audit_log` needs a line in SENTENCES (a test greps the code for them).
A template may use %(actor)s, %(target)s and any key of the entry's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext, gettext_lazy

from netral.base.models import AuditEntry

_ = gettext_lazy

SENTENCES: dict[str, Any] = {
    # Agencies, units and employees
    "agencies.agency.created": _("%(actor)s created the agency %(target)s"),
    "agencies.agency.deleted": _("%(actor)s deleted an agency"),
    "agencies.agency.messaging_changed": _("%(actor)s changed the agency's message channels"),
    "agencies.letterhead.updated": _("%(actor)s updated the letterhead"),
    "agencies.unit.created": _("%(actor)s created the unit %(target)s"),
    "agencies.employee.created": _("%(actor)s added the employee %(target)s"),
    "agencies.employee.updated": _("%(actor)s changed the data of %(target)s"),
    "agencies.employee.viewed": _("%(actor)s opened the personal data of %(target)s"),
    "agencies.employee.deactivated": _("%(actor)s deactivated the employee %(target)s"),
    "agencies.employee.released": _("%(actor)s released %(target)s to another agency"),
    "agencies.employee.transferred_in": _("%(actor)s recorded %(target)s moving in"),
    "agencies.employee.transferred_out": _("%(actor)s recorded %(target)s moving out"),
    "agencies.roster_import.uploaded": _("%(actor)s uploaded the roster %(target)s"),
    "agencies.roster_import.mapped": _("%(actor)s matched the columns of the roster %(target)s"),
    "agencies.roster_import.confirmed": _("%(actor)s confirmed the import of %(target)s"),
    "agencies.roster_import.applied": _("The roster %(target)s was imported"),
    "agencies.roster_import.failed": _("The import of the roster %(target)s failed"),
    # Accounts
    "core.membership.created": _("%(actor)s gave %(user)s a role in the agency"),
    "core.membership.role_changed": _("%(actor)s changed the role of %(target)s"),
    "core.membership.removed": _("%(actor)s removed the role of %(user)s"),
    "core.user.totp_enabled": _("%(actor)s turned on two-step verification"),
    "core.user.recovery_codes_created": _("%(actor)s created new recovery codes"),
    "core.user.recovery_code_used": _("%(actor)s signed in with a recovery code"),
    # Pacts
    "pacts.election.created": _("%(actor)s created the election %(name)s"),
    "pacts.pact_version.created": _("%(actor)s drafted version %(number)s of the pact %(target)s"),
    "pacts.pact_version.edited": _("%(actor)s edited the pact draft %(target)s"),
    "pacts.pact_version.published": _("%(actor)s published the pact %(target)s"),
    "pacts.campaign.created": _("%(actor)s created the signing drive %(target)s"),
    "pacts.campaign.opened": _("%(actor)s opened the signing drive %(target)s"),
    "pacts.campaign.closed": _("%(actor)s closed the signing drive %(target)s"),
    "pacts.campaign.published": _("%(actor)s published the progress page of %(target)s"),
    "pacts.campaign.unpublished": _("%(actor)s stopped showing the progress page of %(target)s"),
    "pacts.signature.created": _("%(actor)s signed the pact"),
    "pacts.signature.paper_uploaded": _("%(actor)s uploaded a pact signed on paper"),
    "pacts.signing_link.revoked": _("%(actor)s revoked a personal signing link"),
    "pacts.signing_link.exported": _("%(actor)s exported %(count)s signing links of %(unit)s"),
    "pacts.signing_link.printed": _("%(actor)s printed %(count)s signing links of %(unit)s"),
    "pacts.ceremony_code.sent": _("%(actor)s asked for a ceremony code"),
    "pacts.ceremony_code.voided": _("%(actor)s voided a printed ceremony code"),
    "pacts.ceremony_slips.printed": _("%(actor)s printed %(slips)s ceremony code slips"),
    "pacts.attendance_sheet.printed": _("%(actor)s printed an attendance list"),
    "pacts.attendance.recorded": _("%(actor)s recorded the attendance of %(target)s"),
    "pacts.attendance.removed": _("%(actor)s removed the attendance of %(target)s"),
    "pacts.attendance.imported": _("%(actor)s imported an attendance list"),
    "pacts.meeting.created": _("%(actor)s set an online meeting for %(unit)s"),
    "pacts.meeting.changed": _("%(actor)s changed the online meeting of %(unit)s"),
    "pacts.meeting.removed": _("%(actor)s removed the online meeting of %(unit)s"),
    "pacts.kiosk.started": _("%(actor)s started a signing kiosk"),
    "pacts.kiosk.ended": _("%(actor)s ended a signing kiosk"),
    "pacts.demo.signatures_seeded": _("%(actor)s added %(signatures)s demo signatures"),
    # Monitoring
    "monitoring.reminder_schedule.saved": _("%(actor)s saved the reminder schedule"),
    "monitoring.reminder_round.created": _("%(actor)s prepared reminders for %(unit)s"),
    "monitoring.reminder_round.sent": _("Reminders were sent"),
    "monitoring.rollup.exported": _("%(actor)s exported the rollup"),
    # Cases
    "cases.case.created": _("%(actor)s recorded the report %(target)s"),
    "cases.case.assigned": _("%(actor)s assigned case %(target)s to %(handler)s"),
    "cases.case.unassigned": _("%(actor)s removed %(handler)s from case %(target)s"),
    "cases.case.stage_changed": _("%(actor)s moved case %(target)s to the stage %(to)s"),
    "cases.case.duplicate_linked": _("%(actor)s marked case %(target)s as a duplicate"),
    "cases.case.closed": _("%(actor)s closed case %(target)s"),
    "cases.note.added": _("%(actor)s added a note to case %(target)s"),
    "cases.message.added": _("A message was added to case %(target)s"),
    "cases.message.sent": _("%(actor)s sent a message on case %(target)s"),
    "cases.evidence.added": _("%(actor)s added evidence to case %(target)s"),
    "cases.evidence.viewed": _("%(actor)s opened evidence of case %(target)s"),
    "cases.reporter_identity.viewed": _("%(actor)s opened the reporter's identity in %(target)s"),
    "cases.examination.saved": _("%(actor)s saved the examination of case %(target)s"),
    "cases.sanction.recorded": _(
        "%(actor)s recorded the sanction %(type_name)s for case %(target)s"
    ),
    "cases.sanction.exported": _("%(actor)s exported the sanction list"),
    "cases.procedure.changed": _("%(actor)s changed the handling procedure"),
    "cases.procedure.stage_added": _("%(actor)s added a stage to the handling procedure"),
    "cases.procedure.stage_removed": _("%(actor)s removed a stage from the handling procedure"),
    "cases.deadline_digest.sent": _("A digest of %(overdue)s overdue cases was sent"),
    # Screening
    "screening.batch.uploaded": _("%(actor)s uploaded the posts %(target)s for screening"),
    "screening.batch.screened": _("The posts %(target)s were screened: %(flagged)s flagged"),
    "screening.batch.failed": _("The screening of %(target)s failed"),
    "screening.flag.reviewed": _("%(actor)s reviewed a flag of the screening"),
    "screening.post.case_opened": _("%(actor)s opened case %(number)s from a screened post"),
    "screening.contestant.created": _("%(actor)s added the candidate %(target)s"),
    "screening.contestant.updated": _("%(actor)s changed the candidate %(target)s"),
    "screening.contestant.deleted": _("%(actor)s deleted a candidate"),
    # Units' heads, retention, officials, certified signatures, privacy, claims
    "agencies.unit.head_set": _("%(actor)s named the head of the unit %(target)s"),
    "agencies.unit.head_removed": _("%(actor)s removed the head of the unit %(target)s"),
    "base.retention.purged": _("%(actor)s removed the records past their retention period"),
    "cases.case.employee_linked": _(
        "%(actor)s linked the reported employee to the case %(target)s"
    ),
    "cases.case.employee_unlinked": _(
        "%(actor)s unlinked the reported employee from the case %(target)s"
    ),
    "cases.digest_oversight.set": _("%(actor)s named the agency that receives the overdue count"),
    "cases.recommendation.recorded": _(
        "%(actor)s recorded the outside recommendation for the case %(target)s"
    ),
    "cases.referral_out.created": _("%(actor)s referred the case %(target)s to an outside body"),
    "cases.referral_out.answered": _(
        "%(actor)s recorded the outside body's answer for the case %(target)s"
    ),
    "pacts.campaign.staff_opening_set": _(
        "%(actor)s set when the staff's signing of %(target)s opens"
    ),
    "pacts.collective.published": _(
        "%(actor)s published the collective pledge document of %(target)s"
    ),
    "pacts.signatory.added": _("%(actor)s added an official or witness to %(target)s"),
    "pacts.signatory.moved": _("%(actor)s changed the officials' signing order of %(target)s"),
    "pacts.signatory.removed": _("%(actor)s removed an official or witness from %(target)s"),
    "pacts.signatory.signed": _("An official or witness signed %(target)s"),
    "pacts.signatory.witness_recorded": _("%(actor)s recorded a witness of %(target)s"),
    "pacts.certified.signed": _("%(actor)s signed with a certified electronic signature"),
    "pacts.signing_link.revealed": _("%(actor)s showed the personal signing link of %(target)s"),
    "pacts.signing_link.sent": _("%(actor)s sent %(target)s their personal signing link"),
    "privacy.officer.saved": _("%(actor)s changed the data protection officer"),
    "privacy.request.created": _("%(actor)s registered a personal data request"),
    "privacy.request.answered": _("%(actor)s answered a personal data request"),
    "screening.debunked_claim.created": _("%(actor)s added a debunked claim"),
    "screening.debunked_claim.deleted": _("%(actor)s removed a debunked claim"),
}

# Background jobs log "<kind>.requested" and "<kind>.downloaded" for every kind.
JOB_SENTENCES: dict[str, Any] = {
    "requested": _("%(actor)s started: %(target)s"),
    "downloaded": _("%(actor)s downloaded the result of: %(target)s"),
}
FALLBACK = _("%(actor)s made a change to %(target)s")


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def audit_sentence(entry: AuditEntry) -> str:
    """The entry as a sentence in the active language, e.g. "Admin X recorded the sanction…"."""
    template = SENTENCES.get(entry.action)
    if template is None:
        suffix = entry.action.rsplit(".", 1)[-1]
        template = JOB_SENTENCES.get(suffix, FALLBACK)
    data: Mapping[str, Any] = entry.data if isinstance(entry.data, dict) else {}
    values = _Values(
        {key: str(value) for key, value in data.items() if isinstance(value, str | int)}
    )
    values["actor"] = _actor_name(entry)
    values["target"] = entry.target_label or "—"
    return str(template) % values


def _actor_name(entry: AuditEntry) -> str:
    if entry.actor_id is not None and entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    if entry.actor_label == "anonymous":
        return gettext("A visitor")
    if not entry.actor_label or entry.actor_label.startswith(("command:", "job:")):
        return gettext("The system")
    return entry.actor_label


DETAIL_LABELS: dict[str, Any] = {
    "summary": _("Summary"),
    "from": _("From"),
    "to": _("To"),
    "deactivate_absent": _("Deactivate employees missing from the file"),
    "errors": _("Errors"),
    "rows": _("Rows"),
    "count": _("Number"),
    "file": _("File"),
    "reason": _("Reason"),
    "decree_number": _("Decree number"),
    "decree_date": _("Decree date"),
    "due": _("Due"),
    "posts": _("Posts"),
    "recipients": _("Recipients"),
}


def audit_details(entry: AuditEntry) -> list[tuple[str, str]]:
    """The entry's data that reads well to a person, as (label, value); codes left out. A change
    reads "Jabatan: Perawat Ahli Pertama → Perawat Ahli Muda", with the field's own label."""
    data = entry.data if isinstance(entry.data, dict) else {}
    model = entry.target_type.model_class() if entry.target_type is not None else None
    details = []
    changes = data.get("changes")
    if isinstance(data.get("before"), dict) and isinstance(data.get("after"), dict):
        before, after = data["before"], data["after"]
        changes = {key: [before.get(key), after.get(key)] for key in {*before, *after}}
    if isinstance(changes, dict):
        for name, values in sorted(changes.items()):
            if isinstance(values, list | tuple) and len(values) == 2:
                old, new = (_value_label(model, name, value) for value in values)
                if old != new:
                    details.append((_field_label(model, name), f"{old} \u2192 {new}"))
            else:
                details.append((_field_label(model, name), str(values)))
    for key, label in DETAIL_LABELS.items():
        value = data.get(key)
        if key == "changes" or value in (None, "", {}, []):
            continue
        if isinstance(value, bool):
            text = gettext("yes") if value else gettext("no")
        elif isinstance(value, dict):
            # In the labels' order: PostgreSQL's jsonb keeps keys in an order of its own.
            text = ", ".join(
                f"{label}: {VALUE_LABELS.get(str(value[name]), value[name])}"
                for name, label in SUMMARY_LABELS.items()
                if name in value
            )
        elif isinstance(value, str):
            text = str(VALUE_LABELS.get(value, value))
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        else:
            text = str(value)
        details.append((str(label), text))
    return details


# The counts of an import's summary, and the codes kept in entries, as words.
SUMMARY_LABELS: dict[str, Any] = {
    "layout": _("layout"),
    "rows": _("rows"),
    "new": _("new"),
    "changed": _("changed"),
    "unchanged": _("unchanged"),
    "transfers": _("transfers in"),
    "absent": _("not in the file"),
    "new_units": _("new units"),
    "skipped": _("skipped"),
}
VALUE_LABELS: dict[str, Any] = {
    "netral": _("Netral's template"),
    "siasn": _("SIASN export"),
    "mapping": _("columns matched by hand"),
    "absent from the roster": _("not in the imported roster"),
}


def _field(model: type[Model] | None, name: str) -> Any:
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


# The fields that changes are logged for, by the names the forms give them.
FIELD_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "position": _("Position"),
    "position_type": _("Position type"),
    "rank": _("Rank"),
    "kind": _("Employee kind"),
    "unit": _("Unit"),
    "email": _("Email"),
    "phone": _("Phone"),
    "nik": _("NIK"),
    "nip": _("NIP"),
    "birth_date": _("Birth date"),
    "gender": _("Gender"),
    "is_active": _("Active"),
    "role": _("Role"),
    "message_whatsapp": _("Send by WhatsApp"),
    "message_sms": _("Send by SMS"),
    "message_email": _("Send by e-mail"),
    "message_phone_first": _("Use the phone before e-mail"),
}


def _field_label(model: type[Model] | None, name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    label = str(getattr(_field(model, name), "verbose_name", "") or name.replace("_", " "))
    return label[:1].upper() + label[1:]


def _value_label(model: type[Model] | None, name: str, value: Any) -> str:
    if value in (None, ""):
        return "\u2014"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    choices = dict(getattr(_field(model, name), "flatchoices", None) or [])
    return str(choices.get(value, value))


# The filter of the audit log: one choice per area, matched as a prefix of the action.
AREAS: list[tuple[str, Any]] = [
    ("agencies.", _("Roster and units")),
    ("core.", _("Officers and sign-in")),
    ("pacts.", _("Pacts and signing")),
    ("monitoring.", _("Monitoring and reminders")),
    ("cases.", _("Cases")),
    ("screening.", _("Screening")),
]
