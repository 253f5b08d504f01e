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
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dangjian.graph.privacy import looks_like_name, mask_name
from dangjian.graph.safe import has_invisible, strip_invisible
from dangjian.graph.schema import Property, RecordType, header_key, model
from dangjian.loaders import normalize as nz
from dangjian.wording import t as text_of

__all__ = ["Row", "Reject", "SheetPlan", "plan_sheet", "parse_rows", "filled", "mask_name", "HEADER_SCAN_ROWS",
           "KINDS", "footer_word", "names_people"]  # fmt: skip

HEADER_SCAN_ROWS = 30
Source = tuple[str, str, int]


# What an entry of the load report says of its row: the row was rejected; it was loaded but the
# user must know something (a warning); the line was skipped (a footer, a continuation); it was
# merged into an earlier row of the same entity; a note about a sheet or file as a whole; a file
# that could not be read at all.
KINDS = ("reject", "warning", "skip", "merge", "note", "error")


@dataclass
class Reject:
    """One entry of the load report: where (file, sheet, row), which column, the value shown (ID
    numbers hidden, names masked), why (a reason code and its parameters) and its ``kind``."""

    source: Source
    column: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    kind: str = "reject"


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
    warnings: list[Reject] = field(default_factory=list)  # loaded, but the user is told


@dataclass
class SheetPlan:
    type: RecordType
    header_row: int  # 0-based index into sheet.rows
    columns: list[tuple[int, Property, str]]  # (column index, property, header as written)
    ignored: list[str]
    missing_required: list[Property]
    absent: list[Property] = field(default_factory=list)  # recommended columns the sheet lacks


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
        keys = {_cell_key(c) for c in row if isinstance(c, str) and c.strip()}
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
        key = _cell_key(cell)
        if key in model().ignore_columns:
            continue
        pname = index[rt.name].get(key)
        shown = nz.clean_text(strip_invisible(str(cell)))
        if pname is None or pname in seen:
            ignored.append(shown)
            continue
        seen.add(pname)
        columns.append((c, rt.properties[pname], shown))
    missing = [p for p in rt.required if p.name not in seen]
    absent = [p for p in rt.properties.values() if p.recommended and p.name not in seen]
    return SheetPlan(rt, r, columns, ignored, missing, absent)


def _cell_key(cell: Any) -> str:
    """A header cell's key, read through invisible characters and traditional characters."""
    text = strip_invisible(str(cell))
    return header_key(_simplified(text))


_simplified = nz.simplified


_ID_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9:_/.\-]+$")


def names_people(prop: Property) -> bool:
    """Whether a reference column names people (a post's 人员): its texts are names, masked."""
    return prop.is_ref and _people_targets(prop.targets)


@functools.cache
def _people_targets(targets: tuple[str, ...]) -> bool:
    m = model()
    return any(m.is_person(t) for t in targets)


def shown_value(prop: Property, cell: Any, lang: str = "zh") -> str:
    """A cell or value as it may appear in a report: ID and phone numbers hidden, names masked
    (in a column of names, and in a reference to a person unless it is an ID such as M001),
    choices by their label."""
    if isinstance(cell, list):
        return "、".join(shown_value(prop, c, lang) for c in cell)
    if prop.enum is not None and cell in prop.enum.values:
        return prop.enum.label(cell, lang)
    if isinstance(cell, bool):
        return text_of("yes" if cell else "no", lang)
    text = "" if cell is None else nz.clean_text(strip_invisible(str(cell)) if isinstance(cell, str) else cell)
    if prop.sensitive == "hide" and text:
        return "***"
    if (prop.sensitive == "mask" or names_people(prop)) and text and not (prop.is_ref and _ID_LIKE.match(text)):
        return mask_name(text)
    return text


def _converter(prop: Property, lang: str) -> Callable[[Any], Any]:
    """The function that turns one cell of this property into its value (raising BadValue)."""
    t = prop.type
    if t == "enum":
        enum = prop.enum
        choices = text_of("report.kind_sep", lang).join(enum.choices(lang))

        def conv_enum(cell: Any) -> str:
            text = nz.clean_text(cell)
            v = enum.match(text)
            if v is None:  # traditional characters: 正式黨員
                v = enum.match(_simplified(text))
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


# The first cell of a row that is no data: totals, signatures, dates and notes under a table, and
# the example row of the template.
_FOOTER = re.compile(
    r"^(合计|小计|总计|共计|累计|汇总)(?=$|[:：\s\d(（])"
    r"|^(填表人|制表人|填报人|审核人|审批人|负责人|统计人|经办人|制表日期|填表日期|填报日期|报送日期|统计日期|"
    r"制表时间|填表时间|填报时间|填表单位|填报单位|制表单位|备注|说明|附注|注)(?=$|\s*[:：])"
    r"|^(示例|样例)"
)


