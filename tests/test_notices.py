"""The notice workflow: two-person approval, edits reset it, changed facts withdraw it."""

import pytest

from incidents.models import DataCategory, Notice, NoticeState, NoticeTemplate, Partner
from incidents.services import ServiceError
from incidents.services.exposures import record_exposure
from incidents.services.notices import (
    approve_notice,
    draft_notice,
    edit_notice,
    submit_for_review,
)
from tests.conftest import client_for
from tests.factories import ruling_out_proof

BODY = (
    "Dear {{ partner_name }},\n\nUser-facing services stay up.\n"
    "{% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}\n"
)


@pytest.fixture
def payment_ruled_out(cast, incident):
    category = DataCategory.objects.get(slug="financial-payment")
    record_exposure(
        incident=incident,
        category=category,
        status="ruled_out",
        backing_files=ruling_out_proof(incident, by=cast.commander),
        evidence="separate network segment",
        by=cast.commander,
    )
    return incident


@pytest.fixture
def notice(cast, payment_ruled_out):
    partner = Partner.objects.create(name="PayCo", audience="payment_partner")
    template = NoticeTemplate.objects.create(
        name="Payment partners",
        audience="payment_partner",
        subject="{{ reference }}: incident update",
        body=BODY,
    )
    return draft_notice(
        incident=payment_ruled_out, partner=partner, template=template, by=cast.comms
    )


def test_a_second_person_approves_and_the_claims_are_recorded(cast, notice):
    submit_for_review(notice=notice, by=cast.comms)
    approved = approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.commander)
    assert approved.state == NoticeState.APPROVED and approved.stated_claims == [
        "payment_not_compromised"
    ]
    verbs = list(
        notice.incident.events.filter(verb__startswith="notice.").values_list("verb", flat=True)
    )
    assert verbs == ["notice.drafted", "notice.state_changed", "notice.state_changed"]


def test_nobody_approves_their_own_edit(cast, notice):
    submit_for_review(notice=notice, by=cast.comms)
    with pytest.raises(ServiceError, match="a second person must approve"):
        approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.comms)


def test_an_edit_after_approval_returns_it_to_draft(cast, notice):
    submit_for_review(notice=notice, by=cast.comms)
    approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.commander)
    edited = edit_notice(
        notice=notice,
        subject="{{ reference }}",
        body=BODY + "More.",
        by=cast.commander,
        expected_version=1,
    )
    assert edited.state == NoticeState.DRAFT and edited.approved_by is None


def test_a_stale_editor_is_refused(cast, notice):
    edit_notice(notice=notice, subject="a", body=BODY, by=cast.comms, expected_version=1)
    with pytest.raises(ServiceError, match="changed this notice while you were editing"):
        edit_notice(notice=notice, subject="b", body=BODY, by=cast.commander, expected_version=1)


def test_an_edit_with_a_syntax_error_names_the_line_and_saves_nothing(cast, notice):
    with pytest.raises(ServiceError, match="line 2"):
        edit_notice(
            notice=notice, subject="s", body="ok\n{{ nonsense }}", by=cast.comms, expected_version=1
        )
    assert Notice.objects.get(pk=notice.pk).body == BODY


def test_when_the_fact_changes_the_approval_is_withdrawn_and_the_claim_named(cast, notice):
    submit_for_review(notice=notice, by=cast.comms)
    approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.commander)
    payment = DataCategory.objects.get(slug="financial-payment")
    record_exposure(
        incident=notice.incident,
        category=payment,
        status="suspected",
        by=cast.responder,
        expected_version=1,
    )
    flagged = Notice.objects.get(pk=notice.pk)
    assert flagged.state == NoticeState.IN_REVIEW and flagged.approved_by is None
    assert flagged.stale_reasons == {
        "payment_not_compromised": "Financial and payment information is suspected, not ruled out"
    }
    event = notice.incident.events.get(verb="notice.flagged")
    assert event.after["claims"] == flagged.stale_reasons
    with pytest.raises(ServiceError, match="does not hold"):
        approve_notice(notice=flagged, by=cast.admin)


