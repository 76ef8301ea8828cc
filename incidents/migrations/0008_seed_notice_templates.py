from django.db import migrations

from incidents.seed import NOTICE_TEMPLATES, seed_notice_templates


def seed(apps, schema_editor):
    seed_notice_templates(apps.get_model("incidents", "NoticeTemplate"))


def unseed(apps, schema_editor):
    names = [name for name, *_ in NOTICE_TEMPLATES]
    apps.get_model("incidents", "NoticeTemplate").objects.filter(name__in=names, version=1)._raw_delete(
        schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_notices")]

    operations = [migrations.RunPython(seed, unseed)]
