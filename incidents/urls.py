from django.urls import path

from incidents.views import (
    audit,
    exposures,
    fields,
    incidents,
    members,
    mitigation,
    notes,
    notices,
    obligations,
    regulator_pack,
    risk,
    timeline,
)

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
    path("<str:reference>/audit.json", audit.audit_export, name="audit-export"),
    path("<str:reference>/notices/draft/", notices.notices_draft, name="notices-draft"),
    path("<str:reference>/notices/<int:notice_id>/", notices.notice_page, name="notice"),
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
