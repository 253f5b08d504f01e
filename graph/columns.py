"""The workspace's tables as columns: every node and edge, one sub-table per type, each column a
segment (a JSON list) decoded only when it is first read.

A command reads the columns it needs, not the rows: the gap rules read the ids, a few properties
and the edges' ends and dates, never the sources; ``show`` reads one community's rows. The rows are
in the order a load wrote them (``sequence``: the type of each row, in that order), and a node's
properties are the non-null values of its type's property columns.

>>> from dangjian.graph.store import NodeRow
>>> t = Tables.encode([(NodeRow("c", "Area", "祥云社区", {"level": "community"}, ("a.csv", "", 2)), 1)], [])
>>> tables = Tables(t)
>>> tables.column("nodes", "Area", "p:level"), tables.count("nodes")
(['community'], 1)
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from dangjian.graph.hanzi import pinyin_keys, simplified
from dangjian.graph.schema import model

__all__ = ["Tables", "NodeRows", "NODE_COLUMNS", "EDGE_COLUMNS", "FORMAT", "search_keys"]

#: the format of the segments; a workspace of another format is refused (load its rosters again)
FORMAT = "columns-1"
#: the fixed columns of each node type's sub-table (properties follow as ``p:KEY``)
NODE_COLUMNS = ("id", "name", "src_file", "src_sheet", "src_row", "load_id")
#: the fixed columns of each edge type's sub-table
EDGE_COLUMNS = ("id", "src", "dst", "valid_from", "valid_to", "owner", "link_key", "src_file", "src_sheet",
                "src_row", "load_id")  # fmt: skip
_SEP = "\x1f"
_CATALOGUE = "catalogue"
_STDLIB = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_EXACT = b"\x00"  # marks a segment the standard library wrote and must read: orjson would read
# an integer beyond 64 bits as a float


def _dump(values: Any) -> bytes:
    """JSON (orjson; the standard library for what orjson refuses, integers beyond 64 bits)."""
    try:
        return orjson.dumps(values)
    except TypeError:
        return _EXACT + _STDLIB.encode(values).encode()


def _load(raw: bytes) -> Any:
    return json.loads(raw[1:]) if raw[:1] == _EXACT else orjson.loads(raw)


def _dump_column(values: list | tuple) -> bytes:
    """A column as JSON: a list, or for a column of few distinct values (types of place, files, dates)
    ``{"values": [...], "codes": [...]}``, which decodes faster and into shared objects."""
    n = len(values)
    if n >= 64:
        distinct: dict[tuple[type, Any], int] = {}  # keyed with the type: 1, 1.0 and True stay apart
        try:
            codes = [distinct.setdefault((v.__class__, v), len(distinct)) for v in values]
        except TypeError:  # a list among the values
            codes = None
        if codes is not None and len(distinct) * 4 <= n:
            return _dump({"values": [v for _, v in distinct], "codes": codes})
    return _dump(list(values))


def _load_column(raw: bytes) -> list:
    found = _load(raw)
    if type(found) is dict:
        return list(map(found["values"].__getitem__, found["codes"]))
    return found


def search_keys(name: Any) -> list[tuple[str, str]]:
    """The (full pinyin, initials) a name is found by: of the name, and of its simplified form when
    that differs (祥雲社區 is found as xiangyunshequ too).

    >>> search_keys("祥云社区")
    [('xiangyunshequ', 'xysq')]
    """
    text = "" if name is None else str(name)
    if not text:
        return []
    plain = simplified(text)
    return [pinyin_keys(text)] if plain.lower() == text.lower() else [pinyin_keys(text), pinyin_keys(plain)]


def segment_name(table: str, type_name: str, column: str) -> str:
    return f"{table}{_SEP}{type_name}{_SEP}{column}"


class Tables:
    """The nodes and edges of a workspace as columns, decoded from ``segments`` (name -> JSON bytes)
    on first use. Read it; never change the lists it gives."""

    def __init__(self, segments: dict[str, bytes]):
        self._raw = dict(segments)
        cat = _load(self._raw.pop(_CATALOGUE)) if _CATALOGUE in self._raw else {}
        #: table -> type -> its property keys (sorted), in the order the types first appear
        self.keys: dict[str, dict[str, list[str]]] = {t: cat.get(t, {}).get("keys", {}) for t in ("nodes", "edges")}
        self._types: dict[str, list[str]] = {t: cat.get(t, {}).get("types", []) for t in ("nodes", "edges")}
        self._counts: dict[str, dict[str, int]] = {t: cat.get(t, {}).get("counts", {}) for t in ("nodes", "edges")}
        self._cols: dict[str, list] = {}
        self._positions: dict[str, tuple[str, int]] | None = None

    # -- reading -------------------------------------------------------------------------------
    def types(self, table: str) -> list[str]:
        """The types that have rows in ``table`` (``nodes`` or ``edges``)."""
        return self._types[table]

    def count(self, table: str, type_name: str | None = None) -> int:
        counts = self._counts[table]
        return sum(counts.values()) if type_name is None else counts.get(type_name, 0)

    def counts(self, table: str) -> dict[str, int]:
        return dict(self._counts[table])

    def column(self, table: str, type_name: str, column: str) -> list:
        """One column of one type's rows, in their order (a property's: ``p:KEY``, None where a
        row has none). Decoded once."""
        name = segment_name(table, type_name, column)
        found = self._cols.get(name)
        if found is None:
            raw = self._raw.pop(name, None)
            found = _load_column(raw) if raw is not None else [None] * self.count(table, type_name)
            self._cols[name] = found
        return found

    def sequence(self, table: str) -> list[int]:
        """The type of every row of ``table`` in the order they were written, as an index into
        :meth:`types`."""
        return self.column(table, "", "sequence")

    def order(self, table: str) -> Iterator[tuple[str, int]]:
        """(type, position in its sub-table) of every row, in the order they were written."""
        types = self.types(table)
        at = dict.fromkeys(range(len(types)), 0)
        for t in self.sequence(table):
            yield types[t], at[t]
            at[t] += 1

    def search(self, type_name: str) -> list:
        """The pinyin keys of each name of that type (:func:`search_keys`), kept by the load; None for
        the schema's person types, whose names are never searched."""
        return self.column("nodes", type_name, "search")

    def by_source(self, edge_type: str) -> list[int] | None:
        """The positions of that type's edges in the order of their sources' places (a source's
        edges in id order), or None when that is the order they are in."""
        name = segment_name("edges", edge_type, "by_source")
        if name in self._raw:
            self._cols[name] = _load(self._raw.pop(name))
        return self._cols.get(name)

    def props(self, table: str, type_name: str) -> list[dict[str, Any]]:
        """A new dict of properties for each row of that type (keys sorted, nulls left out)."""
        n = self.count(table, type_name)
        out: list[dict[str, Any]] = [{} for _ in range(n)]
        for key in self.keys[table].get(type_name, ()):
            for d, v in zip(out, self.column(table, type_name, "p:" + key), strict=True):
                if v is not None:
                    d[key] = v
        return out

    def sources(self, table: str, type_name: str) -> list[tuple[str, str, int]]:
        c = self.column
        return list(zip(c(table, type_name, "src_file"), c(table, type_name, "src_sheet"),
                        c(table, type_name, "src_row"), strict=True))  # fmt: skip

    def positions(self) -> dict[str, tuple[str, int]]:
        """node id -> (its type, its position in that type's sub-table). Built once."""
        if self._positions is None:
            self._positions = {i: (t, p) for t in self.types("nodes")
                               for p, i in enumerate(self.column("nodes", t, "id"))}  # fmt: skip
        return self._positions

    # -- writing -------------------------------------------------------------------------------
    @staticmethod
    def encode(nodes: Iterable[tuple[Any, int]], edges: Iterable[tuple[int, Any, int]]) -> dict[str, bytes]:
        """The segments of these rows: ``nodes`` as ``(NodeRow, load id)`` and ``edges`` as
        ``(edge id, EdgeRow, load id)``, each in the order they are to be read back."""
        out: dict[str, bytes] = {}
        catalogue: dict[str, Any] = {}
        node_cols = _Builder(NODE_COLUMNS)
        rank: dict[str, int] = {}
        for r, load_id in nodes:
            node_cols.add(r.type, (r.id, r.name, *r.source, load_id), r.props)
            rank[r.id] = len(rank)
        edge_cols = _Builder(EDGE_COLUMNS)
        for eid, e, load_id in edges:
            edge_cols.add(e.type, (eid, e.src, e.dst, e.valid_from, e.valid_to, e.owner, e.link_key, *e.source,
                                   load_id), e.props)  # fmt: skip
            for end in (e.src, e.dst):  # an end not stored comes after every stored node, as first met
                if end not in rank:
                    rank[end] = len(rank)
        for table, b in (("nodes", node_cols), ("edges", edge_cols)):
            catalogue[table] = b.write(table, out)
        people = model().people
        for t, rows in node_cols.rows.items():  # what find searches a name by, kept with the names
            if t not in people:
                out[segment_name("nodes", t, "search")] = _dump([search_keys(r[1]) for r in rows])
        for t, rows in edge_cols.rows.items():
            # the positions of the edges in the order of their sources (ties in id order), when
            # that is not their order already: what the rules' index lists them in
            ranks = [rank[row[1]] for row in rows]
            if any(a > b for a, b in zip(ranks, ranks[1:], strict=False)):
                out[segment_name("edges", t, "by_source")] = _dump(sorted(range(len(rows)), key=ranks.__getitem__))
        out[_CATALOGUE] = _dump(catalogue)
        return out


