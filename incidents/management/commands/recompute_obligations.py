from django.core.management.base import BaseCommand
from django.db import transaction

from incidents.models import CLOSED_STATES, Incident
from incidents.services import obligations
from incidents.services.locking import lock_incident


class Command(BaseCommand):
    help = (
        "Recompute every open incident's notification duties from the rule files (run after "
        "a rule file changes); each change is logged as an event."
    )

    def handle(self, *args: object, **options: object) -> None:
        changed = 0
        ids = Incident.objects.exclude(status__in=CLOSED_STATES).values_list("pk", flat=True)
        for pk in ids.iterator():
            with transaction.atomic():
                changed += len(obligations.recompute(incident=lock_incident(pk), by=None))
        self.stdout.write(f"obligations recomputed: {changed} changed")
