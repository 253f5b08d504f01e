"""Shards: the graph pulled area by area, so that the same rule code can audit a database that
does not fit in memory (Neo4j) one street or district at a time.

A shard is rooted at one or more areas. It **owns** the areas of their subtrees and every entity
whose home lies there: an organization anchored in an owned area or unit, a unit located there, a
member whose membership, residence or workplace is owned, a person holding a post there, an
agreement an owned party signed, an activity held there. Around what it owns it pulls the
**context** the rules read: every relation of an owned entity and the entity at its other end;
for each of those, its home chain up to an area, and each area's ancestors; each organization's
chain of superiors; and the subordinate organizations (with their memberships) of the owned
organizations that are not committees, whose member totals the form rules add up.

Run a rule on the shard's graph and keep the findings about what the shard owns: they are the
findings the whole graph gives for those entities. Every entity is owned by some shard: the shards
rooted at the areas of one level (``street`` covers townships too, or ``district``) and the *rest*
shard (the areas above that level, areas under none of them, and what hangs from those or from
nothing). An entity owned by two shards (a member living in one street and a member of an
organization of another) gets the same finding from both; merging keeps one.

The source of a shard is anything with the methods of :class:`GraphSource`:
:class:`EmbeddedSource` (a networkx graph, for tests and for comparing), :class:`TablesSource` (a
workspace's columns: the embedded backend's ``show`` and community view) and
:class:`dangjian.graph.neo4j_store.Neo4jSource`. The queries over shards (the rules, a graph for one
question on either backend) are in :mod:`dangjian.queries.sharded`.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> g.add_node("o", type="PartyOrg", name="祥云社区党委", kind="committee")
>>> _ = g.add_edge("s", "c", 1, type="CONTAINS")
>>> _ = g.add_edge("o", "c", 2, type="ANCHORED_IN")
>>> [sorted(s.owned) for s in iter_shards(EmbeddedSource(g), "street")]
[['c', 'o', 's'], []]
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx

from dangjian.graph.build import drop_views, graph_of
from dangjian.graph.columns import NodeRows, Tables
from dangjian.graph.errors import InputError
from dangjian.graph.perf import paused_gc
from dangjian.graph.roles import AREA, MEMBER_OF, ORG
from dangjian.graph.schema import model

__all__ = ["GraphSource", "EmbeddedSource", "TablesSource", "Shard", "pull_shard", "pull_rest", "pull_around", "iter_shards",
           "shard_levels", "shard_roots", "shard_groups", "PULL_PATTERNS", "CLOSURES", "TREES",
           "DEFAULT_SHARD_SIZE"]  # fmt: skip


#: the trees, node type -> the relation from parent to child (both ends of that type, and of no other):
#: an area's parent area, an organization's superior; from the schema
TREES: dict[str, str] = {e.from_types[0]: rel for rel, e in model().edges.items()
                         if e.from_types == e.to_types and len(e.from_types) == 1}  # fmt: skip
#: the relations that place an entity in an area (what ``area_of`` follows), from the schema
_CHAIN_EDGES = tuple(dict.fromkeys(e for t in model().nodes if (e := model().area_edge(t))))
_TOP_KINDS = ("committee", "working_committee")  # organizations whose member totals no rule adds up
# The typed pulls a shard makes, (relationship types, direction): a source may answer each at once.
_CHAIN = {way: tuple(e for e, w in _CHAIN_EDGES if w == way) for way in ("out", "in")}
PULL_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (_CHAIN["out"], "out"), (_CHAIN["in"], "in"), ((MEMBER_OF,), "in"), ((TREES[AREA],), "out"),
)  # fmt: skip
#: the relations a shard follows to their end, (type, direction, node type): the trees' (:data:`TREES`),
#: so that a source may follow them in one statement
CLOSURES: tuple[tuple[str, str, str], ...] = tuple((rel, way, t) for t, rel in TREES.items() for way in ("out", "in"))
#: the default size of a pull (see :func:`shard_groups`): about this many relationships end in its areas
DEFAULT_SHARD_SIZE = 5_000

Edge = tuple[int, str, str, dict[str, Any]]  # (edge id, source, target, attributes with "type")


class GraphSource(Protocol):
    """Where shards are pulled from. Node and edge attributes are as in
    :func:`dangjian.graph.build.to_networkx` (``type``, ``name``, properties, ``source``)."""

    def area_ids(self, levels: Sequence[str]) -> list[str]:
        """Ids of the areas at these levels."""

    def orphan_ids(self) -> list[str]:
        """Ids of the entities with no home: areas with no parent area, others with none of their
        home relations (``Model.home_edges``)."""

    def nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Attributes of these nodes (unknown ids left out)."""

    #: how many shards may be pulled at once (from several threads)
    concurrent: int

    def edges(self, ids: Iterable[str], types: Sequence[str] | None = None, direction: str = "both") -> list[Edge]:
        """The relations of these nodes (of these types; ``out``, ``in`` or ``both`` ways), whatever
        their dates."""

    def edges_except(self, ids: Sequence[str], known: Sequence[str]) -> list[Edge]:
        """The relations of ``ids`` whose other end is not in ``known``, each once."""

    def closure_edges(self, ids: Iterable[str], rel: str, direction: str) -> list[Edge] | None:
        """Every ``rel`` relation reached from ``ids`` going ``direction`` (one of :data:`CLOSURES`),
        or None: the caller follows them step by step."""

    def weights(self, roots: Sequence[str]) -> dict[str, int]:
        """A size of each area's subtree (the relations that end in its areas), for
        :func:`shard_groups`."""

    def people_names(self) -> list[str]:
        """The names of every person (the schema's person types): what masks a member's name inside
        another entity's name, in every shard alike."""

    def candidates(self, keys: Sequence[str]) -> nx.MultiDiGraph | Tables:
        """The graph (or columns) a name is resolved in (:func:`dangjian.queries.sharded.resolve_in`; its edges are
        not read): at least every node whose id is one of ``keys`` or whose name starts with one. A
        source holding the whole graph answers with all of it, near names then suggested from every
        node."""


