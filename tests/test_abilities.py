"""What each role may do is one table (incidents.access.ABILITIES), and nothing else decides
it: views, selectors and consumers ask `may` / `require`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from incidents import roles
from incidents.access import ABILITIES, Ability, may
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent / "incidents"
EXPECTED = {
    Ability.WRITE_RESPONSE: {roles.ADMIN, roles.COMMANDER, roles.RESPONDER},
    Ability.DECIDE_OBLIGATIONS: {
        roles.ADMIN,
        roles.COMMANDER,
        roles.RESPONDER,
        roles.COMMUNICATIONS,
    },
    Ability.MANAGE_MEMBERS: {roles.ADMIN, roles.COMMANDER},
    Ability.GRANT_ROLES: {roles.ADMIN},
    Ability.READ_SECURITY_LOG: {roles.ADMIN, roles.AUDITOR},
}


@pytest.mark.parametrize("ability", list(EXPECTED))
def test_the_table_says_who_may_do_what(ability):
    assert set(ABILITIES[ability]) == EXPECTED[ability]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*roles.ALL_ROLES, None])
def test_may_follows_the_table_for_each_role(role):
    user = make_user(role)
    for ability, holders in ABILITIES.items():
        assert may(user, ability) == (role in holders)


def test_no_module_decides_roles_by_itself():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name in ("access.py", "roles.py") or "migrations" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"\broles_of\(|\bCOMMUNICATIONS in\b|\bADMIN in\b", text):
            offenders.append(str(path.relative_to(ROOT)))
    # Readers of the role names that are not decisions of what a role may do: the cache key
    # of a page drawn for a role set, the navigation's list of roles, the MFA policy.
    assert sorted(offenders) == ["context_processors.py", "signin/mfa_policy.py"]
