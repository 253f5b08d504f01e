"""The schema as data: ``schema.yaml`` loaded once into a :class:`Model`.

Everything that needs to know the types (loaders, validation, templates, views) asks the model;
no other module keeps its own list of node types, edge types, columns or allowed values.

>>> from dangjian.graph.schema import model
>>> m = model()
>>> m.node("Member").prop("status").enum.match("正式")
'formal'
>>> m.node("Member").label("zh")
'党员'
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dangjian.graph.errors import SchemaError
from dangjian.wording import choose
from dangjian.wording import t as text_of

__all__ = [
    "Model",
    "Enum",
    "RecordType",
    "Style",
    "Property",
    "EdgeType",
    "model",
    "load_model",
    "header_key",
    "PROPERTY_TYPES",
    "LANGS",
]

# The schema file: the one shipped, or another named by DANGJIAN_SCHEMA (a copy extended with a type:
# every layer reads the model, so nothing else changes; tests/test_schema_extension.py does so).
SCHEMA_PATH = Path(os.environ.get("DANGJIAN_SCHEMA") or Path(__file__).with_name("schema.yaml"))
PROPERTY_TYPES = frozenset(
    {"id", "text", "int", "number", "date", "bool", "enum", "ref", "id_number", "phone"}
)
LANGS = ("zh", "en")

_HEADER_DROP = re.compile(r"[\s*＊:：]+|[（(][^）)]*[）)]")


def header_key(text: str) -> str:
    """Normalise a column header or alias for matching: NFKC, lower case, no spaces, no
    ``*`` required marks, no bracketed notes such as ``(必填)`` or ``（㎡）``."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return _HEADER_DROP.sub("", text)


def _label(raw: dict | None, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(lang), str) for lang in LANGS):
        raise SchemaError("schema.label", where=where)
    return {lang: raw[lang] for lang in LANGS}


@dataclass(frozen=True)
class Enum:
    """A set of allowed values, each with zh/en labels, aliases and extra attributes."""

    name: str
    labels: dict[str, str]
    values: dict[str, dict[str, Any]]
    _lookup: dict[str, str] = field(repr=False, compare=False)

    def match(self, text: str) -> str | None:
        """The value that ``text`` names (by value, label or alias), or None."""
        return self._lookup.get(header_key(text))

    def label(self, value: str, lang: str | None = None) -> str:
        return self.values[value][choose(lang)]

    def attr(self, value: str, name: str, default: Any = None) -> Any:
        return self.values[value].get(name, default)

    def choices(self, lang: str | None = None) -> list[str]:
        lang = choose(lang)
        return [v[lang] for v in self.values.values()]


@dataclass(frozen=True)
class Property:
    """One column of a roster: a property of a node, or an end of a link."""

    name: str
    type: str
    labels: dict[str, str]
    aliases: tuple[str, ...]
    required: bool = False
    enum: Enum | None = None
    targets: tuple[str, ...] = ()
    edge: str | None = None
    direction: str = "out"
    multiple: bool = False
    sensitive: str | None = None
    unit: str | None = None
    edge_valid_from: str | None = None
    edge_valid_to: str | None = None
    edge_props: dict[str, Any] = field(default_factory=dict)
    default_from: dict[str, str] | None = None
    recommended: bool = False  # not required, but its absence from a roster is worth a note
    from_id: str | None = None  # a fact an ID number tells (birth_date, sex), taken when empty

    def label(self, lang: str | None = None) -> str:
        return self.labels[choose(lang)]

    @property
    def is_ref(self) -> bool:
        return self.type == "ref"


