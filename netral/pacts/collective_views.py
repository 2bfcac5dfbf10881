"""Closing the ceremony (after a confirmation page) and the collective ikrar document."""

from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.storage import file_response
from netral.pacts import collective, selectors
from netral.pacts.models import Campaign, Signatory, Signature


@officer_view(is_admin)
def ceremony_close_view(request: HttpRequest, code: str, viewer: Membership) -> HttpResponse:
    """What closing will do, then on POST: close and make the collective document."""
    campaign = selectors.campaign_get(viewer=viewer, code=code)
    if campaign.status == Campaign.Status.CLOSED:
        if request.method == "POST" and collective.collective_may_restart(campaign):
            # The last attempt failed (e.g. no certificate yet): make the document again.
            job = collective.collective_start(actor=Actor.from_request(request), campaign=campaign)
            return redirect("accounts:job", code=job.code)
        return redirect("pacts:campaign_detail", code=campaign.code)
    if campaign.status != Campaign.Status.OPEN:
        return redirect("pacts:campaign_detail", code=campaign.code)
    if request.method == "POST":
        job = collective.ceremony_close(
            actor=Actor.from_request(request),
            campaign=campaign,
            publish=request.POST.get("publish") == "1",
        )
        return redirect("accounts:job", code=job.code)
    channel_labels = dict(Signature.Channel.choices)
    channels = [
        (channel_labels.get(channel, channel), total)
        for channel, total in Signature.objects.filter(campaign=campaign)
        .values_list("channel")
        .annotate(total=Count("id"))
        .order_by("channel")
    ]
    unsigned = Signatory.objects.filter(campaign=campaign, signed_at__isnull=True)
    return render(
        request,
        "pacts/ceremony_close.html",
        {
            "campaign": campaign,
            "channels": channels,
            "completion": selectors.campaign_completion(campaign),
            "unsigned": unsigned,
        },
    )


def _collective_file(campaign: Campaign) -> FileResponse:
    if not campaign.collective_name:
        raise Http404
    return file_response(
        campaign.collective_name,
        filename=f"ikrar-bersama-{campaign.code}.pdf",
        content_type="application/pdf",
    )


@officer_view(is_admin)
def collective_download_view(request: HttpRequest, code: str, viewer: Membership) -> FileResponse:
    return _collective_file(selectors.campaign_get(viewer=viewer, code=code))


@require_GET
def collective_public_view(request: HttpRequest, code: str) -> FileResponse:
    """Anyone, for a campaign whose public page is on and whose document was published."""
    campaign = Campaign.objects.filter(code=code, is_public=True, collective_published=True).first()
    if campaign is None:
        raise Http404
    return _collective_file(campaign)
