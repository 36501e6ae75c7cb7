from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "netwerkdag.web"
    label = "web"
    verbose_name = "netwerkdag"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from netwerkdag.web import checks  # noqa: F401 - registers the deployment checks
