from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from incidents.views import (
    credentials,
    imports,
    notice_templates,
    notifications,
    obligations,
    partners,
    people,
    profile,
    register,
    security_log_views,
)
from incidents.views.health import healthz

# The admin signs in through the one sign-in page (lockouts, MFA, the security log): its
# own login form would be a way around them.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="incidents:list", permanent=False)),
    path("accounts/profile/", profile.profile_page, name="profile"),
    path("accounts/profile/sessions/end/", profile.end_other_sessions, name="end-other-sessions"),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("imports/<int:job_id>/", imports.import_job, name="import-job"),
    path("people/", people.people_page, name="people"),
    path("people/<int:user_id>/roles/", people.person_roles, name="people-roles"),
    path(
        "people/<int:user_id>/sessions/end/",
        people.person_sessions_end,
        name="people-sessions-end",
    ),
    path("people/mfa-policy/", people.mfa_policy, name="people-mfa-policy"),
    path("people/unlock/", people.unlock_sign_in, name="people-unlock"),
    path("security-log/", security_log_views.security_log_page, name="security-log"),
    path(
        "security-log.jsonl",
        security_log_views.security_log_export,
        name="security-log-export",
    ),
    path("admin/", admin.site.urls),
    path("incidents/", include("incidents.urls")),
    path("credentials/", credentials.credential_list, name="credentials"),
    path("credentials/import/", credentials.credential_import, name="credentials-import"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("partners/", partners.partner_list, name="partners"),
    path("register.csv", register.breach_register, name="breach-register"),
    path("obligations/", obligations.obligation_dashboard, name="obligations"),
    path("partners/import/", partners.partner_import, name="partners-import"),
    path("partners/<int:partner_id>/", partners.partner_log, name="partner"),
    path(
        "notice-templates/<int:template_id>/",
        notice_templates.template_edit,
        name="notice-template",
    ),
    path(
        "notice-templates/<int:template_id>/preview/",
        notice_templates.template_preview,
        name="notice-template-preview",
    ),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
]
