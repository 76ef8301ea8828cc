"""Duties, notices and proof agree: a notice meets only a duty of its audience and scope,
keeps the recipient's reference everywhere, is offered in one click once sent; regulator
notices speak of the people and personal data that regulator's duty covers; partner notices
never list secrets or the internal architecture, and their measures are the mitigation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import (
    DataCategory,
    Event,
    Notice,
    NoticeTemplate,
    Obligation,
    ObligationState,
    Partner,
)
from incidents.notices.rendering import render_notice
from incidents.regulation.pack import build_pack
from incidents.services import ServiceError, obligations
from incidents.services.exposures import Range, record_exposure
from tests.conftest import client_for
from tests.factories import ruling_out_proof, set_aware


def _partner(name: str, audience: str, places: list[str]) -> Partner:
    return Partner.objects.create(name=name, audience=audience, jurisdictions=places)


def _sent(incident, partner: Partner, by, minutes_ago: int = 5) -> Notice:
    return Notice.objects.create(
        incident=incident,
        partner=partner,
        subject="s",
        body="b",
        rendered_subject=f"Notice to {partner.name}",
        last_editor=by,
        state="sent",
        sent_at=timezone.now() - timedelta(minutes=minutes_ago),
        content_sha256="0" * 64,
    )


@pytest.fixture
def breach(cast, incident):
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=3))
    for slug, per_place, status in (
        (
            "viewing-history",
            {"DE": 160_000, "FR": 90_000, "GB": 70_000, "US-CA": 48_000},
            "suspected",
        ),
        ("secrets-api-keys", None, "confirmed"),
        ("internal-architecture", None, "confirmed"),
        ("financial-payment", None, "ruled_out"),
    ):
        record_exposure(
            incident=incident,
            category=DataCategory.objects.get(slug=slug),
            status=status,
            by=cast.commander,
            records=Range(40, 40) if per_place is None else Range(),
            people_by_jurisdiction=per_place,
            evidence="payment DB audit logs show no queries" if status == "ruled_out" else "",
            backing_files=(
                ruling_out_proof(incident, by=cast.commander) if status == "ruled_out" else None
            ),
        )
    return incident


def _latest(name: str) -> NoticeTemplate:
    template = NoticeTemplate.objects.filter(name=name).order_by("-version").first()
    assert template is not None
    return template


def test_the_ico_hears_about_the_uk_people_and_personal_data_only(breach):
    template = _latest("Regulator notification (GDPR Art. 33)")
    ico = _partner("ICO", "authority", ["GB"])
    text = render_notice(
        incident=breach, subject=template.subject, body=template.body, partner=ico
    ).body
    assert "concerns the people in: United Kingdom" in text
    assert "Approximate number of data subjects concerned: 70,000." in text
    assert "Secrets and API keys" not in text and "Internal architecture" not in text
    assert "Behavioural data and viewing history (suspected): 70,000 people" in text


def test_a_lead_authority_hears_about_the_eea(breach):
    template = _latest("Regulator notification (GDPR Art. 33)")
    cnil = _partner("CNIL", "authority", ["FR"])
    text = render_notice(
        incident=breach, subject=template.subject, body=template.body, partner=cnil
    ).body
    assert "concerns the people in: EEA" in text
    assert "data subjects concerned: 250,000." in text  # DE + FR


def test_partners_never_hear_of_secrets_or_architecture_and_measures_are_mitigation(cast, breach):
    from incidents.models import ChecklistItem

    ChecklistItem.objects.create(
        incident=breach,
        key="open",
        title="Open the incident",
        role="incident_commander",
        state="done",
    )
    ChecklistItem.objects.create(
        incident=breach, key="patch", title="Patch the endpoint", role="responder", state="done"
    )
    template = _latest("Advertiser update")
    assert template.version == 2
    text = render_notice(
        incident=breach,
        subject=template.subject,
        body=template.body,
        partner=_partner("BrightAds", "advertiser", ["US", "DE"]),
    ).body
    assert "Secrets and API keys" not in text and "Internal architecture" not in text
    assert "Behavioural data and viewing history" in text
    assert "- Patch the endpoint" in text and "Open the incident" not in text


def test_an_advertiser_update_cannot_meet_a_duty_to_tell_the_ico(cast, breach):
    uk = Obligation.objects.get(incident=breach, rule_id="gb-uk-gdpr-art33")
    advert = _sent(breach, _partner("BrightAds", "advertiser", ["GB"]), cast.comms)
    with pytest.raises(ServiceError, match="a data protection authority in GB"):
        obligations.meet(obligation=uk, by=cast.comms, notice=advert)
    cnil = _sent(breach, _partner("CNIL", "authority", ["FR"]), cast.comms)
    with pytest.raises(ServiceError, match="in GB"):
        obligations.meet(obligation=uk, by=cast.comms, notice=cnil)
    assert Obligation.objects.get(pk=uk.pk).state == ObligationState.OPEN


def test_meeting_by_a_sent_notice_keeps_the_reference_everywhere(cast, breach):
    uk = Obligation.objects.get(incident=breach, rule_id="gb-uk-gdpr-art33")
    ico = _sent(breach, _partner("ICO", "authority", ["GB"]), cast.comms)
    obligations.meet(obligation=uk, by=cast.comms, notice=ico, reference="ICO-2026-0042")
    met = Obligation.objects.get(pk=uk.pk)
    assert (met.state, met.met_notice_id, met.filing_reference) == ("met", ico.pk, "ICO-2026-0042")
    event = Event.objects.filter(incident=breach, verb="obligation.met").get()
    assert event.after["reference"] == "ICO-2026-0042"
    page = client_for(cast.commander).get(f"/incidents/{breach.reference}/").content.decode()
    assert "by the notice sent to ICO, reference ICO-2026-0042" in page
    pack = build_pack(breach)
    assert any(line.obligation.filing_reference == "ICO-2026-0042" for line in pack.duties)
    register = client_for(cast.commander).get("/register.csv").content.decode()
    assert "reference ICO-2026-0042" in register


def test_the_duty_picker_offers_only_notices_to_that_duty_s_audience(cast, breach):
    _sent(breach, _partner("BrightAds", "advertiser", ["GB"]), cast.comms)
    _sent(breach, _partner("ICO", "authority", ["GB"]), cast.comms)
    page = client_for(cast.commander).get(f"/incidents/{breach.reference}/").content.decode()
    uk = Obligation.objects.get(incident=breach, rule_id="gb-uk-gdpr-art33")
    row = page[page.index(f'id="duty-{uk.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "ICO: Notice to ICO" in row and "BrightAds" not in row


def test_a_sent_authority_notice_offers_its_open_duty_in_one_click(cast, breach):
    ico = _sent(breach, _partner("ICO", "authority", ["GB"]), cast.comms)
    client = client_for(cast.commander)
    page = client.get(f"/incidents/{breach.reference}/notices/{ico.pk}/").content.decode()
    assert "This notice answers an open duty:</strong> UK GDPR Art. 33 — notify the ICO" in page
    assert "GDPR Art. 33 — notify the supervisory authority" not in page  # the EEA's, not ICO's
    uk = Obligation.objects.get(incident=breach, rule_id="gb-uk-gdpr-art33")
    response = client.post(
        f"/incidents/{breach.reference}/obligations/{uk.pk}/meet/",
        {"notice": ico.pk, "reference": "ICO-77"},
    )
    assert response.status_code == 302
    assert Obligation.objects.get(pk=uk.pk).filing_reference == "ICO-77"


def test_a_filing_dated_before_detection_is_refused(cast, breach):
    art33 = Obligation.objects.get(incident=breach, rule_id="eu-gdpr-art33")
    with pytest.raises(ServiceError, match="before the incident was detected"):
        obligations.meet(
            obligation=art33,
            by=cast.comms,
            filed_at=breach.detected_at - timedelta(hours=2),
            reference="CNIL-1",
        )
    assert Obligation.objects.get(pk=art33.pk).state == ObligationState.OPEN


def test_the_regulator_pack_lists_the_evidence_behind_its_facts_with_hashes(cast, breach):
    from incidents.models import Evidence
    from incidents.regulation.pack_pdf import pack_pdf

    proof = Evidence.objects.get(incident=breach)
    pack = build_pack(breach)
    [line] = pack.evidence
    assert line.backs == "Affected data “Financial and payment information” (ruled out)"
    assert (line.what, line.sha256) == (proof.filename, proof.blob.sha256)
    page = client_for(cast.auditor).get(f"/incidents/{breach.reference}/regulator-pack/")
    assert proof.blob.sha256 in page.content.decode()
    assert len(pack_pdf(pack)) > 1000
