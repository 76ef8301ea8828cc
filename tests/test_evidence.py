"""Evidence files: hashed as they stream, kept once, refused clearly with nothing stored,
served only as a download through the gate, each upload and download on the chain."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import Event, Evidence, EvidenceBlob
from incidents.services.evidence import safe_filename
from tests.conftest import client_for

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 40


def _upload(user, incident, *files: SimpleUploadedFile):
    return client_for(user).post(
        f"/incidents/{incident.reference}/evidence/", {"files": list(files)}
    )


def test_an_upload_is_hashed_typed_from_its_content_and_logged(cast, incident):
    body = b"203.0.113.7 GET /internal/v2/users 200\n" * 100
    response = _upload(cast.responder, incident, SimpleUploadedFile("gateway.log", body))
    assert response.status_code == 302
    kept = Evidence.objects.get()
    assert kept.blob.sha256 == hashlib.sha256(body).hexdigest() and kept.blob.size == len(body)
    event = Event.objects.get(verb="evidence.uploaded")
    assert event.after["sha256"] == kept.blob.sha256 and event.actor_id == cast.responder.pk


def test_the_type_comes_from_the_bytes_not_the_name(cast, incident):
    _upload(cast.responder, incident, SimpleUploadedFile("report.pdf", PNG))
    assert EvidenceBlob.objects.get().content_type == "image/png"


def test_the_same_file_twice_is_stored_once_and_given_twice(cast, incident):
    body = b"same bytes"
    _upload(cast.responder, incident, SimpleUploadedFile("a.txt", body))
    _upload(cast.commander, incident, SimpleUploadedFile("b.txt", body))
    assert EvidenceBlob.objects.count() == 1 and Evidence.objects.count() == 2


def test_an_oversize_upload_is_refused_saying_so_and_nothing_is_kept(settings, cast, incident):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = _upload(cast.responder, incident, SimpleUploadedFile("dump.bin", b"x" * 5000))
    assert response.status_code == 422
    assert "larger than the limit (1,024 bytes)" in response.content.decode()
    assert not EvidenceBlob.objects.exists() and not Evidence.objects.exists()
    assert not Event.objects.filter(verb="evidence.uploaded").exists()


def test_an_empty_file_and_no_file_are_refused_clearly(cast, incident):
    empty = _upload(cast.responder, incident, SimpleUploadedFile("empty.txt", b""))
    assert empty.status_code == 422 and "is empty (0 bytes)" in empty.content.decode()
    none = client_for(cast.responder).post(f"/incidents/{incident.reference}/evidence/", {})
    assert none.status_code == 422 and "Choose at least one file" in none.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sam\\report.pdf", "report.pdf"),
        ("bad\x00name\x1b[31m.txt", "badname[31m.txt"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_hostile_file_names_are_kept_safely(given, kept):
    assert safe_filename(given) == kept


def test_a_5000_character_name_keeps_its_extension():
    name = safe_filename("a" * 5000 + ".eml")
    assert len(name) == 200 and name.endswith(".eml")


def test_a_download_is_an_attachment_with_its_hash_and_is_logged(cast, incident):
    _upload(cast.responder, incident, SimpleUploadedFile("<script>.html", b"<script>x</script>"))
    kept = Evidence.objects.get()
    response = client_for(cast.auditor).get(
        f"/incidents/{incident.reference}/evidence/{kept.pk}/download/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<script>x</script>"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Evidence-SHA256"] == kept.blob.sha256
    logged = Event.objects.get(verb="evidence.downloaded")
    assert logged.actor_id == cast.auditor.pk and logged.after["sha256"] == kept.blob.sha256


def test_the_auditor_reads_but_cannot_upload(cast, incident):
    assert (
        client_for(cast.auditor).get(f"/incidents/{incident.reference}/evidence/").status_code
        == 200
    )
    refused = _upload(cast.auditor, incident, SimpleUploadedFile("x.txt", b"x"))
    assert refused.status_code == 403 and not Evidence.objects.exists()


def test_a_file_of_another_incident_is_not_found_through_this_one(cast, incident, restricted):
    from tests.factories import keep_evidence

    theirs = keep_evidence(restricted, by=cast.commander)
    response = client_for(cast.responder).get(
        f"/incidents/{incident.reference}/evidence/{theirs.pk}/download/"
    )
    assert response.status_code == 404
    assert not Event.objects.filter(verb="evidence.downloaded").exists()


def test_the_page_lists_files_with_their_hash_and_escapes_names(cast, incident):
    _upload(cast.responder, incident, SimpleUploadedFile("<img src=x onerror=alert(1)>.txt", b"a"))
    html = (
        client_for(cast.responder)
        .get(f"/incidents/{incident.reference}/evidence/")
        .content.decode()
    )
    assert hashlib.sha256(b"a").hexdigest() in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.txt" in html


def test_an_admin_redacts_a_file_keeping_its_hash_and_the_reason(
    cast, incident, django_capture_on_commit_callbacks
):
    body = b"card 4111 1111 1111 1111"
    _upload(cast.responder, incident, SimpleUploadedFile("export.csv", body))
    kept = Evidence.objects.get()
    stored = kept.blob.storage_name
    from django.core.files.storage import storages

    assert storages["evidence"].exists(stored)
    url = f"/incidents/{incident.reference}/evidence/{kept.pk}/redact/"
    assert client_for(cast.commander).post(url, {"reason": "card data"}).status_code == 403
    assert client_for(cast.admin).post(url, {"reason": "  "}).status_code == 302
    assert Evidence.objects.get().redacted_at is None  # no reason, no redaction
    with django_capture_on_commit_callbacks(execute=True):  # the bytes go once it commits
        assert client_for(cast.admin).post(url, {"reason": "holds card data"}).status_code == 302
    kept.refresh_from_db()
    assert kept.redacted_by == cast.admin and kept.redaction_reason == "holds card data"
    assert kept.blob.sha256 == hashlib.sha256(body).hexdigest() and kept.blob.purged_at
    assert not storages["evidence"].exists(stored)
    gone = client_for(cast.responder).get(
        f"/incidents/{incident.reference}/evidence/{kept.pk}/download/"
    )
    assert gone.status_code == 410 and "holds card data" in gone.content.decode()
    event = Event.objects.get(verb="evidence.redacted")
    assert event.after["reason"] == "holds card data" and event.after["bytes_removed"] is True
    assert not Event.objects.filter(verb="evidence.downloaded").exists()


def test_bytes_another_unredacted_copy_uses_are_kept(cast, incident):
    _upload(cast.responder, incident, SimpleUploadedFile("a.log", b"shared"))
    _upload(cast.responder, incident, SimpleUploadedFile("b.log", b"shared"))
    first, second = Evidence.objects.order_by("pk")
    from incidents.services.evidence import redact

    redact(evidence=first, reason="wrong file", by=cast.admin)
    second.blob.refresh_from_db()
    assert second.blob.purged_at is None
    ok = client_for(cast.responder).get(
        f"/incidents/{incident.reference}/evidence/{second.pk}/download/"
    )
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"shared"


def test_an_image_gets_a_server_drawn_png_preview_and_other_files_none(cast, incident):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 30, 30)).save(picture, format="JPEG")
    _upload(
        cast.responder,
        incident,
        SimpleUploadedFile("screenshot.jpg", picture.getvalue()),
        SimpleUploadedFile("notes.txt", b"just text"),
    )
    shot = Evidence.objects.get(filename="screenshot.jpg")
    text = Evidence.objects.get(filename="notes.txt")
    client = client_for(cast.auditor)
    page = client.get(f"/incidents/{incident.reference}/evidence/").content.decode()
    assert (
        f"/evidence/{shot.pk}/thumbnail/" in page and f"/evidence/{text.pk}/thumbnail/" not in page
    )
    preview = client.get(f"/incidents/{incident.reference}/evidence/{shot.pk}/thumbnail/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).size == (320, 213)
    assert preview["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert (
        client.get(f"/incidents/{incident.reference}/evidence/{text.pk}/thumbnail/").status_code
        == 404
    )
    # A preview is not a copy of the file: no custody event.
    assert not Event.objects.filter(verb="evidence.downloaded").exists()
