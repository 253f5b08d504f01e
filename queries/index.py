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

from collections import defaultdict
from datetime import date
from typing import Any

import networkx as nx

from dangjian.graph.perf import paused_gc

__all__ = ["GraphIndex", "as_of_date", "add_months", "COMMUNITY_LEVELS", "STREET_LEVELS"]

COMMUNITY_LEVELS = frozenset({"community", "village"})
STREET_LEVELS = frozenset({"street", "township"})


def as_of_date(as_of: str | date | None) -> str:
    """An ISO date: the given one, or today."""
    if as_of is None:
        return date.today().isoformat()
    return as_of.isoformat() if isinstance(as_of, date) else date.fromisoformat(str(as_of)).isoformat()


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
    """type -> node -> neighbours, each type built from the edge pairs on first use."""

    def __init__(self, pairs: dict[str, list[tuple[str, str]]], reverse: bool):
        super().__init__()
        self._pairs = pairs
        self._reverse = reverse

    def __missing__(self, edge_type: str) -> dict[str, list[str]]:
        adj: dict[str, list[str]] = {}
        for u, v in self._pairs.get(edge_type, ()):
            if self._reverse:
                u, v = v, u
            if u in adj:
                adj[u].append(v)
            else:
                adj[u] = [v]
        self[edge_type] = adj
        return adj


class GraphIndex:
    """What the rules ask of the graph, precomputed for the date ``as_of``.

    ``out[TYPE][node]`` and ``inn[TYPE][node]`` list the neighbours over edges of that type that
    are valid on ``as_of`` (valid_from <= as_of <= valid_to, open ends allowed).
    """

    def __init__(self, g: nx.MultiDiGraph, as_of: str | date | None = None):
        self.g = g
        self.as_of = as_of_date(as_of)
        with paused_gc():
            self._build(g)

    def _build(self, g: nx.MultiDiGraph) -> None:
        self.nodes: dict[str, dict[str, Any]] = dict(g.nodes(data=True))  # plain dict: fast lookups
        self.by_type: dict[str, list[str]] = defaultdict(list)
        for n, d in self.nodes.items():
            self.by_type[d.get("type")].append(n)
        pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
        day = self.as_of
        for u, nbrs in g.adjacency():
            for v, keyed in nbrs.items():
                for d in keyed.values():
                    vf, vt = d.get("valid_from"), d.get("valid_to")
                    if (vf and vf > day) or (vt and vt < day):
                        continue
                    pairs[d["type"]].append((u, v))
        #: ``out[TYPE].get(node, [])``: neighbours over valid edges of that type (``inn``: the
        #: reverse). Each direction of each type is built when a rule first asks for it.
        self.out: dict[str, dict[str, list[str]]] = _Adjacency(pairs, reverse=False)
        self.inn: dict[str, dict[str, list[str]]] = _Adjacency(pairs, reverse=True)
        self.leads = pairs.get("LEADS", [])
        self._community: dict[str, str | None] | None = None
        self._path: dict[str, list[str]] = {}
        self._levels: dict[str, list[str]] | None = None
        self._situations: dict[str, list[str]] | None = None
        self._formal: dict[str, int] = {}

    # -- nodes ---------------------------------------------------------------------------------
    def of_type(self, type_name: str) -> list[str]:
        return self.by_type.get(type_name, [])

    def attr(self, n: str, key: str, default: Any = None) -> Any:
        return self.nodes[n].get(key, default)

    def areas(self, *levels: str) -> list[str]:
        if self._levels is None:
            self._levels = defaultdict(list)
            for a in self.of_type("Area"):
                self._levels[self.nodes[a].get("level")].append(a)
        return [a for level in levels for a in self._levels.get(level, ())]

    def members_in(self, *situations: str) -> list[str]:
        """Members in these situations (in service, retired, ...)."""
        if self._situations is None:
            self._situations = defaultdict(list)
            for m in self.of_type("Member"):
                self._situations[self.nodes[m].get("situation")].append(m)
        return [m for s in situations for m in self._situations.get(s, ())]

    # -- the area tree ---------------------------------------------------------------------------
    def parent_area(self, a: str) -> str | None:
        parents = self.inn["CONTAINS"].get(a)
        return parents[0] if parents else None

    def area_subtree(self, a: str) -> list[str]:
        """``a`` and every area below it (each once, even if the data has a cycle)."""
        out, seen, stack = [], {a}, [a]
        contains = self.out["CONTAINS"]
        while stack:
            x = stack.pop()
            out.append(x)
            for child in contains.get(x, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return out

    def area_of(self, n: str) -> str | None:
        """The area an entity sits in: itself for an area, where an organization is anchored
        (through its unit if anchored in a unit), where a unit is located, where a member lives."""
        t = self.nodes[n].get("type")
        if t == "Area":
            return n
        if t == "PartyOrg":
            for x in self.out["ANCHORED_IN"].get(n, ()):
                return x if self.nodes[x].get("type") == "Area" else self.area_of(x)
            return None
        if t == "Unit":
            return next(iter(self.out["LOCATED_IN"].get(n, ())), None)
        if t == "Member":
            return next(iter(self.out["LIVES_IN"].get(n, ())), None)
        if t == "Agreement":  # where its community side is (in force or not)
            for src, _, d in self.g.in_edges(n, data=True):
                if d.get("type") == "PARTY_TO" and d.get("side") == "community":
                    return self.area_of(src)
            return None
        if t == "Activity":
            return next(iter(self.out["HELD_IN"].get(n, ())), None)
        return None

    def community_of(self, n: str) -> str | None:
        """The community or village an entity belongs to, if any."""
        if self._community is None:  # once, top-down: each area below a community maps to it
            self._community = {}
            for c in self.areas(*COMMUNITY_LEVELS):
                for a in self.area_subtree(c):
                    self._community[a] = c
        a = self.area_of(n)
        return self._community.get(a) if a is not None else None

    def area_path(self, n: str) -> list[str]:
        """Names from the city down to the community (or the area itself, if above it)."""
        a = self.community_of(n) or self.area_of(n)
        if a is None:
            return []
        if a in self._path:
            return self._path[a]
        chain, x, seen = [], a, 0
        while x is not None and seen < 16:
            chain.append(self.nodes[x].get("name", x))
            x = self.parent_area(x)
            seen += 1
        self._path[a] = chain[::-1]
        return self._path[a]

    # -- organizations and members -----------------------------------------------------------------
    def members_of(self, org: str) -> list[str]:
        return self.inn["MEMBER_OF"].get(org, [])

    def formal_count(self, members: list[str]) -> int:
        return sum(1 for m in members if self.nodes[m].get("status") == "formal")

    def formal_of(self, n: str, edge: str = "MEMBER_OF") -> int:
        """Formal members joined to ``n`` by ``edge`` (MEMBER_OF: of an organization; WORKS_AT: at a
        unit), counted once per index."""
        key = f"{edge}\x1f{n}"
        if key not in self._formal:
            self._formal[key] = self.formal_count(self.inn[edge].get(n, []))
        return self._formal[key]

    def orgs_anchored(self, target: str) -> list[str]:
        return self.inn["ANCHORED_IN"].get(target, [])

    def subordinates(self, org: str) -> list[str]:
        """``org`` and every organization it leads, directly or not (cycles tolerated)."""
        seen, stack = {org}, [org]
        leads = self.out["LEADS"]
        while stack:
            for child in leads.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return list(seen)
