from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "netral.privacy"
    label = "privacy"
    verbose_name = "Personal data protection"

    def ready(self) -> None:
        # Registers the job that exports what an agency holds about one employee.
        from netral.privacy import exports  # noqa: F401
