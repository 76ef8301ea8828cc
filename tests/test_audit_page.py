"""The Audit page: auditors and admins see the signing key, the latest checkpoint and the
verification runs; a run asked for here is done by a worker with its progress; only admins
sign a checkpoint on demand; everyone who uses Breachroom may take the verifier."""

from __future__ import annotations

from incidents.checkpoints import keys
from incidents.models import AuditCheckpoint, AuditVerification, Event, SecurityEvent
from incidents.services import audit_runs
from incidents.services.checkpoints import make_checkpoint
from incidents.services.notes import add_note
from tests.conftest import client_for


def test_auditors_see_the_key_the_checkpoint_and_the_last_run(cast, incident):
    add_note(incident=incident, body="hello", by=cast.responder)
    checkpoint = make_checkpoint()
    audit_runs.run_now()
    page = client_for(cast.auditor).get("/audit/")
    body = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert keys.load().fingerprint in body and checkpoint.root in body
    assert "Intact</strong> at the last full run" in body
    assert "Sign a checkpoint now" not in body  # admins only


def test_a_run_asked_for_is_done_by_the_task_and_shows_problems(cast, incident):
    add_note(incident=incident, body="hello", by=cast.responder)
    make_checkpoint()
    client = client_for(cast.auditor)
    response = client.post("/audit/verify/")
    run = AuditVerification.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/audit/runs/{run.pk}/"
    assert SecurityEvent.objects.filter(verb="audit.verification_requested").exists()
    assert "Queued" in client.get(f"/audit/runs/{run.pk}/").content.decode()
    # A second ask while one runs is refused, saying so.
    refused = client.post("/audit/verify/", follow=True)
    assert "already running" in refused.content.decode()
    events = Event.objects.count() + SecurityEvent.objects.count()
    done = audit_runs.run(run.pk)  # the task's body, as the worker runs it
    assert (done.state, done.intact, done.checkpoint_seq) == ("done", True, 1)
    assert done.events == events and done.chains_done == done.chains_total
    assert "Intact" in client.get(f"/audit/runs/{run.pk}/").content.decode()


def test_a_broken_trail_shows_as_broken_with_what_broke(cast, incident):
    add_note(incident=incident, body="hello", by=cast.responder)
    make_checkpoint()
    from incidents.models import Incident

    Incident.objects.filter(pk=incident.pk).update(head_hash="0" * 64)
    run = audit_runs.run_now()
    assert run.intact is False and run.problems
    body = client_for(cast.auditor).get("/audit/").content.decode()
    assert "Broken</strong> at the last full run" in body and incident.reference in body


def test_only_admins_sign_a_checkpoint_on_demand(cast, incident):
    assert client_for(cast.auditor).post("/audit/checkpoint/").status_code == 403
    assert not AuditCheckpoint.objects.exists()
    response = client_for(cast.admin).post("/audit/checkpoint/", follow=True)
    assert "Checkpoint 1 signed" in response.content.decode()
    assert SecurityEvent.objects.filter(verb="audit.checkpoint_made").exists()


def test_responders_cannot_read_the_audit_page_but_may_take_the_verifier(cast):
    client = client_for(cast.responder)
    assert client.get("/audit/").status_code == 403
    verifier = client.get("/audit/verify_bundle.py")
    assert verifier.status_code == 200
    assert b"def verify(" in b"".join(verifier.streaming_content)
