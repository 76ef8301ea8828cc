"""Evidence in a real browser: files dropped on the upload form go up together with the
progress bar shown, and come back listed with their hashes (a non-UTC zone, a phone's
width, dark)."""

from __future__ import annotations

import hashlib

import pytest

from incidents.models import Evidence
from tests.factories import make_incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_files_dropped_on_the_form_are_uploaded_together(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Internal API scraped")
    page = signed_in_page(
        cast.responder,
        f"/incidents/{incident.reference}/evidence/",
        width=400,
        color_scheme="dark",
        timezone_id="Australia/Sydney",
    )
    # What a drag from the desktop delivers: a DataTransfer with two files, dropped on the
    # drop target.
    page.evaluate(
        """() => {
          const transfer = new DataTransfer();
          transfer.items.add(new File(["GET /internal/v2 200\\n"], "gateway.log"));
          transfer.items.add(new File(["payments: 0 rows\\n"], "payments-audit.txt"));
          const target = document.querySelector("label.drop");
          target.dispatchEvent(new DragEvent("dragover", {bubbles: true, dataTransfer: transfer}));
          target.dispatchEvent(new DragEvent("drop", {bubbles: true, dataTransfer: transfer}));
        }"""
    )
    assert page.locator("[data-chosen]").inner_text() == "2 chosen: gateway.log, payments-audit.txt"
    # The bar is replaced with the page once the upload is done: note when it is shown.
    page.evaluate(
        """() => document.addEventListener("htmx:xhr:progress", () => {
          const bar = document.querySelector("form[data-progress] progress");
          if (bar && !bar.hidden) { window.progressShown = bar.value; }
        })"""
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="payments-audit.txt").wait_for()
    assert page.evaluate("window.progressShown") == 100
    kept = {e.filename: e.blob.sha256 for e in Evidence.objects.select_related("blob")}
    assert kept == {
        "gateway.log": hashlib.sha256(b"GET /internal/v2 200\n").hexdigest(),
        "payments-audit.txt": hashlib.sha256(b"payments: 0 rows\n").hexdigest(),
    }
    assert kept["gateway.log"] in page.content()


def test_a_second_person_confirms_an_old_key_dead_from_the_rotation_table(cast, signed_in_page):
    """The answer's fields sit in the rotation table, itself inside the bulk-move form:
    Confirm must submit the answer, not the table (forms cannot nest)."""
    from incidents.models import Credential, RotationTask
    from incidents.services import confirmations
    from incidents.services.credentials import add_credential
    from incidents.services.rotations import move_rotation, start_campaign

    incident = make_incident(by=cast.commander, title="Keys to rotate")
    add_credential(name="partner key", kind="api_key", system="content-api", identifier="…7c1e")
    start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.responder)
    task = RotationTask.objects.get()
    move_rotation(task=task, to="rotated", by=cast.responder, new_identifier="…new1")
    move_rotation(task=task, to="revoked", by=cast.responder)
    confirmations.ask(
        incident=incident,
        kind="rotation",
        target=task,
        justification="the gateway refuses the old key since 10:05",
        by=cast.responder,
    )
    page = signed_in_page(
        cast.commander, f"/incidents/{incident.reference}/rotations/", timezone_id="Europe/Berlin"
    )
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Confirmed: the status is changed.").wait_for()
    task.refresh_from_db()
    assert task.state == "verified"
    assert "Confirmed by dana" in page.content()
