"""Load benchmark: how long ``load_paths`` and ``to_networkx`` take on a synthetic city of N
members, against building the same networkx graph directly from Python lists.

    .venv/bin/python benchmarks/bench_load.py --members 100000          # what `make bench` runs
    .venv/bin/python benchmarks/bench_load.py --dir ROSTERS --json      # your own rosters, JSON out

Phases, each in a fresh Python process (so that its peak RSS is its own):

load      ``load_paths(ws, [dir])`` into a new workspace file: wall time, rows read per second,
          peak RSS of the process.
build     ``to_networkx(ws)`` on that workspace: wall time, peak RSS. Then (not timed) the graph
          is compared with the baseline graph: same nodes, attributes and edges.
baseline  The CSVs are read with the csv module into lists of rows (not timed); timed: turning
          those rows into the same nodes with the same attributes (enum labels to values, numbers
          to int, 是/否 to bool, references to ids, source) and the same edges, and adding them
          to an ``nx.MultiDiGraph``. Also reported: adding prebuilt node and edge tuples alone.

The aim: loading within 3x of the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
AIM = 3.0


# -- the phases (run in child processes) ---------------------------------------------------------
def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def phase_load(rosters: str, db: str) -> dict:
    from dangjian.graph.store import Workspace
    from dangjian.loaders.load import load_paths

    rss0 = _rss_kb()
    ws = Workspace.open(db, create=True)
    t0 = time.perf_counter()
    result = load_paths(ws, [rosters], lang="zh", rejects_path=Path(db).with_name("rejects.csv"))
    seconds = time.perf_counter() - t0
    ws.close()
    return {
        "seconds": seconds, "rss_peak_kb": _rss_kb(), "rss_after_import_kb": rss0,
        "read": result.read, "loaded": result.loaded, "merged": result.merged,
        "rejected": result.rejected, "rejects_path": result.rejects_path,
        "by_type": {t: c["read"] for t, c in result.to_dict()["by_type"].items()},
        "db_bytes": os.path.getsize(db),
    }  # fmt: skip


def phase_build(rosters: str, db: str, verify: bool) -> dict:
    from dangjian.graph.build import to_networkx
    from dangjian.graph.store import Workspace

    rss0 = _rss_kb()
    ws = Workspace.open(db)
    t0 = time.perf_counter()
    g = to_networkx(ws)
    seconds = time.perf_counter() - t0
    out = {"seconds": seconds, "rss_peak_kb": _rss_kb(), "rss_after_import_kb": rss0,
           "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}  # fmt: skip
    ws.close()
    if verify:  # after the measurement: it adds the baseline graph to this process
        out["same_graph"], out["difference"] = _compare(g, build_baseline(prepare_baseline(rosters)))
    return out


def phase_baseline(rosters: str) -> dict:
    prepared = prepare_baseline(rosters)  # reading the CSVs: not timed
    rss0 = _rss_kb()
    t0 = time.perf_counter()
    g = build_baseline(prepared)
    seconds = time.perf_counter() - t0
    rss = _rss_kb()
    n, e = g.number_of_nodes(), g.number_of_edges()
    # Adding prebuilt (id, attrs) and (u, v, key, attrs) tuples alone: the floor of graph building.
    nodes = [(k, dict(d)) for k, d in g.nodes(data=True)]
    edges = [(u, v, k, dict(d)) for u, v, k, d in g.edges(keys=True, data=True)]
    del g
    import networkx as nx

    t0 = time.perf_counter()
    g2 = nx.MultiDiGraph()
    g2.add_nodes_from(nodes)
    g2.add_edges_from(edges)
    add_only = time.perf_counter() - t0
    return {"seconds": seconds, "rss_peak_kb": rss, "rss_after_read_kb": rss0, "nodes": n, "edges": e,
            "add_only_seconds": add_only}  # fmt: skip


# -- the baseline: the same graph straight from csv rows -----------------------------------------
def prepare_baseline(rosters: str) -> list[dict]:
    """Each generated CSV as lists of cells, with a per-column plan from the schema."""
    import csv

    from dangjian.graph.schema import model

    sys.path.insert(0, str(HERE))
    from gen_rosters import FILES

    m = model()
    out = []
    for rtype, fname in FILES.items():
        path = Path(rosters) / fname
        rt = m.record(rtype)
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        by_label = {p.label("zh"): p for p in rt.properties.values()}
        cols, refs = [], []
        for i, header in enumerate(rows[0]):
            p = by_label[header]
            if p.type == "enum":
                conv = {p.enum.label(v, "zh"): v for v in p.enum.values}.__getitem__
            elif p.type in ("int", "number"):
                conv = int
            elif p.type == "bool":
                conv = {"是": True, "否": False}.__getitem__
            elif p.type == "ref" and p.multiple:
                conv = _split
            else:
                conv = None
            cols.append((i, p.name, conv))
            if p.type == "ref" and p.edge and not rt.is_link:
                refs.append((p.name, p.edge, p.direction == "in", p.multiple, p.edge_valid_from,
                             p.edge_valid_to, dict(p.edge_props)))  # fmt: skip
        defaults = [(p.name, p.default_from["property"], rt.prop(p.default_from["property"]).enum,
                     p.default_from["attribute"])
                    for p in rt.properties.values() if p.default_from]  # fmt: skip
        link = None
        if rt.is_link:
            role = rt.prop(rt.link_edge_from).enum if rt.link_edge_from else None
            link = (
                rt.link_from,
                rt.link_to,
                rt.link_edge_from,
                {v: role.attr(v, "edge") for v in role.values} if role else {None: rt.link_edge},
            )
        out.append({"type": rtype, "file": str(path), "sheet": path.stem, "rows": rows[1:], "cols": cols,
                    "refs": refs, "defaults": defaults, "link": link})  # fmt: skip
    return out


def _split(text: str) -> list[str]:
    return text.split("、")


def build_baseline(prepared: list[dict]):
    """The graph ``to_networkx`` makes, from the prepared rows. This is what is timed."""
    import networkx as nx

    nodes, edges = [], []
    key = 0
    for sheet in prepared:
        rtype, file, name, cols = sheet["type"], sheet["file"], sheet["sheet"], sheet["cols"]
        refs, defaults, link = sheet["refs"], sheet["defaults"], sheet["link"]
        for r, row in enumerate(sheet["rows"], start=2):
            attrs = {}
            for i, pname, conv in cols:
                v = row[i]
                if v:
                    attrs[pname] = conv(v) if conv else v
            source = (file, name, r)
            if link:
                frm, to, role, edge_of = link
                key += 1
                extra = {k: v for k, v in attrs.items() if k not in (frm, to, "valid_from", "valid_to")}
                edges.append((attrs[frm], attrs[to], key, {**extra, "type": edge_of[attrs[role] if role else None],
                              "valid_from": attrs.get("valid_from"), "valid_to": attrs.get("valid_to"),
                              "source": source}))  # fmt: skip
                continue
            for pname, src, enum, attr in defaults:
                if pname not in attrs and src in attrs:
                    attrs[pname] = enum.attr(attrs[src], attr)
            nid = attrs.pop("id")
            for pname, edge, inward, multiple, vf, vt, eprops in refs:
                target = attrs.get(pname)
                if target is None:
                    continue
                for t in target if multiple else (target,):
                    key += 1
                    edges.append((t, nid) if inward else (nid, t))
                    edges[-1] += (
                        key,
                        {
                            **eprops,
                            "type": edge,
                            "valid_from": attrs.get(vf) if vf else None,
                            "valid_to": attrs.get(vt) if vt else None,
                            "source": source,
                        },
                    )
            attrs["type"] = rtype
            attrs["source"] = source
            nodes.append((nid, attrs))
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    return g


def _compare(a, b) -> tuple[bool, str]:
    """Same nodes with the same attributes and the same multiset of edges (keys aside)?"""
    na, nb = dict(a.nodes(data=True)), dict(b.nodes(data=True))
    if na != nb:
        missing = len(na.keys() - nb.keys()) + len(nb.keys() - na.keys())
        differ = next((k for k in na.keys() & nb.keys() if na[k] != nb[k]), None)
        detail = f"; e.g. {differ}: {na[differ]} != {nb[differ]}" if differ else ""
        return False, f"nodes differ: {missing} only in one graph{detail}"

    def edges(g):
        return Counter((u, v, tuple(sorted(d.items()))) for u, v, d in g.edges(data=True))

    ea, eb = edges(a), edges(b)
    if ea != eb:
        return False, f"edges differ: {sum((ea - eb).values())} only in to_networkx, " \
                      f"{sum((eb - ea).values())} only in the baseline"  # fmt: skip
    return True, ""


# -- the parent: machine, phases, report ---------------------------------------------------------
def machine_line(m: dict) -> str:
    """The machine as every benchmark's report prints it (``m`` from :func:`machine`)."""
    return f"{m['platform']}; {m['cpu']}; {m['cores']} cores ({m['usable_cores']} usable); {m['ram_gib']} GiB RAM"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    mem_kb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    import networkx

    try:
        commit = subprocess.run(["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=10).stdout.strip() or None  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable,
        "ram_gib": round(mem_kb / 1024 / 1024, 1) if mem_kb else None,
        "python": sys.version.split()[0], "python_impl": platform.python_implementation(),
        "networkx": networkx.__version__, "sqlite": sqlite3.sqlite_version, "commit": commit,
    }  # fmt: skip


def calibrate(tries: int = 3) -> float:
    """Seconds for a fixed pure-Python loop (5 million additions), the fastest of ``tries``: how
    fast the machine runs Python at that moment. This VM's figure varies by half from hour to hour."""
    best = float("inf")
    for _ in range(tries):
        t0 = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return best


def run_child(args: list[str], script: str = __file__, env: dict[str, str] | None = None) -> dict:
    """Run one phase of ``script`` in a fresh Python process (with ``env``, default this one's);
    its last stdout line is JSON."""
    cmd = [sys.executable, str(Path(script).resolve()), "--child", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark phase failed: {shlex.join(cmd)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=100_000, help="members to generate (default 100000)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--dir", help="use the rosters in DIR (made by gen_rosters.py) instead of generating")
    ap.add_argument("--repeat", type=int, default=1, help="run each phase N times; report medians")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    ap.add_argument("--json-file", help="also write the results as JSON to this file")
    ap.add_argument("--no-verify", action="store_true", help="skip checking that both graphs are equal")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (rosters, workspace)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        phase, *rest = args.child
        if phase == "load":
            res = phase_load(*rest)
        elif phase == "build":
            res = phase_build(rest[0], rest[1], rest[2] == "verify")
        else:
            res = phase_baseline(*rest)
        print(json.dumps(res))
        return 0

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = dt.datetime.now().astimezone()
    tmp = Path(tempfile.mkdtemp(prefix="dangjian-bench-"))
    try:
        gen_seconds = None
        if args.dir:
            rosters = str(Path(args.dir))
        else:
            sys.path.insert(0, str(HERE))
            from gen_rosters import generate

            rosters = str(tmp / "rosters")
            say(f"generating {args.members} members into {rosters} ...")
            t0 = time.perf_counter()
            generate(rosters, args.members, args.seed)
            gen_seconds = time.perf_counter() - t0
        loads, builds, bases = [], [], []
        for i in range(args.repeat):
            db = tmp / f"run{i}" / "bench.db"
            db.parent.mkdir()
            say(f"[{i + 1}/{args.repeat}] load_paths ...")
            loads.append(run_child(["load", rosters, str(db)]))
            if loads[-1]["rejected"]:
                say(f"ERROR: {loads[-1]['rejected']} rows rejected (see {loads[-1]['rejects_path']})")
            say(f"[{i + 1}/{args.repeat}] to_networkx ...")
            verify = "verify" if i == 0 and not args.no_verify else "no"
            builds.append(run_child(["build", rosters, str(db), verify]))
            say(f"[{i + 1}/{args.repeat}] baseline ...")
            bases.append(run_child(["baseline", rosters]))
        load_s, build_s = _median(loads, "seconds"), _median(builds, "seconds")
        base_s, add_s = _median(bases, "seconds"), _median(bases, "add_only_seconds")
        files = sorted(Path(rosters).glob("*.csv"))
        results = {
            "date": started.isoformat(timespec="seconds"),
            "command": shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv])),
            "cwd": os.getcwd(),
            "machine": machine(),
            "input": {"dir": None if not args.dir else rosters, "members": None if args.dir else args.members,
                      "seed": None if args.dir else args.seed, "generate_seconds": gen_seconds,
                      "files": len(files), "bytes": sum(f.stat().st_size for f in files)},  # fmt: skip
            "repeat": args.repeat,
            "load": {"seconds": load_s, "rows_read": loads[0]["read"], "rows_per_second": loads[0]["read"] / load_s,
                     "loaded": loads[0]["loaded"], "merged": loads[0]["merged"],
                     "rejected": loads[0]["rejected"], "rows_by_type": loads[0]["by_type"],
                     "rss_peak_mib": max(r["rss_peak_kb"] for r in loads) / 1024,
                     "rss_after_import_mib": loads[0]["rss_after_import_kb"] / 1024,
                     "db_mib": loads[0]["db_bytes"] / 2**20, "runs": [r["seconds"] for r in loads]},
            "build": {"seconds": build_s, "nodes": builds[0]["nodes"], "edges": builds[0]["edges"],
                      "rss_peak_mib": max(r["rss_peak_kb"] for r in builds) / 1024,
                      "same_graph_as_baseline": builds[0].get("same_graph"),
                      "difference": builds[0].get("difference") or None,
                      "runs": [r["seconds"] for r in builds]},
            "baseline": {"seconds": base_s, "add_only_seconds": add_s, "nodes": bases[0]["nodes"],
                         "edges": bases[0]["edges"], "rss_peak_mib": max(r["rss_peak_kb"] for r in bases) / 1024,
                         "rss_after_read_mib": bases[0]["rss_after_read_kb"] / 1024,
                         "runs": [r["seconds"] for r in bases]},
            "ratios": {"load_over_baseline": load_s / base_s,
                       "load_and_build_over_baseline": (load_s + build_s) / base_s,
                       "load_over_add_only": load_s / add_s,
                       "load_and_build_over_add_only": (load_s + build_s) / add_s},
            "aim": {"ratio": AIM, "met": load_s / base_s <= AIM},
        }  # fmt: skip
        if args.json_file:
            Path(args.json_file).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")  # fmt: skip
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=2))
        else:
            print(report(results))
        if args.keep:
            say(f"kept {tmp}")
        ok = results["load"]["rejected"] == 0 and results["build"]["same_graph_as_baseline"] is not False
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def report(r: dict) -> str:
    m, load, build, base, ratio = r["machine"], r["load"], r["build"], r["baseline"], r["ratios"]
    inp = r["input"]
    what = f"{inp['members']:,} members (seed {inp['seed']})" if inp["members"] else inp["dir"]
    rows = [
        ("phase", "wall time", "throughput", "peak RSS (process)"),
        ("load_paths (fresh workspace)", f"{load['seconds']:.2f} s", f"{load['rows_per_second']:,.0f} rows/s",
         f"{load['rss_peak_mib']:.0f} MiB"),
        ("to_networkx", f"{build['seconds']:.2f} s", "", f"{build['rss_peak_mib']:.0f} MiB"),
        ("baseline: rows -> same graph", f"{base['seconds']:.2f} s", "", f"{base['rss_peak_mib']:.0f} MiB"),
        ("baseline: networkx add only", f"{base['add_only_seconds']:.2f} s", "", ""),
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    table = [("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
             for row in rows]  # fmt: skip
    table.insert(1, line)
    by_type = ", ".join(f"{t} {n:,}" for t, n in load["rows_by_type"].items())
    same = {True: "yes", False: f"NO ({build['difference']})", None: "not checked"}[
        build["same_graph_as_baseline"]
    ]
    aim = "MET" if r["aim"]["met"] else "NOT MET"
    gen = f", generated in {inp['generate_seconds']:.2f} s" if inp["generate_seconds"] is not None else ""
    runs = f" (median of {r['repeat']} runs)" if r["repeat"] > 1 else ""
    return "\n".join([
        f"dangjian load benchmark, {r['date']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {machine_line(m)}",
        f"software: {m['python_impl']} {m['python']}, networkx {m['networkx']}, SQLite {m['sqlite']}, "
        f"dangjian {m['commit']}",
        f"input:    {what}: {inp['files']} CSV files, {inp['bytes'] / 2**20:.1f} MiB{gen}",
        f"rows:     read {load['rows_read']:,} = loaded {load['loaded']:,} + merged {load['merged']:,} "
        f"+ rejected {load['rejected']:,}  ({by_type})",
        f"graph:    {build['nodes']:,} nodes, {build['edges']:,} edges; same graph as baseline: {same}",
        f"workspace: {load['db_mib']:.1f} MiB",
        "",
        *table,
        "",
        f"ratios{runs}:",
        f"  load / baseline                   {ratio['load_over_baseline']:.1f}x",
        f"  (load + to_networkx) / baseline   {ratio['load_and_build_over_baseline']:.1f}x",
        f"  load / networkx add only          {ratio['load_over_add_only']:.1f}x",
        f"aim: load within {r['aim']['ratio']:.0f}x of the baseline: {aim}",
    ])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
