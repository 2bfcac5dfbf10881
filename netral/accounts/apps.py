from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "netral.accounts"
    # The label of the app's first name, "core": it names the user table and every migration,
    # and a swappable user model cannot move to another label.
    label = "core"
    verbose_name = "Netral accounts"
