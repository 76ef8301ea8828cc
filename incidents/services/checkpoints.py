"""Making signed checkpoints of the audit trail.

A checkpoint is a Merkle tree (RFC 6962) over every chain's head, each incident's
(reference, last seq, head hash) and the security log's, signed with the Ed25519 key kept
outside the database (checkpoints/keys.py) and chained to the checkpoint before by the
hash of its signed body. It is stored in the database and appended to a file outside it
(AUDIT_CHECKPOINT_FILE, JSON Lines), so rewriting history needs the key, the database and
that file, and still shows against any copy handed out before."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from incidents.checkpoints import keys, merkle
from incidents.models import (
    SECURITY_CHAIN,
    AuditCheckpoint,
    CheckpointHead,
    Incident,
    SecurityLogHead,
    WitnessReceipt,
)

log = logging.getLogger(__name__)
ADVISORY_LOCK = 0x42726368  # one checkpoint at a time (PostgreSQL; SQLite writes one at a time)


@dataclass(frozen=True)
class Head:
    chain: str
    seq: int
    head_hash: str

    def leaf(self) -> bytes:
        """The leaf's bytes: what a verifier without Breachroom rebuilds from a chain."""
        return canonical([self.chain, self.seq, self.head_hash]).encode()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def current_heads() -> list[Head]:
    """Every chain's head now, sorted by chain name: the leaves of the next tree."""
    heads = [
        Head(reference, seq, head)
        for reference, seq, head in Incident.objects.filter(event_seq__gt=0)
        .values_list("reference", "event_seq", "head_hash")
        .iterator(chunk_size=10_000)
    ]
    security = SecurityLogHead.objects.filter(pk=1).first()
    if security is not None and security.seq:
        heads.append(Head(SECURITY_CHAIN, security.seq, security.head_hash))
    return sorted(heads, key=lambda h: h.chain)


