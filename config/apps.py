from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's own operations: the request log's receivers (config.logs)."""

    name = "config"
    verbose_name = "Operations"

    def ready(self) -> None:
        from config import logs  # noqa: F401  (connects the django-structlog receivers)
