import pytest

from incidents.models import DataCategory
from incidents.services import confirmations
from incidents.services.case_bundles import build, request_bundle
from incidents.services.exposures import record_exposure
from tests.factories import keep_evidence, make_incident, ruling_out_proof

pytestmark = pytest.mark.django_db(transaction=True)


def test_shots(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="MelzTube API exposure")
    proof = ruling_out_proof(incident, by=cast.responder)
    record_exposure(incident=incident, category=DataCategory.objects.get(slug="financial-payment"), status="ruled_out", evidence="separate segment", by=cast.responder, backing_files=proof)
    brand = record_exposure(incident=incident, category=DataCategory.objects.get(slug="advertiser-brand-safety"), status="suspected", by=cast.responder)
    confirmations.ask(incident=incident, kind="exposure", target=brand, justification="brand-safety config lives in a separate store the endpoint cannot reach", by=cast.responder)
    keep_evidence(incident, by=cast.responder, name="gateway-" + "x" * 80 + ".log")
    job = build(request_bundle(incident=incident, by=cast.auditor).pk)
    for width, scheme, zone in ((1280, "light", "Europe/Berlin"), (400, "dark", "America/New_York")):
        for path, name in ((f"/incidents/{incident.reference}/", "detail"), (f"/incidents/{incident.reference}/evidence/", "evidence"), (f"/incidents/{incident.reference}/exports/{job.pk}/", "bundle")):
            page = signed_in_page(cast.commander, path, width=width, color_scheme=scheme, timezone_id=zone)
            if name == "detail":
                page.locator("#exposures").screenshot(path=f"/tmp/shots/{name}-{width}-{scheme}.png")
            else:
                page.screenshot(path=f"/tmp/shots/{name}-{width}-{scheme}.png", full_page=True)