@dataclass(frozen=True)
class RecordType:
    """A kind of roster: a node type (``Member``) or a link type whose rows are edges (``Post``)."""

    name: str
    is_link: bool
    labels: dict[str, str]
    roster: dict[str, str]
    sheet_aliases: tuple[str, ...]
    properties: dict[str, Property]
    derive_id: tuple[tuple[str, ...], ...] = ()  # alternatives, first complete one wins
    link_from: str | None = None
    link_to: str | None = None
    link_edge_from: str | None = None
    link_edge: str | None = None  # the one edge type every row makes (a link type with no edge_from)
    style: str | None = None  # the group views draw it in (Model.style)
    area: tuple[str, str] | None = None  # (edge type, direction from this node) that places it in an area
    home: tuple[str, ...] = ()  # the other relations that place it: edge types, "<EDGE" inward, or link types
    person: bool = False

    def label(self, lang: str | None = None) -> str:
        return self.labels[choose(lang)]

    def edge_of(self, values: dict) -> str:
        """The edge type a row of this link type makes: its fixed one, or the one its role names.

        >>> model().record("Post").edge_of({"role": "grid_leader"}), model().record("SignIn").edge_of({})
        ('GRID_LEADER_OF', 'TOOK_PART')
        """
        if self.link_edge:
            return self.link_edge
        return self.properties[self.link_edge_from].enum.attr(values[self.link_edge_from], "edge")

    def link_edges(self) -> tuple[str, ...]:
        """Every edge type the rows of this link type can make."""
        if self.link_edge:
            return (self.link_edge,)
        role = self.properties[self.link_edge_from].enum
        return tuple(dict.fromkeys(spec.get("edge") for spec in role.values.values()))

    def prop(self, name: str) -> Property:
        return self.properties[name]

    @functools.cached_property
    def refs(self) -> list[Property]:
        return [p for p in self.properties.values() if p.is_ref]

    @functools.cached_property
    def edge_refs(self) -> tuple[tuple[str, str, bool, bool, str | None, str | None, dict], ...]:
        """The references that make edges, as the loader writes them: (property, edge type,
        multiple?, inward?, valid-from property, valid-to property, edge properties)."""
        return tuple((p.name, p.edge, p.multiple, p.direction == "in", p.edge_valid_from, p.edge_valid_to,
                      p.edge_props) for p in self.refs if p.edge is not None)  # fmt: skip

    @functools.cached_property
    def required(self) -> list[Property]:
        return [p for p in self.properties.values() if p.required]


@dataclass(frozen=True)
class EdgeType:
    name: str
    labels: dict[str, str]
    from_types: tuple[str, ...]
    to_types: tuple[str, ...]
    to_levels: tuple[str, ...] = ()

    def label(self, lang: str | None = None) -> str:
        return self.labels[choose(lang)]


@dataclass(frozen=True)
class Style:
    """How views draw a group of nodes."""

    group: str
    shape: str
    colour: str
    size: int
    labels: dict[str, str]

    def label(self, lang: str | None = None) -> str:
        return self.labels[choose(lang)]


