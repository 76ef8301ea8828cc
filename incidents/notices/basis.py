"""What a fact a notice states rests on: the files (with their SHA-256) and second-person
confirmations that back an exposure's decision or a rotation task, in words a notice page
and the regulator pack print beside the claim."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.selectors.evidence import backings


@dataclass(frozen=True)
class Proof:
    text: str  # "payments-db-audit-extract.txt" or "confirmed by dana (asked by sam): …"
    sha256: str = ""  # for a file
    evidence_id: int | None = None


def proofs_by_target(incident_id: int, kind: str) -> dict[int, list[Proof]]:
    """Each exposure's (or rotation task's) backing in force: usable files (a check's
    proof only if it passed) and confirmations. Two queries."""
    found: dict[int, list[Proof]] = {}
    for target_id, backing in backings(incident_id, kind).items():
        proofs = [Proof(f.filename, f.blob.sha256, f.pk) for f in backing.usable_files] + [
            Proof(
                f"confirmed by {c.answered_by.get_username() if c.answered_by else '?'} "
                f"(asked by {c.asked_by.get_username()}): “{c.justification}”"
            )
            for c in backing.confirmed
        ]
        if proofs:
            found[target_id] = proofs
    return found