_FOOTER_FIRST = frozenset("合小总共累汇填制审负统经报备说附注示样總匯製審負統經報備說註樣")  # the words' first characters


def footer_word(row: list) -> str | None:
    """The word that marks a footer or note row (合计, 填表人, 备注：…), or None for a data row.

    >>> footer_word(["合计", "", 12]), footer_word(["", "填表人：张华 审核人：李明"]), footer_word(["合计公司"])
    ('合计', '填表人', None)
    >>> footer_word(["合計"]), footer_word(["製表日期：2024年5月"])
    ('合计', '制表日期')
    """
    for cell in row:
        if nz.is_blank(cell):
            continue
        if not isinstance(cell, str) or cell.lstrip()[:1] not in _FOOTER_FIRST:
            return None
        m = _FOOTER.match(_simplified(nz.clean_text(cell)).replace(" ", ""))
        return next(g for g in m.groups() if g) if m else None
    return None


def parse_rows(sheet, plan: SheetPlan, lang: str = "zh") -> Iterator[Row | Reject]:
    """Each data line of ``sheet`` after the header: a :class:`Row` (a row that breaks the schema
    has ``problems``, and the values that could be read, for better messages about it later), or
    a :class:`Reject` of kind ``skip`` for a line that is no data (a footer, a repeated header,
    the continuation of a cell over several lines). Blank rows are no lines of data."""
    rt = plan.type
    convs = [(c, p.name, p, header, _converter(p, lang), p.type == "ref", p.type not in _FREE)
             for c, p, header in plan.columns]  # fmt: skip
    present = frozenset(p.name for _, p, _ in plan.columns)
    columns = {p.name: h for _, p, h in plan.columns}  # shared by the rows of this sheet
    required = [(p.name, columns[p.name]) for p in rt.required if p.name in present]
    missing = [Reject(("", "", 0), p.label(lang), "", "missing_column", {"column": p.label(lang)})
               for p in plan.missing_required]  # fmt: skip
    defaults = [(p.name, p.default_from["property"], rt.prop(p.default_from["property"]).enum,
                 p.default_from["attribute"]) for p in rt.properties.values() if p.default_from]  # fmt: skip
    from_id = [(p.name, p.from_id, p.label(lang)) for p in rt.properties.values() if p.from_id]
    id_prop = next((p.name for p in rt.properties.values() if p.type == "id_number"), None)
    file, name = sheet.file, sheet.name
    person = _people_targets((rt.name,))  # a roster of people: names masked wherever they turn up
    rows = sheet.rows
    lines, bad = sheet.lines, sheet.bad
    header = rows[plan.header_row]
    width = len(header)
    lead = next((i for i, c in enumerate(header) if type(c) is str and c.strip()), 0)  # a repeated header repeats it
    header_keys = [_cell_key(c) if type(c) is str and c.strip() else None for c in header]
    lead_key = header_keys[lead] if header_keys else None
    lead_len = len(header[lead]) + 4 if header_keys else 0  # a BOM, marks, spaces
    if sheet.kind == "csv":  # a row longer than the file's rows is shifted (an unquoted comma)
        lengths = Counter(len(r) for r in rows[plan.header_row + 1 :] if r)
        usual = max(lengths, key=lambda k: (lengths[k], -k)) if lengths else width
        shifted_at = max(width, usual)
    else:
        shifted_at = None
    for r in range(plan.header_row + 1, len(rows)):
        raw = rows[r]
        if not filled(raw):
            continue
        first, last = lines[r] if lines is not None else (r + 1, r + 1)
        source = (file, name, first)
        for line in range(first + 1, last + 1):  # a quoted cell over several lines
            yield Reject((file, name, line), "", "", "continuation", {"line": first}, kind="skip")
        if r in bad:
            code, params = bad[r]
            yield Row(rt, source, {}, {}, columns, present, problems=[Reject(source, "", "", code, dict(params))])
            continue
        word = footer_word(raw)
        if word is not None:
            yield Reject(source, "", "", "footer_row", {"word": word}, kind="skip")
            continue
        n = len(raw)
        if lead < n and type(raw[lead]) is str and len(raw[lead]) <= lead_len and _cell_key(raw[lead]) == lead_key \
                and sum(1 for c, k in zip(raw, header_keys, strict=False)
                        if k and type(c) is str and _cell_key(c) == k) >= 2:  # fmt: skip
            yield Reject(source, "", "", "repeated_header", {}, kind="skip")  # two exports pasted together
            continue
        values: dict[str, Any] = {}
        refs: dict[str, list[str]] = {}
        problems: list[Reject] = []
        warnings: list[Reject] = []
        if shifted_at is not None and n > shifted_at and any(not nz.is_blank(c) for c in raw[shifted_at - 1 :]):
            # longer than the file's rows, with data up to its end: an unquoted comma shifted it
            problems.append(Reject(source, "", "", "extra_cells", {"count": n, "width": width}))
        elif n > width:
            extra = [c for c in raw[width:] if not nz.is_blank(c)]
            if extra:
                warnings.append(Reject(source, "", "", "unheaded_cells", {"count": len(extra)}, kind="warning"))
        for c, pname, prop, header_text, conv, is_ref, typed in convs:
            if c >= n:
                continue
            cell = raw[c]
            if cell is None or (type(cell) is str and (not cell.strip() or (typed and cell.strip() in _PLACEHOLDERS))):
                continue  # blank, or a placeholder for "none" or "unknown" in a column of values
            if type(cell) is str and not cell.isprintable() and has_invisible(cell):
                cell = strip_invisible(cell)
                warnings.append(Reject(source, header_text, shown_value(prop, cell), "invisible_chars",
                                       {"column": header_text}, kind="warning"))  # fmt: skip
                if not cell.strip():
                    continue
            try:
                v = conv(cell)
            except nz.BadValue as exc:
                shown = shown_value(prop, cell)
                if person and typed and not is_ref and looks_like_name(shown):
                    shown = mask_name(shown)  # a name in a column of values: the columns slipped
                problems.append(Reject(source, header_text, shown, exc.code, {**exc.params, "column": header_text,
                                                                               "value": shown}))  # fmt: skip
                continue
            if type(v) is _NOTED:
                shown = shown_value(prop, cell)
                warnings.append(Reject(source, header_text, shown, v.code, {**v.params, "column": header_text,
                                                                             "value": shown}, kind="warning"))  # fmt: skip
                v = v.value
            if is_ref:
                if v:
                    refs[pname] = v
            elif v != "":
                values[pname] = v
        if from_id and id_prop in values:
            _facts_from_id(values, values[id_prop], from_id, source, warnings)
        for pname, header_text in required:
            if pname not in values and pname not in refs:
                if problems and any(x.column == header_text for x in problems):
                    continue  # the cell was there but unreadable: already reported
                problems.append(Reject(source, header_text, "", "missing_required", {"column": header_text}))
        for m in missing:
            problems.append(Reject(source, m.column, "", m.code, m.params))
        if problems:
            yield Row(rt, source, values, refs, columns, present, problems=problems, warnings=warnings)
            continue
        for pname, src, enum, attr in defaults:
            if pname not in values and src in values:
                values[pname] = enum.attr(values[src], attr)
        yield Row(rt, source, values, refs, columns, present, warnings=warnings)


