"""A stand-in for the neo4j driver that understands the project's own statements (by name, from
:func:`dangjian.graph.neo4j_store.statements`) over an in-memory store, so the push and the shard
pull can be tested end to end without a server. It answers nothing else: any other text fails the
test, which also proves that only the listed statements are sent. Real Neo4j runs the same flows in
tests/test_neo4j.py when NEO4J_URI is set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.graph.neo4j_store import statements
from dangjian.graph.shards import HOME_EDGES


class Record(dict):
    def data(self) -> dict[str, Any]:
        return dict(self)


class FakeDriver:
    def __init__(self) -> None:
        self.by_text = {s.text: s.name for s in statements()}
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {}  # label -> id -> properties
        self.rels: dict[tuple[int, str, str], dict[str, Any]] = {}  # (eid, src, dst) -> type, labels, props
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.routes: list[str] = []
        self.closed = False

    # the driver's API, as the project uses it
    def verify_connectivity(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def execute_query(self, text: str, parameters_: dict[str, Any] | None = None, database_: str | None = None,
                      routing_: str = "w", **kwargs: Any):  # fmt: skip
        assert not kwargs, kwargs
        self.routes.append(routing_)
        name = self.by_text[text]  # KeyError: a statement the project does not list
        params = parameters_ or {}
        self.calls.append((name, params, database_))
        kind, _, rest = name.partition(":")
        rows = getattr(self, "_" + kind.replace("-", "_"))(rest, **params)
        return [Record(r) for r in rows], None, None

    # -- statements ------------------------------------------------------------------------------
    def _constraint(self, rest: str) -> list:
        return []

    _index = _constraint
    _constraint_drop = _constraint

    def _ping(self, rest: str) -> list:
        return [{"ok": 1}]

    def _merge_nodes(self, label: str, rows: list, stamp: str) -> list:
        for row in rows:
            self.nodes.setdefault(label, {})[row["id"]] = {**row["props"], "id": row["id"], "pushed": stamp}
        return []

    def _merge_rels(self, rest: str, rows: list, stamp: str) -> list:
        rel, a, b = rest.split(":")
        n = 0
        for row in rows:
            if row["src"] in self.nodes.get(a, {}) and row["dst"] in self.nodes.get(b, {}):
                self.rels[(row["eid"], row["src"], row["dst"])] = {
                    "type": rel, "labels": (a, b), "props": {**row["props"], "eid": row["eid"], "pushed": stamp}}
                n += 1
        return [{"n": n}]

    def _prune_rels(self, rel: str, stamp: str, batch: int) -> list:
        stale = [k for k, r in self.rels.items() if r["type"] == rel and r["props"].get("pushed") not in (None, stamp)][:batch]
        for k in stale:
            del self.rels[k]
        return [{"n": len(stale)}]

    def _prune_nodes(self, label: str, stamp: str, batch: int) -> list:
        stale = [i for i, p in self.nodes.get(label, {}).items() if p.get("pushed") not in (None, stamp)][:batch]
        # (as in Cypher: a node with no stamp, NULL <> $stamp, is not matched)
        for i in stale:
            del self.nodes[label][i]
            self.rels = {k: r for k, r in self.rels.items() if i not in k[1:]}
        return [{"n": len(stale)}]

    def _count(self, label: str) -> list:
        return [{"n": len(self.nodes.get(label, {}))}]

    def _nodes_any(self, rest: str, ids: list) -> list:
        out = []
        for label, got in self.nodes.items():
            out += [{"id": i, "labels": [label, "Dangjian"], "props": _as_neo4j(got[i])} for i in ids if i in got]
        return out

    def _edges(self, way: str, ids: list, types: list | None) -> list:
        want = set(ids)
        out = []
        for (eid, src, dst), r in self.rels.items():
            here, other, other_label = (src, dst, r["labels"][1]) if way == "out" else (dst, src, r["labels"][0])
            if here not in want:
                continue
            if types is None or r["type"] in types:
                out.append({"eid": eid, "src": src, "dst": dst, "type": r["type"], "props": _as_neo4j(r["props"]),
                            "other": other, "labels": [other_label]})  # fmt: skip
        return out

    def _edges_out(self, rel: str, ids: list) -> list:
        return self._edges("out", ids, [rel] if rel else None)

    def _edges_in(self, rel: str, ids: list) -> list:
        return self._edges("in", ids, [rel] if rel else None)

    def _orphans(self, label: str) -> list:
        home = (("CONTAINS", "in"),) if label == "Area" else HOME_EDGES.get(label, ())
        placed = set()
        for (_, src, dst), r in self.rels.items():
            for edge, way in home:
                if r["type"] == edge:
                    if way == "out" and r["labels"][0] == label:
                        placed.add(src)
                    if way == "in" and r["labels"][1] == label and (label != "Area" or r["labels"][0] == "Area"):
                        placed.add(dst)
        return [{"id": i} for i in self.nodes.get(label, {}) if i not in placed]

    def _lookup(self, label: str, text: str, limit: int) -> list:
        hits = [{"id": i, "props": _as_neo4j(p)} for i, p in self.nodes.get(label, {}).items()
                if i == text or str(p.get("name", "")).startswith(text)]  # fmt: skip
        return hits[:limit]

    def _areas_at(self, rest: str, levels: list) -> list:
        return [{"id": i} for i, p in self.nodes.get("Area", {}).items() if p.get("level") in levels]


def _as_neo4j(props: dict[str, Any]) -> dict[str, Any]:
    """Dates come back as the driver's Date type."""
    from neo4j.time import Date

    return {k: Date(v.year, v.month, v.day) if isinstance(v, dt.date) else v for k, v in props.items()}
