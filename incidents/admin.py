from django.contrib import admin
from django.http import HttpRequest

from incidents.models import Event, Incident


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-only here: every change must go through services/ to be on the record."""

    list_display = ("reference", "title", "severity", "status", "restricted")
    search_fields = ("reference", "title")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(IncidentAdmin):
    list_display = ("incident", "seq", "verb", "actor_label", "occurred_at")
    search_fields = ("verb", "actor_label")
