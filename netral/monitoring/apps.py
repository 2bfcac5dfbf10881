from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "netral.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring, reminders and reports"

    def ready(self) -> None:
        from netral.monitoring import receivers  # noqa: F401  (connects the signal receivers)
