from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "netral.agencies"
    label = "agencies"
    verbose_name = "Agencies and rosters"

    def ready(self) -> None:
        # Registers the two roster jobs (the check and the import).
        from netral.agencies import roster_imports  # noqa: F401
