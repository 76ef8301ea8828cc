import asyncio
import signal

from django.core.management.base import BaseCommand

from incidents.realtime.relay import run_relay


class Command(BaseCommand):
    help = "Run the outbox relay (events to the channel layer) until SIGINT/SIGTERM."

    def handle(self, *args: object, **options: object) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        self.stdout.write("relay started")
        await run_relay(stop)
        self.stdout.write("relay stopped")
