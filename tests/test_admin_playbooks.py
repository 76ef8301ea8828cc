"""Playbook templates edited in the admin: a cycle is refused with a message, nothing saved."""

from incidents.models import Playbook
from tests.conftest import client_for


def _form(steps):
    data = {
        "slug": "custom",
        "version": "1",
        "name": "Custom",
        "description": "",
        "items-TOTAL_FORMS": str(len(steps)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, (key, deps) in enumerate(steps):
        data |= {
            f"items-{n}-position": str(n),
            f"items-{n}-key": key,
            f"items-{n}-title": key,
            f"items-{n}-role": "",
            f"items-{n}-due_after_hours": "",
            f"items-{n}-depends_on": deps,
            f"items-{n}-check_kind": "",
            f"items-{n}-check_params": "{}",
            f"items-{n}-instructions": "",
        }
    return data


def test_a_cycle_in_a_playbook_is_refused_in_the_admin(cast):
    cast.admin.is_staff = True
    cast.admin.is_superuser = True
    cast.admin.save()
    client = client_for(cast.admin)
    response = client.post(
        "/admin/incidents/playbook/add/", _form([("a", '["b"]'), ("b", '["a"]')])
    )
    assert response.status_code == 200 and "form a cycle" in response.content.decode()
    assert not Playbook.objects.filter(slug="custom").exists()
    response = client.post("/admin/incidents/playbook/add/", _form([("a", "[]"), ("b", '["a"]')]))
    assert response.status_code == 302 and Playbook.objects.get(slug="custom").items.count() == 2
