"""Saved Cypher: the main gap questions as parameterised ``.cypher`` files (``queries/cypher/``) for
people who work in Neo4j Browser or Bloom, on a graph sent there by ``dangjian neo4j push``.

Each file opens with comment lines: ``// rule:`` (the rule it mirrors), ``// title:`` and
``// params:`` (JSON: every parameter with its default). In Neo4j Browser, set the parameters with
``:param`` and paste the file; from Python, :func:`run_saved`.

>>> sorted(q.name for q in saved_queries())[:2]
['community_few_partners', 'community_without_org']
>>> saved_query("term_overdue").params["community_term_years"]
5
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dangjian.graph.errors import DangjianError
from dangjian.graph.schema import model
from dangjian.queries.index import as_of_date

__all__ = ["SavedQuery", "saved_queries", "saved_query", "run_saved", "CYPHER_DIR"]

CYPHER_DIR = Path(__file__).with_name("cypher")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    rule: str
    title: str
    text: str
    params: dict[str, Any]
    path: Path


def _parse(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    head = {}
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        key, _, value = line[2:].strip().partition(":")
        if key in ("rule", "title", "params"):
            head[key] = value.strip()
    params = json.loads(head.get("params", "{}"))
    return SavedQuery(path.stem, head.get("rule", ""), head.get("title", ""), text, params, path)


def saved_queries() -> list[SavedQuery]:
    """Every saved query, by file name."""
    return [_parse(p) for p in sorted(CYPHER_DIR.glob("*.cypher"))]


def saved_query(name: str) -> SavedQuery:
    """The saved query ``name`` (its file name without ``.cypher``)."""
    for q in saved_queries():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in saved_queries())
    raise DangjianError("neo4j.no_saved_query", name=name, names=names)


def _defaults(q: SavedQuery, as_of: str) -> dict[str, Any]:
    params = {**q.params, "as_of": as_of} if "as_of" in q.params else dict(q.params)
    if "term_years" in params:  # the terms by kind come from the schema, as the rule reads them
        kinds = model().enums["org_kind"]
        params["term_years"] = {k: y for k in kinds.values if (y := kinds.attr(k, "term_years"))}
    return params


def run_saved(store: Any, name: str, *, as_of=None, **params: Any) -> list[dict[str, Any]]:
    """Rows of the saved query ``name`` on a :class:`~dangjian.graph.neo4j_store.Neo4jStore`,
    with its default parameters (``as_of``: today), overridden by ``params``."""
    q = saved_query(name)
    unknown = set(params) - set(q.params)
    if unknown:
        raise DangjianError("neo4j.no_parameter", name=name, param=sorted(unknown)[0], params=", ".join(q.params))
    return store.query(q.text, **{**_defaults(q, as_of_date(as_of)), **params})
