import hashlib
import json

import pytest

from netral.base.merkle import (
    EMPTY_ROOT,
    CompactTree,
    Node,
    consistency_proof,
    consistency_proof_ranges,
    inclusion_proof,
    inclusion_proof_ranges,
    leaf_hash,
    node_hash,
    proof_from_nodes,
    proof_nodes,
    range_nodes,
    root,
    verify_consistency,
    verify_inclusion,
)

# The reference below is RFC 6962 2.1 transcribed as literally as possible (recursion and list
# slices, its own hashing), so that it shares no code or shortcut with the module.


def reference_mth(leaf_hashes: list[bytes]) -> bytes:
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]  # Already SHA-256(0x00 || d(0)).
    k = reference_k(len(leaf_hashes))
    left, right = reference_mth(leaf_hashes[:k]), reference_mth(leaf_hashes[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def reference_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_path(m: int, leaf_hashes: list[bytes]) -> list[bytes]:
    n = len(leaf_hashes)
    if n == 1:
        return []
    k = reference_k(n)
    if m < k:
        return [*reference_path(m, leaf_hashes[:k]), reference_mth(leaf_hashes[k:])]
    return [*reference_path(m - k, leaf_hashes[k:]), reference_mth(leaf_hashes[:k])]


def reference_proof(m: int, leaf_hashes: list[bytes]) -> list[bytes]:
    return reference_subproof(m, leaf_hashes, True)


def reference_subproof(m: int, leaf_hashes: list[bytes], b: bool) -> list[bytes]:
    n = len(leaf_hashes)
    if m == n:
        return [] if b else [reference_mth(leaf_hashes)]
    k = reference_k(n)
    if m <= k:
        return [*reference_subproof(m, leaf_hashes[:k], b), reference_mth(leaf_hashes[k:])]
    return [*reference_subproof(m - k, leaf_hashes[k:], False), reference_mth(leaf_hashes[:k])]


def reference_sides(m: int, n: int) -> list[str]:
    """On which side each element of PATH(m, D[n]) sits, deepest first."""
    if n == 1:
        return []
    k = reference_k(n)
    if m < k:
        return [*reference_sides(m, k), "right"]
    return [*reference_sides(m - k, n - k), "left"]


def reference_shape(m: int, n: int, b: bool) -> list[str]:
    """What each element of SUBPROOF(m, D[n], b) stands for, deepest first."""
    if m == n:
        return [] if b else ["old subtree"]
    k = reference_k(n)
    if m <= k:
        return [*reference_shape(m, k, b), "new right sibling"]
    return [*reference_shape(m - k, n - k, False), "old left sibling"]


def signature_leaves(count: int) -> list[bytes]:
    return [leaf_hash(f"signature {number}".encode()) for number in range(count)]


LEAVES = signature_leaves(300)
ROOTS = [reference_mth(LEAVES[:size]) for size in range(71)]


def flip_a_bit(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


# Certificate Transparency's published test vectors (transparency-dev/merkle, testonly).
CT_ENTRIES = [
    bytes.fromhex(entry)
    for entry in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_LEAVES = [leaf_hash(entry) for entry in CT_ENTRIES]


def test_the_empty_tree_hashes_to_sha256_of_nothing() -> None:
    assert root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert EMPTY_ROOT == root([]) == CompactTree().root()


def test_a_single_empty_entry_gives_the_known_root() -> None:
    expected = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"").hex() == expected
    assert root([leaf_hash(b"")]).hex() == expected


def test_leaves_and_nodes_are_hashed_with_different_prefixes() -> None:
    assert leaf_hash(b"ab") == hashlib.sha256(b"\x00ab").digest()
    assert node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


def test_the_certificate_transparency_vectors_give_the_published_roots() -> None:
    for size, expected in enumerate(CT_ROOTS):
        assert root(CT_LEAVES[:size]).hex() == expected


def test_the_certificate_transparency_vectors_give_the_published_proofs() -> None:
    assert [h.hex() for h in inclusion_proof(0, CT_LEAVES)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [h.hex() for h in inclusion_proof(5, CT_LEAVES)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [h.hex() for h in consistency_proof(2, CT_LEAVES)] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [h.hex() for h in consistency_proof(6, CT_LEAVES)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [h.hex() for h in consistency_proof(2, CT_LEAVES[:5])] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]


def test_the_root_follows_the_rfc_definition_at_every_size_up_to_70() -> None:
    for size in range(71):
        assert root(LEAVES[:size]) == ROOTS[size]


def test_inclusion_proofs_follow_the_rfc_and_verify_for_every_index_up_to_size_70() -> None:
    for size in range(1, 71):
        leaves = LEAVES[:size]
        for index in range(size):
            proof = inclusion_proof(index, leaves)
            assert proof == reference_path(index, leaves), (index, size)
            assert verify_inclusion(leaves[index], index, size, proof, ROOTS[size]), (index, size)


def test_consistency_proofs_follow_the_rfc_and_verify_for_every_old_size_up_to_70() -> None:
    for new_size in range(1, 71):
        leaves = LEAVES[:new_size]
        for old_size in range(1, new_size):
            proof = consistency_proof(old_size, leaves)
            assert proof == reference_proof(old_size, leaves), (old_size, new_size)
            assert verify_consistency(
                old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof
            ), (old_size, new_size)


def test_the_compact_tree_gives_the_same_root_at_every_size_up_to_300() -> None:
    tree = CompactTree()
    for size in range(1, 301):
        tree.append(LEAVES[size - 1])
        assert tree.size == size
        assert len(tree.edge) == bin(size).count("1")
        assert tree.root() == root(LEAVES[:size]), size


def test_the_compact_tree_resumes_from_its_stored_size_and_edge() -> None:
    expected = root(LEAVES)
    for stop in [*range(70), 127, 128, 129, 255, 256, 299, 300]:
        first_batch = CompactTree()
        for leaf in LEAVES[:stop]:
            first_batch.append(leaf)
        stored = json.dumps({"size": first_batch.size, "edge": [h.hex() for h in first_batch.edge]})

        loaded = json.loads(stored)
        second_batch = CompactTree(loaded["size"], [bytes.fromhex(h) for h in loaded["edge"]])
        assert second_batch.root() == root(LEAVES[:stop])
        for leaf in LEAVES[stop:]:
            second_batch.append(leaf)
        assert second_batch.root() == expected, stop


def test_the_compact_tree_refuses_an_edge_that_does_not_fit_its_size() -> None:
    with pytest.raises(ValueError):
        CompactTree(5, LEAVES[:3])
    with pytest.raises(ValueError):
        CompactTree(4, [])
    with pytest.raises(ValueError):
        CompactTree(-1)


def test_inclusion_rejects_a_proof_for_another_index() -> None:
    for size in range(2, 71):
        leaves = LEAVES[:size]
        # Every other index in the smaller trees, the neighbours in the larger ones.
        for index in range(size):
            proof = inclusion_proof(index, leaves)
            others = range(size) if size <= 32 else [index - 1, index + 1]
            for other in others:
                if other != index and 0 <= other < size:
                    assert not verify_inclusion(leaves[index], other, size, proof, ROOTS[size])
                    assert not verify_inclusion(leaves[other], other, size, proof, ROOTS[size])


def test_inclusion_rejects_a_tampered_leaf_or_proof_element() -> None:
    for size in range(1, 71):
        leaves = LEAVES[:size]
        for index in range(size):
            proof = inclusion_proof(index, leaves)
            leaf = leaves[index]
            assert not verify_inclusion(flip_a_bit(leaf), index, size, proof, ROOTS[size])
            assert not verify_inclusion(leaf_hash(b"forged"), index, size, proof, ROOTS[size])
            for position in range(len(proof)):
                tampered = [*proof]
                tampered[position] = flip_a_bit(tampered[position])
                assert not verify_inclusion(leaf, index, size, tampered, ROOTS[size])
            assert not verify_inclusion(leaf, index, size, proof, flip_a_bit(ROOTS[size]))


def test_inclusion_rejects_a_proof_one_element_short_or_long() -> None:
    for size in range(1, 71):
        leaves = LEAVES[:size]
        for index in range(size):
            proof = inclusion_proof(index, leaves)
            if proof:
                assert not verify_inclusion(leaves[index], index, size, proof[:-1], ROOTS[size])
                assert not verify_inclusion(leaves[index], index, size, proof[1:], ROOTS[size])
            for extra in (LEAVES[0], ROOTS[size], EMPTY_ROOT):
                longer = [*proof, extra]
                assert not verify_inclusion(leaves[index], index, size, longer, ROOTS[size])
                # Even when the root is the one the extra element leads to.
                taller_root = node_hash(extra, ROOTS[size])
                assert not verify_inclusion(leaves[index], index, size, longer, taller_root)
                assert not verify_inclusion(
                    leaves[index], index, size, [extra, *proof], ROOTS[size]
                )


def test_inclusion_rejects_a_wrong_size_unless_the_path_has_the_same_shape() -> None:
    # A proof only says on which side each sibling sits, so the size must come from the signed
    # tree head: the proof of a leftmost leaf, for one, also fits some larger sizes.
    for size in range(1, 41):
        leaves = LEAVES[:size]
        for index in range(size):
            proof = inclusion_proof(index, leaves)
            for claimed in range(1, 41):
                accepted = verify_inclusion(leaves[index], index, claimed, proof, ROOTS[size])
                same_shape = index < claimed and reference_sides(index, claimed) == reference_sides(
                    index, size
                )
                assert accepted == same_shape, (index, size, claimed)


def test_inclusion_rejects_an_index_outside_the_tree() -> None:
    proof = inclusion_proof(3, LEAVES[:4])
    assert verify_inclusion(LEAVES[3], 3, 4, proof, ROOTS[4])
    assert not verify_inclusion(LEAVES[3], 4, 4, proof, ROOTS[4])
    assert not verify_inclusion(LEAVES[3], -1, 4, proof, ROOTS[4])
    assert not verify_inclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)
    with pytest.raises(IndexError):
        inclusion_proof(4, LEAVES[:4])
    with pytest.raises(IndexError):
        inclusion_proof(-1, LEAVES[:4])
    with pytest.raises(IndexError):
        inclusion_proof(0, [])


def test_a_single_leaf_tree_proves_inclusion_with_an_empty_proof() -> None:
    assert inclusion_proof(0, LEAVES[:1]) == []
    assert verify_inclusion(LEAVES[0], 0, 1, [], ROOTS[1])
    assert not verify_inclusion(LEAVES[1], 0, 1, [], ROOTS[1])


def consistency_holds(old_leaves: list[bytes], new_leaves: list[bytes]) -> bool:
    """What a monitor concludes from the roots it holds and the proof an honest log serves."""
    old_size, new_size = len(old_leaves), len(new_leaves)
    proof = consistency_proof(old_size, new_leaves)
    return verify_consistency(old_size, new_size, root(old_leaves), root(new_leaves), proof)


def test_consistency_rejects_a_changed_old_leaf() -> None:
    for new_size in range(2, 25):
        for old_size in range(1, new_size):
            for changed in range(old_size):
                rewritten = [*LEAVES[:new_size]]
                rewritten[changed] = leaf_hash(b"rewritten")
                assert not consistency_holds(LEAVES[:old_size], rewritten)


def test_consistency_rejects_a_removed_old_leaf() -> None:
    for new_size in range(2, 25):
        for old_size in range(1, new_size):
            for removed in range(old_size):
                shortened = LEAVES[:removed] + LEAVES[removed + 1 : new_size + 1]
                assert not consistency_holds(LEAVES[:old_size], shortened)


def test_consistency_rejects_two_swapped_leaves() -> None:
    for new_size in range(2, 18):
        for old_size in range(1, new_size):
            for first in range(old_size):
                for second in range(first + 1, new_size):
                    reordered = [*LEAVES[:new_size]]
                    reordered[first], reordered[second] = reordered[second], reordered[first]
                    assert not consistency_holds(LEAVES[:old_size], reordered)


def test_consistency_rejects_a_tampered_short_or_long_proof() -> None:
    for new_size in range(2, 71):
        for old_size in range(1, new_size):
            proof = consistency_proof(old_size, LEAVES[:new_size])
            old_root, new_root = ROOTS[old_size], ROOTS[new_size]
            for position in range(len(proof)):
                tampered = [*proof]
                tampered[position] = flip_a_bit(tampered[position])
                assert not verify_consistency(old_size, new_size, old_root, new_root, tampered)
            for shorter in (proof[:-1], proof[1:]):
                assert not verify_consistency(old_size, new_size, old_root, new_root, shorter)
            for extra in (LEAVES[0], old_root, new_root):
                for longer in ([*proof, extra], [extra, *proof]):
                    assert not verify_consistency(old_size, new_size, old_root, new_root, longer)
                taller_root = node_hash(extra, new_root)
                longer = [*proof, extra]
                assert not verify_consistency(old_size, new_size, old_root, taller_root, longer)
            assert not verify_consistency(old_size, new_size, flip_a_bit(old_root), new_root, proof)
            assert not verify_consistency(old_size, new_size, old_root, flip_a_bit(new_root), proof)


def test_consistency_rejects_wrong_sizes_unless_the_proof_has_the_same_shape() -> None:
    # As with inclusion, the sizes must come from the signed tree heads: a proof from a tree of
    # one leaf, for one, also fits some other sizes.
    for new_size in range(2, 25):
        for old_size in range(1, new_size):
            proof = consistency_proof(old_size, LEAVES[:new_size])
            old_root, new_root = ROOTS[old_size], ROOTS[new_size]
            shape = reference_shape(old_size, new_size, True)
            for claimed_old in range(0, new_size + 2):
                for claimed_new in range(claimed_old, new_size + 3):
                    if (claimed_old, claimed_new) == (old_size, new_size):
                        continue
                    accepted = verify_consistency(
                        claimed_old, claimed_new, old_root, new_root, proof
                    )
                    same_shape = 0 < claimed_old < claimed_new and shape == reference_shape(
                        claimed_old, claimed_new, True
                    )
                    assert accepted == same_shape, (old_size, new_size, claimed_old, claimed_new)
            assert not verify_consistency(new_size, old_size, new_root, old_root, proof)


def test_a_tree_is_consistent_with_itself_by_an_empty_proof() -> None:
    for size in range(71):
        assert consistency_proof(size, LEAVES[:size]) == []
        assert verify_consistency(size, size, ROOTS[size], ROOTS[size], [])
        assert not verify_consistency(size, size, ROOTS[size], flip_a_bit(ROOTS[size]), [])
        assert not verify_consistency(size, size, ROOTS[size], ROOTS[size], [ROOTS[size]])


def test_the_empty_tree_is_consistent_with_every_tree_by_an_empty_proof() -> None:
    for size in range(71):
        assert consistency_proof(0, LEAVES[:size]) == []
        assert verify_consistency(0, size, EMPTY_ROOT, ROOTS[size], [])
        assert not verify_consistency(0, size, EMPTY_ROOT, ROOTS[size], [EMPTY_ROOT])
        # A tree of no leaves has one root only.
        assert not verify_consistency(0, size, ROOTS[1], ROOTS[size], [])


def test_a_grown_tree_needs_a_nonempty_consistency_proof() -> None:
    for new_size in range(2, 71):
        for old_size in range(1, new_size):
            assert not verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], [])


def test_a_consistency_proof_cannot_be_asked_from_a_larger_or_negative_size() -> None:
    with pytest.raises(ValueError):
        consistency_proof(5, LEAVES[:4])
    with pytest.raises(ValueError):
        consistency_proof(-1, LEAVES[:4])
    assert not verify_consistency(-1, 4, EMPTY_ROOT, ROOTS[4], [])


# Proofs from stored perfect subtrees, as the log serves them: the same bytes as from the leaves.


def stored_subtrees(leaves: list[bytes]) -> dict[Node, bytes]:
    tree, nodes = CompactTree(), {}
    for leaf in leaves:
        nodes.update(tree.append(leaf))
    return nodes


STORED = stored_subtrees(LEAVES)


def test_the_compact_tree_stores_each_perfect_subtree_once_as_the_rfc_hashes_it() -> None:
    tree, seen = CompactTree(), []
    for leaf in LEAVES:
        seen.extend(node for node, _hash in tree.append(leaf))
    assert len(seen) == len(set(seen)) == len(STORED)
    # Every perfect subtree of 300 leaves and nothing else: 300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1
    assert len(STORED) == 596
    for (level, position), hash_ in STORED.items():
        start = position << level
        assert reference_mth(LEAVES[start : start + (1 << level)]) == hash_


def test_inclusion_proofs_from_stored_subtrees_equal_those_from_the_leaves() -> None:
    sizes = [*range(1, 71), 127, 128, 129, 255, 256, 257, 299, 300]
    for size in sizes:
        indexes = range(size) if size <= 70 else [0, 1, size // 3, size - 2, size - 1]
        for index in indexes:
            ranges = inclusion_proof_ranges(index, size)
            wanted = proof_nodes(ranges)
            # O(log n) subtrees: one per level, plus the right edge's split of one range.
            assert len(wanted) <= 2 * size.bit_length()
            proof = proof_from_nodes(ranges, {node: STORED[node] for node in wanted})
            assert proof == inclusion_proof(index, LEAVES[:size]), (index, size)


def test_consistency_proofs_from_stored_subtrees_equal_those_from_the_leaves() -> None:
    pairs = [(old, new) for new in range(1, 71) for old in range(new + 1)]
    pairs += [(old, new) for new in (128, 129, 257, 300) for old in (1, 2, 63, 64, 65, 127, 128)]
    for old, new in pairs:
        ranges = consistency_proof_ranges(old, new)
        wanted = proof_nodes(ranges)
        assert len(wanted) <= 2 * new.bit_length()
        proof = proof_from_nodes(ranges, {node: STORED[node] for node in wanted})
        assert proof == consistency_proof(old, LEAVES[:new]), (old, new)


def test_a_range_outside_any_proof_is_refused() -> None:
    assert range_nodes(8, 13) == [(2, 2), (0, 12)]
    with pytest.raises(ValueError, match="not a range"):
        range_nodes(2, 6)  # starts inside a subtree of four
    with pytest.raises(IndexError):
        inclusion_proof_ranges(5, 5)
    with pytest.raises(ValueError):
        consistency_proof_ranges(6, 5)
