"""View benchmark: how long the overview view takes to build and write, at about 1,000, 10,000 and
50,000 nodes, against pyvis's own ``Network.from_nx`` + ``write_html`` on the same graph, in one run.

    .venv/bin/python benchmarks/bench_views.py                 # what `make bench` runs
    .venv/bin/python benchmarks/bench_views.py --sizes 1000,10000 --json

For each size a city is generated in memory (no rosters, no workspace): one city, districts of 10
streets, streets of 20 communities, and one Party branch anchored in each community. The
overview view draws every node of that graph, so both sides draw the same nodes and edges.

Each measurement runs in a fresh Python process:

- **dangjian**: ``overview(G, as_of=...)`` (which also runs every gap rule to colour the nodes),
  then ``write_view`` to an HTML file. Reported: the two steps, their total, the file size.
  A view of an 11-node city is written first, untimed, so that imports and the schema and rules
  files are loaded before the clock starts.
- **pyvis**: ``Network()``, ``net.from_nx(G)``, ``net.write_html(file)`` in a scratch working
  directory (``write_html`` creates ``lib/`` there), after the same untimed warm-up. Reported:
  the two steps, their total, the file size (not counting ``lib/``). Its page loads vis-network
  and Bootstrap from CDNs.

Our side runs ``--repeat`` times per size (5 by default), each in a fresh process after a reading
of the machine's speed (``bench_load.calibrate``); the median run is reported and every run is
listed. pyvis runs once per size (at 50,000 nodes it takes minutes). The ratio is pyvis's total
over our median. Aims, from the issue: 10,000 nodes in under 1 s, and at least
40 times faster than ``from_nx`` + ``write_html``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
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
AIM_SECONDS = 1.0  # at 10,000 nodes
AIM_RATIO = 40.0


def city_graph(nodes: int):
    """A city whose overview draws about ``nodes`` nodes: areas down to communities, and one
    branch per community."""
    import networkx as nx

    communities = max(1, (nodes - 1) // 2)
    while True:
        streets = math.ceil(communities / 20)
        districts = math.ceil(streets / 10)
        if 1 + districts + streets + 2 * communities <= nodes or communities == 1:
            break
        communities -= 1
    g = nx.MultiDiGraph()
    g.add_node("C", type="Area", name="示范市", level="city")
    for d in range(districts):
        g.add_node(f"D{d}", type="Area", name=f"第{d + 1}区", level="district")
        g.add_edge("C", f"D{d}", type="CONTAINS")
    for s in range(streets):
        g.add_node(f"S{s}", type="Area", name=f"和平{s + 1}街道", level="street")
        g.add_edge(f"D{s // 10}", f"S{s}", type="CONTAINS")
    for c in range(communities):
        cid, oid = f"K{c}", f"O{c}"
        g.add_node(cid, type="Area", name=f"幸福{c + 1}社区", level="community", households=800 + c % 900)
        g.add_edge(f"S{c // 20}", cid, type="CONTAINS")
        g.add_node(oid, type="PartyOrg", name=f"幸福{c + 1}社区党支部", kind="branch", elected_on="2024-05-01")
        g.add_edge(oid, cid, type="ANCHORED_IN")
    return g


def phase_ours(nodes: int, out: str) -> dict:
    from dangjian.viz import overview, write_view

    write_view(overview(city_graph(11), as_of=AS_OF), out)  # warm-up: imports, schema, rules file
    g = city_graph(nodes)
    t0 = time.perf_counter()
    view = overview(g, as_of=AS_OF)
    t1 = time.perf_counter()
    write_view(view, out)
    t2 = time.perf_counter()
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "drawn": len(view.nodes),
            "drawn_edges": len(view.edges), "build_s": t1 - t0, "write_s": t2 - t1, "total_s": t2 - t0,
            "bytes": os.path.getsize(out), "rss_kb": _rss_kb()}  # fmt: skip


def phase_pyvis(nodes: int, workdir: str) -> dict:
    from pyvis.network import Network

    g = city_graph(nodes)
    os.chdir(workdir)  # write_html creates lib/ in the working directory
    warm = Network()  # warm-up, as for dangjian: its template loaded once
    warm.from_nx(city_graph(11))
    warm.write_html("warm-up.html")
    t0 = time.perf_counter()
    net = Network()
    net.from_nx(g)
    t1 = time.perf_counter()
    net.write_html("pyvis.html")
    t2 = time.perf_counter()
    return {"nodes": len(net.nodes), "edges": len(net.edges), "from_nx_s": t1 - t0, "write_s": t2 - t1,
            "total_s": t2 - t0, "bytes": os.path.getsize("pyvis.html"), "rss_kb": _rss_kb()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000", help="Node counts, comma-separated.")
    ap.add_argument("--repeat", type=int, default=5,
                    help="Runs of dangjian's side per size, each in a fresh process; the median counts (default 5).")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        phase, n, path = args.child
        result = phase_ours(int(n), path) if phase == "ours" else phase_pyvis(int(n), path)
        print(json.dumps(result))
        return 0
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    rows = []
    with tempfile.TemporaryDirectory(prefix="dj-bench-views-") as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            runs = []
            for i in range(max(1, args.repeat)):
                speed = bench_load.calibrate()
                print(f"[{n}] dangjian overview {i + 1}/{args.repeat}, machine speed {speed:.3f} s ...",
                      file=sys.stderr, flush=True)  # fmt: skip
                runs.append({**bench_load.run_child(["ours", str(n), os.path.join(tmp, f"ours-{n}.html")], __file__),
                             "speed_s": speed})  # fmt: skip
            ours = sorted(runs, key=lambda x: x["total_s"])[len(runs) // 2]  # the median run (odd counts)
            ours = {**ours, "runs": [{k: x[k] for k in ("build_s", "write_s", "total_s", "speed_s")} for x in runs]}
            work = Path(tmp) / f"pyvis-{n}"
            work.mkdir()
            print(f"[{n}] pyvis from_nx + write_html ...", file=sys.stderr, flush=True)
            theirs = bench_load.run_child(["pyvis", str(n), str(work)], __file__)
            rows.append({"size": n, "ours": ours, "pyvis": theirs, "ratio": theirs["total_s"] / ours["total_s"]})
    result = {"started": started.isoformat(), "command": shlex.join([".venv/bin/python", "benchmarks/bench_views.py",
              *(argv if argv is not None else sys.argv[1:])]), "cwd": os.getcwd(),  # fmt: skip
              "machine": bench_load.machine(), "rows": rows}  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(report(result))
    return 0


def report(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"dangjian view benchmark, {r['started']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {bench_load.machine_line(m)}",
        f"software: CPython {m['python']}, networkx {m['networkx']}, dangjian {m['commit']}",
        "view:     overview(G) + write_view (dangjian) vs Network().from_nx(G) + write_html (pyvis), same graph",
        "",
        "nodes    edges   dangjian: build  write   total   HTML      pyvis: from_nx   write    total    HTML     ratio",
        "-------  ------  ---------------  ------  ------  --------  ---------------  -------  -------  -------  ------",
    ]
    for row in r["rows"]:
        o, p = row["ours"], row["pyvis"]
        lines.append(f"{o['drawn']:>7,}  {o['drawn_edges']:>6,}  {o['build_s']:>13.3f} s  {o['write_s']:.3f}s  "
                     f"{o['total_s']:.3f}s  {o['bytes'] / 2**20:5.2f} MiB  {p['from_nx_s']:>13.2f} s  "
                     f"{p['write_s']:6.2f}s  {p['total_s']:6.1f}s  {p['bytes'] / 2**20:4.2f} MiB  {row['ratio']:5.0f}x")  # fmt: skip
        assert o["drawn"] == p["nodes"] and o["drawn_edges"] == p["edges"], "not the same graph drawn"
    lines += ["", "dangjian's runs, in order (total s, machine speed s: 5 million additions before the run, lower is faster):"]
    for row in r["rows"]:
        runs = "  ".join(f"{x['total_s']:.3f} ({x['speed_s']:.3f})" for x in row["ours"].get("runs", []))
        lines.append(f"{row['ours']['drawn']:>7,}  {runs}")
    ten = next((row for row in r["rows"] if row["size"] == 10000), None)
    if ten is not None:
        ok_t = ten["ours"]["total_s"] < AIM_SECONDS
        ok_r = ten["ratio"] >= AIM_RATIO
        lines += ["", f"aim at 10,000 nodes: under {AIM_SECONDS:.0f} s ({ten['ours']['total_s']:.3f} s): "
                      f"{'MET' if ok_t else 'NOT MET'}; at least {AIM_RATIO:.0f}x pyvis ({ten['ratio']:.0f}x): "
                      f"{'MET' if ok_r else 'NOT MET'}"]  # fmt: skip
    rows = r["rows"]
    for a, b in zip(rows, rows[1:], strict=False):
        lines.append(f"growth {a['size']:,} -> {b['size']:,} nodes ({b['ours']['drawn'] / a['ours']['drawn']:.1f}x): "
                     f"dangjian {b['ours']['total_s'] / a['ours']['total_s']:.1f}x, "
                     f"pyvis {b['pyvis']['total_s'] / a['pyvis']['total_s']:.1f}x")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
