from django.urls import path

from incidents.views import audit, incidents

app_name = "incidents"

urlpatterns = [
    path("", incidents.incident_list, name="list"),
    path("new/", incidents.incident_open, name="open"),
    path("<str:reference>/", incidents.incident_detail, name="detail"),
    path("<str:reference>/transition/", incidents.incident_transition, name="transition"),
    path("<str:reference>/checks/<str:check>/", incidents.incident_run_check, name="run-check"),
    path("<str:reference>/audit.json", audit.audit_export, name="audit-export"),
]
