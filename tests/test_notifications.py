"""People are told what needs them: a step or an incident given to them, a notice waiting
for their approval, theirs approved, sent or failed, an @mention; never whoever did it,
never someone who may not see the incident; each links to the thing."""

import pytest

from incidents.models import Notification, Partner
from incidents.services.checklists import add_step, assign_item
from incidents.services.incident_fields import update_field
from incidents.services.notifications import mentions
from tests.conftest import client_for
from tests.factories import payment_partner_draft


def _texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_a_step_given_to_someone_tells_them_with_a_link_to_it(cast, incident):
    step = add_step(incident=incident, title="Call the host", by=cast.commander)
    assign_item(item=step, assignee=cast.responder, by=cast.commander)
    note = Notification.objects.get(user=cast.responder)
    assert "gave you the step “Call the host”" in note.text
    assert note.path == f"/incidents/{incident.reference}/#item-{step.pk}"
    assign_item(item=step, assignee=cast.commander, by=cast.commander)  # herself: nothing
    assert _texts(cast.commander) == []
    page = client_for(cast.responder).get("/notifications/").content.decode()
    assert f'href="/incidents/{incident.reference}/#item-{step.pk}"' in page


def test_the_new_commander_and_new_assignees_are_told(cast, incident):
    update_field(incident=incident, field="commander", value=cast.responder, was="", by=cast.admin)
    update_field(
        incident=incident, field="assignees", value=[cast.comms], was="", by=cast.commander
    )
    assert _texts(cast.responder) == [f"ada made you incident commander of {incident.reference}"]
    assert _texts(cast.comms) == [f"dana assigned you to {incident.reference}"]


def test_nobody_is_told_about_an_incident_they_may_not_see(cast, restricted):
    step = add_step(incident=restricted, title="Secret step", by=cast.commander)
    assign_item(item=step, assignee=cast.outsider, by=cast.commander)
    assert _texts(cast.outsider) == []


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("@sam please check", ["sam"]),
        ("ask @dana.k and @sam.", ["dana.k", "sam"]),
        ("mail me at x@sam.example", []),
        ("@sam @sam", ["sam"]),
    ],
)
def test_mentions_are_read_from_the_text(body, found):
    assert mentions(body) == found


def test_a_mention_tells_who_may_see_it_and_the_author_hears_who_was_not(cast, restricted):
    response = client_for(cast.commander).post(
        f"/incidents/{restricted.reference}/notes/",
        {"body": "@sam look at the logs; @olive too; @nobody"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not notified: @olive, @nobody" in page
    assert _texts(cast.responder) == [f"dana mentioned you on {restricted.reference}"]
    assert _texts(cast.outsider) == []


def test_a_notice_waiting_and_its_fate_reach_the_right_people(cast, incident):
    from incidents.services.notices import (
        approve_notice,
        record_delivery,
        submit_for_review,
    )

    update_field(incident=incident, field="commander", value=cast.commander, was="", by=cast.admin)
    partner = Partner.objects.create(name="PayFlow", audience="payment_partner")
    notice = payment_partner_draft(incident, partner, by=cast.comms, decided_by=cast.commander)
    Notification.objects.all().delete()
    submit_for_review(notice=notice, by=cast.comms)
    assert _texts(cast.commander) == [
        f"The notice to PayFlow on {incident.reference} waits for your approval"
    ]
    waiting = Notification.objects.get(user=cast.commander)
    assert waiting.path == f"/incidents/{incident.reference}/notices/{notice.pk}/"
    approve_notice(notice=type(notice).objects.get(pk=notice.pk), by=cast.commander)
    record_delivery(notice_id=notice.pk, error="550 no such user")
    assert _texts(cast.comms) == [
        f"The notice to PayFlow on {incident.reference} could not be sent",
        f"The notice to PayFlow on {incident.reference} was approved by dana",
    ]


def test_the_badge_is_asked_again_and_counts_what_is_unread(cast, incident):
    step = add_step(incident=incident, title="Call the host", by=cast.commander)
    client = client_for(cast.responder)
    page = client.get("/incidents/").content.decode()
    assert 'hx-get="/notifications/badge/" hx-trigger="every 30s"' in page
    assert 'class="badge"' not in client.get("/notifications/badge/").content.decode()
    assign_item(item=step, assignee=cast.responder, by=cast.commander)
    badge = client.get("/notifications/badge/").content.decode()
    assert '<span class="badge" aria-label="1 unread">1</span>' in badge


def _with_mail(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_each_notification_is_mailed_once_with_a_link_and_no_breach_details(
    cast, incident, queued_tasks, django_capture_on_commit_callbacks, mailoutbox, settings
):
    from tests.conftest import run_queued

    settings.PUBLIC_URL = "https://breachroom.example"
    _with_mail(cast.responder, "sam@melztube.example")
    step = add_step(incident=incident, title="Rotate the Stripe key sk_test_x", by=cast.commander)
    with django_capture_on_commit_callbacks(execute=True):
        assign_item(item=step, assignee=cast.responder, by=cast.commander)
    assert [q.task.name for q in queued_tasks] == ["incidents.tasks.mail_notification"]
    run_queued(queued_tasks)
    (mail,) = mailoutbox
    assert mail.to == ["sam@melztube.example"]
    assert mail.subject == f"[Breachroom] Something needs you on {incident.reference}"
    assert f"https://breachroom.example/incidents/{incident.reference}/#item-{step.pk}" in mail.body
    assert "Stripe" not in mail.subject + mail.body and "Rotate" not in mail.body
    from incidents.services.notification_mail import mail_one

    assert mail_one(Notification.objects.get(user=cast.responder).pk) is False  # once
    assert len(mailoutbox) == 1


def test_the_digest_gathers_the_hours_notifications_into_one_mail(
    cast, incident, mailoutbox, django_capture_on_commit_callbacks, queued_tasks
):
    from incidents.services.notification_mail import mail_digests
    from incidents.services.profiles import set_email_notifications

    _with_mail(cast.responder, "sam@melztube.example")
    set_email_notifications(user=cast.responder, choice="hourly")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            step = add_step(incident=incident, title=f"Step {n}", by=cast.commander)
            assign_item(item=step, assignee=cast.responder, by=cast.commander)
    assert queued_tasks == []  # not one by one
    assert mail_digests() == 1 and mail_digests() == 0
    (mail,) = mailoutbox
    assert mail.subject == "[Breachroom] 3 things need you" and "/notifications/" in mail.body


def test_off_means_no_mail_and_the_choice_is_made_on_the_settings_page(
    cast, incident, django_capture_on_commit_callbacks, queued_tasks
):
    _with_mail(cast.responder, "sam@melztube.example")
    client = client_for(cast.responder)
    page = client.get("/accounts/profile/").content.decode()
    assert "never the breach&#x27;s details" in page or "never the breach's details" in page
    assert (
        client.post(
            "/accounts/profile/", {"time_zone": "", "email_notifications": "off"}
        ).status_code
        == 302
    )
    assert (
        client.post("/accounts/profile/", {"time_zone": "", "email_notifications": "x"}).status_code
        == 422
    )
    with django_capture_on_commit_callbacks(execute=True):
        step = add_step(incident=incident, title="Quiet", by=cast.commander)
        assign_item(item=step, assignee=cast.responder, by=cast.commander)
    assert queued_tasks == [] and Notification.objects.filter(user=cast.responder).count() == 1
