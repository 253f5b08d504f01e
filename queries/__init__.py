"""Queries over the analysis graph: gap rules and statistics. Each takes the graph first and
returns plain data (the rules' findings as :class:`Finding`); none prints or draws."""

from dangjian.queries.config import ConfigError, load_config
from dangjian.queries.findings import Finding
from dangjian.queries.index import GraphIndex
from dangjian.queries.ranking import summarize
from dangjian.queries.registry import SEVERITIES, Rule, rules_registry
from dangjian.queries.run import run_rules

__all__ = ["SEVERITIES", "ConfigError", "Finding", "GraphIndex", "Rule", "load_config", "rules_registry",
           "run_rules", "summarize"]  # fmt: skip
