from django.core.management.base import BaseCommand, CommandError

from incidents.audit import verify_all


class Command(BaseCommand):
    help = (
        "Walk every incident's event hash chain and the security log's; exit 1 naming the "
        "first broken link."
    )

    def handle(self, *args: object, **options: object) -> None:
        results = verify_all()
        broken = [r for r in results if not r.intact]
        if broken:
            for result in broken:
                self.stderr.write(result.describe())
            raise CommandError(f"audit chain broken: {broken[0].describe()}", returncode=1)
        *incidents, security = results
        events = sum(r.events for r in incidents)
        self.stdout.write(
            f"audit ok: {len(incidents)} incidents, {events} events, all chains intact; "
            f"security log: {security.events} events, chain intact"
        )
