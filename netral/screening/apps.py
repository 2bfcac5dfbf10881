from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "netral.screening"
    label = "screening"
    verbose_name = "Screening of posts"
