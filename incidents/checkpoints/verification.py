"""Checking the audit trail against its signed checkpoints (what verify_audit adds to the
chain walk of incidents/audit.py).

The chain walk catches a changed or missing event only while the chain no longer hashes.
Someone with write access to the database can recompute every hash and move the head; what
they cannot do is sign. So each checkpoint's signature is checked (and that its key is the
one in force: the key file's, or one an earlier checkpoint announced), each checkpoint's
link to the one before, the copy outside the database against the database's, the signed
root against the heads recorded for it, and every chain against the head its latest
checkpoint signed: the event at that seq must still be there with that hash. What broke
is named: "INC-2026-0001: events 2,210–2,243 differ from checkpoint 418 signed 2026-12-03
10:05 UTC"."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from incidents.checkpoints import keys
from incidents.models import (
    SECURITY_CHAIN,
    AuditCheckpoint,
    CheckpointHead,
    Event,
    Incident,
    SecurityEvent,
)
from incidents.presentation.timefmt import utc_text
from incidents.services.checkpoints import Head, body_hash, file_line, heads_as_of, root_of


@dataclass
class CheckpointReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts, not faults (no file yet, ...)
    latest: AuditCheckpoint | None = None
    chains_covered: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_checkpoints() -> CheckpointReport:
    report = CheckpointReport()
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    if not checkpoints:
        _check_file(checkpoints, report)  # a file with checkpoints the database lost
        if not report.problems:
            report.notes.append(
                "no checkpoint has been made yet: only the hash chains were checked"
            )
        return report
    _check_signatures_and_links(checkpoints, report)
    _check_file(checkpoints, report)
    latest = checkpoints[-1]
    report.latest = latest
    heads = heads_as_of(latest)
    if root_of(sorted(heads.values(), key=lambda h: h.chain)) != latest.root:
        report.problems.append(
            f"the chain heads recorded for checkpoint {latest.seq} do not give its signed root: "
            "rows of the checkpoint tables were changed"
        )
    report.chains_covered = len(heads)
    now = hashes_at(list(heads.values()))
    for head in heads.values():
        if now.get(head.chain) != head.head_hash:
            report.problems.append(_what_broke(head, latest, now.get(head.chain)))
    return report


def hashes_at(heads: list[Head]) -> dict[str, str]:
    """Each chain's event hash now at the seq its head names, in a few queries for any
    number of chains (a chain without that event is left out)."""
    found: dict[str, str] = {}
    security = [h for h in heads if h.chain == SECURITY_CHAIN]
    for head in security:
        _, found_hash = _event_at(head.chain, head.seq)
        if found_hash:
            found[head.chain] = found_hash
    incidents = [h for h in heads if h.chain != SECURITY_CHAIN]
    ids = dict(Incident.objects.values_list("reference", "pk"))  # one read for every chain
    wanted = [(ids[h.chain], h.seq, h.chain) for h in incidents if h.chain in ids]
    names = {(incident_id, seq): chain for incident_id, seq, chain in wanted}
    for start in range(0, len(wanted), 5_000):
        chunk = wanted[start : start + 5_000]
        for incident_id, seq, hash_now in _event_hashes(chunk):
            found[names[(incident_id, seq)]] = hash_now
    return found


def _event_hashes(pairs: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.incident_id, e.seq, e.hash FROM incidents_event e "
                "JOIN unnest(%s::bigint[], %s::bigint[]) AS w(incident_id, seq) "
                "USING (incident_id, seq)",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
            return [(int(a), int(b), str(c)) for a, b, c in cursor.fetchall()]
    found = []
    for incident_id, seq, _ in pairs:
        row = (
            Event.objects.filter(incident_id=incident_id, seq=seq)
            .values_list("incident_id", "seq", "hash")
            .first()
        )
        if row:
            found.append((int(row[0]), int(row[1]), str(row[2])))
    return found


def _check_signatures_and_links(
    checkpoints: list[AuditCheckpoint], report: CheckpointReport
) -> None:
    trusted = _trusted_key()
    allowed: set[str] = set()
    previous: AuditCheckpoint | None = None
    for cp in checkpoints:
        when = utc_text(cp.made_at)
        if not keys.verify(cp.public_key, cp.signature, cp.body.encode()):
            report.problems.append(f"checkpoint {cp.seq} ({when}): the signature does not hold")
        try:
            fields = json.loads(cp.body)
        except ValueError:
            report.problems.append(f"checkpoint {cp.seq}: its signed body is not readable")
            continue
        if (fields.get("checkpoint"), fields.get("root")) != (cp.seq, cp.root) or fields.get(
            "key"
        ) != keys.fingerprint(cp.public_key):
            report.problems.append(
                f"checkpoint {cp.seq} ({when}): its columns differ from what was signed"
            )
        if previous is None:
            if cp.seq != 1:
                report.problems.append(f"checkpoints 1–{cp.seq - 1} are missing")
        else:
            if cp.seq != previous.seq + 1:
                report.problems.append(
                    f"checkpoints {previous.seq + 1}–{cp.seq - 1} are missing "
                    f"(between {utc_text(previous.made_at)} and {when})"
                )
            if fields.get("previous") != body_hash(previous.body):
                report.problems.append(
                    f"checkpoint {cp.seq} ({when}) does not follow checkpoint {previous.seq}"
                )
            if cp.public_key not in allowed:
                report.problems.append(
                    f"checkpoint {cp.seq} ({when}) is signed by a key no earlier checkpoint "
                    f"announced ({cp.key_fingerprint[:16]}…)"
                )
        allowed = {cp.public_key} | ({fields["announces"]} if fields.get("announces") else set())
        previous = cp
    if previous is not None and trusted and trusted not in allowed:
        report.problems.append(
            "the latest checkpoints are not signed by this installation's key "
            f"({keys.fingerprint(trusted)[:16]}…) nor announce it"
        )


def _trusted_key() -> str:
    try:
        return keys.load(create=False).public_hex
    except (FileNotFoundError, ValueError):
        return ""


def _check_file(checkpoints: list[AuditCheckpoint], report: CheckpointReport) -> None:
    """The copy outside the database: every line must be a checkpoint the database still
    holds, byte for byte."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        if checkpoints:
            report.notes.append(
                f"the checkpoint file {path} is missing: only the database's copy was checked"
            )
        return
    by_seq = {cp.seq: cp for cp in checkpoints}
    filed: set[int] = set()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                body = json.loads(entry["body"])
                seq = int(body["checkpoint"])
            except (ValueError, KeyError, TypeError):
                report.problems.append(f"{path}: line {number} is not a checkpoint")
                continue
            filed.add(seq)
            held = by_seq.get(seq)
            if held is None:
                report.problems.append(
                    f"checkpoint {seq} (signed {body.get('made_at')}) is in the checkpoint "
                    "file but not in the database: it was removed"
                )
            elif file_line(held) != line.rstrip("\n"):
                report.problems.append(
                    f"checkpoint {seq} in the database differs from its copy in the file"
                )
    unfiled = sorted(set(by_seq) - filed)
    if unfiled:
        report.notes.append(
            f"{len(unfiled)} checkpoint(s) are not in the checkpoint file (from "
            f"{unfiled[0]}): the file was lost or could not be written"
        )