class _Builder:
    """Rows of one table gathered by type, then written as columns."""

    def __init__(self, fixed: tuple[str, ...]):
        self.fixed = fixed
        self.rows: dict[str, list[tuple]] = {}
        self.props: dict[str, list[dict]] = {}
        self.seq: list[int] = []
        self.index: dict[str, int] = {}

    def add(self, type_name: str, fixed: tuple, props: dict) -> None:
        i = self.index.get(type_name)
        if i is None:
            i = self.index[type_name] = len(self.index)
            self.rows[type_name], self.props[type_name] = [], []
        self.seq.append(i)
        self.rows[type_name].append(fixed)
        self.props[type_name].append(props)

    def write(self, table: str, out: dict[str, bytes]) -> dict[str, Any]:
        keys: dict[str, list[str]] = {}
        for t, rows in self.rows.items():
            for name, col in zip(self.fixed, zip(*rows, strict=True), strict=True):
                out[segment_name(table, t, name)] = _dump_column(col)
            props = self.props[t]
            found = sorted({k for p in props for k in p})
            keys[t] = found
            for k in found:
                out[segment_name(table, t, "p:" + k)] = _dump_column([p.get(k) for p in props])
        out[segment_name(table, "", "sequence")] = _dump(self.seq)
        return {"types": list(self.index), "keys": keys, "counts": {t: len(r) for t, r in self.rows.items()}}


