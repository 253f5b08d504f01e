"""Every Cypher statement the project sends (``dangjian.graph.neo4j_store.statements``) or ships
(``queries/cypher/*.cypher``) passes Neo4j's own front-end offline with zero errors and zero
warnings, given the schema's labels, relationship types and property keys and each statement's
declared parameters. Skipped without Node and the npm package; under CI they are required."""

from __future__ import annotations

from dangjian.graph.neo4j_mapping import property_keys
from dangjian.graph.neo4j_store import statements
from dangjian.queries.saved import saved_queries

from cypherlint import format_diagnostics, lint_statements, require_linter, schema_from_model


def _project_statements() -> list[dict]:
    sent = [{"name": s.name, "text": s.text, "parameters": s.parameters} for s in statements()]
    shipped = [{"name": q.name, "text": q.text, "parameters": q.params} for q in saved_queries()]
    return sent + shipped


def test_every_statement_is_clean():
    require_linter()
    found = _project_statements()
    assert len(found) > 100 and len({s["name"] for s in found}) == len(found)
    diagnostics = lint_statements(found, schema_from_model(extra_keys=property_keys()))
    assert diagnostics == [], format_diagnostics(diagnostics)


def test_the_check_catches_syntax_errors_undeclared_parameters_and_unknown_labels():
    require_linter()  # (a value pasted into the text is not its business: test_neo4j.py checks that)
    bad = [{"name": "syntax", "text": "MATCH (n:Area) RETURN n.id AS id WHERE", "parameters": {}},
           {"name": "undeclared", "text": "MATCH (n:Area {id: $root}) RETURN n.id AS id", "parameters": {}},
           {"name": "unknown label", "text": "MATCH (n:Areas) RETURN n.id AS id", "parameters": {}}]  # fmt: skip
    names = {d["name"] for d in lint_statements(bad, schema_from_model())}
    assert names == {"syntax", "undeclared", "unknown label"}
