"""A notice from draft to a real SMTP server, through two people and a real worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from incidents.models import DataCategory, Notice, Partner
from incidents.services.exposures import record_exposure
from tests.factories import expose_people, make_incident, ruling_out_proof, set_aware
from tests.processes import Stack, free_port, running_stack
from tests.smtp_server import Mailbox

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, mailbox) -> Iterator[tuple[Stack, str]]:
    """This module's own processes: the worker delivers to the test SMTP server."""
    _, port = mailbox
    with (
        django_db_blocker.unblock(),
        running_stack(EMAIL_URL=f"smtp://127.0.0.1:{port}?tls=0") as running,
    ):
        url = running.start_web()
        running.start_worker()
        yield running, url


def test_draft_review_approve_send(cast, signed_in_page, mailbox):
    box, _ = mailbox
    incident = make_incident(by=cast.commander, title="MelzTube API exposure")
    incident.members.add(cast.comms)
    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="financial-payment"),
        status="ruled_out",
        backing_files=ruling_out_proof(incident, by=cast.commander),
        evidence="separate segment",
        by=cast.commander,
    )
    partner = Partner.objects.create(name="PayFlow Payments", audience="payment_partner")
    partner.contacts.create(name="Security", email="security@payflow.example")

    writer = signed_in_page(cast.comms, f"/incidents/{incident.reference}/")
    writer.locator("details.draft-notices summary").click()
    writer.select_option("#notice-template", label="Payment partner update (v2, Payment partner)")
    writer.get_by_label("PayFlow Payments").check()
    writer.get_by_role("button", name="Draft").click()
    writer.get_by_role("link", name="Open the notice to PayFlow Payments").click()
    expect(writer.locator("#preview")).to_contain_text("No payment information was compromised.")
    writer.get_by_role("button", name="Send for review").click()
    expect(writer.locator("h1")).to_contain_text("In review")
    expect(writer.locator(".workflow")).to_contain_text("a second person must approve it")

    notice = Notice.objects.get()
    checker = signed_in_page(
        cast.comms, f"/incidents/{incident.reference}/notices/{notice.pk}/", bypass_csp=True
    )
    _assert_axe_clean(checker)
    approver = signed_in_page(
        cast.commander, f"/incidents/{incident.reference}/notices/{notice.pk}/"
    )
    approver.get_by_role("button", name="Approve").click()
    expect(approver.locator("h1")).to_contain_text("Approved")
    box.answer_after = 3  # the mail server is slow to say it took the message
    approver.get_by_role("button", name="Send to Security").click()
    # The page says it is sending, then shows the outcome by itself (no reload here).
    expect(approver.locator("#delivery-status")).to_contain_text("Sending…")
    expect(approver.locator(".workflow")).to_contain_text(
        "A sent notice never changes", timeout=20_000
    )
    box.answer_after = 0
    assert Notice.objects.get().state == "sent"
    [message] = box.messages
    assert message["To"] == "security@payflow.example"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert "No payment information was compromised." in text.get_payload(decode=True).decode()
    assert any(p.get_content_type() == "application/pdf" for p in message.walk())


def test_a_sent_notice_meets_the_art_33_duty_and_every_open_page_sees_it(cast, signed_in_page):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import Obligation

    incident = make_incident(by=cast.commander, title="MelzTube API exposure")
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=3))
    expose_people(incident, by=cast.commander, per_place={"DE": 50})
    authority = Partner.objects.create(name="BfDI", audience="authority", jurisdictions=["DE"])
    notice = Notice.objects.create(
        incident=incident,
        partner=authority,
        subject="Art. 33 notification",
        body="b",
        rendered_subject="Art. 33 notification",
        state="sent",
        sent_at=timezone.now() - timedelta(minutes=10),
        last_editor=cast.comms,
    )
    duty = Obligation.objects.get(incident=incident, rule_id="eu-gdpr-art33")

    watcher = signed_in_page(cast.commander, f"/incidents/{incident.reference}/")
    expect(watcher.locator(f"#duty-{duty.pk}")).to_contain_text("Open")
    decider = signed_in_page(cast.comms, f"/incidents/{incident.reference}/")
    row = decider.locator(f"#duty-{duty.pk}")
    row.locator("summary", has_text="Record as met").click()
    row.get_by_label("The sent notice").select_option(value=str(notice.pk))
    row.get_by_role("button", name="Record as met").click()
    expect(decider.locator(f"#duty-{duty.pk}")).to_contain_text("by the notice sent to BfDI")
    # The commander's open page follows without a reload.
    expect(watcher.locator(f"#duty-{duty.pk}")).to_contain_text("Met", timeout=10_000)
    assert Obligation.objects.get(pk=duty.pk).met_notice_id == notice.pk

    pack = signed_in_page(
        cast.commander,
        f"/incidents/{incident.reference}/regulator-pack/",
        bypass_csp=True,
    )
    expect(pack.locator("h1")).to_contain_text("Regulator pack")
    _assert_axe_clean(pack)
    dashboard = signed_in_page(cast.commander, "/obligations/?state=all", bypass_csp=True)
    expect(dashboard.locator("tr.duty", has_text="GDPR Art. 33")).to_contain_text("Met")
    _assert_axe_clean(dashboard)


def _assert_axe_clean(page) -> None:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
    )
    assert violations == []


def test_a_mention_reaches_the_badge_live_and_the_inbox_without_the_details(
    cast, signed_in_page, mailbox
):
    """Sam's badge moves within seconds (pushed: its poll is every 30 s) and Sam gets a
    mail with a link and a one-line subject, never the note itself."""
    box, _ = mailbox
    cast.responder.email = "sam@melztube.example"
    cast.responder.save(update_fields=["email"])
    incident = make_incident(by=cast.commander, title="Gateway scraped")
    reader = signed_in_page(cast.responder, "/incidents/", width=400, color_scheme="dark")
    expect(reader.locator("#notifications-link")).to_be_visible()
    expect(reader.locator("#notifications-link .badge")).to_have_count(0)

    writer = signed_in_page(cast.commander, f"/incidents/{incident.reference}/")
    writer.fill("#id_body", "@sam the secret gateway logs are in bucket 7")
    writer.get_by_role("button", name="Add note").click()
    expect(writer.locator("#notes")).to_contain_text("the secret gateway logs")

    expect(reader.locator("#notifications-link .badge")).to_have_text("1", timeout=8_000)
    for _ in range(100):
        mails = [m for m in box.messages if m["To"] == "sam@melztube.example"]
        if mails:
            break
        reader.wait_for_timeout(200)
    assert len(mails) == 1, "the mention was not mailed within 20 s"
    mail = mails[0]
    assert incident.reference in mail["Subject"]
    text = mail.get_payload()
    assert f"/incidents/{incident.reference}/#notes" in text
    assert "gateway" not in text and "gateway" not in mail["Subject"].lower()
    reader.locator("#notifications-link").click()
    expect(reader.locator("main")).to_contain_text("mentioned you")
