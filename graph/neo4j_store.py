"""The graph in Neo4j 5: push a workspace, and pull it back shard by shard for the rules.

Every statement the project sends is made here, from the schema: labels and relationship types
come only from ``schema.yaml`` (never from data), and every value goes in as a parameter.
:func:`statements` lists them all, with their parameters, for the offline Cypher linter.

A push creates the uniqueness constraint and indexes first, then writes nodes and then
relationships in batches, each batch one transaction, two in flight while the next are read: into a
database with no dangjian node yet it creates them (no lookups), otherwise it merges nodes (on
``id``) and relationships (on ``eid``, the workspace's edge id). Rows go as lists in the columns of
:func:`node_columns` and :func:`rel_columns` (keys from the schema in the statement, values as
parameters). Every node and relationship it writes carries ``pushed``: a stamp of the workspace's
content (its last load), so that pushing the same workspace twice leaves the same graph, and a push
after new loads removes what the workspace no longer has. Nodes and relationships that another
application wrote (no ``pushed``, no ``Dangjian`` label) are neither pulled, merged into nor
pruned: every node dangjian writes also carries the label ``Dangjian``, on which ids are unique.

Reads answer a batch of ids in one record (a list of lists): a record per element costs the driver
far more than the element.

>>> [s.name for s in statements()][:2]
['constraint-drop:Area', 'index-drop:Area.id']
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from dangjian.graph.errors import DangjianError
from dangjian.graph.neo4j_mapping import (
    LABELS,
    MARK,
    REL_TYPES,
    SOURCE_KEYS,
    edge_record,
    node_property_types,
    node_record,
    rel_property_types,
    workspace_stamp,
)
from dangjian.graph.privacy import NameGuard
from dangjian.graph.roles import AREA
from dangjian.graph.schema import model
from dangjian.graph.shards import CLOSURES, PULL_PATTERNS, TREES, Edge
from dangjian.graph.store import EdgeRow, NodeRow, Workspace

__all__ = ["Neo4jError", "Statement", "statements", "Neo4jStore", "Neo4jSource", "PushResult", "connect",
           "node_columns", "rel_columns", "DEFAULT_BATCH", "DEFAULT_WORKERS"]  # fmt: skip

DEFAULT_BATCH = 5_000
DEFAULT_WORKERS = 2  # transactions in flight during a push
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


def _key(k: str) -> str:
    """A property key in Cypher text (keys come from the schema only; quoted when not plain)."""
    return k if k.isascii() and k.replace("_", "a").isalnum() and not k[0].isdigit() else "`" + k.replace("`", "``") + "`"


def node_columns(label: str) -> tuple[str, ...]:
    """The columns of a pushed node row of ``label``, in order: ``id`` first, then every property
    the schema gives it (hidden ones stay empty unless the push is ``personal``)."""
    return tuple(node_property_types(label, personal=True))


def rel_columns(rel: str) -> tuple[str, ...]:
    """The columns of a pushed relationship row: ``src``, ``dst``, then ``eid`` and every property
    the schema gives ``rel``; a last column holds the properties the schema does not know."""
    return ("src", "dst", *rel_property_types(rel, personal=True))


def _literal(columns: Sequence[str], first: int) -> str:
    return ", ".join(f"{_key(k)}: row[{i}]" for i, k in enumerate(columns[first:], start=first))


def _orphan_text(label: str) -> str:
    """The nodes of ``label`` with none of their home relations (as the embedded source finds them)."""
    outs = sorted({e for e, way in model().home_edges(label) if way == "out"})
    ins = sorted({e for e, way in model().home_edges(label) if way == "in"})
    conds = ["n.pushed IS NOT NULL"]
    conds += [f"NOT EXISTS {{ (n)-[r:{'|'.join(outs)}]->(:{MARK}) WHERE r.pushed IS NOT NULL }}"] if outs else []
    conds += [f"NOT EXISTS {{ (n)<-[r:{'|'.join(ins)}]-(:{MARK}) WHERE r.pushed IS NOT NULL }}"] if ins else []
    return f"MATCH (n:{label}:{MARK}) WHERE {' AND '.join(conds)} RETURN n.id AS id"


def _dates(types_of: Callable[..., dict[str, str]], names: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({k for x in names for k, t in types_of(x, personal=True).items() if t == "date"}))


def _props(var: str, dates: Sequence[str]) -> str:
    """The properties of ``var``, dates as ISO text (a Date costs the driver more than a string)."""
    return f"{var} {{.*, " + ", ".join(f"{_key(k)}: toString({var}.{_key(k)})" for k in dates) + "}"


_PATTERN = {"out": "(n)-[r{t}]->(m:{mark})", "in": "(n)<-[r{t}]-(m:{mark})", "both": "(n)-[r{t}]-(m:{mark})"}


def _edges_name(way: str, types: Sequence[str] | None) -> str:
    return f"edges-{way}" + (f":{'|'.join(types)}" if types else "")


def _edges_text(way: str, types: Sequence[str] | None) -> str:
    pattern = _PATTERN[way].format(t=f":{'|'.join(types)}" if types else "", mark=MARK)
    return (f"UNWIND $ids AS id MATCH (n:{MARK} {{id: id}}) WHERE n.pushed IS NOT NULL MATCH {pattern} "
            "WHERE r.pushed IS NOT NULL AND m.pushed IS NOT NULL "
            f"RETURN collect([r.eid, startNode(r).id, endNode(r).id, type(r), {_props('r', _REL_DATES)}]) AS rows")


def _closure_text(way: str, rel: str, label: str) -> str:
    arrow = f"-[:{rel}*1..]->" if way == "out" else f"<-[:{rel}*1..]-"
    return (f"UNWIND $ids AS id MATCH (n:{MARK} {{id: id}}) WHERE n.pushed IS NOT NULL "
            f"MATCH p = (n){arrow}(m:{label}:{MARK}) "
            f"WHERE all(r IN relationships(p) WHERE r.pushed IS NOT NULL) "
            f"AND all(x IN nodes(p)[1..] WHERE x:{label}:{MARK} AND x.pushed IS NOT NULL) "
            "UNWIND relationships(p) AS r WITH DISTINCT r "
            f"RETURN collect([r.eid, startNode(r).id, endNode(r).id, type(r), {_props('r', _REL_DATES)}]) AS rows")


_LABEL_SET = frozenset(LABELS)
_NODE_DATES = _dates(node_property_types, LABELS)
_REL_DATES = _dates(rel_property_types, REL_TYPES)


def _build_statements() -> dict[str, Statement]:
    out: list[Statement] = []
    for label in LABELS:  # earlier versions made id unique per label, which a foreign node could block
        out.append(Statement(f"constraint-drop:{label}", f"DROP CONSTRAINT dangjian_{label}_id IF EXISTS"))
        out.append(Statement(f"index-drop:{label}.id", f"DROP INDEX dangjian_{label}_id IF EXISTS"))
    out.append(Statement(f"constraint:{MARK}", f"CREATE CONSTRAINT dangjian_id IF NOT EXISTS "
                                              f"FOR (n:{MARK}) REQUIRE n.id IS UNIQUE"))  # fmt: skip
    for label in LABELS:
        for key in ("pushed", "name"):
            out.append(Statement(f"index:{label}.{key}", f"CREATE INDEX dangjian_{label}_{key} IF NOT EXISTS "
                                                         f"FOR (n:{label}) ON (n.{key})"))  # fmt: skip
    out.append(Statement(f"index:{AREA}.level", f"CREATE INDEX dangjian_{AREA}_level IF NOT EXISTS "
                                                f"FOR (n:{AREA}) ON (n.level)"))  # fmt: skip
    out.append(Statement("any-pushed", f"MATCH (n:{MARK}) RETURN count(n) > 0 AS found"))
    for label in LABELS:  # rows are lists in node_columns order; keys come from the schema, values are parameters
        cols = node_columns(label)
        sample = {"rows": [["x", *[None] * (len(cols) - 1)]], "stamp": "s"}
        out.append(Statement(f"create-nodes:{label}", f"UNWIND $rows AS row CREATE (n:{MARK}:{label} "
                                                      f"{{id: row[0], {_literal(cols, 1)}, pushed: $stamp}})", sample))
        out.append(Statement(f"merge-nodes:{label}", f"UNWIND $rows AS row MERGE (n:{MARK} {{id: row[0]}}) "
                                                     f"SET n = {{id: row[0], {_literal(cols, 1)}, pushed: $stamp}}, "
                                                     f"n:{label}", sample))  # fmt: skip
    for rel in REL_TYPES:
        cols = rel_columns(rel)
        ends = f"UNWIND $rows AS row MATCH (a:{MARK} {{id: row[0]}}) MATCH (b:{MARK} {{id: row[1]}}) "
        props, extra = f"{_literal(cols, 2)}, pushed: $stamp", f"coalesce(row[{len(cols)}], {{}})"
        sample = {"rows": [["a", "b", 1, *[None] * (len(cols) - 3), None]], "stamp": "s"}
        out.append(Statement(f"create-rels:{rel}", f"{ends}CREATE (a)-[r:{rel} {{{props}}}]->(b) "
                                                   f"SET r += {extra} RETURN count(r) AS n", sample))  # fmt: skip
        out.append(Statement(f"merge-rels:{rel}", f"{ends}MERGE (a)-[r:{rel} {{eid: row[2]}}]->(b) "
                                                  f"SET r = {{{props}}} SET r += {extra} RETURN count(r) AS n", sample))
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
        if model().is_person(label):
            out.append(Statement(f"people-names:{label}", f"MATCH (n:{label}:{MARK}) WHERE n.pushed IS NOT NULL "
                                                          "RETURN n.name AS name"))  # fmt: skip
        out.append(Statement(f"lookup:{label}", f"MATCH (n:{label}:{MARK}) WHERE n.pushed IS NOT NULL "
                                                "AND (n.id = $text OR n.name STARTS WITH $text) "
                                                "RETURN n.id AS id, properties(n) AS props "
                                                "ORDER BY CASE WHEN n.id = $text OR n.name = $text THEN 0 ELSE 1 END, "
                                                "size(n.name), n.id LIMIT $limit",
                             {"text": "祥云", "limit": 50}))  # fmt: skip
    # The reads of a shard pull: one round trip per batch of ids, answered as one list (a record per
    # element costs the driver far more than the element). Relationship types are in the pattern, so
    # that Neo4j expands only those of a dense node: every single type, and the sets the shards ask.
    out.append(Statement("nodes-any", f"UNWIND $ids AS id MATCH (n:{MARK} {{id: id}}) WHERE n.pushed IS NOT NULL "
                                      f"RETURN collect([n.id, labels(n), {_props('n', _NODE_DATES)}]) AS rows",
                         {"ids": ["x"]}))  # fmt: skip
    sets = [None, *((t,) for t in REL_TYPES), *(types for types, _ in PULL_PATTERNS)]
    for way in ("out", "in", "both"):
        for types in dict.fromkeys(sets):
            out.append(Statement(_edges_name(way, types), _edges_text(way, types), {"ids": ["x"]}))
    for way in ("out", "in"):  # every relation of a batch, but those pulled from their other end
        out.append(Statement(f"edges-{way}-except", _edges_text(way, None).replace(
            "WHERE r.pushed IS NOT NULL", "WHERE NOT m.id IN $except AND r.pushed IS NOT NULL"),
            {"ids": ["x"], "except": ["y"]}))  # fmt: skip
    for rel, way, label in CLOSURES:
        out.append(Statement(f"closure-{way}:{rel}", _closure_text(way, rel, label), {"ids": ["x"]}))
    out.append(Statement("weights", f"UNWIND $ids AS id MATCH (s:{AREA}:{MARK} {{id: id}}) WHERE s.pushed IS NOT NULL "
                                    f"MATCH (s)-[:{TREES[AREA]}*0..]->(a:{AREA}:{MARK}) "
                                    "WITH id, sum(COUNT { (a)<--() }) AS weight RETURN collect([id, weight]) AS rows",
                         {"ids": ["x"]}))  # fmt: skip
    out.append(Statement("ping", "RETURN 1 AS ok"))
    out.append(Statement("areas-at", f"MATCH (n:{AREA}:{MARK}) WHERE n.pushed IS NOT NULL AND n.level IN $levels "
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


_NODE_KEYS = frozenset(("id", "pushed", *SOURCE_KEYS))  # what a node's attributes leave out
_REL_KEYS = frozenset(("eid", "pushed", *SOURCE_KEYS))


def _attrs(props: dict[str, Any], drop: frozenset[str]) -> tuple[dict[str, Any], tuple]:
    out = {}
    for k, v in props.items():
        if k in drop or v is None:  # (a date the projection asked for that the element has not)
            continue
        t = type(v)
        if t is float and v.is_integer():
            v = int(v)
        elif t is not str and t is not int:
            v = _from_neo4j(v)
        out[k] = v
    return out, (props.get("src_file"), props.get("src_sheet"), props.get("src_row"))


# The statements that only read: sent with read routing.
_READS = ("count:", "nodes-any", "edges-", "closure-", "weights", "orphans:", "lookup:", "areas-at", "ping",
          "any-pushed", "people-names:")


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

    def rows(self, name: str, /, **params: Any) -> list[Any]:
        """The ``rows`` list of a read that answers one record (the pulls): as the driver gives it,
        without turning every value into a record's data (which costs more than the pull)."""
        records = self._execute(_statement(name), params, read=True, raw=True)
        return records[0]["rows"] if records else []

    def query(self, text: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a statement the project ships (a saved query, a read): values only as parameters."""
        return self._execute(text, params, read=True)

    def write(self, text: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a writing statement the project ships (tests, maintenance)."""
        return self._execute(text, params, read=False)

    def _execute(self, text: str, params: dict[str, Any], read: bool, raw: bool = False) -> list[Any]:
        try:
            records, _, _ = self.driver.execute_query(text, parameters_=params, database_=self.database,
                                                      routing_="r" if read else "w")  # fmt: skip
        except DangjianError:
            raise
        except Exception as exc:  # the driver's errors: one line for the user
            raise Neo4jError("neo4j.refused", detail=_one_line(exc)) from None
        return list(records) if raw else [r.data() for r in records]

    # -- push --------------------------------------------------------------------------------------
    def push(self, ws: Workspace, *, batch_size: int = DEFAULT_BATCH, personal: bool = False,
             progress: Progress | None = None, workers: int = DEFAULT_WORKERS) -> PushResult:  # fmt: skip
        """Send the workspace's graph (see the module's docstring). Returns what was written.

        Into a database that holds no dangjian node yet, nodes and relationships are created (no
        lookups); otherwise merged. ``workers`` transactions are in flight at once, while the next
        batches are read from the workspace."""
        if batch_size < 1:
            raise Neo4jError("neo4j.batch_size")
        result = PushResult(stamp=workspace_stamp(ws), database=self.database)
        for s in statements():
            if s.name.startswith(("constraint-drop:", "index-drop:", "constraint:", "index:")):
                self.run(s.name)
        verb = "merge" if self.run("any-pushed")[0]["found"] else "create"
        counts = ws.counts()
        guard = None if personal else NameGuard(ws.people_names())  # people named in notes and the like
        node_keys = {label: node_columns(label)[1:] for label in LABELS}
        rel_keys = {rel: rel_columns(rel)[3:] for rel in REL_TYPES}

        def node_row(row: NodeRow) -> list[Any]:
            rec = node_record(row, personal, guard)
            return [rec["id"], *map(rec["props"].get, node_keys[row.type])]

        def rel_row(item: tuple[int, EdgeRow]) -> list[Any]:
            rec = edge_record(*item, personal, guard)
            props, keys = rec["props"], rel_keys[item[1].type]
            extra = {k: v for k, v in props.items() if k not in keys and k != "pushed"} or None
            return [rec["src"], rec["dst"], rec["eid"], *map(props.get, keys), extra]

        with _Sender(self, max(1, workers), result.stamp) as send:
            nodes = _Stage(send, "nodes", f"{verb}-nodes:", LABELS, batch_size, sum(counts["nodes"].values()),
                           progress, wrote=lambda n, answer: n)  # fmt: skip
            nodes.feed(((row.type, row) for row in ws.iter_nodes()), node_row)  # a node of no label: left out
            send.drain()  # every node is in before a relationship looks for its ends
            rels = _Stage(send, "relationships", f"{verb}-rels:", REL_TYPES, batch_size,
                          sum(counts["edges"].values()), progress,
                          wrote=lambda n, answer: answer[0]["n"] if answer else 0)  # fmt: skip
            rels.feed(((e.type, (eid, e)) for eid, e in ws.iter_edges()), rel_row)
        result.nodes, result.relationships = nodes.written, rels.written
        result.skipped = rels.skipped + rels.unknown  # of no type, or an end that is not there
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


class _Stage:
    """One stage of a push (``nodes``, then ``relationships``): the rows of each label or type of
    ``keys``, sent ``size`` at a time through ``send`` as the statement ``prefix + key``. As each
    batch is answered it counts, by key, the rows Neo4j wrote (``written``: ``wrote(rows sent,
    answer)``), and those it did not (``skipped``), and reports ``progress`` of ``total``; the items
    of no key are counted (``unknown``) and never sent."""

    def __init__(self, send: _Sender, name: str, prefix: str, keys: Iterable[str], size: int, total: int,
                 progress: Progress | None, wrote: Callable[[int, list], int]):  # fmt: skip
        self.send, self.name, self.prefix, self.size = send, name, prefix, size
        self.total, self.progress, self.wrote = total, progress, wrote
        self.buffers: dict[str, list[list[Any]]] = {key: [] for key in keys}
        self.written: dict[str, int] = {}
        self.skipped = self.unknown = self.done = 0

    def feed(self, items: Iterable[tuple[str, Any]], row: Callable[[Any], list[Any]]) -> None:
        """Send the ``row`` of each ``(key, item)``, then what is left of every key."""
        buffers = self.buffers
        for key, item in items:
            rows = buffers.get(key)
            if rows is None:
                self.unknown += 1
                continue
            rows.append(row(item))
            if len(rows) >= self.size:
                self.send(self.prefix + key, key, rows, self._sent)
                buffers[key] = []
        for key, rows in buffers.items():
            if rows:
                self.send(self.prefix + key, key, rows, self._sent)
                buffers[key] = []

    def _sent(self, key: str, n: int, answer: list) -> None:
        written = self.wrote(n, answer)
        self.written[key] = self.written.get(key, 0) + written
        self.skipped += n - written
        self.done += n
        if self.progress:
            self.progress(self.name, self.done, self.total)


class _Sender:
    """Runs batches on up to ``workers`` threads (each a transaction of its own), at most two per
    worker waiting, so that reading the workspace goes on while Neo4j writes. ``done(key, rows,
    answer)`` is called in the caller's thread; the first failure stops the push."""

    def __init__(self, store: Neo4jStore, workers: int, stamp: str):
        self.store, self.stamp, self.limit = store, stamp, 2 * workers
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="dangjian-push") if workers > 1 else None
        self.pending: deque[tuple[Future, str, int, Callable]] = deque()

    def __call__(self, name: str, key: str, rows: list, done: Callable[[str, int, list], None]) -> None:
        if self.pool is None:
            done(key, len(rows), self.store.run(name, rows=rows, stamp=self.stamp))
            return
        while len(self.pending) >= self.limit:
            self._finish_one()
        self.pending.append((self.pool.submit(self.store.run, name, rows=rows, stamp=self.stamp), key, len(rows), done))

    def _finish_one(self) -> None:
        future, key, n, done = self.pending.popleft()
        done(key, n, future.result())

    def drain(self) -> None:
        while self.pending:
            self._finish_one()

    def __enter__(self) -> _Sender:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            if exc_type is None:
                self.drain()
        finally:
            if self.pool is not None:
                for future, *_ in self.pending:
                    future.cancel()
                self.pool.shutdown(wait=True)


