"""RFC 6962 (Certificate Transparency) Merkle trees for each campaign's append-only log.

Everything past `leaf_hash` works on leaf hashes, not on entries: hash each entry once with
`leaf_hash` and keep the 32 bytes. Proofs are lists of 32-byte hashes, deepest first, exactly as
RFC 6962 and RFC 9162 lay them out, so any CT verifier can check them.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()

# A perfect subtree as (level, index): the root of leaves [index << level, (index + 1) << level).
# It never changes once its last leaf is in, so a log can store it when it is complete.
Node = tuple[int, int]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash (MTH) of the leaf hashes; SHA-256(b"") for the empty tree."""
    if not leaves:
        return EMPTY_ROOT
    return _subtree_root(leaves, 0, len(leaves))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, leaves) of RFC 6962 2.1.1: the roots of the sibling subtrees, deepest first."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"No leaf {index} in a tree of {len(leaves)} leaves.")
    proof = []
    start, end = 0, len(leaves)
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            proof.append(_subtree_root(leaves, middle, end))
            end = middle
        else:
            proof.append(_subtree_root(leaves, start, middle))
            start = middle
    # The walk went from the root down; the RFC lists the siblings from the leaf up.
    proof.reverse()
    return proof


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` puts the leaf hash `leaf` at `index` in the tree of `size` leaves with
    `root` (RFC 9162 2.1.3.2). Take `size` from the same signed tree head as `root`: a proof
    fits every size that gives the path the same shape (leaf 0 of 5 also fits 6, 7 and 8)."""
    if not 0 <= index < size:
        return False
    # RFC 9162's fn and sn: this node's position and the last position, level by level.
    position, last_position = index, size - 1
    computed = leaf
    for sibling in proof:
        if last_position == 0:
            return False
        if position % 2 == 1 or position == last_position:
            computed = node_hash(sibling, computed)
            # A last node without a right sibling moves up unchanged until it is a right child.
            while position % 2 == 0 and position != 0:
                position, last_position = position >> 1, last_position >> 1
        else:
            computed = node_hash(computed, sibling)
        position, last_position = position >> 1, last_position >> 1
    return last_position == 0 and computed == root


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, leaves) of RFC 6962 2.1.2, deepest first; empty when there is nothing to
    prove (an empty old tree, or the same tree)."""
    if not 0 <= old_size <= len(leaves):
        raise ValueError(f"A tree of {len(leaves)} leaves did not grow from {old_size} leaves.")
    if old_size in (0, len(leaves)):
        return []
    proof = []
    start, end = 0, len(leaves)
    while old_size < end:
        middle = start + _split(end - start)
        if old_size <= middle:
            proof.append(_subtree_root(leaves, middle, end))
            end = middle
        else:
            proof.append(_subtree_root(leaves, start, middle))
            start = middle
    # Now leaves[start:old_size] is a whole subtree of the old tree. Unless it is the old tree
    # itself, whose root the verifier already holds, the proof starts with its root.
    if start > 0:
        proof.append(_subtree_root(leaves, start, end))
    proof.reverse()
    return proof


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether the tree of `new_size` leaves with `new_root` extends the tree of `old_size` leaves
    with `old_root` (RFC 9162 2.1.4.2, for 0 < old_size < new_size). Outside that range, by the
    logs' practice: a tree is consistent with itself, and the empty tree (root SHA-256(b""))
    with every tree, by an empty proof."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0 and old_root != EMPTY_ROOT:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a whole subtree of the new one, so the proof leaves out its root.
        path.insert(0, old_root)
    # RFC 9162's fn and sn, as in verify_inclusion, starting from the old tree's last leaf.
    position, last_position = old_size - 1, new_size - 1
    while position % 2 == 1:
        position, last_position = position >> 1, last_position >> 1
    old_computed = new_computed = path[0]
    for sibling in path[1:]:
        if last_position == 0:
            return False
        if position % 2 == 1 or position == last_position:
            old_computed = node_hash(sibling, old_computed)
            new_computed = node_hash(sibling, new_computed)
            while position % 2 == 0 and position != 0:
                position, last_position = position >> 1, last_position >> 1
        else:
            # A right sibling holds only leaves appended after the old tree.
            new_computed = node_hash(new_computed, sibling)
        position, last_position = position >> 1, last_position >> 1
    return last_position == 0 and old_computed == old_root and new_computed == new_root


class CompactTree:
    """The right edge of a tree (at most log2(n) hashes): append leaves one by one and get the root.

    `edge` holds the roots of the full subtrees the tree splits into, leftmost (largest) first:
    one for each 1-bit of `size`. Store `size` and `edge` to resume appending in a later batch.
    """

    def __init__(self, size: int = 0, edge: Sequence[bytes] = ()) -> None:
        if size < 0 or len(edge) != size.bit_count():
            raise ValueError(f"A tree of {size} leaves has one edge hash per 1-bit of its size.")
        self.size: int = size
        self.edge: list[bytes] = list(edge)

    def append(self, leaf: bytes) -> list[tuple[Node, bytes]]:
        """Add a leaf hash; return the perfect subtrees it completes, the leaf itself first."""
        node, index, level = leaf, self.size, 0
        completed = [((0, index), leaf)]
        # Each trailing 1-bit of the size is a full subtree as tall as `node`: merge them.
        size = self.size
        while size % 2 == 1:
            node = node_hash(self.edge.pop(), node)
            size, level = size >> 1, level + 1
            completed.append(((level, index >> level), node))
        self.edge.append(node)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.edge:
            return EMPTY_ROOT
        node = self.edge[-1]
        for left in reversed(self.edge[:-1]):
            node = node_hash(left, node)
        return node


def inclusion_proof_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose roots make PATH(index) in a tree of `size` leaves,
    deepest first: `inclusion_proof` without the leaves."""
    if not 0 <= index < size:
        raise IndexError(f"No leaf {index} in a tree of {size} leaves.")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    ranges.reverse()
    return ranges


def consistency_proof_ranges(old_size: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots make PROOF(old_size) in a tree of `size` leaves, deepest
    first: `consistency_proof` without the leaves."""
    if not 0 <= old_size <= size:
        raise ValueError(f"A tree of {size} leaves did not grow from {old_size} leaves.")
    if old_size in (0, size):
        return []
    ranges = []
    start, end = 0, size
    while old_size < end:
        middle = start + _split(end - start)
        if old_size <= middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    if start > 0:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees, largest first, that a range of an RFC 6962 proof splits into.

    Every range a proof names starts at a multiple of the largest power of two not above its
    length, so it is one perfect subtree per 1-bit of its length; at most one range of a proof
    (the one reaching the tree's right edge) has more than one."""
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"[{start}, {end}) is not a range of an RFC 6962 proof.")
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def proof_nodes(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    """Every stored node a proof of these ranges reads."""
    return {node for start, end in ranges for node in range_nodes(start, end)}


def proof_from_nodes(ranges: Iterable[tuple[int, int]], nodes: Mapping[Node, bytes]) -> list[bytes]:
    """The proof of these ranges from stored perfect subtrees: each range's root is its
    subtrees folded from the right, as MTH splits it."""
    proof = []
    for start, end in ranges:
        parts = [nodes[node] for node in range_nodes(start, end)]
        hash_ = parts.pop()
        for left in reversed(parts):
            hash_ = node_hash(left, hash_)
        proof.append(hash_)
    return proof


def _split(size: int) -> int:
    """RFC 6962's k: the largest power of two smaller than `size`, for a `size` of 2 or more."""
    return 1 << ((size - 1).bit_length() - 1)


def _subtree_root(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(leaves[start:end]) for a non-empty range."""
    level = list(leaves[start:end])
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        # A lone last node moves up unchanged, which gives the same tree as RFC 6962's split.
        if len(level) % 2 == 1:
            paired.append(level[-1])
        level = paired
    return level[0]
