from django.apps import AppConfig


class PactsConfig(AppConfig):
    name = "netral.pacts"
    label = "pacts"
    verbose_name = "Pacts and signing"

    def ready(self) -> None:
        # Connects the signal receivers, registers the archive, code slip and collective document
        # jobs and the owners of the stored pacts, scans and collective documents, and puts the
        # signatures' addresses on the retention schedule.
        from netral.pacts import (  # noqa: F401
            archives,
            code_slips,
            collective,
            documents,
            receivers,
            retention,
        )
