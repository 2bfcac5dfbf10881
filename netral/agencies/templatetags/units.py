"""`units|labelled`: each unit with its label for a picker, a repeated name followed by its
parents' names ("Sekretariat — Dinas Kesehatan"), as the forms' unit pickers show them."""

from collections.abc import Iterable

from django import template

from netral.agencies.forms import unit_labels
from netral.agencies.models import Unit

register = template.Library()


@register.filter
def labelled(units: Iterable[Unit]) -> list[tuple[Unit, str]]:
    listed = list(units)
    labels = unit_labels(listed)
    return [(unit, labels.get(unit.pk, unit.name)) for unit in listed]
