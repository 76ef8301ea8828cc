"""Four more response playbooks (leaked credentials, ransomware, misdirected email or post,
lost or stolen device) and the two breach vectors the last two answer to."""

from django.db import migrations

from incidents.seed import RESPONSE_PLAYBOOKS, seed_playbooks

NEW_VECTORS = [
    ("lost-device", "Lost or stolen device"),
    ("misdirected", "Misdirected email or post"),
]


def seed(apps, schema_editor):
    vector = apps.get_model("incidents", "BreachVector")
    for slug, name in NEW_VECTORS:
        vector.objects.get_or_create(slug=slug, defaults={"name": name})
    playbook, item = apps.get_model("incidents", "Playbook"), apps.get_model("incidents", "PlaybookItem")
    for spec in RESPONSE_PLAYBOOKS:
        seed_playbooks(playbook, item, spec)


def unseed(apps, schema_editor):
    # Plain SQL deletes, as in 0006: the ORM's cascade collector trips over historical models.
    alias = schema_editor.connection.alias
    Playbook = apps.get_model("incidents", "Playbook")
    ids = list(
        Playbook.objects.filter(slug__in=[s["slug"] for s in RESPONSE_PLAYBOOKS]).values_list(
            "pk", flat=True
        )
    )
    apps.get_model("incidents", "PlaybookItem").objects.filter(playbook_id__in=ids)._raw_delete(alias)
    Playbook.objects.filter(pk__in=ids)._raw_delete(alias)
    vector = apps.get_model("incidents", "BreachVector")
    used = apps.get_model("incidents", "Incident").objects.values_list("breach_vector_id", flat=True)
    unused = vector.objects.filter(slug__in=[s for s, _ in NEW_VECTORS]).exclude(pk__in=used)
    vector.objects.filter(pk__in=list(unused.values_list("pk", flat=True)))._raw_delete(alias)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0031_email_notifications")]

    operations = [migrations.RunPython(seed, unseed)]
