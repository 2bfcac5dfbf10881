"""Deadlines in calendar or working days. Working days skip Saturdays, Sundays, the national
holidays of the `holidays` package, and the extra days off entered as NonWorkingDay (cuti
bersama, which the government fixes each year)."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.utils import timezone

from netral.cases.models import NonWorkingDay, ProcedureStage


@lru_cache(maxsize=32)
def _national(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def is_working_day(day: datetime.date, extra: frozenset[datetime.date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _national(day.year) and day not in extra


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (start itself does not count)."""
    extra = frozenset(
        NonWorkingDay.objects.filter(
            date__gt=start, date__lte=start + datetime.timedelta(days=days * 3 + 30)
        ).values_list("date", flat=True)
    )
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, extra):
            days -= 1
    return day


def stage_due_at(stage: ProcedureStage, started_at: datetime.datetime) -> datetime.datetime:
    """The end of the stage's last day, in the local time zone."""
    local = timezone.localtime(started_at)
    if stage.day_kind == ProcedureStage.DayKind.WORKING:
        last = add_working_days(local.date(), stage.days)
    else:
        last = local.date() + datetime.timedelta(days=stage.days)
    end = datetime.datetime.combine(last, datetime.time(23, 59, 59))
    return timezone.make_aware(end, timezone.get_current_timezone())
