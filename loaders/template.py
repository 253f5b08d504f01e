"""Empty rosters to fill in: one CSV per roster (headers only) and one workbook with a sheet per
roster. Everything comes from the schema: headers in Chinese (or English) with required columns
marked ``*`` and coloured, an example row, drop-down lists that refuse other values, number checks,
an input prompt on every column, text format for ID and phone numbers, print set-up, and a 说明
(instructions) sheet.

>>> import tempfile
>>> written = write_templates(tempfile.mkdtemp())
>>> sorted(p.name for p in written)[:2]
['人员.csv', '任职.csv']
"""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
from pathlib import Path
from typing import Any

from dangjian.graph.errors import InputError
from dangjian.graph.fileio import atomic_write
from dangjian.graph.schema import Model, Property, RecordType, model
from dangjian.wording import LANGS, choose, t, texts

__all__ = [
    "write_templates", "AUX_SHEETS", "WORKBOOK_NAME", "header_row", "EXAMPLE_MARK", "FIRST_ROW",
    "LAST_ROW", "example_row",
]  # fmt: skip

# the workbook's name and its two extra sheets, by language (the catalogue's template section)
WORKBOOK_NAME = {lang: t("template.workbook", lang) for lang in LANGS}
INSTRUCTIONS = {lang: t("template.instructions", lang) for lang in LANGS}
CHOICES = {lang: t("template.choices", lang) for lang in LANGS}
AUX_SHEETS = frozenset({*INSTRUCTIONS.values(), *CHOICES.values()})  # the loader skips these

# Row 1 is the header, row FIRST_ROW the example row. Validations, prompts and the text format of
# ID and phone columns cover rows FIRST_ROW..LAST_ROW (and the text format the whole column too).
FIRST_ROW = 2
LAST_ROW = 5000
# The loader skips a row whose first non-blank cell starts with this (in either language).
EXAMPLE_MARK = "示例"
TEXT_TYPES = ("id", "id_number", "phone")  # long digit strings Excel would turn into numbers

_EXAMPLE_DATE = dt.date(2021, 6, 1)
_EXAMPLE_PHONE = "13900000000"
# Region, birth date, sequence (odd: a man, as the first choice of sex): made up; check digit added.
_EXAMPLE_ID_BASE = "11010519800101001"
_REQUIRED_FILL = "FCE4D6"
_EXAMPLE_COLOUR = "808080"
_SHORT_LIST = 100  # display width up to which an error message names the choices

_TYPE_NAMES = {lang: texts("template.type", lang) for lang in LANGS}
_HOW = {lang: texts("template.how", lang) for lang in LANGS}
_T = {lang: {**texts("template.text", lang), "guide_header": list(texts("template.guide_header", lang).values()),
             "paragraphs": list(texts("template.paragraph", lang).values())} for lang in LANGS}  # fmt: skip
_LIMITS = {"title": 32, "prompt": 255, "error": 225}  # Excel's limits on validation texts


def header_row(rt: RecordType, lang: str = "zh") -> list[str]:
    """The column headers of a roster, required ones marked with ``*``."""
    return [p.label(lang) + ("*" if p.required else "") for p in rt.properties.values()]


