"""The audit log: one entry for every state change, with dotted action names."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from netral.base.models import AuditEntry

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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
    """The client's address. From a trusted proxy (`NETRAL_TRUSTED_PROXIES`), the last address
    of `X-Forwarded-For` that no trusted proxy added; the header of anyone else is ignored."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _networks(tuple(settings.NETRAL_TRUSTED_PROXIES))
    if remote is None or not _within(remote, proxies):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed header: keep what the connection says
        if not _within(str(address), proxies):
            return str(address)
    return remote


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _within(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


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
