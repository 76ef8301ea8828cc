"""A busy or unreachable database is said plainly: 503 with Retry-After, fast, never a 500
page that looks like a bug."""

from __future__ import annotations

import psycopg_pool
import pytest
from django.db import OperationalError
from django.test import Client

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _failing_with(monkeypatch, error: Exception) -> None:
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("incidents.views.incidents.require_pass", fail)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    signed_in(client)
    return client


def test_every_pooled_connection_taken_is_a_503_with_retry_after(cast, incident, monkeypatch):
    try:
        raise OperationalError("couldn't get a connection") from psycopg_pool.PoolTimeout(
            "couldn't get a connection after 3.00 sec"
        )
    except OperationalError as error:
        _failing_with(monkeypatch, error)
    response = _client(cast.responder).get(f"/incidents/{incident.reference}/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "connection to the database is in use" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_a_database_that_cannot_be_reached_is_a_503(cast, incident, monkeypatch):
    _failing_with(monkeypatch, OperationalError("connection refused"))
    response = _client(cast.responder).get(f"/incidents/{incident.reference}/")
    assert response.status_code == 503 and "cannot be reached" in response.content.decode()


def test_a_real_bug_is_still_a_500(cast, incident, monkeypatch):
    _failing_with(monkeypatch, ZeroDivisionError("bug"))
    response = _client(cast.responder).get(f"/incidents/{incident.reference}/")
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()
