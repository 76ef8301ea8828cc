"""Signed checkpoints of the audit trail: a Merkle tree over every chain's head, signed with
a key kept outside the database (keys.py, merkle.py; made by services/checkpoints.py and
checked by verification.py)."""
