"""The audit log: one entry for every state change, with dotted action names."""

from __future__ import annotations

from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from netral.base.models import AuditEntry


class Acting(Protocol):
    """Who acts: an officer (`user`), a visitor or a command (no user); see accounts.Actor."""

    @property
    def user(self) -> Any: ...
    @property
    def label(self) -> str: ...
    @property
    def ip(self) -> str | None: ...
    @property
    def user_agent(self) -> str: ...


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. uvicorn/gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def audit_entry_build(
    *,
    actor: Acting,
    action: str,
    target: models.Model | None = None,
    agency: Any = None,  # an agencies.Agency, a layer above
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
    actor: Acting,
    action: str,
    target: models.Model | None = None,
    agency: Any = None,  # an agencies.Agency, a layer above
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = audit_entry_build(actor=actor, action=action, target=target, agency=agency, data=data)
    entry.save()
    return entry
