"""The audit log: one entry for every state change, with dotted action names."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from netral.core.models import AuditEntry, User

if TYPE_CHECKING:
    from netral.agencies.models import Agency


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: a signed-in officer, or a command run by an operator."""

    user: User | None
    label: str
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        visitor = cls.visitor(request)
        user = request.user
        if not user.is_authenticated:
            return visitor
        return replace(visitor, user=user, label=user.get_username())

    @classmethod
    def visitor(cls, request: HttpRequest) -> Actor:
        """Someone acting without an account (an employee signing the own pact), even in a
        browser where an officer is signed in."""
        return cls(
            user=None,
            label="anonymous",
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", "")[:300],
        )

    @classmethod
    def command(cls, name: str) -> Actor:
        return cls(user=None, label=f"command:{name}", user_agent="netral command line")


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. uvicorn/gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def audit_entry_build(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry, for callers that write many at once with bulk_create."""
    return AuditEntry(
        actor=actor.user,
        actor_label=actor.label,
        agency=agency,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_code=target_code(target) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        data=data or {},
        ip=actor.ip,
        user_agent=actor.user_agent,
    )


def target_code(target: models.Model) -> str:
    return str(getattr(target, "code", None) or target.pk)


def audit_log(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = audit_entry_build(actor=actor, action=action, target=target, agency=agency, data=data)
    entry.save()
    return entry