@dataclass(frozen=True)
class Model:
    """The loaded schema. Get it with :func:`model`."""

    version: int
    enums: dict[str, Enum]
    nodes: dict[str, RecordType]
    links: dict[str, RecordType]
    edges: dict[str, EdgeType]
    ignore_columns: frozenset[str] = frozenset()  # header keys of row-number columns
    styles: dict[str, Style] = field(default_factory=dict)  # group -> how views draw it
    roles: dict[str, str] = field(default_factory=dict)  # role the code knows -> node or edge type

    def role(self, name: str) -> str:
        """The node or edge type that plays ``role`` (what dangjian.graph.roles names).

        >>> model().role("org"), model().role("member_of")
        ('PartyOrg', 'MEMBER_OF')
        """
        return self.roles[name]

    def style(self, type_name: str | None, level: str | None = None) -> Style:
        """How views draw an entity of this type (an area: of this level); ``other`` when the
        schema says nothing.

        >>> model().style("PartyOrg").shape, model().style("Area", "street").group
        ('diamond', 'area_street')
        """
        rt = self.nodes.get(type_name) if type_name is not None else None
        by_level = rt.properties.get("level") if rt is not None else None  # a level's own style
        group = None
        if by_level is not None and by_level.enum is not None and level in by_level.enum.values:
            group = by_level.enum.attr(level, "style")
        group = group or (rt.style if rt is not None else None) or "other"
        return self.styles.get(group) or self.styles["other"]

    def node(self, name: str) -> RecordType:
        return self.nodes[name]

    def record(self, name: str) -> RecordType:
        """A node type or a link type by name."""
        return self.nodes.get(name) or self.links[name]

    @property
    def records(self) -> list[RecordType]:
        return [*self.nodes.values(), *self.links.values()]

    def edge(self, name: str) -> EdgeType:
        return self.edges[name]

    def area_rank(self, level: str) -> int:
        return self.enums["area_level"].attr(level, "rank")

    def sensitive(self, type_name: str) -> dict[str, str]:
        """Property name -> ``mask`` or ``hide`` for the sensitive properties of a type."""
        rt = self.record(type_name)
        return {p.name: p.sensitive for p in rt.properties.values() if p.sensitive}

    def is_person(self, type_name: str | None) -> bool:
        """Whether entities of this type are people (their names masked, never searched by name).

        >>> model().is_person("Member"), model().is_person("Area"), model().is_person(None)
        (True, False, False)
        """
        rt = self.nodes.get(type_name) if type_name is not None else None
        return rt is not None and rt.person

    @functools.cached_property
    def people(self) -> frozenset[str]:
        """The node types that are people."""
        return frozenset(t for t, rt in self.nodes.items() if rt.person)

    def area_edge(self, type_name: str | None) -> tuple[str, str] | None:
        """(edge type, ``out`` or ``in``) of the relation that places an entity of this type in an
        area, or None (areas, people).

        >>> model().area_edge("Unit"), model().area_edge("Agreement")
        (('LOCATED_IN', 'out'), ('PARTY_TO', 'in'))
        """
        rt = self.nodes.get(type_name) if type_name is not None else None
        return rt.area if rt is not None else None

    def home_edges(self, type_name: str | None) -> tuple[tuple[str, str], ...]:
        """Every relation that places an entity of this type, (edge type, direction from it), its
        area relation first: what decides which shard owns it.

        >>> model().home_edges("Unit")
        (('LOCATED_IN', 'out'),)
        """
        return self._homes.get(type_name, ()) if type_name is not None else ()

    @functools.cached_property
    def _homes(self) -> dict[str, tuple[tuple[str, str], ...]]:
        out = {}
        for t, rt in self.nodes.items():
            found: list[tuple[str, str]] = [rt.area] if rt.area else []
            for item in rt.home:
                if item in self.links:  # the relations a link type's rows make, from their person
                    found += [(edge, "out") for edge in self.links[item].link_edges()]
                elif item.startswith("<"):
                    found.append((item[1:], "in"))
                else:
                    found.append((item, "out"))
            out[t] = tuple(dict.fromkeys(found))
        return out


def _enum(name: str, raw: dict) -> Enum:
    values: dict[str, dict[str, Any]] = {}
    lookup: dict[str, str] = {}
    for value, spec in (raw.get("values") or {}).items():
        spec = dict(spec or {})
        _label({k: spec.get(k) for k in LANGS}, f"enum {name}.{value}")
        aliases = [str(a) for a in spec.pop("aliases", [])]
        values[value] = spec
        for text in (value, spec["zh"], spec["en"], *aliases):
            key = header_key(text)
            if lookup.get(key, value) != value:
                raise SchemaError("schema.enum_twice", name=name, text=text, a=lookup[key], b=value)
            lookup[key] = value
    if not values:
        raise SchemaError("schema.enum_empty", name=name)
    return Enum(name, _label(raw.get("label"), f"enum {name}"), values, lookup)


_PROP_KEYS = {
    "type", "label", "aliases", "required", "values", "targets", "edge", "direction", "multiple",
    "sensitive", "unit", "edge_valid_from", "edge_valid_to", "edge_props", "default_from", "recommended",
    "from_id",
}  # fmt: skip
ID_FACTS = ("birth_date", "sex")  # what an ID number tells of its holder


