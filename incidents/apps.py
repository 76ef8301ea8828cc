from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from incidents.regulation import system_check  # noqa: F401 - registers the check
        from incidents.signin import mfa_log

        mfa_log.connect()
