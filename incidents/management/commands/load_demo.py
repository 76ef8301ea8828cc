from django.core.management.base import BaseCommand

from incidents.demo import credentials_file, load_demo


class Command(BaseCommand):
    help = "Load the SCENARIO demo (users per role, the MelzTube incident); safe to run twice."

    def handle(self, *args: object, **options: object) -> None:
        created = load_demo()
        self.stdout.write("demo data loaded" if created else "demo data already present")
        self.stdout.write(f"demo sign-ins are in {credentials_file()}")
