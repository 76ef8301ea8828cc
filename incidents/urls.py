"""Every route of the app, in two lists: `urlpatterns`, an incident's pages under
/incidents/ (namespace "incidents"), and `site_urlpatterns`, the organisation-wide pages
(people, credentials, partners, duties, the security log, settings). config/urls.py mounts
both beside the framework's own (sign-in, admin)."""

from django.urls import path

from incidents.views import (
    audit,
    credentials,
    exposures,
    fields,
    imports,
    incidents,
    members,
    mitigation,
    notes,
    notice_templates,
    notices,
    notifications,
    obligations,
    partners,
    people,
    playbooks,
    probe_secrets,
    profile,
    register,
    regulator_pack,
    risk,
    security_log_views,
    timeline,
)
from incidents.views.health import healthz

app_name = "incidents"

urlpatterns = [
    path("", incidents.incident_list, name="list"),
    path("new/", incidents.incident_open, name="open"),
    path("<str:reference>/", incidents.incident_detail, name="detail"),
    path("<str:reference>/timeline/", timeline.incident_timeline, name="timeline"),
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
    path("<str:reference>/members/add/", members.member_add, name="member-add"),
    path("<str:reference>/members/remove/", members.member_remove, name="member-remove"),
    path("<str:reference>/risk/", risk.risk_assess, name="risk-assess"),
    path(
        "<str:reference>/obligations/<int:pk>/meet/",
        obligations.obligation_meet,
        name="obligation-meet",
    ),
    path(
        "<str:reference>/obligations/<int:pk>/waive/",
        obligations.obligation_waive,
        name="obligation-waive",
    ),
    path(
        "<str:reference>/obligations/<int:pk>/owner/",
        obligations.obligation_owner,
        name="obligation-owner",
    ),
    path("<str:reference>/regulator-pack/", regulator_pack.pack_page, name="regulator-pack"),
    path("<str:reference>/regulator-pack.pdf", regulator_pack.pack_pdf, name="regulator-pack-pdf"),
    path("<str:reference>/checks/<str:check>/", incidents.incident_run_check, name="run-check"),
    path("<str:reference>/rotations/", mitigation.rotations_all, name="rotations"),
    path("<str:reference>/rotations/campaign/", mitigation.campaign_start, name="campaign-start"),
    path("<str:reference>/rotations/move/", mitigation.rotations_move, name="rotations-move"),
    path(
        "<str:reference>/rotations/<int:task_id>/probe/",
        mitigation.rotation_probe,
        name="rotation-probe",
    ),
    path(
        "<str:reference>/rotations/<int:task_id>/verify/",
        mitigation.rotation_verify,
        name="rotation-verify",
    ),
    path("<str:reference>/checklist/apply/", mitigation.playbook_apply, name="playbook-apply"),
    path("<str:reference>/checklist/add/", mitigation.step_add, name="step-add"),
    path(
        "<str:reference>/checklist/<int:item_id>/state/",
        mitigation.item_state,
        name="item-state",
    ),
    path(
        "<str:reference>/checklist/<int:item_id>/assign/",
        mitigation.item_assign,
        name="item-assign",
    ),
    path(
        "<str:reference>/checklist/<int:item_id>/check/",
        mitigation.item_check,
        name="item-check",
    ),
    path("<str:reference>/checklist/<int:item_id>/run/", mitigation.item_run, name="item-run"),
    path(
        "<str:reference>/checklist/<int:item_id>/note/",
        mitigation.step_note,
        name="step-note",
    ),
    path("<str:reference>/audit.json", audit.audit_export, name="audit-export"),
    path("<str:reference>/notices/draft/", notices.notices_draft, name="notices-draft"),
    path("<str:reference>/notices/<int:notice_id>/", notices.notice_page, name="notice"),
    path(
        "<str:reference>/notices/<int:notice_id>/status/",
        notices.notice_status,
        name="notice-status",
    ),
    path(
        "<str:reference>/notices/<int:notice_id>/preview/",
        notices.notice_preview,
        name="notice-preview",
    ),
    path("<str:reference>/notices/<int:notice_id>/edit/", notices.notice_edit, name="notice-edit"),
    path(
        "<str:reference>/notices/<int:notice_id>/submit/",
        notices.notice_submit,
        name="notice-submit",
    ),
    path(
        "<str:reference>/notices/<int:notice_id>/approve/",
        notices.notice_approve,
        name="notice-approve",
    ),
    path("<str:reference>/notices/<int:notice_id>/send/", notices.notice_send, name="notice-send"),
    path("<str:reference>/notices/<int:notice_id>/pdf/", notices.notice_pdf, name="notice-pdf"),
    path(
        "<str:reference>/notices/<int:notice_id>/follow-up/",
        notices.notice_follow_up,
        name="notice-follow-up",
    ),
]

site_urlpatterns = [
    path("accounts/profile/", profile.profile_page, name="profile"),
    path("accounts/profile/sessions/end/", profile.end_other_sessions, name="end-other-sessions"),
    path("healthz", healthz, name="healthz"),
    path("imports/<int:job_id>/", imports.import_job, name="import-job"),
    path("people/", people.people_page, name="people"),
    path("playbooks/", playbooks.playbook_list, name="playbooks"),
    path("playbooks/new/", playbooks.playbook_new, name="playbook-new"),
    path("playbooks/<int:pk>/", playbooks.playbook_edit, name="playbook"),
    path("probe-secrets/", probe_secrets.probe_secrets_page, name="probe-secrets"),
    path(
        "probe-secrets/<int:secret_id>/retire/",
        probe_secrets.probe_secret_retire,
        name="probe-secret-retire",
    ),
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
    path("credentials/", credentials.credential_list, name="credentials"),
    path("credentials/import/", credentials.credential_import, name="credentials-import"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    path("notifications/badge/", notifications.notification_badge, name="notifications-badge"),
    path("partners/", partners.partner_list, name="partners"),
    path("partners/import/", partners.partner_import, name="partners-import"),
    path("partners/<int:partner_id>/", partners.partner_log, name="partner"),
    path("partners/<int:partner_id>/edit/", partners.partner_edit, name="partner-edit"),
    path("partners/<int:partner_id>/retire/", partners.partner_retire, name="partner-retire"),
    path(
        "partners/<int:partner_id>/contacts/<int:contact_id>/edit/",
        partners.contact_edit,
        name="partner-contact-edit",
    ),
    path(
        "partners/<int:partner_id>/contacts/<int:contact_id>/retire/",
        partners.contact_retire,
        name="partner-contact-retire",
    ),
    path("register.csv", register.breach_register, name="breach-register"),
    path("obligations/", obligations.obligation_dashboard, name="obligations"),
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
]
