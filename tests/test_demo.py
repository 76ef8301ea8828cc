"""The SCENARIO demo that `make run` loads."""

from incidents.demo import DEMO_TITLE, credentials_file, load_demo
from incidents.models import Incident, Status


def test_loading_twice_creates_one_demo_incident(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert load_demo() is True
    assert load_demo() is False
    incident = Incident.objects.get(title=DEMO_TITLE)
    assert incident.status == Status.CONTAINMENT
    assert incident.exposures.count() == 7 and incident.notes.count() == 1
    assert incident.exposures.get(category__slug="financial-payment").status == "ruled_out"
    assert Incident.objects.count() == 2
    duties = set(incident.obligations.values_list("rule_id", flat=True))
    assert {"eu-gdpr-art33", "gb-uk-gdpr-art33", "us-ca-residents"} <= duties, duties
    assert incident.events.filter(verb="obligation.applies").count() == len(duties)


def test_credentials_keep_one_line_per_user_across_databases(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    credentials_file().write_text("dana     old-password  (Incident commander)\n")
    load_demo()
    lines = credentials_file().read_text().splitlines()
    assert len(lines) == 5
    assert not any("old-password" in line for line in lines)
    assert oct(credentials_file().stat().st_mode & 0o777) == "0o600"
