"""Outbound checks reach only allow-listed hosts; metadata and link-local never."""

import socket

import pytest
from django.core.exceptions import ValidationError

from incidents.checks import safe_http
from incidents.checks.target_policy import check_url_shape, resolve
from tests.scenario_server import scenario_endpoint


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    settings.CHECK_TARGET_ALLOWLIST = ["127.0.0.1", "*.example.test"]


def test_an_allow_listed_host_is_reached(settings):
    with scenario_endpoint() as (url, state):
        assert safe_http.request(url + "/v2/content").status == 200
        assert state.hits == 1


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5/", "http://example.com/", "https://internal.corp/"]
)
def test_hosts_off_the_allow_list_are_refused(url):
    with pytest.raises(ValidationError, match="is not one of them"):
        check_url_shape(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_metadata_and_link_local_are_refused_even_when_allow_listed(settings, url):
    settings.CHECK_TARGET_ALLOWLIST = ["169.254.0.0/16", "fe80::/10", "metadata.google.internal"]
    with pytest.raises(ValidationError, match="never checked"):
        check_url_shape(url)


def test_a_name_resolving_to_metadata_is_refused_after_dns(monkeypatch):
    def fake_dns(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    with pytest.raises(ValidationError, match=r"169.254.169.254 is a link-local"):
        resolve("http://api.example.test/")


def test_a_redirect_to_metadata_is_refused():
    with scenario_endpoint() as (url, state):
        state.redirect_to = "http://169.254.169.254/latest/meta-data/"
        with pytest.raises(ValidationError, match="never checked"):
            safe_http.request(url + "/v2/content")


def test_non_http_schemes_and_userinfo_are_refused():
    for url, message in (
        ("file:///etc/passwd", "Only http"),
        ("gopher://127.0.0.1/", "Only http"),
        ("http://user:pw@127.0.0.1/", "no credentials"),
    ):
        with pytest.raises(ValidationError, match=message):
            check_url_shape(url)
