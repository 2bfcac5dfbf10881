from django.apps import AppConfig


class PactsConfig(AppConfig):
    name = "netral.pacts"
    label = "pacts"
    verbose_name = "Pacts and signing"

    def ready(self) -> None:
        # Connects the signal receivers, registers the archive and code slip jobs and the owners
        # of the stored pacts and scans.
        from netral.pacts import archives, code_slips, documents, receivers  # noqa: F401
