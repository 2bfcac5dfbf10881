"""The officer pages of an election's debunked claims: the list, adding one, removing one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from netral.accounts.access import officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.pacts.selectors import election_get
from netral.screening import debunked
from netral.screening.selfcheck_forms import DebunkedClaimForm


@officer_view(debunked.can_keep_claims)
def claim_list_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    election = election_get(viewer=viewer, code=code)
    form = DebunkedClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        debunked.debunked_claim_create(
            actor=Actor.from_request(request), viewer=viewer, election=election, **form.cleaned_data
        )
        messages.success(request, _("The claim was added; screening now looks for it."))
        return redirect("screening:claim_list", code=election.code)
    return render(
        request,
        "screening/claim_list.html",
        {
            "election": election,
            "claims": debunked.debunked_claim_list(viewer=viewer, election=election),
            "form": form,
            "agency": viewer.agency,
        },
    )


@officer_view(debunked.can_keep_claims)
def claim_delete_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    claim = debunked.debunked_claim_get(viewer=viewer, code=code)
    if request.method == "POST":
        debunked.debunked_claim_delete(actor=Actor.from_request(request), claim=claim)
        messages.success(request, _("The claim was removed."))
        return redirect("screening:claim_list", code=claim.election.code)
    return render(request, "screening/claim_delete.html", {"claim": claim})


urlpatterns: list[URLPattern] = [
    path("pemilu/<str:code>/hoaks/", claim_list_view, name="claim_list"),
    path("hoaks/<str:code>/hapus/", claim_delete_view, name="claim_delete"),
]