def _display_width(text: str) -> int:
    """Columns a text takes on screen: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def _clip(text: str, limit: str) -> str:
    n = _LIMITS[limit]
    return text if len(text) <= n else text[: n - 1] + "…"


def _how(p: Property, lang: str, rt: RecordType | None = None) -> str:
    m = model()
    if p.enum is not None:
        text = "、".join(p.enum.choices(lang))
    elif p.type == "ref":
        text = _HOW[lang]["ref"].format(targets="、".join(m.node(t).label(lang) for t in p.targets))
        if p.multiple:
            text += _HOW[lang]["multiple"]
    else:
        text = _HOW[lang].get(p.type, "")
    if p.type == "id" and rt is not None and rt.derive_id:
        text += _HOW[lang]["derived_id"]
    if getattr(p, "from_id", None):
        text += _HOW[lang]["from_id"]
    return text.removeprefix("；").removeprefix("; ")


def _status(p: Property, lang: str, short: bool = False) -> str:
    """Required, recommended (not required, but worth filling) or optional."""
    t = _T[lang]
    if p.required:
        return t["required"] if not short else t["yes"]
    if getattr(p, "recommended", False):
        return t["recommended"] if not short else t["recommended_short"]
    return t["optional"] if not short else ""


def _choices(p: Property, lang: str) -> list[str] | None:
    if p.enum is not None:
        return p.enum.choices(lang)
    if p.type == "bool":
        return [_T[lang]["yes"], _T[lang]["no"]]
    return None


# -- the example row ----------------------------------------------------------------------------


def _sample_ids(m: Model) -> dict[str, str]:
    """A made-up ID per node type: its capitals (PartyOrg: PO), lengthened until unique, + 0001."""
    prefixes: dict[str, str] = {}
    for name in m.nodes:
        prefix = "".join(c for c in name if c.isupper()) or name[0]
        k = 2
        while prefix in prefixes.values():
            prefix = name[:k].upper() if k <= len(name) else f"{name.upper()}{k}"
            k += 1
        prefixes[name] = prefix
    return {name: f"{prefix}0001" for name, prefix in prefixes.items()}


def _sample(rt: RecordType, p: Property, lang: str, ids: dict[str, str]) -> Any:
    """A plausible made-up value for a column, from its type alone."""
    t = _T[lang]
    if p.enum is not None:
        return p.enum.choices(lang)[0]
    if p.type == "bool":
        return t["yes"]
    if p.type == "date":
        if getattr(p, "from_id", None) == "birth_date":  # agree with the example ID number
            return dt.datetime.strptime(_EXAMPLE_ID_BASE[6:14], "%Y%m%d").date()
        return _EXAMPLE_DATE
    if p.type == "int":
        return 10
    if p.type == "number":
        return 100
    if p.type == "phone":
        return _EXAMPLE_PHONE
    if p.type == "id_number":
        from dangjian.loaders.normalize import id_check_digit

        return _EXAMPLE_ID_BASE + id_check_digit(_EXAMPLE_ID_BASE)
    if p.type == "id":
        return ids.get(rt.name, "X0001")
    if p.type == "ref":
        first = ids[p.targets[0]]
        return f"{first}、{first[:-1]}2" if p.multiple else first
    if p.sensitive == "mask":  # a person's name
        return t["person"]
    return t["sample_text"].format(label=p.label(lang).lower() if lang == "en" else p.label(lang))


def example_row(rt: RecordType, lang: str = "zh") -> list[Any]:
    """The example row of a roster's sheet: one made-up value per column, the first cell marked
    with :data:`EXAMPLE_MARK` so that the loader skips the row."""
    ids = _sample_ids(model())
    values = [_sample(rt, p, lang, ids) for p in rt.properties.values()]
    first = values[0].isoformat() if isinstance(values[0], dt.date) else values[0]
    values[0] = f"{_T[lang]['example']}{first}"
    return values


# -- validations and widths ---------------------------------------------------------------------


def _validation(rt: RecordType, p: Property, lang: str, source: str | None, top_cell: str):
    """The data validation of a column: a list, a number check or a prompt only."""
    from openpyxl.worksheet.datavalidation import DataValidation

    t = _T[lang]
    label = p.label(lang)
    colon, stop = ("：", "。") if lang == "zh" else (": ", ". ")
    choices = _choices(p, lang)
    if choices is not None:
        how = t["prompt_choose"] + colon + t["sep"].join(choices)
        if getattr(p, "from_id", None):
            how += _HOW[lang]["from_id"]
    else:
        how = _TYPE_NAMES[lang][p.type] + (colon + _how(p, lang, rt) if _how(p, lang, rt) else "")
    status = _status(p, lang)
    if lang == "en":
        status, how = status.capitalize(), how[:1].upper() + how[1:]
    prompt = status + stop + how
    dv: DataValidation
    if choices is not None and source is not None:
        joined = t["sep"].join(choices)
        error = t["pick"].format(choices=joined) if _display_width(joined) <= _SHORT_LIST else \
            t["pick_many"].format(n=len(choices))  # fmt: skip
        dv = DataValidation(type="list", formula1=source, allow_blank=True,
                            errorTitle=_clip(t["bad_choice"].format(label=label), "title"),
                            error=_clip(error, "error"))  # fmt: skip
    elif p.type in ("int", "number"):
        dv = DataValidation(type="whole" if p.type == "int" else "decimal", operator="greaterThanOrEqual",
                            formula1="0", allow_blank=True,
                            errorTitle=_clip(t["bad_number"].format(label=label), "title"),
                            error=_clip(t["enter"].format(what=_HOW[lang][p.type]), "error"))  # fmt: skip
    elif p.type == "id_number":
        dv = DataValidation(type="custom", formula1=f"OR(LEN({top_cell})=18,LEN({top_cell})=15)",
                            allow_blank=True,
                            errorTitle=_clip(t["bad_id_number"].format(label=label), "title"),
                            error=_clip(t["id_number_error"], "error"))  # fmt: skip
    else:  # text, dates (several formats are fine), references: a prompt is all
        dv = DataValidation(allow_blank=True)
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.showInputMessage = True
    dv.promptTitle = _clip(label, "title")
    dv.prompt = _clip(prompt, "prompt")
    return dv


_KIND_WIDTH = {"id_number": 22, "phone": 15, "date": 12, "ref": 24, "id": 12, "int": 10, "number": 12,
               "bool": 8, "enum": 10}  # fmt: skip


def _width(p: Property, lang: str, sample: Any) -> float:
    """A column width that fits the header (with the filter/drop-down arrow) and the kind of value."""
    header = _display_width(p.label(lang) + ("*" if p.required else "")) + 4
    kind = _KIND_WIDTH.get(p.type, 16 if p.name == "name" or p.sensitive == "mask" else 20)
    if p.type == "ref" and p.multiple:
        kind = 30
    choices = _choices(p, lang) or []
    longest = max((_display_width(c) for c in choices), default=0) + 5
    shown = sample.isoformat() if isinstance(sample, dt.date) else str(sample)
    return float(min(48, max(header, kind, longest, _display_width(shown) + 2)))


def _print_setup(ws, title_rows: str | None = "1:1") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


# -- the workbook -------------------------------------------------------------------------------


def write_templates(directory: str | os.PathLike, lang: str | None = None) -> list[Path]:
    """Write the empty rosters into ``directory`` (created if missing), in ``lang`` (default: the
    language in use). Returns the files written."""
    lang = choose(lang)
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError("error.file_not_folder", path=out)
    out.mkdir(parents=True, exist_ok=True)
    m = model()
    written: list[Path] = []
    for rt in m.records:  # CSVs stay header-only: a CSV has no styles to tell an example row by
        path = out / f"{rt.roster[lang]}.csv"
        atomic_write(path, lambda p, rt=rt: p.write_text(",".join(header_row(rt, lang)) + "\r\n",
                                                   encoding="utf-8-sig"))  # fmt: skip
        written.append(path)
    book = out / WORKBOOK_NAME[lang]
    atomic_write(book, _workbook(m, lang).save)
    written.append(book)
    return written


def _workbook(m: Model, lang: str):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname

    t = _T[lang]
    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS[lang]
    choices = wb.create_sheet(CHOICES[lang])
    choices.sheet_state = "hidden"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor=_REQUIRED_FILL)
    example_font = Font(italic=True, color=_EXAMPLE_COLOUR)
    top = Alignment(vertical="top", wrap_text=True)

    lists: dict[str, str] = {}
    col = 0
    for name, enum in [*m.enums.items(), ("_bool", None)]:
        col += 1
        values = enum.choices(lang) if enum else [t["yes"], t["no"]]
        letter = get_column_letter(col)
        for i, v in enumerate(values, start=1):
            choices.cell(row=i, column=col, value=v)
        lists[name] = f"{quote_sheetname(CHOICES[lang])}!${letter}$1:${letter}${len(values)}"
    _print_setup(choices, None)

    table: list[tuple[list[Any], bool]] = []
    for rt in m.records:
        ws = wb.create_sheet(rt.roster[lang])
        ws.append(header_row(rt, lang))
        sample = example_row(rt, lang)
        for i, (p, value) in enumerate(zip(rt.properties.values(), sample, strict=True), start=1):
            letter = get_column_letter(i)
            head = ws.cell(row=1, column=i)
            head.font = bold
            head.alignment = Alignment(vertical="center")
            if p.required:
                head.fill = required_fill
            ws.column_dimensions[letter].width = _width(p, lang, value)
            if p.type in TEXT_TYPES:  # keep long digit strings as text, in every covered row
                ws.column_dimensions[letter].number_format = "@"
                for r in range(FIRST_ROW, LAST_ROW + 1):
                    ws.cell(row=r, column=i).number_format = "@"
            source = lists.get(p.enum.name) if p.enum else lists["_bool"] if p.type == "bool" else None
            dv = _validation(rt, p, lang, source, f"{letter}{FIRST_ROW}")
            dv.add(f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}")
            ws.add_data_validation(dv)
            cell = ws.cell(row=FIRST_ROW, column=i, value=value)
            cell.font = example_font
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            shown = value.isoformat() if isinstance(value, dt.date) else value
            table.append(([rt.roster[lang], p.label(lang), _status(p, lang, short=True),
                           _TYPE_NAMES[lang][p.type], _how(p, lang, rt), shown], p.required))  # fmt: skip
        ws.freeze_panes = "A2"
        _print_setup(ws)

    # The instructions: a title, paragraphs, then one row per column of every roster.
    widths = [14, 18, 8, 12, 56, 26]
    for i, w in enumerate(widths, start=1):
        guide.column_dimensions[get_column_letter(i)].width = w
    last = get_column_letter(len(widths))
    guide["A1"] = t["title"]
    guide["A1"].font = Font(bold=True, size=14)
    guide.merge_cells(f"A1:{last}1")
    guide.row_dimensions[1].height = 24
    text_types = t["sep"].join(dict.fromkeys(_TYPE_NAMES[lang][k] for k in TEXT_TYPES))
    fill = {"rosters": t["sep"].join(rt.roster[lang] for rt in m.records), "book": WORKBOOK_NAME[lang],
            "text_types": text_types[:1].upper() + text_types[1:]}  # fmt: skip
    per_line = sum(widths) - 4
    row = 2
    for paragraph in t["paragraphs"]:
        text = paragraph.format(**fill)
        guide.cell(row=row, column=1, value=text).alignment = top
        guide.merge_cells(f"A{row}:{last}{row}")
        guide.row_dimensions[row].height = 16 * max(1, math.ceil(_display_width(text) / per_line))
        row += 1
    row += 1
    header_at = row
    for i, text in enumerate(t["guide_header"], start=1):
        cell = guide.cell(row=row, column=i, value=text)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for values, required in table:
        row += 1
        for i, value in enumerate(values, start=1):
            cell = guide.cell(row=row, column=i, value=value)
            cell.alignment = top
            if i == 2 and required:
                cell.fill = required_fill
    _print_setup(guide, f"{header_at}:{header_at}")
    return wb
