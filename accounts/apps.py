from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in"

    def ready(self) -> None:
        from . import throttle  # noqa: F401  (registers the receiver that counts failed sign-ins per address)