@dataclass
class Shard:
    """A pulled subgraph: ``graph`` (shaped like :func:`~dangjian.graph.build.to_networkx`'s) and
    the ids it ``owned``."""

    name: str
    graph: nx.MultiDiGraph
    owned: set[str] = field(default_factory=set)

    def release(self) -> None:
        """Drop the views networkx caches on the graph (each refers back to it): the shard is then
        freed as soon as it is dropped, even after :func:`~dangjian.graph.perf.paused_gc` froze it."""
        drop_views(self.graph)


class EmbeddedSource:
    """A :class:`GraphSource` over a networkx graph (the embedded backend, and the reference the
    Neo4j backend is compared with)."""

    concurrent = 1  # in one process, threads would only take turns

    def __init__(self, g: nx.MultiDiGraph):
        self.g = g

    def area_ids(self, levels: Sequence[str]) -> list[str]:
        want = set(levels)
        return [n for n, d in self.g.nodes(data=True) if d.get("type") == AREA and d.get("level") in want]

    def orphan_ids(self) -> list[str]:
        out = []
        for n, d in self.g.nodes(data=True):
            t = d.get("type")
            home = model().home_edges(t)
            if not any(self._edges(n, {e}, way) for e, way in home):
                out.append(n)
        return out

    def nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        nodes = self.g.nodes
        return {i: dict(nodes[i]) for i in ids if i in nodes}

    def _edges(self, n: str, types: set[str] | None, direction: str) -> list[Edge]:
        found = []
        if direction in ("out", "both"):
            found += [(k, n, v, d) for v, keys in self.g.succ[n].items() for k, d in keys.items()
                      if types is None or d.get("type") in types]  # fmt: skip
        if direction in ("in", "both"):
            found += [(k, u, n, d) for u, keys in self.g.pred[n].items() for k, d in keys.items()
                      if types is None or d.get("type") in types]  # fmt: skip
        return found

    def edges(self, ids: Iterable[str], types: Sequence[str] | None = None, direction: str = "both") -> list[Edge]:
        wanted = set(types) if types is not None else None
        out: dict[tuple[int, str, str], Edge] = {}
        for n in ids:
            if n in self.g:
                for e in self._edges(n, wanted, direction):
                    out[e[:3]] = e
        return list(out.values())

    def edges_except(self, ids: Sequence[str], known: Sequence[str]) -> list[Edge]:
        skip = set(known)
        return [e for e in self.edges(ids) if e[1] not in skip and e[2] not in skip]

    def closure_edges(self, ids: Iterable[str], rel: str, direction: str) -> list[Edge] | None:
        return None  # stepping through the graph in memory is as quick

    def candidates(self, keys: Sequence[str]) -> nx.MultiDiGraph:
        return self.g  # the whole graph is at hand

    def people_names(self) -> list[str]:
        people = model().people
        return [d.get("name") for _, d in self.g.nodes(data=True) if d.get("type") in people]

    def weights(self, roots: Sequence[str]) -> dict[str, int]:
        """The relations that end in the areas of each root's subtree (as the Neo4j source counts)."""
        out, tree = {}, TREES[AREA]
        for root in roots:
            total, stack, seen = 0, [root], {root}
            while stack:
                a = stack.pop()
                total += sum(len(keys) for keys in self.g.pred[a].values())
                for b, keys in self.g.succ[a].items():
                    if b not in seen and self.g.nodes[b].get("type") == AREA and \
                            any(d.get("type") == tree for d in keys.values()):  # fmt: skip
                        seen.add(b)
                        stack.append(b)
            out[root] = total
        return out


