"""Evidence in S3-compatible object storage (django-storages), against a local S3 server
(moto's, from PyPI) on 127.0.0.1: an upload lands in the bucket under its SHA-256, a
download streams it back through the gate, an export reads it, a redaction removes it."""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import Evidence
from incidents.services.case_bundles import build, request_bundle
from incidents.services.evidence import redact
from tests.conftest import client_for
from tests.processes import free_port

BUCKET = "breachroom-evidence"


@pytest.fixture
def s3_bucket(settings, monkeypatch) -> Iterator[object]:
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets in this process, across servers: start each test empty.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "eu-west-1",
                "location": "evidence",
                "file_overwrite": True,
                "default_acl": None,
                "querystring_auth": False,
            },
        },
    }
    try:
        yield client
    finally:
        server.stop()


def _keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_an_upload_lands_in_the_bucket_under_its_hash_and_comes_back_through_the_gate(
    cast, incident, s3_bucket
):
    body = b"203.0.113.7 GET /internal/v2/users 200\n" * 1000
    digest = hashlib.sha256(body).hexdigest()
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/evidence/",
        {"files": [SimpleUploadedFile("gateway.log", body)]},
    )
    assert response.status_code == 302
    assert _keys(s3_bucket) == [f"evidence/{digest[:2]}/{digest}"]
    stored = s3_bucket.get_object(Bucket=BUCKET, Key=f"evidence/{digest[:2]}/{digest}")
    assert stored["Body"].read() == body
    kept = Evidence.objects.get()
    download = client_for(cast.auditor).get(
        f"/incidents/{incident.reference}/evidence/{kept.pk}/download/"
    )
    assert b"".join(download.streaming_content) == body
    assert download["X-Evidence-SHA256"] == digest
    # The same bytes again: one object, two records.
    client_for(cast.commander).post(
        f"/incidents/{incident.reference}/evidence/",
        {"files": [SimpleUploadedFile("copy.log", body)]},
    )
    assert len(_keys(s3_bucket)) == 1 and Evidence.objects.count() == 2


def test_an_export_reads_from_the_bucket_and_is_kept_there(cast, incident, s3_bucket):
    from tests.factories import keep_evidence

    keep_evidence(incident, by=cast.responder, content=b"proof\n" * 10)
    built = build(request_bundle(incident=incident, by=cast.auditor).pk)
    assert built.state == "done", built.error
    zipped = built.evidence.blob.sha256
    assert f"evidence/{zipped[:2]}/{zipped}" in _keys(s3_bucket)


def test_redaction_removes_the_object_and_keeps_the_record(
    cast, incident, s3_bucket, django_capture_on_commit_callbacks
):
    from tests.factories import keep_evidence

    kept = keep_evidence(incident, by=cast.responder)
    with django_capture_on_commit_callbacks(execute=True):
        redact(evidence=kept, reason="held a customer's card number", by=cast.admin)
    assert _keys(s3_bucket) == []
    kept.refresh_from_db()
    assert kept.redacted_at is not None and kept.blob.sha256
