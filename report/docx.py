"""The work report as one Word file (python-docx), in the shape of the seed reports: a title, the
date the figures are as of, 一、基本情况 (the opening paragraph and the organizations by kind),
二、分街道、分社区情况 (a table each), 三、存在的问题及依据 (the findings street by street, each with
its action and the regulation it cites). Opens in Word, WPS and LibreOffice; written whole or not
at all.

>>> import pathlib, tempfile
>>> import networkx as nx
>>> from docx import Document
>>> from dangjian.report.work import work_report
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="彩云社区", level="community")
>>> p = pathlib.Path(tempfile.mkdtemp()) / "报告.docx"
>>> write_docx(p, work_report(g, as_of="2026-11-22", lang="zh"))
>>> Document(p).paragraphs[0].text
'彩云社区基层党建工作情况报告'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dangjian.graph.fileio import atomic_write
from dangjian.graph.safe import printable
from dangjian.report.tables import Table
from dangjian.report.work import WorkReport
from dangjian.wording import t

__all__ = ["write_docx"]

_BODY_FONT, _HEAD_FONT = "仿宋", "黑体"  # what official documents use; Word and LibreOffice fall back if absent


def write_docx(path: str | os.PathLike, report: WorkReport) -> None:
    """Write ``report`` to ``path`` as a .docx file."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lang = report.lang
    doc = Document()
    _fonts(doc)
    title = doc.add_heading(_text(report.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    when = doc.add_paragraph(_text(t("handup.as_of", lang, date=report.as_of)))
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(_text(t("handup.section_overview", lang)), level=1)
    doc.add_paragraph(_text(report.paragraph)).paragraph_format.first_line_indent = Pt(24)
    _table(doc, report.kinds)
    doc.add_heading(_text(t("handup.section_tables", lang)), level=1)
    for table in (report.streets, report.communities):
        if table.rows:
            doc.add_heading(_text(table.title), level=2)
            _table(doc, table)
    doc.add_heading(_text(t("handup.section_gaps", lang)), level=1)
    if not report.gaps:
        doc.add_paragraph(_text(t("handup.no_gaps", lang)))
    numbered = doc.styles["List Number"].style_id  # set by id: python-docx looks a name up by a scan each time
    action, cite = t("handup.col_action", lang), t("handup.col_cite", lang)
    for name, findings in report.gaps:
        doc.add_heading(_text(t("handup.gaps_of", lang, name=name, n=len(findings))), level=2)
        for f in findings:
            where = ">".join(f.area_path)
            line = f"【{t(f'severity.{f.severity}', lang)}】{f.title}：{f.name}" + (f"（{where}）" if where else "")
            p = doc.add_paragraph(_text(f"{line}\n{action}：{f.action}\n{cite}：{f.cite}"))
            p._p.style = numbered
    if report.changes is not None:
        _changes(doc, report, numbered)
    atomic_write(Path(path), lambda tmp: doc.save(str(tmp)))


def _changes(doc, report: WorkReport, numbered: str) -> None:
    """The section on what changed since the last check: the sentence that sums it up, the changes
    by street, the key figures before and after, then the findings new and resolved, one by one."""
    from dangjian.report.tables import changes_heading, changes_tables

    lang, diff = report.lang, report.changes
    doc.add_heading(_text(t("changes.section", lang)), level=1)
    doc.add_paragraph(_text(changes_heading(diff, lang)))
    tables = changes_tables(diff, lang)
    for table in [tables[0], *tables[4:]]:  # by street, figures, entities (the findings below, as items)
        if table.rows:
            doc.add_heading(_text(table.title), level=2)
            _table(doc, table)
    for table in tables[1:3]:  # new, resolved
        if not table.rows:
            continue
        doc.add_heading(_text(f"{table.title}（{len(table.rows)}）" if lang == "zh" else f"{table.title} ({len(table.rows)})"),
                        level=2)  # fmt: skip
        for row in table.rows:  # severity, title, name, id, type, street, action, source, rule
            p = doc.add_paragraph(_text(f"【{row[0]}】{row[1]}：{row[2]}（{row[5]}）"))
            p._p.style = numbered


def _text(value: Any) -> str:
    """Text Word takes: control characters shown as escapes (XML has no place for them)."""
    return printable("" if value is None else str(value))


def _fonts(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name, font, size in (("Normal", _BODY_FONT, 12), ("Title", _HEAD_FONT, 20), ("Heading 1", _HEAD_FONT, 16),
                             ("Heading 2", _HEAD_FONT, 14)):  # fmt: skip
        style = doc.styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _table(doc, table: Table) -> None:
    """One table, header row first, built whole (the cells of a city's thousands of rows set once
    each, not looked up cell by cell)."""
    if not table.headers:
        return
    cols = len(table.headers)
    out = doc.add_table(rows=len(table.rows) + 1, cols=cols)
    out.style = "Table Grid"
    cells = out._cells  # every cell once, row by row
    for c, h in enumerate(table.headers):
        cells[c].text = _text(h)
        for run in cells[c].paragraphs[0].runs:
            run.bold = True
    for r, row in enumerate(table.rows, start=1):
        for c, value in enumerate(row[:cols]):
            cells[r * cols + c].text = _text("" if value is None else value)
