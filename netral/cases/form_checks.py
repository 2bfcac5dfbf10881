"""Checks shared by the public report form and the officers' case forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_LINKS = 10
MAX_LINK_CHARS = 500


class ActFactsMixin(forms.Form):
    """`occurred_on` not in the future; `links` one web address per line, at most ten."""

    def clean_occurred_on(self) -> Any:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on and occurred_on > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return occurred_on

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(
                _("At most %(limit)s links may be given."), params={"limit": MAX_LINKS}
            )
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                if len(line) > MAX_LINK_CHARS:
                    raise ValidationError("too long")
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not a web address starting with http:// or https://."),
                    params={"link": line[:80]},
                ) from None
        return lines
