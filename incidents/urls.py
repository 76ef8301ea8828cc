from django.urls import path

from incidents.views import audit, exposures, fields, incidents, notes

app_name = "incidents"

urlpatterns = [
    path("", incidents.incident_list, name="list"),
    path("new/", incidents.incident_open, name="open"),
    path("<str:reference>/", incidents.incident_detail, name="detail"),
    path("<str:reference>/transition/", incidents.incident_transition, name="transition"),
    path("<str:reference>/fields/<str:field>/", fields.incident_field, name="field"),
    path("<str:reference>/exposures/", exposures.exposure_section, name="exposures"),
    path("<str:reference>/exposures/new/", exposures.exposure_new, name="exposure-new"),
    path("<str:reference>/exposures/save/", exposures.exposure_save, name="exposure-save"),
    path(
        "<str:reference>/exposures/<slug:category>/edit/",
        exposures.exposure_editor,
        name="exposure-edit",
    ),
    path("<str:reference>/notes/", notes.note_add, name="note-add"),
    path("<str:reference>/checks/<str:check>/", incidents.incident_run_check, name="run-check"),
    path("<str:reference>/audit.json", audit.audit_export, name="audit-export"),
]
