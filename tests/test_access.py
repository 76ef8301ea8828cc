"""Every route, every role: outsiders get 404 with none of the incident's text; the auditor
reads but never writes. A new route must be added to ROUTES or this file fails."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from incidents.models import Event
from tests.conftest import client_for

# name -> (method, needs an incident, writes)
ROUTES: dict[str, tuple[str, bool, bool]] = {
    "incidents:list": ("GET", False, False),
    "incidents:open": ("POST", False, True),
    "incidents:detail": ("GET", True, False),
    "incidents:timeline": ("GET", True, False),
    "incidents:evidence": ("GET", True, False),
    "incidents:evidence-download": ("GET", True, False),
    "incidents:evidence-thumbnail": ("GET", True, False),
    "incidents:evidence-redact": ("POST", True, True),
    "incidents:evidence-link": ("POST", True, True),
    "incidents:evidence-unlink": ("POST", True, True),
    "incidents:confirmation-ask": ("POST", True, True),
    # Exporting the case reads the record (auditors are who it is for); it is logged.
    "incidents:bundle-request": ("POST", True, False),
    "incidents:bundle": ("GET", True, False),
    "incidents:confirmation-answer": ("POST", True, True),
    "incidents:transition": ("POST", True, True),
    "incidents:field": ("POST", True, True),
    "incidents:exposures": ("GET", True, False),
    "incidents:exposure-save": ("POST", True, True),
    "incidents:exposure-edit": ("GET", True, True),
    "incidents:exposure-new": ("GET", True, True),
    "incidents:note-add": ("POST", True, True),
    "incidents:rotations": ("GET", True, False),
    "incidents:campaign-start": ("POST", True, True),
    "incidents:rotations-move": ("POST", True, True),
    "incidents:rotation-probe": ("POST", True, True),
    "incidents:rotation-verify": ("POST", True, True),
    "incidents:playbook-apply": ("POST", True, True),
    "incidents:step-add": ("POST", True, True),
    "incidents:item-state": ("POST", True, True),
    "incidents:item-assign": ("POST", True, True),
    "incidents:item-check": ("POST", True, True),
    "incidents:item-run": ("POST", True, True),
    "incidents:step-note": ("POST", True, True),
    "incidents:notices-draft": ("POST", True, True),
    "incidents:risk-assess": ("POST", True, True),
    "incidents:notice": ("GET", True, False),
    "incidents:notice-status": ("GET", True, False),
    "incidents:notice-preview": ("POST", True, True),
    "incidents:notice-edit": ("POST", True, True),
    "incidents:notice-submit": ("POST", True, True),
    "incidents:notice-approve": ("POST", True, True),
    "incidents:notice-send": ("POST", True, True),
    "incidents:notice-pdf": ("GET", True, False),
    "incidents:notice-follow-up": ("POST", True, True),
    "incidents:run-check": ("POST", True, True),
    "incidents:audit-export": ("GET", True, False),
    "incidents:obligation-meet": ("POST", True, True),
    "incidents:obligation-waive": ("POST", True, True),
    "incidents:obligation-owner": ("POST", True, True),
    "incidents:regulator-pack": ("GET", True, False),
    "incidents:regulator-pack-pdf": ("GET", True, False),
    "incidents:member-add": ("POST", True, True),
    "incidents:member-remove": ("POST", True, True),
}
# Routes a responder may not use; the member test uses the role that may.
# Who the matrix writes as, where a responder may not: the first checklist step is the
# commander's own (access.may_move_step; tests/test_step_roles.py covers each role).
WRITER = {
    "incidents:member-add": "commander",
    "incidents:member-remove": "commander",
    "incidents:item-state": "commander",
    "incidents:evidence-redact": "admin",
    "incidents:item-assign": "commander",
}
OUT_OF_SCOPE = {
    "healthz",
    "profile",
    "end-other-sessions",
    "import-job",
}  # no incident data behind them
# Admin-only access pages, checked in tests/test_people.py.
ADMIN_PAGES = {
    "people",
    "people-roles",
    "people-sessions-end",
    "people-mfa-policy",
    "people-unlock",
    "security-log",
    "security-log-export",
    # The Audit page: tests/test_audit_page.py.
    "audit",
    "audit-verify",
    "audit-run",
    "audit-checkpoint",
    "audit-verifier",
}
# Not about one incident: checked in tests/test_response_views.py.
ORG_WIDE = {
    "breach-register",
    "obligations",
    "notice-template",
    "notice-template-preview",
    "credentials",
    "credentials-import",
    "notifications",
    "notifications-read",
    "notifications-badge",  # tests/test_notifications.py
    "partners",
    "partners-import",
    "partner",
    "partner-edit",  # tests/test_partner_directory.py
    "partner-retire",
    "partner-contact-edit",
    "partner-contact-retire",
    "probe-secrets",  # tests/test_probe_secrets.py
    "probe-secret-retire",
    # Playbooks: checked in tests/test_playbook_editor.py.
    "playbooks",
    "playbook",
    "playbook-new",
}


def _named_routes(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.lookup_str.startswith("allauth."):
                continue  # signing in (tests/test_signin.py): no incident data behind them
            names.add(namespace + pattern.name)
    return names


def _url(name: str, incident) -> str:
    from django.urls import reverse

    kwargs = {}
    if ROUTES[name][1]:
        kwargs["reference"] = incident.reference
    if name == "incidents:run-check":
        kwargs["check"] = "heartbeat"
    if name == "incidents:field":
        kwargs["field"] = "title"
    if name == "incidents:exposure-edit":
        kwargs["category"] = "viewing-history"
    if name in ("incidents:rotation-probe", "incidents:rotation-verify"):
        kwargs["task_id"] = incident.rotations.first().pk
    if name.startswith("incidents:notice-") or name == "incidents:notice":
        kwargs["notice_id"] = incident.notices.first().pk
    if name.startswith("incidents:obligation-"):
        kwargs["pk"] = incident.obligations.first().pk
    if name in (
        "incidents:evidence-download",
        "incidents:evidence-redact",
        "incidents:evidence-link",
        "incidents:evidence-thumbnail",
    ):
        kwargs["evidence_id"] = incident.evidence.first().pk
    if name == "incidents:evidence-unlink":
        kwargs["link_id"] = incident.evidence_links.first().pk
    if name == "incidents:bundle":
        kwargs["bundle_id"] = incident.bundles.first().pk
    if name == "incidents:confirmation-answer":
        kwargs["confirmation_id"] = incident.confirmations.first().pk
    if name.startswith("incidents:item-") or name == "incidents:step-note":
        kwargs["item_id"] = incident.checklist.first().pk
    return reverse(name, kwargs=kwargs)


def _payload(name: str) -> dict[str, object]:
    payloads: dict[str, dict[str, object]] = {
        "incidents:open": {"title": "Hostile", "severity": "sev1"},
        "incidents:transition": {"to": "triage", "reason": "go"},
        "incidents:field": {"value": "Renamed", "was": "Secret MelzTube breach"},
        "incidents:exposure-save": {
            "category": "contact-details",
            "status": "suspected",
            "disclosed": "on",
        },
        "incidents:note-add": {"body": "hello"},
        "incidents:campaign-start": {"scope": "selection", "kind": "ssh_key"},
        "incidents:rotations-move": {"to": "rotated", "tasks": ["1"]},
        "incidents:rotation-probe": {"url": "https://api.example.test/", "header": "Authorization"},
        "incidents:playbook-apply": {"playbook": "1"},
        "incidents:step-add": {"title": "Call the hosting provider"},
        "incidents:item-state": {"state": "in_progress"},
        "incidents:step-note": {"body": "Waiting on NetOps"},
        "incidents:evidence-redact": {"reason": "holds a customer's card number"},
        "incidents:evidence-link": {"target": "note:0"},
        "incidents:confirmation-ask": {"kind": "exposure", "justification": "x"},
        "incidents:confirmation-answer": {"answer": "decline", "note": "not convinced"},
        "incidents:item-assign": {"assignee": ""},
        "incidents:item-check": {"url": "http://127.0.0.1/"},
        "incidents:notices-draft": {"template": "1", "partners": ["1"]},
        "incidents:notice-preview": {"subject": "s", "body": "{{ title }}"},
        "incidents:notice-edit": {"subject": "s", "body": "b", "version": "1"},
        "incidents:obligation-meet": {"filed_at": "2026-01-02T10:00", "reference": "DPA-1"},
        "incidents:obligation-owner": {"owner": "sam"},
        "incidents:obligation-waive": {"reason": "unlikely to result in a risk"},
        "incidents:member-add": {"username": "casey"},
        "incidents:member-remove": {"username": "sam"},
    }
    return payloads.get(name, {})


def _call(client, name: str, incident):
    method = ROUTES[name][0]
    url = _url(name, incident)
    data = _payload(name)
    if name == "incidents:confirmation-ask":
        data["target"] = str(incident.exposures.first().pk)
    return client.get(url) if method == "GET" else client.post(url, data)


@pytest.fixture
def exposed(cast, restricted):
    """The restricted incident with an exposure, a rotation task and a checklist, so every
    route has a target."""
    from incidents.models import Credential, DataCategory, Playbook, PlaybookItem
    from incidents.seed import seed_playbooks
    from incidents.services.checklists import apply_playbook
    from incidents.services.credentials import add_credential
    from incidents.services.exposures import Range, record_exposure
    from incidents.services.rotations import start_campaign

    category = DataCategory.objects.get(slug="viewing-history")
    exposure = record_exposure(
        incident=restricted,
        category=category,
        status="suspected",
        by=cast.commander,
        people=Range(10, 10),
        people_by_jurisdiction={"DE": 10},
    )
    add_credential(name="content key", kind="api_key", system="content-api", identifier="…9f2c")
    start_campaign(incident=restricted, credentials=Credential.objects.all(), by=cast.commander)
    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=restricted,
        playbook=Playbook.objects.get(slug="exposed-internal-api-endpoint"),
        by=cast.commander,
    )
    from incidents.models import NoticeTemplate, Partner
    from incidents.services.notices import draft_notice

    partner = Partner.objects.create(name="PayCo", audience="payment_partner")
    template = NoticeTemplate.objects.create(
        name="t", audience="payment_partner", subject="s", body="{{ title }}"
    )
    draft_notice(incident=restricted, partner=partner, template=template, by=cast.commander)
    from incidents.services import confirmations, evidence_links
    from tests.factories import keep_evidence

    proof = keep_evidence(restricted, by=cast.commander)
    evidence_links.link(evidence=proof, kind="exposure", target=exposure, by=cast.commander)
    confirmations.ask(
        incident=restricted,
        kind="exposure",
        target=exposure,
        justification="the segment has no route to it",
        by=cast.commander,
    )
    from incidents.services.case_bundles import request_bundle

    request_bundle(incident=restricted, by=cast.commander)
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 30)).save(picture, format="PNG")
    # The newest file, so the routes about one file are about a picture (it has a preview).
    keep_evidence(restricted, by=cast.commander, content=picture.getvalue(), name="shot.png")
    return exposure


def test_every_named_route_is_in_the_access_table():
    missing = _named_routes() - set(ROUTES) - OUT_OF_SCOPE - ORG_WIDE - ADMIN_PAGES
    assert not missing, f"add these routes to ROUTES in tests/test_access.py: {sorted(missing)}"


@pytest.mark.parametrize("name", [n for n, (_, needs, _) in ROUTES.items() if needs])
@pytest.mark.parametrize("who", ["outsider", "norole"])
def test_outsiders_get_404_without_the_incidents_text(cast, restricted, exposed, name, who):
    response = _call(client_for(getattr(cast, who)), name, restricted)
    body = response.content.decode()
    if who == "norole":  # no role: one page saying so, whatever was asked
        assert response.status_code == 403 and "No role yet" in body
    else:
        assert response.status_code == 404
    assert restricted.title not in body and restricted.reference not in body
    # opened, exposure, its duty (GDPR Art. 33), campaign, playbook, notice, evidence, its
    # link, an ask to rule out, an export and a screenshot (no download by an outsider is
    # recorded: they were refused before it)
    assert Event.objects.filter(incident=restricted).count() == 11


@pytest.mark.parametrize("name", [n for n, (_, needs, _) in ROUTES.items() if needs])
def test_members_reach_every_incident_route(cast, restricted, exposed, name):
    response = _call(client_for(getattr(cast, WRITER.get(name, "responder"))), name, restricted)
    assert response.status_code in (200, 302), response.content[:300]


@pytest.mark.parametrize("name", [n for n, (_, _, writes) in ROUTES.items() if writes])
def test_the_auditor_cannot_write(cast, restricted, exposed, name):
    before = Event.objects.count()
    response = _call(client_for(cast.auditor), name, restricted)
    assert response.status_code == 403
    body = response.content.decode()
    assert "read-only" in body or "cannot" in body or "may not" in body
    assert Event.objects.count() == before


@pytest.mark.parametrize("name", list(ROUTES))
def test_anonymous_users_are_sent_to_sign_in(db, cast, restricted, exposed, name):
    from django.test import Client

    response = _call(Client(), name, restricted)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_what_the_user_may_see(cast, incident, restricted):
    outsider_page = client_for(cast.outsider).get("/incidents/").content.decode()
    assert incident.reference in outsider_page and restricted.reference not in outsider_page
    member_page = client_for(cast.responder).get("/incidents/").content.decode()
    assert restricted.reference in member_page
    admin_page = client_for(cast.admin).get("/incidents/").content.decode()
    assert restricted.reference in admin_page
    no_role = client_for(cast.norole).get("/incidents/")
    assert no_role.status_code == 403 and incident.reference not in no_role.content.decode()
    assert "filters" not in no_role.content.decode()  # not the list's form either
