"""The offline Cypher lint harness (``tests/cypherlint.py`` and ``tests/cypher_lint/lint.mjs``):
it runs Neo4j's own front-end, it can fail (syntax errors, unknown labels, undeclared parameters,
deprecated or removed syntax) and it passes the statements the Neo4j push and pull are built from.

Without Node or ``tests/cypher_lint/node_modules`` these tests skip; under CI (``CI=true``) they
fail, as ``.ci/run`` installs both."""

from __future__ import annotations

import subprocess

import pytest

from dangjian.graph.schema import model

from cypherlint import (
    COMMON_KEYS,
    SCRIPT,
    format_diagnostics,
    lint_statements,
    linter_available,
    missing_reason,
    node_binary,
    require_linter,
    schema_from_model,
)

PARAMS = {"rows": [], "root": "530702003", "id": "x"}

CLEAN = {
    "constraint": "CREATE CONSTRAINT area_id IF NOT EXISTS FOR (n:Area) REQUIRE n.id IS UNIQUE",
    "push nodes": "UNWIND $rows AS row MERGE (n:Area {id: row.id}) SET n += row.props",
    "push edges": "UNWIND $rows AS row MATCH (a:Member {id: row.src}) MATCH (b:PartyOrg {id: row.dst}) "
    "MERGE (a)-[r:MEMBER_OF {eid: row.eid}]->(b) SET r += row.props",
    "subtree": "MATCH (r:Area {id: $root})-[:CONTAINS*0..]->(a:Area) RETURN a.id AS id",
    "index": "CREATE INDEX area_level IF NOT EXISTS FOR (n:Area) ON (n.level)",
    # Forms found clean with this linter version, for the push/pull code to use.
    "rel constraint": "CREATE CONSTRAINT member_of_eid IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() REQUIRE r.eid IS UNIQUE",
    "batched": "UNWIND $rows AS row CALL (row) { MERGE (n:Area {id: row.id}) SET n += row.props } "
    "IN TRANSACTIONS OF 1000 ROWS",
    "pull edges": "MATCH (m:Member)-[r:MEMBER_OF]->(o:PartyOrg) WHERE r.valid_to IS NULL "
    "RETURN m.id AS src, o.id AS dst, r.eid AS eid, properties(r) AS props",
    "count subquery": "MATCH (a:Area) RETURN a.id AS id, COUNT { (a)-[:CONTAINS]->() } AS children",
    "scoped call": "MATCH (a:Area) CALL (a) { MATCH (a)-[:CONTAINS]->(b) RETURN count(b) AS c } RETURN a.id AS id, c",
    "element id": "MATCH (a:Area) RETURN elementId(a) AS eid",
    "multi-line": "MATCH (a:Area)\nWHERE a.level IS NOT NULL\nRETURN a.id AS id, a.name AS name\nORDER BY id",
}

# Forms the linter flags, with the severity and the start of its message (the clean form is in
# the comment).
FLAGGED = [
    # -> elementId(a), or better the application id a.id
    ("MATCH (a:Area) RETURN id(a) AS i", "warning", "The query used a deprecated function"),
    # -> CALL (a) { MATCH ... }   (CALL () { ... } when nothing is imported)
    ("MATCH (a:Area) CALL { WITH a MATCH (a)-[:CONTAINS]->(b) RETURN count(b) AS c } RETURN a, c", "warning",
     "CALL subquery without a variable scope clause is now deprecated. Use CALL (a)"),
    # -> MATCH (a:Area) MATCH (b:Unit) ... (or connect the patterns)
    ("MATCH (a:Area), (b:Unit) RETURN a, b", "warning", "If a part of a query contains multiple disconnected"),
    # -> an upper bound: -[:CONTAINS*..10]->
    ("MATCH p = shortestPath((a:Area)-[:CONTAINS*]->(b:Area)) RETURN p", "warning",
     "Using shortest path with an unbounded pattern"),
    # -> CREATE CONSTRAINT name IF NOT EXISTS FOR (n:Area) REQUIRE n.id IS UNIQUE
    ("CREATE CONSTRAINT ON (n:Area) ASSERT n.id IS UNIQUE", "error", "Invalid constraint syntax"),
    # -> CREATE INDEX name IF NOT EXISTS FOR (n:Area) ON (n.level)
    ("CREATE INDEX ON :Area(level)", "error", "Invalid create index syntax"),
    # -> n.level IS NOT NULL
    ("MATCH (n:Area) WHERE exists(n.level) RETURN n", "error", "The property existence syntax"),
    # -> COUNT { (a)-->() }
    ("MATCH (a:Area) RETURN a.id AS id, size((a)-->()) AS d", "error", "A pattern expression should only be used"),
    # -> distinct aliases
    ("MATCH (n:Area) RETURN n, n", "error", "Multiple result columns with the same name"),
    # -> send parameters with the query, not as console commands
    (":param x => 1", "error", "Console commands are unsupported"),
]  # fmt: skip

