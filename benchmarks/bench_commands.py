"""Commands as users run them: each ``dangjian`` command a whole process (start-up, imports, reading
the workspace, output), its wall time and its peak memory (the child's own ``ru_maxrss``).

    .venv/bin/python benchmarks/bench_commands.py city              # the table on the chengdu city
    .venv/bin/python benchmarks/bench_commands.py ab --old dfd8c71  # side by side with an older commit
    .venv/bin/python benchmarks/bench_commands.py province          # about a million members
    .venv/bin/python benchmarks/bench_commands.py growth            # 1x, 2x, 4x, 8x the city
    .venv/bin/python benchmarks/bench_commands.py naive             # the naive peer at 1/20 and 1/10

The city is ``dangjian synth --region 5101 --preset chengdu --seed 1`` (成都市, 3,047 communities) on
the official 2023 division tables (``--tables``). ``city`` runs every command ``--runs`` times (median,
and the largest peak), ``load`` each time into a new workspace. ``ab`` runs the same commands of this
tree and of an older commit taking turns (old, new, then new, old, ...), each side on a workspace its
own code loaded, so that the drift of this VM's speed falls on both alike; the ratio is old over new.
``province`` synthesizes 四川省 (51) with ``--scale`` members per community and runs ``load`` once and
``gaps`` three times. ``growth`` takes 1, 2, 4 and 8 times the city's communities from 四川省
(``--communities``) and runs load, gaps, show and the overview at each size; each doubling's ratio of
time and of memory. ``naive`` runs the issue's naive peer (``bench_city.py``'s: pandas row by row
into networkx, pyvis ``from_nx`` and ``write_html``) against our ``load`` + ``gaps`` + ``view
overview`` on 1/20 and 1/10 of the city's communities.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_city  # noqa: E402  (siblings: the naive peer, the machine report)
import bench_load  # noqa: E402

TABLES = HERE.parent.parent / "shared" / "data" / "china-divisions-2023"
AS_OF = "2026-11-22"
CITY = ("5101", "chengdu")
CITY_COMMUNITIES = 3047  # 成都市's communities and villages in the 2023 tables (dangjian stats)
NEW = [sys.executable, "-c", "import sys; from dangjian.cli.main import main; sys.argv[0] = 'dangjian'; main()"]

#: (name, arguments after the command's own workspace option, aim seconds, aim MiB or None)
COMMANDS = (
    ("info", ["info"], 0.5, None),
    ("gaps --format json", ["gaps", "--format", "json", "--as-of", AS_OF], 1.0, 400),
    ("stats --report", ["stats", "--report", "--as-of", AS_OF], 1.0, None),
    ("show 水井坊社区", ["show", "水井坊社区", "--as-of", AS_OF], 0.5, None),
    ("find xysq", ["find", "xysq"], 0.5, None),
    ("path 水井坊社区 M005001", ["path", "水井坊社区", "M005001"], 0.5, None),
    ("view community 水井坊社区", ["view", "community", "水井坊社区", "--as-of", AS_OF, "-o", "{tmp}/c.html"], 1.0, None),
    ("view overview", ["view", "overview", "--as-of", AS_OF, "-o", "{tmp}/o.html"], 2.0, None),
    ("view gaps", ["view", "gaps", "--as-of", AS_OF, "-o", "{tmp}/g.html"], 2.0, None),
)  # fmt: skip


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one process; its output is discarded, a failure stops the run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 4):  # 4: gaps --fail-on found something
        raise SystemExit(f"failed ({proc.returncode}): {shlex.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def synth(tables: str, out: str, region: str, preset: str, *, scale: float = 1.0, communities: int | None = None) -> str:
    args = ["synth", "--region", region, "--preset", preset, "--seed", "1", "--from", tables, "-o", out,
            "--as-of", AS_OF, "--scale", str(scale)]  # fmt: skip
    if communities:
        args += ["--communities", str(communities)]
    subprocess.run([*NEW, *args], check=True, stdout=subprocess.DEVNULL)
    return out


def load(cli: list[str], rosters: str, db: str, env=None) -> tuple[float, float]:
    for p in (db, db + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    return timed([*cli, "load", rosters, "--db", db, "--rejects", db + ".report.csv"], env)


def command(cli: list[str], args: list[str], db: str, tmp: str) -> list[str]:
    return [*cli, *(a.replace("{tmp}", tmp) for a in args), "--db", db]


def median_peak(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s for s, _ in runs), max(m for _, m in runs)


def header(title: str, argv: list[str]) -> list[str]:
    m = bench_load.machine()
    return [f"## {title}", "", f"- machine: {bench_load.machine_line(m)}; Python {m['python']}",
            f"- date: {dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}; commit {m['commit']}",
            f"- command: `{shlex.join(['.venv/bin/python', 'benchmarks/bench_commands.py', *argv])}`", ""]  # fmt: skip


def verdict(value: float, aim: float | None) -> str:
    if aim is None:
        return ""
    return "met" if value <= aim else f"missed by {value / aim:.2f}x"


# -- the table -----------------------------------------------------------------------------------------
def run_city(args, argv) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="dj-bench-cmd-") as tmp:
        rosters = synth(args.tables, f"{tmp}/rosters", *CITY)
        db = f"{tmp}/w.db"
        rows = [("load (new workspace)", median_peak([load(NEW, rosters, db) for _ in range(args.runs)]), 3.0, 500)]
        for name, cmd, aim, aim_mib in COMMANDS:
            rows.append((name, median_peak([timed(command(NEW, cmd, db, tmp)) for _ in range(args.runs)]), aim, aim_mib))
    out = header("Commands on the chengdu city", argv)
    out += [f"Each a whole process, median of {args.runs} (peak: the largest).", "",
            "| command | seconds | peak MiB | aim | time | memory |", "|---|---|---|---|---|---|"]  # fmt: skip
    for name, (s, mib), aim, aim_mib in rows:
        aims = f"≤ {aim:g} s" + (f", ≤ {aim_mib} MB" if aim_mib else "")
        out.append(f"| `{name}` | {s:.2f} | {mib:.0f} | {aims} | {verdict(s, aim)} | {verdict(mib, aim_mib)} |")
    return out


# -- side by side with an older commit -----------------------------------------------------------------
def old_tree(commit: str, tmp: str) -> dict[str, str]:
    """The environment that imports ``commit``'s dangjian (its packages linked under one name)."""
    tree = os.path.join(tmp, "tree")
    subprocess.run(["git", "-C", str(HERE.parent), "worktree", "add", "--detach", tree, commit], check=True,
                   capture_output=True)  # fmt: skip
    pkg = os.path.join(tmp, "pkg", "dangjian")
    os.makedirs(pkg)
    for name in sorted(os.listdir(tree)):
        if os.path.isfile(os.path.join(tree, name, "__init__.py")) and name not in ("tests", "benchmarks"):
            os.symlink(os.path.join(tree, name), os.path.join(pkg, name))
    Path(pkg, "__init__.py").touch()
    return {**os.environ, "PYTHONPATH": os.path.join(tmp, "pkg")}


