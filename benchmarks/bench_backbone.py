"""National backbone benchmark: every official area of China (31 provinces down to the 620,573
village-level areas) and one Party organization per community, no members, loaded into one
workspace; then the graph built from it.

    .venv/bin/python benchmarks/bench_backbone.py            # what `make bench` runs
    .venv/bin/python benchmarks/bench_backbone.py --region 53   # one province only

Phases, each in a fresh Python process with its peak RSS:

1. **rosters**: the areas as one 区域 sheet (``division_sheet``, the sheet ``load-divisions``
   feeds the loader) and a 党组织 sheet with one branch anchored in each
   community (not villages), made in memory. Timed apart.
2. **load**: ``load_sheets`` of all of them in one transaction into a new workspace; ``--repeat``
   runs (3 by default), each into a new workspace, each after the machine-speed loop of
   ``bench_load.calibrate`` (this VM's speed drifts by up to 2x within minutes, so each run's
   reading is printed beside it).
3. **graph**: ``to_networkx`` of the last run's workspace.

The issue's aim: the backbone loads in under 20 s (the median of the runs is held against it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402  (a sibling script: shares the machine report and child runner)
from bench_load import _rss_kb  # noqa: E402

TABLES = HERE.parent.parent / "shared" / "data" / "china-divisions-2023"
AIM_SECONDS = 20.0


def _sheets(tables: str, regions: list[str]):
    from dangjian.loaders.divisions import division_sheet
    from dangjian.loaders.readers import Sheet

    areas = [division_sheet(tables, r) for r in regions]
    header = ["组织编码", "党组织名称", "组织类别", "所在区域"]
    orgs = [header]
    for sheet in areas:
        for code, name, level, *_ in sheet.rows[1:]:
            if level == "社区":
                orgs.append([f"O{code}", f"{name}党支部", "党支部", code])
    return [*areas, Sheet("backbone-orgs", "党组织", orgs, "utf-8")]


def _regions(tables: str, region: str | None) -> list[str]:
    return [region or ""]  # "": all of China, in one pass over each table


def phase_rosters(tables: str, region: str) -> dict:
    t0 = time.perf_counter()
    sheets = _sheets(tables, _regions(tables, region or None))
    return {"seconds": time.perf_counter() - t0, "rows": sum(len(s.rows) - 1 for s in sheets), "rss_kb": _rss_kb()}


def phase_load(tables: str, region: str, db: str) -> dict:
    from dangjian.graph.store import Workspace
    from dangjian.loaders import load_sheets

    sheets = _sheets(tables, _regions(tables, region or None))
    rows = sum(len(s.rows) - 1 for s in sheets)
    t0 = time.perf_counter()
    with Workspace.open(db, create=True) as ws:
        result = load_sheets(ws, sheets)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": rows, "read": result.read, "rejected": result.rejected,
            "by_type": {t: c.read for t, c in result.by_type.items()}, "rss_kb": _rss_kb(),
            "db_bytes": os.path.getsize(db)}  # fmt: skip


def phase_graph(db: str) -> dict:
    from dangjian.graph.build import to_networkx
    from dangjian.graph.store import Workspace

    t0 = time.perf_counter()
    with Workspace.open(db) as ws:
        g = to_networkx(ws)
    return {"seconds": time.perf_counter() - t0, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "rss_kb": _rss_kb()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", default=str(TABLES), help="Folder of the full division tables.")
    ap.add_argument("--region", default="", help="One code prefix instead of all of China.")
    ap.add_argument("--repeat", type=int, default=3, help="Timed loads, each into a new workspace (default 3).")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        phase, *rest = args.child
        fn = {"rosters": phase_rosters, "load": phase_load, "graph": phase_graph}[phase]
        print(json.dumps(fn(*rest)))
        return 0
    if not (Path(args.tables) / "villages.csv").exists():
        raise SystemExit(f"the full division tables are not at {args.tables} (give --tables DIR)")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="dj-bench-backbone-") as tmp:
        res = {}
        print("[rosters] ...", file=sys.stderr, flush=True)
        res["rosters"] = bench_load.run_child(["rosters", args.tables, args.region], __file__)
        loads = []
        for i in range(max(1, args.repeat)):
            db = os.path.join(tmp, f"w{i}.db")
            speed = bench_load.calibrate()
            print(f"[load {i + 1}/{args.repeat}] machine speed {speed:.3f} s ...", file=sys.stderr, flush=True)
            loads.append({**bench_load.run_child(["load", args.tables, args.region, db], __file__), "speed_s": speed})
            if i + 1 < args.repeat:
                os.remove(db)
        res["load"] = {**loads[-1], "runs": loads, "seconds": statistics.median(r["seconds"] for r in loads)}
        print("[graph] ...", file=sys.stderr, flush=True)
        res["graph"] = bench_load.run_child(["graph", db], __file__)
    result = {"started": started.isoformat(), "command": shlex.join([".venv/bin/python", "benchmarks/bench_backbone.py",
              *(argv if argv is not None else sys.argv[1:])]), "cwd": os.getcwd(),  # fmt: skip
              "machine": bench_load.machine(), "phases": res}  # fmt: skip
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def report(r: dict) -> str:
    m, p = r["machine"], r["phases"]
    ro, ld, gr = p["rosters"], p["load"], p["graph"]
    mib = lambda kb: f"{kb / 1024:,.0f} MiB"  # noqa: E731
    by_type = ", ".join(f"{t} {n:,}" for t, n in ld["by_type"].items())
    return "\n".join([
        f"dangjian national backbone benchmark, {r['started']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {bench_load.machine_line(m)}",
        f"software: CPython {m['python']}, networkx {m['networkx']}, SQLite {m['sqlite']}, dangjian {m['commit']}",
        "",
        "phase                      wall time   peak RSS   what",
        "-------------------------  ---------  ---------  ----",
        f"rosters (in memory)        {ro['seconds']:7.2f} s  {mib(ro['rss_kb']):>9}  {ro['rows']:,} rows",
        f"load_sheets (median)       {ld['seconds']:7.2f} s  {mib(ld['rss_kb']):>9}  read {ld['read']:,} ({by_type}), "
        f"rejected {ld['rejected']}; workspace {ld['db_bytes'] / 2**20:,.0f} MiB",
        *(f"  run {i}: {run['seconds']:6.2f} s  {mib(run['rss_kb']):>9}  machine speed {run['speed_s']:.3f} s"
          for i, run in enumerate(ld["runs"], start=1)),
        f"to_networkx                {gr['seconds']:7.2f} s  {mib(gr['rss_kb']):>9}  {gr['nodes']:,} nodes, {gr['edges']:,} edges",
        "",
        "machine speed: seconds for 5 million additions in pure Python before the run (lower is faster)",
        "",
        f"aim (issue): the backbone loads in under {AIM_SECONDS:.0f} s (median {ld['seconds']:.1f} s): "
        f"{'MET' if ld['seconds'] < AIM_SECONDS else 'NOT MET'}",
    ])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