class TablesSource:
    """A :class:`GraphSource` over a workspace's columns (:class:`~dangjian.graph.columns.Tables`):
    the embedded backend's shards, read without building the whole graph. Each relation type's
    edges are indexed by their ends when first asked for."""

    concurrent = 1

    def __init__(self, tables: Tables):
        self.t = tables
        self.rows = NodeRows(tables)
        self._ends: dict[tuple[str, str], tuple[list[str], list[int]]] = {}
        self._link_cols: list[tuple[str, list, list, list]] | None = None

    def area_ids(self, levels: Sequence[str]) -> list[str]:
        want, t = set(levels), self.t
        return [n for n, lv in zip(t.column("nodes", AREA, "id"), t.column("nodes", AREA, "p:level"), strict=True)
                if lv in want]  # fmt: skip

    def orphan_ids(self) -> list[str]:
        placed: dict[tuple[str, str], set[str]] = {}
        out = []
        for n in self.rows:
            for rel, way in model().home_edges(self.rows.attr(n, "type")):
                if (rel, way) not in placed:
                    placed[(rel, way)] = set(self.t.column("edges", rel, "src" if way == "out" else "dst"))
                if n in placed[(rel, way)]:
                    break
            else:
                out.append(n)
        return out

    def nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.rows
        return {i: dict(rows[i]) for i in ids if i in rows}

    def _by_end(self, rel: str, way: str) -> tuple[list[str], list[int]]:
        """(the ``rel`` edges' sources (``out``) or targets (``in``) sorted, the edges' positions in
        that order): a node's edges are a slice found by bisection. Sorted when first asked for
        (the columns are mostly in order already: quick)."""
        found = self._ends.get((rel, way))
        if found is None:
            col = self.t.column("edges", rel, "src" if way == "out" else "dst")
            order = sorted(range(len(col)), key=col.__getitem__)
            found = self._ends[(rel, way)] = ([col[i] for i in order], order)
        return found

    def _at(self, rel: str, way: str, n: str) -> list[int]:
        keys, order = self._by_end(rel, way)
        lo = bisect.bisect_left(keys, n)
        if lo == len(keys) or keys[lo] != n:
            return []
        return order[lo:bisect.bisect_right(keys, n, lo)]

    def _edge(self, rel: str, p: int) -> Edge:
        """The edge at position ``p`` of ``rel``'s columns, its attributes as to_networkx gives them
        (read from the chunks that hold it)."""
        t = self.t
        cell = t.cell
        attrs = {k: v for k in t.keys["edges"].get(rel, ()) if (v := cell("edges", rel, "p:" + k, p)) is not None}
        attrs["type"] = rel
        attrs["valid_from"], attrs["valid_to"] = cell("edges", rel, "valid_from", p), cell("edges", rel, "valid_to", p)
        attrs["source"] = (cell("edges", rel, "src_file", p), cell("edges", rel, "src_sheet", p),
                           cell("edges", rel, "src_row", p))  # fmt: skip
        c = t.column
        return c("edges", rel, "id")[p], c("edges", rel, "src")[p], c("edges", rel, "dst")[p], attrs

    def edges(self, ids: Iterable[str], types: Sequence[str] | None = None, direction: str = "both") -> list[Edge]:
        rels = self.t.types("edges") if types is None else [r for r in types if self.t.count("edges", r)]
        ways = ("out", "in") if direction == "both" else (direction,)
        out: dict[tuple[str, int], Edge] = {}
        ids = list(ids)
        for rel in rels:
            for way in ways:
                for n in ids:
                    for p in self._at(rel, way, n):
                        if (rel, p) not in out:
                            out[(rel, p)] = self._edge(rel, p)
        return list(out.values())

    def edges_except(self, ids: Sequence[str], known: Sequence[str]) -> list[Edge]:
        skip = set(known)
        return [e for e in self.edges(ids) if e[1] not in skip and e[2] not in skip]

    def links(self, n: str) -> list[tuple[int, str, str, str]]:
        """(edge id, type, source, target) of every edge at ``n``, either way, without attributes."""
        cols = self._link_cols
        if cols is None:
            c = self.t.column
            cols = self._link_cols = [(rel, c("edges", rel, "id"), c("edges", rel, "src"), c("edges", rel, "dst"))
                                      for rel in self.t.types("edges")]  # fmt: skip
        out = []
        for rel, ids, src, dst in cols:
            for way in ("out", "in"):
                out.extend((ids[p], rel, src[p], dst[p]) for p in self._at(rel, way, n))
        return out

    def closure_edges(self, ids: Iterable[str], rel: str, direction: str) -> list[Edge] | None:
        return None  # stepping through the columns is as quick

    def candidates(self, keys: Sequence[str]) -> Tables:
        return self.t  # every name is at hand (resolve reads the columns)

    def people_names(self) -> list[str]:
        people = model().people
        return [n for t in self.t.types("nodes") if t in people for n in self.t.column("nodes", t, "name")]

    def weights(self, roots: Sequence[str]) -> dict[str, int]:
        """The relations that end in the areas of each root's subtree (as the Neo4j source counts)."""
        ending = Counter(n for rel in self.t.types("edges") for n in self.t.column("edges", rel, "dst"))
        dst = self.t.column("edges", TREES[AREA], "dst")
        out = {}
        for root in roots:
            total, stack, seen = 0, [root], {root}
            while stack:
                a = stack.pop()
                total += ending[a]
                for p in self._at(TREES[AREA], "out", a):
                    b = dst[p]
                    if b not in seen and self.rows.attr(b, "type") == AREA:
                        seen.add(b)
                        stack.append(b)
            out[root] = total
        return out