class NodeRows(Mapping):
    """node id -> its attributes as :func:`~dangjian.graph.build.to_networkx` gives them (``type``,
    ``name``, ``source`` and the properties), read from the columns when asked: a property column
    is decoded when a first row asks for it. Ids in the order written.

    >>> from dangjian.graph.store import NodeRow
    >>> rows = NodeRows(Tables(Tables.encode([(NodeRow("m", "Member", "张小华", {"status": "formal"}, ("", "", 2)), 1)], [])))
    >>> dict(rows["m"]), "x" in rows
    ({'status': 'formal', 'type': 'Member', 'name': '张小华', 'source': ('', '', 2)}, False)
    """

    def __init__(self, tables: Tables):
        self._t = tables
        self._views = {n: _TypeView(tables, n) for n in tables.types("nodes")}
        self._at = tables.positions()
        self._by_key: dict[str, dict[str, Any]] = {}

    def __getitem__(self, n: str) -> _Row:
        type_name, p = self._at[n]
        return _Row(self._views[type_name], p)

    def __contains__(self, n: object) -> bool:
        return n in self._at

    def __iter__(self) -> Iterator[str]:
        ids = {n: self._t.column("nodes", n, "id") for n in self._t.types("nodes")}
        return (ids[t][p] for t, p in self._t.order("nodes"))

    def __len__(self) -> int:
        return len(self._at)

    def attr(self, n: str, key: str, default: Any = None) -> Any:
        """``self[n].get(key, default)``, without making the row (``default`` too for an id not
        stored)."""
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = self.by_key(key)
        return found.get(n, default)

    def by_key_cached(self, key: str) -> dict[str, Any]:
        """:meth:`by_key`, built once per key (read it, never change it)."""
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = self.by_key(key)
        return found

    def by_key(self, key: str) -> dict[str, Any]:
        """id -> that attribute, for every node that has it (built once per key)."""
        t = self._t
        out: dict[str, Any] = {}
        for type_name in t.types("nodes"):
            ids = t.column("nodes", type_name, "id")
            if key == "type":
                out.update(zip(ids, itertools.repeat(type_name, len(ids)), strict=True))
            elif key == "name":
                out.update(zip(ids, t.column("nodes", type_name, "name"), strict=True))
            elif key == "source":
                out.update(zip(ids, t.sources("nodes", type_name), strict=True))
            elif key in self._views[type_name].keyset:
                out.update((i, v) for i, v in zip(ids, t.column("nodes", type_name, "p:" + key), strict=True) if v is not None)
        return out


class _TypeView:
    __slots__ = ("t", "type", "keys", "keyset", "cols")

    def __init__(self, tables: Tables, type_name: str):
        self.t, self.type = tables, type_name
        self.keys = tables.keys["nodes"].get(type_name, [])
        self.keyset = frozenset(self.keys)
        self.cols: dict[str, list] = {}

    def col(self, key: str) -> list:
        found = self.cols.get(key)
        if found is None:
            found = self.cols[key] = self.t.column("nodes", self.type, key)
        return found


_FIXED = ("type", "name", "source")


class _Row(Mapping):
    """One node's attributes, read from its type's columns."""

    __slots__ = ("_v", "_p")

    def __init__(self, view: _TypeView, p: int):
        self._v, self._p = view, p

    def __getitem__(self, key: str) -> Any:
        v = self._v
        if key == "type":
            return v.type
        if key == "name":
            return v.col("name")[self._p]
        if key == "source":
            p = self._p
            return (v.col("src_file")[p], v.col("src_sheet")[p], v.col("src_row")[p])
        if key in v.keyset:
            found = v.col("p:" + key)[self._p]
            if found is not None:
                return found
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        p = self._p
        yield from (k for k in self._v.keys if self._v.col("p:" + k)[p] is not None)
        yield from _FIXED

    def __len__(self) -> int:
        return sum(1 for _ in self)
