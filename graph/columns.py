"""The workspace's tables as columns: every node and edge, one sub-table per type, each column in
chunks of :data:`CHUNK` rows, each chunk a segment (JSON) decoded only when it is first read.

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

import bisect
import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import orjson

from dangjian.graph.errors import WorkspaceError
from dangjian.graph.hanzi import pinyin_keys, simplified
from dangjian.graph.schema import model

__all__ = ["Tables", "NodeRows", "Positions", "NODE_COLUMNS", "EDGE_COLUMNS", "FORMAT", "search_keys", "containing"]

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
        try:
            if len(set(values[:64])) > 16:  # ids, row numbers: no dictionary for them (checked cheaply)
                return _dump(list(values))
            distinct = dict.fromkeys(values)
        except TypeError:  # a list among the values
            distinct = None
        # few values, and not two of bool, int and float among them (1, 1.0 and True are one key)
        if distinct is not None and len(distinct) * 4 <= n and len({type(v) for v in distinct} & _NUMBERS) <= 1:
            index = {v: i for i, v in enumerate(distinct)}
            return _dump({"values": list(distinct), "codes": list(map(index.__getitem__, values))})
    return _dump(list(values))


_NUMBERS = frozenset({bool, int, float})


#: rows per segment of a column: a reader of a few rows (a shard, one entity) decodes their chunks only
CHUNK = 8192


def _put_column(out: dict[str, bytes], name: str, values: list | tuple) -> None:
    """The column's chunks; a chunk of nulls only (most edges' dates) is not written at all."""
    for k, start in enumerate(range(0, len(values), CHUNK)):
        part = values[start : start + CHUNK]
        if part.count(None) != len(part):
            out[f"{name}{_SEP}{k}"] = _dump_column(part)


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


def containing(values: list[str], needle: str, *, prefix: bool = False, lower: bool = False) -> list[int] | None:
    """The positions of the values that contain ``needle`` (``prefix``: that start with it; ``lower``:
    compared in lower case), the values searched as one text, in C, instead of one by one; None when
    that cannot be done (a line break in the needle, lower case beyond ASCII): search one by one.

    >>> containing(["M1", "m12", "X2"], "m1", lower=True), containing(["祥云", "云祥"], "祥", prefix=True)
    ([0, 1], [0])
    """
    if "\n" in needle or not needle:
        return None
    text = "\n" + "\n".join(values)
    if lower:
        if not text.isascii():
            return None
        text = text.lower()
    starts = list(itertools.accumulate((len(v) + 1 for v in values), initial=0))  # the break before each
    mark = "\n" + needle if prefix else needle
    out, i = [], text.find(mark)
    while i != -1:
        p = bisect.bisect_right(starts, i) - 1
        if not prefix or starts[p] == i:  # (a prefix: at the value's start, not after a break inside it)
            out.append(p)
            i = text.find(mark, starts[p] + len(values[p]) + 1)  # each value once
        else:
            i = text.find(mark, i + 1)
    return out


def segment_name(table: str, type_name: str, column: str) -> str:
    return f"{table}{_SEP}{type_name}{_SEP}{column}"


class Tables:
    """The nodes and edges of a workspace as columns, decoded from ``segments`` (name -> JSON bytes)
    on first use. Read it; never change the lists it gives.

    ``fetch``, when given, reads the segments of a column that ``segments`` does not hold (a name
    prefix -> those segments): a reader of the workspace then fetches only the columns it reads."""

    def __init__(self, segments: dict[str, bytes], path: str = "",
                 fetch: Callable[[str], dict[str, bytes]] | None = None):  # fmt: skip
        self._raw = dict(segments)
        self.path = path  # the workspace's, for messages
        self._fetch = fetch
        self._fetched: set[str] = set()
        cat = self._decode(_CATALOGUE, _load, self._raw.pop(_CATALOGUE)) if _CATALOGUE in self._raw else {}
        #: table -> type -> its property keys (sorted), in the order the types first appear
        self.keys: dict[str, dict[str, list[str]]] = {t: cat.get(t, {}).get("keys", {}) for t in ("nodes", "edges")}
        self._types: dict[str, list[str]] = {t: cat.get(t, {}).get("types", []) for t in ("nodes", "edges")}
        self._counts: dict[str, dict[str, int]] = {t: cat.get(t, {}).get("counts", {}) for t in ("nodes", "edges")}
        self._cols: dict[str, list] = {}
        self._chunks: dict[str, dict[int, list]] = {}  # column -> chunk -> rows, of columns read in part
        self._positions: Positions | None = None
        self._located = 0  # nodes located before the map of positions was built

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
            n = self.count(table) if type_name == "" else self.count(table, type_name)
            found = []
            for k in range((n + CHUNK - 1) // CHUNK):
                part = self._chunk(name, k)
                found.extend(part if part is not None else [None] * min(CHUNK, n - k * CHUNK))
            self._chunks.pop(name, None)
            self._cols[name] = found
        return found

    def cell(self, table: str, type_name: str, column: str, p: int) -> Any:
        """``column(table, type_name, column)[p]``, decoding only the chunk that holds row ``p``."""
        return self.cell_of(segment_name(table, type_name, column), p)

    def cell_of(self, name: str, p: int) -> Any:
        """:meth:`cell` of the column named ``name`` (:func:`segment_name`)."""
        found = self._cols.get(name)
        if found is not None:
            return found[p]
        part = self._chunk(name, p // CHUNK)
        return None if part is None else part[p % CHUNK]

    def _chunk(self, name: str, k: int) -> list | None:
        """Rows ``k * CHUNK`` on of a column, decoded once; None for a column no row has."""
        chunks = self._chunks.setdefault(name, {})
        if k not in chunks:
            self._fetch_column(name)
            raw = self._raw.pop(f"{name}{_SEP}{k}", None)
            chunks[k] = None if raw is None else self._decode(f"{name}{_SEP}{k}", _load_column, raw)
        return chunks[k]

    def _fetch_column(self, name: str) -> None:
        """Bring the segments of column ``name`` (its chunks, or the segment of that name) from the
        workspace, once."""
        if self._fetch is not None and name not in self._fetched:
            self._fetched.add(name)
            self._raw.update(self._fetch(name))

    def _decode(self, name: str, how: Callable[[bytes], Any], raw: bytes) -> Any:
        """A segment decoded; one that cannot be (a damaged file) is an error that says so."""
        try:
            return how(raw)
        except (ValueError, TypeError, KeyError, IndexError):
            raise WorkspaceError("workspace.damaged", path=self.path, segment=name.replace(_SEP, "/")) from None

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
        self._fetch_column(name)
        if name in self._raw:
            self._cols[name] = self._decode(name, _load, self._raw.pop(name))
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

    def locate(self, n: str) -> tuple[str, int] | None:
        """(type, position) of node ``n``, or None: a scan of the id columns (in C) for the first
        few asked, then :meth:`positions` (a reader of a handful of nodes builds no map of them all)."""
        if self._positions is not None:
            return self._positions.get(n)
        self._located += 1
        if self._located > 8:
            return self.positions().get(n)
        for t in self.types("nodes"):
            ids = self.column("nodes", t, "id")
            try:
                return t, ids.index(n)
            except ValueError:
                continue
        return None

    def positions(self) -> Positions:
        """node id -> (its type, its position in that type's sub-table). Built once."""
        if self._positions is None:
            self._positions = Positions({t: self.column("nodes", t, "id") for t in self.types("nodes")})
        return self._positions

    # -- writing -------------------------------------------------------------------------------
    @staticmethod
    def encode(nodes: Iterable[tuple[Any, int]], edges: Iterable[tuple[int, Any, int]]) -> dict[str, bytes]:
        """The segments of these rows: ``nodes`` as ``(NodeRow, load id)`` and ``edges`` as
        ``(edge id, EdgeRow, load id)``, each in the order they are to be read back."""
        out: dict[str, bytes] = {}
        nodes, edges = list(nodes), list(edges)
        node_types, node_seq = _by_type(nodes, [r.type for r, _ in nodes])
        edge_types, edge_seq = _by_type(edges, [e.type for _, e, _ in edges])
        catalogue = {"nodes": _write("nodes", node_types, node_seq, _node_columns, out),
                     "edges": _write("edges", edge_types, edge_seq, _edge_columns, out)}  # fmt: skip
        people = model().people
        keys: dict[Any, list[tuple[str, str]]] = {}
        for t, items in node_types.items():  # what find searches a name by, kept with the names
            if t not in people:
                _put_column(out, segment_name("nodes", t, "search"),
                            [keys[n] if n in keys else keys.setdefault(n, search_keys(n)) for n in (r.name for r, _ in items)])  # fmt: skip
        rank = {item[0].id: i for i, item in enumerate(nodes)}
        ends = {t: ([e.src for _, e, _ in items], [e.dst for _, e, _ in items]) for t, items in edge_types.items()}
        if not all(all(map(rank.__contains__, src)) and all(map(rank.__contains__, dst)) for src, dst in ends.values()):
            for _, e, _ in edges:
                for end in (e.src, e.dst):  # an end not stored comes after every stored node, as first met
                    rank.setdefault(end, len(rank))
        for t, (src, _) in ends.items():
            # the positions of the edges in the order of their sources (ties in id order), when
            # that is not their order already: what the rules' index lists them in
            ranks = list(map(rank.__getitem__, src))
            if any(map(operator.gt, ranks, ranks[1:])):
                out[segment_name("edges", t, "by_source")] = _dump(sorted(range(len(ranks)), key=ranks.__getitem__))
        out[_CATALOGUE] = _dump(catalogue)
        return out


def _by_type(items: list, types: list[str]) -> tuple[dict[str, list], list[int]]:
    """The items grouped by type (types in the order first met, each group in the items' order),
    and each item's type as an index into them."""
    index = {t: i for i, t in enumerate(dict.fromkeys(types))}
    seq = list(map(index.__getitem__, types))
    order = sorted(range(len(items)), key=seq.__getitem__)  # stable, and quick on runs of one type
    ordered = list(map(items.__getitem__, order))
    groups, start = {}, 0
    for t, n in zip(index, map(seq.count, range(len(index))), strict=True):
        groups[t], start = ordered[start : start + n], start + n
    return groups, seq


def _node_columns(items: list) -> tuple[dict[str, Any], list[dict]]:
    # transposed in C (zip), not read field by field: a city has hundreds of thousands of rows
    rows, lids = zip(*items, strict=True)
    ids, _, names, props, sources = zip(*rows, strict=True)
    files, sheets, lines = zip(*sources, strict=True)
    return dict(zip(NODE_COLUMNS, (ids, names, files, sheets, lines, lids), strict=True)), props


def _edge_columns(items: list) -> tuple[dict[str, Any], list[dict]]:
    eids, rows, lids = zip(*items, strict=True)
    _, src, dst, vf, vt, props, sources, owner, link = zip(*rows, strict=True)
    files, sheets, lines = zip(*sources, strict=True)
    return dict(zip(EDGE_COLUMNS, (eids, src, dst, vf, vt, owner, link, files, sheets, lines, lids), strict=True)), props


def _write(table: str, groups: dict[str, list], seq: list[int], columns: Callable[[list], tuple[dict, Any]],
           out: dict[str, bytes]) -> dict[str, Any]:  # fmt: skip
    """Write each type's columns and properties; the table's part of the catalogue."""
    keys: dict[str, list[str]] = {}
    for t, items in groups.items():
        fixed, props = columns(items)
        for name, col in fixed.items():
            _put_column(out, segment_name(table, t, name), col)
        found = sorted(set().union(*props)) if props else []
        keys[t] = found
        for k in found:
            _put_column(out, segment_name(table, t, "p:" + k), list(map(dict.get, props, itertools.repeat(k))))
    _put_column(out, segment_name(table, "", "sequence"), seq)
    return {"types": list(groups), "keys": keys, "counts": {t: len(items) for t, items in groups.items()}}


class Positions(Mapping):
    """node id -> (its type, its position in that type's sub-table), over a map per type built in C
    (``dict(zip(ids, range))``): no tuple per node until one is asked for.

    >>> at = Positions({"Member": ["m1", "m2"], "Area": ["a1"]})
    >>> at.get("m2"), at.get("a1"), "x" in at, len(at), list(at.items())[:1]
    (('Member', 1), ('Area', 0), False, 3, [('m1', ('Member', 0))])
    """

    def __init__(self, ids: dict[str, list[str]]):
        self._maps = [(t, dict(zip(col, range(len(col)), strict=True))) for t, col in ids.items()]

    def __getitem__(self, n: str) -> tuple[str, int]:
        for t, m in self._maps:
            p = m.get(n)
            if p is not None:
                return t, p
        raise KeyError(n)

    def get(self, n: str, default: Any = None) -> Any:
        for t, m in self._maps:
            p = m.get(n)
            if p is not None:
                return t, p
        return default

    def __contains__(self, n: object) -> bool:
        return any(n in m for _, m in self._maps)

    def __iter__(self) -> Iterator[str]:
        return itertools.chain.from_iterable(m for _, m in self._maps)

    def __len__(self) -> int:
        return sum(map(len, (m for _, m in self._maps)))

    def items(self) -> Iterator[tuple[str, tuple[str, int]]]:  # type: ignore[override]
        return ((n, (t, p)) for t, m in self._maps for n, p in m.items())


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
        self._maps: dict[str, dict[str, Any]] = {}  # key -> by_key(key, with_none=True), built once

    @property
    def _at(self) -> Positions:
        return self._t.positions()

    def __getitem__(self, n: str) -> _Row:
        found = self._t.locate(n)
        if found is None:
            raise KeyError(n)
        return _Row(self._views[found[0]], found[1])

    def __contains__(self, n: object) -> bool:
        return isinstance(n, str) and self._t.locate(n) is not None

    def __iter__(self) -> Iterator[str]:
        ids = {n: self._t.column("nodes", n, "id") for n in self._t.types("nodes")}
        return (ids[t][p] for t, p in self._t.order("nodes"))

    def __len__(self) -> int:
        return self._t.count("nodes")

    def attr(self, n: str, key: str, default: Any = None) -> Any:
        """``self[n].get(key, default)``, without making the row (``default`` too for an id not
        stored)."""
        v = self._map(key).get(n, default)
        return default if v is None and key not in _FIXED else v  # a row holds no property that is None

    def values(self, nodes: Iterable[str], key: str) -> list[Any]:
        """``[self.attr(n, key) for n in nodes]``, looked up in C (one map of the key, built once)."""
        return list(map(self._map(key).get, nodes))

    def _map(self, key: str) -> dict[str, Any]:
        found = self._maps.get(key)
        if found is None:  # None values kept: no filter in Python, the whole map is built in C
            found = self._maps[key] = self.by_key(key, with_none=True)
        return found

    def by_key(self, key: str, with_none: bool = False) -> dict[str, Any]:
        """id -> that attribute, for every node that has it (or, ``with_none``, every node of a type
        that has the key, None where a node has no value)."""
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
                col = t.column("nodes", type_name, "p:" + key)
                if with_none:
                    out.update(zip(ids, col, strict=True))
                else:
                    out.update((i, v) for i, v in zip(ids, col, strict=True) if v is not None)
        return out


class _TypeView:
    __slots__ = ("t", "type", "keys", "keyset", "names")

    def __init__(self, tables: Tables, type_name: str):
        self.t, self.type = tables, type_name
        self.keys = tables.keys["nodes"].get(type_name, [])
        self.keyset = frozenset(self.keys)
        fixed = ("name", "src_file", "src_sheet", "src_row")
        self.names = {**{k: segment_name("nodes", type_name, k) for k in fixed},
                      **{k: segment_name("nodes", type_name, "p:" + k) for k in self.keys}}  # fmt: skip

    def cell(self, key: str, p: int) -> Any:
        return self.t.cell_of(self.names[key], p)


_FIXED = ("type", "name", "source")


class _Row(Mapping):
    """One node's attributes, read from its type's columns (the chunk that holds the row)."""

    __slots__ = ("_v", "_p")

    def __init__(self, view: _TypeView, p: int):
        self._v, self._p = view, p

    def __getitem__(self, key: str) -> Any:
        v, p = self._v, self._p
        if key == "type":  # the row's own type, name and source come before a property of that key
            return v.type
        if key == "name":
            return v.cell("name", p)
        if key == "source":
            return (v.cell("src_file", p), v.cell("src_sheet", p), v.cell("src_row", p))
        if key in v.keyset:
            found = v.cell(key, p)
            if found is not None:
                return found
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        """The properties in key order, then type, name and source (where no property took their
        place): the order of :func:`~dangjian.graph.build.to_networkx`'s attribute dicts."""
        v, p = self._v, self._p
        own = [k for k in v.keys if v.cell(k, p) is not None]
        yield from own
        yield from (k for k in _FIXED if k not in own)

    def __len__(self) -> int:
        return sum(1 for _ in self)
