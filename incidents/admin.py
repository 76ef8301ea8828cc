from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from incidents.models import DataCategory, Event, Incident, Playbook, PlaybookItem
from incidents.services import ServiceError
from incidents.services.checklists import validate_steps


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


class PlaybookStepsFormSet(BaseInlineFormSet):
    """Refuse unknown dependencies, cycles and unknown check kinds before anything saves."""

    def clean(self) -> None:
        super().clean()
        steps = [
            {
                "key": f.cleaned_data["key"],
                "depends_on": f.cleaned_data.get("depends_on") or [],
                "check_kind": f.cleaned_data.get("check_kind", ""),
            }
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        try:
            validate_steps(steps)
        except ServiceError as error:
            raise ValidationError(error.messages) from None


class PlaybookItemInline(admin.TabularInline):
    model = PlaybookItem
    formset = PlaybookStepsFormSet
    extra = 1
    fields = (
        "position",
        "key",
        "title",
        "role",
        "due_after_hours",
        "depends_on",
        "check_kind",
        "check_params",
        "instructions",
    )


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """Playbook templates. Edit a copy as a new version: incidents keep the version they
    were made from, so a landed version should not change under them."""

    list_display = ("name", "slug", "version", "created_at")
    inlines = [PlaybookItemInline]


@admin.register(DataCategory)
class DataCategoryAdmin(admin.ModelAdmin):
    """The data-category catalogue: admin-editable reference data."""

    list_display = ("name", "personal_data", "special_category", "sensitivity")
