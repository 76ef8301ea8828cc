"""Every input answers cleanly: too long, NUL bytes, line breaks where one line is expected,
tampered hidden fields, huge bodies: a message naming the field and the limit, nothing
written, never a 500 or a silent cut. Large imports run as a job with progress, all or
nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import Credential, ImportJob, Notice, NoticeTemplate, Partner
from incidents.services import ServiceError, import_jobs
from incidents.services.credentials import add_credential
from incidents.services.partners import add_partner_contact
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HEADER = "name,kind,system,owner,environment,identifier,tags\n"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tags", ["t" * 51], "at most 50"),
        ("system", "s" * 121, "System: 121 characters, at most 120"),
        ("name", "key\x00name", "control character"),
        ("owner", "line one\nline two", "must be one line"),
        ("environment", "e" * 41, "at most 40"),
    ],
)
def test_credential_fields_are_checked_before_writing(field, value, message):
    values = {"name": "k", "kind": "api_key", "system": "s", "identifier": "…1a2b", field: value}
    with pytest.raises(ServiceError, match=message):
        add_credential(**values)
    assert not Credential.objects.exists()


def test_a_long_tag_in_the_form_is_a_message_not_a_500(cast):
    response = client_for(cast.responder).post(
        "/credentials/",
        {
            "name": "k",
            "kind": "api_key",
            "system": "s",
            "environment": "production",
            "identifier": "…1a2b",
            "tags": "x" * 60,
        },
    )
    assert response.status_code == 422 and "at most 50" in response.content.decode()
    assert not Credential.objects.exists()


def test_a_csv_with_a_nul_byte_is_refused_whole(cast):
    data = (HEADER + "k,api_key,s,,,…1\x00,\n").encode()
    response = client_for(cast.responder).post(
        "/credentials/import/", {"file": SimpleUploadedFile("c.csv", data)}
    )
    assert response.status_code == 422 and "NUL" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation", "O" * 161, "Organisation: 161 characters, at most 160"),
        ("contact_name", "N" * 121, "at most 120"),
        ("organisation", "Acme\r\nBcc: everyone@example.com", "one line"),
    ],
)
def test_partner_fields_are_refused_with_the_limit_not_cut(field, value, message):
    values = {
        "organisation": "Acme",
        "audience": "advertiser",
        "jurisdictions": [],
        "contact_email": "a@acme.example",
        field: value,
    }
    with pytest.raises(ServiceError, match=message):
        add_partner_contact(**values)
    assert not Partner.objects.exists()


def _notice(cast, incident) -> Notice:
    partner = Partner.objects.create(name="BfDI", audience="authority", jurisdictions=["DE"])
    return Notice.objects.create(
        incident=incident, partner=partner, subject="s", body="b", last_editor=cast.comms
    )


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("Breach\r\nBcc: leak@evil.example", "b", "Subject: must be one line"),
        ("s" * 301, "b", "Subject: 301 characters, at most 300"),
        ("s", "x" * 1_000_000, "Body: 1,000,000 characters, at most 20,000"),
    ],
)
def test_a_notice_edit_is_refused_with_the_reason_and_nothing_saved(
    cast, incident, subject, body, message
):
    notice = _notice(cast, incident)
    response = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/notices/{notice.pk}/edit/",
        {"subject": subject, "body": body, "version": notice.version},
        follow=True,
    )
    assert message in response.content.decode()
    notice.refresh_from_db()
    assert (notice.subject, notice.body) == ("s", "b")


def test_a_template_of_a_megabyte_is_counted_right_and_refused(cast):
    template = NoticeTemplate.objects.filter(name="Creator update").latest("version")
    response = client_for(cast.comms).post(
        f"/notice-templates/{template.pk}/", {"subject": "s", "body": "y" * 1_000_000}
    )
    body = response.content.decode()
    assert response.status_code == 422 and "1,000,000 characters, at most 20,000" in body
    assert not NoticeTemplate.objects.filter(name=template.name, version__gt=template.version)


@pytest.mark.parametrize(
    "was",
    ["x" * 100_001, "\x00"],
)
def test_a_tampered_hidden_field_gets_a_message(cast, incident, was):
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/fields/title/",
        {"value": "New title", "was": was},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code in (400, 409, 422)
    assert 'role="alert"' in response.content.decode()
    incident.refresh_from_db()
    assert incident.title != "New title"


def test_a_tampered_version_gets_a_message(cast, incident):
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/exposures/save/",
        {"category": "contact-details", "status": "suspected", "disclosed": "on", "version": "abc"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not incident.exposures.exists()


def _rows(count: int, bad_line: int | None = None) -> bytes:
    lines = [HEADER]
    for n in range(count):
        kind = "banana" if bad_line is not None and n + 2 == bad_line else "api_key"
        lines.append(f"key {n},{kind},system-{n % 7},,,…{n:04d},\n")
    return "".join(lines).encode()


def test_a_large_import_runs_as_a_job_with_progress_all_or_nothing(cast, monkeypatch):
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 10)
    monkeypatch.setattr(import_jobs, "CHUNK", 7)
    client = client_for(cast.responder)
    response = client.post("/credentials/import/", {"file": SimpleUploadedFile("c.csv", _rows(30))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page and "0 of 30 rows checked" in page
    import_jobs.run_job(job.pk)  # what the worker's task runs
    job.refresh_from_db()
    assert (job.state, job.checked, job.imported, job.data) == ("done", 30, 30, b"")
    assert Credential.objects.count() == 30
    done = client.get(f"/imports/{job.pk}/").content.decode()
    assert "30 rows imported" in done and "every 1s" not in done


def test_a_large_import_with_one_bad_row_imports_nothing(cast, monkeypatch):
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 10)
    client_for(cast.responder).post(
        "/credentials/import/", {"file": SimpleUploadedFile("c.csv", _rows(25, bad_line=20))}
    )
    job = ImportJob.objects.get()
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == "refused" and job.errors[0][0] == 20 and not Credential.objects.exists()
    assert import_jobs.run_job(job.pk).state == "refused"  # run twice: left as it was


def test_someone_elses_import_is_not_theirs_to_see(cast, monkeypatch):
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 1)
    client_for(cast.responder).post(
        "/credentials/import/", {"file": SimpleUploadedFile("c.csv", _rows(3))}
    )
    job = ImportJob.objects.get()
    assert client_for(cast.commander).get(f"/imports/{job.pk}/").status_code == 404


def _large_import_lost(cast, monkeypatch, queued_tasks) -> ImportJob:
    """A 30-row import started as a job whose task the broker then lost."""
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 10)
    client_for(cast.responder).post(
        "/credentials/import/", {"file": SimpleUploadedFile("c.csv", _rows(30))}
    )
    queued_tasks.clear()
    return ImportJob.objects.get()


def test_an_import_the_broker_lost_is_queued_again_and_runs_once(
    cast, monkeypatch, queued_tasks, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    job = _large_import_lost(cast, monkeypatch, queued_tasks)
    assert import_jobs.sweep_stuck_imports() == []  # just queued: a worker may take it
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_jobs.sweep_stuck_imports() == [job.pk]
        assert import_jobs.sweep_stuck_imports() == []  # queued again just now
    [again] = queued_tasks
    assert again.run() == "done" and Credential.objects.count() == 30


def test_an_import_whose_worker_died_while_checking_comes_back(
    cast, monkeypatch, queued_tasks, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    job = _large_import_lost(cast, monkeypatch, queued_tasks)
    moments_ago = timezone.now() - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(state="checking", checked=7, progress_at=moments_ago)
    assert import_jobs.sweep_stuck_imports() == []  # a chunk takes seconds: still alive
    long_ago = timezone.now() - import_jobs.IMPORT_CHECKING_GRACE - timedelta(seconds=1)
    ImportJob.objects.filter(pk=job.pk).update(progress_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_jobs.sweep_stuck_imports() == [job.pk]
    [again] = queued_tasks
    assert again.run() == "done" and Credential.objects.count() == 30
