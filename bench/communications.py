"""Issue 5's benchmark: render and store 1,000 partner drafts through the workers, and one
PDF: time per notice, total, and the peak memory of a worker process."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from config.celery import app as celery_app
from incidents import process_commands
from incidents.models import DataCategory, Notice, NoticeBatch, NoticeTemplate, Partner
from incidents.notices.pdf import notice_pdf
from incidents.notices.rendering import render_notice
from incidents.services.exposures import record_exposure
from incidents.services.incidents import open_incident
from incidents.services.notices import start_draft_batch

DRAFTS = 1_000


def run(database_url: str) -> None:
    user = User.objects.get(username="bench-responder")
    incident = open_incident(
        title=f"bench notices {uuid.uuid4().hex[:6]}", by=user, severity="sev1"
    )
    payment = DataCategory.objects.get(slug="financial-payment")
    record_exposure(
        incident=incident, category=payment, status="ruled_out", evidence="segment", by=user
    )
    partners = [
        Partner.objects.get_or_create(
            name=f"Bench creator {n:04d}", defaults={"audience": "creator"}
        )[0]
        for n in range(DRAFTS)
    ]
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        process_commands.worker(hostname=f"bench-notices-{queue}@%h", loglevel="WARNING"),
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        time.sleep(4)
        started = time.perf_counter()
        batch = start_draft_batch(incident=incident, template=template, partners=partners, by=user)
        while NoticeBatch.objects.get(pk=batch.pk).finished_at is None:
            time.sleep(0.5)
        total = time.perf_counter() - started
        peak_kib = max(_peak_kib(pid) for pid in [worker.pid, *_children(worker.pid)])
    finally:
        worker.terminate()
        worker.wait(30)
    print(
        f"drafts: {DRAFTS:,} validated and stored by 1 worker process in {total:.1f}s = "
        f"{total / DRAFTS * 1000:.1f} ms per notice (each a transaction and an event)"
    )
    print(f"worker peak memory (VmHWM, largest of main and child): {peak_kib / 1024:.0f} MiB")
    started = time.perf_counter()
    for notice in Notice.objects.filter(batch=batch).select_related("partner", "incident"):
        render_notice(
            incident=notice.incident,
            subject=notice.subject,
            body=notice.body,
            partner_name=notice.partner.name,
        )
    took = time.perf_counter() - started
    print(
        f"rendering those {DRAFTS:,} drafts against the incident: {took:.1f}s = "
        f"{took / DRAFTS * 1000:.1f} ms per notice (facts gathered each time)"
    )
    regulator = NoticeTemplate.objects.get(name="Regulator notification (GDPR Art. 33)", version=1)
    rendered = render_notice(
        incident=incident, subject=regulator.subject, body=regulator.body, partner_name="X"
    )
    started = time.perf_counter()
    pdf = notice_pdf(subject=rendered.subject, body=rendered.body, footer="bench")
    took = (time.perf_counter() - started) * 1000
    print(f"one PDF (the Art. 33 notice): {len(pdf):,} bytes in {took:.0f} ms")
    connection.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
