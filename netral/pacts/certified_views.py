"""The admin's page to test the connection to the BSrE signing service."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from netral.accounts.access import is_admin, officer_view
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.pacts import certified
from netral.pacts.pdf import PactDocument, PactRenderer


class ConnectionTestForm(forms.Form):
    nik = forms.RegexField(
        label=gettext_lazy("Official's NIK"),
        regex=r"^\d{16}$",
        error_messages={"invalid": gettext_lazy("A NIK has 16 digits.")},
    )
    # Only for a test signature; sent to the service once and kept nowhere.
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase (only to test a signature)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


def _test_pdf(agency_name: str) -> bytes:
    renderer = PactRenderer(
        title="Uji Tanda Tangan Elektronik",
        intro=agency_name,
        statement="Dokumen ini hanya untuk menguji sambungan ke layanan BSrE.",
        points=[],
        closing="",
        legal_basis=[],
    )
    return renderer.render(
        PactDocument(
            title="Uji Tanda Tangan Elektronik",
            intro=agency_name,
            fields=[],
            statement="Dokumen ini hanya untuk menguji sambungan ke layanan BSrE.",
            points=[],
            closing="",
            legal_basis=[],
            place_date="",
            place_note="",
            signer_name="",
            signature_png=None,
            verify_url="https://bsre.bssn.go.id/",
            audit=[],
        )
    )


@sensitive_post_parameters("passphrase")
@officer_view(is_admin)
def bsre_connection_view(request: HttpRequest, viewer: Membership) -> HttpResponse:
    form = ConnectionTestForm(request.POST or None)
    status: certified.CertificateStatus | None = None
    signed: certified.CertifiedDocument | None = None
    error = ""
    if request.method == "POST" and certified.bsre_configured() and form.is_valid():
        nik = form.cleaned_data["nik"]
        passphrase = form.cleaned_data["passphrase"]
        try:
            status = certified.certificate_status(nik=nik)
            if passphrase and status.active:
                signed = certified.sign_certified(
                    actor=Actor.from_request(request),
                    nik=nik,
                    passphrase=passphrase,
                    pdf=_test_pdf(viewer.agency.name),
                    filename="uji-netral.pdf",
                )
        except certified.CertifiedSigningError as failure:
            error = failure.message
    return render(
        request,
        "pacts/bsre_connection.html",
        {
            "configured": certified.bsre_configured(),
            "form": form,
            "status": status,
            "signed": signed,
            "error": error,
        },
    )
