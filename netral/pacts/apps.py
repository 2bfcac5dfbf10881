from django.apps import AppConfig


class PactsConfig(AppConfig):
    name = "netral.pacts"
    label = "pacts"
    verbose_name = "Pacts and signing"

    def ready(self) -> None:
        # Connects the signal receivers and registers the archive job.
        from netral.pacts import archives, receivers  # noqa: F401
