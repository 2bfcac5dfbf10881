from django.apps import AppConfig


class PactsConfig(AppConfig):
    name = "netral.pacts"
    label = "pacts"
    verbose_name = "Pacts and signing"

    def ready(self) -> None:
        from netral.pacts import receivers  # noqa: F401  (connects the signal receivers)
