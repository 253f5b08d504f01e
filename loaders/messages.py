"""Reasons in plain words, Chinese first. A reject carries a code and parameters; this module
renders it in the user's language.

>>> render("bad_date", "en", value="2010-13-01")
"'2010-13-01' is not a date we can read (such as 2010-07-01 or 2010年7月)"
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "WARNINGS", "render"]

MESSAGES: dict[str, tuple[str, str]] = {
    "missing_required": ("必填项“{column}”为空", "required column '{column}' is empty"),
    "missing_column": ("表头中没有必填列“{column}”", "the header has no required column '{column}'"),
    "bad_enum": (
        "“{value}”不是“{column}”的可选值（可选：{choices}）",
        "'{value}' is not an allowed value of '{column}' (allowed: {choices})",
    ),
    "bad_date": (
        "“{value}”不是可识别的日期（如 2010-07-01、2010年7月）",
        "'{value}' is not a date we can read (such as 2010-07-01 or 2010年7月)",
    ),
    "bad_number": ("“{value}”不是数字", "'{value}' is not a number"),
    "bad_int": ("“{value}”不是整数", "'{value}' is not a whole number"),
    "too_large": ("“{value}”太大，不像是这一栏的数值", "'{value}' is too large to be a value of this column"),
    "negative": ("“{value}”不能为负数", "'{value}' cannot be negative"),
    "bad_bool": ("“{value}”应为“是”或“否”", "'{value}' should be yes or no (是/否)"),
    "bad_id_number": (
        "身份证号格式不对（应为18位，末位可为X）",
        "the ID number is malformed (18 characters, the last may be X)",
    ),
    "bad_id_check": ("身份证号校验位不符，可能有输错的数字", "the ID number's check digit is wrong: a digit may be mistyped"),
    "id_number_as_number": (
        "身份证号在表格中被存成了数字，后几位已丢失；请将该列设为文本后重新导出",
        "the ID number was stored as a number in the spreadsheet and lost its last digits; "
        "format the column as text and export again",
    ),
    "bad_phone": ("电话号码格式不对", "the phone number is malformed"),
    "no_id": (
        "无法确定编号：编号为空，且{columns}也不全",
        "no identifier: the ID column is empty and so is one of {columns}",
    ),
    "unknown_ref": (
        "找不到{target}“{value}”（不在任何台账中）{hint}",
        "no {target} '{value}' in any roster{hint}",
    ),
    "ambiguous_ref": (
        "“{value}”对应多个{target}（{candidates}），请改填编号",
        "'{value}' matches several {target} ({candidates}); use the ID instead",
    ),
    "rejected_ref": (
        "引用的{target}“{value}”所在行未能导入（{file} 第{line}行）",
        "the {target} '{value}' it refers to was rejected ({file} row {line})",
    ),
    "wrong_target": (
        "“{column}”应为{expected}，而“{value}”是{found}",
        "'{column}' must be {expected}; '{value}' is {found}",
    ),
    "wrong_level": (
        "“{column}”应为{expected}，而“{value}”是{found}",
        "'{column}' must be {expected}; '{value}' is {found}",
    ),
    "parent_rank": (
        "上级区域“{value}”是{found}，不能包含{level}",
        "parent area '{value}' is a {found} and cannot contain a {level}",
    ),
    "self_ref": ("“{column}”不能指向自身", "'{column}' cannot point to the row itself"),
    "duplicate_conflict": (
        "与{file} 第{line}行编号相同，但“{column}”不同：“{a}”与“{b}”",
        "same ID as {file} row {line}, but '{column}' differs: '{a}' vs '{b}'",
    ),
    "id_taken": (
        "编号“{id}”已被另一类实体（{found}）使用",
        "the ID '{id}' is already used by an entity of another kind ({found})",
    ),
    "unresolved_cycle": (
        "编号依赖“{column}”，但引用关系成环，无法确定",
        "its ID depends on '{column}', whose references form a cycle",
    ),
    "number_not_date": (
        "数字“{value}”不像日期；若是 Excel 日期，请把该列设为日期格式",
        "the number '{value}' does not look like a date; if it is an Excel date, format the column as a date",
    ),
    "bad_id_birth": (
        "身份证号中的出生日期（第7–14位）不是真实的日期",
        "the birth date in the ID number (digits 7 to 14) is not a real date",
    ),
    "bad_id_region": (
        "身份证号前6位不是已知的行政区划代码",
        "the first 6 digits of the ID number are not a known area code",
    ),
    # warnings: the value was read and kept (a Noted value from normalize), the user is told why
    "imprecise_date": (
        "“{value}”只有年份，按 {date} 记录（只知道年份）",
        "'{value}' gives only the year: kept as {date} (only the year is known)",
    ),
    "ambiguous_month": (
        "“{value}”按 {date} 读入，但也可能是 {october}（Excel 会把 2010.10 显示成 2010.1），请核对",
        "'{value}' was read as {date} but may be {october} (Excel shows 2010.10 as 2010.1); please check",
    ),
    "approximate": ("“{value}”是约数，按 {number} 记录", "'{value}' is approximate: kept as {number}"),
    # what the reader found in a file or sheet as a whole, and lines that are no data
    "file_not_read": ("文件未能读入：{message}", "the file was not read: {message}"),
    "hidden_sheet": ("隐藏的工作表，已跳过（{rows} 行）", "a hidden sheet, skipped ({rows} rows)"),
    "merged_filled": (
        "合并单元格已向下填充：{column} 列第 {first}–{last} 行",
        "merged cells filled down: column {column}, rows {first}-{last}",
    ),
    "absent_columns": (
        "表中没有这些列，相应信息记为不详：{columns}",
        "the sheet has none of these columns; those facts are unknown: {columns}",
    ),
    "footer_row": ("表尾或备注行（{word}），不是数据，已跳过", "a footer or note row ({word}), not data: skipped"),
    "duplicate_merged": ("与 {file} 第 {line} 行是同一实体，已合并", "the same entity as {file} row {line}: merged"),
    "repeated_header": ("重复的表头行，已跳过", "a repeated header row: skipped"),
    "continuation": (
        "第 {line} 行某个单元格内换行的续行，已并入该行",
        "the continuation of a cell of row {line} that holds line breaks: read with that row",
    ),
    "unbalanced_quote": (
        "该行有一个没有闭合的引号，曾把后面的行吞进一个单元格；后面的行已单独读入，请修正本行的引号",
        "a quote on this line never closes and swallowed the lines after it into one cell; those lines "
        "were read on their own: fix the quote on this line",
    ),
    "bad_encoding_line": (
        "第 {line} 行不是有效的 {encoding} 文本（可能是损坏的字符），请检查该行",
        "line {line} is not valid {encoding} text (broken characters): check it",
    ),
    "extra_cells": (
        "该行有 {count} 个单元格，表头只有 {width} 列：可能有未加引号的逗号，各列已错位",
        "the row has {count} cells but the header only {width}: an unquoted comma may have shifted its cells",
    ),
    "unheaded_cells": (
        "该行有 {count} 个单元格在没有表头的列中，已忽略",
        "{count} cells of the row are in columns with no header: ignored",
    ),
    "invisible_chars": (
        "“{column}”中的控制字符、双向控制符或零宽字符已删除",
        "control, bidi or zero-width characters removed from '{column}'",
    ),
    "id_contradiction": (
        "“{column}”与身份证号所示不符，已保留所填的值，请核对",
        "'{column}' differs from what the ID number says; the value given is kept: check it",
    ),
}

#: the codes of warnings from normalize (a value kept with a caveat), not of rejects
WARNINGS = frozenset({"imprecise_date", "ambiguous_month", "approximate"})


def render(code: str, lang: str = "zh", **params: Any) -> str:
    """The reason ``code`` in ``lang`` (``zh`` or ``en``) with its parameters filled in."""
    zh, en = MESSAGES[code]
    template = en if lang == "en" else zh
    return template.format(**{k: ("" if v is None else v) for k, v in params.items()})
