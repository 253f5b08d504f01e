"""Load roster files into a workspace: every line of data is loaded, merged as a duplicate,
skipped (a footer, a note, a repeated header) or rejected, each skip and reject with its file,
sheet, row, column and a reason, and ``read = new + updated + merged + skipped + rejected``.

The whole load is one transaction, taken before the workspace is read (a second load waits for
the first): if anything fails, the workspace is as it was, and no report is left behind.

>>> from dangjian.graph.store import Workspace
>>> ws = Workspace.open(":memory:", create=True)
>>> result = load_paths(ws, ["examples/xianghe"])  # doctest: +SKIP
>>> result.read == result.loaded + result.merged + result.skipped + result.rejected  # doctest: +SKIP
True
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import hmac
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dangjian.graph.errors import InputError
from dangjian.graph.explain import message
from dangjian.graph.perf import paused_gc
from dangjian.graph.privacy import NameGuard, mask_name
from dangjian.graph.roles import AREA
from dangjian.graph.safe import spreadsheet_row
from dangjian.graph.schema import RecordType, model
from dangjian.graph.store import EdgeRow, NodeRow, Workspace
from dangjian.loaders import normalize as nz
from dangjian.loaders.messages import render
from dangjian.loaders.readers import Sheet, find_files, read_file
from dangjian.loaders.roster import Reject, Row, filled, names_people, parse_rows, plan_sheet, shown_value
from dangjian.loaders.template import AUX_SHEETS
from dangjian.wording import LANGS, choose
from dangjian.wording import t as text_of
from dangjian.wording import texts as texts_of

__all__ = ["load_paths", "load_sheets", "LoadResult", "write_rejects", "REJECT_COLUMNS"]

Progress = Callable[[str, int, int], None]
#: the load report's columns, by language (the catalogue's report_columns)
REJECT_COLUMNS = {lang: list(texts_of("report_columns", lang).values()) for lang in LANGS}


@dataclass
class TypeCounts:
    read: int = 0
    new: int = 0
    updated: int = 0
    merged: int = 0
    skipped: int = 0
    rejected: int = 0

    @property
    def loaded(self) -> int:
        return self.new + self.updated

    def add_up(self) -> bool:
        """Nothing lost: every line read was loaded, merged, skipped or rejected."""
        return self.read == self.new + self.updated + self.merged + self.skipped + self.rejected


@dataclass
class LoadResult:
    """What a load did. ``rejects`` lists every entry of the load report (rejects, warnings,
    skipped lines, notes, files not read: see ``Reject.kind``); ``rejected`` counts rows."""

    files: list[str]
    by_type: dict[str, TypeCounts]
    rejects: list[Reject]
    sheets: list[dict[str, Any]]
    skipped_sheets: list[dict[str, Any]]
    rejects_path: str | None = None
    lang: str = "zh"
    guard: NameGuard | None = None  # people's names, masked wherever the report shows text

    def of_kind(self, kind: str) -> list[Reject]:
        return [r for r in self.rejects if r.kind == kind]

    @property
    def failed_files(self) -> list[dict[str, str]]:
        """The files that could not be read at all, each with the reason."""
        return [{"file": r.source[0], "reason": r.params["message"]} for r in self.of_kind("error")]

    def notes(self) -> list[str]:
        """The sheet-level notes (absent columns, merged cells filled, hidden sheets), rendered."""
        return [self.shown(text_of("cli.sheet_note", self.lang, file=Path(r.source[0]).name, sheet=r.source[1]))
                + self.reason(r)
                for r in self.of_kind("note")]  # fmt: skip

    def reason(self, r: Reject) -> str:
        return self.shown(render(r.code, self.lang, **r.params))

    def shown(self, text: str) -> str:
        return self.guard(text) if self.guard else text

    def _sum(self, attr: str) -> int:
        return sum(getattr(c, attr) for c in self.by_type.values())

    read = property(lambda self: self._sum("read"))
    loaded = property(lambda self: self._sum("loaded"))
    new = property(lambda self: self._sum("new"))
    updated = property(lambda self: self._sum("updated"))
    merged = property(lambda self: self._sum("merged"))
    skipped = property(lambda self: self._sum("skipped"))
    rejected = property(lambda self: self._sum("rejected"))
    warnings = property(lambda self: sum(r.kind == "warning" for r in self.rejects))

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "read": self.read,
            "loaded": self.loaded,
            "new": self.new,
            "updated": self.updated,
            "merged": self.merged,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "by_type": {
                t: {"read": c.read, "loaded": c.loaded, "new": c.new, "updated": c.updated,
                    "merged": c.merged, "skipped": c.skipped, "rejected": c.rejected}
                for t, c in self.by_type.items()
            },
            "sheets": self.sheets,
            "skipped_sheets": self.skipped_sheets,
            "failed_files": [{**f, "reason": self.shown(f["reason"])} for f in self.failed_files],
            "notes": self.notes(),
            "rejects_path": self.rejects_path,
        }  # fmt: skip


class _Load:
    """One load's working state. Only :func:`load_paths` uses it."""

    def __init__(self, ws: Workspace, lang: str, strict: bool = False):
        self.ws = ws
        self.lang = lang
        self.strict = strict
        self.m = model()
        self.rejects: list[Reject] = []
        self.counts: dict[str, TypeCounts] = {rt.name: TypeCounts() for rt in self.m.records}
        self.rows: list[Row] = []
        # resolution indexes: id -> (type, level); (type, name key) -> ids
        self.by_id: dict[str, tuple[str, str | None]] = {}
        self.by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.shown_names: dict[tuple[str, str], str] = {}  # (type, name key) -> a name as written
        self.dead_names: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.dead_ids: dict[str, tuple[str, str, int]] = {}
        self.pending_names: dict[tuple[str, str], int] = defaultdict(int)
        self.rank = {v: self.m.area_rank(v) for v in self.m.enums["area_level"].values}
        self.ws_ids: set[str] = set()  # ids already in the workspace: always valid targets
        self._near: dict[str, dict[str, list[str]]] = {}  # type -> character -> name keys
        self.people = set(self.m.people)
        self.rejected_names: set[str] = set()
        self._hints: dict[tuple, str] = {}

    def prepare(self) -> None:
        """Read what the workspace holds (under the write lock: see :func:`_load`)."""
        ws = self.ws
        self.id_key = ws.id_key
        for nid, ntype, name, level in ws.node_index():
            self.ws_ids.add(nid)
            self.by_id[nid] = (ntype, level)
            key = (ntype, _name_key(name))
            self.by_name[key].add(nid)
            self.shown_names.setdefault(key, name)

    # -- reporting ----------------------------------------------------------------------------
    def reject(self, row: Row, problems: list[Reject]) -> None:
        self.rejects.extend(problems)
        self.counts[row.type.name].rejected += 1
        if row.type.name in self.people and isinstance(row.values.get("name"), str):
            self.rejected_names.add(row.values["name"])  # a rejected person's name is masked all the same
        if "name" in row.values:
            self.dead_names.setdefault((row.type.name, _name_key(row.values["name"])), row.source)
        if row.id:
            self.dead_ids.setdefault(row.id, row.source)

    def problem(self, row: Row, prop: str, value: str, code: str, **params: Any) -> Reject:
        column = row.columns.get(prop) or self.m.record(row.type.name).prop(prop).label(self.lang)
        return Reject(row.source, column, value, code, {"column": column, "value": value, **params})

    def label(self, type_name: str) -> str:
        return self.m.record(type_name).label(self.lang)

    def report(self, entry: Reject) -> None:
        self.rejects.append(entry)

    def file_error(self, f, message: str) -> None:
        """A file that cannot be read at all: refuses the load with --strict, else reported."""
        if self.strict:
            raise InputError(message)
        self.report(Reject((str(f), "", 0), "", "", "file_not_read", {"message": message}, kind="error"))

    # -- step 1: read and parse -----------------------------------------------------------------
    def read(self, files: list, progress: Progress | None,
             reader: Callable[[Any], list[Sheet]] = read_file) -> tuple[list, list]:  # fmt: skip
        sheets_info, skipped = [], []
        for i, f in enumerate(files):
            if progress:
                progress("read", i, len(files))
            try:
                sheets = reader(f)
            except InputError as exc:
                self.file_error(f, message(exc, self.lang))
                continue
            recognised = 0
            for sheet in sheets:
                if sheet.name in AUX_SHEETS or not any(map(filled, sheet.rows)):
                    continue
                if sheet.hidden:
                    self.report(Reject((str(f), sheet.name, 0), "", "", "hidden_sheet",
                                       {"rows": sum(map(filled, sheet.rows))}, kind="note"))  # fmt: skip
                    continue
                plan = plan_sheet(sheet)
                if plan is None:
                    skipped.append({"file": str(f), "sheet": sheet.name, "rows": sum(map(filled, sheet.rows))})
                    continue
                recognised += 1
                self.read_sheet(f, sheet, plan, sheets_info)
            if recognised == 0 and not any(s.hidden for s in sheets):
                names = text_of("report.kind_sep", self.lang).join(rt.roster[self.lang] for rt in self.m.records)
                self.file_error(f, text_of("read.no_header", self.lang, path=f, names=names))
        if progress:
            progress("read", len(files), len(files))
        failed = self.of_kind("error")
        if failed and len(failed) == len(files):  # nothing could be read: the load is refused
            more = text_of("read.more_unreadable", self.lang, n=len(failed) - 1) if len(failed) > 1 else ""
            raise InputError(failed[0].params["message"] + more)
        return sheets_info, skipped

    def of_kind(self, kind: str) -> list[Reject]:
        return [r for r in self.rejects if r.kind == kind]

    def read_sheet(self, f, sheet: Sheet, plan, sheets_info: list) -> None:
        counts = self.counts[plan.type.name]
        where = (str(f), sheet.name, plan.header_row + 1)
        for code, params in sheet.notes:
            self.report(Reject(where, "", "", code, params, kind="note"))
        if plan.absent:
            cols = "、".join(p.label(self.lang) for p in plan.absent)
            self.report(Reject(where, "", "", "absent_columns", {"columns": cols}, kind="note"))
        n = 0
        for row in parse_rows(sheet, plan, self.lang):
            n += 1
            counts.read += 1
            if type(row) is Reject:  # a skipped line
                counts.skipped += 1
                self.report(row)
                continue
            if row.warnings:
                self.rejects.extend(row.warnings)
            if row.problems:
                row.id = row.values.get("id")
                self.reject(row, row.problems)
            else:
                self.rows.append(row)
        sheets_info.append({
            "file": str(f), "sheet": sheet.name, "type": plan.type.name, "rows": n,
            "header_row": plan.header_row + 1, "encoding": sheet.encoding,
            "ignored_columns": plan.ignored,
        })  # fmt: skip

    # -- step 2: identifiers --------------------------------------------------------------------
    def assign_ids(self) -> None:
        pending: list[Row] = []
        for row in self.rows:
            if "id" in row.values:
                row.id = row.values["id"]
            elif not self._derive(row, dry=True):
                pending.append(row)
                self.pending_names[(row.type.name, _name_key(row.values.get("name", "")))] += 1
            if row.id:
                self._index(row)
        # Ids that depend on references (a building's id on its compound's) settle in rounds.
        while pending:
            waiting = []
            for row in pending:
                status = self._derive(row, dry=False)
                if status == "wait":
                    waiting.append(row)
                    continue
                self.pending_names[(row.type.name, _name_key(row.values.get("name", "")))] -= 1
                if row.id:
                    self._index(row)
            if len(waiting) == len(pending):
                for row in waiting:
                    prop = next(p for alt in row.type.derive_id for p in alt if p in row.refs)
                    self.reject(row, [self.problem(row, prop, "", "unresolved_cycle")])
                break
            pending = waiting
        self.rows = [r for r in self.rows if r.id or r.type.is_link]

    def _derive(self, row: Row, dry: bool) -> bool | str:
        """Give ``row`` an id from its derive_id properties. With ``dry``, only when none of them
        is a reference (returns False to ask for a later round)."""
        rt = row.type
        if rt.is_link:
            return True
        for alt in rt.derive_id:
            if not all(p in row.values or p in row.refs for p in alt):
                continue
            if dry and any(p in row.refs for p in alt):
                return False
            parts = []
            for p in alt:
                if p in row.refs:
                    got = self.resolve(row, p, row.refs[p][0], for_id=True)
                    if got == "wait":
                        return "wait"
                    if isinstance(got, Reject):
                        self.reject(row, [got])
                        return "rejected"
                    parts.append(got[0])
                else:
                    parts.append(str(row.values[p]))
            row.id = _derived_id(rt, alt, parts, self.id_key)
            return True
        cols = "、".join(rt.prop(p).label(self.lang) for alt in rt.derive_id for p in alt)
        self.reject(row, [self.problem(row, "id", "", "no_id", columns=cols)])
        return "rejected"

    def _index(self, row: Row) -> None:
        if row.type.is_link:
            return
        known = self.by_id.get(row.id)
        if known and known[0] != row.type.name:
            self.reject(row, [self.problem(row, "id", row.id, "id_taken", id=row.id,
                                           found=self.label(known[0]))])  # fmt: skip
            row.id = None
            return
        self.by_id[row.id] = (row.type.name, row.values.get("level"))
        key = (row.type.name, _name_key(row.values.get("name", row.id)))
        self.by_name[key].add(row.id)
        self.shown_names.setdefault(key, row.values.get("name", row.id))

    # -- step 3: references ----------------------------------------------------------------------
    def resolve(self, row: Row, prop: str, text: str, for_id: bool = False):
        """(id, type) for a reference text, a Reject, or "wait" (for_id, target not yet known)."""
        p = row.type.prop(prop)
        hit = self.by_id.get(text)
        if hit and hit[0] in p.targets:
            return text, hit[0]
        key = _name_key(text)
        found = {(i, t) for t in p.targets for i in self.by_name.get((t, key), ())}
        if len(found) == 1:
            return found.pop()
        shown = shown_value(p, text)
        target = text_of("read.or", self.lang).join(self.label(t) for t in p.targets)
        if len(found) > 1:
            cands = "、".join(sorted(i for i, _ in found)[:5])
            return self.problem(row, prop, shown, "ambiguous_ref", target=target, candidates=cands)
        if for_id and any(self.pending_names.get((t, key)) for t in p.targets):
            return "wait"
        if hit:
            return self.problem(row, prop, shown, "wrong_target", expected=target,
                                found=self.label(hit[0]))  # fmt: skip
        dead = self.dead_ids.get(text) or next(
            (self.dead_names[(t, key)] for t in p.targets if (t, key) in self.dead_names), None
        )
        if dead:
            return self.problem(row, prop, shown, "rejected_ref", target=target,
                                file=Path(dead[0]).name, line=dead[2])  # fmt: skip
        return self.problem(row, prop, shown, "unknown_ref", target=target, hint=self.hint(p, text))

    def hint(self, p, text: str) -> str:
        """", did you mean …": the nearest names of the reference's target types (masked when they
        are people's), or nothing. Bounded: a few candidates per query, cached per text."""
        key = (p.targets, _name_key(text))
        if key in self._hints:
            return self._hints[key]
        if len(self._hints) >= 2000:
            return ""
        want = key[1]
        cands: set[tuple[str, str]] = set()
        for t in p.targets:
            near = self._near_index(t)
            for ch in sorted(set(want), key=lambda c: len(near.get(c, ())))[:3]:
                cands.update((t, k) for k in near.get(ch, ())[:3000])
        scored = sorted(((difflib.SequenceMatcher(None, want, k).ratio(), k, t) for t, k in cands), reverse=True)
        names = []
        for score, k, t in scored[:3]:
            if score < 0.5:
                break
            name = self.shown_names.get((t, k), k)
            names.append(mask_name(name) if names_people(p) else name)
        hint = ""
        if names:
            hint = text_of("read.did_you_mean", self.lang, names=text_of("report.kind_sep", self.lang).join(names))
        self._hints[key] = hint
        return hint

    def _near_index(self, t: str) -> dict[str, list[str]]:
        near = self._near.get(t)
        if near is None:
            near = defaultdict(list)
            for ntype, k in self.by_name:
                if ntype == t:
                    for ch in set(k):
                        near[ch].append(k)
            self._near[t] = near
        return near

    def resolve_all(self, progress: Progress | None) -> None:
        kept = []
        for i, row in enumerate(self.rows):
            if progress and i % 20000 == 0:
                progress("check", i, len(self.rows))
            problems = []
            for prop, texts in row.refs.items():
                got = []
                for text in texts:
                    res = self.resolve(row, prop, text)
                    if isinstance(res, Reject):
                        problems.append(res)
                    else:
                        got.append(res)
                row.resolved[prop] = got
            if not problems:
                problems = self.check_edges(row)
            if problems:
                self.reject(row, problems)
            else:
                kept.append(row)
        self.rows = kept

    def check_edges(self, row: Row) -> list[Reject]:
        """Schema constraints on the ends of each edge this row makes."""
        m, out = self.m, []
        rt = row.type
        rank = self.rank
        for prop, got in row.resolved.items():
            p = rt.prop(prop)
            edge = p.edge
            if rt.is_link and prop in (rt.link_from, rt.link_to):
                edge = rt.edge_of(row.values)
            for tid, ttype in got:
                if tid == row.id:
                    out.append(self.problem(row, prop, shown_value(p, row.refs[prop][0]), "self_ref"))
                    continue
                if edge is None:
                    continue
                et = m.edges[edge]
                ends = et.from_types if (p.direction == "in" or (rt.is_link and prop == rt.link_from)) \
                    else et.to_types  # fmt: skip
                if ttype not in ends:
                    expected = "或".join(self.label(t) for t in ends)
                    out.append(self.problem(row, prop, shown_value(p, row.refs[prop][0]), "wrong_target",
                                            expected=expected, found=self.label(ttype)))  # fmt: skip
                    continue
                if ttype != AREA:
                    continue
                level = self.by_id[tid][1]
                lv = m.enums["area_level"]
                if prop == "parent" and rt.name == AREA:
                    child = row.values.get("level")
                    if level and child and rank[level] >= rank[child]:
                        out.append(self.problem(row, prop, shown_value(p, row.refs[prop][0]), "parent_rank",
                                                found=lv.label(level, self.lang),
                                                level=lv.label(child, self.lang)))  # fmt: skip
                elif et.to_levels and level not in et.to_levels and p.direction != "in":
                    expected = "、".join(lv.label(x, self.lang) for x in et.to_levels)
                    out.append(self.problem(row, prop, shown_value(p, row.refs[prop][0]), "wrong_level",
                                            expected=expected,
                                            found=lv.label(level, self.lang) if level else "?"))  # fmt: skip
        return out

    def cascade(self) -> None:
        """Reject rows that refer to an entity whose every row was rejected, until none is left."""
        if not self.dead_ids:
            return
        alive: dict[str, int] = defaultdict(int)
        for row in self.rows:
            if row.id and not row.type.is_link:
                alive[row.id] += 1
        referrers: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows:
            for got in row.resolved.values():
                for tid, _ in got:
                    if tid not in self.ws_ids:
                        referrers[tid].append(row)
        dead_rows: set[int] = set()
        work = [tid for tid in referrers if alive.get(tid, 0) == 0 and tid in self.dead_ids]
        while work:
            tid = work.pop()
            for row in referrers.pop(tid, []):
                if id(row) in dead_rows:
                    continue
                prop, text = next((p, row.refs[p][0]) for p, g in row.resolved.items()
                                  if any(t == tid for t, _ in g))  # fmt: skip
                dead_rows.add(id(row))
                p = row.type.prop(prop)
                src = self.dead_ids[tid]
                target = self.label(self.by_id[tid][0])
                self.reject(row, [self.problem(row, prop, shown_value(p, text), "rejected_ref",
                                               target=target, file=Path(src[0]).name, line=src[2])])  # fmt: skip
                if row.id and not row.type.is_link:
                    alive[row.id] -= 1
                    if alive[row.id] == 0:
                        self.dead_ids.setdefault(row.id, row.source)
                        work.append(row.id)
        self.rows = [r for r in self.rows if id(r) not in dead_rows]

    # -- step 4: duplicates and the workspace ------------------------------------------------
    def props_of(self, row: Row) -> dict[str, Any]:
        props = dict(row.values)
        for prop, got in row.resolved.items():
            ids = [t for t, _ in got]
            props[prop] = ids if row.type.prop(prop).multiple else ids[0]
        props.pop("id", None)
        return props

    def merge(self) -> tuple[dict[str, tuple[Row, dict]], dict[str, tuple[Row, dict]]]:
        """Fold duplicate rows into the first row of their id. Returns nodes and links by key."""
        nodes: dict[str, tuple[Row, dict]] = {}
        links: dict[str, tuple[Row, dict]] = {}
        for row in self.rows:
            props = self.props_of(row)
            if row.type.is_link:
                key, bucket = self.link_key(row, props), links
            else:
                key, bucket = row.id, nodes
            first = bucket.get(key)
            if first is None:
                bucket[key] = (row, props)
                continue
            frow, fprops = first
            clash = next((k for k in props if k in fprops and fprops[k] != props[k]), None)
            if clash is not None:
                p = row.type.prop(clash)
                a, b = (shown_value(p, x, self.lang) for x in (fprops[clash], props[clash]))
                self.reject(row, [self.problem(row, clash, b, "duplicate_conflict",
                                               file=Path(frow.source[0]).name, line=frow.source[2],
                                               a=a, b=b)])  # fmt: skip
                continue
            for k, v in props.items():
                fprops.setdefault(k, v)
            frow.present = frow.present | row.present
            self.counts[row.type.name].merged += 1
            self.report(Reject(row.source, "", "", "duplicate_merged",
                               {"file": Path(frow.source[0]).name, "line": frow.source[2]}, kind="merge"))  # fmt: skip
        return nodes, links

    def link_key(self, row: Row, props: dict) -> str:
        rt = row.type
        edge = rt.edge_of(props)
        return "|".join((edge, props[rt.link_from], props[rt.link_to], props.get("valid_from") or ""))

    def edges_of(self, node_id: str, rt: RecordType, props: dict, source) -> list[EdgeRow]:
        out = []
        for name, edge, multiple, inward, vf_prop, vt_prop, edge_props in rt.edge_refs:
            value = props.get(name)
            if value is None:
                continue
            vf = props.get(vf_prop) if vf_prop else None
            vt = props.get(vt_prop) if vt_prop else None
            for t in value if multiple else (value,):
                src, dst = (t, node_id) if inward else (node_id, t)
                out.append(EdgeRow(edge, src, dst, vf, vt, edge_props, source, node_id))
        return out

    def write(self, files: list[str], nodes: dict, links: dict, progress: Progress | None) -> dict:
        ws = self.ws
        existing = ws.get_nodes([nid for nid in nodes if nid in self.ws_ids]) if self.ws_ids else {}
        node_rows, edge_rows, replacing = [], [], []
        for nid, (row, props) in nodes.items():
            old = existing.get(nid)
            counts = self.counts[row.type.name]
            if old is not None:
                # Columns this roster does not have keep the values the workspace had.
                merged = {k: v for k, v in old.props.items() if k not in row.present}
                merged.update(props)
                if merged == old.props:
                    counts.merged += 1
                    continue
                props = merged
                counts.updated += 1
                replacing.append(nid)
            else:
                counts.new += 1
            name = props.get("name") or nid
            node_rows.append(NodeRow(nid, row.type.name, name, props, row.source))
            edge_rows.extend(self.edges_of(nid, row.type, props, row.source))
        old_link_props = ws.link_props(links.keys()) if links and self.ws_ids else {}
        for key, (row, props) in links.items():
            rt = row.type
            counts = self.counts[rt.name]
            edge = key.split("|", 1)[0]
            extra = {k: v for k, v in props.items()
                     if k not in (rt.link_from, rt.link_to, "valid_from", "valid_to")}  # fmt: skip
            if key in old_link_props:
                if old_link_props[key] == extra:
                    counts.merged += 1
                    continue
                counts.updated += 1
            else:
                counts.new += 1
            edge_rows.append(EdgeRow(edge, props[rt.link_from], props[rt.link_to], props.get("valid_from"),
                                     props.get("valid_to"), extra, row.source, link_key=key))  # fmt: skip
        known = self.ws_ids.union(nodes)
        for e in edge_rows:  # every edge joins two entities that exist
            if e.src not in known or e.dst not in known:
                raise AssertionError(f"edge {e.type} {e.src}->{e.dst} from {e.source} has a missing end")
        for t, c in self.counts.items():  # nothing lost: a line is loaded, merged, skipped or rejected
            if not c.add_up():
                raise AssertionError(f"load counts do not add up for {t}: {c}")
        if progress:
            progress("write", 0, 1)
        load_id = ws.begin_load(files)  # inside the caller's write lock: one transaction
        ws.put_nodes(node_rows, load_id, replacing=replacing)
        ws.put_edges(edge_rows, load_id)
        summary = {t: vars(c) for t, c in self.counts.items() if c.read}
        ws.finish_load(load_id, summary)
        if progress:
            progress("write", 1, 1)
        return summary

    def guard(self) -> NameGuard:
        """People's names known to this load and to the workspace: masked in the report's text."""
        names = {r.values["name"] for r in self.rows if r.type.name in self.people and "name" in r.values}
        names.update(self.rejected_names)
        names.update(self.ws.people_names())
        return NameGuard(names)


