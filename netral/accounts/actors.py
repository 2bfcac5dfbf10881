"""Who acts in a service call: a signed-in officer, a visitor without an account, or a command."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest

from netral.accounts.models import User
from netral.base.audit import client_ip
from netral.base.models import Job


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
        assert isinstance(user, User)
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
    def for_job(cls, job: Job) -> Actor:
        """The officer who started a background job, acting through it."""
        user = job.created_by
        return cls(user=user, label=user.get_username() if user else f"job:{job.code}")

    @classmethod
    def command(cls, name: str) -> Actor:
        return cls(user=None, label=f"command:{name}", user_agent="netral command line")