def test_a_draft_stating_a_claim_is_flagged_too(cast, notice):
    payment = DataCategory.objects.get(slug="financial-payment")
    record_exposure(
        incident=notice.incident,
        category=payment,
        status="confirmed",
        by=cast.responder,
        expected_version=1,
    )
    assert "payment_not_compromised" in Notice.objects.get(pk=notice.pk).stale_reasons


def test_a_template_with_an_unknown_name_cannot_be_drafted(cast, payment_ruled_out):
    partner = Partner.objects.create(name="AdCo", audience="advertiser")
    template = NoticeTemplate.objects.create(
        name="bad", audience="advertiser", subject="s", body="{{ settings }}"
    )
    with pytest.raises(ServiceError, match="unknown name 'settings'"):
        draft_notice(incident=payment_ruled_out, partner=partner, template=template, by=cast.comms)


def test_a_draft_whose_text_would_be_too_long_is_refused_before_review(
    cast, payment_ruled_out, monkeypatch
):
    """The template is valid, but what it renders for this incident would not fit: said when
    drafting with the limit, and nothing is written."""
    monkeypatch.setattr("incidents.notices.language.MAX_OUTPUT", 40)
    partner = Partner.objects.create(name="AdCo", audience="advertiser")
    template = NoticeTemplate.objects.create(
        name="long", audience="advertiser", subject="{{ reference }}", body=BODY
    )
    with pytest.raises(ServiceError, match="would be longer than 40 characters"):
        draft_notice(incident=payment_ruled_out, partner=partner, template=template, by=cast.comms)
    assert not Notice.objects.filter(partner=partner).exists()


def test_a_rotation_claim_is_withdrawn_when_a_new_credential_joins_the_campaign(cast, incident):
    from incidents.models import Credential, RotationTask
    from incidents.services.credentials import add_credential
    from incidents.services.rotations import move_rotation, start_campaign

    add_credential(name="k1", kind="api_key", system="s", identifier="x1")
    start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.commander)
    move_rotation(
        task=RotationTask.objects.get(), to="exempted", by=cast.commander, reason="retired"
    )
    partner = Partner.objects.create(name="AdCo", audience="advertiser")
    template = NoticeTemplate.objects.create(
        name="rot",
        audience="advertiser",
        subject="s",
        body="{% claim credentials_rotated %}All keys rotated.{% endclaim %}",
    )
    notice = draft_notice(incident=incident, partner=partner, template=template, by=cast.comms)
    submit_for_review(notice=notice, by=cast.comms)
    approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.commander)
    add_credential(name="k2", kind="api_key", system="s", identifier="x2")
    start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.commander)
    flagged = Notice.objects.get(pk=notice.pk)
    assert flagged.state == "in_review" and "credentials_rotated" in flagged.stale_reasons


def test_the_notice_page_shows_what_each_claim_rests_on_with_hashes(cast, notice):
    from incidents.models import Evidence

    proof = Evidence.objects.get(incident=notice.incident)
    page = client_for(cast.comms).get(
        f"/incidents/{notice.incident.reference}/notices/{notice.pk}/"
    )
    body = page.content.decode()
    assert "What its claims rest on" in body
    assert "Financial and payment information: ruled out by dana" in body
    assert proof.filename in body and proof.blob.sha256 in body


def test_when_the_file_behind_a_claim_is_redacted_the_approval_is_withdrawn(cast, notice):
    from incidents.models import Evidence
    from incidents.services.evidence import redact

    submit_for_review(notice=notice, by=cast.comms)
    approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.commander)
    redact(evidence=Evidence.objects.get(), reason="held a card number", by=cast.admin)
    flagged = Notice.objects.get(pk=notice.pk)
    assert flagged.state == NoticeState.IN_REVIEW
    assert flagged.stale_reasons == {
        "payment_not_compromised": (
            "Financial and payment information is ruled out, but nothing backs that any more"
        )
    }