def load_paths(
    ws: Workspace,
    paths: Iterable[str | os.PathLike],
    *,
    lang: str | None = None,
    rejects_path: str | os.PathLike | None = None,
    rejects_unique: bool = False,
    progress: Progress | None = None,
    strict: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> LoadResult:
    """Load the roster files (or folders of them) at ``paths`` into ``ws`` in one transaction.

    A file that cannot be read at all is reported and the others load; with ``strict`` it refuses
    the whole load (:class:`~dangjian.graph.errors.InputError`, nothing loaded), as does a load
    where no file can be read. The load report (CSV: rejects, warnings, skipped lines, notes) is
    written to ``rejects_path`` when given and not empty, in the same outcome as the load: a path
    that cannot be written refuses the load before anything is written. With ``rejects_unique``
    an existing file of that name is kept and the report gets the next free name (``-2``, ``-3``).
    ``on_wait`` is called once if another load holds the workspace.
    """
    files = find_files(paths)
    with paused_gc():  # millions of small objects, no cycles: see dangjian.graph.perf
        return _load(ws, files, lang, rejects_path, rejects_unique, progress, read_file, strict, on_wait)


def load_sheets(ws: Workspace, sheets: list[Sheet], *, lang: str | None = None,
                rejects_path: str | os.PathLike | None = None, rejects_unique: bool = False,
                progress: Progress | None = None, strict: bool = False,
                on_wait: Callable[[], None] | None = None) -> LoadResult:  # fmt: skip
    """Load sheets made in memory (each named by its ``file``), exactly as :func:`load_paths`
    loads files: the same checks, counts and rejects, in one transaction."""
    by_file: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        by_file.setdefault(sheet.file, []).append(sheet)
    with paused_gc():
        return _load(ws, list(by_file), lang, rejects_path, rejects_unique, progress, by_file.__getitem__,
                     strict, on_wait)  # fmt: skip


def _load(ws, files, lang, rejects_path, rejects_unique, progress, reader, strict, on_wait) -> LoadResult:
    if rejects_path is not None:
        check_output_path(rejects_path)
    lang = choose(lang)
    job = _Load(ws, lang, strict)
    sheets, skipped = job.read(files, progress, reader)  # the files: no need to hold the workspace
    names = [str(f) for f in files]
    tmp = None
    try:
        with ws.write_lock(on_wait=on_wait):
            job.prepare()
            job.assign_ids()
            job.resolve_all(progress)
            job.cascade()
            nodes, links = job.merge()
            job.write(names, nodes, links, progress)
            result = LoadResult(names, {t: c for t, c in job.counts.items() if c.read}, job.rejects, sheets,
                                skipped, lang=lang)  # fmt: skip
            if rejects_path is not None and job.rejects:
                result.guard = job.guard()
                tmp = _temp_beside(Path(rejects_path))
                _write_report(result, tmp)
        if tmp is not None:  # committed: the report goes in place
            result.rejects_path = str(_place(tmp, Path(rejects_path), unique=rejects_unique))
            tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    if result.guard is None and job.rejects:
        result.guard = job.guard()
    return result


def check_output_path(path: str | os.PathLike) -> None:
    """Refuse, before anything is written, a report path that cannot be written."""
    p = Path(path)
    if p.is_dir():
        raise InputError("read.report_is_folder", path=p, example=p / "rejects.csv")
    if not p.parent.is_dir():
        raise InputError("read.report_no_folder", path=p, folder=p.parent)
    if not os.access(p.parent, os.W_OK):
        raise InputError("read.report_not_writable", path=p, folder=p.parent)


def _temp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _place(tmp: Path, path: Path, unique: bool) -> Path:
    """Move the finished report into place: over ``path``, or with ``unique`` under the first
    free name (``rejects-….csv``, ``rejects-…-2.csv``), never replacing another report."""
    if not unique:
        os.replace(tmp, path)
        return path
    n = 1
    while True:
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            os.link(tmp, target)
        except FileExistsError:
            n += 1
            continue
        except OSError:  # no hard links here (FAT, some network shares): a checked rename
            if target.exists():
                n += 1
                continue
            os.replace(tmp, target)
            return target
        tmp.unlink()
        return target


def _write_report(result: LoadResult, path: Path) -> None:
    lang = result.lang
    kinds = texts_of("outcome", lang)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REJECT_COLUMNS[lang])
        for r in sorted(result.rejects, key=lambda r: (r.source[0], r.source[1], r.source[2])):
            w.writerow(spreadsheet_row([r.source[0], r.source[1], r.source[2] or "", r.column,
                                        result.shown(r.value), kinds[r.kind], result.reason(r)]))  # fmt: skip


