"""City benchmark: the chengdu preset over 成都市 (5101) from the official tables, end to end:
synthesize the rosters, load them, build the graph and run every gap rule, write the overview view.

    .venv/bin/python benchmarks/bench_city.py                       # what `make bench` runs
    .venv/bin/python benchmarks/bench_city.py --region 5307 --preset lijiang
    .venv/bin/python benchmarks/bench_city.py --region 53 --preset lijiang --scale 0.6 --aim-seconds 40 --aim-gib 2.5

Each phase runs in a fresh Python process and reports its wall time and that process's peak RSS:

1. **synth**: ``synthesize(tables, region, preset, seed=1)`` and ``write_plan`` into a scratch folder.
2. **load**: ``load_paths`` of that folder into a new workspace.
3. **graph + gaps**: ``to_networkx`` (timed apart), then ``run_rules`` on the date of the synthesis.
   It also checks the findings against the ground truth (precision and recall per rule).
4. **overview**: the graph again (not timed), then ``overview`` + ``write_view``.
5. **naive peer** (skip with ``--no-naive``): the same roster files as the issue's naive peer would
   read them: each CSV with ``pandas.read_csv(path, dtype=str, keep_default_na=False)``, its rows
   with ``iterrows()`` into an ``nx.MultiDiGraph`` (a node per row keyed by its id column, with the
   row's non-empty cells as attributes, the name as ``label`` and the roster as ``group``; an edge
   per filled reference column, labelled with the column: 上级区域, 上级党组织, 所在区域, 所在单位,
   联合单位 (split on 、), 所在社区, 所在党组织, 工作单位, 居住地, 报到党组织, 社区党组织, 共建单位;
   a 任职 row is an edge 人员 -> 任职对象 labelled with the post), then
   ``pyvis.network.Network(directed=True, notebook=False, cdn_resources="in_line")``,
   ``net.from_nx(g)``, ``net.write_html(file)``. Timed from the first ``read_csv`` (imports not
   timed, as for our phases); the parts are reported apart.

   What the peer does not do: it validates nothing (no types, enums, dates, ID check digits or
   dangling references; an unknown id just becomes a bare node), merges nothing, keeps no
   workspace, runs no gap rule and checks no ground truth; and it draws every node and edge of the
   city in one page with no layout of its own, where our overview draws an aggregated view with
   the findings. ``directed=True`` is the kinder setting for pyvis: undirected, its ``add_edge``
   also scans every edge added so far. Its ``in_line`` page embeds vis-network but still links
   Bootstrap from a CDN.

The full tables are read from ``--tables`` (default ``../shared/data/china-divisions-2023``). The
issue's aims for this city: under 3 s end to end, and at least 10x faster than the naive peer. The
ratio is the peer's seconds over our end-to-end seconds (synthesis included, which the peer does not
do); the ratio over our seconds from the rosters on disk to the page (load + graph + gaps + view) is
printed too. ``benchmarks/bench_growth.py`` runs the same phases at 1x, 2x, 4x and 8x the city.
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

AS_OF = "2026-11-22"
TABLES = HERE.parent.parent / "shared" / "data" / "china-divisions-2023"


def phase_synth(tables: str, region: str, preset: str, scale: str, out: str) -> dict:
    from dangjian.synth import synthesize, write_plan

    t0 = time.perf_counter()
    plan = synthesize(tables, region, preset, seed=1, scale=float(scale), as_of=AS_OF)
    written = write_plan(plan, out, region=region, preset=preset, seed=1, scale=float(scale))
    return {"seconds": time.perf_counter() - t0, "rows": sum(plan.counts().values()), "files": written,
            "rss_kb": _rss_kb()}  # fmt: skip


def phase_load(rosters: str, db: str) -> dict:
    from dangjian.graph.store import Workspace
    from dangjian.loaders import load_paths

    t0 = time.perf_counter()
    with Workspace.open(db, create=True) as ws:
        result = load_paths(ws, [rosters])
    return {"seconds": time.perf_counter() - t0, "read": result.read, "rejected": result.rejected,
            "rss_kb": _rss_kb()}  # fmt: skip


def phase_gaps(db: str, rosters: str) -> dict:
    from dangjian.graph.build import to_networkx
    from dangjian.graph.store import Workspace
    from dangjian.queries import run_rules

    t0 = time.perf_counter()
    with Workspace.open(db) as ws:
        g = to_networkx(ws)
    t1 = time.perf_counter()
    findings = run_rules(g, as_of=AS_OF)
    t2 = time.perf_counter()
    truth = {(f["rule"], f["entity"]) for f in json.loads((Path(rosters) / "ground_truth.json").read_text())["findings"]}
    found = {(f.rule, f.entity) for f in findings}
    return {"graph_seconds": t1 - t0, "seconds": t2 - t1, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "findings": len(findings), "exact": found == truth, "missed": len(truth - found),
            "extra": len(found - truth), "rss_kb": _rss_kb()}  # fmt: skip


def phase_view(db: str, out: str) -> dict:
    from dangjian.graph.build import to_networkx
    from dangjian.graph.store import Workspace
    from dangjian.viz import overview, write_view

    with Workspace.open(db) as ws:
        g = to_networkx(ws)
    t0 = time.perf_counter()
    view = overview(g, as_of=AS_OF)
    write_view(view, out)
    return {"seconds": time.perf_counter() - t0, "nodes": len(view.nodes), "bytes": os.path.getsize(out),
            "rss_kb": _rss_kb()}  # fmt: skip


#: the naive peer: roster -> (id column or None, name column, reference columns), named as in roster_headers()
NAIVE_ROSTERS = {
    "区域": ("区域编码", "区域名称", ("上级区域",)),
    "党组织": ("组织编码", "党组织名称", ("上级党组织", "所在区域", "所在单位", "联合单位")),
    "驻区单位": ("单位编号", "单位名称", ("所在社区",)),
    "党员": ("党员编号", "姓名", ("所在党组织", "工作单位", "居住地", "报到党组织")),
    "人员": ("人员编号", "姓名", ()),
    "任职": (None, "职务", ("人员", "任职对象")),
    "共建协议": ("协议编号", "协议名称", ("社区党组织", "共建单位")),
}  # fmt: skip


def phase_naive(rosters: str, out: str) -> dict:
    """The issue's naive peer: pandas row by row into networkx, drawn with pyvis ``from_nx``."""
    import networkx as nx
    import pandas as pd
    from pyvis.network import Network

    from dangjian.synth.generate import roster_headers

    headers = roster_headers()
    for kind, (key, name, refs) in NAIVE_ROSTERS.items():  # not timed: the peer's columns exist
        missing = {c for c in (key, name, *refs) if c} - set(headers[kind])
        assert not missing, f"{kind}: no column {missing} in the synthesized rosters"
    t0 = time.perf_counter()
    frames = {kind: pd.read_csv(Path(rosters) / f"{kind}.csv", dtype=str, keep_default_na=False)
              for kind in NAIVE_ROSTERS}  # fmt: skip
    t1 = time.perf_counter()
    g = nx.MultiDiGraph()
    rows = 0
    for kind, df in frames.items():
        key, name, refs = NAIVE_ROSTERS[kind]
        for _, row in df.iterrows():
            rows += 1
            if key is None:  # 任职: a post is an edge from the person to the organization or area
                g.add_edge(row["人员"], row["任职对象"], label=row[name], 任职日期=row["任职日期"])
                continue
            attrs = {col: val for col, val in row.items() if val != ""}
            g.add_node(row[key], label=row[name], group=kind, **attrs)
            for col in refs:
                if row[col] == "":
                    continue
                for target in row[col].split("、"):
                    g.add_edge(row[key], target, label=col)
    t2 = time.perf_counter()
    net = Network(height="900px", width="100%", directed=True, notebook=False, cdn_resources="in_line")
    net.from_nx(g)
    t3 = time.perf_counter()
    net.write_html(out)
    t4 = time.perf_counter()
    return {"seconds": t4 - t0, "read_seconds": t1 - t0, "build_seconds": t2 - t1, "from_nx_seconds": t3 - t2,
            "write_seconds": t4 - t3, "rows": rows, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "drawn_nodes": len(net.nodes), "drawn_edges": len(net.edges), "bytes": os.path.getsize(out),
            "pandas": pd.__version__, "pyvis": _pyvis_version(), "rss_kb": _rss_kb()}  # fmt: skip


