"""The hostile corpus (tests/corpus/, written by tests/corpus/make_corpus.py): each file is loaded
with a small clean base through the CLI, as a user would, and every promise of the loader is
checked on what the user gets: the exit code and message, the JSON counts, the load report on disk
and the workspace. Each physical data line of a file must end where its manifest entry says:
loaded (in the workspace, with its file, sheet and row), merged, skipped or rejected (in the
report, with the reason). Nothing in the report may start a formula, show a person's name or carry
a control character; nothing in the workspace may carry one."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dangjian.graph.safe import strip_invisible
from dangjian.graph.store import Workspace
from dangjian.loaders.messages import MESSAGES

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = CORPUS / "files"
BASE = CORPUS / "base"
MANIFEST = json.loads((FILES / "manifest.json").read_text(encoding="utf-8"))
CASES = MANIFEST["files"]
REPORT_HEAD = ["文件", "工作表", "行号", "列", "值", "处理", "原因"]
FORMULA = tuple("=+-@＝＋－＠")
# C0/C1 controls (but tab and line ends), bidi controls, zero-width characters, BOM, soft hyphen,
# line/paragraph separators: written out here, not taken from the code under test
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
OUTCOME = {"拒绝": "rejected", "跳过": "skipped", "合并": "merged"}


def _cli() -> str:
    exe = Path(sys.executable).with_name("dangjian")
    found = str(exe) if exe.exists() else shutil.which("dangjian")
    assert found, "the dangjian command is not installed"
    return found


def _pattern(template: str) -> re.Pattern:
    return re.compile(".*?".join(map(re.escape, re.split(r"\{\w+\}", template))), re.S)


REASONS = {code: _pattern(zh) for code, (zh, _en) in MESSAGES.items()}


def codes_of(reason: str) -> set[str]:
    """The reason codes whose Chinese message reads as ``reason``."""
    return {code for code, p in REASONS.items() if p.fullmatch(reason)}


@dataclass
class Run:
    rc: int
    out: str
    err: str
    data: dict | None = None
    report_bytes: bytes | None = None
    report: list[list[str]] = field(default_factory=list)
    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    db_exists: bool = False
    dump: list[str] | None = None


def _dump(db: Path) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _load(args: list[str], db: Path, rejects: Path | None, *, read_ws: bool = True, dump: bool = False) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "DANGJIAN_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    cmd = [_cli(), "load", *args, "--db", str(db), "--json"]
    if rejects is not None:
        cmd += ["--rejects", str(rejects)]
    p = subprocess.run(cmd, capture_output=True, timeout=300, env=env)
    run = Run(p.returncode, p.stdout.decode("utf-8", "backslashreplace"), p.stderr.decode("utf-8", "backslashreplace"))
    if p.returncode == 0:
        try:
            run.data = json.loads(run.out)
        except ValueError:
            run.data = None
    if rejects is not None and rejects.exists():
        run.report_bytes = rejects.read_bytes()
        text = run.report_bytes.decode("utf-8-sig", "backslashreplace")
        run.report = list(csv.reader(io.StringIO(text, newline="")))
    run.db_exists = db.exists()
    if run.db_exists and read_ws:
        with Workspace.open(db) as ws:
            run.nodes = list(ws.iter_nodes())
            run.edges = [e for _, e in ws.iter_edges()]
    if run.db_exists and dump:
        run.dump = _dump(db)
    return run


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Any]:
    """Every corpus file loaded with the base (and the refused ones with --strict, and alone), two
    CLI processes at a time."""
    tmp = tmp_path_factory.mktemp("corpus")
    base_db = tmp / "base.db"
    base = _load([str(BASE)], base_db, tmp / "base-r.csv", dump=True)
    assert base.rc == 0 and base.data, base.err
    assert base.report_bytes is None, "the base loads with no entry in the report"
    jobs = {}
    for i, case in enumerate(CASES):
        d = tmp / f"c{i:03d}"
        d.mkdir()
        path = str(FILES / case["file"])
        jobs[(case["file"], "load")] = (lambda d=d, path=path: _load([str(BASE), path], d / "ws.db", d / "r.csv"))
        if case["refused"]:
            def strict(d=d, path=path):
                shutil.copy(base_db, d / "strict.db")
                return _load([str(BASE), path, "--strict"], d / "strict.db", d / "rs.csv", read_ws=False, dump=True)

            jobs[(case["file"], "strict")] = strict
            jobs[(case["file"], "alone")] = (lambda d=d, path=path: _load([path], d / "alone.db", d / "ra.csv",
                                                                          read_ws=False))
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        done = {key: f.result() for key, f in futures.items()}
    return {"base": base, "runs": done}


def _plain(cell: str) -> str:
    """A report cell as written before the formula guard (a leading ' before = + - @)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA else cell


def _one_line(run: Run, what: str, problems: list[str]) -> None:
    lines = run.err.strip().splitlines()
    if len(lines) != 1:
        problems.append(f"{what}: stderr is not one line: {run.err!r}")
    if "Traceback" in run.err or "internal error" in run.err.lower():
        problems.append(f"{what}: stderr shows a traceback or internal error: {run.err!r}")


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _check_safety(case: dict, run: Run, problems: list[str]) -> None:
    """The report: a BOM, the columns, no formula, no name, no control character; the workspace and
    the JSON: no control character."""
    if run.report_bytes is not None:
        if not run.report_bytes.startswith(b"\xef\xbb\xbf"):
            problems.append("report: no UTF-8 BOM")
        if not run.report or run.report[0] != REPORT_HEAD:
            problems.append(f"report: columns {run.report[:1]}")
        for row in run.report:
            for cell in row:
                if cell.lstrip(" \u3000").startswith(FORMULA) or cell.startswith(("\t", "\r")):
                    problems.append(f"report: a cell starts a formula: {cell!r} in {row}")
        text = run.report_bytes.decode("utf-8-sig", "backslashreplace")
        for m in list(INVISIBLE.finditer(text))[:3]:
            problems.append(f"report: raw control character {m.group()!r} in …{text[max(0, m.start() - 30):m.end() + 10]!r}")
        for name in [*case["names"], *MANIFEST["base_names"]]:
            if name in text:
                line = next(ln for ln in text.splitlines() if name in ln)
                problems.append(f"report: unmasked name {name!r}: {line!r}")
    for m in list(INVISIBLE.finditer(run.out))[:3]:
        problems.append(f"stdout: raw control character {m.group()!r}")
    bad = []
    for n in run.nodes:
        for s in _strings([n.id, n.type, n.name, n.props, list(n.source)]):
            if INVISIBLE.search(s):
                bad.append(f"node {n.id!r} {n.source}: {s!r}")
    for e in run.edges:
        for s in _strings([e.type, e.src, e.dst, e.props, list(e.source), e.owner, e.link_key]):
            if INVISIBLE.search(s):
                bad.append(f"edge {e.type} {e.src!r}->{e.dst!r} {e.source}: {s!r}")
    problems.extend(f"workspace: control character: {b}" for b in bad[:5])


def _counts(data: dict) -> dict[str, dict[str, int]]:
    return data.get("by_type", {}) if data else {}


def _check_accounting(run: Run, base: Run, expected: dict[str, Counter], problems: list[str]) -> None:
    got, before = _counts(run.data), _counts(base.data)
    for t, c in got.items():
        if c["read"] != c["new"] + c["updated"] + c["merged"] + c["skipped"] + c["rejected"]:
            problems.append(f"counts: {t}: read != new + updated + merged + skipped + rejected: {c}")
    for t in set(got) | set(before) | set(expected):
        c, b = got.get(t, {}), before.get(t, {})
        diff = {k: c.get(k, 0) - b.get(k, 0) for k in ("read", "new", "updated", "merged", "skipped", "rejected")}
        diff["loaded"] = diff.pop("new") + diff.pop("updated")
        want = {k: expected.get(t, Counter())[k] for k in ("read", "loaded", "merged", "skipped", "rejected")}
        if diff != want:
            problems.append(f"counts: {t}: this file's lines counted {diff}, expected {want}")


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file(case, runs):
    base: Run = runs["base"]
    run: Run = runs["runs"][(case["file"], "load")]
    path = str(FILES / case["file"])
    problems: list[str] = []
    if "Traceback" in run.err or "internal error" in run.err.lower():
        problems.append(f"stderr: {run.err!r}")
    if run.rc != 0:
        problems.append(f"exit code {run.rc} (expected 0: the other files load): {run.err.strip()!r}")
    mine = [r for r in run.report[1:] if len(r) == 7 and r[0] == path]
    entries: dict[tuple[str, int], list[tuple[str, set[str], list[str]]]] = defaultdict(list)
    for r in mine:
        if r[2]:
            entries[(_plain(r[1]), int(r[2]))].append((r[5], codes_of(r[6]), r))
    sources = {n.source for n in run.nodes} | {e.source for e in run.edges}
    by_source = {n.source: n for n in run.nodes}

    if case["refused"]:
        if not any(r[5] == "未读入" for r in mine):
            problems.append(f"report: no 未读入 entry for the file ({len(mine)} entries: {mine[:3]})")
        failed = [f.get("file") for f in (run.data or {}).get("failed_files", [])]
        if path not in failed:
            problems.append(f"JSON failed_files does not name the file: {failed}")
        if _counts(run.data) != _counts(base.data):
            problems.append(f"counts: the base did not load as on its own: {_counts(run.data)}")
        strict = runs["runs"][(case["file"], "strict")]
        if strict.rc != 1:
            problems.append(f"--strict: exit code {strict.rc}, expected 1")
        _one_line(strict, "--strict", problems)
        if strict.dump != base.dump:
            problems.append("--strict: the workspace changed")
        alone = runs["runs"][(case["file"], "alone")]
        if alone.rc != 1:
            problems.append(f"alone (no file can be read): exit code {alone.rc}, expected 1")
        _one_line(alone, "alone", problems)
        if alone.db_exists:
            problems.append("alone: a workspace was created")
    else:
        if any(r[5] == "未读入" for r in mine):
            problems.append(f"report: the file was not read: {[r[6] for r in mine if r[5] == '未读入']}")

    expected: dict[str, Counter] = defaultdict(Counter)
    known: set[tuple[str, int]] = set()
    loaded_rows: set[tuple[str, int]] = set()
    for sheet in case["sheets"]:
        name = strip_invisible(sheet["sheet"]) or "?"  # sheet names are stored without hidden characters
        if sheet.get("hidden"):
            if any(s[0] == path and s[1] == name for s in sources):
                problems.append(f"[{name}] a hidden sheet was loaded")
            continue
        if sheet.get("roster") is False:
            listed = {(s["file"], s["sheet"]) for s in (run.data or {}).get("skipped_sheets", [])}
            if (path, name) not in listed:
                problems.append(f"[{name}] a sheet with no roster is not listed in skipped_sheets")
            continue
        if "type" not in sheet:
            continue  # an instructions sheet or an empty one: nothing to say
        for line in sheet["lines"]:
            row = line["row"]
            key = (name, row)
            known.add(key)
            where = f"[{name}] row {row}"
            src = (path, name, row)
            got = entries.get(key, [])
            kinds = {k for k, _, _ in got}
            in_ws = src in sources
            outs = {OUTCOME[k] for k in kinds if k in OUTCOME}
            if in_ws:
                outs.add("loaded")
            allowed = line["out"] if isinstance(line["out"], list) else [line["out"]]
            if len(outs) > 1:
                problems.append(f"{where}: contradictory outcomes {sorted(outs)} (report {[g[2][5:] for g in got]})")
            actual = next(iter(outs)) if len(outs) == 1 else None
            if actual is None and not outs:
                problems.append(f"{where}: neither in the workspace nor in the report (expected {allowed})")
            elif actual not in allowed:
                detail = [g[2][3:] for g in got] or "in the workspace"
                problems.append(f"{where}: {actual}, expected {allowed}{' ' + str(line.get('why')) if line.get('why') else ''}: {detail}")
            expected[sheet["type"]]["read"] += 1
            counted = actual if actual in allowed else allowed[0]
            expected[sheet["type"]][counted] += 1
            if counted == "loaded":
                loaded_rows.add(key)
            why = line.get("why")
            if why and actual in allowed and actual in ("rejected", "skipped"):
                whys = set(why) if isinstance(why, list) else {why}
                have = set().union(*(c for k, c, _ in got if OUTCOME.get(k) == actual))
                if not whys & have:
                    problems.append(f"{where}: reason {sorted(have)} {[g[2][6] for g in got]}, expected {sorted(whys)}")
            for text in line.get("hint", []):
                if not any(text in g[2][6] for g in got):
                    problems.append(f"{where}: no reason says {text!r}: {[g[2][6] for g in got]}")
            for w in line.get("warn", []):
                if not any(k == "警告" and w in c for k, c, _ in got):
                    problems.append(f"{where}: no warning {w} (report: {[g[2][5:] for g in got]})")
            node = by_source.get(src)
            for k, v in (line.get("props") or {}).items():
                have = None if node is None else (node.name if k == "name" else node.props.get(k))
                if have != v:
                    problems.append(f"{where}: {k} = {have!r}, expected {v!r}")
            for t, a, b in line.get("edges") or []:
                a = node.id if a == "@" and node else a
                b = node.id if b == "@" and node else b
                if not any(e.type == t and e.src == a and e.dst == b and e.source == src for e in run.edges):
                    problems.append(f"{where}: no edge {t} {a}->{b} from this row")
    for key, got in sorted(entries.items()):
        if key not in known and any(k in ("拒绝", "警告", "跳过", "合并") for k, _, _ in got):
            problems.append(f"report: an entry for a line that is no data line [{key[0]}] row {key[1]}: "
                            f"{[g[2][3:] for g in got]}")
    for s in sorted(s for s in sources if s[0] == path):
        if (s[1], s[2]) not in loaded_rows and (s[1], s[2]) not in known:
            problems.append(f"workspace: an entity from a line that is no data line: {s}")
    for sheet, code in case["notes"]:
        sheet = strip_invisible(sheet) or "?"
        if not any(r[5] == "说明" and _plain(r[1]) == sheet and code in codes_of(r[6]) for r in mine):
            problems.append(f"report: no note {code} for [{sheet}]")
    if not case["refused"]:
        _check_accounting(run, base, expected, problems)
        if run.data:
            lines_of = lambda kind: len({(_plain(r[1]), r[2]) for r in mine if r[5] == kind})  # noqa: E731
            for kind, key in (("拒绝", "rejected"), ("跳过", "skipped"), ("合并", "merged")):
                if lines_of(kind) != run.data[key]:
                    problems.append(f"report: {lines_of(kind)} lines with 处理 {kind}, JSON {key} = {run.data[key]}")
            if sum(r[5] == "警告" for r in mine) != run.data["warnings"]:
                problems.append(f"report: {sum(r[5] == '警告' for r in mine)} warnings, JSON {run.data['warnings']}")
    _check_safety(case, run, problems)
    assert not problems, f"{case['file']} ({', '.join(case['classes'])}):\n  " + "\n  ".join(problems)


def test_the_corpus_is_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = gen  # dataclasses look their module up
    try:
        spec.loader.exec_module(gen)
    finally:
        sys.modules.pop("make_corpus", None)
    gen.main(tmp_path)
    for d in ("files", "base"):
        made = {p.name: p.read_bytes() for p in (tmp_path / d).iterdir()}
        kept = {p.name: p.read_bytes() for p in (CORPUS / d).iterdir()}
        assert made.keys() == kept.keys(), d
        assert [n for n in made if made[n] != kept[n]] == [], f"{d}: run tests/corpus/make_corpus.py"


CLASSES = {
    "encoding:utf-8", "encoding:utf-8-sig", "encoding:gb18030", "encoding:gbk", "encoding:big5", "encoding:utf-16le",
    "encoding:utf-16be", "delimiter:','", "delimiter:'\\t'", "delimiter:';'", "title rows", "quotes",
    "newlines in cells", "commas in cells", "semicolons in cells", "runaway quote", "long rows", "short rows",
    "blank rows", "footers", "notes under the table", "example row", "repeated header", "merged cells",
    "hidden sheets", "several sheets", "traditional", "formula-looking values", "control characters", "bidi",
    "zero-width", "huge numbers", "ID numbers as numbers", "bad ID numbers", "dates", "Excel dates",
    "approximate numbers", "empty file", "binary file", "xlsx not a zip", "only a header", "no roster header",
    "duplicate rows", "conflicting duplicates", "unknown references", "near names", "references by traditional name",
    "花名册 without 党员情况", "several reporting organizations", "facts from ID", "contradictions", "names masked",
    "bad encoding line", "unheaded cells", "posts",
}
CODES = {
    "footer_row", "repeated_header", "continuation", "unbalanced_quote", "extra_cells", "bad_encoding_line",
    "invisible_chars", "imprecise_date", "approximate", "id_contradiction", "bad_id_check", "bad_id_birth",
    "bad_id_region", "id_number_as_number", "number_not_date", "unknown_ref", "duplicate_conflict", "hidden_sheet",
    "merged_filled", "absent_columns", "bad_enum", "bad_date", "too_large", "negative", "missing_required",
}


def test_the_corpus_covers_every_class():
    assert len(CASES) >= 120
    classes = set().union(*(c["classes"] for c in CASES))
    assert CLASSES <= classes, CLASSES - classes
    codes = set()
    for c in CASES:
        codes.update(code for _, code in c["notes"])
        for s in c["sheets"]:
            for ln in s.get("lines", []):
                w = ln.get("why")
                codes.update(w if isinstance(w, list) else [w] if w else [])
                codes.update(ln.get("warn", []))
    assert CODES <= codes, CODES - codes
    assert set(CODES) <= set(MESSAGES)
    assert sum(c["refused"] for c in CASES) >= 10
