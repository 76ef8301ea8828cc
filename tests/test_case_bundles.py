"""Exporting the whole case: one ZIP with the audit log, its verification, every evidence
file, every sent notice and the regulator pack, a manifest of SHA-256 hashes that match
what is inside, kept as evidence so its download is a custody event."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from incidents.models import CaseBundle, Event, Evidence, Notice, Partner
from incidents.services import ServiceError
from incidents.services.case_bundles import build, request_bundle
from incidents.services.evidence import redact
from tests.conftest import client_for
from tests.factories import keep_evidence


def _sent_notice(incident, by) -> Notice:
    partner = Partner.objects.create(name="PayFlow", audience="payment_partner")
    return Notice.objects.create(
        incident=incident,
        partner=partner,
        subject="s",
        body="b",
        rendered_subject="Incident update",
        rendered_body="No payment information was compromised.",
        last_editor=by,
        state="sent",
        sent_at=timezone.now() - timedelta(minutes=5),
        content_sha256="0" * 64,
    )


def _zip_of(job: CaseBundle) -> zipfile.ZipFile:
    assert job.evidence is not None
    with storages["evidence"].open(job.evidence.blob.storage_name, "rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def test_the_bundle_holds_the_record_and_its_manifest_matches_every_file(cast, incident):
    log = keep_evidence(incident, by=cast.responder, content=b"GET /internal/v2 200\n" * 50)
    secret = keep_evidence(incident, by=cast.responder, content=b"card 4111", name="cards.txt")
    redact(evidence=secret, reason="held a card number", by=cast.admin)
    notice = _sent_notice(incident, cast.comms)
    job = request_bundle(incident=incident, by=cast.auditor)
    events_then = incident.events.count()
    built = build(job.pk, worker="w1")  # the task's body, run here

    assert built.state == "done" and built.files_done == built.files_total
    kept = Evidence.objects.get(pk=built.evidence_id)
    assert kept.source == "export" and kept.filename.endswith(".zip")
    bundle = _zip_of(built)
    manifest = json.loads(bundle.read("MANIFEST.json"))
    for entry in manifest["files"]:
        data = bundle.read(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
    names = set(bundle.namelist())
    assert {
        "events.jsonl",
        "verification.json",
        "regulator-pack.pdf",
        f"evidence/{log.pk}-log.txt",
        f"notices/{notice.pk}/notice.txt",
        f"notices/{notice.pk}/notice.html",
        f"notices/{notice.pk}/notice.pdf",
    } <= names
    assert bundle.read(f"evidence/{log.pk}-log.txt") == b"GET /internal/v2 200\n" * 50
    assert not any("cards" in name for name in names)  # the redacted file's bytes stay out
    [tombstone] = [e for e in manifest["evidence"] if e["id"] == secret.pk]
    assert tombstone["included"] is False and tombstone["why"].startswith("redacted")
    lines = bundle.read("events.jsonl").decode().splitlines()
    assert len(lines) == events_then and json.loads(lines[-1])["verb"] == "bundle.requested"
    assert json.loads(bundle.read("verification.json"))["intact"] is True
    assert bundle.read(f"notices/{notice.pk}/notice.pdf").startswith(b"%PDF")
    event = incident.events.get(verb="bundle.built")
    assert event.after["sha256"] == kept.blob.sha256 and event.after["mismatches"] == []


def test_downloading_the_bundle_is_a_custody_event(cast, incident):
    job = request_bundle(incident=incident, by=cast.auditor)
    built = build(job.pk)
    client = client_for(cast.auditor)
    page = client.get(f"/incidents/{incident.reference}/exports/{job.pk}/").content.decode()
    assert built.evidence.blob.sha256 in page
    response = client.get(f"/incidents/{incident.reference}/evidence/{built.evidence_id}/download/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    b"".join(response.streaming_content)
    taken = Event.objects.get(incident=incident, verb="evidence.downloaded")
    assert taken.actor_id == cast.auditor.pk and taken.after["evidence_id"] == built.evidence_id


def test_an_evidence_file_whose_bytes_changed_on_disk_is_named_not_passed_off(cast, incident):
    log = keep_evidence(incident, by=cast.responder)
    stored = Path(storages["evidence"].path(log.blob.storage_name))
    stored.write_bytes(b"rewritten behind Breachroom's back\n")
    built = build(request_bundle(incident=incident, by=cast.auditor).pk)
    manifest = json.loads(_zip_of(built).read("MANIFEST.json"))
    path = f"evidence/{log.pk}-log.txt"
    assert manifest["mismatches"] == [path]
    [entry] = [e for e in manifest["evidence"] if e["id"] == log.pk]
    assert entry["bytes_match_hash"] is False
    assert incident.events.get(verb="bundle.built").after["mismatches"] == [path]


def test_one_build_at_a_time_and_a_second_delivery_builds_nothing(cast, incident):
    job = request_bundle(incident=incident, by=cast.auditor)
    with pytest.raises(ServiceError, match="already being built"):
        request_bundle(incident=incident, by=cast.responder)
    build(job.pk)
    again = build(job.pk)  # the broker delivered it twice
    assert again.state == "done" and Evidence.objects.filter(source="export").count() == 1
    assert incident.events.filter(verb="bundle.built").count() == 1


def test_an_outsider_cannot_ask_for_or_see_an_export(cast, restricted):
    job = request_bundle(incident=restricted, by=cast.commander)
    client = client_for(cast.outsider)
    assert client.post(f"/incidents/{restricted.reference}/exports/").status_code == 404
    page = client.get(f"/incidents/{restricted.reference}/exports/{job.pk}/")
    assert page.status_code == 404 and CaseBundle.objects.count() == 1


def test_a_failed_build_says_why_and_keeps_nothing(cast, incident, monkeypatch):
    from incidents.evidence import bundle

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(bundle, "write", broken)
    built = build(request_bundle(incident=incident, by=cast.auditor).pk)
    assert built.state == "failed" and "No space left on device" in built.error
    assert not Evidence.objects.filter(source="export").exists()
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/exports/{built.pk}/")
    assert "The export failed" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_export_asked_for_on_the_page(cast, incident):
    """The page's button queues the build; a Celery worker process (Redis broker) builds it
    into the same evidence storage the web process serves it from."""
    import time

    from tests.processes import running_stack
    from tests.services import require_redis

    require_redis()
    keep_evidence(incident, by=cast.responder)
    with running_stack() as stack:
        stack.start_worker()
        response = client_for(cast.auditor).post(f"/incidents/{incident.reference}/exports/")
        assert response.status_code == 302
        job = CaseBundle.objects.get()
        deadline = time.monotonic() + 30
        while job.running and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    assert job.state == "done", job.error
    assert "evidence/" in " ".join(_zip_of(job).namelist())
    # The worker's event says so, with its task's id; the page's request its own.
    built = incident.events.get(verb="bundle.built")
    asked = incident.events.get(verb="bundle.requested")
    assert built.auth_method == "worker" and built.request_id
    assert asked.auth_method == "session" and asked.request_id != built.request_id
