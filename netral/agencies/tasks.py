"""Background work for rosters, run by `netral db_worker` (or in place in tests)."""

from django_tasks import task

from netral.accounts.actors import Actor
from netral.accounts.models import User
from netral.agencies.models import RosterImport
from netral.agencies.services import roster_import_analyse_run, roster_import_apply_run


@task()
def roster_import_analyse(code: str) -> None:
    roster_import_analyse_run(RosterImport.objects.select_related("agency").get(code=code))


@task()
def roster_import_apply(
    code: str, user_id: int | None, label: str, ip: str | None, user_agent: str
) -> None:
    actor = Actor(
        user=User.objects.filter(pk=user_id).first() if user_id else None,
        label=label,
        ip=ip,
        user_agent=user_agent,
    )
    roster_import_apply_run(RosterImport.objects.select_related("agency").get(code=code), actor)
