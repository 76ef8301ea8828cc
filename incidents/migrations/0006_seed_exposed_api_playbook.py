from django.db import migrations

from incidents.seed import EXPOSED_API_PLAYBOOK, seed_playbooks


def seed(apps, schema_editor):
    seed_playbooks(apps.get_model("incidents", "Playbook"), apps.get_model("incidents", "PlaybookItem"))


def unseed(apps, schema_editor):
    # Plain SQL deletes: the ORM's cascade collector trips over historical models here.
    slug = EXPOSED_API_PLAYBOOK["slug"]
    Playbook = apps.get_model("incidents", "Playbook")
    ids = list(Playbook.objects.filter(slug=slug).values_list("pk", flat=True))
    apps.get_model("incidents", "PlaybookItem").objects.filter(playbook_id__in=ids)._raw_delete(schema_editor.connection.alias)
    Playbook.objects.filter(pk__in=ids)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_rotations_and_checklists")]

    operations = [migrations.RunPython(seed, unseed)]