def _property(owner: str, name: str, raw: dict, enums: dict[str, Enum]) -> Property:
    where = f"{owner}.{name}"
    unknown = set(raw) - _PROP_KEYS
    if unknown:
        raise SchemaError("schema.unknown_keys", where=where, keys=", ".join(sorted(unknown)))
    ptype = raw.get("type")
    if ptype not in PROPERTY_TYPES:
        raise SchemaError("schema.bad_type", where=where, type=ptype, types=", ".join(sorted(PROPERTY_TYPES)))
    enum = None
    if ptype == "enum":
        enum = enums.get(raw.get("values"))
        if enum is None:
            raise SchemaError("schema.no_enum", where=where, enum=raw.get("values"))
    if ptype == "ref" and not raw.get("targets"):
        raise SchemaError("schema.ref_targets", where=where)
    if raw.get("direction", "out") not in ("in", "out"):
        raise SchemaError("schema.direction", where=where)
    if raw.get("sensitive") not in (None, "mask", "hide"):
        raise SchemaError("schema.sensitive", where=where)
    if raw.get("from_id") not in (None, *ID_FACTS):
        raise SchemaError("schema.from_id", where=where, facts=", ".join(ID_FACTS))
    return Property(
        name=name,
        type=ptype,
        labels=_label(raw.get("label"), where),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
        required=bool(raw.get("required", False)),
        enum=enum,
        targets=tuple(raw.get("targets", [])),
        edge=raw.get("edge"),
        direction=raw.get("direction", "out"),
        multiple=bool(raw.get("multiple", False)),
        sensitive=raw.get("sensitive"),
        unit=raw.get("unit"),
        edge_valid_from=raw.get("edge_valid_from"),
        edge_valid_to=raw.get("edge_valid_to"),
        edge_props=dict(raw.get("edge_props") or {}),
        default_from=raw.get("default_from"),
        recommended=bool(raw.get("recommended", False)),
        from_id=raw.get("from_id"),
    )


def _record(name: str, raw: dict, enums: dict[str, Enum], is_link: bool) -> RecordType:
    props = {
        pname: _property(name, pname, praw or {}, enums)
        for pname, praw in (raw.get("properties") or {}).items()
    }
    if not is_link and ("id" not in props or "name" not in props):
        raise SchemaError("schema.id_and_name", name=name)
    return RecordType(
        name=name,
        is_link=is_link,
        labels=_label(raw.get("label"), name),
        roster=_label(raw.get("roster"), f"{name}.roster"),
        sheet_aliases=tuple(str(a) for a in raw.get("sheet_aliases", [])),
        properties=props,
        derive_id=_alternatives(raw.get("derive_id", [])),
        link_from=raw.get("from"),
        link_to=raw.get("to"),
        link_edge_from=raw.get("edge_from"),
        link_edge=raw.get("edge") if is_link else None,
        style=(name.lower() if isinstance(raw.get("style"), dict) else raw.get("style")),
        area=_relation(raw["area"]) if raw.get("area") else None,
        home=tuple(_home_item(x) for x in raw.get("home", [])),
        person=bool(raw.get("person", False)),
    )


def _relation(raw: str | dict) -> tuple[str, str]:
    """``EDGE`` (out of the node) or ``{edge: EDGE, direction: in|out}``."""
    if isinstance(raw, str):
        return raw, "out"
    return str(raw["edge"]), str(raw.get("direction", "out"))


def _home_item(raw: str | dict) -> str:
    edge, way = _relation(raw)
    return f"<{edge}" if way == "in" else edge


def _style(group: str, raw: dict, label: Any) -> Style:
    try:
        return Style(group, str(raw["shape"]), str(raw["colour"]), int(raw["size"]), _label(label, f"style {group}"))
    except (KeyError, TypeError, ValueError):
        raise SchemaError("schema.style", group=group) from None


def _alternatives(raw: list) -> tuple[tuple[str, ...], ...]:
    """``[a, b]`` is one way to derive an id; ``[[a], [b, c]]`` lists several, first wins."""
    if raw and all(isinstance(x, str) for x in raw):
        return (tuple(raw),)
    return tuple(tuple(alt) for alt in raw)


