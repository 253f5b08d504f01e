"""The graph in Neo4j 5: push a workspace, and pull it back shard by shard for the rules.

Every statement the project sends is made here, from the schema: labels and relationship types
come only from ``schema.yaml`` (never from data), and every value goes in as a parameter.
:func:`statements` lists them all, with their parameters, for the offline Cypher linter.

A push creates the uniqueness constraints and indexes first, then merges nodes (on ``id``) and
relationships (on ``eid``, the workspace's edge id) in batches, each batch one transaction. Every
node and relationship it writes carries ``pushed``: a stamp of the workspace's content (its last
load), so that pushing the same workspace twice leaves the same graph, and a push after new loads
removes what the workspace no longer has. Nodes and relationships that another application wrote
(no ``pushed``, no ``Dangjian`` label) are neither pulled, merged into nor pruned: every node dangjian
writes also carries the label ``Dangjian``, on which ids are unique.

>>> [s.name for s in statements()][:2]
['constraint-drop:Area', 'constraint-drop:PartyOrg']
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from dangjian.graph.errors import DangjianError
from dangjian.graph.neo4j_mapping import (
    LABELS,
    MARK,
    REL_TYPES,
    SOURCE_KEYS,
    edge_record,
    node_record,
    workspace_stamp,
)
from dangjian.graph.privacy import NameGuard
from dangjian.graph.schema import model
from dangjian.graph.shards import HOME_EDGES, Edge
from dangjian.graph.store import Workspace

__all__ = ["Neo4jError", "Statement", "statements", "Neo4jStore", "Neo4jSource", "PushResult", "connect",
           "DEFAULT_BATCH"]  # fmt: skip

DEFAULT_BATCH = 10_000
SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
Progress = Callable[[str, int, int], None]


class Neo4jError(DangjianError):
    """Neo4j cannot be reached, refuses the login, or refuses a statement."""


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: a stable ``name``, its ``text`` and sample ``parameters``."""

    name: str
    text: str
    parameters: dict[str, Any] = field(default_factory=dict)


def _labels_of(edge: str, end: str) -> tuple[str, ...]:
    e = model().edge(edge)
    return tuple(t for t in (e.from_types if end == "from" else e.to_types) if t in LABELS)


def _orphan_text(label: str) -> str:
    if label == "Area":
        return (f"MATCH (n:Area:{MARK}) WHERE n.pushed IS NOT NULL "
                f"AND NOT EXISTS {{ (n)<-[r:CONTAINS]-(:Area:{MARK}) WHERE r.pushed IS NOT NULL }} RETURN n.id AS id")
    outs = sorted({e for e, way in HOME_EDGES.get(label, ()) if way == "out"})
    ins = sorted({e for e, way in HOME_EDGES.get(label, ()) if way == "in"})
    conds = ["n.pushed IS NOT NULL"]
    conds += [f"NOT EXISTS {{ (n)-[r:{'|'.join(outs)}]->(:{MARK}) WHERE r.pushed IS NOT NULL }}"] if outs else []
    conds += [f"NOT EXISTS {{ (n)<-[r:{'|'.join(ins)}]-(:{MARK}) WHERE r.pushed IS NOT NULL }}"] if ins else []
    return f"MATCH (n:{label}:{MARK}) WHERE {' AND '.join(conds)} RETURN n.id AS id"


