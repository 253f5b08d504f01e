"""Load roster files into a workspace: every row is loaded, merged as a duplicate, or rejected
with its file, sheet, row, column and a reason, and ``read = loaded + merged + rejected``.

The whole load is one transaction: if anything fails, the workspace is as it was.

>>> from dangjian.graph.store import Workspace
>>> ws = Workspace.open(":memory:", create=True)
>>> result = load_paths(ws, ["examples/xianghe"])  # doctest: +SKIP
>>> result.read == result.loaded + result.merged + result.rejected  # doctest: +SKIP
True
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dangjian.graph.errors import InputError
from dangjian.graph.fileio import atomic_write_text
from dangjian.graph.perf import paused_gc
from dangjian.graph.schema import RecordType, model
from dangjian.graph.store import EdgeRow, NodeRow, Workspace
from dangjian.loaders import normalize as nz
from dangjian.loaders.messages import render
from dangjian.loaders.readers import Sheet, find_files, read_file
from dangjian.loaders.roster import Reject, Row, filled, parse_rows, plan_sheet, shown_value
from dangjian.loaders.template import AUX_SHEETS

__all__ = ["load_paths", "load_sheets", "LoadResult", "write_rejects", "REJECT_COLUMNS"]

Progress = Callable[[str, int, int], None]
REJECT_COLUMNS = {
    "zh": ["文件", "工作表", "行号", "列", "值", "原因"],
    "en": ["file", "sheet", "row", "column", "value", "reason"],
}


@dataclass
class TypeCounts:
    read: int = 0
    new: int = 0
    updated: int = 0
    merged: int = 0
    rejected: int = 0

    @property
    def loaded(self) -> int:
        return self.new + self.updated


@dataclass
class LoadResult:
    """What a load did. ``rejects`` lists each problem; ``rejected`` counts rows."""

    files: list[str]
    by_type: dict[str, TypeCounts]
    rejects: list[Reject]
    sheets: list[dict[str, Any]]
    skipped_sheets: list[dict[str, Any]]
    rejects_path: str | None = None
    lang: str = "zh"

    def _sum(self, attr: str) -> int:
        return sum(getattr(c, attr) for c in self.by_type.values())

    read = property(lambda self: self._sum("read"))
    loaded = property(lambda self: self._sum("loaded"))
    new = property(lambda self: self._sum("new"))
    updated = property(lambda self: self._sum("updated"))
    merged = property(lambda self: self._sum("merged"))
    rejected = property(lambda self: self._sum("rejected"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "read": self.read,
            "loaded": self.loaded,
            "new": self.new,
            "updated": self.updated,
            "merged": self.merged,
            "rejected": self.rejected,
            "by_type": {
                t: {"read": c.read, "loaded": c.loaded, "new": c.new, "updated": c.updated,
                    "merged": c.merged, "rejected": c.rejected}
                for t, c in self.by_type.items()
            },
            "sheets": self.sheets,
            "skipped_sheets": self.skipped_sheets,
            "rejects_path": self.rejects_path,
        }  # fmt: skip


class _Load:
    """One load's working state. Only :func:`load_paths` uses it."""

    def __init__(self, ws: Workspace, lang: str):
        self.ws = ws
        self.lang = lang
        self.m = model()
        self.rejects: list[Reject] = []
        self.counts: dict[str, TypeCounts] = {rt.name: TypeCounts() for rt in self.m.records}
        self.rows: list[Row] = []
        # resolution indexes: id -> (type, level); (type, name key) -> ids
        self.by_id: dict[str, tuple[str, str | None]] = {}
        self.by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.dead_names: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.dead_ids: dict[str, tuple[str, str, int]] = {}
        self.pending_names: dict[tuple[str, str], int] = defaultdict(int)
        self.id_key = ws.id_key
        self.rank = {v: self.m.area_rank(v) for v in self.m.enums["area_level"].values}
        self.ws_ids: set[str] = set()  # ids already in the workspace: always valid targets
        for nid, ntype, name, level in ws.conn.execute(
            "SELECT id, type, name, json_extract(props, '$.level') FROM nodes"
        ):
            self.ws_ids.add(nid)
            self.by_id[nid] = (ntype, level)
            self.by_name[(ntype, _name_key(name))].add(nid)

    # -- reporting ----------------------------------------------------------------------------
    def reject(self, row: Row, problems: list[Reject]) -> None:
        self.rejects.extend(problems)
        self.counts[row.type.name].rejected += 1
        if "name" in row.values:
            self.dead_names.setdefault((row.type.name, _name_key(row.values["name"])), row.source)
        if row.id:
            self.dead_ids.setdefault(row.id, row.source)

    def problem(self, row: Row, prop: str, value: str, code: str, **params: Any) -> Reject:
        column = row.columns.get(prop) or self.m.record(row.type.name).prop(prop).label(self.lang)
        return Reject(row.source, column, value, code, {"column": column, "value": value, **params})

    def label(self, type_name: str) -> str:
        return self.m.record(type_name).label(self.lang)

    # -- step 1: read and parse -----------------------------------------------------------------
    def read(self, files: list, progress: Progress | None,
             reader: Callable[[Any], list[Sheet]] = read_file) -> tuple[list, list]:  # fmt: skip
        sheets_info, skipped = [], []
        for i, f in enumerate(files):
            if progress:
                progress("read", i, len(files))
            sheets = reader(f)
            recognised = 0
            for sheet in sheets:
                if sheet.name in AUX_SHEETS or not any(map(filled, sheet.rows)):
                    continue
                plan = plan_sheet(sheet)
                if plan is None:
                    skipped.append({"file": str(f), "sheet": sheet.name, "rows": sum(map(filled, sheet.rows))})
                    continue
                recognised += 1
                counts = self.counts[plan.type.name]
                n = 0
                for row in parse_rows(sheet, plan, self.lang):
                    n += 1
                    counts.read += 1
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
            if recognised == 0:
                names = "、".join(rt.roster["zh"] for rt in self.m.records)
                raise InputError(f"{f}: no roster header found (expected a roster of {names})")
        if progress:
            progress("read", len(files), len(files))
        return sheets_info, skipped

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
        self.by_name[(row.type.name, _name_key(row.values.get("name", row.id)))].add(row.id)

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
        target = "或".join(self.label(t) for t in p.targets) if self.lang == "zh" else \
            " or ".join(self.label(t) for t in p.targets)  # fmt: skip
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
        return self.problem(row, prop, shown, "unknown_ref", target=target)

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
                edge = rt.prop(rt.link_edge_from).enum.attr(row.values[rt.link_edge_from], "edge")
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
                if ttype != "Area":
                    continue
                level = self.by_id[tid][1]
                lv = m.enums["area_level"]
                if prop == "parent" and rt.name == "Area":
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
        return nodes, links

    def link_key(self, row: Row, props: dict) -> str:
        rt = row.type
        edge = rt.prop(rt.link_edge_from).enum.attr(props[rt.link_edge_from], "edge")
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
        for t, c in self.counts.items():  # nothing lost: a row is loaded, merged or rejected
            if c.read != c.loaded + c.merged + c.rejected:
                raise AssertionError(f"load counts do not add up for {t}: {c}")
        if progress:
            progress("write", 0, 1)
        with ws.transaction():
            load_id = ws.begin_load(files)
            ws.put_nodes(node_rows, load_id, replacing=replacing)
            ws.put_edges(edge_rows, load_id)
            summary = {t: vars(c) for t, c in self.counts.items() if c.read}
            ws.finish_load(load_id, summary)
        if progress:
            progress("write", 1, 1)
        return summary