def _check(m: Model) -> None:
    for role, name in m.roles.items():
        if name not in m.nodes and name not in m.edges:
            raise SchemaError("schema.role", role=role, name=name)
    """Cross-references inside the schema must all resolve."""
    for rt in m.records:
        for p in rt.properties.values():
            for t in p.targets:
                if t not in m.nodes:
                    raise SchemaError("schema.target", where=f"{rt.name}.{p.name}", target=t)
            if p.edge is not None:
                et = m.edges.get(p.edge)
                if et is None:
                    raise SchemaError("schema.no_edge", where=f"{rt.name}.{p.name}", edge=p.edge)
                ends = (set(p.targets), {rt.name})
                src, dst = ends if p.direction == "in" else ends[::-1]
                if not src <= set(et.from_types) or not dst <= set(et.to_types):
                    raise SchemaError("schema.edge_ends", where=f"{rt.name}.{p.name}", edge=p.edge)
            for other in (p.edge_valid_from, p.edge_valid_to):
                if other is not None and other not in rt.properties:
                    raise SchemaError("schema.no_property", where=f"{rt.name}.{p.name}", name=other)
            if p.default_from and p.default_from["property"] not in rt.properties:
                raise SchemaError("schema.default_from", where=f"{rt.name}.{p.name}")
        for pname in (p for alt in rt.derive_id for p in alt):
            if pname not in rt.properties:
                raise SchemaError("schema.derive_id", where=rt.name, name=pname)
        if rt.is_link:
            for end in (rt.link_from, rt.link_to, *(() if rt.link_edge else (rt.link_edge_from,))):
                if end not in rt.properties:
                    raise SchemaError("schema.link_end", link=rt.name, name=end)
            if rt.link_edge:
                if rt.link_edge not in m.edges:
                    raise SchemaError("schema.link_edge", link=rt.name, value=rt.link_edge)
                continue
            role = rt.properties[rt.link_edge_from].enum
            if role is None:
                raise SchemaError("schema.link_edge_from", link=rt.name)
            for value, spec in role.values.items():
                if spec.get("edge") not in m.edges:
                    raise SchemaError("schema.link_edge", link=rt.name, value=value)
    for t, rt in m.nodes.items():  # the facts code asks of a type
        for edge, way in ([rt.area] if rt.area else []) + [(h.lstrip("<"), "in" if h[0] == "<" else "out")
                                                            for h in rt.home if h not in m.links]:  # fmt: skip
            et = m.edges.get(edge)
            if et is None or way not in ("in", "out") or t not in (et.from_types if way == "out" else et.to_types):
                raise SchemaError("schema.home_edge", where=t, edge=edge, way=way)
        if rt.style is not None and rt.style not in m.styles:
            raise SchemaError("schema.no_style", where=t, style=rt.style)
        if rt.person and rt.properties["name"].sensitive != "mask":
            raise SchemaError("schema.person_mask", where=t)
    for level in m.enums["area_level"].values:
        if m.enums["area_level"].attr(level, "style", "other") not in m.styles:
            raise SchemaError("schema.level_style", level=level)
    for et in m.edges.values():
        for t in (*et.from_types, *et.to_types):
            if t not in m.nodes:
                raise SchemaError("schema.edge_type", edge=et.name, name=t)
        for level in et.to_levels:
            if level not in m.enums["area_level"].values:
                raise SchemaError("schema.edge_level", edge=et.name, level=level)


# libyaml's safe loader where PyYAML has it: it reads the schema 7x faster (every command reads it)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_model(path: str | Path = SCHEMA_PATH) -> Model:
    """Read and check a schema file. Most callers want :func:`model` instead."""
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError("schema.cannot_read", path=path, detail=exc) from None
    enums = {name: _enum(name, spec) for name, spec in (raw.get("enums") or {}).items()}
    edges = {
        name: EdgeType(
            name=name,
            labels=_label(spec.get("label"), f"edge {name}"),
            from_types=tuple(spec.get("from", [])),
            to_types=tuple(spec.get("to", [])),
            to_levels=tuple(spec.get("to_levels", [])),
        )
        for name, spec in (raw.get("edges") or {}).items()
    }
    styles = {g: _style(g, spec, spec.get("label")) for g, spec in (raw.get("styles") or {}).items()}
    for n, spec in (raw.get("nodes") or {}).items():  # a type's own group, labelled as the type
        if isinstance(spec.get("style"), dict):
            styles[n.lower()] = _style(n.lower(), spec["style"], spec["style"].get("label", spec.get("label")))
    styles.setdefault("other", Style("other", "dot", "#999999", 8, {lang: text_of("view.other", lang) for lang in LANGS}))
    m = Model(
        styles=styles,
        version=int(raw["version"]),
        enums=enums,
        nodes={n: _record(n, s, enums, False) for n, s in (raw.get("nodes") or {}).items()},
        links={n: _record(n, s, enums, True) for n, s in (raw.get("links") or {}).items()},
        edges=edges,
        ignore_columns=frozenset(header_key(c) for c in raw.get("ignore_columns", [])),
        roles={str(k): str(v) for k, v in (raw.get("roles") or {}).items()},
    )
    _check(m)
    return m


@functools.lru_cache(maxsize=1)
def model() -> Model:
    """The project's schema, loaded once."""
    return load_model()