class _Pull:
    """Collects nodes and edges from a source, then builds the shard's graph. The nodes whose
    every relation has been pulled (:meth:`fetch_all`) are answered from here afterwards."""

    def __init__(self, source: GraphSource):
        self.src = source
        self.attrs: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[int, str, str], Edge] = {}
        self.adj: dict[str, list[Edge]] = {}  # node -> every relation of it, once pulled whole
        self.partial: dict[str, list[Edge]] = {}  # node -> its relations pulled whole from their other end

    def take(self, edges: Iterable[Edge]) -> set[str]:
        """Keep these edges; the ids at their ends that are new."""
        new = set()
        attrs, kept = self.attrs, self.edges
        for e in edges:
            kept[e[:3]] = e
            if e[1] not in attrs:
                new.add(e[1])
            if e[2] not in attrs:
                new.add(e[2])
        return new

    def fetch(self, ids: Iterable[str], types: Sequence[str] | None, direction: str) -> list[Edge]:
        """The ``types`` relations of ``ids`` going ``direction`` (an edge may come twice)."""
        ids = list(ids)
        rest = [i for i in ids if i not in self.adj]
        got = self.src.edges(sorted(rest), types, direction) if rest else []
        if len(rest) < len(ids):
            want = None if types is None else set(types)
            for i in ids:
                for e in self.adj.get(i, ()):
                    if (want is None or e[3].get("type") in want) and \
                            (direction == "both" or e[1 if direction == "out" else 2] == i):  # fmt: skip
                        got.append(e)
        return got

    def fetch_all(self, ids: Iterable[str]) -> set[str]:
        """Pull every relation of ``ids``; the ids at their ends that are new. A relation already
        pulled from its other end is not asked again (a source with ``edges_except`` leaves it out)."""
        ids = {i for i in ids if i not in self.adj}
        if not ids:
            return set()
        edges = self.src.edges_except(sorted(ids), sorted(self.adj))
        for i in ids:
            self.adj[i] = self.partial.pop(i, [])
        for e in edges:
            for x in {e[1], e[2]}:
                (self.adj[x] if x in ids else self.partial.setdefault(x, [])).append(e)
        return self.take(edges)

    def add_nodes(self, ids: Iterable[str]) -> None:
        ids = set(ids) - self.attrs.keys()
        if ids:
            self.attrs.update(self.src.nodes(sorted(ids)))

    def type_of(self, i: str) -> str | None:
        return self.attrs.get(i, {}).get("type")

    def by_type(self, ids: Iterable[str], *types: str) -> list[str]:
        return [i for i in ids if self.type_of(i) in types]

    def closure(self, start: Iterable[str], rel: str, direction: str, node_type: str) -> set[str]:
        """Follow ``rel`` edges ``direction`` from ``start`` through nodes of ``node_type`` until
        nothing new: the ids reached (and ``start``)."""
        seen = set(start)
        if seen and (rel, direction, node_type) in CLOSURES:
            edges = self.src.closure_edges(sorted(seen), rel, direction)
            if edges is not None:
                self.take(edges)
                reached = {e[2] if direction == "out" else e[1] for e in edges}
                self.add_nodes(reached)
                return seen | set(self.by_type(reached, node_type))
        frontier = set(seen)
        seen = set()
        while frontier:
            seen |= frontier
            edges = self.fetch(frontier, [rel], direction)
            new = self.take(edges)
            reached = {e[2] if direction == "out" else e[1] for e in edges}
            self.add_nodes(new | reached)
            frontier = set(self.by_type(reached, node_type)) - seen
        return seen

    def graph(self, name: str) -> nx.MultiDiGraph:
        """The shard's graph, filled as :func:`~dangjian.graph.build.to_networkx` fills it (nodes in
        id order, each node's edges in edge id order)."""
        return graph_of(self.attrs, self.edges.values(), shard=name)


