"""Reads of elections, pacts, campaigns and signatures, scoped to the acting membership."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from netral.agencies.models import Agency
from netral.core.models import Membership
from netral.pacts.models import Campaign, Election, PactVersion, Signature


def election_list(*, viewer: Membership) -> QuerySet[Election]:
    """The agency's own elections and those a national body defined for everyone."""
    return Election.objects.filter(
        Q(owner=viewer.agency) | Q(owner__kind=Agency.Kind.NATIONAL)
    ).select_related("owner")


def election_get(*, viewer: Membership, code: str) -> Election:
    election = election_list(viewer=viewer).filter(code=code).first()
    if election is None:
        raise Http404
    return election


def pact_version_list(*, viewer: Membership) -> QuerySet[PactVersion]:
    return PactVersion.objects.filter(agency=viewer.agency).select_related("election")


def pact_version_get(*, viewer: Membership, code: str) -> PactVersion:
    version = pact_version_list(viewer=viewer).filter(code=code).first()
    if version is None:
        raise Http404
    return version


def campaign_list(*, viewer: Membership) -> QuerySet[Campaign]:
    return Campaign.objects.filter(agency=viewer.agency).select_related(
        "agency", "election", "pact_version"
    )


def campaign_get(*, viewer: Membership, code: str) -> Campaign:
    campaign = campaign_list(viewer=viewer).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def signature_list(*, viewer: Membership, campaign: Campaign) -> QuerySet[Signature]:
    signatures = Signature.objects.filter(campaign=campaign, agency=viewer.agency)
    if viewer.unit is not None:
        signatures = signatures.filter(unit__path__startswith=viewer.unit.path)
    return signatures.select_related("employee", "unit")


def signature_public_get(code: str) -> Signature:
    """For the public verification page: anyone with the code may see the masked record."""
    signature = (
        Signature.objects.filter(code=code)
        .select_related("campaign", "campaign__election", "agency", "unit", "employee")
        .first()
    )
    if signature is None:
        raise Http404
    return signature
