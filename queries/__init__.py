"""Queries over the analysis graph: gap rules and statistics. Each takes the graph first and
returns plain data; none prints or draws."""

from dangjian.queries.index import GraphIndex
from dangjian.queries.registry import (
    SEVERITIES,
    ConfigError,
    Rule,
    load_config,
    rules_registry,
    run_rules,
    summarize,
)

__all__ = ["SEVERITIES", "ConfigError", "GraphIndex", "Rule", "load_config", "rules_registry", "run_rules",
           "summarize"]  # fmt: skip
