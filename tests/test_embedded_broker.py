"""The embedded default's broker under several processes: producers and consumers on one
queue folder at once, none lost, none read twice, none half-read. Pointed at kombu's own
filesystem transport ("filesystem://") this test fails: a consumer takes a file before its
writer has filled it and dies on the JSON (kombu issue 1551)."""

from __future__ import annotations

import multiprocessing
import queue as queues
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

from kombu import Connection

import incidents.embedded_broker  # noqa: F401 - registers the scheme

PER_PRODUCER = 400
PRODUCERS, CONSUMERS = 2, 3


def _connection(folder: Path) -> Connection:
    return Connection(
        "breachroom-files://",
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
            "polling_interval": 0.01,
        },
    )


def _produce(folder: Path, first: int) -> None:
    with _connection(folder) as connection:
        simple = connection.SimpleQueue("hammer")
        for number in range(first, first + PER_PRODUCER):
            simple.put({"n": number, "pad": "x" * 400_000})
        simple.close()


def _consume(folder: Path, seen: multiprocessing.Queue, done: EventType) -> None:
    with _connection(folder) as connection:
        simple = connection.SimpleQueue("hammer")
        while True:
            try:
                message = simple.get(block=True, timeout=0.5)
            except queues.Empty:
                if done.is_set():
                    break
                continue
            seen.put(message.payload["n"])
            message.ack()
        simple.close()


def test_several_processes_share_the_queue_folder_without_losing_or_breaking_a_message(
    tmp_path,
):
    (tmp_path / "queue").mkdir()
    context = multiprocessing.get_context("fork")
    seen, done = context.Queue(), context.Event()
    consumers = [
        context.Process(target=_consume, args=(tmp_path, seen, done)) for _ in range(CONSUMERS)
    ]
    producers = [
        context.Process(target=_produce, args=(tmp_path, n * PER_PRODUCER))
        for n in range(PRODUCERS)
    ]
    for process in consumers + producers:
        process.start()
    for process in producers:
        process.join(60)
        assert process.exitcode == 0
    received = []
    total = PRODUCERS * PER_PRODUCER
    while len(received) < total:
        received.append(seen.get(timeout=30))
    done.set()
    for process in consumers:
        process.join(30)
        assert process.exitcode == 0  # no consumer died on a half-written message
    assert sorted(received) == list(range(total))
