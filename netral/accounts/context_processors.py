from typing import Any

from django.http import HttpRequest

from netral.accounts.models import Membership


def membership(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "membership", None)
    others = (
        Membership.objects.filter(user_id=current.user_id)
        .exclude(pk=current.pk)
        .select_related("agency")
        if current is not None
        else Membership.objects.none()
    )
    return {"membership": current, "other_memberships": others}
