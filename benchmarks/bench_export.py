"""Neo4j bulk-export benchmark: rows per second of ``export_workspace`` (the neo4j-admin CSV files).

    .venv/bin/python benchmarks/bench_export.py --db dangjian.db                  # a workspace you have
    .venv/bin/python benchmarks/bench_export.py --city 5307 --preset lijiang      # a synthesized city
    .venv/bin/python benchmarks/bench_export.py --city 53 --preset lijiang --scale 0.6
    .venv/bin/python benchmarks/bench_export.py --backbone [--region 53]          # the national backbone

Each phase runs in a fresh Python process and reports its wall time and that process's peak RSS:

1. **prepare** (not with ``--db``): ``--city`` runs ``bench_city.py``'s synth and load phases
   (synthesize the rosters, ``load_paths`` them into a new workspace); ``--backbone`` runs
   ``bench_backbone.py``'s load phase (every official area of China, or of ``--region``, and an
   organization per community, loaded with ``load_sheets``).
2. **export**: ``export_workspace(ws, out)`` into a scratch folder (``--personal`` to keep names
   and numbers). Rows are the node and relationship rows written; rows/s is those over the wall
   time of the call, the workspace read included (the process's CPU seconds are shown too: on
   a busy machine they are the steadier number). Also reported: the skipped edges, the bytes
   written and the ``neo4j-admin`` command's length.

The full division tables are read from ``--tables`` (default ``../shared/data/china-divisions-2023``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402  (a sibling script: shares the machine report and child runner)
from bench_load import _rss_kb  # noqa: E402

TABLES = HERE.parent.parent / "shared" / "data" / "china-divisions-2023"


def phase_export(db: str, out: str, personal: str) -> dict:
    from dangjian.graph.neo4j_export import export_workspace
    from dangjian.graph.store import Workspace

    with Workspace.open(db) as ws:
        counts = ws.counts()
        t0, c0 = time.perf_counter(), time.process_time()
        res = export_workspace(ws, out, personal=personal == "1")
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu_seconds": cpu, "rows": res.nodes + res.relationships, "nodes": res.nodes,
            "relationships": res.relationships, "skipped": res.skipped, "files": len(res.files),
            "bytes": sum(p.stat().st_size for p in res.files), "command_chars": len(res.command),
            "multiline": res.multiline, "dropped": res.dropped, "workspace_nodes": sum(counts["nodes"].values()),
            "workspace_edges": sum(counts["edges"].values()), "db_bytes": os.path.getsize(db),
            "rss_kb": _rss_kb()}  # fmt: skip


def phase_city_synth(*args: str) -> dict:
    import bench_city

    return bench_city.phase_synth(*args)


def phase_city_load(*args: str) -> dict:
    import bench_city

    return bench_city.phase_load(*args)


def phase_backbone_load(*args: str) -> dict:
    import bench_backbone

    return bench_backbone.phase_load(*args)


PHASES = {"export": phase_export, "city-synth": phase_city_synth, "city-load": phase_city_load,
          "backbone-load": phase_backbone_load}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--db", help="Export this workspace file (nothing is prepared).")
    what.add_argument(
        "--city", metavar="REGION", help="Synthesize and load this region first (as bench_city.py)."
    )
    what.add_argument(
        "--backbone", action="store_true", help="Load the national backbone first (as bench_backbone.py)."
    )
    ap.add_argument("--preset", default="chengdu", help="With --city: the synth preset.")
    ap.add_argument("--scale", default="1", help="With --city: members per community, times this.")
    ap.add_argument("--region", default="", help="With --backbone: one code prefix instead of all of China.")
    ap.add_argument("--tables", default=str(TABLES), help="Folder of the full division tables.")
    ap.add_argument("--personal", action="store_true", help="Export names, ID and phone numbers unmasked.")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(PHASES[args.child[0]](*args.child[1:])))
        return 0
    if not (args.db or args.city or args.backbone):
        ap.error("give --db PATH, --city REGION or --backbone")
    if args.db and not Path(args.db).is_file():
        raise SystemExit(f"no workspace at {args.db}")
    if not args.db and not (Path(args.tables) / "villages.csv").exists():
        raise SystemExit(f"the full division tables are not at {args.tables} (give --tables DIR)")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="dj-bench-export-") as tmp:
        db, rosters = args.db or os.path.join(tmp, "w.db"), os.path.join(tmp, "rosters")
        steps = []
        if args.city:
            steps += [("synth", ["city-synth", args.tables, args.city, args.preset, args.scale, rosters]),
                      ("load", ["city-load", rosters, db])]  # fmt: skip
        elif args.backbone:
            steps.append(("load", ["backbone-load", args.tables, args.region, db]))
        steps.append(("export", ["export", db, os.path.join(tmp, "neo4j"), "1" if args.personal else "0"]))
        res = {}
        for name, child in steps:
            print(f"[{name}] ...", file=sys.stderr, flush=True)
            res[name] = bench_load.run_child(child, __file__)
    source = (f"workspace {args.db}" if args.db else f"city {args.city}, preset {args.preset}, scale {args.scale}"
              if args.city else f"national backbone{f' (region {args.region})' if args.region else ''}")  # fmt: skip
    result = {"started": started.isoformat(), "command": shlex.join([".venv/bin/python", "benchmarks/bench_export.py",
              *(argv if argv is not None else sys.argv[1:])]), "cwd": os.getcwd(), "source": source,
              "personal": args.personal, "machine": bench_load.machine(), "phases": res}  # fmt: skip
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def report(r: dict) -> str:
    m, p = r["machine"], r["phases"]
    ex = p["export"]
    mib = lambda kb: f"{kb / 1024:,.0f} MiB"  # noqa: E731
    lines = [
        f"dangjian Neo4j export benchmark, {r['started']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {bench_load.machine_line(m)}",
        f"software: CPython {m['python']}, SQLite {m['sqlite']}, dangjian {m['commit']}",
        f"input:    {r['source']}: {ex['workspace_nodes']:,} nodes, {ex['workspace_edges']:,} edges, "
        f"workspace {ex['db_bytes'] / 2**20:,.1f} MiB; {'personal' if r['personal'] else 'masked'} export",
        "",
        "phase                      wall time   peak RSS   what",
        "-------------------------  ---------  ---------  ----",
    ]  # fmt: skip
    if "synth" in p:
        s = p["synth"]
        lines.append(
            f"synth (write rosters)      {s['seconds']:7.2f} s  {mib(s['rss_kb']):>9}  {s['rows']:,} rows"
        )
    if "load" in p:
        ld = p["load"]
        lines.append(f"load                       {ld['seconds']:7.2f} s  {mib(ld['rss_kb']):>9}  read {ld['read']:,}, "
                     f"rejected {ld['rejected']}")  # fmt: skip
    rate = ex["rows"] / ex["seconds"] if ex["seconds"] else float("inf")
    lines += [
        f"export_workspace           {ex['seconds']:7.2f} s  {mib(ex['rss_kb']):>9}  {ex['rows']:,} rows "
        f"({ex['nodes']:,} nodes, {ex['relationships']:,} relationships, {ex['skipped']:,} skipped), "
        f"{ex['files']} files, {ex['bytes'] / 2**20:,.1f} MiB",
        "",
        f"rows: {ex['rows']:,}   seconds: {ex['seconds']:.2f} (CPU {ex['cpu_seconds']:.2f})   rows/s: {rate:,.0f}   "
        f"peak RSS: {mib(ex['rss_kb'])}"
        + (f"   values left out: {ex['dropped']}" if ex["dropped"] else ""),
    ]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
