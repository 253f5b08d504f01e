"""Findings: what a gap rule reports about one entity (:class:`Finding`), and :func:`make_findings`,
which turns a rule's hits ``(entity, facts)`` into findings: the entity's type, its name (masked
for the schema's person types), its community and area path, and the rule's action in plain words.

>>> import networkx as nx
>>> from dangjian.queries import GraphIndex, rules_registry
>>> g = nx.MultiDiGraph()
>>> g.add_node("m", type="Member", name="张小华")
>>> (f,) = make_findings(GraphIndex(g, "2026-11-22"), rules_registry()["member-without-org"],
...                      [("m", {})], "zh", "medium")
>>> f.entity, f.name, f.severity
('m', '张*华', 'medium')
>>> list(f.to_dict())[:4]
['rule', 'severity', 'title', 'entity']
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dangjian.graph.privacy import mask_name
from dangjian.graph.schema import model
from dangjian.queries.index import GraphIndex

if TYPE_CHECKING:
    from dangjian.queries.registry import Rule

__all__ = ["Finding", "make_findings"]


@dataclass(slots=True)
class Finding:
    """One finding of a rule about one entity. ``area_path`` is shared by the findings of an area
    (read it, do not change it); :func:`~dangjian.queries.ranking.rank_findings` replaces ``facts``
    with a copy holding the rank."""

    rule: str
    severity: str
    title: str
    entity: str
    entity_type: str | None
    name: Any  # the node's name (masked for people), or its id when it has none
    community: str | None
    area_path: list[str]
    facts: dict[str, Any]
    action: str
    cite: str

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON output shows it: every field, in this order (``facts`` and
        ``area_path`` are the finding's own, not copies)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "entity": self.entity,
            "entity_type": self.entity_type,
            "name": self.name,
            "community": self.community,
            "area_path": self.area_path,
            "facts": self.facts,
            "action": self.action,
            "cite": self.cite,
        }


@functools.lru_cache(maxsize=64)
def _name_masked(type_name: str | None) -> bool:
    return model().is_person(type_name)


def make_findings(ix: GraphIndex, r: Rule, hits: Iterable[tuple[str, dict[str, Any]]], lang: str,
                  severity: str) -> list[Finding]:  # fmt: skip
    """The findings of rule ``r`` for its hits ``(entity, facts)``: names masked where the schema
    says so, the area path, the action in plain words."""
    nodes = ix.nodes
    title, cite, action = r.title[lang], r.cite[lang], r.action[lang]
    # per entity, once for all the rules of this index: (type, shown name, community, area path)
    places: dict[str, tuple[Any, Any, str | None, list[str]]] = ix.cached("finding places", dict)
    rid, out = r.id, []
    name_only = _name_only(action)  # the action's text around {name}, if that is its only field
    for entity, facts in hits:
        try:
            t, name, community, path = places[entity]
        except KeyError:
            t, name, community, path = places[entity] = _place(ix, entity)
        if name_only is not None:
            text = str(name).join(name_only)
        else:
            fill = _Blank(facts)
            fill["name"] = name
            if "community" in facts and facts["community"] in nodes:
                fill["community"] = nodes[facts["community"]].get("name")
            text = action.format_map(fill)
        # positional: a province has hundreds of thousands of findings (keywords cost more)
        out.append(Finding(rid, severity, title, entity, t, name, community, path, facts, text, cite))
    return out


@functools.lru_cache(maxsize=256)
def _name_only(template: str) -> tuple[str, ...] | None:
    """The literal pieces of ``template`` around its fields, if every field is a bare ``{name}``
    (``"为{name}配备书记"`` -> ``("为", "配备书记")``): ``name.join(pieces)`` is then
    ``template.format(name=name)``. None for any other template.

    >>> _name_only("为{name}配备书记"), _name_only("{name}{{x}}"), _name_only("{name} 有 {units} 个")
    (('为', '配备书记'), ('', '{x}'), None)
    """
    pieces, current = [], ""
    try:
        for literal, field, spec, conversion in string.Formatter().parse(template):
            current += literal  # an escaped brace splits the literal text: join it back
            if field is None:
                continue
            if field != "name" or spec or conversion:
                return None
            pieces.append(current)
            current = ""
    except ValueError:  # a stray brace: leave it to format_map (and its error)
        return None
    return (*pieces, current)


def _place(ix: GraphIndex, entity: str) -> tuple[Any, Any, str | None, list[str]]:
    """(type, name as findings show it (masked where the schema says so), community, area path)."""
    node = ix.nodes[entity]
    t = node.get("type")
    name = node.get("name", entity)
    if _name_masked(t):
        name = mask_name(name)
    elif isinstance(name, str):  # a member's name inside a unit's (张小华便利店), a number
        name = ix.name_guard()(name)
    return (t, name, *ix.place(entity))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"
