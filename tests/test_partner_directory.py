"""Partners and contacts are edited and retired, never silently: each change is on the
security log with what it was, shown on the partner's page; a retired partner or contact
is offered for no new notice and sent nothing."""

import pytest

from incidents.models import Partner, SecurityEvent
from incidents.services import ServiceError
from incidents.services.partners import add_partner_contact, retire_contact
from tests.conftest import client_for
from tests.factories import payment_partner_draft


@pytest.fixture
def payco(db):
    return add_partner_contact(
        organisation="PayCo",
        audience="payment_partner",
        jurisdictions=["DE"],
        contact_name="Marc",
        contact_email="marc@payco.example",
    )


def test_an_edit_is_kept_with_what_it_was_and_shown_on_the_page(cast, payco):
    client = client_for(cast.comms)
    response = client.post(
        f"/partners/{payco.pk}/edit/",
        {
            "name": "PayCo GmbH",
            "audience": "payment_partner",
            "jurisdictions": "DE, AT",
            "language": "de",
            "channel": "email",
        },
    )
    assert response.status_code == 302
    payco.refresh_from_db()
    assert (payco.name, payco.jurisdictions, payco.language) == ("PayCo GmbH", ["AT", "DE"], "de")
    event = SecurityEvent.objects.get(verb="partner.changed")
    assert event.after["was"]["name"] == "PayCo" and event.after["now"]["name"] == "PayCo GmbH"
    assert event.actor_id == cast.comms.pk
    contact = payco.contacts.get()
    client.post(
        f"/partners/{payco.pk}/contacts/{contact.pk}/edit/",
        {"name": "Marc", "email": "security@payco.example", "role": "CISO"},
    )
    page = client.get(f"/partners/{payco.pk}/").content.decode()
    assert "changed name from “PayCo” to “PayCo GmbH”" in page
    assert "email from “marc@payco.example” to “security@payco.example”" in page


def test_bad_edits_are_refused_and_nothing_changes(cast, payco):
    add_partner_contact(
        organisation="Other", audience="advertiser", jurisdictions=[], contact_email="a@b.example"
    )
    client = client_for(cast.comms)
    base = {
        "audience": "payment_partner",
        "jurisdictions": "",
        "language": "en",
        "channel": "email",
    }
    for bad in ({**base, "name": "Other"}, {**base, "name": "X", "jurisdictions": "ZZ"}):
        assert client.post(f"/partners/{payco.pk}/edit/", bad).status_code == 422
    contact = payco.contacts.get()
    assert (
        client.post(
            f"/partners/{payco.pk}/contacts/{contact.pk}/edit/", {"email": "not-an-address"}
        ).status_code
        == 422
    )
    assert client_for(cast.auditor).post(f"/partners/{payco.pk}/retire/").status_code == 403
    assert not SecurityEvent.objects.filter(verb__startswith="partner").exists()
    assert Partner.objects.get(pk=payco.pk).name == "PayCo"


def test_a_retired_contact_is_sent_nothing_and_a_retired_partner_is_offered_nothing(
    cast, incident, payco
):
    from incidents.selectors.notices import notices_section_context
    from incidents.services.notices import (
        approve_notice,
        queue_send,
        submit_for_review,
    )

    notice = payment_partner_draft(incident, payco, by=cast.comms, decided_by=cast.commander)
    submit_for_review(notice=notice, by=cast.comms)
    approved = approve_notice(notice=type(notice).objects.get(pk=notice.pk), by=cast.commander)
    retire_contact(contact=payco.contacts.get(), by=cast.comms)
    with pytest.raises(ServiceError, match="no current email contact"):
        queue_send(notice=approved, by=cast.comms)
    client_for(cast.comms).post(f"/partners/{payco.pk}/retire/")
    offered = notices_section_context(incident, cast.comms)["partners"]
    assert payco.pk not in [p.pk for p in offered]
    assert [e.verb for e in SecurityEvent.objects.order_by("seq")][-2:] == [
        "partner_contact.retired",
        "partner.retired",
    ]
