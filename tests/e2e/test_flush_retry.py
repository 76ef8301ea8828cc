"""The flush ending a browser test is tried again after a deadlock with the stack's own
processes, and only after one (tests/e2e/conftest.py)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection


class _Deadlock(Exception):
    sqlstate = "40P01"


class _Other(Exception):
    sqlstate = "42P01"


def _failing(times: int, cause: type[Exception]):
    calls = []

    def execute(sql_list):
        calls.append(sql_list)
        if len(calls) <= times:
            raise OperationalError("refused") from cause()

    return execute, calls


@pytest.mark.django_db
def test_a_deadlocked_flush_is_tried_again(monkeypatch):
    execute, calls = _failing(1, _Deadlock)
    monkeypatch.setattr(connection.ops, "execute_sql_flush", execute)
    call_command("flush", interactive=False, verbosity=0)
    assert len(calls) == 2


@pytest.mark.django_db
def test_any_other_failure_is_not_hidden(monkeypatch):
    execute, calls = _failing(1, _Other)
    monkeypatch.setattr(connection.ops, "execute_sql_flush", execute)
    with pytest.raises(CommandError):
        call_command("flush", interactive=False, verbosity=0)
    assert len(calls) == 1
