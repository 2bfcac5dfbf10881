from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "netral.base"
    label = "base"
    verbose_name = "Netral base"