_FLOATS = frozenset(k for types_of, names in ((node_property_types, LABELS), (rel_property_types, REL_TYPES))
                    for x in names for k, t in types_of(x, personal=True).items() if t.startswith("float"))  # fmt: skip


def _shaped(props: dict[str, Any], key: str, dates: Sequence[str]) -> tuple[dict[str, Any], tuple]:
    """A pulled element's properties (the driver's own dict, changed in place) as the workspace's
    attributes, and its source: the projection gave dates as text, and every date key."""
    source = (props.pop("src_file", None), props.pop("src_sheet", None), props.pop("src_row", None))
    props.pop("pushed", None)
    props.pop(key, None)
    for k in dates:
        if props.get(k, 0) is None:
            del props[k]
    for k in _FLOATS:
        v = props.get(k)
        if v is not None:
            props[k] = _from_neo4j(v)
    return props, source


def _edges_of(rows: Iterable[list]) -> Iterator[Edge]:
    dates = _REL_DATES
    for eid, src, dst, rel, props in rows:
        attrs, source = _shaped(props, "eid", dates)
        attrs["type"] = rel
        attrs.setdefault("valid_from", None)
        attrs.setdefault("valid_to", None)
        attrs["source"] = source
        yield eid, src, dst, attrs


class Neo4jSource:
    """A :class:`~dangjian.graph.shards.GraphSource` reading a pushed graph. Safe to use from
    several threads (the driver is): ``concurrent`` shards are pulled at once."""

    concurrent = 2

    def __init__(self, store: Neo4jStore):
        self.store = store

    def _rows(self, name: str, **params: Any) -> list[list]:
        return self.store.rows(name, **params)

    def area_ids(self, levels: Sequence[str]) -> list[str]:
        return [r["id"] for r in self.store.run("areas-at", levels=list(levels))]

    def orphan_ids(self) -> list[str]:
        return [r["id"] for label in LABELS for r in self.store.run(f"orphans:{label}")]

    def people_names(self) -> list[str]:
        """The pushed people's names (masked when pushed without ``--personal``)."""
        return [r["name"] for label in LABELS if model().is_person(label)
                for r in self.store.run(f"people-names:{label}")]  # fmt: skip

    def nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunked(ids):
            for i, labels, props in self._rows("nodes-any", ids=chunk):
                label = next((x for x in labels if x in _LABEL_SET), None)
                if label is not None:
                    attrs, source = _shaped(props, "id", _NODE_DATES)
                    attrs["type"] = label
                    attrs.setdefault("name", None)
                    attrs["source"] = source
                    out[i] = attrs
        return out

    def edges(self, ids: Iterable[str], types: Sequence[str] | None = None, direction: str = "both") -> list[Edge]:
        valid = _statement_names()
        wanted = None if types is None else tuple(t for t in dict.fromkeys(types) if t in REL_TYPES)
        if wanted == ():
            return []
        names = [_edges_name(direction, wanted)]
        if names[0] not in valid:  # a set no pull declares: a statement per type
            names = [_edges_name(direction, (t,)) for t in wanted or ()]
        found: dict[int, Edge] = {}
        for chunk in _chunked(ids):
            for name in names:
                for e in _edges_of(self._rows(name, ids=chunk)):
                    found[e[0]] = e
        return list(found.values())

    def edges_except(self, ids: Sequence[str], known: Sequence[str]) -> list[Edge]:
        """Every relation of ``ids`` whose other end is not in ``known``, each once."""
        found: dict[int, Edge] = {}
        for chunk in _chunked(ids):
            inner = [*known, *chunk]  # a relation between two of the batch comes out, not in
            for e in _edges_of(self._rows("edges-out-except", ids=chunk, **{"except": list(known)})):
                found[e[0]] = e
            for e in _edges_of(self._rows("edges-in-except", ids=chunk, **{"except": inner})):
                found[e[0]] = e
        return list(found.values())

    def closure_edges(self, ids: Iterable[str], rel: str, direction: str) -> list[Edge] | None:
        """Every ``rel`` relationship reached from ``ids`` going ``direction``, in one statement per
        batch (None when no statement follows ``rel`` so: the caller steps)."""
        name = f"closure-{direction}:{rel}"
        if name not in _statement_names():
            return None
        found: dict[int, Edge] = {}
        for chunk in _chunked(ids):
            for e in _edges_of(self._rows(name, ids=chunk)):
                found[e[0]] = e
        return list(found.values())

    def weights(self, roots: Sequence[str]) -> dict[str, int]:
        """A size of each area's subtree: the relationships that end in its areas."""
        return {i: w for chunk in _chunked(roots) for i, w in self._rows("weights", ids=chunk)}

    def lookup(self, text: str, limit: int = 50) -> dict[str, dict[str, Any]]:
        """Nodes whose id or name is ``text``, or whose name starts with it."""
        out = {}
        for label in LABELS:
            for r in self.store.run(f"lookup:{label}", text=text, limit=limit):
                attrs, source = _attrs(r["props"], _NODE_KEYS)
                out[r["id"]] = {**attrs, "type": label, "name": attrs.get("name"), "source": source}
        return out

    def candidates(self, keys: Sequence[str]) -> nx.MultiDiGraph:
        """The nodes :meth:`lookup` finds for each of ``keys``, as a graph with no edge."""
        g = nx.MultiDiGraph()
        for key in dict.fromkeys(keys):
            g.add_nodes_from(self.lookup(key).items())
        return g