def _pyvis_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyvis")
    except PackageNotFoundError:
        return "?"


PHASES = {"synth": phase_synth, "load": phase_load, "gaps": phase_gaps, "view": phase_view, "naive": phase_naive}


def run_city(tables: str, region: str, preset: str, scale: str, tmp: str, *, naive: bool = False) -> dict:
    """Every phase of the city, each in a fresh process, in scratch folder ``tmp``: phase -> result."""
    rosters, db, html = os.path.join(tmp, "rosters"), os.path.join(tmp, "w.db"), os.path.join(tmp, "v.html")
    steps = [("synth", ["synth", tables, region, preset, scale, rosters]), ("load", ["load", rosters, db]),
             ("gaps", ["gaps", db, rosters]), ("view", ["view", db, html])]  # fmt: skip
    if naive:
        steps.append(("naive", ["naive", rosters, os.path.join(tmp, "naive.html")]))
    res = {}
    for name, child in steps:
        print(f"[{name}{'' if scale == '1' else f' x{scale}'}] ...", file=sys.stderr, flush=True)
        res[name] = bench_load.run_child(child, __file__)
    return res


def end_to_end(p: dict) -> float:
    """Our seconds end to end: synth + load + to_networkx + run_rules + overview."""
    return p["synth"]["seconds"] + p["load"]["seconds"] + p["gaps"]["graph_seconds"] + p["gaps"]["seconds"] \
        + p["view"]["seconds"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="5101")
    ap.add_argument("--preset", default="chengdu")
    ap.add_argument("--scale", default="1", help="Members per community, times this (as dangjian synth --scale).")
    ap.add_argument("--tables", default=str(TABLES), help="Folder of the full division tables.")
    ap.add_argument("--aim-seconds", type=float, default=3.0, help="End-to-end aim (issue: 3 s for the city, 40 s for a province).")
    ap.add_argument("--aim-gib", type=float, default=None, help="Peak-memory aim in GiB (issue: 2.5 for a province).")
    ap.add_argument("--aim-ratio", type=float, default=10.0, help="Aim: at least this many times faster than the naive peer.")
    ap.add_argument("--no-naive", action="store_true", help="Skip the naive peer (pandas + networkx + pyvis).")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(PHASES[args.child[0]](*args.child[1:])))
        return 0
    if not (Path(args.tables) / "villages.csv").exists():
        raise SystemExit(f"the full division tables are not at {args.tables} (give --tables DIR)")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="dj-bench-city-") as tmp:
        res = run_city(args.tables, args.region, args.preset, args.scale, tmp, naive=not args.no_naive)
    result = {"started": started.isoformat(), "command": shlex.join([".venv/bin/python", "benchmarks/bench_city.py",
              *(argv if argv is not None else sys.argv[1:])]), "cwd": os.getcwd(), "region": args.region,
              "preset": args.preset, "scale": args.scale, "aim_seconds": args.aim_seconds, "aim_gib": args.aim_gib,
              "aim_ratio": args.aim_ratio,
              "machine": bench_load.machine(), "phases": res}  # fmt: skip
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def report(r: dict) -> str:
    m, p = r["machine"], r["phases"]
    s, ld, gp, vw = p["synth"], p["load"], p["gaps"], p["view"]
    total = end_to_end(p)
    peak = max(x["rss_kb"] for x in (s, ld, gp, vw))
    mib = lambda kb: f"{kb / 1024:,.0f} MiB"  # noqa: E731
    nv = p.get("naive")
    return "\n".join([
        f"dangjian city benchmark, {r['started']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {bench_load.machine_line(m)}",
        f"software: CPython {m['python']}, networkx {m['networkx']}, SQLite {m['sqlite']}, dangjian {m['commit']}",
        f"area:     region {r['region']}, preset {r['preset']}, scale {r.get('scale', '1')}, seed 1, as of {AS_OF}",
        "",
        "phase                       wall time   peak RSS   what",
        "--------------------------  ---------  ---------  ----",
        f"synth (write rosters)       {s['seconds']:7.2f} s  {mib(s['rss_kb']):>9}  {s['rows']:,} rows "
        f"({s['files']['党员.csv']:,} members), {s['files']['ground_truth.json']:,} planted findings",
        f"load                        {ld['seconds']:7.2f} s  {mib(ld['rss_kb']):>9}  read {ld['read']:,}, rejected {ld['rejected']}",
        f"to_networkx                 {gp['graph_seconds']:7.2f} s  {mib(gp['rss_kb']):>9}  {gp['nodes']:,} nodes, {gp['edges']:,} edges",
        f"run_rules (all gaps)        {gp['seconds']:7.2f} s             {gp['findings']:,} findings; equal to the ground truth: "
        f"{'yes' if gp['exact'] else 'NO'} (missed {gp['missed']}, extra {gp['extra']})",
        f"overview view               {vw['seconds']:7.2f} s  {mib(vw['rss_kb']):>9}  {vw['nodes']:,} nodes, {vw['bytes'] / 2**20:.1f} MiB",
        f"end to end                  {total:7.2f} s",
        "",
        f"aim (issue): end to end under {r['aim_seconds']:g} s: {'MET' if total < r['aim_seconds'] else 'NOT MET'}"
        + ("" if r.get("aim_gib") is None else f"; peak memory under {r['aim_gib']:g} GiB ({peak / 2**20:.1f} GiB): "
           f"{'MET' if peak / 2**20 < r['aim_gib'] else 'NOT MET'}"),
        *([] if nv is None else naive_lines(nv, gp, total, total - s["seconds"], r.get("aim_ratio", 10.0), mib)),
    ])  # fmt: skip


