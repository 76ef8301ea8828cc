#!/usr/bin/env python3
"""Verify a Breachroom case export offline, without Breachroom.

    python3 verify_bundle.py INC-2026-0001-case-20261203T100500Z.zip

Needs Python 3.11+ and the `cryptography` package (pip install cryptography); nothing else
of ours. It checks, and prints one page saying what held and what did not:

1. MANIFEST.json: every file in the ZIP has the SHA-256 and size the manifest gives.
2. events.jsonl: the incident's hash chain. Each event's hash is SHA-256 over its canonical
   form (below) and names the hash of the event before it.
3. checkpoints.json: each signed checkpoint's Ed25519 signature over its body, that each
   follows the one before (the SHA-256 of its body), and that the key signing it is the
   key in audit-key.json or one an earlier checkpoint announced.
4. Inclusion: the chain's head at each checkpoint (incident, seq, the hash of that event
   here) is a leaf of that checkpoint's Merkle tree (RFC 6962): the proof in
   checkpoints.json leads from that leaf to the signed root.

A checkpoint proves the events up to the seq it names existed, exactly as here, when it
was signed; a witness's receipt (if the export carries one) proves when.

The canonical form of an event (incidents/services/hashing.py in Breachroom):
JSON, keys sorted, separators "," and ":", UTF-8 without escaping, of
{"v": 1, "incident", "seq", "occurred_at" (ISO 8601 in UTC with microseconds and
"+00:00"), "actor_id", "actor", "verb", "before", "after", "prev_hash", and "request"
and "auth" when the event has them}; the first prev_hash is GENESIS below.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = "0" * 64


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(reference: str, row: dict) -> str:
    moment = datetime.fromisoformat(row["occurred_at"]).astimezone(UTC)
    form = {
        "v": 1,
        "incident": reference,
        "seq": row["seq"],
        "occurred_at": moment.isoformat(timespec="microseconds"),
        "actor_id": row["actor_id"],
        "actor": row["actor"],
        "verb": row["verb"],
        "before": row["before"],
        "after": row["after"],
        "prev_hash": row["prev_hash"],
    }
    # The request an event came from and how its actor signed in, when it has them.
    if row.get("request"):
        form["request"] = row["request"]
    if row.get("auth"):
        form["auth"] = row["auth"]
    return hashlib.sha256(canonical(form).encode()).hexdigest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root an inclusion proof leads to."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    fn, sn, result = index, size - 1, leaf_hash(leaf)
    for step in proof:
        if sn == 0:
            raise ValueError("proof longer than the tree")
        if fn % 2 == 1 or fn == sn:
            result = node_hash(step, result)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, step)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof shorter than the tree")
    return result


def signature_holds(public_hex: str, signature_hex: str, body: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), body.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(path: str) -> list[str]:
    """Returns the problems found (none: everything held); prints what it checked."""
    problems: list[str] = []
    bundle = zipfile.ZipFile(path)
    manifest = json.loads(bundle.read("MANIFEST.json"))
    reference = manifest["incident"]
    print(f"Breachroom case export of {reference}, made {manifest['generated_at']}")

    for entry in manifest["files"]:
        data = bundle.read(entry["path"])
        if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
            problems.append(f"{entry['path']}: bytes differ from the manifest")
    print(f"  files: {len(manifest['files'])} checked against MANIFEST.json")

    events = [json.loads(line) for line in bundle.read("events.jsonl").decode().splitlines()]
    hashes: dict[int, str] = {}
    previous = GENESIS
    for row in events:
        if row["prev_hash"] != previous:
            problems.append(f"event {row['seq']}: does not follow the event before it")
        if event_hash(reference, row) != row["hash"]:
            problems.append(f"event {row['seq']}: its hash does not match its content")
        hashes[row["seq"]] = row["hash"]
        previous = row["hash"]
    print(f"  events: {len(events)} hashed and chained")

    if "checkpoints.json" not in bundle.namelist():
        print("  checkpoints: none in this export (made before any checkpoint)")
        return problems
    signed = json.loads(bundle.read("checkpoints.json"))
    key = json.loads(bundle.read("audit-key.json"))["public_key"]
    allowed: set[str] = set()
    previous_body = None
    proven = 0
    for checkpoint in signed["checkpoints"]:
        body = checkpoint["body"]
        fields = json.loads(body)
        number = fields["checkpoint"]
        if not signature_holds(checkpoint["public_key"], checkpoint["signature"], body):
            problems.append(f"checkpoint {number}: the signature does not hold")
        if previous_body is not None:
            if checkpoint["public_key"] not in allowed:
                problems.append(f"checkpoint {number}: signed by a key not announced before")
            wanted = hashlib.sha256(previous_body.encode()).hexdigest()
            if fields["previous"] != wanted:
                problems.append(f"checkpoint {number}: does not follow the one before it")
        announced = {fields["announces"]} if fields.get("announces") else set()
        allowed = {checkpoint["public_key"]} | announced
        previous_body = body
        proof = checkpoint.get("inclusion")
        if proof is None:
            continue
        seq = proof["seq"]
        if seq not in hashes:
            problems.append(f"checkpoint {number}: covers event {seq}, missing from events.jsonl")
            continue
        leaf = canonical([reference, seq, hashes[seq]]).encode()
        try:
            path_hashes = [bytes.fromhex(h) for h in proof["path"]]
            root = root_from_proof(proof["index"], fields["tree_size"], leaf, path_hashes)
        except ValueError as error:
            problems.append(f"checkpoint {number}: the inclusion proof is malformed ({error})")
            continue
        if root.hex() != fields["root"]:
            problems.append(
                f"checkpoint {number} (signed {fields['made_at']}): events up to {seq} "
                "differ from what it signed"
            )
        proven += 1
    if signed["checkpoints"] and key not in allowed:
        problems.append("the latest checkpoint is not signed by the key in audit-key.json")
    print(
        f"  checkpoints: {len(signed['checkpoints'])} signatures and links checked, "
        f"{proven} inclusion proofs; key {hashlib.sha256(bytes.fromhex(key)).hexdigest()[:16]}…"
    )
    return problems


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    problems = verify(sys.argv[1])
    if problems:
        print("RESULT: NOT VERIFIED")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("RESULT: VERIFIED: every file, event, signature and proof held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
