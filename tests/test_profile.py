"""The colours chosen on the settings page: kept per browser, put on every page."""

import pytest

from tests.conftest import client_for


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_chosen_theme_is_kept_and_put_on_every_page(cast, theme):
    client = client_for(cast.responder)
    saved = client.post("/accounts/profile/", {"time_zone": "", "theme": theme})
    assert saved.status_code == 302 and client.cookies["theme"].value == theme
    assert client.cookies["theme"]["httponly"]
    page = client.get("/incidents/").content.decode()
    assert f'<html lang="en" data-theme="{theme}">' in page
    settings = client.get("/accounts/profile/").content.decode()
    assert f'value="{theme}" checked' in settings


def test_following_the_device_again_forgets_the_choice(cast):
    client = client_for(cast.responder)
    client.post("/accounts/profile/", {"time_zone": "", "theme": "dark"})
    client.post("/accounts/profile/", {"time_zone": "", "theme": ""})
    assert client.cookies["theme"].value == ""  # deleted: expired, empty
    assert '<html lang="en">' in client.get("/incidents/").content.decode()


def test_a_forged_theme_cookie_is_ignored_not_echoed(cast):
    client = client_for(cast.responder)
    client.cookies["theme"] = '"><script>alert(1)</script>'
    page = client.get("/incidents/").content.decode()
    assert '<html lang="en">' in page and "<script>alert(1)" not in page
