"""Secrets stay out: every credential field refuses one (system and tags too), PGP private
keys and keys written in groups are seen; free text warns first and offers to keep only a
fingerprint, or (not a secret after all) to save as typed, which is logged."""

from __future__ import annotations

import pytest

from incidents.models import Credential, Note, SecurityEvent
from incidents.services import ServiceError
from incidents.services.credentials import add_credential
from incidents.services.free_text import LooksSecret
from incidents.services.notes import add_note
from incidents.services.secret_guard import find_secrets, fingerprinted
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----"
PGP = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF...\n-----END PGP PRIVATE KEY BLOCK-----"
DB_URL = "postgres://admin:hunter2-Secret@db.internal:5432/prod"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("system", "AKIAIOSFODNN7EXAMPLE"),
        ("tags", [GITHUB]),
        ("name", PEM),
        ("owner", PGP),
        ("environment", DB_URL[:40]),
        ("system", DB_URL[:120]),
        ("name", "AKIA IOSF ODNN 7EXA MPLE"),
    ],
)
def test_every_credential_field_refuses_a_secret(field, value):
    values = {"name": "k", "kind": "api_key", "system": "s", "identifier": "…1a2b", field: value}
    with pytest.raises(ServiceError, match="never stores secrets"):
        add_credential(**values)
    assert not Credential.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "Incident 2026-0042 began at 10:42 on web01; 1,200 users; ticket SEC-1234.",
        "The endpoint /internal/v2/content answered 200 without a token.",
        "Rotated the content-api partner key ending …7c1e at 14:05 UTC.",
    ],
)
def test_ordinary_response_text_is_not_taken_for_a_secret(text):
    assert find_secrets(text) == []


def test_a_note_with_a_token_is_not_saved_until_the_person_chooses(cast, incident):
    with pytest.raises(LooksSecret, match="a GitHub token"):
        add_note(incident=incident, body=f"Found {GITHUB} in the logs", by=cast.responder)
    assert not Note.objects.exists()
    note = add_note(
        incident=incident,
        body=f"Found {GITHUB} in the logs",
        by=cast.responder,
        secrets="fingerprint",
    )
    assert GITHUB not in note.body and "[secret removed: sha256 " in note.body
    assert note.body.endswith("in the logs") and "ends “R8”" not in note.body
    event = incident.events.get(verb="note.added")
    assert GITHUB not in str(event.after)


def test_saving_as_typed_is_possible_and_logged_without_the_text(cast, incident):
    add_note(incident=incident, body=f"Rule id {GITHUB}", by=cast.responder, secrets="keep")
    logged = SecurityEvent.objects.get(verb="free_text.secret_kept")
    assert logged.after["found"] == {"note": ["a GitHub token"]} and GITHUB not in str(logged.after)


def test_the_page_offers_the_choice_and_the_fingerprint_button_works(cast, incident):
    client = client_for(cast.responder)
    url = f"/incidents/{incident.reference}/notes/"
    warned = client.post(url, {"body": f"key {GITHUB}"}, HTTP_HX_REQUEST="true")
    body = warned.content.decode()
    assert warned.status_code == 422 and "looks like a live secret" in body
    assert 'name="secrets" value="fingerprint"' in body and GITHUB in body  # typed text kept
    client.post(url, {"body": f"key {GITHUB}", "secrets": "fingerprint"}, HTTP_HX_REQUEST="true")
    assert GITHUB not in Note.objects.get().body


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("fields/summary/", {"value": f"creds: {DB_URL}", "was": ""}),
        (
            "exposures/save/",
            {
                "category": "contact-details",
                "status": "ruled_out",
                "disclosed": "on",
                "evidence": PEM,
            },
        ),
        (
            "risk/",
            {
                "dpc": "1",
                "ei": "1",
                "dpc_rationale": GITHUB,
                "ei_rationale": "x",
                "cb_rationale": "x",
            },
        ),
    ],
)
def test_summary_evidence_and_rationales_warn_too(cast, incident, path, data):
    before = incident.events.count()
    response = client_for(cast.commander).post(
        f"/incidents/{incident.reference}/{path}", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and "looks like a live secret" in response.content.decode()
    assert incident.events.count() == before


def test_fingerprinting_keeps_the_rest_of_the_text():
    text = f"before {GITHUB} middle AKIAIOSFODNN7EXAMPLE after"
    result = fingerprinted(text)
    assert result.startswith("before [secret removed: sha256 ") and result.endswith(" after")
    assert "middle" in result and GITHUB not in result and "AKIAIOSFODNN7EXAMPLE" not in result
