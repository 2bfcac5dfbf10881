"""Who may open a view: every officer view goes through `officer_view`."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from netral.accounts.models import Membership

MembershipTest = Callable[[Membership], bool]


def officer_view(
    test: MembershipTest | None = None,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Requires a signed-in officer with a role in an agency (and passing `test`, else 403).
    The view receives the membership as `viewer`."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            viewer: Membership | None = getattr(request, "membership", None)
            if viewer is None or (test is not None and not test(viewer)):
                raise PermissionDenied
            return view(request, *args, viewer=viewer, **kwargs)

        return wrapped

    return decorator


def is_admin(viewer: Membership) -> bool:
    return viewer.is_admin


def can_view_roster(viewer: Membership) -> bool:
    return viewer.can_view_roster


HANDLING_ROLES = {Membership.Role.SUPERVISOR, Membership.Role.DECISION_MAKER}


def can_handle_cases(viewer: Membership) -> bool:
    """Reading and handling the agency's cases: the supervisors and the decision maker."""
    return viewer.role in HANDLING_ROLES


def can_manage_cases(viewer: Membership) -> bool:
    """Moving, closing, assigning, joining duplicates and opening cases: the supervisors."""
    return viewer.role == Membership.Role.SUPERVISOR
