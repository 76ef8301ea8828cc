from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from incidents.regulation import system_check  # noqa: F401 - registers the check

        self.connect_caches()

    @staticmethod
    def connect_caches() -> None:
        """Caches forget what changes (incidents.list_cache)."""
        from incidents import list_cache, viewer_cache

        list_cache.connect()
        viewer_cache.connect()
