"""What networkx alone costs for a graph of a given size: the floor under any loader that ends in a
networkx ``MultiDiGraph`` (as the design card fixes), measured with nothing of dangjian in it.

    .venv/bin/python benchmarks/bench_floor.py --nodes 1355756 --edges 2888465   # the province
    .venv/bin/python benchmarks/bench_floor.py --nodes 272673 --edges 636093     # the city

In a fresh Python process, with the garbage collector off (as dangjian builds its graph):

1. **bare**: ``add_nodes_from`` of the node ids, then ``add_edges_from`` of (u, v, key) with no
   attributes: a tree-like shape, each edge from a random earlier node.
2. **attributes**: the same, each node with 6 attributes and each edge with 4 (small strings and
   ints, shared where dangjian shares them), about what the workspace's graph carries.

Reported: time and peak RSS of each, and the memory per node and edge. The figures say how far a
time or memory aim is below what networkx itself needs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import shlex
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402  (a sibling script: shares the machine report and child runner)
from bench_load import _rss_kb  # noqa: E402


def phase(kind: str, nodes: str, edges: str) -> dict:
    import networkx as nx

    n, e = int(nodes), int(edges)
    rng = random.Random(1)
    ids = [f"N{i:08d}" for i in range(n)]
    ends = [(ids[rng.randrange(max(1, i % n))], ids[i % n]) for i in range(1, e + 1)]  # to i from an earlier node
    gc.disable()
    base = _rss_kb()
    g = nx.MultiDiGraph()
    t0 = time.perf_counter()
    if kind == "bare":
        g.add_nodes_from(ids)
        g.add_edges_from((u, v, k) for k, (u, v) in enumerate(ends))
    else:
        source = ("rosters/党员.csv", "党员", 0)
        g.add_nodes_from((i, {"type": "Member", "name": i, "sex": "female", "situation": "in_service",
                              "birth_date": "1980-01-01", "source": source}) for i in ids)  # fmt: skip
        g.add_edges_from((u, v, k, {"type": "MEMBER_OF", "valid_from": None, "valid_to": None, "source": source})
                         for k, (u, v) in enumerate(ends))  # fmt: skip
    seconds = time.perf_counter() - t0
    rss = _rss_kb()
    return {"seconds": seconds, "rss_kb": rss, "graph_kb": rss - base, "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=1_355_756, help="Nodes (default: the province's).")
    ap.add_argument("--edges", type=int, default=2_888_465, help="Edges (default: the province's).")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(phase(*args.child)))
        return 0
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    res = {}
    for kind in ("bare", "attributes"):
        print(f"[{kind}] ...", file=sys.stderr, flush=True)
        res[kind] = bench_load.run_child([kind, str(args.nodes), str(args.edges)], __file__)
    result = {"started": started.isoformat(), "command": shlex.join(["python", "benchmarks/bench_floor.py",
              *(argv if argv is not None else sys.argv[1:])]), "machine": bench_load.machine(),  # fmt: skip
              "speed_s": bench_load.calibrate(), "phases": res}  # fmt: skip
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def report(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"networkx floor benchmark, {r['started']}",
        f"command:  {r['command']}",
        f"machine:  {bench_load.machine_line(m)}; machine speed {r['speed_s']:.3f} s (5 million additions)",
        f"software: CPython {m['python']}, networkx {m['networkx']}, dangjian {m['commit']}",
        "",
        "graph                 nodes       edges      build time  peak RSS   graph's own  per node+edge",
        "--------------------  ----------  ---------  ----------  ---------  -----------  -------------",
    ]
    for kind, p in r["phases"].items():
        per = p["graph_kb"] * 1024 / (p["nodes"] + p["edges"])
        lines.append(f"{kind:<20}  {p['nodes']:>10,}  {p['edges']:>9,}  {p['seconds']:8.2f} s  "
                     f"{p['rss_kb'] / 1024:>5,.0f} MiB  {p['graph_kb'] / 1024:>7,.0f} MiB  {per:>9,.0f} B")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
