from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from incidents.presentation.timefmt import utc_text
from incidents.services.checkpoints import make_checkpoint, rotate_key


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the audit trail now (the beat does so every few minutes); "
        "with --rotate-key, make a new signing key announced by the current one."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--rotate-key",
            action="store_true",
            help="replace the signing key; the old key signs the checkpoint announcing it",
        )

    def handle(self, *args: object, **options: object) -> None:
        made = rotate_key() if options["rotate_key"] else make_checkpoint()
        assert made is not None
        self.stdout.write(
            f"checkpoint {made.seq} signed {utc_text(made.made_at)} over {made.tree_size} "
            f"chains by key {made.key_fingerprint[:16]}…"
            + (" (announcing the new key)" if options["rotate_key"] else "")
        )