def _build_statements() -> dict[str, Statement]:
    rows = [{"id": "x", "props": {}}]
    out: list[Statement] = []
    for label in LABELS:  # earlier versions made id unique per label, which a foreign node could block
        out.append(Statement(f"constraint-drop:{label}", f"DROP CONSTRAINT dangjian_{label}_id IF EXISTS"))
    out.append(Statement(f"constraint:{MARK}", f"CREATE CONSTRAINT dangjian_id IF NOT EXISTS "
                                              f"FOR (n:{MARK}) REQUIRE n.id IS UNIQUE"))  # fmt: skip
    for label in LABELS:
        for key in ("id", "pushed", "name"):
            out.append(Statement(f"index:{label}.{key}", f"CREATE INDEX dangjian_{label}_{key} IF NOT EXISTS "
                                                         f"FOR (n:{label}) ON (n.{key})"))  # fmt: skip
    out.append(Statement("index:Area.level", "CREATE INDEX dangjian_Area_level IF NOT EXISTS FOR (n:Area) ON (n.level)"))
    for label in LABELS:
        out.append(Statement(f"merge-nodes:{label}", f"UNWIND $rows AS row MERGE (n:{MARK} {{id: row.id}}) "
                                                     f"SET n = row.props SET n.id = row.id, n.pushed = $stamp, n:{label}",
                             {"rows": rows, "stamp": "s"}))  # fmt: skip
    for rel in REL_TYPES:
        for a in _labels_of(rel, "from"):
            for b in _labels_of(rel, "to"):
                out.append(Statement(
                    f"merge-rels:{rel}:{a}:{b}",
                    f"UNWIND $rows AS row MATCH (a:{a}:{MARK} {{id: row.src}}) MATCH (b:{b}:{MARK} {{id: row.dst}}) "
                    f"MERGE (a)-[r:{rel} {{eid: row.eid}}]->(b) SET r = row.props SET r.eid = row.eid, r.pushed = $stamp "
                    "RETURN count(r) AS n",
                    {"rows": [{"src": "a", "dst": "b", "eid": 1, "props": {}}], "stamp": "s"}))  # fmt: skip
        out.append(Statement(f"prune-rels:{rel}", f"MATCH (:{MARK})-[r:{rel}]->(:{MARK}) WHERE r.pushed <> $stamp "
                                                  "WITH r LIMIT $batch DELETE r RETURN count(*) AS n",
                             {"stamp": "s", "batch": 1}))  # fmt: skip
    for label in LABELS:
        out.append(Statement(f"prune-nodes:{label}", f"MATCH (n:{label}:{MARK}) WHERE n.pushed <> $stamp "
                                                     "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n",
                             {"stamp": "s", "batch": 1}))  # fmt: skip
        out.append(Statement(f"count:{label}", f"MATCH (n:{label}:{MARK}) WHERE n.pushed IS NOT NULL "
                                               "RETURN count(n) AS n"))
        out.append(Statement(f"orphans:{label}", _orphan_text(label)))
        out.append(Statement(f"lookup:{label}", f"MATCH (n:{label}:{MARK}) WHERE n.pushed IS NOT NULL "
                                                "AND (n.id = $text OR n.name STARTS WITH $text) "
                                                "RETURN n.id AS id, properties(n) AS props "
                                                "ORDER BY CASE WHEN n.id = $text OR n.name = $text THEN 0 ELSE 1 END, "
                                                "size(n.name), n.id LIMIT $limit",
                             {"text": "祥云", "limit": 50}))  # fmt: skip
    # The reads of a shard pull, whatever the ids' labels (ids are unique on our label): one round trip
    # per batch of ids, per direction and, when the pull names them, per relationship type (in the
    # pattern, so that Neo4j expands only those of a dense node).
    out.append(Statement("nodes-any", f"UNWIND $ids AS id MATCH (n:{MARK} {{id: id}}) WHERE n.pushed IS NOT NULL "
                                      "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
                         {"ids": ["x"]}))  # fmt: skip
    for way, pattern in (("out", "(n)-[r{t}]->(m:{mark})"), ("in", "(n)<-[r{t}]-(m:{mark})")):
        for rel in (None, *REL_TYPES):
            out.append(Statement(
                f"edges-{way}" + (f":{rel}" if rel else ""),
                f"UNWIND $ids AS id MATCH (n:{MARK} {{id: id}}) MATCH {pattern.format(t=f':{rel}' if rel else '', mark=MARK)} "
                "WHERE r.pushed IS NOT NULL AND m.pushed IS NOT NULL "
                "RETURN r.eid AS eid, startNode(r).id AS src, endNode(r).id AS dst, type(r) AS type, "
                "properties(r) AS props, m.id AS other, labels(m) AS labels",
                {"ids": ["x"]}))  # fmt: skip
    out.append(Statement("ping", "RETURN 1 AS ok"))
    out.append(Statement("areas-at", f"MATCH (n:Area:{MARK}) WHERE n.pushed IS NOT NULL AND n.level IN $levels "
                                     "RETURN n.id AS id",
                         {"levels": ["street"]}))  # fmt: skip
    return {s.name: s for s in out}


_STATEMENTS: dict[str, Statement] | None = None


def statements() -> list[Statement]:
    """Every statement this module sends (built once from the schema)."""
    global _STATEMENTS
    if _STATEMENTS is None:
        _STATEMENTS = _build_statements()
    return list(_STATEMENTS.values())


def _statement_names() -> dict[str, Statement]:
    statements()
    assert _STATEMENTS is not None
    return _STATEMENTS


def _statement(name: str) -> str:
    statements()
    assert _STATEMENTS is not None
    return _STATEMENTS[name].text


