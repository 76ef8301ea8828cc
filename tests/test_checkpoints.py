"""Signed checkpoints make the audit trail survive an insider: each attack that passes the
hash-chain walk (done here as a database administrator would, the append-only trigger
disabled as the tables' owner) is named by verification once a checkpoint covers it."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from django.db import connection

from incidents.audit import recompute_hash, verify_incident
from incidents.checkpoints import keys
from incidents.checkpoints.verification import verify_checkpoints
from incidents.models import AuditCheckpoint, CheckpointHead, Event, Incident
from incidents.services.checkpoints import make_checkpoint, rotate_key
from incidents.services.notes import add_note

VERIFIER = Path(__file__).resolve().parent.parent / "tools" / "verify_bundle.py"


@pytest.fixture
def noted(cast, incident, django_capture_on_commit_callbacks):
    """An incident with six events, covered by a checkpoint (written to its file too)."""
    from incidents.services import security_log

    security_log.record("role.granted", actor=cast.admin, details={"role": "responder"})
    for n in range(5):
        add_note(incident=incident, body=f"note {n}", by=cast.responder)
    with django_capture_on_commit_callbacks(execute=True):
        make_checkpoint()
    incident.refresh_from_db()
    assert incident.event_seq == 6
    return incident


def _as_table_owner(sql: str, params: list | None = None) -> None:
    """What an administrator can do: switch the append-only trigger off and write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (the test's own pending foreign-key checks first: ALTER waits for none)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE incidents_event DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE incidents_event ENABLE TRIGGER USER")


def _rehash_from(incident: Incident, seq: int) -> None:
    """Recompute every hash from `seq` on with the project's own hashing, and move the head:
    the chain walk then finds nothing wrong."""
    events = list(Event.objects.filter(incident=incident, seq__gte=seq).order_by("seq"))
    previous = Event.objects.filter(incident=incident, seq=seq - 1).values_list("hash", flat=True)
    prev_hash = previous.first() or ""
    for event in events:
        event.prev_hash = prev_hash
        event.hash = recompute_hash(event, incident.reference)
        _as_table_owner(
            "UPDATE incidents_event SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.pk],
        )
        prev_hash = event.hash
    last = events[-1] if events else None
    Incident.objects.filter(pk=incident.pk).update(
        event_seq=last.seq if last else seq - 1, head_hash=prev_hash
    )


def test_the_key_lives_in_a_0600_file_and_a_clean_trail_verifies(noted, settings):
    path = settings.AUDIT_SIGNING_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.public_key == keys.load().public_hex
    assert b"PRIVATE KEY" not in checkpoint.body.encode()
    report = verify_checkpoints()
    assert report.intact, report.problems
    assert report.chains_covered == 2  # the incident and the security log
    line = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines()[0])
    assert line["signature"] == checkpoint.signature


def test_deleting_the_last_event_and_moving_the_head_back_is_named(noted):
    last = Event.objects.get(incident=noted, seq=6)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_eventoutbox WHERE event_id = %s", [last.pk])
    _as_table_owner("DELETE FROM incidents_event WHERE id = %s", [last.pk])
    Incident.objects.filter(pk=noted.pk).update(event_seq=5, head_hash=last.prev_hash)
    assert verify_incident(noted).intact  # the chain walk alone sees nothing
    report = verify_checkpoints()
    assert not report.intact
    assert report.problems[0].startswith(f"{noted.reference}: events 6–6 are missing")
    assert "checkpoint 1 signed" in report.problems[0]


def test_inserting_a_forged_event_with_a_correct_hash_is_named(noted):
    # Make room at seq 4 (last first, to keep (incident, seq) unique), forge it, re-hash.
    for seq in range(6, 3, -1):
        _as_table_owner(
            "UPDATE incidents_event SET seq = seq + 1 WHERE incident_id = %s AND seq = %s",
            [noted.pk, seq],
        )
    original = Event.objects.get(incident=noted, seq=3)
    _as_table_owner(
        "INSERT INTO incidents_event (incident_id, seq, occurred_at, actor_id, actor_label, "
        "verb, before, after, prev_hash, hash) VALUES (%s, 4, %s, NULL, 'dana', 'note.added', "
        "'{}', %s, '', '')",
        [noted.pk, original.occurred_at, json.dumps({"body": "forged: all clear"})],
    )
    _rehash_from(noted, 4)
    assert verify_incident(noted).intact
    report = verify_checkpoints()
    assert any(
        p.startswith(f"{noted.reference}: events") and "differ from checkpoint 1" in p
        for p in report.problems
    ), report.problems


def test_rewriting_an_event_and_every_later_hash_is_named(noted):
    target = Event.objects.get(incident=noted, seq=3)
    _as_table_owner(
        "UPDATE incidents_event SET after = %s WHERE id = %s",
        [json.dumps({"body": "nothing happened"}), target.pk],
    )
    _rehash_from(noted, 3)
    assert verify_incident(noted).intact
    [problem] = verify_checkpoints().problems
    assert problem.startswith(f"{noted.reference}: events 1–6 differ from checkpoint 1 signed")


def test_later_checkpoints_narrow_down_which_events_were_rewritten(
    cast, noted, django_capture_on_commit_callbacks
):
    for n in range(3):
        add_note(incident=noted, body=f"later {n}", by=cast.responder)
    with django_capture_on_commit_callbacks(execute=True):
        make_checkpoint()
    target = Event.objects.get(incident=noted, seq=8)
    _as_table_owner(
        "UPDATE incidents_event SET after = %s WHERE id = %s", ['{"body": "x"}', target.pk]
    )
    _rehash_from(noted, 8)
    [problem] = verify_checkpoints().problems
    assert problem.startswith(f"{noted.reference}: events 7–9 differ from checkpoint 2")


