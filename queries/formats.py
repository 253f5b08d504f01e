"""Findings written as text to hand on: CSV for a spreadsheet, Markdown for a document. Every cell
is printable, and none starts a spreadsheet formula.

>>> from dangjian.queries.findings import Finding
>>> f = Finding("community-without-org", "high", "社区未建立党组织", "c1", "Area", "=祥云社区", "c1",
...             ["丽江市", "祥云社区"], {}, "在=祥云社区建立党组织", "《条例》")
>>> print(findings_csv([f]).splitlines()[1])
high,community-without-org,社区未建立党组织,c1,Area,'=祥云社区,丽江市>祥云社区,{},在=祥云社区建立党组织,《条例》
>>> print(findings_md([f], "en").splitlines()[2])
| high | 社区未建立党组织 | =祥云社区 (c1) | 丽江市>祥云社区 | 在=祥云社区建立党组织 | 《条例》 |
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from dangjian.graph.safe import printable, spreadsheet_cell
from dangjian.queries.findings import Finding
from dangjian.wording import t

__all__ = ["FINDING_COLUMNS", "findings_csv", "findings_md", "at_least"]

FINDING_COLUMNS = ("severity", "rule", "title", "entity", "entity_type", "name", "area_path", "facts", "action",
                   "cite")  # fmt: skip


def _cell(f: Finding, key: str) -> str:
    v = getattr(f, key)
    if key == "area_path":
        return ">".join(v)
    if key == "facts":
        return json.dumps(v, ensure_ascii=False)
    return str(v)


#: the CSV's headers: the columns' names in the reports' words
_CSV_HEADERS = {"severity": "severity", "rule": "rule", "title": "title", "entity": "entity", "entity_type": "type",
                "name": "name", "area_path": "path", "facts": "facts", "action": "action", "cite": "cite"}  # fmt: skip


def findings_csv(findings: Sequence[Finding], lang: str | None = None) -> str:
    """One row per finding, the columns of :data:`FINDING_COLUMNS` headed in ``lang`` (default: the
    language in use), after a byte-order mark: Excel and WPS then read the file as UTF-8."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow([t(f"handup.col_{_CSV_HEADERS[k]}", lang) for k in FINDING_COLUMNS])
    for f in findings:  # a spreadsheet runs none of it as a formula, a terminal sees no control
        w.writerow([spreadsheet_cell(printable(_cell(f, k))) for k in FINDING_COLUMNS])
    return buf.getvalue()


def _md(text: str) -> str:
    return printable(text.replace("\n", " ")).replace("|", "\\|")


def findings_md(findings: Sequence[Finding], lang: str | None = None) -> str:
    """A Markdown table of the findings and their count, headed in ``lang`` (default: the
    language in use)."""
    head = [t(f"cli.md.{k}", lang) for k in ("severity", "finding", "entity", "area", "action", "source")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in findings:
        cells = [t(f"severity.{f.severity}", lang), f.title, f"{f.name} ({f.entity})", ">".join(f.area_path),
                 f.action, f.cite]  # fmt: skip
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + f"\n\n{t('cli.md.total', lang, n=len(findings))}\n"


def at_least(findings: Sequence[Finding], severity: str) -> bool:
    """Whether any finding is of ``severity`` or above."""
    from dangjian.queries.registry import SEVERITIES

    order = {s: i for i, s in enumerate(SEVERITIES)}
    return any(order[f.severity] <= order[severity] for f in findings)
