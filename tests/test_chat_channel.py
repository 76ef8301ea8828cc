"""An incident's chat channel: set by its commanders to a registered secret reference,
posted to through the outbound policy with no breach details, failures on the timeline."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from incidents.models import Event, Status
from incidents.services import ServiceError, chat, probe_secrets
from incidents.services.incident_fields import token_of, update_field
from incidents.services.incidents import transition
from incidents.tasks import post_to_chat
from tests.conftest import client_for


class Channel:
    """A chat service's incoming webhook on 127.0.0.1, answering `status`."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200


@pytest.fixture
def channel() -> Iterator[tuple[Channel, str]]:
    kept = Channel()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            kept.posts.append(json.loads(self.rfile.read(length)))
            self.send_response(kept.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield kept, f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/secret-part"
    server.shutdown()


@pytest.fixture
def wired(settings, tmp_path, cast, incident, channel):
    """The admin registered CHAT_HOOK; the worker holds its URL; the commander chose it."""
    _, url = channel
    settings.PROBE_SECRETS_DIR = tmp_path
    settings.CHECK_TARGET_ALLOWLIST = ["127.0.0.1"]
    (tmp_path / "CHAT_HOOK").write_text(url)
    probe_secrets.register(name="CHAT_HOOK", description="#ir-melztube", by=cast.admin)
    update_field(
        incident=incident, field="chat_webhook", value="CHAT_HOOK", was="", by=cast.commander
    )
    incident.refresh_from_db()
    return incident


def _status_change(incident, cast) -> Event:
    transition(incident=incident, to=Status.TRIAGE, by=cast.commander)
    return incident.events.order_by("-seq").first()


def test_a_status_change_is_posted_with_a_link_and_no_details(cast, wired, channel):
    kept, _ = channel
    event = _status_change(wired, cast)
    assert post_to_chat.run(event.pk) is True
    (posted,) = kept.posts
    assert posted["text"].startswith(f"[Breachroom] {wired.reference}: the incident is now")
    assert f"/incidents/{wired.reference}/" in posted["text"]
    assert wired.title not in posted["text"] and "secret-part" not in posted["text"]


def test_the_post_waits_for_the_change_to_commit(cast, wired, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        _status_change(wired, cast)
    assert any(getattr(c, "func", None) is chat._queue for c in queued)
    with django_capture_on_commit_callbacks() as quiet:
        from incidents.services.notes import add_note

        add_note(incident=wired, body="not for chat", by=cast.responder)
    assert not any(getattr(c, "func", None) is chat._queue for c in quiet)


def test_a_refusing_channel_is_said_on_the_timeline(cast, wired, channel):
    kept, _ = channel
    kept.status = 404
    event = _status_change(wired, cast)
    assert post_to_chat.run(event.pk) is False
    failed = wired.events.get(verb="chat.post_failed")
    assert failed.after["seq"] == event.seq and "refused the post (404)" in failed.after["reason"]


def test_a_host_outside_the_outbound_policy_is_never_called(settings, cast, wired, channel):
    kept, _ = channel
    settings.CHECK_TARGET_ALLOWLIST = []
    event = _status_change(wired, cast)
    assert post_to_chat.run(event.pk) is False
    assert kept.posts == []
    reason = wired.events.get(verb="chat.post_failed").after["reason"]
    assert "not one of them" in reason and "secret-part" not in reason


def test_only_a_registered_reference_can_be_chosen(cast, incident):
    with pytest.raises(ServiceError, match="not a registered secret reference"):
        update_field(
            incident=incident,
            field="chat_webhook",
            value="NOT_REGISTERED",
            was=token_of(incident, "chat_webhook"),
            by=cast.commander,
        )


def test_responders_see_the_channel_but_only_commanders_choose_it(cast, wired):
    url = f"/incidents/{wired.reference}/fields/chat_webhook/"
    page = client_for(cast.responder).get(f"/incidents/{wired.reference}/").content.decode()
    assert "CHAT_HOOK" in page and f"{url}?edit=1" not in page
    refused = client_for(cast.responder).post(url, {"value": "", "was": "CHAT_HOOK"})
    assert refused.status_code == 403
    wired.refresh_from_db()
    assert wired.chat_webhook == "CHAT_HOOK"
    done = client_for(cast.commander).post(url, {"value": "", "was": "CHAT_HOOK"})
    assert done.status_code in (200, 302)
    wired.refresh_from_db()
    assert wired.chat_webhook is None


def test_a_retired_reference_posts_nothing_and_says_so(cast, wired, channel):
    from incidents.models import ProbeSecret

    kept, _ = channel
    probe_secrets.retire(secret=ProbeSecret.objects.get(name="CHAT_HOOK"), by=cast.admin)
    event = _status_change(wired, cast)
    assert post_to_chat.run(event.pk) is False and kept.posts == []
    assert "was retired" in wired.events.get(verb="chat.post_failed").after["reason"]


def test_a_malformed_webhook_url_is_said_without_the_url(settings, cast, wired, channel):
    (settings.PROBE_SECRETS_DIR / "CHAT_HOOK").write_text("http://127.0.0.1:abc/T0/secret")
    event = _status_change(wired, cast)
    assert post_to_chat.run(event.pk) is False
    reason = wired.events.get(verb="chat.post_failed").after["reason"]
    assert "not a usable URL" in reason and "secret" not in reason.replace("secret reference", "")
