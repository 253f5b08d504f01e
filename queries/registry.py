"""The rule registry: rule metadata from ``rules.yaml`` (titles, citations, severities, thresholds,
actions) as :class:`Rule`, and the :func:`rule` decorator that registers a rule's code.

Each rule is a plain function that takes the graph first and returns its findings
(:class:`~dangjian.queries.findings.Finding`):

>>> from dangjian.queries import rules_registry
>>> sorted(rules_registry())[:2]
['agreement-expired', 'agreement-no-activity']
>>> rules_registry()["community-few-partners"].rank_by
'units'
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from dangjian.queries.findings import Finding, make_findings
from dangjian.queries.index import GraphIndex
from dangjian.wording import choose

__all__ = ["Rule", "rule", "rules_registry", "SEVERITIES"]

RULES_PATH = Path(__file__).with_name("rules.yaml")
Core = Callable[[GraphIndex, dict[str, Any]], Iterable[tuple[str, dict[str, Any]]]]


@functools.lru_cache(maxsize=1)
def _meta() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it
    return yaml.load(RULES_PATH.read_text(encoding="utf-8"), Loader=loader)


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
    func: Callable[..., list[Finding]]
    rank_by: str | None = None  # the fact its findings are ranked by (facts.rank), if any


_REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Core], Callable[..., list[Finding]]]:
    """Register ``core(index, params) -> [(entity, facts)]`` as the public rule function
    ``f(G, *, as_of=None, lang=None, index=None, **params) -> [finding]`` (``lang``: default the
    language in use)."""
    meta = _meta()["rules"][rule_id]

    def wrap(core: Core) -> Callable[..., list[Finding]]:
        if core.__module__ != f"dangjian.queries.{meta['module']}":  # rules.yaml's module: says where it lives
            raise RuntimeError(f"rules.yaml puts {rule_id} in {meta['module']}, its code is in {core.__module__}")

        @functools.wraps(core)
        def run(g: nx.MultiDiGraph, *, as_of=None, lang: str | None = None, index: GraphIndex | None = None,
                severity: str | None = None, **params: Any) -> list[Finding]:
            ix = index if index is not None else GraphIndex(g, as_of)
            p = {**meta.get("params", {}), **params}
            r = _REGISTRY[rule_id]
            return make_findings(ix, r, core(ix, p), choose(lang), severity or r.severity)

        run.__doc__ = (core.__doc__ or "") + f"\n\nRule ``{rule_id}``: {meta['title']['en']}."
        _REGISTRY[rule_id] = Rule(rule_id, meta["module"], meta["severity"], meta["title"], meta["cite"],
                                  meta["action"], dict(meta.get("params", {})), run,
                                  meta.get("rank_by"))  # fmt: skip
        return run

    return wrap


def rules_registry() -> dict[str, Rule]:
    """Every rule, by id (importing the rule modules once)."""
    for name in dict.fromkeys(meta["module"] for meta in _meta()["rules"].values()):  # rules.yaml says where
        importlib.import_module(f"dangjian.queries.{name}")
    missing = set(_meta()["rules"]) - set(_REGISTRY)
    if missing:
        raise RuntimeError(f"rules.yaml lists rules with no code: {sorted(missing)}")
    return dict(sorted(_REGISTRY.items()))
