"""How the graph looks in Neo4j: labels, relationship types and typed properties, all from the schema.

Shared by the push through the driver and the bulk export for ``neo4j-admin``. Labels are the node
type names and relationship types the edge type names of ``schema.yaml``; nothing read from the data
ever becomes a label, a type or (for nodes) a property key. A node carries ``id``, ``name``, its
non-ref schema properties (refs are relationships) and ``src_file``/``src_sheet``/``src_row``; a
relationship carries ``eid`` (the workspace edge id: its merge key), ``valid_from``, ``valid_to``,
its edge properties and its source. By default person names are masked and ID and phone numbers
left out; ``personal=True`` keeps them.

>>> from dangjian.graph.store import NodeRow
>>> node_property_types("Area")["households"], rel_property_types("MEMBER_OF")["valid_from"]
('int', 'date')
>>> row = NodeRow("M1", "Member", "张小华", {"name": "张小华", "phone": "13900000000",
...               "birth_date": "1980-01-01", "org": "P1"}, ("党员.csv", "", 2))
>>> node_record(row)
{'id': 'M1', 'props': {'name': '张*华', 'birth_date': datetime.date(1980, 1, 1), 'src_file': '党员.csv', 'src_sheet': '', 'src_row': 2}}
>>> node_record(row, personal=True)["props"]["phone"]
'13900000000'
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from collections.abc import Callable
from typing import Any

from dangjian.graph.privacy import NameGuard, mask_name
from dangjian.graph.schema import Property, model
from dangjian.graph.store import EdgeRow, NodeRow

__all__ = [
    "workspace_stamp",
    "MARK",
    "LABELS",
    "REL_TYPES",
    "NODE_KEYS",
    "REL_KEYS",
    "SOURCE_KEYS",
    "node_property_types",
    "rel_property_types",
    "property_keys",
    "node_record",
    "edge_record",
    "to_neo4j",
    "CONVERTERS",
]

LABELS: tuple[str, ...] = tuple(model().nodes)
# Every node dangjian writes also carries this label, and ids are unique across it: a node that
# another application wrote with one of the schema's labels and the same id is another node, never
# merged into, pulled or pruned.
MARK = "Dangjian"
REL_TYPES: tuple[str, ...] = tuple(model().edges)
SOURCE_KEYS = ("src_file", "src_sheet", "src_row")
NODE_KEYS = ("id", "name")  # before the schema properties
REL_KEYS = ("eid", "valid_from", "valid_to")  # before the edge properties
_RESERVED = frozenset((*REL_KEYS, *SOURCE_KEYS))

# Neo4j type of each schema property type (an array of it when the property is ``multiple``).
_TYPES = {"text": "string", "enum": "string", "id": "string", "id_number": "string", "phone": "string",
          "ref": "string", "int": "int", "number": "float", "bool": "boolean", "date": "date"}  # fmt: skip
_LITERAL = {str: "string", bool: "boolean", int: "int", float: "float"}


def _neo_type(p: Property) -> str:
    t = _TYPES[p.type]
    return f"{t}[]" if p.multiple else t


@functools.cache
def _node_props(label: str) -> tuple[tuple[str, str, str | None], ...]:
    """(key, neo4j type, sensitive) of the schema properties a node of ``label`` carries."""
    rt = model().node(label)
    return tuple((p.name, _neo_type(p), p.sensitive) for p in rt.properties.values()
                 if not p.is_ref and p.name not in NODE_KEYS)  # fmt: skip


@functools.cache
def _rel_props(rel_type: str) -> tuple[tuple[str, str, str | None], ...]:
    """(key, neo4j type, sensitive) of the edge properties ``rel_type`` can carry: the literal
    ``edge_props`` of the refs that make it and the extra columns of the link rosters whose
    rows are it (what the loader keeps: all but the two ends and valid_from/valid_to)."""
    m = model()
    found: dict[str, tuple[str, str | None]] = {}

    def add(key: str, neo: str, sensitive: str | None) -> None:
        if key in REL_KEYS or key in SOURCE_KEYS:
            return
        old = found.get(key)
        found[key] = (
            neo if old is None or old[0] == neo else "string",
            sensitive or (old[1] if old else None),
        )

    for rt in m.nodes.values():
        for p in rt.refs:
            if p.edge == rel_type:
                for key, value in p.edge_props.items():
                    add(key, _LITERAL.get(type(value), "string"), None)
    for lt in m.links.values():
        if rel_type not in lt.link_edges():
            continue
        for p in lt.properties.values():
            if p.name not in (lt.link_from, lt.link_to, "valid_from", "valid_to"):
                add(p.name, _neo_type(p), p.sensitive)
    return tuple((k, t, s) for k, (t, s) in found.items())


def node_property_types(label: str, *, personal: bool = False) -> dict[str, str]:
    """Property key -> Neo4j type (string, int, float, boolean, date, or ``T[]``) of a node of
    ``label``, in column order. Without ``personal`` the hidden properties are not listed."""
    out = {"id": "string", "name": "string"}
    out.update((k, t) for k, t, s in _node_props(label) if personal or s != "hide")
    out.update(src_file="string", src_sheet="string", src_row="int")
    return out


def rel_property_types(rel_type: str, *, personal: bool = False) -> dict[str, str]:
    """Property key -> Neo4j type of a relationship of ``rel_type``, in column order."""
    if rel_type not in model().edges:
        raise KeyError(rel_type)
    out = {"eid": "int", "valid_from": "date", "valid_to": "date"}
    out.update((k, t) for k, t, s in _rel_props(rel_type) if personal or s != "hide")
    out.update(src_file="string", src_sheet="string", src_row="int")
    return out


def property_keys() -> list[str]:
    """Every property key the project writes to Neo4j, sorted (for the Cypher linter)."""
    keys = {*NODE_KEYS, *REL_KEYS, *SOURCE_KEYS}
    keys.update(k for label in LABELS for k, _, _ in _node_props(label))
    keys.update(k for rel in REL_TYPES for k, _, _ in _rel_props(rel))
    return sorted(keys)


def _string(v: Any) -> str | None:
    if type(v) is str:
        return v
    return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _int(v: Any) -> int | None:
    if type(v) is not int:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            return None
        try:
            f = float(v)
            v = int(f) if f.is_integer() else None
        except (ValueError, OverflowError):
            return None
    return v if v is not None and -(2**63) <= v < 2**63 else None  # what Neo4j's INTEGER holds


def _float(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        return None
    try:
        f = float(v)
    except (ValueError, OverflowError):
        return None
    return f if math.isfinite(f) else None


def _boolean(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None


def _date(v: Any) -> dt.date | None:
    if type(v) is str:
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return v if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else None


def _array(one: Callable[[Any], Any]) -> Callable[[Any], list | None]:
    def convert(v: Any) -> list | None:
        items = v if isinstance(v, (list, tuple)) else [v]
        out = [x for x in map(one, items) if x is not None]
        return out or None

    return convert


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "string": _string, "int": _int, "float": _float, "boolean": _boolean, "date": _date,
}  # fmt: skip
CONVERTERS = {**_SCALARS, **{f"{t}[]": _array(c) for t, c in _SCALARS.items()}}


def to_neo4j(value: Any, neo_type: str) -> Any:
    """``value`` as the Python value the driver sends as ``neo_type``, or None if it is missing
    or does not fit (never raises).

    >>> to_neo4j("2024-02-30", "date"), to_neo4j("12", "int"), to_neo4j(["a", None], "string[]")
    (None, 12, ['a'])
    """
    return CONVERTERS[neo_type](value) if value is not None else None


def _shown(value: Any, sensitive: str | None, personal: bool) -> Any:
    if personal or sensitive is None:
        return value
    if sensitive == "mask":
        return [mask_name(v) for v in value] if isinstance(value, list) else mask_name(value)
    return None


def _source(props: dict[str, Any], source: tuple) -> None:
    file, sheet, row = (*(source or ()), None, None, None)[:3]
    if type(file) is str:
        props["src_file"] = file
    if type(sheet) is str:
        props["src_sheet"] = sheet
    if row is not None and (row := _int(row)) is not None:
        props["src_row"] = row


@functools.cache
def _node_spec(label: str, personal: bool) -> tuple[str | None, tuple[tuple[str, Callable, str | None, bool], ...]]:
    """(the name's sensitivity, (key, converter, sensitivity, free text?) of each property sent)."""
    rt = model().node(label)
    props = tuple((k, CONVERTERS[t], s, rt.properties[k].type == "text") for k, t, s in _node_props(label)
                  if personal or s != "hide")  # fmt: skip
    return rt.properties["name"].sensitive, props


def workspace_stamp(ws) -> str:
    """The stamp of a workspace's content (its schema version, last load and counts): what every
    node and relationship a push or an export writes carries as ``pushed``. The same workspace
    gives the same stamp, so a second push changes nothing; reads take only stamped elements."""
    loads = ws.loads()
    last = (loads[-1]["id"], loads[-1]["at"]) if loads else (0, "")
    counts = ws.counts()
    text = f"{ws.schema_version}|{last}|{sorted(counts['nodes'].items())}|{sorted(counts['edges'].items())}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def node_record(row: NodeRow, personal: bool = False, guard: NameGuard | None = None) -> dict[str, Any]:
    """``{"id": ..., "props": {...}}`` of a workspace node: what the driver merges on ``id`` and
    sets. Values missing or unparsable are left out. ``guard`` masks people's names inside the
    other texts (notes, addresses), unless ``personal``."""
    name_sensitive, spec = _node_spec(row.type, personal) if row.type in LABELS else (None, ())
    props: dict[str, Any] = {}
    name = _string(_shown(row.name, name_sensitive, personal)) if row.name is not None else None
    if name is not None and guard is not None and not personal and name_sensitive is None:
        name = guard(name)  # a member's name inside a unit's (张小华便利店), a number
    if name is not None:
        props["name"] = name
    values = row.props
    for key, convert, sensitive, free in spec:  # names hide only in free text (not in choices, dates, ids)
        value = values.get(key)
        if value is not None and (value := _leaving(value, convert, sensitive, personal, guard if free else None)) \
                is not None:  # fmt: skip
            props[key] = value
    _source(props, row.source)
    return {"id": row.id, "props": props}


def _leaving(value: Any, convert: Callable, sensitive: str | None, personal: bool, guard: NameGuard | None) -> Any:
    """A property value as it leaves the workspace: masked or hidden as the schema says, people's
    names masked inside other text, converted for Neo4j (None: left out)."""
    if not personal:
        if sensitive is not None:
            value = _shown(value, sensitive, personal)
            if value is None:
                return None
        elif guard:
            if type(value) is str:
                value = guard(value)
            elif type(value) is list:
                value = [guard(v) if type(v) is str else v for v in value]
    return convert(value)


@functools.cache
def _rel_spec(rel_type: str) -> dict[str, tuple[Callable, str | None]]:
    return {k: (CONVERTERS[t], s) for k, t, s in _rel_props(rel_type)} if rel_type in REL_TYPES else {}


_UNKNOWN = (_string, None)


def edge_record(eid: int, row: EdgeRow, personal: bool = False, guard: NameGuard | None = None) -> dict[str, Any]:
    """``{"src", "dst", "eid", "props"}`` of a workspace edge. Edge properties the schema does not
    know are kept as strings; reserved keys (eid, valid_from, valid_to, src_*) are never
    overwritten by them. ``guard``: as for :func:`node_record`."""
    props: dict[str, Any] = {}
    if row.valid_from is not None and (value := _date(row.valid_from)) is not None:
        props["valid_from"] = value
    if row.valid_to is not None and (value := _date(row.valid_to)) is not None:
        props["valid_to"] = value
    if row.props:
        known = _rel_spec(row.type)
        for key, value in row.props.items():
            if key in _RESERVED or value is None:
                continue
            convert, sensitive = known.get(key, _UNKNOWN)
            if (value := _leaving(value, convert, sensitive, personal, guard)) is not None:
                props[key] = value
    _source(props, row.source)
    return {"src": row.src, "dst": row.dst, "eid": int(eid), "props": props}