def load_paths(
    ws: Workspace,
    paths: Iterable[str | os.PathLike],
    *,
    lang: str = "zh",
    rejects_path: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load the roster files (or folders of them) at ``paths`` into ``ws`` in one transaction.

    Raises :class:`~dangjian.graph.errors.InputError` when a file cannot be read at all; then
    nothing is loaded. The rejects report (CSV) is written to ``rejects_path`` when given and there
    are rejects.
    """
    files = find_files(paths)
    with paused_gc():  # millions of small objects, no cycles: see dangjian.graph.perf
        return _load(ws, files, lang, rejects_path, progress, read_file)


def load_sheets(ws: Workspace, sheets: list[Sheet], *, lang: str = "zh",
                rejects_path: str | os.PathLike | None = None, progress: Progress | None = None) -> LoadResult:  # fmt: skip
    """Load sheets made in memory (each named by its ``file``), exactly as :func:`load_paths`
    loads files: the same checks, counts and rejects, in one transaction."""
    by_file: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        by_file.setdefault(sheet.file, []).append(sheet)
    with paused_gc():
        return _load(ws, list(by_file), lang, rejects_path, progress, by_file.__getitem__)


def _load(ws, files, lang, rejects_path, progress, reader) -> LoadResult:
    job = _Load(ws, lang)
    sheets, skipped = job.read(files, progress, reader)
    job.assign_ids()
    job.resolve_all(progress)
    job.cascade()
    nodes, links = job.merge()
    names = [str(f) for f in files]
    job.write(names, nodes, links, progress)
    result = LoadResult(names, {t: c for t, c in job.counts.items() if c.read}, job.rejects, sheets,
                        skipped, lang=lang)  # fmt: skip
    if rejects_path is not None and job.rejects:
        write_rejects(result, rejects_path)
        result.rejects_path = str(rejects_path)
    return result


def write_rejects(result: LoadResult, path: str | os.PathLike) -> None:
    """Write the rejects report (UTF-8 with BOM so that Excel opens it) atomically."""
    lang = result.lang
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(REJECT_COLUMNS[lang])
    for r in sorted(result.rejects, key=lambda r: (r.source[0], r.source[1], r.source[2])):
        w.writerow([r.source[0], r.source[1], r.source[2], r.column, r.value, render(r.code, lang, **r.params)])
    atomic_write_text(Path(path), buf.getvalue(), encoding="utf-8-sig")


def default_rejects_path(db_path: str) -> Path:
    """``rejects-YYYYmmdd-HHMMSS.csv`` beside the workspace file."""
    base = Path(db_path).parent if db_path != ":memory:" else Path.cwd()
    return base / f"rejects-{datetime.now():%Y%m%d-%H%M%S}.csv"


def _name_key(name: Any) -> str:
    """What a name is matched by: spaces and case ignored. Names and reference texts reach here
    already cleaned (``clean_text``: the loader cleans every cell it keeps, and the workspace holds
    only such values), so for text that is all it takes."""
    return name.replace(" ", "").lower() if type(name) is str else nz.clean_id(name).lower()


def _derived_id(rt: RecordType, alt: tuple[str, ...], parts: list[str], key: bytes) -> str:
    """A stable id from the derive_id properties. Sensitive parts (an ID number) are hashed so
    that the id can be shown; an id led by a reference (a compound's parent) reads as a path."""
    if any(rt.prop(p).sensitive for p in alt):
        digest = hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:16]
        return f"{rt.name}:{digest}"
    if rt.prop(alt[0]).is_ref:
        return "/".join(parts)
    return f"{rt.name}:" + "/".join(parts)
