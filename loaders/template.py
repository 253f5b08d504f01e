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
from dangjian.wording import choose

__all__ = [
    "write_templates", "AUX_SHEETS", "WORKBOOK_NAME", "header_row", "EXAMPLE_MARK", "FIRST_ROW",
    "LAST_ROW", "example_row",
]  # fmt: skip

WORKBOOK_NAME = {"zh": "台账模板.xlsx", "en": "rosters.xlsx"}
INSTRUCTIONS = {"zh": "说明", "en": "Instructions"}
CHOICES = {"zh": "选项", "en": "Choices"}
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

_TYPE_NAMES = {
    "zh": {"id": "编号", "text": "文本", "int": "整数", "number": "数字", "date": "日期", "bool": "是/否",
           "enum": "选项", "ref": "引用", "id_number": "身份证号", "phone": "电话"},
    "en": {"id": "identifier", "text": "text", "int": "whole number", "number": "number", "date": "date",
           "bool": "yes/no", "enum": "choice", "ref": "reference", "id_number": "ID number", "phone": "phone"},
}  # fmt: skip
_HOW = {
    "zh": {"date": "如 2010-07-01、2010年7月", "ref": "填编号或唯一名称：{targets}", "bool": "是 或 否",
           "id_number": "18位，按文本格式保存", "phone": "手机或座机号码，按文本格式保存",
           "id": "本台账内唯一", "derived_id": "；可留空，由其他列生成", "int": "不小于 0 的整数", "number": "不小于 0 的数字",
           "multiple": "；多个用、分隔", "from_id": "；留空时从身份证号读出"},
    "en": {"date": "such as 2010-07-01 or 2010年7月", "ref": "an ID or unique name of: {targets}",
           "bool": "yes or no (是/否)", "id_number": "18 characters, stored as text",
           "phone": "a mobile or landline number, stored as text",
           "id": "unique in this roster", "derived_id": "; may be left blank to be made from other columns",
           "int": "a whole number, 0 or more", "number": "a number, 0 or more",
           "multiple": "; several separated by 、", "from_id": "; taken from the ID number when left blank"},
}  # fmt: skip
_T = {
    "zh": {
        "yes": "是", "no": "否", "required": "必填", "recommended": "建议填写", "optional": "选填", "sep": "、",
        "recommended_short": "建议",
        "example": "示例：", "sample_text": "{label}示例", "person": "张三",
        "pick": "请从下拉列表中选择：{choices}", "pick_many": "请从下拉列表中选择（共 {n} 项）",
        "bad_choice": "{label}：不是可选值", "bad_number": "{label}：不是有效的数字",
        "bad_id_number": "{label}：位数不对", "id_number_error": "身份证号应为 18 位（旧证 15 位），请按文本填写",
        "prompt_choose": "从下拉列表选择", "enter": "请填写{what}",
        "guide_header": ["台账", "列", "必填", "类型", "填写说明", "示例"],
        "title": "社区党建台账模板：填写说明",
        "paragraphs": [
            "本工作簿是 dangjian（社区党建知识图谱）的空白台账。除本说明外，每个工作表是一种台账：{rosters}。"
            "表头在第 1 行，请不要改动表头和工作表名称；不需要的台账可以留空。",
            "表头带 * 且标色的列为必填，其余列可以留空。选中单元格时会提示这一列怎么填。",
            "第 2 行是灰色斜体的示例行，第一格以“示例”开头，载入时会被跳过。请从第 3 行开始填写，"
            "也可以直接覆盖示例行（覆盖时去掉第一格里的“示例”）。",
            "有下拉列表的列只能从列表中选择；数字列只能填不小于 0 的数字。引用其他台账的列（类型为“引用”）"
            "填对方的编号或唯一名称；对方须在本工作簿、同时载入的其他台账或已有的工作区中。",
            "日期写成 2010-07-01 或 2010年7月，也可以用 Excel 日期。",
            "{text_types}列已设为文本格式，请按文本填写（身份证号若被 Excel 存成数字会丢失末位，载入时被拒收）。",
            "填好后保存，运行 dangjian load {book} 载入（也可以载入整个文件夹；同名的 CSV 文件是同样的台账，"
            "每种一个文件）。有问题的行不会载入，会列在拒收报告里，写明行号、列和原因。",
            "下表列出每张台账的每一列。",
        ],
    },
    "en": {
        "yes": "yes", "no": "no", "required": "required", "recommended": "recommended", "optional": "optional",
        "sep": ", ", "recommended_short": "recommended",
        "example": "示例 example: ", "sample_text": "sample {label}", "person": "Zhang San",
        "pick": "Choose from the drop-down list: {choices}", "pick_many": "Choose from the drop-down list ({n} choices)",
        "bad_choice": "{label}: not a choice", "bad_number": "{label}: not a valid number",
        "bad_id_number": "{label}: wrong length",
        "id_number_error": "An ID number has 18 characters (15 for old cards); enter it as text",
        "prompt_choose": "choose from the drop-down list", "enter": "Enter {what}",
        "guide_header": ["Roster", "Column", "Required", "Type", "How to fill", "Example"],
        "title": "Party-building rosters: how to fill them in",
        "paragraphs": [
            "This workbook holds the blank rosters of dangjian (a knowledge graph of community Party-building). "
            "Besides these instructions, each sheet is one roster: {rosters}. The header is on row 1: do not "
            "change the headers or the sheet names; rosters you do not need can stay empty.",
            "Columns whose header is marked * and coloured are required; the others may be left blank. "
            "Selecting a cell shows how to fill its column.",
            "Row 2 is an example row in grey italics; its first cell starts with 示例 (example) and the loader "
            "skips it. Fill from row 3, or overwrite the example row (removing 示例 from its first cell).",
            "Columns with a drop-down list take only its choices; number columns take only numbers, 0 or more. "
            "Reference columns (type reference) take the ID or unique name of an entity in this workbook, in "
            "another roster loaded with it or already in the workspace.",
            "Write dates as 2010-07-01 or 2010年7月, or use Excel dates.",
            "{text_types} columns are formatted as text: enter them as text (an ID number stored as a number "
            "by Excel has lost its last digits and is rejected).",
            "Save the workbook and load it with: dangjian load {book} (or load the whole folder; the CSV files "
            "beside it are the same rosters, one file each). Rows with problems are not loaded: the rejects "
            "report lists them with row, column and reason.",
            "The table below lists every column of every roster.",
        ],
    },
}  # fmt: skip
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
