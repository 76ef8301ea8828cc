"""Writing a case bundle: one ZIP with the audit log as JSON Lines, the chain's verification,
every evidence file, every sent notice (text, HTML, PDF), the regulator pack PDF, and a
MANIFEST.json naming each file's SHA-256 and size.

Each member is hashed as it is written, in pieces, so a 2 GiB evidence file is never held
in memory; an evidence file whose bytes no longer match the hash it was kept under is
written all the same and named as a mismatch in the manifest, never passed off as intact."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

from incidents.audit import chain_row, verify_incident
from incidents.checkpoints import keys
from incidents.models import Evidence, EvidenceSource, Incident, Notice, NoticeState
from incidents.notices.delivery import sent_html, sent_pdf
from incidents.regulation.pack import build_pack
from incidents.regulation.pack_pdf import pack_pdf
from incidents.services import checkpoints

PIECE = 1024 * 1024
# The standalone verifier travels with every export (tools/verify_bundle.py).
VERIFIER = Path(settings.BASE_DIR) / "tools" / "verify_bundle.py"
MANIFEST_VERSION = 1


@dataclass
class Member:
    """One file of the bundle and how to produce its bytes, in pieces."""

    path: str
    pieces: Callable[[], Iterable[bytes]]
    compress: bool = True
    expected_sha256: str = ""  # an evidence file's hash as kept


@dataclass
class Written:
    path: str
    sha256: str
    size: int
    mismatch: bool = False


@dataclass
class Plan:
    members: list[Member]
    evidence: list[dict[str, Any]] = field(default_factory=list)  # the manifest's register


def plan(incident: Incident) -> Plan:
    """Every member of the bundle, and the evidence register (included or not, and why)."""
    members = [
        Member("events.jsonl", lambda: _events(incident)),
        Member("verification.json", lambda: [_verification(incident)]),
        Member("checkpoints.json", lambda: [_checkpoints(incident)]),
        Member("audit-key.json", lambda: [_audit_key()]),
        Member("verify_bundle.py", lambda: [VERIFIER.read_bytes()]),
        Member("regulator-pack.pdf", lambda: [pack_pdf(build_pack(incident))]),
    ]
    register = []
    files = (
        Evidence.objects.filter(incident=incident)
        .select_related("blob", "uploaded_by")
        .order_by("pk")
    )
    for evidence in files:
        entry = {
            "id": evidence.pk,
            "filename": evidence.filename,
            "sha256": evidence.blob.sha256,
            "size": evidence.blob.size,
            "type": evidence.blob.content_type,
            "source": evidence.source,
            "given_by": evidence.uploaded_by.get_username() if evidence.uploaded_by else None,
            "given_at": evidence.uploaded_at.isoformat(),
        }
        if evidence.redacted_at is not None:
            entry |= {"included": False, "why": f"redacted: {evidence.redaction_reason}"}
        elif evidence.quarantined_at is not None:
            entry |= {"included": False, "why": f"quarantined: {evidence.scan_result}"}
        elif evidence.source == EvidenceSource.EXPORT:
            entry |= {"included": False, "why": "an earlier export of this case"}
        else:
            path = f"evidence/{evidence.pk}-{evidence.filename}"
            entry |= {"included": True, "path": path}
            members.append(
                Member(
                    path,
                    _blob_pieces(evidence.blob.storage_name),
                    compress=False,  # evidence is often compressed already; speed matters
                    expected_sha256=evidence.blob.sha256,
                )
            )
        register.append(entry)
    sent = Notice.objects.filter(incident=incident, state=NoticeState.SENT).select_related(
        "incident"
    )
    for notice in sent.order_by("pk"):
        base = f"notices/{notice.pk}"
        members += [
            Member(f"{base}/notice.txt", _once(notice.rendered_body.encode())),
            Member(f"{base}/notice.html", _once(sent_html(notice).encode())),
            Member(f"{base}/notice.pdf", partial(_pdf_of, notice)),
        ]
    return Plan(members, register)


def _pdf_of(notice: Notice) -> list[bytes]:
    return [sent_pdf(notice)]


def _once(data: bytes) -> Callable[[], Iterable[bytes]]:
    return lambda: [data]


def _events(incident: Incident) -> Iterator[bytes]:
    batch: list[str] = []
    for event in incident.events.order_by("seq").iterator(chunk_size=2000):
        batch.append(json.dumps(chain_row(event), ensure_ascii=False, sort_keys=True))
        if len(batch) == 2000:
            yield ("\n".join(batch) + "\n").encode()
            batch = []
    if batch:
        yield ("\n".join(batch) + "\n").encode()


def _verification(incident: Incident) -> bytes:
    result = verify_incident(incident)
    return json.dumps(
        {
            "incident": incident.reference,
            "events": result.events,
            "intact": result.intact,
            "summary": result.describe(),
            "checked_at": timezone.now().isoformat(),
        },
        indent=2,
    ).encode()


def _checkpoints(incident: Incident) -> bytes:
    return json.dumps(checkpoints.export_for(incident.reference), indent=1).encode()


def _audit_key() -> bytes:
    key = keys.load()
    return json.dumps(
        {"algorithm": "Ed25519", "public_key": key.public_hex, "fingerprint": key.fingerprint},
        indent=2,
    ).encode()


def _blob_pieces(storage_name: str) -> Callable[[], Iterable[bytes]]:
    def pieces() -> Iterator[bytes]:
        with storages["evidence"].open(storage_name, "rb") as stored:
            while piece := stored.read(PIECE):
                yield piece

    return pieces


def write(
    target: IO[bytes],
    incident: Incident,
    the_plan: Plan,
    *,
    made_by: str,
    progress: Callable[[int], None],
) -> list[Written]:
    """Write the ZIP to `target`; `progress(n)` after each member. MANIFEST.json last."""
    written: list[Written] = []
    with zipfile.ZipFile(target, "w", allowZip64=True) as bundle:
        for done, member in enumerate(the_plan.members, start=1):
            written.append(_write_member(bundle, member))
            progress(done)
        mismatched = {w.path for w in written if w.mismatch}
        for entry in the_plan.evidence:
            if entry.get("path") in mismatched:
                entry["bytes_match_hash"] = False
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "incident": incident.reference,
            "title": incident.title,
            "generated_at": timezone.now().isoformat(),
            "generated_by": made_by,
            "hash_algorithm": "sha256",
            "files": [{"path": w.path, "sha256": w.sha256, "size": w.size} for w in written],
            "evidence": the_plan.evidence,
            "mismatches": sorted(mismatched),
        }
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        bundle.writestr("MANIFEST.json", data, compress_type=zipfile.ZIP_DEFLATED)
    return written


def _write_member(bundle: zipfile.ZipFile, member: Member) -> Written:
    digest, size = hashlib.sha256(), 0
    method = zipfile.ZIP_DEFLATED if member.compress else zipfile.ZIP_STORED
    info = zipfile.ZipInfo(member.path, date_time=timezone.now().timetuple()[:6])
    info.compress_type = method
    with bundle.open(info, "w", force_zip64=True) as out:
        for piece in member.pieces():
            digest.update(piece)
            size += len(piece)
            out.write(piece)
    sha256 = digest.hexdigest()
    mismatch = bool(member.expected_sha256) and sha256 != member.expected_sha256
    return Written(member.path, sha256, size, mismatch)