_NOTED = nz.Noted
_FREE = frozenset({"text", "id", "bool"})  # types whose cells are taken as written (无 is a no for a bool)
# What people write in a cell of dates, numbers, choices or references for "none" or "unknown".
_PLACEHOLDERS = frozenset({"—", "——", "-", "--", "/", "／", "\\", "无", "無", "不详", "不詳", "暂无", "暫無",
                           "未知", "空", "缺", "n/a", "N/A", "NA", "na", "null", "NULL", "None", "none"})  # fmt: skip


def _trimmed(row: list) -> list:
    end = len(row)
    while end and nz.is_blank(row[end - 1]):
        end -= 1
    return row[:end]


def _same_at_precision(typed: str, known: str) -> bool:
    """A date typed as a month or a year (kept as its first day) agrees with any day in it."""
    return typed == known or (typed[8:] == "01" and typed[:7] == known[:7]) or \
        (typed[5:] == "01-01" and typed[:4] == known[:4])  # fmt: skip


def _facts_from_id(values: dict, id_number: str, from_id: list, source, warnings: list) -> None:
    """Fill the properties an ID number tells (birth date, sex) when their cells are empty; warn
    when a cell says otherwise."""
    try:
        facts = dict(zip(("birth_date", "sex"), nz.id_facts(id_number), strict=True))
    except (ValueError, nz.BadValue):
        return
    for pname, fact, label in from_id:
        known = facts.get(fact)
        if known is None:
            continue
        have = values.get(pname)
        if have is None:
            values[pname] = known
        elif have != known and not (fact == "birth_date" and _same_at_precision(have, known)):
            warnings.append(Reject(source, label, "", "id_contradiction", {"column": label}, kind="warning"))
