"""What the command line must never do, whatever the input or the machine: change a workspace when it
only reads, leave a half-made workspace after a kill, lose one of two loads made at once, end in a
traceback or an "internal error" for a bad input or a full disk, print a control character, or write
a spreadsheet cell that starts a formula."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.errors import WorkspaceError
from dangjian.graph.safe import FORMULA_START
from dangjian.graph.store import EdgeRow, NodeRow, Workspace
from dangjian.queries.formats import FINDING_COLUMNS
from dangjian.wording import t as wording_text

runner = CliRunner()
DJ = Path(sys.executable).with_name("dangjian")
ROOT = Path(__file__).resolve().parents[1]
XIANGHE = ROOT / "examples" / "xianghe"
AS_OF = "2026-11-22"
ORG = "O000065"  # a general branch of the synthesized 丽江市 (seed 1)


def dj(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([DJ, *map(str, args)], capture_output=True, text=True, **kw)


def assert_one_line_error(proc, *words: str) -> None:
    """Exit 1, one line on stderr starting with ``error:`` that holds ``words``; no traceback."""
    code = getattr(proc, "returncode", getattr(proc, "exit_code", None))
    stderr = proc.stderr
    assert code == 1, (code, stderr)
    assert stderr.startswith(("错误：", "error: ")) and stderr.strip().count("\n") == 0, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    for w in words:
        assert w in stderr, (w, stderr)


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def state(db: Path) -> tuple[dict, str]:
    """What the workspace answers: ``info --json`` and a hash of ``gaps --format json``."""
    info = dj("info", "--db", db, "--json")
    assert info.returncode == 0, info.stderr
    gaps = dj("gaps", "--db", db, "--format", "json", "--as-of", AS_OF)
    assert gaps.returncode == 0, gaps.stderr
    return json.loads(info.stdout), hashlib.sha256(gaps.stdout.encode()).hexdigest()


def load_xianghe(db: Path) -> Path:
    r = runner.invoke(app, ["load", str(XIANGHE), "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    return db


def hidden_temporaries(folder: Path, name: str) -> list[str]:
    return sorted(f for f in os.listdir(folder) if f.startswith(f".{name}."))


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A synthesized city (丽江市, ~70k roster lines), its workspace, and how long a load takes."""
    d = tmp_path_factory.mktemp("big")
    r = dj("synth", "--region", "5307", "--preset", "lijiang", "--seed", "1", "-o", d / "rosters")
    assert r.returncode == 0, r.stderr
    t0 = time.monotonic()
    r = dj("load", d / "rosters", "--db", d / "city.db", "--json")
    seconds = time.monotonic() - t0
    assert r.returncode == 0, r.stderr
    return d / "rosters", d / "city.db", seconds


# -- 1. reading never creates or changes a workspace -------------------------------------------------
READS = [["info"], ["gaps"], ["stats"], ["find", "xysq"], ["show", "祥云社区"], ["path", "祥云社区", "祥和街道"],
         ["rules"]]  # fmt: skip


