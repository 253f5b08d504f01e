"""Positions computed in Python, so that a view opens drawn, with physics off: a compact tree
layout, linear in the number of nodes.

Every view is a forest (each node has at most one parent in the layout, whatever other edges it
draws). Each node sits centred above the block of its children; the children's subtrees are packed
left to right, biggest first, into shelves (rows) that wrap at about the width that makes the block square on a
wide screen. A street with 40 communities, or a city with 1,800, stays compact instead of one very
long row. Leaves in odd columns sit half a row lower, so that neighbouring labels do not collide.

>>> pos = tree_layout(["city", "a", "b", "c"], {"a": "city", "b": "city", "c": "city"})
>>> pos["city"][1] < min(pos[n][1] for n in "abc")
True
>>> len({pos[n] for n in "abc"})
3
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

__all__ = ["tree_layout", "X_STEP", "ROW"]

X_STEP = 150  # px per column
ROW = 80  # px per row unit; a node with children takes HEAD units above them
HEAD = 2.0
LEAF = 1.5  # a leaf's height in row units (one row plus the half-row zig-zag)
ASPECT = 1.6  # width / height of a packed block, in pixels


def tree_layout(nodes: Iterable[Hashable], parent: Mapping[Hashable, Hashable]) -> dict[Hashable, tuple[int, int]]:
    """``node -> (x, y)`` in pixels. ``parent`` maps a node to its parent in the layout; nodes
    with no parent (or whose parent is not among ``nodes``, or that sit on a parent cycle) are
    roots, packed like the children of one invisible node."""
    order = list(dict.fromkeys(nodes))
    children: dict[Hashable, list[Hashable]] = {n: [] for n in order}
    roots = []
    for n in order:
        p = parent.get(n)
        if p is not None and p in children and p != n:
            children[p].append(n)
        else:
            roots.append(n)
    seen = _reachable(roots, children)
    for n in order:  # nodes on a parent cycle are reachable from no root: cut there
        if n not in seen:
            p = parent.get(n)
            if p in children and n in children[p]:
                children[p].remove(n)
            roots.append(n)
            seen |= _reachable([n], children)
    top = object()
    children[top] = roots
    size, shelves = _measure(top, children)
    pos: dict[Hashable, tuple[int, int]] = {}
    _place(top, children, size, shelves, pos)
    pos.pop(top, None)
    return pos


def _reachable(roots: list[Hashable], children: Mapping[Hashable, list[Hashable]]) -> set[Hashable]:
    seen, stack = set(roots), list(roots)
    while stack:
        for c in children[stack.pop()]:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


def _measure(top, children) -> tuple[dict, dict]:
    """Each node's block (columns, row units) and the shelf offsets of its children, children
    first, without recursion."""
    size: dict[Hashable, tuple[float, float]] = {}
    shelves: dict[Hashable, list[tuple[Hashable, float, float]]] = {}
    stack: list[tuple[Hashable, bool]] = [(top, False)]
    while stack:
        n, done = stack.pop()
        kids = children[n]
        if not done:
            stack.append((n, True))
            stack.extend((c, False) for c in kids)
            continue
        if not kids:
            size[n] = (1.0, LEAF)
            continue
        sizes = [size[c] for c in kids]
        if len(set(sizes)) > 1:  # big subtrees first (a stable sort: equal blocks keep their order)
            order = sorted(range(len(kids)), key=lambda i: sizes[i][0] * sizes[i][1], reverse=True)
            kids, sizes = [kids[i] for i in order], [sizes[i] for i in order]
        area = sum(w * h for w, h in sizes)
        widest = max(w for w, _ in sizes)
        limit = max(widest, math.ceil(math.sqrt(area * ROW / X_STEP * ASPECT)))
        placed, x, y, shelf_h, width = [], 0.0, 0.0, 0.0, 0.0
        for c, (w, h) in zip(kids, sizes, strict=True):
            if x > 0 and x + w > limit:
                x, y, shelf_h = 0.0, y + shelf_h, 0.0
            placed.append((c, x, y))
            x += w
            if h > shelf_h:
                shelf_h = h
            if x > width:
                width = x
        shelves[n] = placed
        size[n] = (max(1.0, width), HEAD + y + shelf_h)
    return size, shelves


def _place(top, children, size, shelves, pos) -> None:
    stack = [(top, 0.0, -HEAD)]
    while stack:
        n, left, y = stack.pop()
        w = size[n][0]
        pos[n] = (round((left + w / 2) * X_STEP), round(y * ROW))
        for c, dx, dy in shelves.get(n, ()):
            cy = y + HEAD + dy
            if not children[c] and int(left + dx) % 2:
                cy += 0.5
            stack.append((c, left + dx, cy))
