"""The rule registry: rule metadata from ``rules.yaml`` (titles, citations, severities, thresholds,
actions), thresholds overridden by a config file, and :func:`run_rules` to run them all.

Each rule is a plain function that takes the graph first and returns findings as dicts:

>>> from dangjian.queries import rules_registry
>>> sorted(rules_registry())[:2]
['agreement-expired', 'branch-too-large']
"""

from __future__ import annotations

import functools
import importlib
import os
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from dangjian.graph.errors import DangjianError
from dangjian.graph.perf import paused_gc
from dangjian.graph.privacy import mask_name
from dangjian.graph.schema import model
from dangjian.queries.index import GraphIndex, as_of_date
from dangjian.queries.lookup import resolve

__all__ = ["Rule", "rule", "rules_registry", "load_config", "run_rules", "rank_findings", "sort_findings",
           "summarize", "SEVERITIES", "ConfigError"]  # fmt: skip

RULES_PATH = Path(__file__).with_name("rules.yaml")
MODULES = ("coverage", "organization", "members", "coconstruction", "resources")
Core = Callable[[GraphIndex, dict[str, Any]], Iterable[tuple[str, dict[str, Any]]]]


class ConfigError(DangjianError):
    """A rules config file that cannot be used."""


@functools.lru_cache(maxsize=1)
def _meta() -> dict[str, Any]:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


SEVERITIES: tuple[str, ...] = tuple(_meta()["severities"])


@dataclass(frozen=True)
class Rule:
    id: str
    module: str
    severity: str
    title: dict[str, str]
    cite: dict[str, str]
    action: dict[str, str]
    params: dict[str, Any]
    func: Callable[..., list[dict[str, Any]]]


_REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Core], Callable[..., list[dict[str, Any]]]]:
    """Register ``core(index, params) -> [(entity, facts)]`` as the public rule function
    ``f(G, *, as_of=None, lang="zh", index=None, **params) -> [finding]``."""
    meta = _meta()["rules"][rule_id]

    def wrap(core: Core) -> Callable[..., list[dict[str, Any]]]:
        @functools.wraps(core)
        def run(g: nx.MultiDiGraph, *, as_of=None, lang: str = "zh", index: GraphIndex | None = None,
                severity: str | None = None, **params: Any) -> list[dict[str, Any]]:
            ix = index if index is not None else GraphIndex(g, as_of)
            p = {**meta.get("params", {}), **params}
            r = _REGISTRY[rule_id]
            return _findings(ix, r, core(ix, p), lang, severity or r.severity)

        run.__doc__ = (core.__doc__ or "") + f"\n\nRule ``{rule_id}``: {meta['title']['en']}."
        _REGISTRY[rule_id] = Rule(rule_id, meta["module"], meta["severity"], meta["title"], meta["cite"],
                                  meta["action"], dict(meta.get("params", {})), run)  # fmt: skip
        return run

    return wrap


def rules_registry() -> dict[str, Rule]:
    """Every rule, by id (importing the rule modules once)."""
    for name in MODULES:
        importlib.import_module(f"dangjian.queries.{name}")
    missing = set(_meta()["rules"]) - set(_REGISTRY)
    if missing:
        raise RuntimeError(f"rules.yaml lists rules with no code: {sorted(missing)}")
    return dict(sorted(_REGISTRY.items()))


@functools.lru_cache(maxsize=64)
def _name_masked(type_name: str | None) -> bool:
    return type_name in model().nodes and model().sensitive(type_name).get("name") == "mask"


def _findings(ix: GraphIndex, r: Rule, hits: Iterable[tuple[str, dict[str, Any]]], lang: str,
              severity: str) -> list[dict[str, Any]]:  # fmt: skip
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
        out.append({
            "rule": rid,
            "severity": severity,
            "title": title,
            "entity": entity,
            "entity_type": t,
            "name": name,
            "community": community,
            "area_path": path,
            "facts": facts,
            "action": text,
            "cite": cite,
        })
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
    return (t, name, *ix.place(entity))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def load_config(path: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    """Per-rule overrides from a YAML file (``rules: {rule-id: {param: value, enabled: false}}``)."""
    if path is None:
        return {}
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"cannot read rules config {path}: {first}") from None
    rules = raw.get("rules", {}) if isinstance(raw, dict) else None
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: expected a 'rules:' mapping of rule ids to settings")
    known = rules_registry()
    for rid, settings in rules.items():
        if rid not in known:
            raise ConfigError(f"{path}: no rule {rid!r} (see: dangjian rules)")
        if not isinstance(settings, dict):
            raise ConfigError(f"{path}: settings of {rid} must be a mapping")
        allowed = set(known[rid].params) | {"enabled", "severity"}
        unknown = set(settings) - allowed
        if unknown:
            raise ConfigError(f"{path}: rule {rid} has no setting {sorted(unknown)[0]!r} "
                              f"(it has: {', '.join(sorted(allowed))})")  # fmt: skip
        if "severity" in settings and settings["severity"] not in SEVERITIES:
            raise ConfigError(f"{path}: severity of {rid} must be one of {', '.join(SEVERITIES)}")
    return rules


