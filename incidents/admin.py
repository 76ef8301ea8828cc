from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from incidents.models import (
    ChecklistItem,
    DataCategory,
    Event,
    Incident,
    Playbook,
    PlaybookItem,
    SecurityEvent,
)
from incidents.services import ServiceError, security_log
from incidents.services.catalogue import new_playbook_version, save_category
from incidents.services.checklists import validate_steps
from incidents.signin.sessions import end_sessions


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-only here: every change must go through services/ to be on the record."""

    list_display: tuple[str, ...] = ("reference", "title", "severity", "status", "restricted")
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


def _in_use(playbook: Playbook) -> bool:
    return ChecklistItem.objects.filter(playbook=playbook).exists()


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """Playbook templates. A version some incident's checklist came from is read-only: the
    action "Copy as a new version" makes the next version to edit (services.catalogue)."""

    list_display = ("name", "slug", "version", "created_at")
    inlines = [PlaybookItemInline]
    actions = ["copy_as_new_version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _in_use(obj):
            return False  # its steps are on incidents' records
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not _in_use(obj)

    @admin.action(description="Copy as a new version (to edit)")
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[Playbook]) -> None:
        for playbook in queryset:
            copy = new_playbook_version(playbook=playbook, by=request.user, request=request)
            self.message_user(request, f"{copy} made from v{playbook.version}.")


@admin.register(DataCategory)
class DataCategoryAdmin(admin.ModelAdmin):
    """The data-category catalogue. Saving goes through services.catalogue: a change to a
    flag the rules read re-decides the duties of open incidents, each on their record."""

    list_display = ("name", "personal_data", "special_category", "sensitivity")

    def save_model(self, request: HttpRequest, obj: DataCategory, form: Any, change: bool) -> None:
        touched = save_category(category=obj, by=request.user, request=request)
        if touched:
            self.message_user(request, f"Duties recomputed on {', '.join(touched)}.")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # exposures point at categories; their history must keep them


@admin.register(SecurityEvent)
class SecurityEventAdmin(IncidentAdmin):
    list_display: tuple[str, ...] = ("seq", "verb", "actor_label", "occurred_at")
    search_fields = ("verb", "actor_label")


class AccountAdmin(UserAdmin):
    """Accounts: made and deactivated here, each change on the security log. Roles are
    given on the People page (a service that logs and ends sessions), not as groups here."""

    readonly_fields = ("groups", "user_permissions", "is_superuser", "last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        fields = sorted(set(form.changed_data) - {"password", "password1", "password2"})
        security_log.record(
            "account.changed" if change else "account.created",
            actor=request.user,
            request=request,
            details={"user": obj.get_username(), "fields": fields},
        )
        if change and "is_active" in fields and not obj.is_active:
            end_sessions(user=obj)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
admin.site.unregister(Group)  # roles are fixed names; granting them is the People page
