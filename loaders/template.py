"""Empty rosters to fill in: one CSV per roster and one workbook with a sheet per roster,
headers in Chinese (or English), drop-down lists for columns with allowed values, and a
说明 (instructions) sheet. Everything comes from the schema.

>>> import tempfile
>>> written = write_templates(tempfile.mkdtemp())
>>> sorted(p.name for p in written)[:2]
['人员.csv', '任职.csv']
"""

from __future__ import annotations

import os
from pathlib import Path

from dangjian.graph.errors import InputError
from dangjian.graph.fileio import atomic_write
from dangjian.graph.schema import Property, RecordType, model

__all__ = ["write_templates", "AUX_SHEETS", "WORKBOOK_NAME", "header_row"]

WORKBOOK_NAME = {"zh": "台账模板.xlsx", "en": "rosters.xlsx"}
INSTRUCTIONS = {"zh": "说明", "en": "Instructions"}
CHOICES = {"zh": "选项", "en": "Choices"}
AUX_SHEETS = frozenset({*INSTRUCTIONS.values(), *CHOICES.values()})  # the loader skips these

_TYPE_NAMES = {
    "zh": {"id": "编号", "text": "文本", "int": "整数", "number": "数字", "date": "日期", "bool": "是/否",
           "enum": "选项", "ref": "引用", "id_number": "身份证号", "phone": "电话"},
    "en": {"id": "identifier", "text": "text", "int": "whole number", "number": "number", "date": "date",
           "bool": "yes/no", "enum": "choice", "ref": "reference", "id_number": "ID number", "phone": "phone"},
}  # fmt: skip
_HOW = {
    "zh": {"date": "如 2010-07-01、2010年7月", "ref": "填编号或唯一名称：{targets}", "bool": "是 或 否",
           "id_number": "18位，按文本格式保存", "multiple": "；多个用、分隔"},
    "en": {"date": "such as 2010-07-01 or 2010年7月", "ref": "an ID or unique name of: {targets}",
           "bool": "yes or no (是/否)", "id_number": "18 characters, stored as text",
           "multiple": "; several separated by 、"},
}  # fmt: skip


def header_row(rt: RecordType, lang: str = "zh") -> list[str]:
    """The column headers of a roster, required ones marked with ``*``."""
    return [p.label(lang) + ("*" if p.required else "") for p in rt.properties.values()]


def _how(p: Property, lang: str) -> str:
    m = model()
    if p.enum is not None:
        text = "、".join(p.enum.choices(lang))
    elif p.type == "ref":
        text = _HOW[lang]["ref"].format(targets="、".join(m.node(t).label(lang) for t in p.targets))
        if p.multiple:
            text += _HOW[lang]["multiple"]
    else:
        text = _HOW[lang].get(p.type, "")
    return text


def write_templates(directory: str | os.PathLike, lang: str = "zh") -> list[Path]:
    """Write the empty rosters into ``directory`` (created if missing). Returns the files written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    m = model()
    written: list[Path] = []
    for rt in m.records:
        path = out / f"{rt.roster[lang]}.csv"
        atomic_write(path, lambda p, rt=rt: p.write_text(",".join(header_row(rt, lang)) + "\r\n",
                                                   encoding="utf-8-sig"))  # fmt: skip
        written.append(path)

    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS[lang]
    choices = wb.create_sheet(CHOICES[lang])
    choices.sheet_state = "hidden"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    guide.append(["台账", "列", "必填", "类型", "填写说明"] if lang == "zh"
                 else ["Roster", "Column", "Required", "Type", "How to fill"])  # fmt: skip
    for cell in guide[1]:
        cell.font = bold
    lists: dict[str, str] = {}
    col = 0
    for name, enum in [*m.enums.items(), ("_bool", None)]:
        col += 1
        values = enum.choices(lang) if enum else (["是", "否"] if lang == "zh" else ["yes", "no"])
        letter = get_column_letter(col)
        for i, v in enumerate(values, start=1):
            choices.cell(row=i, column=col, value=v)
        lists[name] = f"{quote_sheetname(CHOICES[lang])}!${letter}$1:${letter}${len(values)}"
    for rt in m.records:
        ws = wb.create_sheet(rt.roster[lang])
        ws.append(header_row(rt, lang))
        for i, p in enumerate(rt.properties.values(), start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = bold
            if p.required:
                cell.fill = required_fill
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = max(10, 2 * len(p.label(lang)) + 4)
            source = lists.get(p.enum.name) if p.enum else lists["_bool"] if p.type == "bool" else None
            if source:
                dv = DataValidation(type="list", formula1=source, allow_blank=True)
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
            if p.type in ("id", "id_number", "phone"):
                for r in range(2, 201):  # keep long digit strings as text
                    ws.cell(row=r, column=i).number_format = "@"
            guide.append([rt.roster[lang], p.label(lang),
                          ("是" if lang == "zh" else "yes") if p.required else "",
                          _TYPE_NAMES[lang][p.type], _how(p, lang)])  # fmt: skip
        ws.freeze_panes = "A2"
    guide.column_dimensions["E"].width = 60
    book = out / WORKBOOK_NAME[lang]
    atomic_write(book, wb.save)
    written.append(book)
    return written