# Everything the tests look at, linted in one node process (the front-end takes a second to
# load, then about 50 ms a statement): name -> (text, declared parameters).
CASES = {
    **{f"clean {k}": (v, PARAMS) for k, v in CLEAN.items()},
    **{f"flagged {i}": (text, PARAMS) for i, (text, _, _) in enumerate(FLAGGED)},
    "syntax": ("MATCH (n:Area RETURN n", PARAMS),
    "variable": ("MATCH (a:Area)\nWHERE a.level = 'x'\nRETURN b", PARAMS),
    "two problems": ("UNWIND $rows AS row RETURN x", {}),
    "label": ("MATCH (n:Nope) RETURN n", PARAMS),
    "type": ("MATCH (n:Area)-[:NOPE]->(m) RETURN m", PARAMS),
    "created label": ("MERGE (n:Nope {id: $id}) SET n:Other", PARAMS),
    "undeclared": ("MATCH (n:Area {id: $undeclared}) RETURN n.id AS id", PARAMS),
    "declared none": ("MATCH (n:Area {id: $rows}) RETURN n.id AS id", {"rows": None}),
    "property key": ("MATCH (n:Area) RETURN n.no_such_key AS x", PARAMS),
}


@pytest.fixture(scope="module")
def schema():
    require_linter()
    return schema_from_model()


@pytest.fixture(scope="module")
def found(schema) -> dict[str, list[dict]]:
    """The diagnostics of each case, by name."""
    statements = [{"name": k, "text": text, "parameters": params} for k, (text, params) in CASES.items()]
    out: dict[str, list[dict]] = {k: [] for k in CASES}
    for d in lint_statements(statements, schema):
        out[d["name"]].append(d)
    return out


def test_schema_from_model():
    m = model()
    s = schema_from_model(extra_keys=["props_hash"])
    assert s["labels"] == sorted([*m.nodes, "Dangjian"])  # the node types, and the label on every node of ours
    assert {"Area", "PartyOrg", "Unit", "Member", "Person", "Agreement", "Activity"} <= set(s["labels"])
    assert s["relationshipTypes"] == sorted(m.edges)
    assert {"CONTAINS", "MEMBER_OF", "LEADS", "PARTY_TO"} <= set(s["relationshipTypes"])
    keys = set(s["propertyKeys"])
    assert set(COMMON_KEYS) <= keys
    assert {"level", "kind", "households", "role", "person", "target", "side", "props_hash"} <= keys
    assert len(keys) == len(s["propertyKeys"])


def test_missing_linter_skips_or_fails_under_ci(monkeypatch):
    monkeypatch.setenv("DANGJIAN_NODE", "/nonexistent/node")
    assert not linter_available()
    assert "no node" in missing_reason()
    with pytest.raises(RuntimeError, match="Cypher linter missing"):
        lint_statements([{"name": "q", "text": "RETURN 1"}], {})
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI"):
        require_linter()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="apt-get install nodejs npm"):
        require_linter()


@pytest.mark.parametrize("name", CLEAN)
def test_clean_statements(found, name):
    diags = found[f"clean {name}"]
    assert diags == [], format_diagnostics(diags)


def test_syntax_error_is_an_error(found):
    diags = found["syntax"]
    assert [d["severity"] for d in diags] == ["error"]
    assert diags[0]["message"].startswith("Invalid input 'RETURN'")
    assert (diags[0]["line"], diags[0]["col"]) == (1, 15)


def test_semantic_error_is_an_error_with_its_position(found):
    assert [(d["severity"], d["message"], d["line"], d["col"]) for d in found["variable"]] == [
        ("error", "Variable `b` not defined", 3, 8)
    ]
    assert [d["message"] for d in found["two problems"]] == ["Parameter $rows is not defined.",
                                                             "Variable `x` not defined"]  # fmt: skip


def test_unknown_label_and_type_are_warnings(found):
    assert [d["severity"] for d in found["label"]] == ["warning"]
    assert found["label"][0]["message"].startswith("Label Nope is not present in the database")
    assert [d["severity"] for d in found["type"]] == ["warning"]
    assert found["type"][0]["message"].startswith("Relationship type NOPE is not present in the database")


def test_created_labels_are_not_checked(found):
    """Recorded behaviour: a label the statement creates (CREATE, MERGE, SET n:L) is not reported."""
    assert found["created label"] == []


def test_undeclared_parameter_is_an_error(found):
    assert [(d["severity"], d["message"]) for d in found["undeclared"]] == [
        ("error", "Parameter $undeclared is not defined.")
    ]
    # Declared by name; the value plays no part (None included).
    assert found["declared none"] == []


def test_property_keys_are_not_checked(found):
    """Recorded behaviour: this linter version does not warn on an unknown property key."""
    assert found["property key"] == []


@pytest.mark.parametrize(("i", "severity", "message"), [(i, sev, msg) for i, (_, sev, msg) in enumerate(FLAGGED)])
def test_deprecated_and_removed_forms(found, i, severity, message):
    diags = found[f"flagged {i}"]
    assert [d["severity"] for d in diags] == [severity], format_diagnostics(diags)
    assert diags[0]["message"].startswith(message)


def test_harness_failure_is_not_a_diagnostic(schema):
    """Bad input makes the harness exit non-zero, and lint_statements raise."""
    proc = subprocess.run([node_binary(), str(SCRIPT)], input="not json", capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "stdin is not JSON" in proc.stderr
    with pytest.raises(RuntimeError, match="harness failed"):
        lint_statements([{"name": "q", "text": None}], schema)