def _owned(p: _Pull, areas: set[str]) -> set[str]:
    """The areas and everything whose home chain ends in them (or in the given homeless seeds).
    Every relation of what is owned is pulled on the way (the context reads them all)."""
    owned = set(areas)
    p.add_nodes(owned)
    frontier = set(owned)
    while frontier:
        p.add_nodes(p.fetch_all(frontier))
        new = set()
        for f in frontier:
            for e in p.adj[f]:
                x, way = (e[1], "out") if e[2] == f else (e[2], "in")  # x's relation to f, seen from x
                if x in owned or x == f:
                    continue
                t = p.type_of(x)
                # x is homed here only if this relation is one of x's home relations
                if t != AREA and (e[3].get("type"), way) in model().home_edges(t):
                    new.add(x)
        owned |= new
        frontier = new
    return owned


def _context(p: _Pull, owned: set[str]) -> None:
    """Pull what the rules read about the owned entities (see the module's docstring)."""
    p.add_nodes(owned)
    near = p.fetch_all(owned)
    p.add_nodes(near)
    context = owned | near
    # each entity's home chain to an area, then the areas' ancestors and the organizations' superiors
    placed = set(context)
    frontier = set(context)
    while frontier:
        new = set()
        for way in ("out", "in"):
            edges = p.fetch(frontier, _CHAIN[way], way)
            p.take(edges)
            new |= {e[2] if way == "out" else e[1] for e in edges}
        p.add_nodes(new)
        frontier = new - placed
        placed |= new
    for t, rel in TREES.items():  # up each tree: the areas' ancestors, the organizations' superiors
        p.closure(p.by_type(placed, t), rel, "in", t)
    # subordinate trees of owned non-committee organizations, with their memberships
    heads = [o for o in p.by_type(owned, ORG) if p.attrs[o].get("kind") not in _TOP_KINDS]
    tree = p.closure(heads, TREES[ORG], "out", ORG)
    p.add_nodes(p.take(p.fetch(tree, [MEMBER_OF], "in")))


def pull_shard(source: GraphSource, roots: Sequence[str], name: str | None = None) -> Shard:
    """The shard rooted at the areas ``roots`` (their whole subtrees)."""
    with paused_gc():
        return _pull_shard(source, roots, name)


