from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "netral.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring, reminders and reports"

    def ready(self) -> None:
        # Connects the signal receivers and registers the report and reminder jobs.
        from netral.monitoring import chase_exports, receivers, reminders, reports  # noqa: F401
