from django.apps import AppConfig


class PactsConfig(AppConfig):
    name = "netral.pacts"
    label = "pacts"
    verbose_name = "Pacts and signing"

    def ready(self) -> None:
        # Connects the signal receivers and registers the archive and code slip jobs.
        from netral.pacts import archives, code_slips, receivers  # noqa: F401
