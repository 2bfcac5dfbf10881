"""Pages for people without an account: signing through a personal link, and verification."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from netral.agencies.identifiers import mask_nip
from netral.core import merkle
from netral.core.audit import Actor
from netral.pacts import selectors, services, transparency
from netral.pacts.forms import SignForm
from netral.pacts.models import Campaign, Signature, TreeHead


@never_cache
def sign_view(request: HttpRequest, token: str) -> HttpResponse:
    link = services.signing_link_find(token)
    if link is None:
        return render(request, "pacts/link_invalid.html", status=404)
    campaign, employee = link.campaign, link.employee
    signature = Signature.objects.filter(campaign=campaign, employee=employee).first()
    if signature is not None:
        return render(request, "pacts/signed.html", {"signature": signature, "token": token})
    if not campaign.accepts_signatures():
        return render(request, "pacts/campaign_closed.html", {"campaign": campaign}, status=410)
    form = SignForm(request.POST or None, employee=employee)
    if request.method == "POST" and form.is_valid():
        try:
            services.signature_create(
                actor=Actor.from_request(request),
                campaign=campaign,
                employee=employee,
                channel=Signature.Channel.LINK,
                typed_name=form.cleaned_data["typed_name"],
                drawn_signature=form.cleaned_data["drawn_signature"],
            )
        except services.CampaignStateError:
            return render(request, "pacts/campaign_closed.html", {"campaign": campaign}, status=410)
        return redirect("pacts:sign", token=token)
    return render(
        request,
        "pacts/sign.html",
        {"campaign": campaign, "employee": employee, "pact": campaign.pact_version, "form": form},
    )


@never_cache
def sign_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    link = services.signing_link_find(token)
    signature = (
        Signature.objects.filter(campaign=link.campaign, employee=link.employee)
        .select_related("campaign__pact_version", "campaign__agency", "employee__unit")
        .first()
        if link
        else None
    )
    if signature is None:
        raise Http404
    from netral.pacts import documents  # loads the PDF and sealing libraries on first use

    pdf = documents.signature_pdf(
        signature=signature, base_url=request.build_absolute_uri("/")[:-1]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pakta-{signature.code}.pdf"'
    return response


def verify_view(request: HttpRequest, code: str) -> HttpResponse:
    signature = selectors.signature_public_get(code)
    head = TreeHead.objects.filter(campaign=signature.campaign).order_by("-size").first()
    in_log = (
        signature.log_index is not None and head is not None and head.size > signature.log_index
    )
    return render(
        request,
        "pacts/verify.html",
        {
            "signature": signature,
            "masked_nip": mask_nip(signature.employee.nip) if signature.employee.nip else "",
            "in_log": in_log,
            "head": head,
        },
    )


def _campaign_or_404(code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code).exclude(status=Campaign.Status.DRAFT).first()
    if campaign is None:
        raise Http404
    return campaign


@require_GET
def tree_head_view(request: HttpRequest, code: str) -> JsonResponse:
    campaign = _campaign_or_404(code)
    head = TreeHead.objects.filter(campaign=campaign).order_by("-size").first()
    if head is None:
        return JsonResponse({"campaign": code, "size": 0}, status=404)
    return JsonResponse(_head_json(head))


def _head_json(head: TreeHead) -> dict[str, object]:
    return {
        "campaign": head.campaign.code,
        "size": head.size,
        "root": head.root,
        "timestamp_ms": int(head.signed_at.timestamp() * 1000),
        "signature": head.signature,
        "signed_message": transparency.tree_head_message(
            head.campaign.code, head.size, head.root, int(head.signed_at.timestamp() * 1000)
        ).decode(),
        "algorithm": "Ed25519",
    }


@require_GET
def inclusion_proof_view(request: HttpRequest, code: str, signature_code: str) -> JsonResponse:
    campaign = _campaign_or_404(code)
    signature = Signature.objects.filter(campaign=campaign, code=signature_code).first()
    head = TreeHead.objects.filter(campaign=campaign).order_by("-size").first()
    if signature is None:
        raise Http404
    if signature.log_index is None or head is None or head.size <= signature.log_index:
        return JsonResponse({"status": "queued", "message": _("Queued for the log.")}, status=202)
    leaves = transparency.campaign_leaves(campaign, head.size)
    return JsonResponse(
        {
            "leaf_index": signature.log_index,
            "leaf_hash": leaves[signature.log_index].hex(),
            "tree_head": _head_json(head),
            "proof": [h.hex() for h in merkle.inclusion_proof(signature.log_index, leaves)],
        }
    )


@require_GET
def consistency_proof_view(request: HttpRequest, code: str) -> JsonResponse:
    campaign = _campaign_or_404(code)
    try:
        first, second = int(request.GET["dari"]), int(request.GET["ke"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "give ?dari=<old size>&ke=<new size>"}, status=400)
    heads = {
        h.size: h for h in TreeHead.objects.filter(campaign=campaign, size__in=[first, second])
    }
    if first > second or first not in heads or second not in heads:
        return JsonResponse({"error": "no published tree heads of those sizes"}, status=404)
    leaves = transparency.campaign_leaves(campaign, second)
    return JsonResponse(
        {
            "first": _head_json(heads[first]),
            "second": _head_json(heads[second]),
            "proof": [h.hex() for h in merkle.consistency_proof(first, leaves)],
        }
    )


@require_GET
def log_key_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(transparency.log_public_key_pem(), content_type="text/plain")
