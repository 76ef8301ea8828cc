from django.db import migrations

from incidents.seed import EXPOSED_API_PLAYBOOK, seed_playbooks


def seed(apps, schema_editor):
    seed_playbooks(apps.get_model("incidents", "Playbook"), apps.get_model("incidents", "PlaybookItem"))


def unseed(apps, schema_editor):
    apps.get_model("incidents", "Playbook").objects.filter(slug=EXPOSED_API_PLAYBOOK["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_rotations_and_checklists")]

    operations = [migrations.RunPython(seed, unseed)]
