from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "netral.agencies"
    label = "agencies"
    verbose_name = "Agencies and rosters"

    def ready(self) -> None:
        # Registers the two roster jobs (the check and the import) and the owners of stored
        # rosters and logos.
        from netral.agencies import letterhead, roster_imports  # noqa: F401