def naive_lines(nv: dict, gp: dict, total: float, from_disk: float, aim: float, mib) -> list[str]:
    ratio = nv["seconds"] / total
    same = (nv["nodes"], nv["edges"]) == (gp["nodes"], gp["edges"])
    return [
        "",
        f"naive peer: pandas {nv['pandas']} read_csv + iterrows -> nx.MultiDiGraph -> pyvis {nv['pyvis']} "
        "from_nx + write_html, the same rosters",
        "phase                       wall time   peak RSS   what",
        "--------------------------  ---------  ---------  ----",
        f"read_csv (7 rosters)        {nv['read_seconds']:7.2f} s             {nv['rows']:,} rows",
        f"iterrows -> networkx        {nv['build_seconds']:7.2f} s             {nv['nodes']:,} nodes, {nv['edges']:,} edges "
        f"({'the same counts as' if same else 'NOT the counts of'} to_networkx)",
        f"pyvis from_nx               {nv['from_nx_seconds']:7.2f} s             {nv['drawn_nodes']:,} nodes, {nv['drawn_edges']:,} edges",
        f"pyvis write_html            {nv['write_seconds']:7.2f} s             {nv['bytes'] / 2**20:.1f} MiB",
        f"naive total                 {nv['seconds']:7.2f} s  {mib(nv['rss_kb']):>9}  no validation, no workspace, no gap rule, "
        "every node drawn",
        "",
        f"ratio naive / ours end to end ({nv['seconds']:.2f} s / {total:.2f} s): {ratio:.1f}x; "
        f"naive / ours from the rosters on disk (load to view, {from_disk:.2f} s): {nv['seconds'] / from_disk:.1f}x",
        f"aim (issue): at least {aim:g}x faster than the naive peer end to end ({ratio:.1f}x): "
        f"{'MET' if ratio >= aim else 'NOT MET'}",
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
