from django.apps import AppConfig


class AlbumsConfig(AppConfig):
    name = "albums"
    verbose_name = "AdultWork albums"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the system checks and signal receivers)
