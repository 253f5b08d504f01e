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
        if core.__module__ != f"dangjian.queries.{meta['module']}":  # rules.yaml's module: says where it lives
            raise RuntimeError(f"rules.yaml puts {rule_id} in {meta['module']}, its code is in {core.__module__}")

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
    return model().is_person(type_name)


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
    """Per-rule overrides from a YAML file (``rules: {rule-id: {param: value, enabled: false}}``).

    Every value is checked against the rule's default: a count must be a whole number, not negative
    (months and years within a century), an amount a number, a list a list of texts; ``enabled`` is
    true or false. A :class:`ConfigError` names the file and the key (Chinese and English texts
    attached for the CLI)."""
    if path is None:
        return {}
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _config_error(f"cannot read rules config {path}: no such file",
                            f"找不到规则配置文件 {path}", f"no rules config file {path}") from None
    except IsADirectoryError:
        raise _config_error(f"cannot read rules config {path}: it is a folder",
                            f"规则配置 {path} 是文件夹，不是 YAML 文件", f"rules config {path} is a folder, not a YAML file") from None
    except UnicodeDecodeError:
        raise _config_error(f"cannot read rules config {path}: not UTF-8 text",
                            f"规则配置文件 {path} 不是 UTF-8 文本（请另存为 UTF-8）",
                            f"rules config {path} is not UTF-8 text") from None
    except OSError as exc:
        raise _config_error(f"cannot read rules config {path}: {exc.strerror or exc}",
                            f"无法读取规则配置文件 {path}：{exc.strerror or exc}",
                            f"cannot read rules config {path}: {exc.strerror or exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        where_en = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise _config_error(f"cannot read rules config {path}: {problem}{where_en}",
                            f"规则配置文件 {path} 不是有效的 YAML：{where}{problem}",
                            f"rules config {path} is not valid YAML{where_en}: {problem}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _config_error(f"{path}: expected a 'rules:' mapping of rule ids to settings",
                            f"{path}：顶层应为“rules:”下按规则编号列出的设置，而不是{_kind_zh(raw)}",
                            f"{path}: expected a 'rules:' mapping of rule ids to settings, not {_kind_en(raw)}")
    extra = sorted(str(k) for k in raw if k != "rules")
    if extra:
        raise _config_error(f"{path}: unknown key {extra[0]!r} (expected: rules)",
                            f"{path}：未知的键“{extra[0]}”（只能有 rules）", f"{path}: unknown key {extra[0]!r} (expected: rules)")
    rules = raw.get("rules", {})
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise _config_error(f"{path}: expected a 'rules:' mapping of rule ids to settings",
                            f"{path}：rules 应为按规则编号列出的设置，而不是{_kind_zh(rules)}",
                            f"{path}: 'rules' must map rule ids to settings, not {_kind_en(rules)}")
    known = rules_registry()
    checked: dict[str, dict[str, Any]] = {}
    for rid, settings in rules.items():
        if rid not in known:
            raise _config_error(f"{path}: no rule {rid!r} (see: dangjian rules)",
                                f"{path}：没有规则“{rid}”（见 dangjian rules）", f"{path}: no rule {rid!r} (see: dangjian rules)")
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            raise _config_error(f"{path}: settings of {rid} must be a mapping",
                                f"{path}：rules.{rid} 应为“设置: 值”的映射，而不是{_kind_zh(settings)}",
                                f"{path}: rules.{rid} must be a mapping of settings, not {_kind_en(settings)}")
        allowed = set(known[rid].params) | {"enabled", "severity"}
        unknown = sorted(str(k) for k in settings if k not in allowed)
        if unknown:
            raise _config_error(f"{path}: rule {rid} has no setting {unknown[0]!r} "
                                f"(it has: {', '.join(sorted(allowed))})",
                                f"{path}：规则 {rid} 没有设置“{unknown[0]}”（可用：{'、'.join(sorted(allowed))}）",
                                f"{path}: rule {rid} has no setting {unknown[0]!r} (it has: {', '.join(sorted(allowed))})")  # fmt: skip
        if "severity" in settings and settings["severity"] not in SEVERITIES:
            raise _config_error(f"{path}: severity of {rid} must be one of {', '.join(SEVERITIES)}",
                                f"{path}：rules.{rid}.severity 应为 {'、'.join(SEVERITIES)} 之一",
                                f"{path}: severity of {rid} must be one of {', '.join(SEVERITIES)}")
        for key, value in settings.items():
            if key == "severity":
                continue
            problem = _check_value(key, value, known[rid].params.get(key))
            if problem is not None:
                zh, en = problem
                raise _config_error(f"{path}: rules.{rid}.{key} {en} (got {value!r})",
                                    f"{path}：rules.{rid}.{key} {zh}（现为 {value!r}）",
                                    f"{path}: rules.{rid}.{key} {en} (got {value!r})")
        checked[rid] = settings
    return checked


# Thresholds that may be fractional (an area, an amount); every other numeric one is a count.
_AMOUNTS = {"standard_m2", "per_community_yuan", "per_100_households_yuan"}
# Durations: bounded so that date arithmetic stays within the calendar.
_MAXIMA = {"months": 1200, "community_term_years": 100}


def _check_value(key: str, value: Any, default: Any) -> tuple[str, str] | None:
    """What is wrong with ``value`` for setting ``key`` (whose default is ``default``), in Chinese
    and English; None if nothing."""
    if key == "enabled":
        return None if isinstance(value, bool) else ("应为 true 或 false", "must be true or false")
    if isinstance(default, bool):
        return None if isinstance(value, bool) else ("应为 true 或 false", "must be true or false")
    if isinstance(default, (int, float)):
        whole = key not in _AMOUNTS
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
            return ("应为整数", "must be a whole number") if whole else ("应为数字", "must be a number")
        if value != value or value in (float("inf"), float("-inf")):
            return "应为有限的数字", "must be a finite number"
        if value < 0:
            return "不能为负数", "must not be negative"
        top = _MAXIMA.get(key)
        if top is not None and value > top:
            return f"不能大于 {top}", f"must be at most {top}"
        return None
    if isinstance(default, list):
        if key == "required_in" and value == "all":
            return None
        ok = isinstance(value, list) and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in value)
        if not ok:
            if key == "required_in":
                return "应为 all 或编号、名称的列表", "must be all or a list of ids or names"
            return "应为文字的列表", "must be a list of texts"
        return None
    if isinstance(default, str):
        return None if isinstance(value, str) else ("应为文字", "must be text")
    return None


def _config_error(text: str, zh: str, en: str) -> ConfigError:
    exc = ConfigError(text)
    exc.zh, exc.en = zh, en  # type: ignore[attr-defined]
    return exc


def _kind_zh(value: Any) -> str:
    return {list: "列表", str: "文字", int: "数字", float: "数字", bool: "真假值"}.get(type(value), type(value).__name__)


def _kind_en(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__)


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