def _chunked(ids: Iterable[str], size: int = 50_000) -> Iterator[list[str]]:
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


def connect(uri: str, user: str, password: str, database: str = "neo4j", *, driver_factory: Any = None) -> Neo4jStore:
    """A :class:`Neo4jStore` for ``uri`` (``neo4j://``, ``neo4j+s://``, ``bolt://``, ...), checked
    to answer. Raises :class:`Neo4jError` with one line if it cannot connect or log in."""
    scheme = uri.partition("://")[0] if "://" in uri else ""
    if scheme not in SCHEMES:
        raise Neo4jError("neo4j.bad_uri", uri=uri, schemes=", ".join(s + "://" for s in SCHEMES))
    logging.getLogger("neo4j").addHandler(logging.NullHandler())  # its warnings: ours are one line
    if driver_factory is None:
        try:
            from neo4j import GraphDatabase
        except ImportError:
            raise Neo4jError("neo4j.no_driver") from None
        driver_factory = GraphDatabase.driver
    try:
        driver = driver_factory(uri, auth=(user, password), user_agent="dangjian")
    except Exception as exc:  # ConfigurationError, ValueError (a bad URI)
        raise Neo4jError("neo4j.cannot_use", uri=uri, detail=_one_line(exc)) from None
    store = Neo4jStore(driver, database)
    try:
        driver.verify_connectivity()
        store.run("ping")  # the login and the database
    except Exception as exc:  # ServiceUnavailable, AuthError, a database that does not exist
        driver.close()
        raise Neo4jError("neo4j.cannot_log_in", uri=uri, user=user, detail=_one_line(exc)) from None
    return store
