"""Lint Cypher offline with Neo4j's own front-end: ``lintCypherQuery`` of the npm package
``@neo4j-cypher/language-support`` (pinned in ``tests/cypher_lint/package.json``), run by
``tests/cypher_lint/lint.mjs`` under Node.

    from cypherlint import lint_statements, linter_available, schema_from_model

    diags = lint_statements([{"name": "push areas", "text": "UNWIND $rows AS row ...",
                              "parameters": {"rows": []}}], schema_from_model())
    assert diags == []

Every statement goes through one ``node`` process (loading the front-end takes about a second,
each statement about 50 ms). A diagnostic is ``{"name", "severity", "message", "line", "col"}``
with ``severity`` one of ``error``, ``warning``, ``information``, ``hint`` and ``line``/``col``
1-based in the statement's text.

What the linter checks, in the pinned version: syntax and Neo4j's semantic analysis (undefined
variables, deprecations, removed syntax, ...), labels and relationship types against the schema
(a warning for one it does not know, except where the statement creates it: ``CREATE``,
``MERGE``, ``SET n:L``), and parameters against the declared ones (an error for an undeclared
``$param``). It does not check property keys (they only feed completion) nor, as no registry is
passed, function and procedure names.

``.ci/run`` and ``make test`` install the package (``npm ci --prefix tests/cypher_lint``).
Without Node or the package the tests that need the linter skip, except under CI
(``CI=true``), where they fail: see :func:`require_linter`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "cypher_lint"
SCRIPT = HERE / "lint.mjs"
PACKAGE = HERE / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"

# Properties every node or relationship may carry besides those of the record types: the edge
# id, the validity interval, where a fact came from, the edge type as a property, the push time.
COMMON_KEYS = ("id", "name", "eid", "valid_from", "valid_to", "src_file", "src_sheet", "src_row",
               "type", "pushed")  # fmt: skip


def node_binary() -> str | None:
    """The ``node`` to run: ``DANGJIAN_NODE`` or the one on PATH."""
    return os.environ.get("DANGJIAN_NODE") or shutil.which("node")


def missing_reason() -> str | None:
    """Why the linter cannot run here, or None when it can."""
    node = node_binary()
    if not node or not Path(node).exists():
        return "no node on PATH (apt-get install nodejs npm)"
    if not PACKAGE.exists():
        return f"no {PACKAGE.relative_to(HERE.parent.parent)} (npm ci --prefix tests/cypher_lint)"
    return None


def linter_available() -> bool:
    """Node and the installed package are both there."""
    return missing_reason() is None


def require_linter() -> None:
    """Skip the calling test when the linter is missing; under CI (``CI=true``) fail instead,
    as ``.ci/run`` installs it."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Cypher linter missing under CI: {reason}; .ci/run should have installed it")
    pytest.skip(f"Cypher linter missing: {reason}")


def schema_from_model(extra_keys: Iterable[str] = ()) -> dict:
    """The schema the linter checks against, built from ``schema.yaml``: labels are the node
    types, relationship types the edge types, property keys :data:`COMMON_KEYS`, every property
    of every record type (the link record Post included), every edge property
    (``Property.edge_props``, e.g. ``side``) and ``extra_keys``. Sorted, without repeats."""
    from dangjian.graph.schema import model

    m = model()
    keys = set(COMMON_KEYS) | set(extra_keys)
    for rt in m.records:
        keys.update(rt.properties)
        for prop in rt.properties.values():
            keys.update(prop.edge_props)
    from dangjian.graph.neo4j_mapping import MARK

    return {"labels": sorted([*m.nodes, MARK]), "relationshipTypes": sorted(m.edges), "propertyKeys": sorted(keys)}


def lint_statements(statements: list[dict], schema: dict, timeout: float = 600) -> list[dict]:
    """Every diagnostic for ``statements`` (dicts with ``name``, ``text`` and optionally
    ``parameters``, a dict whose keys are the declared ``$params``; the values do not matter,
    None included). Raises RuntimeError when the harness
    itself fails (missing linter, bad input, the front-end not answering)."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(f"Cypher linter missing: {reason}")
    payload = {
        "schema": {k: list(schema.get(k, ())) for k in ("labels", "relationshipTypes", "propertyKeys")},
        "statements": [
            {"name": str(st.get("name", i)), "text": st["text"], "parameters": dict(st.get("parameters") or {})}
            for i, st in enumerate(statements)
        ],
    }
    proc = subprocess.run([node_binary(), str(SCRIPT)], input=json.dumps(payload, ensure_ascii=False),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"Cypher lint harness failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def format_diagnostics(diagnostics: list[dict]) -> str:
    """One line a diagnostic, for assertion messages."""
    return "\n".join(f"{d['name']}:{d['line']}:{d['col']}: {d['severity']}: {d['message']}" for d in diagnostics)
