"""Evidence files: kept once under their SHA-256 (the hash computed while the upload
streamed, incidents/evidence/upload.py), each upload and each download an event on the
incident's chain, so who gave and who took which bytes is part of the record."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from typing import Any

import puremagic
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.evidence import scanning
from incidents.models import Evidence, EvidenceBlob, EvidenceSource, Incident
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.notices import revalidate_notices

MAX_NAME = 200
UNKNOWN_TYPE = "application/octet-stream"


def safe_filename(name: str) -> str:
    """The name as given, made safe to keep and to offer back: no path, no control
    characters, at most MAX_NAME characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    name = re.sub(r"\s+", " ", name) or "file"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:20] if dot else ""
        name = (stem if dot else name)[: MAX_NAME - len(extension) - 1] + (
            f".{extension}" if extension else ""
        )
    return name


def detected_type(path: str) -> str:
    """The type the bytes say they are (never the name's extension)."""
    try:
        found = puremagic.magic_file(path)
    except (puremagic.PureError, OSError, ValueError):
        return UNKNOWN_TYPE
    best = max(found, key=lambda m: m.confidence, default=None) if found else None
    return (best.mime_type or UNKNOWN_TYPE) if best is not None else UNKNOWN_TYPE


def keep(*, incident: Incident, upload: Any, by: Any) -> Evidence:
    """Keep one uploaded file (a TemporaryUploadedFile carrying `sha256`) for the incident;
    the same bytes already kept are not stored again."""
    sha256 = getattr(upload, "sha256", "")
    if not sha256:
        raise ServiceError("The upload was not hashed; nothing was kept.")
    if upload.size == 0:
        raise ServiceError(f"“{safe_filename(upload.name)}” is empty (0 bytes): nothing was kept.")
    name = safe_filename(upload.name)
    verdict = None
    if scanning.configured():
        with open(upload.temporary_file_path(), "rb") as stream:
            verdict = _scanned(stream, name)
    # The upload's temporary file itself: the filesystem storage moves it into place (a
    # rename on the same disk) instead of writing every byte a second time; its type is
    # read before it moves.
    blob = EvidenceBlob.objects.filter(sha256=sha256).first() or store_blob(
        upload,
        sha256=sha256,
        size=upload.size,
        content_type=detected_type(upload.temporary_file_path()),
    )
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        evidence = Evidence.objects.create(
            incident=locked,
            blob=blob,
            filename=name,
            source=EvidenceSource.UPLOADED,
            uploaded_by=by,
            scan_result=verdict.said if verdict else None,
        )
        append_event(
            incident=locked,
            verb="evidence.uploaded",
            actor=by,
            after={
                "evidence_id": evidence.pk,
                "filename": name,
                "sha256": sha256,
                "size": blob.size,
                "type": blob.content_type,
                "scan": verdict.said if verdict else "not scanned",
            },
        )
        _quarantine_if_flagged(locked, evidence, verdict)
    return evidence


def _scanned(stream: Any, name: str) -> scanning.Verdict | None:
    """The scanner's verdict, None when no scanner is set up; refused when it is down."""
    if not scanning.configured():
        return None
    try:
        return scanning.scan(stream)
    except scanning.ScannerDown as down:
        raise ServiceError(f"“{name}” was not kept: {down}. Try again when it is back.") from None


def _quarantine_if_flagged(
    incident: Incident, evidence: Evidence, verdict: scanning.Verdict | None
) -> None:
    if verdict is None or verdict.clean:
        return
    evidence.quarantined_at = timezone.now()
    evidence.save(update_fields=["quarantined_at"])
    append_event(
        incident=incident,
        verb="evidence.quarantined",
        actor_label="malware scanner",
        after={
            "evidence_id": evidence.pk,
            "filename": evidence.filename,
            "sha256": evidence.blob.sha256,
            "found": verdict.said,
        },
    )


