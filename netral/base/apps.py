from django.apps import AppConfig

from netral.base.lookups import register_array_in


class BaseConfig(AppConfig):
    name = "netral.base"
    label = "base"
    verbose_name = "Netral base"

    def ready(self) -> None:
        register_array_in()
        from netral.base import retention  # noqa: F401 (kinds on the retention schedule)
