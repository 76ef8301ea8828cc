from django.db import migrations

from incidents.seed import NOTICE_TEMPLATE_UPDATES, seed_notice_template_updates


def seed(apps, schema_editor):
    seed_notice_template_updates(apps.get_model("incidents", "NoticeTemplate"))


def unseed(apps, schema_editor):
    NoticeTemplate = apps.get_model("incidents", "NoticeTemplate")
    for name, (_old, new_body) in NOTICE_TEMPLATE_UPDATES.items():
        added = NoticeTemplate.objects.filter(name=name, version=2, body=new_body)
        added._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0014_regulatory_facts")]

    operations = [migrations.RunPython(seed, unseed)]
