"""One pass over the graph that every rule shares: typed adjacency valid on a date, the area tree,
each entity's community and area path. Building it is linear in nodes and edges.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> g.add_node("o", type="PartyOrg", name="祥云社区党委", kind="committee")
>>> g.add_edge("o", "c", type="ANCHORED_IN")
0
>>> ix = GraphIndex(g, "2026-01-01")
>>> ix.community_of("o")
'c'
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from operator import itemgetter
from typing import Any, TypeVar

import networkx as nx

from dangjian.graph.build import node_attrs
from dangjian.graph.columns import NodeRows, Tables
from dangjian.graph.perf import paused_gc
from dangjian.graph.privacy import NameGuard
from dangjian.graph.roles import (
    AGREEMENT,
    ANCHORED_IN,
    AREA,
    CONTAINS,
    LEADS,
    MEMBER,
    MEMBER_OF,
    ORG,
    PARTY_TO,
)
from dangjian.graph.schema import model

__all__ = ["GraphIndex", "as_of_date", "add_months", "COMMUNITY_LEVELS", "STREET_LEVELS"]

T = TypeVar("T")
COMMUNITY_LEVELS = frozenset({"community", "village"})
STREET_LEVELS = frozenset({"street", "township"})


def as_of_date(as_of: str | date | None) -> str:
    """An ISO date: the given one, or today."""
    if as_of is None:
        return date.today().isoformat()
    return as_of.isoformat() if isinstance(as_of, date) else date.fromisoformat(str(as_of)).isoformat()


@functools.lru_cache(maxsize=4096)
def add_months(iso: str, months: int) -> str:
    """``iso`` plus ``months`` calendar months (the day clamped to the month's end)."""
    d = date.fromisoformat(iso)
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day).isoformat()
        except ValueError:
            continue
    raise ValueError(iso)


class _Adjacency(dict):
    """type -> node -> neighbours, each type built from the edge lists on first use."""

    def __init__(self, ends: dict[str, tuple[list[str], list[str]]], reverse: bool):
        super().__init__()
        self._ends = ends
        self._reverse = reverse

    def __missing__(self, edge_type: str) -> dict[str, list[str]]:
        adj: dict[str, list[str]] = {}
        src, dst = self._ends.get(edge_type, ((), ()))
        if self._reverse:
            src, dst = dst, src
        for u, v in zip(src, dst, strict=True):
            if u in adj:
                adj[u].append(v)
            else:
                adj[u] = [v]
        self[edge_type] = adj
        return adj


def _direct_area_edge(type_name: str | None) -> str | None:
    """The relation out of an entity of this type that ends in an area and only there (the schema's
    ``area``), if it has one: then its area is one lookup."""
    m = model()
    found = m.area_edge(type_name)
    if found is None or found[1] != "out" or m.edge(found[0]).to_types != (AREA,):
        return None
    return found[0]


def _same(n: str) -> str:
    return n


def _nowhere(n: str) -> None:
    return None


#: an edge's type and validity in one C call (the graph builder writes all three keys)
_TYPE_AND_DATES = itemgetter("type", "valid_from", "valid_to")


