"""What a view is, as plain data: nodes and edges to draw (with positions, tooltips and the facts
and findings shown in the details panel), the legend, and the counts the page reports. Views are
built by :mod:`dangjian.viz.views` and written by :mod:`dangjian.viz.page`; the graph is only read.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("m1", type="Member", name="张小华", situation="retired", id_number="530102199001011234")
>>> c = Canvas(g, lang="zh")
>>> c.node("m1")["label"]
'张*华'
>>> "530102199001011234" in str(c.nodes)
False
>>> g.add_node("u", type="Unit", name="祥云医院", note="联系人张小华")
>>> c.facts("u")
[['备注', '联系人张*华']]
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from dangjian.graph.build import node_attrs
from dangjian.graph.privacy import mask_name, mask_numbers
from dangjian.graph.schema import model
from dangjian.queries.explore import PEOPLE, name_guard, pinyin_keys
from dangjian.queries.findings import Finding
from dangjian.queries.registry import SEVERITIES
from dangjian.wording import choose, t

__all__ = ["View", "Canvas", "SEVERITY_COLOURS", "PEOPLE", "redact"]

SEVERITY_COLOURS = {"high": "#d62728", "medium": "#ff7f0e", "low": "#d8b400"}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_severity = operator.attrgetter("severity")
_NONE: list[Finding] = []  # no findings (shared, never changed)
@dataclass
class View:
    """One view, ready to be written as a page (see :func:`dangjian.viz.page.write_view`)."""

    kind: str
    title: str
    lang: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, str]]
    stats: dict[str, Any] = field(default_factory=dict)
    parents: dict[Any, Any] = field(default_factory=dict)  # node id -> the node it is drawn under
    fold_depth: int | None = None  # a big view opens with the nodes deeper than this folded away
    opening: dict[Any, tuple[int, int]] = field(default_factory=dict)  # their positions then

    def summary(self) -> dict[str, Any]:
        return {"view": self.kind, "title": self.title, "nodes": len(self.nodes), "edges": len(self.edges),
                **self.stats}  # fmt: skip


class Canvas:
    """Collects the nodes and edges of a view: each graph node at most once, labelled and described
    from the schema, people masked unless ``show_names``; ID and phone numbers never copied."""

    def __init__(self, g: nx.MultiDiGraph, *, lang: str | None = None, findings: list[Finding] | None = None,
                 show_names: bool = False, paths: Any = None, guard: Callable[[str], str] | None = None):  # fmt: skip
        self.g, self.lang, self.show_names = g, choose(lang), show_names
        # the node attribute dicts (networkx's own, read only): no view object per lookup
        self._nd: dict[Any, dict[str, Any]] = node_attrs(g)
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.parent: dict[str, str] = {}
        self._ids: dict[str, dict[str, Any]] = {}
        self._vid: dict[str, str] = {}  # graph id -> id in the view (people get page-local ones)
        self._edge_keys: set[tuple[str, str, str]] = set()
        self._paths = paths
        by_entity: dict[str, list[Finding]] = {}
        by_community: dict[str, list[Finding]] = {}  # findings about anything in a community
        for f in findings or ():
            e, com = f.entity, f.community
            if e in by_entity:
                by_entity[e].append(f)
            else:
                by_entity[e] = [f]
            if com is None:
                continue
            if com in by_community:
                by_community[com].append(f)
            else:
                by_community[com] = [f]
        # each entity's findings as run_rules orders them (by severity, then rule), whatever
        # order they came in: the worst one first
        for own in by_entity.values():
            if len(own) > 1:
                own.sort(key=_finding_order)
        self.by_entity, self.by_community = by_entity, by_community
        self._m = model()
        self._shown_cache: dict[str | None, dict[str, tuple[str, Any, bool]]] = {}
        self._type_labels: dict[str | None, str] = {}
        self._edge_labels: dict[str, str] = {}
        self._guard: Callable[[str], str] | None = guard

    # -- names and facts ------------------------------------------------------------------------
    def name(self, n: str) -> str:
        d = self._nd[n]
        raw = d.get("name")
        name = str(n) if raw is None or raw != raw or raw == "" else str(raw)  # raw != raw: NaN
        if self.show_names:
            return redact(name)
        if d.get("type") in PEOPLE:
            return mask_name(name)
        return self.guard(name)  # a member's name inside a unit's (张小华便利店), a number

    def type_label(self, t: str | None) -> str:
        found = self._type_labels.get(t)
        if found is None:
            found = self._type_labels[t] = self._m.record(t).label(self.lang) if t in self._m.nodes else str(t or "")
        return found

    def facts(self, n: str) -> list[list[str]]:
        """[label, value] pairs from the schema's properties, in the schema's order: enum values as
        labels, sensitive ones left out (for people, only enum-valued properties such as situation
        and sex)."""
        d = self._nd[n]
        shown = self._shown(d.get("type"))
        out = []
        for key, spec in shown.items():
            value = d.get(key)
            if value is None or value == "":
                continue
            label, enum, free = spec
            if enum is not None and value in enum.values:  # the schema's own label: nothing to redact
                out.append([label, enum.label(value, self.lang)])
                continue
            if isinstance(value, bool) and enum is None:
                out.append([label, t("yes" if value else "no", self.lang)])
                continue
            if free and enum is None and isinstance(value, str) and not self.show_names:
                value = self.guard(value)
            out.append([label, redact(str(value))])
        return out

    def guard(self, text: str) -> str:
        """``text`` with the name of every person in the graph masked (free text: notes,
        addresses, pledges). Built on first use: one pass over the nodes."""
        if self._guard is None:
            self._guard = name_guard(self.g)
        return self._guard(text)

    def _shown(self, t: str | None) -> dict[str, tuple[str, Any, bool]]:
        """Property -> (label, enum or None, free text?) for the properties of a type a view may
        show."""
        found = self._shown_cache.get(t)
        if found is None:
            found = {}
            if t in self._m.nodes:
                for key, prop in self._m.record(t).properties.items():
                    if key in ("id", "name") or prop.sensitive or (t in PEOPLE and prop.enum is None):
                        continue
                    if prop.type == "ref":  # drawn as an edge where it matters; an id says little
                        continue
                    found[key] = (prop.label(self.lang), prop.enum, prop.type == "text")
            self._shown_cache[t] = found
        return found

    def worst(self, findings: list[Finding]) -> str | None:
        """The highest severity among ``findings`` (None for none)."""
        if not findings:
            return None
        return SEVERITIES[min(map(_SEVERITY_RANK.__getitem__, map(_severity, findings)))]

    # -- building -------------------------------------------------------------------------------
    def group_of(self, n: str) -> str:
        d = self._nd[n]
        return model().style(d.get("type"), d.get("level")).group

    def node(self, n: str, *, parent: str | None = None, group: str | None = None, label: str | None = None,
             size: float | None = None, findings: list[Finding] | None = None,
             extra: list[list[str]] | None = None,
             colour_by: list[Finding] | None = None) -> dict[str, Any]:  # fmt: skip
        """Add graph node ``n`` (once; a second call returns the first). ``findings`` default to
        the findings about ``n``; ``colour_by`` (default: those) sets the colour by severity."""
        if n in self._ids:
            return self._ids[n]
        d = self._nd[n]
        t = d.get("type")
        person = t in PEOPLE
        # a person's id may be a roster number, or worse: the page gets a number of its own
        vid = f"person-{len(self._vid)}" if person else n
        self._vid[n] = vid
        if group is None:
            group = self.group_of(n)
        style = model().styles.get(group) or model().style(None)
        shape, colour, default_size = style.shape, style.colour, style.size
        if colour_by is not None:
            own = self.by_entity.get(n, _NONE) if findings is None else findings
            worst = self.worst(colour_by)
        elif findings is None:
            own = self.by_entity.get(n, _NONE)
            worst = own[0].severity if own else None  # the canvas keeps each entity's worst first
        else:
            own = findings
            worst = self.worst(own)
        name = self.name(n)
        item = {
            "id": vid,
            "label": label if label is not None else name,
            "name": name,
            "group": group,
            "type": self.type_label(t),
            "shape": shape,
            "size": size if size is not None else default_size,
            "color": SEVERITY_COLOURS[worst] if worst else colour,
            "severity": worst,
            "path": list(self._paths(n)) if self._paths is not None and not person else [],
            "facts": (extra or []) + self.facts(n),
            "findings": list(map(self.finding_row, own)),
            "pinyin": self.pinyin(n, name),
        }
        self._ids[n] = item
        self.nodes.append(item)
        if parent is not None:
            self.parent[vid] = self._vid.get(parent, parent)
        return item

    def canonical(self) -> None:
        """Put the nodes in the order of their graph ids and the edges in the order of their ends, and
        number the people's page ids in that order: a view is then the same whatever order its graph
        lists nodes in (a workspace's graph in the order loaded, a shard pulled from Neo4j in id order)."""
        real = {vid: n for n, vid in self._vid.items()}
        self.nodes.sort(key=lambda item: str(real.get(item["id"], item["id"])))
        renames: dict[str, str] = {}
        for item in self.nodes:
            vid = item["id"]
            if real.get(vid, vid) != vid:  # a person's page-local id
                renames[vid] = item["id"] = f"person-{len(renames)}"
        if renames:
            for e in self.edges:
                e["from"], e["to"] = renames.get(e["from"], e["from"]), renames.get(e["to"], e["to"])
            self.parent = {renames.get(k, k): renames.get(v, v) for k, v in self.parent.items()}
            self._vid = {n: renames.get(v, v) for n, v in self._vid.items()}
        self.edges.sort(key=lambda e: (e["from"], e["to"], e["title"], e["dashes"]))

    def aggregate(self, key: str, label: str, *, parent: str, group: str = "members", size: float | None = None,
                  facts: list[list[str]] | None = None) -> dict[str, Any]:  # fmt: skip
        """A node that stands for many (members of an organization in one situation)."""
        style = model().styles[group]
        item = {"id": key, "label": label, "name": label, "group": group, "type": style.label(self.lang),
                "shape": style.shape, "size": size or style.size, "color": style.colour,
                "severity": None, "path": [], "facts": facts or [], "findings": [], "pinyin": ""}  # fmt: skip
        self._ids[key] = item
        self._vid[key] = key
        self.nodes.append(item)
        self.parent[key] = self._vid.get(parent, parent)
        return item

    def has(self, n: str) -> bool:
        return n in self._ids

    def edge(self, u: str, v: str, edge_type: str, *, label: str | None = None, dashes: bool = False) -> None:
        """Add an edge between two nodes already added (once per pair and type)."""
        key = (u, v, edge_type)
        if key in self._edge_keys or u not in self._ids or v not in self._ids:
            return
        self._edge_keys.add(key)
        if not label:
            label = self._edge_labels.get(edge_type)
            if label is None:
                m = self._m
                label = self._edge_labels[edge_type] = m.edge(edge_type).label(self.lang) if edge_type in m.edges else edge_type
        self.edges.append({"from": self._vid[u], "to": self._vid[v], "title": label, "dashes": dashes})

    def pinyin(self, n: str, name: str) -> str:
        """The pinyin and pinyin initials the search box also matches (``xiangyunshequ xysq``);
        none for people's names."""
        if self._nd[n].get("type") in PEOPLE or not name:
            return ""
        return " ".join(pinyin_keys(name)).strip()

    def finding_row(self, f: Finding) -> list[str]:
        """[severity, its label, title, citation, action, rule] of a finding, as the page shows it
        (the rule: what the page's findings panel filters by)."""
        sev = t(f"severity.{f.severity}", self.lang)
        return [f.severity, sev, f.title, f.cite, f.action, f.rule]

    def inside_row(self, f: Finding) -> list[str]:
        """[severity, rule, title, the entity's name] of a finding inside a community, as its details
        list them."""
        return [f.severity, f.rule, f.title, str(f.name)]

    def legend(self) -> list[dict[str, str]]:
        used = dict.fromkeys(item["group"] for item in self.nodes)
        styles = model().styles
        return [{"group": g, "label": styles[g].label(self.lang), "shape": styles[g].shape, "color": styles[g].colour}
                for g in used if g in styles]  # fmt: skip


redact = mask_numbers  # ID and phone numbers, also written with separators, wherever free text carries them


def _finding_order(f: Finding) -> tuple[int, str]:
    """A finding's place among the findings of its entity: by severity, then rule."""
    return _SEVERITY_RANK[f.severity], f.rule
