"""Rotation, checklist, credential and notification pages over HTTP."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from incidents.models import Credential, Notification, Playbook, PlaybookItem, RotationTask
from incidents.seed import seed_playbooks
from incidents.services.credentials import add_credential
from incidents.services.incident_fields import update_field
from incidents.services.rotations import start_campaign
from tests.conftest import client_for

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def campaign(cast, incident):
    for n, system in enumerate(["content-api", "content-api", "billing"]):
        add_credential(name=f"key {n}", kind="api_key", system=system, identifier=f"…{n:04d}")
    add_credential(name="db", kind="database_password", system="content-api", identifier="…dbdb")
    return incident


def test_api_keys_in_scope_follow_the_affected_systems(cast, campaign):
    from incidents.models import System

    update_field(
        incident=campaign,
        field="affected_systems",
        value=["content-api"],
        was="",
        by=cast.commander,
    )
    response = client_for(cast.responder).post(
        f"/incidents/{campaign.reference}/rotations/campaign/",
        {"scope": "api_keys_in_scope"},
        **HTMX,
    )
    assert response.status_code == 200
    names = set(RotationTask.objects.values_list("credential__name", flat=True))
    assert names == {"key 0", "key 1"} and System.objects.count() == 2
    assert (
        'value="0"' in response.content.decode() or "0 verified of 2" in response.content.decode()
    )


def test_an_empty_selection_is_refused_with_the_reason(cast, campaign):
    response = client_for(cast.responder).post(
        f"/incidents/{campaign.reference}/rotations/campaign/", {"scope": "selection"}, **HTMX
    )
    assert (
        response.status_code == 422
        and "Choose a system, a kind or a tag" in response.content.decode()
    )
    assert not RotationTask.objects.exists()


def test_bulk_moves_update_the_progress(cast, campaign):
    start_campaign(incident=campaign, credentials=Credential.objects.all(), by=cast.commander)
    ids = [str(pk) for pk in RotationTask.objects.values_list("pk", flat=True)]
    client = client_for(cast.responder)
    url = f"/incidents/{campaign.reference}/rotations/move/"
    client.post(url, {"tasks": ids, "to": "exempted", "reason": "decommissioned"}, **HTMX)
    body = client.get(f"/incidents/{campaign.reference}/rotations/", **HTMX).content.decode()
    assert "0 verified, 4 exempted of 4 (100%)" in body


def test_the_rotation_table_loads_from_its_own_address(cast, campaign):
    """The incident page holds a placeholder that loads the table when scrolled into view;
    the same address is the whole table without JavaScript, and passes the same gate."""
    start_campaign(incident=campaign, credentials=Credential.objects.all(), by=cast.commander)
    client = client_for(cast.responder)
    address = f"/incidents/{campaign.reference}/rotations/"
    page = client.get(f"/incidents/{campaign.reference}/").content.decode()
    assert f'hx-get="{address}" hx-trigger="revealed"' in page
    assert "0 verified of 4" not in page  # not drawn with the page
    section = client.get(address, **HTMX)
    assert section.status_code == 200
    html = section.content.decode()
    assert html.lstrip().startswith('<section id="rotations"') and "0 verified of 4" in html
    assert "<html" not in html
    whole = client.get(address).content.decode()
    assert "<html" in whole and "Rotation campaign" in whole


def test_the_rotation_table_is_gated_like_the_page(cast, restricted):
    outsider = client_for(cast.outsider)
    address = f"/incidents/{restricted.reference}/rotations/"
    assert client_for(cast.responder).get(address, **HTMX).status_code == 200
    assert outsider.get(address, **HTMX).status_code == 404
    assert outsider.get(address).status_code == 404


def test_a_responder_picks_a_registered_secret_and_edits_the_probe_later(settings, cast, campaign):
    from incidents.services.probe_secrets import register

    settings.CHECK_TARGET_ALLOWLIST = ["api.example.test"]
    register(name="OLD_KEY", description="content-api key before rotation", by=cast.admin)
    register(name="OLDER_KEY", description="", by=cast.admin)
    start_campaign(
        incident=campaign, credentials=Credential.objects.filter(name="key 0"), by=cast.commander
    )
    task = RotationTask.objects.get()
    url = f"/incidents/{campaign.reference}/rotations/{task.pk}/probe/"
    payload = {
        "url": "https://api.example.test/probe",
        "header": "Authorization",
        "secret_env": "NOT_REGISTERED",
    }
    responder = client_for(cast.responder)
    refused = responder.post(url, payload, **HTMX)
    assert refused.status_code == 422 and "not a registered secret reference" in (
        refused.content.decode()
    )
    assert RotationTask.objects.get(pk=task.pk).probe_secret_env == ""
    page = responder.post(url, {**payload, "secret_env": "OLD_KEY"}, **HTMX).content.decode()
    assert RotationTask.objects.get(pk=task.pk).probe_secret_env == "OLD_KEY"
    assert "Edit the probe for key 0" in page and 'value="OLD_KEY" selected' in page
    edited = {**payload, "url": "https://api.example.test/v2", "secret_env": "OLDER_KEY"}
    assert responder.post(url, edited, **HTMX).status_code == 200
    task.refresh_from_db()
    assert (task.probe_url, task.probe_secret_env) == ("https://api.example.test/v2", "OLDER_KEY")


def test_a_probe_url_off_the_allow_list_is_refused(settings, cast, campaign):
    settings.CHECK_TARGET_ALLOWLIST = []
    start_campaign(
        incident=campaign, credentials=Credential.objects.filter(name="key 0"), by=cast.commander
    )
    task = RotationTask.objects.get()
    response = client_for(cast.admin).post(
        f"/incidents/{campaign.reference}/rotations/{task.pk}/probe/",
        {"url": "http://169.254.169.254/", "header": "Authorization", "secret_env": "OLD_KEY"},
        **HTMX,
    )
    assert response.status_code == 422 and "never checked" in response.content.decode()


def test_completing_a_step_out_of_order_is_refused_in_the_page(cast, incident):
    seed_playbooks(Playbook, PlaybookItem)
    client = client_for(cast.commander)
    client.post(
        f"/incidents/{incident.reference}/checklist/apply/",
        {"playbook": Playbook.objects.get(slug="exposed-internal-api-endpoint").pk},
        **HTMX,
    )
    item = incident.checklist.get(key="patch-endpoint")
    response = client.post(
        f"/incidents/{incident.reference}/checklist/{item.pk}/state/", {"state": "done"}, **HTMX
    )
    assert response.status_code == 422 and "cannot be done before" in response.content.decode()
    # Said beside the step that caused it, not at the top of the checklist.
    step = response.content.decode().split(f'id="item-{item.pk}"', 1)[1].split("</li>", 1)[0]
    assert f'id="item-{item.pk}-error"' in step and "cannot be done before" in step


def test_a_check_settings_error_is_beside_its_step_in_a_responders_words(settings, cast, incident):
    settings.CHECK_TARGET_ALLOWLIST = ["api.melztube.test"]
    seed_playbooks(Playbook, PlaybookItem)
    client = client_for(cast.commander)
    client.post(
        f"/incidents/{incident.reference}/checklist/apply/",
        {"playbook": Playbook.objects.get(slug="exposed-internal-api-endpoint").pk},
        **HTMX,
    )
    item = incident.checklist.get(key="patch-endpoint")
    response = client.post(
        f"/incidents/{incident.reference}/checklist/{item.pk}/check/",
        {"url": "https://elsewhere.example/internal"},
        **HTMX,
    )
    body = response.content.decode()
    step = body.split(f'id="item-{item.pk}"', 1)[1].split("</li>", 1)[0]
    assert response.status_code == 422
    assert "Checks may only call the hosts your administrators allowed" in step
    assert "elsewhere.example is not one of them" in step


def test_an_unknown_item_of_another_incident_is_404(cast, incident):
    from tests.factories import make_incident

    seed_playbooks(Playbook, PlaybookItem)
    other = make_incident(by=cast.commander, title="Other")
    client = client_for(cast.commander)
    client.post(
        f"/incidents/{other.reference}/checklist/apply/",
        {"playbook": Playbook.objects.get(slug="exposed-internal-api-endpoint").pk},
    )
    item = other.checklist.first()
    assert (
        client.post(
            f"/incidents/{incident.reference}/checklist/{item.pk}/state/", {"state": "done"}
        ).status_code
        == 404
    )


def test_the_inventory_needs_a_role_and_writing_needs_a_writer(cast):
    assert client_for(cast.norole).get("/credentials/").status_code == 403  # no role page
    assert client_for(cast.auditor).get("/credentials/").status_code == 200
    payload = {
        "name": "k",
        "kind": "api_key",
        "system": "s",
        "identifier": "…1",
        "environment": "production",
    }
    assert client_for(cast.auditor).post("/credentials/", payload).status_code == 403
    assert client_for(cast.responder).post("/credentials/", payload).status_code == 302
    assert Client().get("/credentials/").status_code == 302


def test_a_secret_typed_into_the_form_is_refused_with_a_clear_message(cast):
    payload = {
        "name": "k",
        "kind": "api_key",
        "system": "s",
        "identifier": "AKIAIOSFODNN7EXAMPLE",
        "environment": "production",
    }
    response = client_for(cast.responder).post("/credentials/", payload)
    assert response.status_code == 422 and "never stores secrets" in response.content.decode()
    assert not Credential.objects.exists()


def test_the_csv_import_shows_a_per_row_report(cast):
    data = b"name,kind,system,identifier\nok,api_key,s,x1\nbad,banana,s,x2\n"
    response = client_for(cast.responder).post(
        "/credentials/import/", {"file": SimpleUploadedFile("c.csv", data)}
    )
    body = response.content.decode()
    assert "Nothing imported: 1 of 2 rows refused." in body and "Unknown kind" in body


def test_notifications_show_only_ones_own_about_visible_incidents(cast, incident, restricted):
    Notification.objects.create(user=cast.outsider, incident=incident, text="visible one")
    Notification.objects.create(user=cast.outsider, incident=restricted, text="secret one")
    Notification.objects.create(user=cast.responder, incident=incident, text="not mine")
    body = client_for(cast.outsider).get("/notifications/").content.decode()
    assert "visible one" in body and "secret one" not in body and "not mine" not in body
    client_for(cast.outsider).post("/notifications/read/")
    assert not Notification.objects.filter(user=cast.outsider, read_at__isnull=True).exists()


def test_detail_page_queries_stay_flat_with_a_big_campaign_and_checklist(cast, campaign, settings):
    from tests.test_incident_views import _queries_for

    settings.INCIDENT_PAGE_CACHE = False  # a cache miss's queries; a hit runs two

    seed_playbooks(Playbook, PlaybookItem)
    client = client_for(cast.commander)
    client.post(
        f"/incidents/{campaign.reference}/checklist/apply/",
        {"playbook": Playbook.objects.get(slug="exposed-internal-api-endpoint").pk},
    )
    start_campaign(incident=campaign, credentials=Credential.objects.all(), by=cast.commander)
    url = f"/incidents/{campaign.reference}/"
    client.get(url)  # warm the short-lived filter-options cache
    before = _queries_for(client, url)
    for n in range(60):
        add_credential(
            name=f"bulk {n}", kind="api_key", system="content-api", identifier=f"…b{n:03d}"
        )
    start_campaign(incident=campaign, credentials=Credential.objects.all(), by=cast.commander)
    client.get(url)  # new credentials are shared data: the filter options are drawn again
    assert _queries_for(client, url) == before
