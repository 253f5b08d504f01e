"""Bulk files for ``neo4j-admin database import full`` (Neo4j 5): the workspace as CSV.

One header file and one data file per label (``nodes/Area.header.csv`` + ``nodes/Area.csv``) and per
(relationship type, start label, end label) that occurs (``rels/MEMBER_OF__Member__PartyOrg.*``).
Each label is its own ID space (``id:ID(Area)``, ``:START_ID(Member)``), so ids need only be
unique within a type. Comma-delimited, ``"`` quotes escaped by doubling (the csv module), CRLF
line ends, array delimiter ``;``, UTF-8 without BOM. Properties and privacy are those of
:mod:`dangjian.graph.neo4j_mapping`. The files are written into a temporary folder beside
``out_dir`` and renamed into place at the end: a failed export leaves no half files.

>>> import tempfile
>>> from dangjian.graph.store import Workspace
>>> from dangjian.loaders import load_paths
>>> ws = Workspace.open(":memory:", create=True)
>>> _ = load_paths(ws, ["examples/xianghe"])
>>> res = export_workspace(ws, tempfile.mkdtemp() + "/neo4j")
>>> res.rows["nodes/Area.csv"] == ws.counts()["nodes"]["Area"], res.skipped
(True, 0)
>>> (res.out_dir / "nodes/Area.header.csv").read_text(encoding="utf-8").split(",")[:3]
['id:ID(Area)', ':LABEL', 'name']
>>> res.command.startswith("neo4j-admin database import full neo4j --overwrite-destination")
True
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import os
import shlex
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dangjian.graph.errors import DangjianError
from dangjian.graph.explain import WriteError, write_error
from dangjian.graph.neo4j_mapping import (
    LABELS,
    MARK,
    REL_TYPES,
    edge_record,
    node_property_types,
    node_record,
    rel_property_types,
    workspace_stamp,
)
from dangjian.graph.privacy import NameGuard
from dangjian.graph.schema import model
from dangjian.graph.store import Workspace

__all__ = ["ExportResult", "export_workspace", "ARRAY_DELIMITER", "DATABASE"]

ARRAY_DELIMITER = ";"
DATABASE = "neo4j"
PROGRESS_EVERY = 10_000
_INT32 = (-(2**31), 2**31 - 1)  # neo4j-admin's ``int`` is 32-bit


@dataclass
class ExportResult:
    """What :func:`export_workspace` wrote. ``rows`` is keyed by the data file's path relative to
    ``out_dir``; ``skipped`` counts edges left out (an end missing from the workspace, or ends
    the schema does not allow), ``dropped`` values left out by ``Label.key`` (an edge property
    the schema does not know, an int beyond 32 bits, an array item holding the delimiter)."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    relationships: int = 0
    skipped: int = 0
    skipped_by_type: dict[str, int] = field(default_factory=dict)
    skipped_nodes: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    multiline: bool = False
    command: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: paths as strings."""
        d = dataclasses.asdict(self)
        d["out_dir"], d["files"] = str(self.out_dir), [str(p) for p in self.files]
        return d


def _text(v: str) -> str:
    return v


def _int32(v: int) -> str | None:
    return str(v) if _INT32[0] <= v <= _INT32[1] else None


def _array(one: Callable[[Any], str | None]) -> Callable[[list], str | None]:
    def fmt(items: list) -> str | None:
        cells = [one(x) for x in items]
        if any(c is None or ARRAY_DELIMITER in c for c in cells):
            return None  # an item neo4j-admin would split or could not read: leave the value out
        return ARRAY_DELIMITER.join(cells)

    return fmt


# Neo4j type -> the cell text of the value node_record/edge_record gives (None: leave it out).
_SCALARS: dict[str, Callable[[Any], str | None]] = {
    "string": _text, "int": _int32, "float": repr, "boolean": lambda v: "true" if v else "false",
    "date": lambda v: v.isoformat(),
}  # fmt: skip
_CELLS = {**_SCALARS, **{f"{t}[]": _array(f) for t, f in _SCALARS.items()}}


class _File:
    """One header + data file pair and its csv writer."""

    def __init__(self, tmp: Path, rel: str, fixed: list[str], types: dict[str, str], where: str):
        self.rel, self.types, self.rows = rel, types, 0
        self.cols = [(k, _CELLS[t]) for k, t in types.items()]
        self.wheres = [f"{where}.{k}" for k in types]
        header = [*fixed, *(k if t == "string" else f"{k}:{t}" for k, t in types.items())]
        with open(tmp / f"{rel}.header.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerow(header)
        self.fh = open(tmp / f"{rel}.csv", "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)  # QUOTE_MINIMAL, CRLF: fields with , " \r \n are quoted


class _Writer:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.files: dict[tuple[str, ...], _File] = {}
        self.dropped: Counter[str] = Counter()
        self.multiline = False

    def open(
        self, key: tuple[str, ...], rel: str, fixed: list[str], types: dict[str, str], where: str
    ) -> _File:
        f = self.files[key] = _File(self.tmp, rel, fixed, types, where)
        return f

    def write(self, f: _File, head: list[str], props: dict[str, Any], where: str) -> None:
        get = props.get
        cells = ["" if (v := get(k)) is None else fmt(v) for k, fmt in f.cols]
        if None in cells:  # a value that cannot be written: left out and counted
            for i, cell in enumerate(cells):
                if cell is None:
                    self.dropped[f.wheres[i]] += 1
                    cells[i] = ""
        if not props.keys() <= f.types.keys():
            for k in sorted(props.keys() - f.types.keys()):
                self.dropped[f"{where}.{k}"] += 1
        row = head + cells
        if not self.multiline:
            text = "".join(row)
            self.multiline = "\n" in text or "\r" in text
        f.writer.writerow(row)
        f.rows += 1

    def close(self) -> None:
        for f in self.files.values():
            f.fh.close()


def _check_target(out: Path) -> None:
    """Refuse to replace anything but a missing or empty folder or an earlier export (``nodes/``
    and ``rels/`` of CSV files only)."""
    if "," in str(out):  # neo4j-admin splits its file lists on commas
        raise DangjianError("neo4j.export_comma", path=out)
    if out.exists() and not out.is_dir():
        raise DangjianError("error.file_not_folder", path=out)
    if out.is_dir():
        for p in out.iterdir():
            if (
                p.name not in ("nodes", "rels")
                or not p.is_dir()
                or any(not (c.is_file() and c.suffix == ".csv") for c in p.iterdir())
            ):
                raise DangjianError("neo4j.export_foreign", path=out, name=p.name)


def _replace(tmp: Path, out: Path) -> None:
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            os.replace(old, out)  # the earlier export stays as it was
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


def export_workspace(
    ws: Workspace,
    out_dir: str | os.PathLike,
    *,
    personal: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ExportResult:
    """Write the bulk-import files of ``ws`` into ``out_dir`` (replacing an earlier export there)
    and return what was written, with the ``neo4j-admin`` command that imports them.

    A write that fails (disk full, no permission) leaves ``out_dir`` as it was, no temporary
    folder, and raises a :class:`~dangjian.graph.explain.WriteError` naming the cause."""
    out = Path(out_dir).absolute()
    _check_target(out)
    try:
        return _export(ws, out, personal, progress)
    except WriteError:
        raise
    except OSError as exc:
        raise write_error(exc, out, "neo4j_import") from exc


def _export(ws: Workspace, out: Path, personal: bool, progress: Callable[[int], object] | None) -> ExportResult:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (tmp / "nodes").mkdir(parents=True)
        (tmp / "rels").mkdir()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    res = ExportResult(out_dir=out)
    w = _Writer(tmp)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)

    guard = None if personal else NameGuard(ws.people_names())  # people named in notes and the like
    stamp = workspace_stamp(ws)  # as a push stamps: the --backend neo4j reads see the imported graph
    try:
        for label in LABELS:
            types = node_property_types(label, personal=personal)
            types.pop("id")
            w.open((label,), f"nodes/{label}", [f"id:ID({label})", ":LABEL"], {**types, "pushed": "string"}, label)
        for row in ws.iter_nodes():
            if row.type not in LABELS:
                res.skipped_nodes += 1
                continue
            f = w.files[(row.type,)]
            w.write(f, [row.id, f"{row.type}{ARRAY_DELIMITER}{MARK}"],
                    {**node_record(row, personal, guard)["props"], "pushed": stamp}, row.type)  # fmt: skip
            tick()
        skipped: Counter[str] = Counter()
        for eid, e, start, end in ws.iter_edges_typed():  # the ends' labels joined in SQLite: no id map
            et = model().edges.get(e.type)
            if et is None or start not in LABELS or end not in LABELS \
                    or start not in et.from_types or end not in et.to_types:  # fmt: skip
                skipped[e.type] += 1
                continue
            key = (e.type, start, end)
            f = w.files.get(key)
            if f is None:
                types = rel_property_types(e.type, personal=personal)
                fixed = [f":START_ID({start})", f":END_ID({end})", ":TYPE"]
                types = {**types, "pushed": "string"}
                f = w.open(key, f"rels/{e.type}__{start}__{end}", fixed, types, e.type)
            rec = edge_record(eid, e, personal, guard)
            w.write(f, [rec["src"], rec["dst"], e.type], {"eid": rec["eid"], **rec["props"], "pushed": stamp}, e.type)
            tick()
        w.close()
        res.skipped, res.skipped_by_type = sum(skipped.values()), dict(sorted(skipped.items()))
        _finish(res, w, out)
        _replace(tmp, out)
    except BaseException:
        with contextlib.suppress(Exception):
            w.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress is not None:
        progress(done)
    return res


def _finish(res: ExportResult, w: _Writer, out: Path) -> None:
    """Files, rows and the import command, in schema order."""
    order = [(label,) for label in LABELS]
    order += [
        (r, s, d) for r in REL_TYPES for s in model().edge(r).from_types for d in model().edge(r).to_types
    ]
    cmd = ["neo4j-admin", "database", "import", "full", DATABASE, "--overwrite-destination=true",
           "--array-delimiter=" + shlex.quote(ARRAY_DELIMITER)]  # fmt: skip
    if w.multiline:
        cmd.append("--multiline-fields=true")
    for key in order:
        f = w.files.get(key)
        if f is None:
            continue
        header, data = out / f"{f.rel}.header.csv", out / f"{f.rel}.csv"
        res.files += [header, data]
        res.rows[f"{f.rel}.csv"] = f.rows
        if len(key) == 1:
            res.nodes += f.rows
        else:
            res.relationships += f.rows
        opt = "--nodes" if len(key) == 1 else "--relationships"
        cmd.append(shlex.quote(f"{opt}={key[0]}={header},{data}"))
    res.dropped, res.multiline = dict(sorted(w.dropped.items())), w.multiline
    res.command = " ".join(cmd)