def run_ab(args, argv) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="dj-bench-ab-") as tmp:
        env_old = old_tree(args.old, tmp)
        try:
            rosters = synth(args.tables, f"{tmp}/rosters", *CITY)
            sides = {"old": (env_old, f"{tmp}/old.db"), "new": (None, f"{tmp}/new.db")}
            times: dict[str, dict[str, list]] = {s: {} for s in sides}
            order = ["old", "new"]
            for r in range(args.runs):
                for side in order if r % 2 == 0 else order[::-1]:
                    env, db = sides[side]
                    times[side].setdefault("load", []).append(load(NEW, rosters, db, env))
            for name, cmd, _, _ in COMMANDS:
                for r in range(args.runs):
                    for side in order if r % 2 == 0 else order[::-1]:
                        env, db = sides[side]
                        times[side].setdefault(name, []).append(timed(command(NEW, cmd, db, tmp), env))
        finally:
            subprocess.run(["git", "-C", str(HERE.parent), "worktree", "remove", "--force", os.path.join(tmp, "tree")],
                           capture_output=True)  # fmt: skip
    aims = {"load": 4, "gaps --format json": 6, "show 水井坊社区": 12, "find xysq": 12}
    out = header(f"Side by side with {args.old}, the chengdu city", argv)
    out += [f"Each command a whole process, the two sides taking turns, median of {args.runs}; ratio: old over new.",
            "", "| command | old s | new s | ratio | old MiB | new MiB | aim |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name in times["new"]:
        (so, mo), (sn, mn) = median_peak(times["old"][name]), median_peak(times["new"][name])
        aim = aims.get(name)
        mark = "" if aim is None else f"≥ {aim}×: " + ("met" if so / sn >= aim else "not met")
        out.append(f"| `{name}` | {so:.2f} | {sn:.2f} | **{so / sn:.1f}×** | {mo:.0f} | {mn:.0f} | {mark} |")
    return out


# -- a province ------------------------------------------------------------------------------------------
def run_province(args, argv) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="dj-bench-prov-") as tmp:
        rosters = synth(args.tables, f"{tmp}/rosters", args.region, "chengdu", scale=args.scale)
        members = sum(1 for _ in open(f"{rosters}/党员.csv", encoding="utf-8")) - 1
        rows_total = sum(sum(1 for _ in open(p, encoding="utf-8")) - 1 for p in Path(rosters).glob("*.csv"))
        db = f"{tmp}/w.db"
        ls, lm = load(NEW, rosters, db)
        gs, gm = median_peak([timed(command(NEW, COMMANDS[1][1], db, tmp)) for _ in range(3)])
    out = header(f"A province: {args.region} at scale {args.scale:g}", argv)
    out += [f"{members:,} members, {rows_total:,} roster rows.", "", "| command | seconds | peak MiB | aim |",
            "|---|---|---|---|", f"| `load` | {ls:.1f} | {lm:.0f} | ≤ 20 s: {verdict(ls, 20)}; ≤ 2.5 GB: {verdict(lm, 2560)} |",
            f"| `gaps --format json` (median of 3) | {gs:.2f} | {gm:.0f} | ≤ 3 s: {verdict(gs, 3)}; ≤ 2.5 GB: {verdict(gm, 2560)} |"]  # fmt: skip
    return out


