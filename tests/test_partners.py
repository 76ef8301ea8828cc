"""The partner directory: validation, CSV import with a per-row report, the log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import Partner
from incidents.services import ServiceError
from incidents.services.partners import add_partner_contact, import_partners_csv
from tests.conftest import client_for

HEADER = (
    "organisation,audience,jurisdictions,language,channel,contact_name,contact_email,contact_role\n"
)


def test_a_partner_with_an_invalid_email_is_refused(db):
    with pytest.raises(ServiceError, match="not a valid email"):
        add_partner_contact(
            organisation="AdCo",
            audience="advertiser",
            jurisdictions=["US"],
            contact_email="not-an-address",
        )
    assert not Partner.objects.exists()


def test_an_email_partner_needs_an_email_contact(db):
    with pytest.raises(ServiceError, match="give a contact email"):
        add_partner_contact(organisation="AdCo", audience="advertiser", jurisdictions=[])


def test_a_csv_import_with_bad_rows_keeps_nothing_and_reports_them(db):
    data = (
        HEADER + "AdCo,advertiser,US;DE,en,email,Jo,jo@adco.example,security\n"
        "BadCo,martians,US,en,email,X,x@bad.example,\n"
        "NoMail,creator,GB,en,email,Y,nope,\n"
        "CNIL,authority,FR,fr,portal,,,\n"
        "Nowhere,creator,ZZ,en,email,Z,z@nowhere.example,\n"
    ).encode()
    report = import_partners_csv(data)
    assert report.imported == 0 and [line for line, _ in report.errors] == [3, 4, 6]
    assert "Unknown audience" in report.errors[0][1] and "ZZ" in report.errors[2][1]
    assert not Partner.objects.filter(name="AdCo").exists()


def test_the_directory_page_imports_and_shows_the_report(cast):
    data = (HEADER + "AdCo,advertiser,US,en,email,Jo,jo@adco.example,\n").encode()
    response = client_for(cast.comms).post(
        "/partners/import/", {"file": SimpleUploadedFile("p.csv", data)}
    )
    assert "All 1 row imported." in response.content.decode()
    assert Partner.objects.get(name="AdCo").jurisdictions == ["US"]
    assert client_for(cast.norole).get("/partners/").status_code == 403  # no role page
    assert (
        client_for(cast.auditor)
        .post("/partners/", {"organisation": "X", "audience": "other"})
        .status_code
        == 403
    )


def test_the_partner_log_lists_only_notices_on_visible_incidents(cast, incident, restricted):
    from incidents.models import NoticeTemplate
    from incidents.services.notices import draft_notice

    partner = add_partner_contact(
        organisation="PayFlow",
        audience="payment_partner",
        jurisdictions=[],
        contact_email="sec@payflow.example",
    )
    template = NoticeTemplate.objects.create(
        name="t", audience="payment_partner", subject="S {{ reference }}", body="b"
    )
    draft_notice(incident=incident, partner=partner, template=template, by=cast.comms)
    draft_notice(incident=restricted, partner=partner, template=template, by=cast.comms)
    page = client_for(cast.outsider).get(f"/partners/{partner.pk}/").content.decode()
    assert incident.reference in page and restricted.reference not in page


def test_a_bad_language_code_is_refused(db):
    with pytest.raises(ServiceError, match="not a language code"):
        add_partner_contact(
            organisation="AdCo",
            audience="advertiser",
            jurisdictions=[],
            language="<b>",
            contact_email="a@adco.example",
        )
