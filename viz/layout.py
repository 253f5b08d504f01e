"""Positions computed in Python, so that a view opens drawn, with physics off: a compact tree
layout, linear in the number of nodes.

Every view is a forest (each node has at most one parent in the layout, whatever other edges it
draws). Internal nodes sit centred over their children, one row per depth; the leaf children of a
node are packed into a block of at most ``pack`` columns under it, so that a street with 40
communities or a branch with 60 members stays compact.

>>> pos = tree_layout(["city", "a", "b", "c"], {"a": "city", "b": "city", "c": "city"})
>>> pos["city"][1] < pos["a"][1]
True
>>> sorted({pos[n][1] for n in "abc"}) == [pos["a"][1]]
True
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

__all__ = ["tree_layout", "X_STEP", "Y_STEP", "LEAF_ROW"]

X_STEP = 150  # px between neighbouring columns
Y_STEP = 170  # px between depths
LEAF_ROW = 80  # px between the rows of a packed leaf block


def tree_layout(nodes: Iterable[Hashable], parent: Mapping[Hashable, Hashable], *,
                pack: int = 10) -> dict[Hashable, tuple[int, int]]:  # fmt: skip
    """``node -> (x, y)`` in pixels. ``parent`` maps a node to its parent in the layout; nodes
    with no parent (or whose parent is not among ``nodes``, or that sit on a cycle) are roots,
    laid out side by side in the order given."""
    order = list(dict.fromkeys(nodes))
    known = set(order)
    children: dict[Hashable, list[Hashable]] = {n: [] for n in order}
    roots = []
    for n in order:
        p = parent.get(n)
        if p is not None and p in known and p != n:
            children[p].append(n)
        else:
            roots.append(n)
    # Nodes on a parent cycle are reachable from no root: cut the cycle at its first node.
    seen = _reachable(roots, children)
    for n in order:
        if n not in seen:
            p = parent.get(n)
            if p in children and n in children[p]:
                children[p].remove(n)
            roots.append(n)
            seen |= _reachable([n], children)
    width = _widths(roots, children, pack)
    pos: dict[Hashable, tuple[int, int]] = {}
    x0 = 0.0
    for r in roots:
        _place(r, x0, 0, children, width, pack, pos)
        x0 += width[r]
    return pos


def _reachable(roots: list[Hashable], children: Mapping[Hashable, list[Hashable]]) -> set[Hashable]:
    seen, stack = set(roots), list(roots)
    while stack:
        for c in children[stack.pop()]:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


def _split(kids: list[Hashable], children: Mapping[Hashable, list[Hashable]]) -> tuple[list, list]:
    """(children that have children, leaf children)."""
    inner = [c for c in kids if children[c]]
    leaves = [c for c in kids if not children[c]]
    return inner, leaves


def _widths(roots: list[Hashable], children: Mapping[Hashable, list[Hashable]],
            pack: int) -> dict[Hashable, float]:  # fmt: skip
    """Columns each subtree needs, computed children first without recursion."""
    width: dict[Hashable, float] = {}
    stack: list[tuple[Hashable, bool]] = [(r, False) for r in roots]
    while stack:
        n, done = stack.pop()
        if not done:
            stack.append((n, True))
            stack.extend((c, False) for c in children[n])
            continue
        inner, leaves = _split(children[n], children)
        block = min(len(leaves), pack)
        width[n] = max(1.0, sum(width[c] for c in inner) + block)
    return width


def _place(root: Hashable, x0: float, depth: float, children: Mapping[Hashable, list[Hashable]],
           width: Mapping[Hashable, float], pack: int, pos: dict) -> None:  # fmt: skip
    stack = [(root, x0, depth)]
    while stack:
        n, left, y = stack.pop()
        pos[n] = (round((left + width[n] / 2) * X_STEP), round(y * Y_STEP))
        inner, leaves = _split(children[n], children)
        block = min(len(leaves), pack)
        used = sum(width[c] for c in inner) + block
        x = left + (width[n] - used) / 2
        for c in inner:
            stack.append((c, x, y + 1))
            x += width[c]
        for i, c in enumerate(leaves):
            row, col = divmod(i, pack)
            pos[c] = (round((x + col + 0.5) * X_STEP),  # odd columns a little lower: labels clear
                      round((y + 1) * Y_STEP + row * LEAF_ROW + (col % 2) * LEAF_ROW // 2))