def heads_as_of(checkpoint: AuditCheckpoint) -> dict[str, Head]:
    """Each chain's head as checkpoint `checkpoint` signed it: its latest row up to it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT ON (h.chain) h.chain, h.seq, h.head_hash "
                "FROM incidents_checkpointhead h "
                "JOIN incidents_auditcheckpoint c ON c.id = h.checkpoint_id "
                "WHERE c.seq <= %s ORDER BY h.chain, c.seq DESC",
                [checkpoint.seq],
            )
            return {chain: Head(chain, int(seq), head) for chain, seq, head in cursor.fetchall()}
    rows = (
        CheckpointHead.objects.filter(checkpoint__seq__lte=checkpoint.seq)
        .order_by("checkpoint__seq")
        .values_list("chain", "seq", "head_hash")
    )
    return {chain: Head(chain, seq, head) for chain, seq, head in rows.iterator(chunk_size=10_000)}


def root_of(heads: Iterable[Head]) -> str:
    return merkle.root_of([merkle.leaf_hash(h.leaf()) for h in heads]).hex()


def make_checkpoint(*, only_if_changed: bool = False, announce: str = "") -> AuditCheckpoint | None:
    """Sign the current heads. `only_if_changed` (the beat's way) makes none when no chain
    moved since the last one; `announce` names the next key (hex public key), so a key
    rotation is vouched for by the key it replaces."""
    key = keys.load()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        previous = AuditCheckpoint.objects.order_by("-seq").first()
        heads = current_heads()
        root = root_of(heads)
        if only_if_changed and previous is not None and previous.root == root and not announce:
            return None
        seq = previous.seq + 1 if previous else 1
        made_at = timezone.now()
        linked_to = body_hash(previous.body) if previous else ""
        fields: dict[str, Any] = {
            "checkpoint": seq,
            "made_at": made_at.isoformat(),
            "tree_size": len(heads),
            "root": root,
            "previous": linked_to,
            "key": key.fingerprint,
            "announces": announce or None,
        }
        body = canonical(fields)
        checkpoint = AuditCheckpoint.objects.create(
            seq=seq,
            made_at=made_at,
            tree_size=len(heads),
            root=root,
            previous=linked_to,
            key_fingerprint=key.fingerprint,
            public_key=key.public_hex,
            body=body,
            signature=key.sign(body.encode()),
        )
        known = heads_as_of(previous) if previous else {}
        _record_heads(checkpoint, [h for h in heads if known.get(h.chain) != h])
        transaction.on_commit(lambda: append_to_file(checkpoint))
        if (
            settings.AUDIT_WITNESS_EMAILS
            or settings.AUDIT_WITNESS_URLS
            or settings.AUDIT_WITNESS_TSA_URL
        ):
            from incidents.tasks import witness_checkpoint

            transaction.on_commit(partial(witness_checkpoint.delay, checkpoint.seq))
    return checkpoint


def _record_heads(checkpoint: AuditCheckpoint, moved: list[Head]) -> None:
    """The heads that moved since the checkpoint before: COPY on PostgreSQL (a first
    checkpoint over 100,000 chains writes 100,000 rows), bulk inserts elsewhere."""
    if connection.vendor != "postgresql":
        CheckpointHead.objects.bulk_create(
            [
                CheckpointHead(
                    checkpoint=checkpoint, chain=h.chain, seq=h.seq, head_hash=h.head_hash
                )
                for h in moved
            ],
            batch_size=5_000,
        )
        return
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY incidents_checkpointhead (checkpoint_id, chain, seq, head_hash) FROM STDIN"
        ) as copy,
    ):
        for h in moved:
            copy.write_row((checkpoint.pk, h.chain, h.seq, h.head_hash))


def rotate_key() -> AuditCheckpoint:
    """Replace the signing key: the new key's public half is announced in a checkpoint the
    current key signs, then the new key takes the file's place. Checkpoints signed before
    stay verifiable (each carries its public key; the announcement links old to new)."""
    path = keys.key_path()
    staged = path.with_name(path.name + ".new")
    staged.unlink(missing_ok=True)
    keys.create_file(staged)
    new = keys.load_file(staged)
    checkpoint = make_checkpoint(announce=new.public_hex)
    assert checkpoint is not None
    os.replace(staged, path)
    log.warning("audit signing key rotated: now %s", new.fingerprint)
    return checkpoint


def file_line(checkpoint: AuditCheckpoint) -> str:
    return canonical(
        {
            "body": checkpoint.body,
            "signature": checkpoint.signature,
            "public_key": checkpoint.public_key,
        }
    )


def append_to_file(checkpoint: AuditCheckpoint) -> None:
    """The copy outside the database. A failure is logged loudly and shows in the next
    verification ("not in the checkpoint file"), never silently."""
    path = settings.AUDIT_CHECKPOINT_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(file_line(checkpoint) + "\n")
            out.flush()
    except OSError:
        log.exception("checkpoint %s could not be appended to %s", checkpoint.seq, path)


# How many checkpoints an export proves its chain's inclusion in (the latest, and those at
# which the chain had moved): each proof needs that checkpoint's whole tree.
PROOFS_PER_EXPORT = 50


def inclusion(chain: str, checkpoint: AuditCheckpoint) -> dict[str, Any] | None:
    """The chain's leaf in `checkpoint`'s tree and its audit path, for a verifier without
    Breachroom (tools/verify_bundle.py); None if the checkpoint does not cover the chain."""
    heads = sorted(heads_as_of(checkpoint).values(), key=lambda h: h.chain)
    index = next((i for i, h in enumerate(heads) if h.chain == chain), None)
    if index is None:
        return None
    hashes = [merkle.leaf_hash(h.leaf()) for h in heads]
    path = merkle.inclusion_proof(index, hashes)
    return {"index": index, "seq": heads[index].seq, "path": [p.hex() for p in path]}


def export_for(chain: str) -> dict[str, Any]:
    """What an export carries for one chain: every checkpoint from the first covering it to
    the latest (bodies and signatures, so their links can be followed), with inclusion
    proofs for the latest and the ones where the chain had moved."""
    first = CheckpointHead.objects.filter(chain=chain).order_by("checkpoint__seq").first()
    if first is None:
        return {"checkpoints": []}
    checkpoints = list(
        AuditCheckpoint.objects.filter(seq__gte=first.checkpoint.seq).order_by("seq")
    )
    moved = set(
        CheckpointHead.objects.filter(chain=chain)
        .order_by("-checkpoint__seq")
        .values_list("checkpoint__seq", flat=True)[:PROOFS_PER_EXPORT]
    )
    moved.add(checkpoints[-1].seq)
    receipts: dict[int, list[dict[str, str]]] = {}
    confirmed = WitnessReceipt.objects.filter(
        checkpoint__in=checkpoints, confirmed_at__isnull=False
    ).values_list("checkpoint__seq", "witness", "confirmed_at", "receipt")
    for seq, witness, confirmed_at, receipt in confirmed:
        receipts.setdefault(seq, []).append(
            {
                "witness": witness,
                "confirmed_at": confirmed_at.isoformat() if confirmed_at else "",
                "receipt": receipt,
            }
        )
    return {
        "checkpoints": [
            {
                "body": cp.body,
                "signature": cp.signature,
                "public_key": cp.public_key,
                "inclusion": inclusion(chain, cp) if cp.seq in moved else None,
                "witnessed": receipts.get(cp.seq, []),
            }
            for cp in checkpoints
        ]
    }
