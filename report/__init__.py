"""What people hand up: the findings and figures as tables, written to Excel (xlsx) and Word
(docx) files, and the work report a street or district sends its superiors. Library first: each
function takes the graph or plain data and returns plain data or writes one file. Its names load
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangjian.graph.lazy import exports

if TYPE_CHECKING:
    from dangjian.report.docx import write_docx
    from dangjian.report.tables import Table, breakdown_table, findings_table, kinds_table, stats_table
    from dangjian.report.work import WorkReport, gaps_workbook, stats_workbook, work_report
    from dangjian.report.xlsx import write_xlsx

_WHERE = {
    "Table": "dangjian.report.tables",
    "breakdown_table": "dangjian.report.tables",
    "findings_table": "dangjian.report.tables",
    "kinds_table": "dangjian.report.tables",
    "stats_table": "dangjian.report.tables",
    "WorkReport": "dangjian.report.work",
    "work_report": "dangjian.report.work",
    "gaps_workbook": "dangjian.report.work",
    "stats_workbook": "dangjian.report.work",
    "write_docx": "dangjian.report.docx",
    "write_xlsx": "dangjian.report.xlsx",
}

__all__ = [
    "Table",
    "WorkReport",
    "breakdown_table",
    "findings_table",
    "gaps_workbook",
    "kinds_table",
    "stats_table",
    "stats_workbook",
    "work_report",
    "write_docx",
    "write_xlsx",
]

__getattr__, __dir__ = exports(__name__, _WHERE)
