"""Evidence behind the words: ruling a category out and calling an old key dead by hand need
a file, a passing check's proof, or a second person's confirmation; each is shown beside
the status, and a status whose backing went away says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.checks import CheckOutcome
from incidents.models import (
    CheckRun,
    Confirmation,
    Credential,
    DataCategory,
    Event,
    Evidence,
    EvidenceLink,
    Exposure,
    RotationTask,
)
from incidents.services import ServiceError, check_runs, confirmations, evidence_links
from incidents.services.credentials import add_credential
from incidents.services.evidence import redact
from incidents.services.exposures import current_arguments, record_exposure
from incidents.services.rotations import move_rotation, move_rotations, start_campaign
from tests.conftest import client_for
from tests.factories import keep_evidence, ruling_out_proof


@pytest.fixture
def payment(db):
    return DataCategory.objects.get(slug="financial-payment")


def _rule_out(incident, category, by, **extra):
    return record_exposure(
        incident=incident,
        category=category,
        status="ruled_out",
        evidence="payments run on a separate segment",
        by=by,
        **extra,
    )


def test_ruling_out_on_a_note_alone_is_refused_and_nothing_is_written(cast, incident, payment):
    before = Event.objects.filter(incident=incident).count()
    with pytest.raises(ServiceError, match="needs more than a note"):
        _rule_out(incident, payment, cast.responder)
    assert not Exposure.objects.exists()
    assert Event.objects.filter(incident=incident).count() == before


def test_a_file_chosen_with_the_ruling_out_is_linked_and_named_in_its_event(
    cast, incident, payment
):
    proof = ruling_out_proof(incident, by=cast.responder)
    exposure = _rule_out(incident, payment, cast.responder, backing_files=proof)
    link = EvidenceLink.objects.get()
    assert link.exposure_id == exposure.pk and link.evidence_id == proof[0]
    event = incident.events.filter(verb="exposure.recorded").get()
    assert event.after["backed_by"] == "files linked: 1"
    linked = incident.events.get(verb="evidence.linked")
    assert linked.after["target"] == payment.name and linked.after["to"] == "affected data"
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/").content.decode()
    assert "payments-db-audit.txt" in page and "Not backed" not in page


def test_a_file_of_another_incident_cannot_back_a_decision(cast, incident, payment):
    from tests.factories import make_incident

    other = make_incident(by=cast.commander, title="Other")
    foreign = keep_evidence(other, by=cast.commander)
    with pytest.raises(ServiceError, match="not this incident's evidence"):
        _rule_out(incident, payment, cast.responder, backing_files=[foreign.pk])
    assert not Exposure.objects.exists() and not EvidenceLink.objects.exists()


def test_four_eyes_the_one_who_asked_cannot_confirm_a_second_person_can(cast, incident, payment):
    exposure = record_exposure(
        incident=incident, category=payment, status="suspected", by=cast.responder
    )
    asked = confirmations.ask(
        incident=incident,
        kind="exposure",
        target=exposure,
        justification="no route from the content API to the PCI segment",
        by=cast.responder,
    )
    exposure.refresh_from_db()
    assert exposure.status == "suspected"  # asking changes nothing yet
    with pytest.raises(ServiceError, match="A second person must answer"):
        confirmations.answer(confirmation=asked, confirm=True, by=cast.responder)
    with pytest.raises(ServiceError, match="already asked"):
        confirmations.ask(
            incident=incident, kind="exposure", target=exposure, justification="x", by=cast.admin
        )
    confirmations.answer(confirmation=asked, confirm=True, by=cast.commander)
    exposure.refresh_from_db()
    assert exposure.status == "ruled_out" and exposure.decided_by == cast.commander
    assert exposure.evidence == "no route from the content API to the PCI segment"
    recorded = incident.events.filter(verb="exposure.recorded").latest("seq")
    assert recorded.after["backed_by"] == "confirmed by dana (asked by sam)"
    verbs = list(incident.events.order_by("seq").values_list("verb", flat=True))
    assert verbs[-3:] == ["confirmation.asked", "confirmation.answered", "exposure.recorded"]
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/").content.decode()
    assert "Confirmed by dana" in page and "asked by sam" in page

    # Changed back, the confirmation no longer backs anything.
    record_exposure(**{**current_arguments(exposure), "status": "suspected"}, by=cast.commander)
    assert Confirmation.objects.get().state == "lapsed"


def test_declining_needs_a_reason_and_changes_nothing(cast, incident, payment):
    exposure = record_exposure(
        incident=incident, category=payment, status="suspected", by=cast.responder
    )
    asked = confirmations.ask(
        incident=incident, kind="exposure", target=exposure, justification="x", by=cast.responder
    )
    with pytest.raises(ServiceError, match="Say why you decline"):
        confirmations.answer(confirmation=asked, confirm=False, by=cast.commander)
    confirmations.answer(
        confirmation=asked, confirm=False, note="logs not checked yet", by=cast.commander
    )
    exposure.refresh_from_db()
    assert exposure.status == "suspected" and Confirmation.objects.get().state == "declined"
    with pytest.raises(ServiceError, match="already answered"):
        confirmations.answer(confirmation=asked, confirm=True, by=cast.commander)


def test_the_confirm_form_works_without_javascript_and_says_why_it_refused(cast, incident, payment):
    exposure = record_exposure(
        incident=incident, category=payment, status="suspected", by=cast.responder
    )
    asker = client_for(cast.responder)
    asked = asker.post(
        f"/incidents/{incident.reference}/confirmations/ask/",
        {"kind": "exposure", "target": exposure.pk, "justification": "segmented"},
    )
    assert asked.status_code == 302
    pk = Confirmation.objects.get().pk
    own = asker.post(
        f"/incidents/{incident.reference}/confirmations/{pk}/", {"answer": "confirm"}, follow=True
    )
    assert "A second person must answer" in own.content.decode()
    assert Exposure.objects.get().status == "suspected"
    client_for(cast.commander).post(
        f"/incidents/{incident.reference}/confirmations/{pk}/", {"answer": "confirm"}
    )
    assert Exposure.objects.get().status == "ruled_out"


def test_a_redacted_or_unlinked_file_leaves_the_ruling_out_marked_not_backed(
    cast, incident, payment
):
    proof = ruling_out_proof(incident, by=cast.responder)
    _rule_out(incident, payment, cast.responder, backing_files=proof)
    redact(evidence=Evidence.objects.get(), reason="held a card number", by=cast.admin)
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/").content.decode()
    assert "redacted: backs nothing" in page and "Not backed" in page


def test_unlinking_keeps_the_link_on_the_record(cast, incident, payment):
    proof = ruling_out_proof(incident, by=cast.responder)
    _rule_out(incident, payment, cast.responder, backing_files=proof)
    link = EvidenceLink.objects.get()
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/evidence/links/{link.pk}/unlink/"
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.unlinked_by == cast.responder and link.unlinked_at is not None
    event = incident.events.get(verb="evidence.unlinked")
    assert event.after["target"] == payment.name
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/").content.decode()
    assert "Not backed" in page


def test_the_evidence_page_links_a_file_to_a_duty_step_or_note(cast, incident):
    from incidents.services.notes import add_note

    note = add_note(incident=incident, body="Called the hosting provider", by=cast.responder)
    kept = keep_evidence(incident, by=cast.responder)
    client = client_for(cast.responder)
    page = client.get(f"/incidents/{incident.reference}/evidence/").content.decode()
    assert f'value="note:{note.pk}"' in page
    client.post(
        f"/incidents/{incident.reference}/evidence/{kept.pk}/link/", {"target": f"note:{note.pk}"}
    )
    assert EvidenceLink.objects.get().note_id == note.pk
    page = client.get(f"/incidents/{incident.reference}/evidence/").content.decode()
    assert "Linked to the note" in page
    detail = client.get(f"/incidents/{incident.reference}/").content.decode()
    note_html = detail[detail.index(f'id="note-{note.pk}"') :]
    assert "Files: <a" in note_html[: note_html.index("</article>")]
    # A target of another incident, or of no kind, is refused with a message.
    refused = client.post(
        f"/incidents/{incident.reference}/evidence/{kept.pk}/link/",
        {"target": "exposure:999999"},
        follow=True,
    )
    assert "No such affected data" in refused.content.decode()
    assert EvidenceLink.objects.count() == 1


@pytest.fixture
def revoked(cast, incident):
    add_credential(name="partner key", kind="api_key", system="content-api", identifier="…7c1e")
    start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.responder)
    task = RotationTask.objects.get()
    move_rotation(task=task, to="rotated", by=cast.responder, new_identifier="…new1")
    move_rotation(task=task, to="revoked", by=cast.responder)
    return task


def test_calling_an_old_key_dead_by_hand_needs_proof(cast, incident, revoked):
    with pytest.raises(ServiceError, match="needs proof"):
        move_rotation(task=revoked, to="verified", by=cast.responder)
    revoked.refresh_from_db()
    assert revoked.state == "revoked"
    proof = keep_evidence(incident, by=cast.responder, name="gateway-401.txt")
    move_rotations(
        incident=incident,
        task_ids=[revoked.pk],
        to="verified",
        by=cast.responder,
        backing_files=[proof.pk],
    )
    revoked.refresh_from_db()
    assert revoked.state == "verified"
    event = incident.events.filter(verb="rotation.state_changed").latest("seq")
    assert event.after["backed_by"] == "files linked"


def test_a_second_person_can_confirm_an_old_key_dead(cast, incident, revoked):
    asked = confirmations.ask(
        incident=incident,
        kind="rotation",
        target=revoked,
        justification="the gateway log shows 401 for the old key since 10:05",
        by=cast.responder,
    )
    confirmations.answer(confirmation=asked, confirm=True, by=cast.commander)
    revoked.refresh_from_db()
    assert revoked.state == "verified"
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/rotations/")
    assert "Confirmed by dana" in page.content.decode()


def test_a_probe_keeps_its_proof_as_evidence_and_only_a_pass_backs_the_task(
    cast, incident, revoked
):
    failing = CheckRun.objects.create(
        incident=incident, kind=check_runs.PROBE_KIND, rotation=revoked, params={}
    )
    check_runs.finish(
        failing,
        CheckOutcome("fail", "old key accepted", {"status": 200, "url": "https://api.test/"}),
        worker="w1",
    )
    kept = Evidence.objects.get(check_run=failing)
    assert kept.source == "check" and kept.filename.endswith("-fail.json")
    assert not evidence_links.has_usable_file("rotation", revoked)  # a failed check proves nothing
    passing = CheckRun.objects.create(
        incident=incident, kind=check_runs.PROBE_KIND, rotation=revoked, params={}
    )
    check_runs.finish(
        passing,
        CheckOutcome("pass", "old key refused", {"status": 401, "url": "https://api.test/"}),
        worker="w1",
    )
    revoked.refresh_from_db()
    assert revoked.state == "verified"
    proof = Evidence.objects.get(check_run=passing)
    assert EvidenceLink.objects.filter(evidence=proof, rotation=revoked).exists()
    assert b'"status": 401' in Path(_stored_path(proof)).read_bytes()
    verified = incident.events.filter(verb="rotation.state_changed").latest("seq")
    assert verified.after["backed_by"] == f"probe's proof “{proof.filename}”"


def _stored_path(evidence: Evidence) -> str:
    from django.core.files.storage import storages

    return str(storages["evidence"].path(evidence.blob.storage_name))