def keep_bytes(
    *,
    incident: Incident,
    data: bytes,
    filename: str,
    source: str,
    by: Any = None,
    actor_label: str | None = None,
    check_run: Any = None,
) -> Evidence:
    """Keep bytes held in memory (a check's proof, an export, a script's file) as evidence,
    with the same custody as an upload. The caller holds the incident locked in its
    transaction."""
    if not data:
        raise ServiceError(f"“{safe_filename(filename)}” is empty (0 bytes): nothing was kept.")
    # What a person gives is scanned; what Breachroom wrote itself is not.
    verdict = (
        _scanned(io.BytesIO(data), safe_filename(filename))
        if source == EvidenceSource.UPLOADED
        else None
    )
    sha256 = hashlib.sha256(data).hexdigest()
    blob = EvidenceBlob.objects.filter(sha256=sha256).first() or store_blob(
        ContentFile(data),
        sha256=sha256,
        size=len(data),
        content_type=_type_of_bytes(data, filename, source),
    )
    name = safe_filename(filename)
    evidence = Evidence.objects.create(
        incident=incident,
        blob=blob,
        filename=name,
        source=source,
        check_run=check_run,
        uploaded_by=by,
        scan_result=verdict.said if verdict else None,
    )
    append_event(
        incident=incident,
        verb="evidence.uploaded" if source == EvidenceSource.UPLOADED else "evidence.produced",
        actor=by,
        actor_label=actor_label,
        after={
            "evidence_id": evidence.pk,
            "filename": name,
            "sha256": sha256,
            "size": blob.size,
            "source": source,
        },
    )
    _quarantine_if_flagged(incident, evidence, verdict)
    return evidence


# The types of what Breachroom writes itself, by the name it gives (it knows what it wrote).
PRODUCED_TYPES = {"json": "application/json", "zip": "application/zip", "pdf": "application/pdf"}


def _type_of_bytes(data: bytes, filename: str, source: str) -> str:
    if source != EvidenceSource.UPLOADED:
        return PRODUCED_TYPES.get(filename.rsplit(".", 1)[-1], UNKNOWN_TYPE)
    try:
        found = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return UNKNOWN_TYPE
    best = max(found, key=lambda m: m.confidence, default=None) if found else None
    return (best.mime_type or UNKNOWN_TYPE) if best is not None else UNKNOWN_TYPE


def store_blob(content: Any, *, sha256: str, size: int, content_type: str) -> EvidenceBlob:
    """Keep bytes in evidence storage under their SHA-256 and record them once. The name is
    the hash, so saving the same bytes again, or a leftover of a save whose record failed,
    is harmless; two people keeping the same bytes at once get the one record."""
    storage = storages["evidence"]
    storage_name = f"{sha256[:2]}/{sha256}"
    if not storage.exists(storage_name):
        storage_name = storage.save(storage_name, content)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a clash
            return EvidenceBlob.objects.create(
                sha256=sha256, size=size, content_type=content_type, storage_name=storage_name
            )
    except IntegrityError:  # the same bytes kept by someone else at the same moment
        return EvidenceBlob.objects.get(sha256=sha256)


def record_download(*, evidence: Evidence, by: Any) -> None:
    """Who took a copy of which bytes, when: on the chain before the bytes go out."""
    with transaction.atomic():
        locked = lock_incident(evidence.incident_id)
        append_event(
            incident=locked,
            verb="evidence.downloaded",
            actor=by,
            after={
                "evidence_id": evidence.pk,
                "filename": evidence.filename,
                "sha256": evidence.blob.sha256,
            },
        )


def open_blob(blob: EvidenceBlob) -> Any:
    return storages["evidence"].open(blob.storage_name, "rb")


def redact(*, evidence: Evidence, reason: str, by: Any) -> Evidence:
    """No copy of this file is given any more; the record keeps its name, hash, size and
    who gave it, with who redacted it and why. The bytes themselves are removed once no
    unredacted use of them remains (on this incident or another)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("Redacting needs the reason, for the record.")
    if len(reason) > 2000:
        raise ServiceError("The reason can be at most 2,000 characters.")
    with transaction.atomic():
        locked = lock_incident(evidence.incident_id)
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.redacted_at is not None:
            raise ServiceError(f"“{current.filename}” is already redacted.")
        current.redacted_at, current.redacted_by = timezone.now(), by
        current.redaction_reason = reason
        current.save(update_fields=["redacted_at", "redacted_by", "redaction_reason"])
        blob = EvidenceBlob.objects.select_for_update().get(pk=current.blob_id)
        purge = not blob.uses.filter(redacted_at__isnull=True).exists()
        if purge:
            blob.purged_at = current.redacted_at
            blob.save(update_fields=["purged_at"])
        append_event(
            incident=locked,
            verb="evidence.redacted",
            actor=by,
            after={
                "evidence_id": current.pk,
                "filename": current.filename,
                "sha256": blob.sha256,
                "reason": reason,
                "bytes_removed": purge,
            },
        )
        revalidate_notices(incident=locked, by=by)  # a claim may have rested on this file
        if purge:  # after the record says so; a failed delete leaves bytes, never a lie
            transaction.on_commit(lambda: storages["evidence"].delete(blob.storage_name))
    return current
