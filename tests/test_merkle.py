"""The Merkle tree is RFC 6962's: the level-by-level root equals the RFC's recursive
definition for every size, and every leaf's audit path leads back to the root."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents.checkpoints import merkle


def _rfc_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 §2.1 writes it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + _rfc_root(leaves[:k]) + _rfc_root(leaves[k:])).digest()


@given(st.lists(st.binary(max_size=40), max_size=70))
def test_the_root_is_the_rfcs(leaves):
    assert merkle.root_of([merkle.leaf_hash(x) for x in leaves]) == _rfc_root(leaves)


@given(st.lists(st.binary(max_size=20), min_size=1, max_size=70), st.data())
def test_every_leafs_proof_leads_to_the_root_and_a_changed_leaf_does_not(leaves, data):
    hashes = [merkle.leaf_hash(x) for x in leaves]
    root = merkle.root_of(hashes)
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = merkle.inclusion_proof(index, hashes)
    assert merkle.root_from_proof(index, len(leaves), leaves[index], proof) == root
    assert merkle.root_from_proof(index, len(leaves), leaves[index] + b"x", proof) != root


def test_a_known_vector():
    """RFC 6962's empty tree and one leaf, by hand."""
    assert merkle.root_of([]).hex() == hashlib.sha256(b"").hexdigest()
    assert merkle.root_of([merkle.leaf_hash(b"")]).hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


def test_a_proof_of_the_wrong_length_is_refused():
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(5)]
    proof = merkle.inclusion_proof(2, hashes)
    with pytest.raises(ValueError):
        merkle.root_from_proof(2, 5, bytes([2]), proof[:-1])
    with pytest.raises(ValueError):
        merkle.root_from_proof(7, 5, bytes([2]), proof)