class GraphIndex:
    """What the rules ask of the graph, precomputed for the date ``as_of``; ``g`` is a networkx graph
    (a shard, one built by hand) or a workspace's columns (:class:`~dangjian.graph.columns.Tables`),
    which give the same index without building a graph.

    ``out[TYPE][node]`` and ``inn[TYPE][node]`` list the neighbours over edges of that type that
    are valid on ``as_of`` (valid_from <= as_of <= valid_to, open ends allowed).
    """

    def __init__(self, g: nx.MultiDiGraph | Tables, as_of: str | date | None = None):
        self.g = g
        self.as_of = as_of_date(as_of)
        self._all_edges: dict[tuple[str, str], dict[str, list[tuple[str, Any]]]] = {}
        self._rows: NodeRows | None = None
        with paused_gc():
            if isinstance(g, Tables):
                self._build_tables(g)
            else:
                self._build(g)

    def _build_tables(self, t: Tables) -> None:
        """The same index from the workspace's columns, with no graph: the same lists in the same
        order as :meth:`_build` gives from :func:`~dangjian.graph.build.to_networkx`'s graph (each
        type's edges in the order of their sources, a source's in id order: the order the load
        kept, ``Tables.by_source``)."""
        self.nodes = self._rows = NodeRows(t)
        self.attr = self._rows.attr  # one call where a rule asks, not two
        by_type: dict[str, list[str]] = {}
        situations: dict[str, list[str]] = defaultdict(list)
        formal: set[str] = set()
        for type_name in t.types("nodes"):
            ids = t.column("nodes", type_name, "id")
            by_type[type_name] = ids  # the column itself: read, never changed
            if type_name == MEMBER:
                for n, s in zip(ids, t.column("nodes", MEMBER, "p:situation"), strict=True):
                    situations[s].append(n)
                formal.update(n for n, s in zip(ids, t.column("nodes", MEMBER, "p:status"), strict=True)
                              if s == "formal")  # fmt: skip
        day = self.as_of
        ends: dict[str, tuple[list[str], list[str]]] = {}
        for et in t.types("edges"):
            src, dst = t.column("edges", et, "src"), t.column("edges", et, "dst")
            vf, vt = t.column("edges", et, "valid_from"), t.column("edges", et, "valid_to")
            order = t.by_source(et)  # None: the edges are in their sources' order already
            if any(vf) or any(vt):
                keep = [i for i in (range(len(src)) if order is None else order)
                        if not ((vf[i] and vf[i] > day) or (vt[i] and vt[i] < day))]  # fmt: skip
            elif order is None:
                ends[et] = (src, dst)  # the columns themselves: read, never changed
                continue
            else:
                keep = order
            ends[et] = ([src[i] for i in keep], [dst[i] for i in keep])
        self._finish(by_type, situations, formal, ends)

    def _build(self, g: nx.MultiDiGraph) -> None:
        # networkx's own node and adjacency dicts (what ``g.nodes(data=True)`` and
        # ``g.adjacency()`` iterate, without a view per node): read, never written
        self.nodes: dict[str, dict[str, Any]] = node_attrs(g)
        adj = getattr(g, "_adj", None) or dict(g.adjacency())
        by_type: dict[str, list[str]] = defaultdict(list)
        situations: dict[str, list[str]] = defaultdict(list)
        formal: set[str] = set()
        # One pass over nodes and their out-edges: nodes by type, members by situation, and the
        # sources and targets of the edges valid on the date, by type, as two parallel lists (no
        # tuple per edge), in the order of their sources.
        ends: dict[str, tuple[list[str], list[str]]] = {}
        day = self.as_of
        for n, d in self.nodes.items():
            t = d.get("type")
            by_type[t].append(n)
            if t == MEMBER:
                situations[d.get("situation")].append(n)
                if d.get("status") == "formal":
                    formal.add(n)
            for v, keyed in adj[n].items():
                for e in keyed.values():
                    try:
                        et, vf, vt = _TYPE_AND_DATES(e)
                    except KeyError:  # a graph built by hand may leave the dates out
                        et, vf, vt = e["type"], e.get("valid_from"), e.get("valid_to")
                    if (vf and vf > day) or (vt and vt < day):
                        continue
                    try:
                        lists = ends[et]
                    except KeyError:
                        lists = ends[et] = ([], [])
                    lists[0].append(n)
                    lists[1].append(v)
        self._finish(by_type, situations, formal, ends)

    def _finish(self, by_type, situations, formal, ends) -> None:
        self.by_type, self._situations, self._formal_members = by_type, situations, formal
        self._ends = ends
        #: ``out[TYPE].get(node, [])``: neighbours over valid edges of that type (``inn``: the
        #: reverse). Each direction of each type is built when a rule first asks for it.
        self.out: dict[str, dict[str, list[str]]] = _Adjacency(ends, reverse=False)
        self.inn: dict[str, dict[str, list[str]]] = _Adjacency(ends, reverse=True)
        #: (leader, led) pairs of the valid LEADS edges
        self.leads: list[tuple[str, str]] = list(zip(*ends.get(LEADS, ((), ())), strict=True))
        self._first: dict[str, dict[str, str]] = {}
        self._community: dict[str, str] | None = None
        self._subtree: dict[str, list[str]] = {}
        self._path: dict[str, list[str]] = {}
        self._place: dict[str, tuple[str | None, list[str]]] = {}
        self._levels: dict[str, list[str]] | None = None
        self._finders: dict[str | None, Callable[[str], str | None]] = {}
        self._cache: dict[str, Any] = {}

    # -- nodes ---------------------------------------------------------------------------------
    def of_type(self, type_name: str) -> list[str]:
        return self.by_type.get(type_name, [])

    def attr(self, n: str, key: str, default: Any = None) -> Any:
        if self._rows is not None:
            return self._rows.attr(n, key, default)
        return self.nodes[n].get(key, default)

    def values(self, nodes: Iterable[str], key: str) -> list[Any]:
        """``[attr(n, key) for n in nodes]``, a column at a time where the index reads columns."""
        if self._rows is not None:
            return self._rows.values(nodes, key)
        d = self.nodes
        return [d[n].get(key) for n in nodes]

    def areas(self, *levels: str) -> list[str]:
        if self._levels is None:
            self._levels = defaultdict(list)
            for a in self.of_type(AREA):
                self._levels[self.attr(a, "level")].append(a)
        return [a for level in levels for a in self._levels.get(level, ())]

    def members_in(self, *situations: str) -> list[str]:
        """Members in these situations (in service, retired, ...)."""
        return [m for s in situations for m in self._situations.get(s, ())]

    def situations(self) -> dict[str, list[str]]:
        """Members grouped by situation (a member with none is under ``None``)."""
        return self._situations

    def first(self, edge_type: str) -> dict[str, str]:
        """``node -> neighbour`` over valid edges of that type: the first one, for relations that
        have one target (where a member lives, where a unit is located)."""
        if edge_type not in self._first:
            src, dst = self._ends.get(edge_type, ((), ()))
            self._first[edge_type] = dict(zip(reversed(src), reversed(dst), strict=True))  # first wins
        return self._first[edge_type]

    def ends(self, edge_type: str) -> tuple[list[str], list[str]]:
        """(sources, targets) of the valid edges of that type, as two parallel lists: for
        whole-column work in C (``zip``, ``map``, ``set``) rather than a Python loop per edge.
        The lists are the index's own: do not change them."""
        return self._ends.get(edge_type, ([], []))

    def sources(self, edge_type: str) -> frozenset[str]:
        """The nodes with at least one valid edge of that type going out."""
        return self.cached(f"sources\x1f{edge_type}", lambda: frozenset(self.ends(edge_type)[0]))

    # -- the area tree ---------------------------------------------------------------------------
    def parent_area(self, a: str) -> str | None:
        parents = self.inn[CONTAINS].get(a)
        return parents[0] if parents else None

    def area_subtree(self, a: str) -> list[str]:
        """``a`` and every area below it (each once, even if the data has a cycle). Kept per area:
        the list is shared, do not change it."""
        found = self._subtree.get(a)
        if found is not None:
            return found
        contains = self.out[CONTAINS]
        if a not in contains:  # a leaf (most buildings and compounds)
            found = self._subtree[a] = [a]
            return found
        out, seen, stack = [], {a}, [a]
        while stack:
            x = stack.pop()
            out.append(x)
            for child in contains.get(x, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        self._subtree[a] = out
        return out

    def area_of(self, n: str) -> str | None:
        """The area an entity sits in: itself for an area, where an organization is anchored
        (through its unit if anchored in a unit), where a unit is located, where a member lives."""
        return self.area_finder(self.attr(n, "type"))(n)

    def area_finder(self, type_name: str | None) -> Callable[[str], str | None]:
        """:meth:`area_of` for entities of one type, as a function (a dict lookup where the type
        has one relation to its area): for callers that place thousands of entities."""
        found = self._finders.get(type_name)  # the dict lookups, kept (not a method of self: no cycle)
        if found is not None:
            return found
        direct = _direct_area_edge(type_name)
        if direct is not None:
            found = self._finders[type_name] = self.first(direct).get
            return found
        if type_name == AREA:
            return _same
        if type_name == ORG:
            return self._org_area
        if type_name == AGREEMENT:
            return self._agreement_area
        via = model().area_edge(type_name)
        if via is not None and via[1] == "out":  # an edge to another entity (a matter's meeting): its area
            first = self.first(via[0])

            def follow(n: str) -> str | None:
                x = first.get(n)
                return None if x is None else x if self.attr(x, "type") == AREA else self.area_of(x)

            found = self._finders[type_name] = follow
            return found
        return _nowhere

    def _org_area(self, n: str) -> str | None:
        x = self.first(ANCHORED_IN).get(n)
        if x is None:
            return None
        return x if self.attr(x, "type") == AREA else self.area_of(x)

    def _agreement_area(self, n: str) -> str | None:
        """Where its community side is (in force or not)."""
        for src, d in self.edges_in(n, PARTY_TO):
            if d.get("side") == "community":
                return self.area_of(src)
        return None

    def edges_in(self, n: str, edge_type: str) -> list[tuple[str, Any]]:
        """(source, attributes) of every edge of that type ending at ``n``, whatever its dates."""
        if not isinstance(self.g, Tables):
            return [(u, d) for u, _, d in self.g.in_edges(n, data=True) if d.get("type") == edge_type]
        return self._edges_any(edge_type, "in").get(n, [])

    def edges_out(self, n: str, edge_type: str) -> list[tuple[str, Any]]:
        """(target, attributes) of every edge of that type leaving ``n``, whatever its dates."""
        if not isinstance(self.g, Tables):
            return [(v, d) for _, v, d in self.g.out_edges(n, data=True) if d.get("type") == edge_type]
        return self._edges_any(edge_type, "out").get(n, [])

    def _edges_any(self, edge_type: str, way: str) -> dict[str, list[tuple[str, Any]]]:
        """node -> (other end, attributes) of the edges of that type, in id order (built once)."""
        found = self._all_edges.get((edge_type, way))
        if found is not None:
            return found
        t = self.g
        found = self._all_edges[(edge_type, way)] = {}
        src, dst = t.column("edges", edge_type, "src"), t.column("edges", edge_type, "dst")
        vf, vt = t.column("edges", edge_type, "valid_from"), t.column("edges", edge_type, "valid_to")
        for u, v, d, a, b in zip(src, dst, t.props("edges", edge_type), vf, vt, strict=True):
            d["type"], d["valid_from"], d["valid_to"] = edge_type, a, b
            here, other = (v, u) if way == "in" else (u, v)
            found.setdefault(here, []).append((other, d))
        return found

    def community_map(self) -> dict[str, str]:
        """``area -> community or village`` for every area at or below a community (built once,
        top-down)."""
        if self._community is None:
            self._community = {}
            for c in self.areas(*COMMUNITY_LEVELS):
                for a in self.area_subtree(c):
                    self._community[a] = c
        return self._community

    def community_of(self, n: str) -> str | None:
        """The community or village an entity belongs to, if any."""
        a = self.area_of(n)
        return self.community_map().get(a) if a is not None else None

    def area_path(self, n: str) -> list[str]:
        """Names from the city down to the community (or the area itself, if above it). Shared
        per area: do not change the list."""
        return self.place(n)[1]

    def place(self, n: str) -> tuple[str | None, list[str]]:
        """(community, area path) of an entity: :meth:`community_of` and :meth:`area_path`
        together, kept per entity (findings and views ask for the same entities again)."""
        found = self._place.get(n)
        if found is None:
            a = self.area_of(n)
            if a is None:
                found = self._place[n] = (None, [])
            else:
                community = self.community_map().get(a)
                found = self._place[n] = (community, self.path_of_area(a if community is None else community))
        return found

    def path_of_area(self, a: str) -> list[str]:
        """Names from the city down to the area ``a``."""
        found = self._path.get(a)
        if found is not None:
            return found
        chain, x, seen = [], a, 0
        while x is not None and seen < 16:
            chain.append(self.attr(x, "name", x))
            x = self.parent_area(x)
            seen += 1
        self._path[a] = chain[::-1]
        return self._path[a]

    # -- organizations and members -----------------------------------------------------------------
    def members_of(self, org: str) -> list[str]:
        return self.inn[MEMBER_OF].get(org, [])

    def formal_count(self, members: Iterable[str]) -> int:
        return sum(map(self._formal_members.__contains__, members))

    def in_count(self, edge: str) -> Counter[str]:
        """``node -> number of valid edges of this type that end at it`` (members living in an
        area, working at a unit, ...)."""
        return self.cached(f"in_count\x1f{edge}", lambda: Counter(self._ends.get(edge, ((), ()))[1]))

    def formal_of(self, n: str, edge: str = MEMBER_OF) -> int:
        """Formal members joined to ``n`` by ``edge`` (MEMBER_OF: of an organization; WORKS_AT: at a
        unit)."""
        counts = self.cached(f"formal\x1f{edge}", lambda: self._formal_counts(edge))
        return counts[n]

    def _formal_counts(self, edge: str) -> Counter[str]:
        src, dst = self._ends.get(edge, ((), ()))
        formal = self._formal_members
        return Counter(v for u, v in zip(src, dst, strict=True) if u in formal)

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, computed once per index under ``key`` (for facts several rules share)."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = make()
            return value

    def name_guard(self) -> Callable[[str], str]:
        """A :class:`~dangjian.graph.privacy.NameGuard` of the people's names (masks them in free
        text and inside other entities' names), made once per index; or the one :meth:`use_guard`
        gave."""
        people = model().people
        return self.cached("name_guard", lambda: NameGuard(
            self.values([n for t in self.by_type if t in people for n in self.by_type[t]], "name")))

    def use_guard(self, guard: Callable[[str], str]) -> None:
        """Mask with ``guard`` (the whole workspace's) rather than with the people of this graph: for
        an index of a shard, which does not hold every member whose name another name may carry."""
        self._cache["name_guard"] = guard

    def orgs_anchored(self, target: str) -> list[str]:
        return self.inn[ANCHORED_IN].get(target, [])

    def subordinates(self, org: str) -> list[str]:
        """``org`` and every organization it leads, directly or not (cycles tolerated), in the
        order found."""
        seen, stack = {org: None}, [org]
        leads = self.out[LEADS]
        while stack:
            for child in leads.get(stack.pop(), ()):
                if child not in seen:
                    seen[child] = None
                    stack.append(child)
        return list(seen)
