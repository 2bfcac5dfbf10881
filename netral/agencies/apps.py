from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "netral.agencies"
    label = "agencies"
    verbose_name = "Agencies and rosters"