def run_rules(g: nx.MultiDiGraph, *, as_of=None, config: dict[str, dict[str, Any]] | None = None,
              rules: Iterable[str] | None = None, area: str | None = None, min_severity: str | None = None,
              lang: str = "zh", index: GraphIndex | None = None, ordered: bool = True) -> list[dict[str, Any]]:  # fmt: skip
    """Run the rules (all, or those named) on ``g`` as of a date; findings sorted by severity,
    area and rule. ``area`` (an id or name) keeps the findings inside that area; ``min_severity``
    keeps that severity and the ones above it. ``index``: a :class:`GraphIndex` of ``g`` already
    built (its date is the date of the run), so that a caller that needs one builds it once.
    ``ordered=False``: the findings in the order the rules ran (rule by rule, ids sorted), not
    sorted and without ``facts.rank``, for a caller that regroups them anyway (the views)."""
    if index is not None and (index.g is not g or (as_of is not None and as_of_date(as_of) != index.as_of)):
        raise ValueError("index was built for another graph or date")
    with paused_gc():  # tens of thousands of findings, no cycles: see dangjian.graph.perf
        return _run(g, as_of, config or {}, rules, area, min_severity, lang, index, ordered)


def _run(g, as_of, config, rules, area, min_severity, lang, index=None, ordered=True) -> list[dict[str, Any]]:
    registry = rules_registry()
    chosen = list(rules) if rules is not None else list(registry)
    for rid in chosen:
        if rid not in registry:
            raise ConfigError(f"no rule {rid!r} (see: dangjian rules)")
    ix = index if index is not None else GraphIndex(g, as_of)
    inside = None
    if area is not None:
        inside = set(ix.area_subtree(resolve(g, area, types=["Area"])))
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ConfigError(f"severity must be one of {', '.join(SEVERITIES)}")
    findings: list[dict[str, Any]] = []
    for rid in chosen:
        settings = dict(config.get(rid, {}))
        if settings.pop("enabled", True) is False:
            continue
        findings.extend(registry[rid].func(g, index=ix, lang=lang, **settings))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    if inside is not None:
        findings = [f for f in findings if ix.area_of(f["entity"]) in inside]
    if min_severity is not None:
        findings = [f for f in findings if order[f["severity"]] <= order[min_severity]]
    return sort_findings(rank_findings(findings)) if ordered else findings


def rank_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number the findings of each ranking rule (``rank_by`` in rules.yaml) 1, 2, ... by that fact,
    largest first, ties by entity: the ranks count among the findings reported (in place)."""
    meta = _meta()["rules"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        if meta.get(f["rule"], {}).get("rank_by"):
            groups.setdefault(f["rule"], []).append(f)
    for rid, group in groups.items():
        by = meta[rid]["rank_by"]
        group.sort(key=lambda f: (-f["facts"].get(by, 0), str(f["entity"])))
        for i, f in enumerate(group, start=1):
            f["facts"] = {**f["facts"], "rank": i}
    return findings


def sort_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings in the order they are reported: by severity, area path, rule and entity (in place)."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    # area paths are lists shared per area: compare each distinct one once, not per comparison
    paths = {id(f["area_path"]): tuple(f["area_path"]) for f in findings}
    place = {p: i for i, p in enumerate(sorted(set(paths.values())))}
    rank = {k: place[p] for k, p in paths.items()}
    findings.sort(key=lambda f: (order[f["severity"]], rank[id(f["area_path"])], f["rule"], f["entity"]))
    return findings


def summarize(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by severity, by rule and by community (its area path)."""
    return {
        "total": len(findings),
        "by_severity": {s: n for s in SEVERITIES if (n := sum(f["severity"] == s for f in findings))},
        "by_rule": dict(Counter(f["rule"] for f in findings).most_common()),
        "by_area": dict(Counter(">".join(f["area_path"]) or "-" for f in findings).most_common()),
    }
