"""Every event records the request it came from (one id for all events of one action) and
how its actor signed in, covered by the hash; a task's events say "worker"."""

from __future__ import annotations

from incidents.audit import verify_incident
from incidents.request_context import SESSION_KEY, acting, current, task_finished, task_started
from incidents.services.notes import add_note
from tests.conftest import client_for
from tests.factories import keep_evidence


def test_the_events_of_one_request_share_its_id_and_the_sign_in_method(cast, incident):
    proof = keep_evidence(incident, by=cast.responder)
    client = client_for(cast.responder)
    session = client.session
    session[SESSION_KEY] = [{"method": "password", "at": 1}, {"method": "mfa", "type": "totp"}]
    session.save()
    response = client.post(
        f"/incidents/{incident.reference}/exposures/save/",
        {
            "category": "financial-payment",
            "status": "ruled_out",
            "disclosed": "on",
            "evidence": "separate segment",
            "backing_files": [proof.pk],
        },
    )
    assert response.status_code == 302, response.content[:400]
    before = incident.events.get(verb="evidence.uploaded").seq
    events = list(incident.events.filter(seq__gt=before))
    assert {e.verb for e in events} >= {"evidence.linked", "exposure.recorded"}
    assert {e.request_id for e in events} == {response["X-Request-ID"]}
    assert {e.auth_method for e in events} == {"mfa"}
    assert verify_incident(incident).intact  # the fields are hashed, and hash as stored


def test_a_changed_request_id_breaks_the_chain(cast, incident):
    with acting("r-1", "password"):
        add_note(incident=incident, body="hello", by=cast.responder)
    event = incident.events.get(verb="note.added")
    assert (event.request_id, event.auth_method) == ("r-1", "password")
    from incidents.audit import recompute_hash

    event.request_id = "r-2"
    assert recompute_hash(event, incident.reference) != event.hash


def test_a_task_is_a_worker_and_a_script_claims_nothing(cast, incident):
    task_started(task_id="task-42")
    try:
        assert current() == ("task-42", "worker")
        add_note(incident=incident, body="from a task", by=cast.responder)
    finally:
        task_finished()
    add_note(incident=incident, body="from a script", by=cast.responder)
    task_note, script_note = incident.events.filter(verb="note.added").order_by("seq")
    assert (task_note.request_id, task_note.auth_method) == ("task-42", "worker")
    assert (script_note.request_id, script_note.auth_method) == (None, None)


def test_a_single_sign_on_session_says_sso(cast, incident):
    client = client_for(cast.commander)
    session = client.session
    session[SESSION_KEY] = [{"method": "socialaccount", "provider": "oidc"}]
    session.save()
    client.post(f"/incidents/{incident.reference}/notes/", {"body": "via the IdP"})
    note = incident.events.get(verb="note.added")
    assert note.auth_method == "sso"