def _pull_shard(source: GraphSource, roots: Sequence[str], name: str | None) -> Shard:
    p = _Pull(source)
    p.add_nodes(roots)
    missing = [r for r in roots if p.type_of(r) != AREA]
    if missing:
        raise InputError("shards.no_area", area=missing[0])
    areas = p.closure(roots, TREES[AREA], "out", AREA)
    owned = _owned(p, areas)
    _context(p, owned)
    return Shard(name or ",".join(roots), p.graph(name or ",".join(roots)), owned)


def shard_levels(level: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the levels that root shards, the levels above them) for ``street`` or ``district``."""
    levels = model().enums["area_level"].values
    ranks = {lv: spec.get("rank", 99) for lv, spec in levels.items()}
    roots = {"street": ("street", "township"), "district": ("district",)}.get(level)
    if roots is None:
        raise InputError("shards.bad_level", level=level)
    top = min(ranks[r] for r in roots)
    return roots, tuple(lv for lv, r in ranks.items() if r < top)


def pull_rest(source: GraphSource, level: str = "street") -> Shard:
    """The shard of what no shard at ``level`` owns: the areas above that level and any area
    under none of its areas (with their subtrees, down to those areas), and what hangs from them
    or from nothing."""
    with paused_gc():
        return _pull_rest(source, level)


def _pull_rest(source: GraphSource, level: str) -> Shard:
    roots, above = shard_levels(level)
    p = _Pull(source)
    seeds = set(source.area_ids(above)) | set(source.orphan_ids())
    p.add_nodes(seeds)
    areas: set[str] = set()
    frontier = {a for a in p.by_type(seeds, AREA) if p.attrs[a].get("level") not in roots}
    while frontier:  # down the area tree, stopping at the shards' roots
        areas |= frontier
        edges = p.fetch(frontier, [TREES[AREA]], "out")
        p.add_nodes(e[2] for e in edges)
        frontier = {e[2] for e in edges if p.type_of(e[2]) == AREA and p.attrs[e[2]].get("level") not in roots}
        frontier -= areas
    homeless = {s for s in seeds if p.type_of(s) != AREA}
    owned = _owned(p, areas | homeless)
    _context(p, owned)
    return Shard("rest", p.graph("rest"), owned)


def pull_around(source: GraphSource, ids: Sequence[str]) -> Shard:
    """A shard owning just ``ids``: enough to describe them and give their findings."""
    p = _Pull(source)
    p.add_nodes(ids)
    owned = {i for i in ids if i in p.attrs}
    _context(p, owned)
    return Shard(",".join(ids), p.graph(",".join(ids)), owned)


def shard_roots(source: GraphSource, level: str = "street") -> list[str]:
    """The areas at ``level`` (``street``: streets and townships; or ``district``), in id order."""
    return sorted(source.area_ids(shard_levels(level)[0]))


def shard_groups(source: GraphSource, roots: Sequence[str], size: int = DEFAULT_SHARD_SIZE) -> list[list[str]]:
    """``roots`` cut into runs (in their order) that each pull about ``size`` relationships ending in
    their areas, as the source weighs them: a few round trips for many small streets, and memory
    bounded by ``size`` however big the whole is. ``size`` 0: one root a run.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> for a in "abc":
    ...     g.add_node(a, type="Area", level="street")
    >>> shard_groups(EmbeddedSource(g), ["a", "b", "c"], 0), shard_groups(EmbeddedSource(g), ["a", "b", "c"], 10)
    ([['a'], ['b'], ['c']], [['a', 'b', 'c']])
    """
    if size <= 0:
        return [[r] for r in roots]
    weights = source.weights(list(roots))
    groups: list[list[str]] = []
    run: list[str] = []
    total = 0
    for r in roots:
        w = max(1, weights.get(r, 0))
        if run and total + w > size:
            groups.append(run)
            run, total = [], 0
        run.append(r)
        total += w
    return groups + [run] if run else groups


def iter_shards(source: GraphSource, level: str = "street", roots: Sequence[str] | None = None,
                size: int = 0) -> Iterator[Shard]:  # fmt: skip
    """One shard per area of ``roots`` (default: :func:`shard_roots`), or per run of them of about
    ``size`` (see :func:`shard_groups`), pulled as it is reached, then the rest shard."""
    roots = shard_roots(source, level) if roots is None else roots
    for group in shard_groups(source, roots, size):
        yield pull_shard(source, group, ",".join(group))
    yield pull_rest(source, level)
