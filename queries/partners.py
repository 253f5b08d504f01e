"""Rebalancing partner units (共建单位调配), as 同江 did: a plan of units to add to, or move to, the
communities short of the minimum of partner units, solved as a min-cost flow (networkx).

The flow goes from each unit to the short communities of its district; a unit's edge to a
community costs by how near it is (its own community, then its street, then its district) and by
how many agreements it has already (a unit with none is asked first). A unit may also be moved
from a community with more partners than the minimum (its surplus) to a short one, at a cost of
its own: a move unsettles an agreement in force. Each community asks for what it lacks; the flow
meets as much of it as the units can, at the least cost; what no unit can meet is listed apart.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> for c in ("c1", "c2"):
...     g.add_node(c, type="Area", name=c + "社区", level="community")
...     _ = g.add_edge("s", c, type="CONTAINS")
>>> g.add_node("u", type="Unit", name="祥和医院")
>>> _ = g.add_edge("u", "c2", type="LOCATED_IN")
>>> plan = suggest_partners(g, min_partners=1, as_of="2026-11-22")
>>> [(m["action"], m["unit"], m["to"], m["nearness"]) for m in plan["moves"]], plan["after"]["short"]
([('add', 'u', 'c2', 'community')], 1)
>>> plan["unmet"]
[{'id': 'c1', 'name': 'c1社区', 'street': '祥和街道', 'partners': 0, 'missing': 1}]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.roles import AREA, UNIT
from dangjian.queries.coconstruction import partners_by_community
from dangjian.queries.index import COMMUNITY_LEVELS, STREET_LEVELS, GraphIndex
from dangjian.queries.lookup import resolve
from dangjian.queries.registry import rules_registry

__all__ = ["suggest_partners", "NEARNESS", "MOVE_COST", "LOAD_COST"]

#: cost of a unit's agreement with a community, by where the unit is: in it, in its street, in its district
NEARNESS = {"community": 0, "street": 100, "district": 200}
#: cost of moving a unit away from a community with partners to spare (on top of its nearness)
MOVE_COST = 30
#: cost of each agreement a unit has already, when it is asked for one more
LOAD_COST = 10


def suggest_partners(g: nx.MultiDiGraph | Tables, area: str | None = None, *, min_partners: int | None = None,
                     per_unit: int = 1, moves: bool = True, as_of=None, config: dict | None = None,
                     index: GraphIndex | None = None) -> dict[str, Any]:  # fmt: skip
    """A plan that brings every community inside ``area`` (an id or name; everything when None) to
    ``min_partners`` partner units (default: the ``community-few-partners`` rule's, with ``config``'s
    settings): units located inside ``area`` are added (each to at most ``per_unit`` more
    communities) or, with ``moves``, moved from communities with partners to spare. Returns
    ``moves`` (each: ``action`` add or move, ``unit``, ``from``, ``to``, names, ``nearness``),
    ``communities`` (each community the plan changes or leaves short: partners before and after),
    ``unmet`` (what no unit could meet), and the counts ``before`` and ``after`` (communities short,
    partners missing)."""
    ix = index if index is not None else GraphIndex(g, as_of)
    if min_partners is None:
        settings = (config or {}).get("community-few-partners", {})
        min_partners = int(settings.get("min_partners", rules_registry()["community-few-partners"].params["min_partners"]))
    if min_partners < 0 or per_unit < 0:  # (0, as a config may set it: no community is short)
        raise ValueError("min_partners and per_unit must be 0 or more")
    scope = set(ix.area_subtree(resolve(g, area, types=[AREA]))) if area is not None else None
    communities = sorted(c for c in ix.areas(*COMMUNITY_LEVELS) if scope is None or c in scope)  # by id: one order
    partners = partners_by_community(ix)
    have = {c: set(partners.get(c, ())) for c in communities}
    street = {c: _up(ix, c, STREET_LEVELS) for c in communities}
    district = {c: ix.parent_area(s) if s is not None else None for c, s in street.items()}
    where = {c: i for i, c in enumerate(communities)}
    units = []
    for u in ix.of_type(UNIT):
        c = ix.community_of(u)
        if c in where:
            units.append((u, c))
    load: dict[str, int] = defaultdict(int)
    for ps in partners.values():
        for u in ps:
            load[u] += 1
    short = {c: min_partners - len(have[c]) for c in communities if len(have[c]) < min_partners}
    spare = {c: len(have[c]) - min_partners for c in communities if len(have[c]) > min_partners}
    # one flow per district: a unit is never asked to serve a community of another district
    groups: dict[Any, list[str]] = defaultdict(list)
    for c in short:
        groups[district[c]].append(c)
    plan: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda k: where[groups[k][0]]):
        wanting = groups[key]
        pool = [(u, c) for u, c in units if district[c] == key]
        givers = [c for c in spare if district[c] == key] if moves else []
        plan.extend(_solve(wanting, short, pool, givers, spare, have, street, load, per_unit))
    after = {c: set(have[c]) for c in communities}
    for m in plan:
        after[m["to"]].add(m["unit"])
        if m["from"] is not None:
            after[m["from"]].discard(m["unit"])
    name, guard = ix.attr, ix.name_guard()  # a unit named after a person (张小华便利店): masked
    for m in plan:
        m.update(unit_name=guard(str(name(m["unit"], "name", m["unit"]))), to_name=name(m["to"], "name", m["to"]),
                 from_name=name(m["from"], "name", m["from"]) if m["from"] is not None else None,
                 street=name(street[m["to"]], "name") if street[m["to"]] is not None else None)  # fmt: skip
    plan.sort(key=lambda m: (where[m["to"]], m["action"], m["unit"]))
    touched = {m["to"] for m in plan} | {m["from"] for m in plan if m["from"] is not None} | set(short)
    rows = [{"id": c, "name": name(c, "name", c), "street": name(street[c], "name") if street[c] else None,
             "before": len(have[c]), "after": len(after[c])}
            for c in communities if c in touched]  # fmt: skip
    unmet = [{"id": r["id"], "name": r["name"], "street": r["street"], "partners": r["after"],
              "missing": min_partners - r["after"]} for r in rows if r["after"] < min_partners]  # fmt: skip
    return {
        "as_of": ix.as_of,
        "area": area,
        "min_partners": min_partners,
        "per_unit": per_unit,
        "before": {"communities": len(communities), "short": len(short), "missing": sum(short.values())},
        "after": {"communities": len(communities), "short": len(unmet), "missing": sum(r["missing"] for r in unmet)},
        "moves": plan,
        "communities": rows,
        "unmet": unmet,
    }


def _up(ix: GraphIndex, a: str, levels: frozenset[str]) -> str | None:
    x = a
    while x is not None and ix.attr(x, "level") not in levels:
        x = ix.parent_area(x)
    return x


def _nearness(c: str, home: str, street: dict[str, str | None]) -> str:
    if c == home:
        return "community"
    return "street" if street[c] is not None and street[c] == street[home] else "district"


_UNMET = 10_000  # the cost of a partner no unit gives: more than any unit's, so the flow gives all it can


def _flow(wanting: dict[str, int], sources: dict[tuple, tuple[Any, int, int]],
          edges: dict[tuple, list[tuple[tuple, int, int]]]) -> dict[tuple, dict[tuple, int]]:  # fmt: skip
    """The min-cost flow to the communities ``wanting`` (-> what each lacks; their nodes are ``("c",
    id)``) from ``sources`` (node -> (the node it draws from: "source" or another node, capacity,
    cost)) over ``edges`` (node -> [(node it sends to, capacity, cost)]); what no source gives goes by
    an edge of its own at :data:`_UNMET`. Returns, for each node of ``edges``, where its flow went."""
    f = nx.DiGraph()
    total = sum(wanting.values())
    f.add_node("source", demand=-total)
    f.add_node("sink", demand=total)
    f.add_edge("source", "sink", capacity=total, weight=_UNMET)
    for c, n in wanting.items():
        f.add_edge(("c", c), "sink", capacity=n, weight=0)
    for node, (parent, cap, cost) in sources.items():
        f.add_edge(parent, node, capacity=cap, weight=cost)
    for node, targets in edges.items():
        for target, cap, w in targets:
            f.add_edge(node, target, capacity=cap, weight=w)
    flow = nx.min_cost_flow(f)
    return {node: found for node in edges if (found := {x: n for x, n in flow.get(node, {}).items() if n})}


def _solve(wanting: list[str], short: dict[str, int], pool: list[tuple[str, str]], givers: list[str],
           spare: dict[str, int], have: dict[str, set[str]], street: dict[str, str | None],
           load: dict[str, int], per_unit: int) -> list[dict[str, Any]]:  # fmt: skip
    """The plan of one district, in two min-cost flows: units added first, each to at most
    ``per_unit`` more communities; then, for what that leaves short, units moved from communities with
    partners to spare (one move per agreement, never below the minimum). Units that only differ by
    name (the same community, as many agreements, partners of the same short communities) go as one
    node of their number in the first flow (the flow is the same, its graph a fraction of the size)
    and are told apart afterwards, each used at most ``per_unit`` times."""
    located = dict(pool)
    wanted = set(wanting)
    out: list[dict[str, Any]] = []
    if per_unit:
        classes: dict[tuple, list[str]] = defaultdict(list)
        for u, home in pool:
            classes[(home, load[u], frozenset(c for c in wanted if u in have[c]) if load[u] else frozenset())].append(u)
        sources = {("k", key): ("source", per_unit * len(members), LOAD_COST * key[1])
                   for key, members in classes.items()}  # fmt: skip
        edges = {("k", key): [(("c", c), len(members), NEARNESS[_nearness(c, key[0], street)]) for c in wanting
                              if c not in key[2]] for key, members in classes.items()}  # fmt: skip
        flow = _flow({c: short[c] for c in wanting}, sources, edges)
        for (_, key), to in flow.items():
            members, k = sorted(classes[key]), 0
            for (_, c), n in sorted(to.items()):  # n distinct units of the class, in turn: none over per_unit
                for _ in range(n):
                    out.append({"action": "add", "unit": members[k % len(members)], "from": None, "to": c,
                                "nearness": _nearness(c, key[0], street)})  # fmt: skip
                    k += 1
    got: dict[str, set[str]] = defaultdict(set)
    for m in out:
        got[m["to"]].add(m["unit"])
    left = {c: short[c] - len(got[c]) for c in wanting if short[c] > len(got[c])}
    if not left or not givers:
        return out
    # a giving community gives no more units than it has to spare; each agreement moves once
    sources: dict[tuple, tuple[Any, int, int]] = {("spare", a): ("source", spare[a], 0) for a in givers}
    edges: dict[tuple, list[tuple[tuple, int, int]]] = {}
    for a in givers:
        for u in sorted(have[a]):
            if u in located:
                sources[("mv", u, a)] = (("spare", a), 1, 0)
                edges[("mv", u, a)] = [(("mu", u), 1, MOVE_COST)]
                edges.setdefault(("mu", u), [(("c", c), 1, NEARNESS[_nearness(c, located[u], street)]) for c in left
                                             if u not in have[c] and u not in got[c]])  # fmt: skip
    flow = _flow(left, sources, edges)
    froms: dict[str, list[str]] = defaultdict(list)  # a unit with agreements in several giving communities
    for node in flow:
        if node[0] == "mv":
            froms[node[1]].append(node[2])
    for u, gave in sorted(froms.items()):
        to = sorted(c for (kind, c), n in flow.get(("mu", u), {}).items() if kind == "c")
        for a, c in zip(sorted(gave), to, strict=True):
            out.append({"action": "move", "unit": u, "from": a, "to": c, "nearness": _nearness(c, located[u], street)})
    return out
