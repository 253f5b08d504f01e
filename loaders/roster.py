"""From raw sheets to typed rows: which roster a sheet is, where its header is, and each row's
values checked against the schema.

A sheet is matched to the record type whose header aliases (from ``schema.yaml``) it shares most,
with a bonus when the sheet or file name names the roster; the header row is found among the
first rows even under merged title rows.

>>> from dangjian.loaders.readers import Sheet
>>> plan = plan_sheet(Sheet("x.csv", "x", [["台账"], ["姓名", "党员类别", "党员情况", "所在党组织"]]))
>>> plan.type.name, plan.header_row
('Member', 1)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dangjian.graph.privacy import mask_name
from dangjian.graph.schema import Property, RecordType, header_key, model
from dangjian.loaders import normalize as nz

__all__ = ["Row", "Reject", "SheetPlan", "plan_sheet", "parse_rows", "filled", "mask_name", "HEADER_SCAN_ROWS"]

HEADER_SCAN_ROWS = 30
Source = tuple[str, str, int]


@dataclass
class Reject:
    """One problem with one row: where it is, which column, the value and why (a reason code)."""

    source: Source
    column: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Row:
    """A roster row with typed values. ``refs`` keeps reference cells as text until resolved."""

    type: RecordType
    source: Source
    values: dict[str, Any]
    refs: dict[str, list[str]]
    columns: dict[str, str]  # property -> header as written in the file
    present: frozenset[str]  # properties the sheet has a column for
    id: str | None = None
    resolved: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # prop -> [(id, type)]
    problems: list[Reject] = field(default_factory=list)  # non-empty: the row is rejected


@dataclass
class SheetPlan:
    type: RecordType
    header_row: int  # 0-based index into sheet.rows
    columns: list[tuple[int, Property, str]]  # (column index, property, header as written)
    ignored: list[str]
    missing_required: list[Property]


@functools.lru_cache(maxsize=1)
def _alias_index() -> dict[str, dict[str, str]]:
    """record type -> header key -> property name."""
    out: dict[str, dict[str, str]] = {}
    for rt in model().records:
        idx: dict[str, str] = {}
        for p in rt.properties.values():
            for text in (p.name, p.labels["zh"], p.labels["en"], *p.aliases):
                idx.setdefault(header_key(text), p.name)
        out[rt.name] = idx
    return out


def _name_hint(rt: RecordType, *names: str) -> bool:
    keys = [header_key(n) for n in names]
    hints = [header_key(h) for h in (rt.roster["zh"], rt.roster["en"], rt.name, *rt.sheet_aliases)]
    return any(h and h in k for h in hints for k in keys)


def plan_sheet(sheet) -> SheetPlan | None:
    """Recognise the roster in ``sheet``: its record type, header row and column mapping.
    None when no row looks like a roster header."""
    from pathlib import Path

    stem = Path(sheet.file).stem
    best: tuple[float, int, RecordType] | None = None
    index = _alias_index()
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        keys = {header_key(c) for c in row if isinstance(c, str) and c.strip()}
        if len(keys) < 2:
            continue
        for rt in model().records:
            matched = {index[rt.name][k] for k in keys if k in index[rt.name]}
            if len(matched) < 2:
                continue
            req = [p.name for p in rt.required]
            score = len(matched) + 0.5 * sum(p in matched for p in req)
            if _name_hint(rt, sheet.name, stem):
                score += 2
            if best is None or score > best[0]:
                best = (score, r, rt)
    if best is None:
        return None
    _, r, rt = best
    columns, ignored, seen = [], [], set()
    for c, cell in enumerate(sheet.rows[r]):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        key = header_key(cell)
        if key in model().ignore_columns:
            continue
        pname = index[rt.name].get(key)
        if pname is None or pname in seen:
            ignored.append(nz.clean_text(cell))
            continue
        seen.add(pname)
        columns.append((c, rt.properties[pname], nz.clean_text(cell)))
    missing = [p for p in rt.required if p.name not in seen]
    return SheetPlan(rt, r, columns, ignored, missing)


def shown_value(prop: Property, cell: Any, lang: str = "zh") -> str:
    """A cell or value as it may appear in a report: ID and phone numbers hidden, names masked,
    choices by their label."""
    if isinstance(cell, list):
        return "、".join(shown_value(prop, c, lang) for c in cell)
    if prop.enum is not None and cell in prop.enum.values:
        return prop.enum.label(cell, lang)
    if isinstance(cell, bool):
        return ("是" if cell else "否") if lang == "zh" else ("yes" if cell else "no")
    text = "" if cell is None else nz.clean_text(cell)
    if prop.sensitive == "hide" and text:
        return "***"
    if prop.sensitive == "mask" and text:
        return mask_name(text)
    return text


def _converter(prop: Property, lang: str) -> Callable[[Any], Any]:
    """The function that turns one cell of this property into its value (raising BadValue)."""
    t = prop.type
    if t == "enum":
        enum = prop.enum
        choices = "、".join(enum.choices(lang)) if lang == "zh" else ", ".join(enum.choices(lang))

        def conv_enum(cell: Any) -> str:
            v = enum.match(nz.clean_text(cell))
            if v is None:
                raise nz.BadValue("bad_enum", choices=choices)
            return v

        return _cached(conv_enum)
    if t == "date":
        return _cached(nz.parse_date)
    if t == "bool":
        return _cached(nz.parse_bool)
    return {
        "id": nz.clean_id,
        "text": nz.clean_text,
        "int": nz.parse_int,
        "number": nz.parse_number,
        "id_number": nz.parse_id_number,
        "phone": nz.parse_phone,
        "ref": _cached(nz.split_multi if prop.multiple else (lambda cell: [nz.clean_text(cell)])),
    }[t]


def _cached(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Memoise a converter over the few distinct values a column of dates or choices holds."""
    cache: dict[Any, Any] = {}

    def conv(cell: Any) -> Any:
        key = (type(cell), cell)
        try:
            hit = cache[key]
        except (KeyError, TypeError):
            try:
                hit = fn(cell)
            except nz.BadValue as exc:
                hit = exc
            try:
                cache[key] = hit
            except TypeError:
                pass
        if isinstance(hit, nz.BadValue):
            raise hit
        return hit

    return conv


