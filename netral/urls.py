from django.urls import include, path
from django.views.i18n import set_language

from netral.base.webhooks import whatsapp_webhook_view

urlpatterns = [
    path("i18n/bahasa/", set_language, name="set_language"),
    path("pesan/whatsapp/", whatsapp_webhook_view, name="whatsapp_webhook"),
    # Pacts first: a signing link is the busiest URL of a surge, and URLs are tried in order.
    path("", include("netral.pacts.urls")),
    path("", include("netral.accounts.urls")),
    path("", include("netral.agencies.urls")),
    path("", include("netral.monitoring.urls")),
    path("", include("netral.cases.urls")),
    path("", include("netral.screening.urls")),
    path("", include("netral.privacy.urls")),
]
