from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "netral.screening"
    label = "screening"
    verbose_name = "Screening of posts"

    def ready(self) -> None:
        # Registers the batch screening job and the batches' place on the retention schedule.
        from netral.screening import batch, retention  # noqa: F401
