"""The public self-check: an employee pastes a draft post and sees which words may break the
neutrality rules. The text is neither stored nor logged. And the contestants page, where an
election's admin enters the words the rules look for."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.findings import case_desk
from netral.pacts.selectors import election_get
from netral.screening import contestants
from netral.screening.models import Category
from netral.screening.pipeline import Flag, Result, merged_spans, screen
from netral.screening.rules import RULES
from netral.screening.selfcheck_forms import ContestantForm, SelfCheckForm
from netral.screening.vocabulary import running_elections, vocabulary_for, vocabulary_running


@dataclass
class Piece:
    text: str
    marked: bool


@dataclass
class FlagView:
    flag: Flag
    act_number: int | None
    act_name: str


@dataclass
class CategoryGroup:
    label: str
    category: str
    flags: list[FlagView]


def highlighted(text: str, flags: list[Flag]) -> list[Piece]:
    """The text cut into pieces, the words behind any flag marked."""
    pieces: list[Piece] = []
    position = 0
    for start, end in merged_spans(text, ((s.start, s.end) for f in flags for s in f.spans)):
        if start > position:
            pieces.append(Piece(text[position:start], False))
        pieces.append(Piece(text[start:end], True))
        position = end
    if position < len(text):
        pieces.append(Piece(text[position:], False))
    return pieces


def grouped(result: Result) -> list[CategoryGroup]:
    acts = {act.code: (act.number, act.name) for act in case_desk().acts()}
    by_category: dict[str, list[FlagView]] = defaultdict(list)
    for flag in sorted(result.flags, key=lambda f: -f.score):
        rule = RULES.get(flag.rule)
        number, name = acts.get(rule.skb, (None, "")) if rule else (None, "")
        by_category[flag.category].append(FlagView(flag, number, name))
    return [
        CategoryGroup(str(label), value, by_category[value])
        for value, label in Category.choices
        if by_category[value]
    ]


@sensitive_variables("form", "text", "result")
@sensitive_post_parameters("text")
@never_cache
def selfcheck_view(request: HttpRequest) -> HttpResponse:
    form = SelfCheckForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        text: str = form.cleaned_data["text"]
        election = form.cleaned_data["election"]
        if election is not None:
            vocabulary, running = vocabulary_for(election), []
        else:
            # No election chosen: every running election's contestants and debunked claims.
            today = timezone.localdate()
            vocabulary = vocabulary_running(today)
            running = [
                str(name) for name in running_elections(today).values_list("name", flat=True)
            ]
        result = screen(text, vocabulary=vocabulary)
        context.update(
            checked=True,
            result=result,
            groups=grouped(result),
            pieces=highlighted(text, result.flags),
            election=election,
            running=running,
        )
    return render(request, "screening/selfcheck.html", context)


@officer_view(is_admin)
def contestant_list_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election = election_get(viewer=viewer, code=code)
    return render(
        request,
        "screening/contestant_list.html",
        {
            "election": election,
            "contestants": contestants.contestant_list(viewer=viewer, election=election),
            "can_edit": contestants.can_edit_contestants(viewer=viewer, election=election),
        },
    )


@officer_view(is_admin)
def contestant_create_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election = election_get(viewer=viewer, code=code)
    if not contestants.can_edit_contestants(viewer=viewer, election=election):
        raise PermissionDenied
    form = ContestantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contestants.contestant_create(
            actor=Actor.from_request(request), election=election, **form.cleaned_data
        )
        messages.success(request, _("The contestant was added."))
        return redirect("screening:contestant_list", code=election.code)
    return render(request, "screening/contestant_form.html", {"election": election, "form": form})


@officer_view(is_admin)
def contestant_edit_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    contestant = contestants.contestant_get(viewer=viewer, code=code)
    election = contestant.election
    if not contestants.can_edit_contestants(viewer=viewer, election=election):
        raise PermissionDenied
    form = ContestantForm(request.POST or None, instance=contestant)
    if request.method == "POST" and form.is_valid():
        contestants.contestant_update(
            actor=Actor.from_request(request), contestant=contestant, **form.cleaned_data
        )
        messages.success(request, _("The contestant was saved."))
        return redirect("screening:contestant_list", code=election.code)
    return render(
        request,
        "screening/contestant_form.html",
        {"election": election, "form": form, "contestant": contestant},
    )


@officer_view(is_admin)
def contestant_delete_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    contestant = contestants.contestant_get(viewer=viewer, code=code)
    election = contestant.election
    if not contestants.can_edit_contestants(viewer=viewer, election=election):
        raise PermissionDenied
    if request.method == "POST":
        contestants.contestant_delete(actor=Actor.from_request(request), contestant=contestant)
        messages.success(request, _("The contestant was removed."))
        return redirect("screening:contestant_list", code=election.code)
    return render(request, "screening/contestant_delete.html", {"contestant": contestant})


urlpatterns: list[URLPattern] = [
    path("periksa/", selfcheck_view, name="selfcheck"),
    path("pemilu/<str:code>/kontestan/", contestant_list_view, name="contestant_list"),
    path("pemilu/<str:code>/kontestan/baru/", contestant_create_view, name="contestant_create"),
    path("kontestan/<str:code>/", contestant_edit_view, name="contestant_edit"),
    path("kontestan/<str:code>/hapus/", contestant_delete_view, name="contestant_delete"),
]
