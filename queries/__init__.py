"""Queries over the analysis graph: gap rules and statistics. Each takes the graph first and
returns plain data (the rules' findings as :class:`Finding`); none prints or draws. Its names load
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangjian.graph.lazy import exports

if TYPE_CHECKING:
    from dangjian.queries.config import ConfigError, load_config
    from dangjian.queries.findings import Finding
    from dangjian.queries.index import GraphIndex
    from dangjian.queries.ranking import summarize
    from dangjian.queries.registry import SEVERITIES, Rule, rules_registry
    from dangjian.queries.run import run_rules

_WHERE = {
    "ConfigError": "dangjian.queries.config",
    "Finding": "dangjian.queries.findings",
    "GraphIndex": "dangjian.queries.index",
    "Rule": "dangjian.queries.registry",
    "SEVERITIES": "dangjian.queries.registry",
    "load_config": "dangjian.queries.config",
    "rules_registry": "dangjian.queries.registry",
    "run_rules": "dangjian.queries.run",
    "summarize": "dangjian.queries.ranking",
}

__all__ = [
    "ConfigError",
    "Finding",
    "GraphIndex",
    "Rule",
    "SEVERITIES",
    "load_config",
    "rules_registry",
    "run_rules",
    "summarize",
]

__getattr__, __dir__ = exports(__name__, _WHERE)