def filled(row: list) -> bool:
    """Whether a sheet row has a cell that is not blank (stops at the first one)."""
    return not all(map(nz.is_blank, row))


def parse_rows(sheet, plan: SheetPlan, lang: str = "zh") -> Iterator[Row]:
    """Each non-blank data row of ``sheet`` as a :class:`Row`; a row that breaks the schema has
    ``problems`` (and the values that could be read, for better messages about it later)."""
    rt = plan.type
    convs = [(c, p.name, p, header, _converter(p, lang), p.type == "ref") for c, p, header in plan.columns]
    present = frozenset(p.name for _, p, _ in plan.columns)
    columns = {p.name: h for _, p, h in plan.columns}  # shared by the rows of this sheet
    required = [(p.name, columns[p.name]) for p in rt.required if p.name in present]
    missing = [Reject(("", "", 0), p.label(lang), "", "missing_column", {"column": p.label(lang)})
               for p in plan.missing_required]  # fmt: skip
    defaults = [(p.name, p.default_from["property"], rt.prop(p.default_from["property"]).enum,
                 p.default_from["attribute"]) for p in rt.properties.values() if p.default_from]  # fmt: skip
    file, name = sheet.file, sheet.name
    rows = sheet.rows
    for r in range(plan.header_row + 1, len(rows)):
        raw = rows[r]
        if not filled(raw):
            continue
        source = (file, name, r + 1)
        values: dict[str, Any] = {}
        refs: dict[str, list[str]] = {}
        problems: list[Reject] = []
        n = len(raw)
        for c, pname, prop, header, conv, is_ref in convs:
            if c >= n:
                continue
            cell = raw[c]
            if cell is None or (type(cell) is str and not cell.strip()):
                continue
            try:
                v = conv(cell)
            except nz.BadValue as exc:
                shown = shown_value(prop, cell)
                problems.append(Reject(source, header, shown, exc.code, {**exc.params, "column": header,
                                                                          "value": shown}))  # fmt: skip
                continue
            if is_ref:
                if v:
                    refs[pname] = v
            elif v != "":
                values[pname] = v
        for pname, header in required:
            if pname not in values and pname not in refs:
                if problems and any(x.column == header for x in problems):
                    continue  # the cell was there but unreadable: already reported
                problems.append(Reject(source, header, "", "missing_required", {"column": header}))
        for m in missing:
            problems.append(Reject(source, m.column, "", m.code, m.params))
        if problems:
            yield Row(rt, source, values, refs, columns, present, problems=problems)
            continue
        for pname, src, enum, attr in defaults:
            if pname not in values and src in values:
                values[pname] = enum.attr(values[src], attr)
        yield Row(rt, source, values, refs, columns, present)
