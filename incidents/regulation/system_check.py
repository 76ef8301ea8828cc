"""`manage.py check` (and so migrate and CI) refuses broken rule files, naming file and line."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from incidents.regulation.rules import RuleError, all_rules


@register()
def notification_rules_load(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    all_rules.cache_clear()
    try:
        all_rules()
    except RuleError as error:
        return [
            Error(
                f"Notification rule file {error.path.name}, line {error.line}: {error.reason}",
                obj=str(error.path),
                id="regulation.E001",
            )
        ]
    return []