@dataclass
class PushResult:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # relationships whose end is not a node of the workspace
    pruned_nodes: int = 0
    pruned_relationships: int = 0
    stamp: str = ""
    database: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for x in items:
        batch.append(x)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _from_neo4j(value: Any) -> Any:
    """A value as the workspace holds it: dates as ISO text, whole numbers as int (the loaders
    store them so; a ``number`` column is a float in Neo4j)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "iso_format"):  # neo4j.time.Date
        return value.iso_format()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_from_neo4j(v) for v in value]
    return value


def _attrs(props: dict[str, Any], drop: Sequence[str]) -> tuple[dict[str, Any], tuple]:
    out = {k: _from_neo4j(v) for k, v in props.items() if k not in drop and k not in SOURCE_KEYS}
    return out, tuple(props.get(k) for k in SOURCE_KEYS)


# The statements that only read: sent with read routing.
_READS = ("count:", "nodes-any", "edges-", "orphans:", "lookup:", "areas-at", "ping")


class Neo4jStore:
    """A connection to one Neo4j database. Get it with :func:`connect`."""

    def __init__(self, driver: Any, database: str):
        self.driver = driver
        self.database = database

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run the named statement (see :func:`statements`) with these parameters; the reads are
        routed to readers (a cluster's secondaries), the writes to the leader."""
        return self._execute(_statement(name), params, read=name.startswith(_READS))

    def query(self, text: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a statement the project ships (a saved query, a read): values only as parameters."""
        return self._execute(text, params, read=True)

    def write(self, text: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a writing statement the project ships (tests, maintenance)."""
        return self._execute(text, params, read=False)

    def _execute(self, text: str, params: dict[str, Any], read: bool) -> list[dict[str, Any]]:
        try:
            records, _, _ = self.driver.execute_query(text, parameters_=params, database_=self.database,
                                                      routing_="r" if read else "w")  # fmt: skip
        except DangjianError:
            raise
        except Exception as exc:  # the driver's errors: one line for the user
            raise Neo4jError(_one_line(exc)) from None
        return [r.data() for r in records]

    # -- push --------------------------------------------------------------------------------------
    def push(self, ws: Workspace, *, batch_size: int = DEFAULT_BATCH, personal: bool = False,
             progress: Progress | None = None) -> PushResult:  # fmt: skip
        """Send the workspace's graph (see the module's docstring). Returns what was written."""
        if batch_size < 1:
            raise Neo4jError("batch size must be at least 1")
        result = PushResult(stamp=workspace_stamp(ws), database=self.database)
        for s in statements():
            if s.name.startswith(("constraint-drop:", "constraint:", "index:")):
                self.run(s.name)
        counts = ws.counts()
        total_nodes, total_edges = sum(counts["nodes"].values()), sum(counts["edges"].values())
        done = 0
        buffers: dict[str, list[dict[str, Any]]] = {label: [] for label in LABELS}

        def flush(label: str) -> None:
            nonlocal done
            rows = buffers[label]
            if rows:
                self.run(f"merge-nodes:{label}", rows=rows, stamp=result.stamp)
                result.nodes[label] = result.nodes.get(label, 0) + len(rows)
                done += len(rows)
                buffers[label] = []
                if progress:
                    progress("nodes", done, total_nodes)

        guard = None if personal else NameGuard(ws.people_names())  # people named in notes and the like
        for row in ws.iter_nodes():
            if row.type not in buffers:
                continue
            buffers[row.type].append(node_record(row, personal, guard))
            if len(buffers[row.type]) >= batch_size:
                flush(row.type)
        for label in LABELS:
            flush(label)
        done = 0
        rel_buffers: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        valid = {s.name for s in statements()}

        def flush_rels(key: tuple[str, str, str]) -> None:
            nonlocal done
            rows = rel_buffers.pop(key, [])
            if rows:
                written = self.run(f"merge-rels:{key[0]}:{key[1]}:{key[2]}", rows=rows, stamp=result.stamp)
                n = written[0]["n"] if written else 0
                result.relationships[key[0]] = result.relationships.get(key[0], 0) + n
                result.skipped += len(rows) - n
                done += len(rows)
                if progress:
                    progress("relationships", done, total_edges)

        for eid, e, start, end in ws.iter_edges_typed():  # the ends' labels joined in SQLite: no id map
            key = (e.type, start or "", end or "")
            if f"merge-rels:{key[0]}:{key[1]}:{key[2]}" not in valid:
                result.skipped += 1
                done += 1
                continue
            rel_buffers.setdefault(key, []).append(edge_record(eid, e, personal, guard))
            if len(rel_buffers[key]) >= batch_size:
                flush_rels(key)
        for key in list(rel_buffers):
            flush_rels(key)
        for rel in REL_TYPES:
            result.pruned_relationships += self._prune(f"prune-rels:{rel}", result.stamp, batch_size)
        for label in LABELS:
            result.pruned_nodes += self._prune(f"prune-nodes:{label}", result.stamp, batch_size)
        return result

    def _prune(self, name: str, stamp: str, batch: int) -> int:
        total = 0
        while True:
            n = self.run(name, stamp=stamp, batch=batch)[0]["n"]
            total += n
            if n < batch:
                return total

    def counts(self) -> dict[str, int]:
        """Nodes a push wrote, by label."""
        return {label: self.run(f"count:{label}")[0]["n"] for label in LABELS}


class Neo4jSource:
    """A :class:`~dangjian.graph.shards.GraphSource` reading a pushed graph."""

    def __init__(self, store: Neo4jStore):
        self.store = store
        self.labels: dict[str, str] = {}  # id -> label, learnt from every answer

    def _learn(self, i: str, labels: Sequence[str]) -> None:
        for label in labels:
            if label in LABELS:
                self.labels[i] = label
                return

    def area_ids(self, levels: Sequence[str]) -> list[str]:
        ids = [r["id"] for r in self.store.run("areas-at", levels=list(levels))]
        for i in ids:
            self.labels[i] = "Area"
        return ids

    def orphan_ids(self) -> list[str]:
        out = []
        for label in LABELS:
            for r in self.store.run(f"orphans:{label}"):
                self.labels[r["id"]] = label
                out.append(r["id"])
        return out

    def nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunked(ids):
            for r in self.store.run("nodes-any", ids=chunk):
                label = next((x for x in r["labels"] if x in LABELS), None)
                if label is None:
                    continue
                attrs, source = _attrs(r["props"], ("id", "pushed"))
                out[r["id"]] = {**attrs, "type": label, "name": attrs.get("name"), "source": source}
                self.labels[r["id"]] = label
        return out

    def edges(self, ids: Iterable[str], types: Sequence[str] | None = None, direction: str = "both") -> list[Edge]:
        found: dict[tuple[int, str, str], Edge] = {}
        ways = ("out", "in") if direction == "both" else (direction,)
        valid = _statement_names()
        for chunk in _chunked(ids):
            for way in ways:
                names = [f"edges-{way}"] if types is None else \
                    [n for t in dict.fromkeys(types) if (n := f"edges-{way}:{t}") in valid]  # fmt: skip
                for r in (r for name in names for r in self.store.run(name, ids=chunk)):
                    self._learn(r["other"], r["labels"])
                    attrs, source = _attrs(r["props"], ("eid", "pushed"))
                    attrs = {**attrs, "type": r["type"], "valid_from": attrs.get("valid_from"),
                             "valid_to": attrs.get("valid_to"), "source": source}  # fmt: skip
                    found[(r["eid"], r["src"], r["dst"])] = (r["eid"], r["src"], r["dst"], attrs)
        return list(found.values())

    def lookup(self, text: str, limit: int = 50) -> dict[str, dict[str, Any]]:
        """Nodes whose id or name is ``text``, or whose name starts with it."""
        out = {}
        for label in LABELS:
            for r in self.store.run(f"lookup:{label}", text=text, limit=limit):
                attrs, source = _attrs(r["props"], ("id", "pushed"))
                out[r["id"]] = {**attrs, "type": label, "name": attrs.get("name"), "source": source}
                self.labels[r["id"]] = label
        return out



def _chunked(ids: Iterable[str], size: int = 5000) -> Iterator[list[str]]:
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"Neo4j: {text[:300]}"


def connect(uri: str, user: str, password: str, database: str = "neo4j", *, driver_factory: Any = None) -> Neo4jStore:
    """A :class:`Neo4jStore` for ``uri`` (``neo4j://``, ``neo4j+s://``, ``bolt://``, ...), checked
    to answer. Raises :class:`Neo4jError` with one line if it cannot connect or log in."""
    scheme = uri.partition("://")[0] if "://" in uri else ""
    if scheme not in SCHEMES:
        raise Neo4jError(f"{uri}: a Neo4j URI starts with {', '.join(s + '://' for s in SCHEMES)}")
    logging.getLogger("neo4j").addHandler(logging.NullHandler())  # its warnings: ours are one line
    if driver_factory is None:
        try:
            from neo4j import GraphDatabase
        except ImportError:
            raise Neo4jError("没有安装 Neo4j 驱动：pip install 'dangjian[neo4j]'（the Neo4j driver is not "
                             "installed: pip install 'dangjian[neo4j]'）") from None
        driver_factory = GraphDatabase.driver
    try:
        driver = driver_factory(uri, auth=(user, password), user_agent="dangjian")
    except Exception as exc:  # ConfigurationError, ValueError (a bad URI)
        raise Neo4jError(f"cannot use {uri}: {_one_line(exc)}") from None
    store = Neo4jStore(driver, database)
    try:
        driver.verify_connectivity()
        store.run("ping")  # the login and the database
    except Exception as exc:  # ServiceUnavailable, AuthError, a database that does not exist
        driver.close()
        raise Neo4jError(f"cannot use {uri} as {user}: {_one_line(exc)}") from None
    return store
