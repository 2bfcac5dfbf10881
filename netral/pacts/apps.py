from django.apps import AppConfig


class PactsConfig(AppConfig):
    name = "netral.pacts"
    label = "pacts"
    verbose_name = "Pacts and signing"
