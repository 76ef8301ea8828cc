from django.core.management.base import BaseCommand, CommandError

from incidents.audit import verify_all
from incidents.checkpoints.verification import verify_checkpoints
from incidents.presentation.timefmt import utc_text


class Command(BaseCommand):
    help = (
        "Walk every incident's event hash chain and the security log's, then check them "
        "against the signed checkpoints; exit 1 naming what broke."
    )

    def handle(self, *args: object, **options: object) -> None:
        results = verify_all()
        problems = [r.describe() for r in results if not r.intact]
        report = verify_checkpoints()
        problems += report.problems
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"audit broken: {problems[0]}", returncode=1)
        *incidents, security = results
        events = sum(r.events for r in incidents)
        self.stdout.write(
            f"audit ok: {len(incidents)} incidents, {events} events, all chains intact; "
            f"security log: {security.events} events, chain intact"
        )
        if report.latest is not None:
            self.stdout.write(
                f"checkpoints: {report.latest.seq} signed, the latest "
                f"{utc_text(report.latest.made_at)} by key {report.latest.key_fingerprint[:16]}…, "
                f"covering {report.chains_covered} chains: every chain still holds the head "
                "it signed"
            )
        for note in report.notes:  # after the summary: what it could not check
            self.stdout.write(f"note: {note}")
