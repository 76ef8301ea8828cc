"""A Merkle tree as RFC 6962 (Certificate Transparency) §2.1 defines it: a leaf hashes as
SHA-256(0x00 || leaf), a node as SHA-256(0x01 || left || right), and a tree of n leaves
splits at the largest power of two smaller than n. Inclusion proofs (§2.1.1) let anyone
check one chain's head against a signed root with log2(n) hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_of(hashes: Sequence[bytes]) -> bytes:
    """The root over leaf hashes (already leaf_hash'ed), level by level: O(n), no recursion
    depth, the same result as the RFC's recursive definition."""
    if not hashes:
        return bytes.fromhex(EMPTY_ROOT)
    level = list(hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])  # an odd node moves up unchanged (RFC 6962's split)
        level = paired
    return level[0]


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf `index` (RFC 6962 §2.1.1 PATH(m, D[n]))."""
    if not 0 <= index < len(hashes):
        raise IndexError(index)
    return _path(index, list(hashes))


def _path(m: int, hashes: list[bytes]) -> list[bytes]:
    n = len(hashes)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, hashes[:k]), root_of(hashes[k:])]
    return [*_path(m - k, hashes[k:]), root_of(hashes[:k])]


def root_from_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root a leaf's audit path leads to (RFC 9162 §2.1.3.2); compare it with the
    signed root."""
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
