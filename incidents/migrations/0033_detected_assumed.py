"""Whether "detected" was assumed at opening (services/incidents.py): shown beside the time,
so the incident's UPDATE trigger lists it too (the trigger helpers of 0028, which is
landed and never changes, are reused rather than copied)."""

import importlib

from django.db import migrations, models

_0028 = importlib.import_module("incidents.migrations.0028_search_text_moves_no_revision")
SHOWN_COLUMNS = (*_0028.SHOWN_COLUMNS, "detected_assumed")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0032_response_playbooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="detected_assumed",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.RunPython(_0028._set(SHOWN_COLUMNS), _0028._set(_0028.SHOWN_COLUMNS)),
    ]
