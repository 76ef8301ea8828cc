"""ASGI entry point: HTTP through Django, websockets through Channels, and, in the
embedded placement, the outbox relay as a task of this same process (ASGI lifespan)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The web process serves many threads from a few connections: psycopg's pool, not
# persistent connections (see settings._database).
os.environ.setdefault("DATABASE_POOL", "true")

from django.core.asgi import get_asgi_application

django_http = get_asgi_application()

from incidents.realtime.asgi import build_application  # noqa: E402
from incidents.regulation.rules import all_rules  # noqa: E402

all_rules()  # a broken rule file stops start-up here, naming the file, line and reason

application = build_application(django_http)
