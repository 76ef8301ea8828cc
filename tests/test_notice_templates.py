"""Editing notice templates: new versions, errors at the line, preview on visible incidents."""

from incidents.models import NoticeTemplate
from tests.conftest import client_for


def test_saving_a_template_makes_a_new_version(cast, incident):
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    response = client_for(cast.comms).post(
        f"/notice-templates/{template.pk}/",
        {"subject": "{{ reference }}", "body": "Hello {{ partner_name }}."},
    )
    newer = NoticeTemplate.objects.get(name="Creator update", version=3)  # v2: seeded update
    assert response.status_code == 302 and newer.body == "Hello {{ partner_name }}."
    assert NoticeTemplate.objects.get(pk=template.pk).body != newer.body  # v1 unchanged


def test_a_broken_template_is_refused_with_its_line(cast, incident):
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    response = client_for(cast.comms).post(
        f"/notice-templates/{template.pk}/",
        {"subject": "s", "body": "a\nb\n{{ settings.SECRET_KEY }}"},
    )
    assert response.status_code == 422 and "line 3" in response.content.decode()
    assert not NoticeTemplate.objects.filter(name="Creator update", version=3).exists()


def test_a_template_too_long_for_an_open_incident_is_refused_at_save(cast, incident, monkeypatch):
    """Valid language, but what it renders for an open incident would not fit the limit:
    refused when saved, naming the incident, so nobody drafts from it first."""
    monkeypatch.setattr("incidents.notices.language.MAX_OUTPUT", 200)
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    body = "{{ title }} " * 40  # short as written, long once rendered
    response = client_for(cast.comms).post(
        f"/notice-templates/{template.pk}/", {"subject": "{{ reference }}", "body": body}
    )
    page = response.content.decode()
    assert response.status_code == 422 and "longer than 200 characters" in page
    assert incident.reference in page
    assert not NoticeTemplate.objects.filter(name="Creator update", version=3).exists()


def test_the_preview_only_renders_against_incidents_the_user_may_see(cast, restricted):
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    url = f"/notice-templates/{template.pk}/preview/"
    hidden = client_for(cast.outsider).post(
        url, {"incident": restricted.pk, "subject": "{{ title }}", "body": "x"}
    )
    assert (
        restricted.title not in hidden.content.decode()
        and "Choose an incident" in hidden.content.decode()
    )
    shown = client_for(cast.responder).post(
        url, {"incident": restricted.pk, "subject": "{{ title }}", "body": "x"}
    )
    assert restricted.title in shown.content.decode()


def test_only_writers_save_templates(cast):
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    assert client_for(cast.auditor).get(f"/notice-templates/{template.pk}/").status_code == 200
    assert (
        client_for(cast.auditor)
        .post(f"/notice-templates/{template.pk}/", {"subject": "s", "body": "b"})
        .status_code
        == 403
    )
    assert client_for(cast.norole).get(f"/notice-templates/{template.pk}/").status_code == 403