# -- growth ------------------------------------------------------------------------------------------------
def run_growth(args, argv) -> list[str]:
    sizes = [int(x) for x in args.sizes.split(",")]
    phases = ("load", "gaps --format json", "show 水井坊社区", "view overview")
    res = {}
    with tempfile.TemporaryDirectory(prefix="dj-bench-grow-") as tmp:
        for k in sizes:
            rosters = synth(args.tables, f"{tmp}/r{k}", "51", "chengdu", communities=CITY_COMMUNITIES * k)
            db = f"{tmp}/w{k}.db"
            got = {"load": load(NEW, rosters, db)}
            for name, cmd, _, _ in COMMANDS:
                if name in phases:
                    got[name] = median_peak([timed(command(NEW, cmd, db, tmp)) for _ in range(3)])
            res[k] = got
            print(f"[growth {k}x] {got}", file=sys.stderr, flush=True)
    out = header("Growth: 1x, 2x, 4x, 8x the city's communities (四川省)", argv)
    out += ["| size | " + " | ".join(f"{p} s / MiB" for p in phases) + " |", "|---" * (len(phases) + 1) + "|"]
    for k in sizes:
        out.append(f"| {k}x | " + " | ".join(f"{res[k][p][0]:.2f} / {res[k][p][1]:.0f}" for p in phases) + " |")
    out += ["", "Each doubling, time ratio / memory ratio (aim: each at most 2.2):", "",
            "| step | " + " | ".join(phases) + " |", "|---" * (len(phases) + 1) + "|"]  # fmt: skip
    for a, b in pairwise(sizes):
        cells = []
        for p in phases:
            t, m = res[b][p][0] / res[a][p][0], res[b][p][1] / res[a][p][1]
            cells.append(f"{t:.2f} / {m:.2f}" + ("" if t <= 2.2 and m <= 2.2 else " (over)"))
        out.append(f"| {a}x → {b}x | " + " | ".join(cells) + " |")
    return out