def _what_broke(head: Head, latest: AuditCheckpoint, now_hash: str | None) -> str:
    """Which events no longer match the head a checkpoint signed (only for a chain that
    broke, so a query or two each is fine)."""
    covering = _covering_checkpoint(head, latest)
    when = utc_text(covering.made_at) if covering else "?"
    number = covering.seq if covering else latest.seq
    if now_hash is None:
        gone_from = (_chain_length(head.chain) or 0) + 1
        return (
            f"{head.chain}: events {gone_from:,}–{head.seq:,} are missing; checkpoint "
            f"{number} signed {when} covers them"
        )
    since = _last_matching_seq(head.chain)
    return (
        f"{head.chain}: events {since + 1:,}–{head.seq:,} differ from checkpoint {number} "
        f"signed {when}: one or more of them were changed, removed or inserted since"
    )


def _covering_checkpoint(head: Head, latest: AuditCheckpoint) -> AuditCheckpoint | None:
    row = (
        CheckpointHead.objects.filter(
            chain=head.chain, seq=head.seq, checkpoint__seq__lte=latest.seq
        )
        .select_related("checkpoint")
        .order_by("-checkpoint__seq")
        .first()
    )
    return row.checkpoint if row else None


def _event_at(chain: str, seq: int) -> tuple[int | None, str]:
    if chain == SECURITY_CHAIN:
        found = SecurityEvent.objects.filter(seq=seq).values_list("seq", "hash").first()
    else:
        found = (
            Event.objects.filter(incident__reference=chain, seq=seq)
            .values_list("seq", "hash")
            .first()
        )
    return (found[0], found[1]) if found else (None, "")


def _chain_length(chain: str) -> int | None:
    if chain == SECURITY_CHAIN:
        return SecurityEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    incident = Incident.objects.filter(reference=chain).values_list("pk", flat=True).first()
    if incident is None:
        return None
    return (
        Event.objects.filter(incident_id=incident)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )


def _last_matching_seq(chain: str) -> int:
    """The highest seq an earlier checkpoint signed that the chain still matches: the
    events after it are the ones rewritten (0 when none still matches)."""
    rows = (
        CheckpointHead.objects.filter(chain=chain)
        .order_by("-checkpoint__seq")
        .values_list("seq", "head_hash")
    )
    for seq, head_hash in rows:
        _, now_hash = _event_at(chain, seq)
        if now_hash == head_hash:
            return int(seq)
    return 0
