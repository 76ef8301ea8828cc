"""An incident's chat channel: the secret reference of its webhook (services/chat.py).
Shown among the incident's facts, so the incident's UPDATE trigger lists it too (the
helpers of 0028 and the column list of 0033, both landed, are reused)."""

import importlib

from django.db import migrations, models

_0028 = importlib.import_module("incidents.migrations.0028_search_text_moves_no_revision")
_0033 = importlib.import_module("incidents.migrations.0033_detected_assumed")
SHOWN_COLUMNS = (*_0033.SHOWN_COLUMNS, "chat_webhook")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0036_next_duty_deadline"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="chat_webhook",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.RunPython(_0028._set(SHOWN_COLUMNS), _0028._set(_0033.SHOWN_COLUMNS)),
    ]