def write_rejects(result: LoadResult, path: str | os.PathLike) -> None:
    """Write the load report (UTF-8 with BOM so that Excel opens it) atomically: a row per entry
    (file, sheet, row, column, value, outcome, reason), names masked, no cell a live formula."""
    p = Path(path)
    tmp = _temp_beside(p)
    try:
        _write_report(result, tmp)
        os.replace(tmp, p)
    finally:
        tmp.unlink(missing_ok=True)


def default_rejects_path(db_path: str) -> Path:
    """``rejects-YYYYmmdd-HHMMSS.csv`` beside the workspace file (loaded with ``rejects_unique``,
    two loads in the same second keep both reports)."""
    base = Path(db_path).parent if db_path != ":memory:" else Path.cwd()
    return base / f"rejects-{datetime.now():%Y%m%d-%H%M%S}.csv"


def _name_key(name: Any) -> str:
    """What a name is matched by: spaces, case and traditional characters ignored (祥雲社區 is
    祥云社区). Names and reference texts reach here already cleaned (``clean_text``: the loader
    cleans every cell it keeps, and the workspace holds only such values)."""
    text = name if type(name) is str else nz.clean_id(name)
    if not text.isascii():
        text = nz.simplified(text)
    return text.replace(" ", "").lower()


def _derived_id(rt: RecordType, alt: tuple[str, ...], parts: list[str], key: bytes) -> str:
    """A stable id from the derive_id properties. Sensitive parts (an ID number) are hashed so
    that the id can be shown; an id led by a reference (a compound's parent) reads as a path."""
    if any(rt.prop(p).sensitive for p in alt):
        digest = hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:16]
        return f"{rt.name}:{digest}"
    if rt.prop(alt[0]).is_ref:
        return "/".join(parts)
    return f"{rt.name}:" + "/".join(parts)