def test_a_checkpoint_removed_from_the_database_shows_against_the_file(cast, noted):
    make_checkpoint()  # the second one is not filed (no commit here): only the first is
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE incidents_auditcheckpoint DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE incidents_checkpointhead DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM incidents_checkpointhead")
        cursor.execute("DELETE FROM incidents_auditcheckpoint")
    report = verify_checkpoints()
    assert "checkpoint 1 (signed" in report.problems[0]
    assert "in the checkpoint file but not in the database" in report.problems[0]


def test_heads_changed_in_the_checkpoint_tables_do_not_give_the_signed_root(noted):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE incidents_checkpointhead DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE incidents_checkpointhead SET seq = 5 WHERE chain = %s", [noted.reference]
        )
    assert any("do not give its signed root" in p for p in verify_checkpoints().problems)


def test_a_checkpoint_signed_with_another_key_is_refused(noted, settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "attacker.pem"
    make_checkpoint()  # signed with a key the attacker made
    problems = verify_checkpoints().problems
    assert any("signed by a key no earlier checkpoint announced" in p for p in problems)


def test_a_new_key_is_announced_by_the_old_one_and_old_checkpoints_stay_verifiable(
    cast, noted, settings
):
    old = keys.load().public_hex
    rotate_key()
    new = keys.load().public_hex
    assert new != old
    add_note(incident=noted, body="after the rotation", by=cast.responder)
    make_checkpoint()
    signers = list(AuditCheckpoint.objects.order_by("seq").values_list("public_key", flat=True))
    assert signers == [old, old, new]
    announced = json.loads(AuditCheckpoint.objects.get(seq=2).body)["announces"]
    assert announced == new
    report = verify_checkpoints()
    assert report.intact, report.problems


def test_the_database_refuses_to_change_a_checkpoint(noted):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite is the embedded default")
    from django.db import DatabaseError, transaction

    with connection.cursor() as cursor:  # this session is no test runner emptying tables
        cursor.execute("SET breachroom.test_database = 'off'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own pending checks
    for sql in (
        "TRUNCATE incidents_event CASCADE",
        "TRUNCATE incidents_securityevent CASCADE",
        "UPDATE incidents_auditcheckpoint SET root = 'x'",
        "DELETE FROM incidents_checkpointhead",
        "TRUNCATE incidents_auditcheckpoint CASCADE",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert CheckpointHead.objects.count() == 2


def _export(incident, by, storage_dir: Path) -> Path:
    from django.core.files.storage import storages

    from incidents.services.case_bundles import build, request_bundle

    built = build(request_bundle(incident=incident, by=by).pk)
    assert built.state == "done" and built.evidence is not None, built.error
    path = storage_dir / "case.zip"
    with storages["evidence"].open(built.evidence.blob.storage_name, "rb") as stored:
        path.write_bytes(stored.read())
    return path


def _verifier(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60
    )


def test_the_standalone_verifier_checks_an_export_offline(cast, noted, tmp_path):
    add_note(incident=noted, body="after the checkpoint", by=cast.responder)
    make_checkpoint()
    path = _export(noted, cast.auditor, tmp_path)
    result = _verifier(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT: VERIFIED" in result.stdout
    assert "2 signatures and links checked, 2 inclusion proofs" in result.stdout


def test_the_verifier_names_a_rewritten_export_even_with_a_fixed_up_manifest(cast, noted, tmp_path):
    """Someone changes an event in the ZIP, recomputes the chain and the manifest: only the
    signed checkpoint can tell, and it does."""
    from incidents.services.hashing import canonical_event, chain_hash

    path = _export(noted, cast.auditor, tmp_path)
    with zipfile.ZipFile(path) as original:
        members = {name: original.read(name) for name in original.namelist()}
    rows = [json.loads(line) for line in members["events.jsonl"].decode().splitlines()]
    rows[2]["after"] = {"body": "nothing happened"}
    previous = "0" * 64
    for row in rows:
        row["prev_hash"] = previous
        row["hash"] = chain_hash(
            canonical_event(
                incident_reference=noted.reference,
                seq=row["seq"],
                occurred_at=datetime.fromisoformat(row["occurred_at"]),
                actor_id=row["actor_id"],
                actor_label=row["actor"],
                verb=row["verb"],
                before=row["before"],
                after=row["after"],
                prev_hash=row["prev_hash"],
                request_id=row.get("request"),
                auth_method=row.get("auth"),
            )
        )
        previous = row["hash"]
    members["events.jsonl"] = ("\n".join(json.dumps(r) for r in rows) + "\n").encode()
    manifest = json.loads(members["MANIFEST.json"])
    for entry in manifest["files"]:
        data = members[entry["path"]]
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    members["MANIFEST.json"] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    result = _verifier(forged)
    assert result.returncode == 1
    assert "RESULT: NOT VERIFIED" in result.stdout
    assert "checkpoint 1 (signed" in result.stdout and "events up to 6 differ" in result.stdout


def test_the_commands_sign_rotate_and_verify(cast, noted, capsys):
    from django.core.management import call_command

    call_command("audit_checkpoint")
    call_command("audit_checkpoint", "--rotate-key")
    out = capsys.readouterr().out
    assert "checkpoint 2 signed" in out and "checkpoint 3 signed" in out
    assert "announcing the new key" in out
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "checkpoints: 3 signed" in out and "every chain still holds the head" in out