def test_reading_an_empty_file_is_an_error_and_leaves_it_empty(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for args in [*READS[:-1], ["view", "overview", "-o", tmp_path / "v.html"], ["neo4j", "export", tmp_path / "n"]]:
        proc = dj(*args, "--db", empty)
        assert_one_line_error(proc, "不是 dangjian 工作区（空文件）")
        assert empty.stat().st_size == 0 and os.listdir(tmp_path) == ["empty.db"], args
    proc = dj("info", "--db", empty, "--lang", "en")
    assert_one_line_error(proc, "is not a dangjian workspace (an empty file)")


def test_reading_a_missing_file_creates_nothing(tmp_path):
    for args in READS[:-1]:
        assert_one_line_error(dj(*args, "--db", tmp_path / "none.db"), "没有工作区")
    assert os.listdir(tmp_path) == []


def test_an_sqlite_file_with_no_tables_is_not_made_a_workspace_by_a_read(tmp_path):
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version=7")
    con.close()
    before = digest(db)
    assert_one_line_error(dj("info", "--db", db), "没有数据表")
    assert digest(db) == before


def test_read_commands_leave_the_workspace_byte_for_byte(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    before = digest(db)
    for args in [*READS, ["view", "overview", "-o", tmp_path / "v.html"], ["neo4j", "export", tmp_path / "n"],
                 ["gaps", "--format", "csv"], ["stats", "--report"]]:  # fmt: skip
        r = runner.invoke(app, [*map(str, args), "--db", str(db)] if args != ["rules"] else ["rules"])
        assert r.exit_code == 0, (args, r.output)
    assert digest(db) == before
    assert sorted(os.listdir(tmp_path)) == ["n", "v.html", "w.db"]  # no journal, nothing else
    with Workspace.open(db) as ws:
        assert ws.readonly
        with pytest.raises(WorkspaceError, match="只读"):
            with ws.write_lock():
                pass


def test_a_read_after_a_killed_write_rolls_it_back(tmp_path):
    """A hot journal (a writer killed half-way): a read-only connection cannot undo it, so the read
    lets SQLite undo it, and answers as before the killed write."""
    db = load_xianghe(tmp_path / "w.db")
    before = state(db)
    child = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
from dangjian.graph.store import NodeRow, Workspace
ws = Workspace.open({str(db)!r}, write=True)
ws.conn.execute("PRAGMA cache_size=20")  # spill to the file: the journal is hot
with ws.write_lock():
    lid = ws.begin_load(["kill"])
    ws.put_nodes((NodeRow(f"K{{i}}", "Area", "x" * 200, {{"name": "x" * 200, "level": "community"}}, ("k", "k", i))
                  for i in range(20000)), lid)
    ws._flush()  # what the commit writes, written: killed before its COMMIT
    print("written", flush=True)
    time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert child.stdout.readline().strip() == "written"
    child.kill()
    child.wait()
    journal = tmp_path / "w.db-journal"
    assert journal.exists() and journal.stat().st_size > 0
    assert state(db) == before
    assert not journal.exists()


# -- 2. a killed load ----------------------------------------------------------------------------------
def _kill_during(args: list, seconds: float) -> None:
    """Start ``dangjian *args`` and kill -9 it after ``seconds``."""
    p = subprocess.Popen([DJ, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    p.kill()
    p.wait()


def _timed(args: list) -> float:
    t0 = time.monotonic()
    r = dj(*args)
    assert r.returncode == 0, r.stderr
    return time.monotonic() - t0


def _kill_sweep(args: list, seconds: float, fracs: tuple, after_kill, enough, tries: int = 8) -> None:
    """Kill ``dangjian *args`` at each fraction of ``seconds``; ``after_kill()`` checks what the kill
    left and says whether the command had finished. This VM's speed drifts 2x: while ``enough()`` is
    false, kill again at earlier points (a finished command halves the time base), at most ``tries``
    more times."""
    for frac in fracs:
        _kill_during(args, seconds * frac)
        after_kill(frac)
    frac = fracs[len(fracs) // 2]
    for _ in range(tries):
        if enough():
            return
        _kill_during(args, seconds * frac)
        if after_kill(frac):
            seconds /= 2


def _counts(db: Path) -> dict:
    info = json.loads(dj("info", "--db", db, "--json").stdout)
    return {k: info[k] for k in ("loads", "nodes", "edges")}


def test_a_killed_first_load_leaves_no_workspace(big, tmp_path):
    """Killed at several points: no workspace, or (killed after it was put in place, while it printed
    its summary) the complete one; never a part of one."""
    rosters, city, seconds = big
    complete = _counts(city)
    db = tmp_path / "new.db"
    args = ["load", rosters, "--db", db, "--json"]
    seen = {"interrupted": 0, "building": 0}

    def after_kill(frac) -> bool:
        assert not (tmp_path / "new.db-journal").exists(), frac
        if db.exists():  # it had finished
            assert _counts(db) == complete, frac
            db.unlink()
            return True
        seen["interrupted"] += 1
        seen["building"] += bool(hidden_temporaries(tmp_path, "new.db"))  # killed while building it
        return False

    _kill_sweep(args, seconds, (0.15, 0.45, 0.75, 0.9, 0.97), after_kill,
                lambda: seen["interrupted"] >= 3 and seen["building"] >= 2)  # fmt: skip
    assert seen["interrupted"] >= 3 and seen["building"] >= 2, seen
    # the next load makes the workspace and removes what the dead loads left
    load_xianghe(db)
    assert db.exists() and hidden_temporaries(tmp_path, "new.db") == []
    assert _counts(db)["loads"] == 1


def test_a_killed_load_into_a_workspace_leaves_it_as_it_was(big, tmp_path):
    """Killed at several points: the workspace answers exactly as before (or, killed after its
    commit, exactly as after the whole load); never anything in between."""
    rosters, _, _ = big
    db = load_xianghe(tmp_path / "w.db")
    before = state(db)
    done = load_xianghe(tmp_path / "done.db")
    seconds = _timed(["load", rosters, "--db", done, "--json"])  # this kind of load, now
    after = state(done)
    after[0]["workspace"] = str(db)
    pristine = tmp_path / "pristine.db"
    shutil.copy(db, pristine)
    seen = {"interrupted": 0}

    def after_kill(frac) -> bool:
        now = state(db)
        assert now in (before, after), frac
        if now == before:
            seen["interrupted"] += 1
            return False
        shutil.copy(pristine, db)
        return True

    _kill_sweep(["load", rosters, "--db", db, "--json"], seconds, (0.2, 0.5, 0.8, 0.9, 0.97), after_kill,
                lambda: seen["interrupted"] >= 3)  # fmt: skip
    assert seen["interrupted"] >= 3, seen
    # a journal the kill left that was not hot yet (empty header) is harmless: the next write clears it
    load_xianghe(db)
    assert not (tmp_path / "w.db-journal").exists()


def test_a_terminated_first_load_cleans_up_after_itself(big, tmp_path):
    rosters, _, seconds = big
    p = subprocess.Popen([DJ, "load", str(rosters), "--db", str(tmp_path / "w.db")], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)  # fmt: skip
    time.sleep(seconds * 0.6)
    p.terminate()
    _, stderr = p.communicate(timeout=60)
    if p.returncode == 0:
        pytest.skip("the load finished before SIGTERM")
    assert p.returncode == 130 and stderr.strip() == "已中断", (p.returncode, stderr)
    assert os.listdir(tmp_path) == []


def test_a_failed_first_load_leaves_nothing_and_an_interrupted_one_too(tmp_path, monkeypatch):
    db = tmp_path / "w.db"

    def boom(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(Workspace, "put_edges", boom)
    r = runner.invoke(app, ["load", str(XIANGHE), "--db", str(db)])
    assert r.exit_code == 130
    assert os.listdir(tmp_path) == []


def test_stale_temporaries_of_live_processes_are_kept(tmp_path):
    live = tmp_path / f".w.db.{os.getppid()}.new"  # the parent (pytest's shell or runner) is alive
    dead = tmp_path / ".w.db.999999999.new"
    other = tmp_path / ".w.db.notes"
    for p in (live, dead, other):
        p.write_bytes(b"x")
    assert Workspace.remove_stale(tmp_path / "w.db") == [dead]
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, other.name])


def test_library_create_still_makes_the_file_in_place(tmp_path):
    with Workspace.open(tmp_path / "lib.db", create=True) as ws:
        assert not ws.readonly and ws.counts() == {"nodes": {}, "edges": {}}
    assert (tmp_path / "lib.db").stat().st_size > 0
    # an empty file is made a workspace when asked to create
    (tmp_path / "e.db").write_bytes(b"")
    Workspace.open(tmp_path / "e.db", create=True).close()
    assert Workspace.open(tmp_path / "e.db").schema_version == 1


def test_publish_never_replaces_a_workspace_made_meanwhile(tmp_path):
    target = tmp_path / "w.db"
    ws = Workspace.create_new(target)
    assert not target.exists() and Path(ws.file).name == f".w.db.{os.getpid()}.new"
    load_xianghe(target)  # another load, faster
    before = digest(target)
    assert ws.publish() is False
    assert digest(target) == before and hidden_temporaries(tmp_path, "w.db") == []


# -- 3. two loads at once -------------------------------------------------------------------------------
def _update_rosters(folder: Path, org: str, kind: str = "党总支") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    a, b = folder / "a" / "党组织.csv", folder / "b" / "党组织.csv"
    for p, col, value in ((a, "本届选举日期", "2024-01-02"), (b, "委员人数", "7")):
        p.parent.mkdir(exist_ok=True)
        p.write_text(f"组织编码,党组织名称,组织类别,{col}\n{org},更新的党组织,{kind},{value}\n", encoding="utf-8")
    return a, b


@pytest.mark.parametrize("attempt", range(3))
def test_two_loads_at_once_both_take_effect(big, tmp_path, attempt):
    _, city, _ = big
    db = tmp_path / "w.db"
    shutil.copy(city, db)
    a, b = _update_rosters(tmp_path, ORG)
    procs = [subprocess.Popen([DJ, "load", str(p), "--db", str(db), "--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for p in (a, b)]  # fmt: skip
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_, stderr) in zip(procs, outs, strict=True):
        assert p.returncode == 0, stderr
        assert stderr in ("", wording_text("cli.waiting", "zh") + "\n"), stderr
    with Workspace.open(db) as ws:
        props = ws.get_nodes([ORG])[ORG].props
    assert props["elected_on"] == "2024-01-02" and props["committee_size"] == 7, props


def test_two_first_loads_at_once_both_take_effect(tmp_path):
    db = tmp_path / "w.db"
    a, b = _update_rosters(tmp_path, "P9", "党支部")
    for _ in range(3):
        db.unlink(missing_ok=True)
        procs = [subprocess.Popen([DJ, "load", str(XIANGHE), str(p), "--db", str(db), "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in (a, b)]  # fmt: skip
        for p in procs:
            _, stderr = p.communicate(timeout=120)
            assert p.returncode == 0, stderr
        with Workspace.open(db) as ws:
            props = ws.get_nodes(["P9"])["P9"].props
            assert len(ws.loads()) == 2
        assert props["elected_on"] == "2024-01-02" and props["committee_size"] == 7, props
        assert hidden_temporaries(tmp_path, "w.db") == []


def _stderr_lines(proc) -> queue.Queue:
    q: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in proc.stderr:
            q.put(line)
        q.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return q


def test_a_second_load_waits_for_the_first_and_says_so_once(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    a, _ = _update_rosters(tmp_path, "P9", "党支部")
    holder = Workspace.open(db, write=True)
    with holder.write_lock():  # another load, busy writing
        p = subprocess.Popen([DJ, "load", str(a), "--db", str(db), "--json"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
        lines = _stderr_lines(p)
        assert lines.get(timeout=60) == wording_text("cli.waiting", "zh") + "\n"
        time.sleep(0.5)
        assert p.poll() is None  # still waiting
    holder.close()
    out = p.stdout.read()
    assert p.wait(timeout=60) == 0
    assert lines.get(timeout=10) is None  # nothing more on stderr
    assert json.loads(out)["new"] == 1
    with Workspace.open(db) as ws:
        assert ws.get_nodes(["P9"])["P9"].props["elected_on"] == "2024-01-02"


def test_a_writer_that_waits_too_long_fails_clearly(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    holder, other = Workspace.open(db, write=True), Workspace.open(db, write=True)
    told = []
    with holder.write_lock():
        with pytest.raises(WorkspaceError, match="正被另一个导入占用，等待 0.3 秒后仍未释放"):
            with other.write_lock(on_wait=lambda: told.append(1), timeout=0.3):
                pass
    assert told == [1]
    with other.write_lock():  # free again
        pass
    holder.close()
    other.close()


# -- 4. bad inputs and a hostile machine: one clear line ----------------------------------------------------
@pytest.fixture
def xianghe_db(tmp_path) -> Path:
    return load_xianghe(tmp_path / "ex.db")


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_as_of_outside_the_rules_range(xianghe_db, date, tmp_path):
    for args in (["gaps"], ["stats"], ["show", "祥云社区"], ["view", "overview", "-o", str(tmp_path / "v.html")]):
        r = runner.invoke(app, [*args, "--db", str(xianghe_db), "--as-of", date])
        assert_one_line_error(r, "超出可用范围", "1900-01-01", "2100-12-31")
    r = runner.invoke(app, ["gaps", "--db", str(xianghe_db), "--as-of", date, "--lang", "en"])
    assert_one_line_error(r, "out of range")
    assert not (tmp_path / "v.html").exists()


def test_as_of_at_the_ends_of_the_range(xianghe_db):
    for date in ("1900-01-01", "2100-12-31"):
        r = runner.invoke(app, ["gaps", "--db", str(xianghe_db), "--as-of", date, "--json"])
        assert r.exit_code == 0, r.output
    proc = dj("gaps", "--db", xianghe_db, "--as-of", "9999-12-31")
    assert_one_line_error(proc, "超出可用范围")


BAD_CONFIGS = [
    ("rules:\n  branch-too-large: {max_members: many}\n", ["rules.branch-too-large.max_members", "整数"]),
    ("rules:\n  branch-too-large: {max_members: 5.5}\n", ["rules.branch-too-large.max_members", "整数"]),
    ("rules:\n  branch-too-large: {max_members: -1}\n", ["max_members", "负数"]),
    ("rules:\n  branch-too-large: {max_members: true}\n", ["max_members", "整数"]),
    ("rules:\n  term-ending-soon: {months: 100000000}\n", ["rules.term-ending-soon.months", "1200"]),
    ("rules:\n  grid-without-group: {enabled: 'no'}\n", ["rules.grid-without-group.enabled", "true 或 false"]),
    ("rules:\n  venue-under-standard: {standard_m2: [1]}\n", ["standard_m2", "数字"]),
    ("rules:\n  community-no-first-secretary: {required_in: 5}\n", ["required_in", "all"]),
    ("rules:\n  org-without-superior: {top_kinds: working_committee}\n", ["top_kinds", "列表"]),
    ("rules:\n  branch-too-large: 5\n", ["rules.branch-too-large", "映射"]),
    ("rules:\n  branch-too-large: {max: 3}\n", ["branch-too-large", "max"]),
    ("rules:\n  branch-too-large: {severity: urgent}\n", ["severity"]),
    ("rules: [1, 2]\n", ["rules", "列表"]),
    ("rules: {x: 5}\n", ["没有规则“x”"]),
    ("- a\n- b\n", ["顶层", "列表"]),
    ("rule:\n  branch-too-large: {}\n", ["未知的键“rule”"]),
    ("rules: {a: [}\n", ["不是有效的 YAML", "第 1 行"]),
    ("just text\n", ["顶层", "文字"]),
]


@pytest.mark.parametrize(("text", "words"), BAD_CONFIGS)
def test_bad_rules_config_is_one_line_naming_the_key(xianghe_db, tmp_path, text, words):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["gaps", "--db", str(xianghe_db), "--config", str(cfg)])
    assert_one_line_error(r, str(cfg), *words)
    r = runner.invoke(app, ["view", "gaps", "--db", str(xianghe_db), "--config", str(cfg), "-o", str(tmp_path / "v.html")])
    assert_one_line_error(r, *words)


def test_rules_config_files_that_cannot_be_read(xianghe_db, tmp_path):
    (tmp_path / "gbk.yaml").write_bytes("rules:\n  branch-too-large: {max_members: 5}  # 注释\n".encode("gbk"))
    for path, words in ((tmp_path / "none.yaml", ["找不到规则配置文件"]), (tmp_path, ["是文件夹"]),
                        (tmp_path / "gbk.yaml", ["不是 UTF-8"])):  # fmt: skip
        proc = dj("gaps", "--db", xianghe_db, "--config", path)
        assert_one_line_error(proc, *words)
    proc = dj("gaps", "--db", xianghe_db, "--config", tmp_path / "none.yaml", "--lang", "en")
    assert_one_line_error(proc, "no rules config file")
    good = tmp_path / "good.yaml"
    good.write_text("rules:\n  branch-too-large: {max_members: 60}\n  venue-under-standard: {standard_m2: 99.5}\n"
                    "  community-no-first-secretary: {required_in: all}\n  grid-without-group: {enabled: false}\n",
                    encoding="utf-8")  # fmt: skip
    assert runner.invoke(app, ["gaps", "--db", str(xianghe_db), "--config", str(good), "--json"]).exit_code == 0


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("how", ["file-444", "folder-555", "immutable-file", "immutable-folder"])
def test_a_load_into_a_read_only_workspace_is_refused_and_changes_nothing(tmp_path, how):
    """Mode 444 (or a folder of mode 555) is refused for everyone, root included: the system would let
    root write, but a workspace that nobody may write is read-only by intent. ``chattr +i`` is
    refused by the system itself, root included (skipped where chattr does not work)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    db = load_xianghe(folder / "w.db")
    a, _ = _update_rosters(tmp_path / "r", "P9", "党支部")
    target = db if how.endswith("file") or how == "file-444" else folder
    before, listing = digest(db), sorted(os.listdir(folder))
    if how.startswith("immutable"):
        if not _chattr("+i", target):
            pytest.skip("chattr +i does not work here")
        undo = lambda: _chattr("-i", target)  # noqa: E731
    else:
        old = target.stat().st_mode
        target.chmod(0o444 if target == db else 0o555)
        undo = lambda: target.chmod(old)  # noqa: E731
    try:
        proc = dj("load", a, "--db", db)
        assert_one_line_error(proc, f"工作区 {db} 只读，无法写入")
        proc = dj("load", a, "--db", db, "--lang", "en")
        assert_one_line_error(proc, "read-only")
        assert digest(db) == before and sorted(os.listdir(folder)) == listing
        assert dj("info", "--db", db).returncode == 0  # reading is fine
    finally:
        undo()


def test_a_first_load_into_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = dj("load", XIANGHE, "--db", folder / "w.db")
        assert_one_line_error(proc, "无法创建工作区", "只读")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs (needs root and mount): a real full disk."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True).returncode:  # fmt: skip
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_full_during_a_first_load(big, small_disk):
    rosters, _, _ = big
    proc = dj("load", rosters, "--db", small_disk / "w.db")
    assert_one_line_error(proc, "磁盘空间不足")
    assert os.listdir(small_disk) == []


def test_disk_full_during_a_load_into_a_workspace(big, small_disk):
    rosters, _, _ = big
    db = load_xianghe(small_disk / "w.db")
    before = state(db)
    proc = dj("load", rosters, "--db", db)
    assert_one_line_error(proc, "磁盘空间不足")
    assert state(db) == before and os.listdir(small_disk) == ["w.db"]


def test_disk_full_during_a_neo4j_export(big, small_disk, tmp_path):
    _, city, _ = big
    small = load_xianghe(tmp_path / "small.db")
    out = small_disk / "neo4j"
    assert dj("neo4j", "export", out, "--db", small).returncode == 0
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    proc = dj("neo4j", "export", out, "--db", city)
    assert_one_line_error(proc, "磁盘空间不足", str(out))
    assert os.listdir(small_disk) == ["neo4j"]  # no temporary folder left
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == files  # the earlier one


def test_disk_full_injected_during_a_neo4j_export(xianghe_db, tmp_path, monkeypatch):
    from dangjian.graph import neo4j_export

    real = neo4j_export._Writer.write
    calls = []

    def write(self, *a, **kw):
        calls.append(1)
        if len(calls) > 50:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.tmp / "nodes" / "Member.csv"))
        return real(self, *a, **kw)

    monkeypatch.setattr(neo4j_export._Writer, "write", write)
    out = tmp_path / "export"
    r = runner.invoke(app, ["neo4j", "export", str(out), "--db", str(xianghe_db)])
    assert_one_line_error(r, "磁盘空间不足", str(out))
    assert sorted(os.listdir(tmp_path)) == ["ex.db"]


def _fill_disk_after_nodes(monkeypatch):
    """The next write of edges meets a full workspace file (SQLite's own SQLITE_FULL)."""
    real = Workspace.put_edges

    def put_edges(self, *a, **kw):
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count={pages}")
        return real(self, *a, **kw)

    monkeypatch.setattr(Workspace, "put_edges", put_edges)


def test_disk_full_injected_during_loads(tmp_path, monkeypatch, rosters):
    _fill_disk_after_nodes(monkeypatch)
    db = tmp_path / "first.db"
    r = runner.invoke(app, ["load", str(XIANGHE), "--db", str(db)])
    assert_one_line_error(r, "磁盘空间不足")
    assert not db.exists() and hidden_temporaries(tmp_path, "first.db") == []
    monkeypatch.undo()
    db = load_xianghe(tmp_path / "w.db")
    before = state(db)
    _fill_disk_after_nodes(monkeypatch)
    r = runner.invoke(app, ["load", str(rosters), "--db", str(db), "--lang", "en"])
    assert_one_line_error(r, "no space left")
    assert state(db) == before


def test_disk_full_while_writing_a_view(big, small_disk):
    _, city, _ = big
    proc = dj("view", "gaps", "--db", city, "-o", small_disk / "v.html", "--as-of", AS_OF)  # about 4 MB
    assert_one_line_error(proc, "磁盘空间不足", str(small_disk / "v.html"))
    assert os.listdir(small_disk) == []  # no partial view, no temporary file


def test_main_turns_system_errors_into_their_cause(monkeypatch, capsys):
    from dangjian.cli import main as cli

    for exc, words in ((OSError(errno.ENOSPC, "No space left on device", "/x/out.csv"), ["磁盘空间不足", "/x/out.csv"]),
                       (sqlite3.OperationalError("database is locked"), ["工作区", "database is locked"]),
                       (PermissionError(errno.EACCES, "Permission denied", "/x/y"), ["没有权限", "/x/y"])):  # fmt: skip
        def boom(exc=exc):
            raise exc

        monkeypatch.setattr(cli, "app", boom)
        with pytest.raises(SystemExit) as info:
            cli.main()
        assert info.value.code == 1
        stderr = capsys.readouterr().err
        assert stderr.startswith(("错误：", "error: ")) and stderr.count("\n") == 1, stderr
        for w in words:
            assert w in stderr


# -- 5. nothing printed carries a control character --------------------------------------------------------
EVIL = "恶\x1b[31m意\x1b]0;title\x07名\u202e称\u200b\x9b2J"
BAD_CHARS = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")


def _rename(db: Path, names: dict[str, str], note: str | None = None) -> None:
    """Rename entities straight in the workspace (the loader would strip such characters)."""
    with Workspace.open(db, write=True) as ws, ws.write_lock():
        lid = ws.begin_load(["hostile"])
        rows = []
        for nid, row in ws.get_nodes(list(names)).items():
            props = {**row.props, "name": names[nid]}
            if note is not None:
                props["note"] = note
            rows.append(NodeRow(nid, row.type, names[nid], props, row.source))
        ws.put_nodes(rows, lid)


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _clean(text: str) -> bool:
    return not any(c in text for c in BAD_CHARS)


def test_no_output_carries_a_control_character(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    # a community without organization (a finding), a unit, an organization
    with Workspace.open(db) as ws:
        units = [r.id for r in ws.iter_nodes() if r.type == "Unit"][:1]
        orgs = [r.id for r in ws.iter_nodes() if r.type == "PartyOrg"][:1]
    _rename(db, {"530702003006": EVIL + "社区", units[0]: EVIL + "公司", orgs[0]: EVIL + "党委"}, note=EVIL)
    hostile = tmp_path / "w\x1b[31m\u202e.db"
    shutil.copy(db, hostile)
    runs = [
        ["show", "530702003006"], ["show", units[0]], ["show", orgs[0]], ["find", "530702003006"],
        ["find", units[0]], ["gaps", "--limit", "0"], ["gaps", "--format", "md"], ["gaps", "--format", "csv"],
        ["stats"], ["stats", "--area", "530702003006"], ["stats", "--report"], ["info"],
        ["path", "530702003006", units[0]], ["find", "\x1b[31mzz\u202e"], ["show", "\x1b]0;x\x07"],
        ["gaps", "--area", "\x1b[2J"],
    ]  # fmt: skip
    for args in runs:
        for lang in ("zh", "en"):
            r = runner.invoke(app, [*args, "--db", str(hostile), "--lang", lang])
            assert _clean(r.stdout) and _clean(r.stderr), (args, r.stdout, r.stderr)
            assert "Traceback" not in r.output and r.exit_code in (0, 1), (args, r.output)
    show = runner.invoke(app, ["show", "530702003006", "--db", str(db)]).stdout
    assert "恶\\x1b[31m意\\x1b]0;title\\x07名\\u202e称\\u200b\\x9b2J社区" in show  # shown, escaped
    info = runner.invoke(app, ["info", "--db", str(hostile)]).stdout
    assert "w\\x1b[31m\\u202e.db" in info
    # JSON: the characters as \\u escapes, the data unchanged
    for args in (["show", "530702003006"], ["find", "530702003006"], ["gaps"], ["stats", "--area", "530702003006"]):
        r = runner.invoke(app, [*args, "--db", str(db), "--json"])
        assert r.exit_code == 0 and _clean(r.stdout), args
        assert any(EVIL in s for s in _strings(json.loads(r.stdout))), args
    data = json.loads(runner.invoke(app, ["show", "530702003006", "--db", str(db), "--json"]).stdout)
    assert data["name"] == EVIL + "社区"
    assert "\\u202e" in runner.invoke(app, ["show", "530702003006", "--db", str(db), "--json"]).stdout


def test_subprocess_output_carries_no_control_character(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    _rename(db, {"530702003006": EVIL + "社区"})
    for args in (["gaps"], ["show", "530702003006"], ["gaps", "--json"], ["find", "530702003006"]):
        proc = dj(*args, "--db", db)
        assert proc.returncode == 0 and _clean(proc.stdout) and _clean(proc.stderr), args


# -- 6. spreadsheet cells never start a formula ----------------------------------------------------------------
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "＝1+1", " =1"]


def _add_communities(db: Path, names: list[str]) -> list[str]:
    """Communities without organization (each a finding) under 祥和街道, named ``names``."""
    ids = [f"X{i}" for i in range(len(names))]
    with Workspace.open(db, write=True) as ws, ws.write_lock():
        lid = ws.begin_load(["hostile"])
        ws.put_nodes([NodeRow(i, "Area", n, {"name": n, "level": "community", "parent": "530702003"}, ("h", "h", k))
                      for k, (i, n) in enumerate(zip(ids, names, strict=True))], lid)  # fmt: skip
        ws.put_edges([EdgeRow("CONTAINS", "530702003", i, None, None, {}, ("h", "h", k), owner=i)
                      for k, i in enumerate(ids)], lid)  # fmt: skip
    return ids


def test_gaps_csv_never_starts_a_formula(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    ids = _add_communities(db, FORMULAS)
    r = runner.invoke(app, ["gaps", "--db", str(db), "--format", "csv", "--as-of", AS_OF])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("\ufeff")  # the BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(r.stdout.removeprefix("\ufeff"))))
    header = list(FINDING_COLUMNS)  # the columns in this order, headed in Chinese
    for row in rows[1:]:
        for cell in row:
            assert not cell.lstrip(" \u3000").startswith(FORMULA_START), row
    named = {row[header.index("entity")]: row[header.index("name")] for row in rows[1:]
             if row[header.index("rule")] == "community-without-org"}  # fmt: skip
    assert [named[i] for i in ids] == ["'" + n for n in FORMULAS]


def test_neo4j_import_files_keep_names_exact(tmp_path):
    db = load_xianghe(tmp_path / "w.db")
    _add_communities(db, FORMULAS)
    r = runner.invoke(app, ["neo4j", "export", str(tmp_path / "n"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    with open(tmp_path / "n" / "nodes" / "Area.csv", encoding="utf-8", newline="") as fh:
        names = {row[2] for row in csv.reader(fh)}
    assert set(FORMULAS) <= names
