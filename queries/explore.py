"""Exploring the graph: what an entity is and how it sits (:func:`describe`), finding entities by
name, pinyin or pinyin initials (:func:`find`), and how two entities are connected (:func:`path`).
Member and person names come out masked; ID and phone numbers never come out.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("530702003003", type="Area", name="祥云社区", level="community")
>>> [hit["id"] for hit in find(g, "xysq")]
['530702003003']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx

from dangjian.graph.build import node_attrs
from dangjian.graph.columns import Tables, containing, search_keys
from dangjian.graph.hanzi import pinyin_keys, simplified
from dangjian.graph.privacy import LazyGuard, NameGuard, mask_name
from dangjian.graph.privacy import shown_name as _shown
from dangjian.graph.roles import LEADS, MEMBER, MEMBER_OF, ORG
from dangjian.graph.schema import model
from dangjian.queries.index import GraphIndex
from dangjian.queries.lookup import NotFound, resolve
from dangjian.wording import choose
from dangjian.wording import t as text_of

__all__ = ["describe", "find", "path", "shown_name", "pinyin_keys", "name_guard", "PEOPLE"]

#: node types whose names the schema masks (people): never matched by pinyin, never shown in full
PEOPLE = model().people  # the schema's person types
PINYIN_TYPES = frozenset(model().nodes) - PEOPLE


def shown_name(g: nx.MultiDiGraph, n: str, guard: Callable[[str], str] | None = None) -> str:
    """``n``'s name as outputs show it (:func:`~dangjian.graph.privacy.shown_name`; ``guard``:
    :func:`name_guard` of ``g`` unless given)."""
    d = g.nodes[n]
    person = model().is_person(d.get("type"))
    return _shown(str(d.get("name", n)), person, guard if guard is not None or person else name_guard(g))


def name_guard(g: nx.MultiDiGraph | Tables) -> NameGuard:
    """A :class:`~dangjian.graph.privacy.NameGuard` of the names of the people in ``g`` (a graph or
    a workspace's columns): masks them where free text (a note, an address) carries them."""
    if isinstance(g, Tables):
        return NameGuard(n for t in g.types("nodes") if t in PEOPLE for n in g.column("nodes", t, "name"))
    return NameGuard(d.get("name") for _, d in g.nodes(data=True) if d.get("type") in PEOPLE)


def _label(g: nx.MultiDiGraph, n: str, lang: str) -> str:
    return _type_label(g.nodes[n].get("type"), lang)


def find(g: nx.MultiDiGraph | Tables, text: str, *, limit: int = 20, lang: str | None = None) -> list[dict[str, Any]]:
    """Entities whose id or name contains ``text``, or whose name's pinyin or pinyin initials
    start with it (areas, organizations, units, agreements, activities). Exact matches first.
    Traditional and simplified characters match each other (祥雲社區 finds 祥云社区). ``g``: a graph
    or a workspace's columns."""
    lang = choose(lang)
    q = simplified(text.strip().lower())
    if not q:
        return []
    ascii_q = q.isascii() and q.replace(" ", "").isalpha()
    q2 = q.replace(" ", "")
    scored = []
    person = model().is_person
    for t, rows in _rows_by_type(g):
        if person(t):  # people are found by their id only
            scored.extend((score, len(name), n, t, name) for score, n, name in _id_hits(g, t, rows, q))
            continue
        pinyin = ascii_q and t in PINYIN_TYPES
        for n, raw, keys in rows:
            name = "" if raw is None else str(raw)
            lowered = n.lower()
            key = lowered if lowered.isascii() else simplified(lowered)  # ids are mostly codes and digits
            score = None
            if q == key:
                score = 0
            elif q in key:
                score = 1
            if score != 0:
                plain = simplified(name).lower()
                if q == plain:
                    score = 0
                elif score is None and q in plain:
                    score = 1
            if score is None and pinyin and name:
                if keys is None:
                    keys = search_keys(name)
                if any(initials.startswith(q2) or full.startswith(q2) for full, initials in keys):
                    score = 2
                elif any(q2 in full for full, _ in keys):
                    score = 3
            if score is not None:
                scored.append((score, len(name), n, t, name))
    scored.sort(key=lambda s: s[:3])
    scored = _ties_by_relations(g, scored, limit)
    shown = [(n, t, name or n) for _, _, n, t, name in scored[:limit]]
    guard = LazyGuard(lambda: name_guard(g))
    return [{"id": n, "type": t, "type_label": _type_label(t, lang), "name": _shown(name, person(t), guard)}
            for n, t, name in shown]  # fmt: skip


def _id_hits(g: nx.MultiDiGraph | Tables, t: str, rows, q: str) -> list[tuple[int, str, str]]:
    """(score, id, name) of the rows of type ``t`` whose id contains ``q`` (0: is it). In a
    workspace's columns the ids are searched as one text, in C, and only the hits' names read."""
    if isinstance(g, Tables):
        ids = g.column("nodes", t, "id")
        found = containing(ids, q, lower=True)
        if found is not None:
            names = (g.cell("nodes", t, "name", p) for p in found)
            return [(0 if len(q) == len(ids[p]) else 1, ids[p], "" if raw is None else str(raw))
                    for p, raw in zip(found, names, strict=True)]  # fmt: skip
        rows = zip(ids, g.column("nodes", t, "name"), strict=True)  # ids beyond ASCII: one by one
    out = []
    for n, raw, *_ in rows:
        lowered = n.lower()
        key = lowered if lowered.isascii() else simplified(lowered)
        if q in key:
            out.append((0 if q == key else 1, n, "" if raw is None else str(raw)))
    return out


def _rows_by_type(g: nx.MultiDiGraph | Tables):
    """(type, [(id, name, pinyin keys or None), ...]) for each node type: a workspace's keys are
    kept with its names (none for people's), a graph's are made when asked."""
    if isinstance(g, Tables):
        for t in g.types("nodes"):
            if model().is_person(t):
                yield t, ()  # found by id only (see _id_hits): the names are not read
                continue
            ids, names = g.column("nodes", t, "id"), g.column("nodes", t, "name")
            keys = g.search(t) if t in PINYIN_TYPES else [None] * len(ids)
            yield t, zip(ids, names, keys, strict=True)
        return
    by_type: dict[Any, list] = {}
    for n, d in g.nodes(data=True):
        by_type.setdefault(d.get("type"), []).append((n, d.get("name"), None))
    yield from by_type.items()


def _type_label(t: str | None, lang: str) -> str:
    return model().record(t).label(lang) if t in model().nodes else str(t)


def _chain(ix: GraphIndex, org: str) -> list[str]:
    """An organization and its superiors, up to the top (cycles cut)."""
    out, seen, x = [], set(), org
    while x is not None and x not in seen:
        seen.add(x)
        out.append(x)
        x = next(iter(ix.inn[LEADS].get(x, ())), None)
    return out


def describe(g: nx.MultiDiGraph, text: str, *, as_of=None, lang: str | None = None,
             with_findings: bool = True, guard: Callable[[str], str] | None = None) -> dict[str, Any]:  # fmt: skip
    """What ``text`` (an id or a unique name) is, where it sits, its organization chain, its
    neighbours by relation, and the gap findings about it. ``guard`` masks the names of people in
    its free text (default: :func:`name_guard` of ``g``; give the whole workspace's when ``g`` is a
    part of it)."""
    lang = choose(lang)
    n = resolve(g, text)
    ix = GraphIndex(g, as_of)
    if guard is None:  # free text and names may name people: masked like their names
        guard = LazyGuard(lambda: name_guard(g))
    ix.use_guard(guard)  # the findings' names too
    d = g.nodes[n]
    t = d.get("type")
    m = model()
    hidden = m.sensitive(t) if t in m.nodes else {}
    props = {}
    schema_props = m.record(t).properties if t in m.nodes else {}
    keys = [k for k in schema_props if k in d] + [k for k in d if k not in schema_props]  # the schema's order
    for key in keys:
        value = d[key]
        if key in ("type", "name", "source") or hidden.get(key) == "hide":
            continue
        prop = schema_props.get(key)
        if prop is not None and prop.is_ref:  # a reference: listed with the neighbours
            continue
        if prop is not None and prop.enum is not None and value in prop.enum.values:
            value = prop.enum.label(value, lang)
        elif hidden.get(key) == "mask":
            value = mask_name(value)
        elif isinstance(value, str):
            value = guard(value)
        props[(prop.label(lang) if prop else key)] = value
    if t == ORG:
        chain = _chain(ix, n)
    elif t == MEMBER:
        chain = [x for o in ix.out[MEMBER_OF].get(n, ())[:1] for x in _chain(ix, o)]
    else:
        anchored = ix.orgs_anchored(n) or [o for a in ([ix.community_of(n)] if ix.community_of(n) else [])
                                           for o in ix.orgs_anchored(a)]  # fmt: skip
        chain = [x for o in anchored[:1] for x in _chain(ix, o)]
    neighbours: dict[str, list[dict[str, str]]] = {}
    for direction, edges in (("out", g.out_edges(n, data=True)), ("in", g.in_edges(n, data=True))):
        for u, v, e in edges:
            other = v if direction == "out" else u
            label = m.edge(e["type"]).label(lang) if e["type"] in m.edges else e["type"]
            key = label if direction == "out" else text_of("cli.show.from", lang, relation=label)
            neighbours.setdefault(key, []).append({"id": other, "name": shown_name(g, other, guard),
                                                   "type": _label(g, other, lang)})  # fmt: skip
    findings = []
    if with_findings:
        from dangjian.queries.run import run_rules

        findings = [f for f in run_rules(g, as_of=ix.as_of, lang=lang, index=ix) if f.entity == n]
    return {
        "id": n,
        "type": t,
        "type_label": _label(g, n, lang),
        "name": shown_name(g, n, guard),
        "area_path": ix.area_path(n),
        "properties": props,
        "org_chain": [{"id": o, "name": shown_name(g, o, guard)} for o in chain],
        "neighbours": neighbours,
        "findings": findings,
        "source": list(d.get("source") or []),
    }


def path(g: nx.MultiDiGraph | Tables, a: str, b: str, *, lang: str | None = None) -> list[dict[str, Any]]:
    """The shortest chain of relations joining two entities (either direction), each step naming
    its relation (``g``: a graph or a workspace's columns). Raises
    :class:`~dangjian.queries.lookup.NotFound` when they are not connected."""
    lang = choose(lang)
    src, dst = resolve(g, a), resolve(g, b)
    links = _links(g)
    nodes = _shortest(links, src, dst)
    if nodes is None:
        raise NotFound("lookup.not_connected", a=a, b=b)
    m = model()
    rows = node_attrs(g)
    guard = LazyGuard(lambda: name_guard(g))
    steps = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        between = [(eid, rel, x, y) for eid, rel, x, y in links(u) if {x, y} == {u, v}]
        forward = any(x == u and y == v for _, _, x, y in between)
        rel = min((eid, r) for eid, r, x, y in between if (x == u) == forward)[1]  # the first edge that way
        label = m.edge(rel).label(lang) if rel in m.edges else rel
        steps.append({"from": u, "from_name": _shown_row(rows, u, guard), "relation": rel, "relation_label": label,
                      "forward": forward, "to": v, "to_name": _shown_row(rows, v, guard)})  # fmt: skip
    return steps


def _shown_row(rows: Any, n: str, guard: Callable[[str], str]) -> str:
    d = rows[n] if n in rows else {}
    return _shown(str(d.get("name", n)), model().is_person(d.get("type")), guard)


def _ties_by_relations(g: nx.MultiDiGraph | Tables, scored: list[tuple], limit: int) -> list[tuple]:
    """Equally good matches (same kind of match, names as long) that reach the first ``limit``: the
    one with more relations first (祥云社区, with its organizations and grids, before 新义社区, an
    official area nothing else names: both xysq), then by id. Relations are counted for those only."""
    tied: dict[tuple, int] = {}
    for i, s in enumerate(scored[:limit]):
        if (i and scored[i - 1][:2] == s[:2]) or (i + 1 < len(scored) and scored[i + 1][:2] == s[:2]):
            tied[s[:2]] = tied.get(s[:2], 0) + 1
    if not tied:
        return scored
    ids = [s[2] for s in scored if s[:2] in tied]
    if isinstance(g, Tables):  # counted in C over the edge columns: a handful of ids, no index of every end
        wanted, degree = set(ids).__contains__, Counter()
        for rel in g.types("edges"):
            for end in ("src", "dst"):
                degree.update(filter(wanted, g.column("edges", rel, end)))
    else:
        degree = {n: g.degree(n) for n in ids}
    return sorted(scored, key=lambda s: (s[0], s[1], -degree.get(s[2], 0), s[2]))


def _links(g: nx.MultiDiGraph | Tables):
    """A function: node -> (edge id, type, source, target) of its edges, either way."""
    if isinstance(g, Tables):
        from dangjian.graph.shards import TablesSource

        return TablesSource(g).links

    def links(n: str) -> list[tuple[Any, str, str, str]]:
        out = [(k, d.get("type"), n, v) for _, v, k, d in g.out_edges(n, keys=True, data=True)]
        return out + [(k, d.get("type"), u, n) for u, _, k, d in g.in_edges(n, keys=True, data=True)]

    return links


def _shortest(links, a: str, b: str) -> list[str] | None:
    """A shortest chain of nodes from ``a`` to ``b`` over edges either way (searching from both
    ends, the smaller side first; neighbours in id order, so the same chain every time), or None."""
    if a == b:
        return [a]
    back: dict[str, str | None] = {a: None}
    ahead: dict[str, str | None] = {b: None}
    here, there = [a], [b]
    while here and there:
        forward = len(here) <= len(there)
        frontier, seen, other = (here, back, ahead) if forward else (there, ahead, back)
        nxt = []
        for u in frontier:
            for v in sorted({y if x == u else x for _, _, x, y in links(u)}):
                if v in seen:
                    continue
                seen[v] = u
                if v in other:
                    return _joined(v, back, ahead)
                nxt.append(v)
        if forward:
            here = nxt
        else:
            there = nxt
    return None


def _joined(meet: str, back: dict[str, str | None], ahead: dict[str, str | None]) -> list[str]:
    left, x = [], meet
    while x is not None:
        left.append(x)
        x = back[x]
    right, x = [], ahead[meet]
    while x is not None:
        right.append(x)
        x = ahead[x]
    return left[::-1] + right
