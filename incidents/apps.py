from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from incidents import cache_check  # noqa: F401 - registers the check
        from incidents.regulation import system_check  # noqa: F401 - registers the check

        self.connect_caches()
        from incidents.signin import mfa_log

        mfa_log.connect()

    @staticmethod
    def connect_caches() -> None:
        """Caches forget what changes (incidents.cache_invalidation)."""
        from incidents import cache_invalidation

        cache_invalidation.connect()
