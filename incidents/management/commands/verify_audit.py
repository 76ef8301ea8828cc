from django.core.management.base import BaseCommand, CommandError

from incidents.audit import verify_all


class Command(BaseCommand):
    help = "Walk every incident's event hash chain; exit 1 naming the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        results = verify_all()
        broken = [r for r in results if not r.intact]
        if broken:
            for result in broken:
                self.stderr.write(result.describe())
            raise CommandError(f"audit chain broken: {broken[0].describe()}", returncode=1)
        events = sum(r.events for r in results)
        self.stdout.write(f"audit ok: {len(results)} incidents, {events} events, all chains intact")
