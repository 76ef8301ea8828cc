"""Notice pages: drafting for partners, live preview, review and approval by a second person."""

import pytest

from incidents.models import DataCategory, Notice, NoticeTemplate, Partner
from incidents.services.exposures import record_exposure
from tests.conftest import client_for
from tests.factories import ruling_out_proof

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def drafted(cast, incident):
    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="financial-payment"),
        status="ruled_out",
        backing_files=ruling_out_proof(incident, by=cast.commander),
        evidence="separate segment",
        by=cast.commander,
    )
    template = NoticeTemplate.objects.filter(name="Payment partner update").latest("version")
    partner = Partner.objects.create(name="PayFlow", audience="payment_partner")
    response = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/notices/draft/",
        {"template": template.pk, "partners": [partner.pk]},
        **HTMX,
    )
    assert response.status_code == 200 and "PayFlow" in response.content.decode()
    return Notice.objects.get()


def test_the_seeded_templates_are_there(db):
    assert NoticeTemplate.objects.filter(name__startswith="Regulator notification").exists()


def test_drafting_without_a_partner_is_refused(cast, incident):
    template = NoticeTemplate.objects.filter(name="Payment partner update").latest("version")
    response = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/notices/draft/", {"template": template.pk}, **HTMX
    )
    assert response.status_code == 422 and "at least one partner" in response.content.decode()


def test_the_preview_renders_unsaved_text_and_shows_errors_at_their_line(cast, drafted):
    url = f"/incidents/{drafted.incident.reference}/notices/{drafted.pk}/preview/"
    client = client_for(cast.comms)
    ok = client.post(url, {"subject": "{{ reference }}", "body": "To {{ partner_name }}."}, **HTMX)
    assert "To PayFlow." in ok.content.decode()
    bad = client.post(url, {"subject": "s", "body": "one\n{{ request.user }}"}, **HTMX)
    assert "line 2: cannot read" in bad.content.decode()
    assert Notice.objects.get(pk=drafted.pk).body == drafted.body  # a preview saves nothing


def test_review_and_approval_through_the_pages(cast, drafted):
    base = f"/incidents/{drafted.incident.reference}/notices/{drafted.pk}/"
    comms = client_for(cast.comms)
    comms.post(base + "submit/")
    page = comms.get(base).content.decode()
    assert "a second person must approve it" in page
    comms.post(base + "approve/")
    assert Notice.objects.get(pk=drafted.pk).state == "in_review"
    client_for(cast.commander).post(base + "approve/")
    assert Notice.objects.get(pk=drafted.pk).state == "approved"


def test_the_page_shows_a_claim_that_stopped_holding(cast, drafted):
    record_exposure(
        incident=drafted.incident,
        category=DataCategory.objects.get(slug="financial-payment"),
        status="suspected",
        by=cast.responder,
        expected_version=1,
    )
    page = (
        client_for(cast.comms)
        .get(f"/incidents/{drafted.incident.reference}/notices/{drafted.pk}/")
        .content.decode()
    )
    assert "“payment_not_compromised” no longer holds" in page
    incident_page = (
        client_for(cast.comms).get(f"/incidents/{drafted.incident.reference}/").content.decode()
    )
    assert "1 notice states a claim the record no longer supports." in incident_page


def test_the_auditor_reads_but_cannot_edit(cast, drafted):
    base = f"/incidents/{drafted.incident.reference}/notices/{drafted.pk}/"
    assert client_for(cast.auditor).get(base).status_code == 200
    assert (
        client_for(cast.auditor)
        .post(base + "edit/", {"subject": "x", "body": "y", "version": 1})
        .status_code
        == 403
    )


def test_drafting_for_a_whole_audience_queues_a_batch(cast, incident):
    from incidents.models import NoticeBatch

    for n in range(3):
        Partner.objects.create(name=f"Advertiser {n}", audience="advertiser")
    Partner.objects.create(name="A creator", audience="creator")
    template = NoticeTemplate.objects.filter(name="Advertiser update").latest("version")
    response = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/notices/draft/",
        {"template": template.pk, "audience": "advertiser"},
        **HTMX,
    )
    assert response.status_code == 200
    batch = NoticeBatch.objects.get()
    assert batch.total == 3 and set(
        Partner.objects.filter(pk__in=batch.partner_ids).values_list("audience", flat=True)
    ) == {"advertiser"}