# -- the naive peer -------------------------------------------------------------------------------------
def phase_ours(rosters: str, db: str, html: str) -> dict:
    """load + gaps + view overview in one process, timed as the peer is: from the first read of the
    rosters, imports not timed."""
    from dangjian.graph.store import Workspace, read_tables
    from dangjian.loaders import load_paths
    from dangjian.queries import run_rules
    from dangjian.viz import build_view, write_view

    t0 = time.perf_counter()
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [rosters])
    t1 = time.perf_counter()
    tables = read_tables(db)
    run_rules(tables, as_of=AS_OF)
    t2 = time.perf_counter()
    write_view(build_view(read_tables(db), "overview", as_of=AS_OF), html)
    t3 = time.perf_counter()
    return {"seconds": t3 - t0, "load": t1 - t0, "gaps": t2 - t1, "view": t3 - t2}


def run_naive(args, argv) -> list[str]:
    out = header("The naive peer (pandas → iterrows → networkx → pyvis) against load + gaps + view overview", argv)
    out += ["Ours twice: as three whole processes (`dangjian load`, `gaps --format json`, `view overview`), and in",
            "one process timed as the peer is (from the first read of the rosters, imports not timed).", "",
            "| part of the city | communities | peer s | ours, processes s | ratio | ours, in one process s | ratio | aim (≥ 20× at 1/20) |",
            "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dj-bench-naive-") as tmp:
        for part in (20, 10):
            n = CITY_COMMUNITIES // part
            rosters = synth(args.tables, f"{tmp}/r{part}", *CITY, communities=n)
            db = f"{tmp}/w{part}.db"
            ours = load(NEW, rosters, db)[0]
            for name, cmd, _, _ in COMMANDS:
                if name in ("gaps --format json", "view overview"):
                    ours += timed(command(NEW, cmd, db, tmp))[0]
            inproc = bench_load.run_child(["ours", rosters, f"{tmp}/in{part}.db", f"{tmp}/in{part}.html"], __file__)
            peer = bench_load.run_child(["naive", rosters, f"{tmp}/naive{part}.html"], bench_city.__file__)
            best = max(peer["seconds"] / ours, peer["seconds"] / inproc["seconds"])
            aim = ("met" if best >= 20 else "not met") if part == 20 else ""
            out.append(f"| 1/{part} | {n} | {peer['seconds']:.1f} | {ours:.2f} | **{peer['seconds'] / ours:.1f}×** | "
                       f"{inproc['seconds']:.2f} (load {inproc['load']:.2f}, gaps {inproc['gaps']:.2f}, view "
                       f"{inproc['view']:.2f}) | **{peer['seconds'] / inproc['seconds']:.1f}×** | {aim} |")  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:  # a phase in its own process (bench_load.run_child)
        import json

        print(json.dumps(phase_ours(*argv[2:])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("city", "ab", "province", "growth", "naive"))
    ap.add_argument("--old", default="dfd8c71", help="ab: the commit to compare with (default: before issue 19).")
    ap.add_argument("--runs", type=int, default=5, help="city, ab: runs of each command (default 5).")
    ap.add_argument("--region", default="51", help="province: the province's code (default 51, 四川省).")
    ap.add_argument("--scale", type=float, default=0.5, help="province: synth --scale (default 0.5: about a million members).")
    ap.add_argument("--sizes", default="1,2,4,8", help="growth: multiples of the city's communities.")
    ap.add_argument("--tables", default=str(TABLES), help="Folder of the full division tables.")
    args = ap.parse_args(argv)
    if not (Path(args.tables) / "villages.csv").exists():
        raise SystemExit(f"the full division tables are not at {args.tables} (give --tables DIR)")
    run = {"city": run_city, "ab": run_ab, "province": run_province, "growth": run_growth, "naive": run_naive}
    print("\n".join(run[args.what](args, argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
