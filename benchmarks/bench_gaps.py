"""Gap-rule benchmark: how long ``run_rules(G, as_of=...)`` (one GraphIndex, then every rule) takes
on a generated city of about 1,800 communities and 90,000 members, and at 2x and 4x that size.

    .venv/bin/python benchmarks/bench_gaps.py                          # what `make bench` runs
    .venv/bin/python benchmarks/bench_gaps.py --dir build/bench-gaps   # keep/reuse the rosters
    .venv/bin/python benchmarks/bench_gaps.py --json                   # JSON instead of a table

For each size (``--members`` times each of ``--scales``; default 90,000 x 1, 2, 4):

1. The rosters are generated with ``gen_rosters.py`` (one community per ~50 members, so 90,000
   members give 1,800 communities). Not timed. With ``--dir DIR`` they are kept in
   ``DIR/members-N`` and reused by later runs.
2. In a fresh Python process: ``load_paths`` into a new workspace file. Not timed for the aim
   (its wall time is shown for information).
3. For each size, another fresh Python process builds the graph with ``to_networkx`` (not
   timed for the aim) and holds it. Then the timed runs take turns: round r times one
   ``run_rules(G, as_of=AS_OF)`` at 1x, then at 2x, then at 4x, each in its own process, for
   ``--repeat`` rounds. This VM's speed drifts by up to 2x over minutes; measured one size after
   the other, a slow spell could land on one size and decide the growth ratio, while taking turns
   spreads it over all sizes. Each run has Python's cyclic garbage collector on, as in ``dangjian
   gaps`` (each run reported; the median is the figure), and the time spent inside the collector
   is measured (``gc.callbacks``). A fixed pure-Python loop is timed just before each run
   ("machine speed").
4. Then, one size after the other, ``--repeat`` times with the collector off (``gc.disable()``):
   ``run_rules`` again, and the per-rule breakdown: a new ``GraphIndex(G, AS_OF)`` (timed), then
   every rule in registry order with that shared index, as ``run_rules`` runs them:
   ``rules_registry()[rid].func(G, index=ix)`` (each timed). The breakdown runs with the
   collector off because a full collection walks the whole heap (the graph included) and
   lands in whichever rule happens to allocate at that moment.
5. Then, untimed (``--no-count`` skips it), the work: function calls (Python and builtin) that
   cProfile counts in one ``run_rules``, in the ``GraphIndex`` build and in each rule. The
   counts do not depend on the machine or its load, so their growth shows whether the work
   grows linearly even when timings on a shared machine are noisy (only calls count: a loop
   that calls nothing per item does not show).

A full collection runs (untimed) before each timed run so that runs start alike. The "machine
speed" loop tells a slow machine from slow code (it does not see memory-bound slowdowns). Each
rules process's peak RSS is reported, and its RSS once the graph was built; the processes of all
sizes are alive together during the rounds (about 4.5 GiB at the default sizes).

The aim: under 1 s for ``run_rules`` at 1x, and linear growth: each doubling of the city at most
``LINEAR_SLACK`` times the growth in nodes (about 2.0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402  (a sibling script: shares the machine report and child runner)
from bench_load import _rss_kb, calibrate  # noqa: E402

AS_OF = "2026-11-22"
AIM_SECONDS = 1.0
LINEAR_SLACK = 1.2  # a doubling may cost up to 1.2 x the node ratio (2.4x for 2.0x nodes)


def _current_rss_kb() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def source_digest() -> str:
    """A digest of the dangjian code the rules run on (graph, loaders, queries): a run whose
    phases saw different code (someone edited it meanwhile) is reported and fails."""
    import hashlib

    import dangjian.queries

    root = Path(dangjian.queries.__file__).resolve().parent.parent
    h = hashlib.sha1()
    for sub in ("graph", "loaders", "queries"):
        for f in sorted((root / sub).rglob("*")):
            if f.suffix in (".py", ".yaml") and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


# -- the phases (run in child processes) ---------------------------------------------------------
def phase_load(rosters: str, db: str) -> dict:
    """bench_load's load phase, plus the code digest before and after."""
    source = source_digest()
    return {**bench_load.phase_load(rosters, db), "source": [source, source_digest()]}


class RulesChild:
    """The rules phase of one size, in its own process: the graph is built once, then the parent
    asks for one timed ``run_rules`` at a time (so that the sizes' runs can take turns and share
    the machine's moods), then for the rest (GC off, per rule, calls)."""

    def __init__(self, db: str, as_of: str):
        from dangjian.graph.build import to_networkx
        from dangjian.graph.store import Workspace
        from dangjian.queries import rules_registry
        from dangjian.queries.index import COMMUNITY_LEVELS

        self.source = source_digest()
        self.as_of = as_of
        self.registry = rules_registry()  # imports the rule modules: not part of any timing
        ws = Workspace.open(db)
        t0 = time.perf_counter()
        self.g = to_networkx(ws)
        self.build_seconds = time.perf_counter() - t0
        ws.close()
        self.communities = sum(1 for _, lv in self.g.nodes(data="level") if lv in COMMUNITY_LEVELS)
        gc.collect()
        self.rss_graph = _current_rss_kb()
        self.found: tuple[int, dict[str, int]] | None = None

    def timed_run(self) -> dict:
        """One ``run_rules`` with the collector on, as in ``dangjian gaps``; the time spent in the
        collector and its full collections; the machine's speed just before."""
        from dangjian.queries import run_rules

        g, as_of = self.g, self.as_of
        calibration = calibrate(tries=1)
        gc_log: list[list] = []

        def on_gc(phase: str, info: dict) -> None:
            if phase == "start":
                gc_log.append([info["generation"], time.perf_counter()])
            else:
                gc_log[-1][1] = time.perf_counter() - gc_log[-1][1]

        gc.collect()
        gc.callbacks.append(on_gc)
        t0 = time.perf_counter()
        findings = run_rules(g, as_of=as_of)
        seconds = time.perf_counter() - t0
        gc.callbacks.remove(on_gc)
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        if self.found is None:
            self.found = (len(findings), counts)
        elif (len(findings), counts) != self.found:
            raise SystemExit("run_rules gave different findings on the same graph")
        del findings
        return {"seconds": seconds, "gc_seconds": sum(d for _, d in gc_log),
                "gc_full": sum(1 for gen, _ in gc_log if gen == 2), "calibration": calibration}  # fmt: skip

    def rest(self, repeat: int, count: bool) -> dict:
        from dangjian.queries import run_rules
        from dangjian.queries.index import GraphIndex

        g, as_of, registry = self.g, self.as_of, self.registry
        if self.found is None:
            self.timed_run()
        findings_count, by_rule_count = self.found
        # The same with the collector off, and the per-rule breakdown with it off: a collection
        # walks the whole heap and lands in whichever rule happens to allocate at the time, so with
        # it on the breakdown would blame random rules for it.
        nogc_runs: list[float] = []
        index_runs: list[float] = []
        rule_runs: dict[str, list[float]] = {rid: [] for rid in registry}
        rule_found: dict[str, int] = {}
        for _ in range(repeat):
            gc.collect()
            gc.disable()
            t0 = time.perf_counter()
            findings = run_rules(g, as_of=as_of)
            nogc_runs.append(time.perf_counter() - t0)
            gc.enable()
            del findings
            gc.collect()
            gc.disable()
            t0 = time.perf_counter()
            ix = GraphIndex(g, as_of)
            index_runs.append(time.perf_counter() - t0)
            for rid, r in registry.items():
                t0 = time.perf_counter()
                found = r.func(g, index=ix)
                rule_runs[rid].append(time.perf_counter() - t0)
                rule_found[rid] = len(found)
                del found
            gc.enable()
            del ix

        # Work, not time: Python and builtin function calls counted by cProfile in one more, untimed
        # pass (the same for the same graph on any machine, so its growth is free of timing noise).
        calls: dict[str, int] | None = None
        if count:
            import cProfile
            import pstats

            def counted(fn):
                prof = cProfile.Profile()
                prof.enable()
                out = fn()
                prof.disable()
                return out, pstats.Stats(prof).total_calls

            gc.collect()
            gc.disable()
            _, total = counted(lambda: run_rules(g, as_of=as_of))
            ix, calls_index = counted(lambda: GraphIndex(g, as_of))
            calls = {"run_rules": total, "index": calls_index}
            for rid, r in registry.items():
                calls[rid] = counted(lambda r=r: r.func(g, index=ix))[1]
            gc.enable()
            del ix
        return {
            "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "communities": self.communities,
            "build_seconds": self.build_seconds, "nogc_runs": nogc_runs, "findings": findings_count,
            "findings_by_rule": by_rule_count, "index_runs": index_runs,
            "rules": {rid: {"runs": rule_runs[rid], "findings": rule_found[rid]} for rid in registry},
            "calls": calls, "source": [self.source, source_digest()],
            "rss_graph_kb": self.rss_graph, "rss_peak_kb": _rss_kb(),
        }  # fmt: skip


def serve_rules(db: str, as_of: str) -> int:
    """The child's loop: a JSON line on stdout when the graph is built, then one per request read
    from stdin (``run``; ``rest REPEAT count|no``, after which it exits)."""
    child = RulesChild(db, as_of)
    _reply({"ready": True, "build_seconds": child.build_seconds})
    for line in sys.stdin:
        cmd = line.split()
        if cmd[0] == "run":
            _reply(child.timed_run())
        elif cmd[0] == "rest":
            _reply(child.rest(int(cmd[1]), cmd[2] == "count"))
            return 0
    return 1


def _reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# -- the parent ----------------------------------------------------------------------------------
def run_child(args: list[str]) -> dict:
    return bench_load.run_child(args, script=__file__)


class RulesProcess:
    """The parent's handle on a :class:`RulesChild` in a fresh process (``--child rules``)."""

    def __init__(self, db: Path, as_of: str):
        self.cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "rules", str(db), as_of]
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.build_seconds = self._read()["build_seconds"]

    def ask(self, request: str) -> dict:
        assert self.proc.stdin is not None
        self.proc.stdin.write(request + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.kill()
            raise SystemExit(f"benchmark phase failed: {shlex.join(self.cmd)}")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()


def rosters_for(members: int, seed: int, cache: Path | None, tmp: Path, say) -> tuple[str, float | None]:
    """A folder of generated rosters (made now, or reused from the cache); generation seconds."""
    sys.path.insert(0, str(HERE))
    from gen_rosters import FILES, generate

    folder = (cache if cache is not None else tmp) / f"members-{members}"
    stamp = folder / "generated.json"
    want = {"members": members, "seed": seed}
    if cache is not None and stamp.exists() and all((folder / f).exists() for f in FILES.values()):
        if json.loads(stamp.read_text(encoding="utf-8")) == want:
            say(f"reusing the rosters in {folder}")
            return str(folder), None
    say(f"generating {members} members into {folder} ...")
    t0 = time.perf_counter()
    generate(folder, members, seed)
    seconds = time.perf_counter() - t0
    stamp.write_text(json.dumps(want) + "\n", encoding="utf-8")
    return str(folder), seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--members", type=int, default=90_000, help="members at 1x (default 90000: 1,800 communities)"
    )
    ap.add_argument("--scales", default="1,2,4", help="sizes as multiples of --members (default 1,2,4)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--as-of", default=AS_OF, help=f"the rules' date (default {AS_OF})")
    ap.add_argument("--repeat", type=int, default=5, help="timed rounds (default 5); medians reported")
    ap.add_argument("--dir", help="keep the generated rosters in DIR/members-N and reuse them next time")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    ap.add_argument("--json-file", help="also write the results as JSON to this file")
    ap.add_argument("--no-count", action="store_true", help="skip the (untimed) function-call count")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (workspaces, rosters)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        phase, *rest = args.child
        if phase == "load":
            print(json.dumps(phase_load(*rest)))
            return 0
        return serve_rules(rest[0], rest[1])

    scales = [int(s) for s in args.scales.split(",")]
    if args.repeat < 1 or args.members < 1 or not scales or min(scales) < 1:
        ap.error("--members, --repeat and --scales must be positive")

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sys.path.insert(0, str(HERE))
    machine = bench_load.machine

    started = dt.datetime.now().astimezone()
    tmp = Path(tempfile.mkdtemp(prefix="dangjian-bench-gaps-"))
    cache = Path(args.dir) if args.dir else None
    sizes, sources = [], []
    try:
        # 1. rosters and a workspace per size, one at a time
        loads, dbs = [], []
        for scale in scales:
            n = args.members * scale
            rosters, gen_s = rosters_for(n, args.seed, cache, tmp, say)
            db = tmp / f"members-{n}.db"
            say(f"[{scale}x] load_paths ({n} members) ...")
            load = run_child(["load", rosters, str(db)])
            if load["rejected"]:
                say(f"ERROR: {load['rejected']} rows rejected (see {load['rejects_path']})")
                return 1
            loads.append((scale, n, rosters, gen_s, load))
            dbs.append(db)
        # 2. a rules process per size, each building its graph while the others wait
        children = []
        for (scale, *_), db in zip(loads, dbs, strict=True):
            say(f"[{scale}x] to_networkx ...")
            children.append(RulesProcess(db, args.as_of))
            db.unlink()
        # 3. the timed runs, taking turns: round r runs 1x, 2x, 4x, ... one after the other, so
        #    that a slow spell of the machine falls on every size alike, not on one
        timed: list[list[dict]] = [[] for _ in children]
        for r in range(args.repeat):
            say(f"round {r + 1} of {args.repeat}: run_rules at {', '.join(f'{x[0]}x' for x in loads)}")
            for runs, child in zip(timed, children, strict=True):
                runs.append(child.ask("run"))
        # 4. the rest (GC off, per rule, calls), one size after the other
        for (scale, n, rosters, gen_s, load), child, runs in zip(loads, children, timed, strict=True):
            say(f"[{scale}x] GC off, per rule{'' if args.no_count else ', calls'} ...")
            res = child.ask(f"rest {args.repeat} {'no' if args.no_count else 'count'}")
            child.close()
            for digest in load["source"] + res["source"]:
                if digest not in sources:
                    sources.append(digest)
            secs = [x["seconds"] for x in runs]
            med = statistics.median(secs)
            sizes.append({
                "scale": scale, "members": n, "rosters": rosters, "generate_seconds": gen_s,
                "load_seconds": load["seconds"], "rows_read": load["read"],
                "build_seconds": res["build_seconds"], "nodes": res["nodes"], "edges": res["edges"],
                "communities": res["communities"], "findings": res["findings"],
                "findings_by_rule": res["findings_by_rule"],
                "rules_seconds": med, "rules_runs": secs,
                "calibration_seconds": statistics.median(x["calibration"] for x in runs),
                "calibration_runs": [x["calibration"] for x in runs],
                "ms_per_1000_nodes": med / res["nodes"] * 1e6,
                "gc_seconds": statistics.median(x["gc_seconds"] for x in runs),
                "gc_runs": [x["gc_seconds"] for x in runs],
                "gc_full_collections": [x["gc_full"] for x in runs],
                "rules_nogc_seconds": statistics.median(res["nogc_runs"]), "rules_nogc_runs": res["nogc_runs"],
                "index_seconds": statistics.median(res["index_runs"]), "index_runs": res["index_runs"],
                "per_rule": {rid: {"seconds": statistics.median(v["runs"]), "runs": v["runs"],
                                   "findings": v["findings"], "calls": (res["calls"] or {}).get(rid)}
                             for rid, v in res["rules"].items()},
                "calls": (res["calls"] or {}).get("run_rules"), "index_calls": (res["calls"] or {}).get("index"),
                "rss_graph_mib": res["rss_graph_kb"] / 1024, "rss_peak_mib": res["rss_peak_kb"] / 1024,
            })  # fmt: skip
        growth = []
        for a, b in zip(sizes, sizes[1:], strict=False):
            t_ratio, n_ratio = b["rules_seconds"] / a["rules_seconds"], b["nodes"] / a["nodes"]
            growth.append({"from": a["scale"], "to": b["scale"], "time_ratio": t_ratio, "nodes_ratio": n_ratio,
                           "round_ratios": [y / x for x, y in zip(a["rules_runs"], b["rules_runs"], strict=True)],
                           "nogc_time_ratio": b["rules_nogc_seconds"] / a["rules_nogc_seconds"],
                           "calls_ratio": b["calls"] / a["calls"] if a["calls"] and b["calls"] else None,
                           "linear": t_ratio <= LINEAR_SLACK * n_ratio})  # fmt: skip
        for x in growth:
            x["calls_linear"] = (
                None if x["calls_ratio"] is None else x["calls_ratio"] <= LINEAR_SLACK * x["nodes_ratio"]
            )
        base = next((s for s in sizes if s["scale"] == 1), sizes[0])
        results = {
            "date": started.isoformat(timespec="seconds"),
            "command": shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv])),
            "cwd": os.getcwd(),
            "machine": machine(),
            "source": sources, "source_changed": len(sources) > 1,
            "as_of": args.as_of, "seed": args.seed, "repeat": args.repeat,
            "rules": len(base["per_rule"]),
            "sizes": sizes,
            "growth": growth,
            "aim": {"seconds": AIM_SECONDS, "linear_slack": LINEAR_SLACK,
                    "fast_enough": base["rules_seconds"] < AIM_SECONDS,
                    "linear": all(x["linear"] for x in growth),
                    "calls_linear": None if not growth or any(x["calls_linear"] is None for x in growth)
                    else all(x["calls_linear"] for x in growth)},
        }  # fmt: skip
        results["aim"]["met"] = results["aim"]["fast_enough"] and results["aim"]["linear"]
        if args.json_file:
            Path(args.json_file).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")  # fmt: skip
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=2))
        else:
            print(report(results))
        if args.keep:
            say(f"kept {tmp}")
        if results["source_changed"]:
            say(f"ERROR: the dangjian source changed during the run ({' -> '.join(sources)}): rerun")
            return 1
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def _table(rows: list[tuple[str, ...]], left: int = 1) -> list[str]:
    """Aligned columns: the first ``left`` left-aligned, the rest right-aligned; a rule under the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = ["  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
           for r in rows]  # fmt: skip
    out.insert(1, "  ".join("-" * w for w in widths))
    return [line.rstrip() for line in out]


def report(r: dict) -> str:
    m, sizes = r["machine"], r["sizes"]
    counted = all(s["calls"] for s in sizes)
    runs = f"median of {r['repeat']} runs" if r["repeat"] > 1 else "1 run"
    head = [
        f"dangjian gap-rule benchmark, {r['date']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {bench_load.machine_line(m)}",
        f"software: {m['python_impl']} {m['python']}, networkx {m['networkx']}, SQLite {m['sqlite']}, "
        f"dangjian {m['commit']} (source digest {' -> '.join(r['source'])})",
        f'timed:    run_rules(G, as_of="{r["as_of"]}"): one GraphIndex, then all {r["rules"]} rules; '
        f"{runs} per size, the sizes taking turns (round r: 1x, 2x, ...); GC on",
        "",
    ]
    rows = [("size", "members", "communities", "nodes", "edges", "findings", "run_rules", "per 1,000 nodes",
             "in GC", "GC off", "calls", "peak RSS")]  # fmt: skip
    for s in sizes:
        rows.append((f"{s['scale']}x", f"{s['members']:,}", f"{s['communities']:,}", f"{s['nodes']:,}",
                     f"{s['edges']:,}", f"{s['findings']:,}", f"{s['rules_seconds']:.3f} s",
                     f"{s['ms_per_1000_nodes']:.2f} ms", f"{s['gc_seconds']:.3f} s",
                     f"{s['rules_nogc_seconds']:.3f} s", f"{s['calls'] / 1e6:.2f} M" if s["calls"] else "-",
                     f"{s['rss_peak_mib']:.0f} MiB"))  # fmt: skip
    body = _table(rows)
    if r["source_changed"]:
        body = ["WARNING: the dangjian source changed during the run: these figures mix versions", ""] + body
    body += [
        "",
        "run_rules: GC on, as in `dangjian gaps`; in GC: time inside the cyclic collector during those runs;",
        "GC off: run_rules again with gc.disable(); calls: function calls in run_rules (cProfile, untimed run)",
        "",
        "runs (s):",
    ]
    for s in sizes:
        body.append(f"  {s['scale']}x  run_rules {', '.join(f'{x:.3f}' for x in s['rules_runs'])};"
                    f" in GC {', '.join(f'{x:.3f}' for x in s['gc_runs'])}"
                    f" ({', '.join(map(str, s['gc_full_collections']))} full collections);"
                    f" GC off {', '.join(f'{x:.3f}' for x in s['rules_nogc_runs'])}")  # fmt: skip
        body.append(f"      untimed: load_paths {s['load_seconds']:.1f} s, to_networkx {s['build_seconds']:.1f} s;"
                    f" RSS with the graph built {s['rss_graph_mib']:.0f} MiB;"
                    f" machine speed before each run (5M-addition loop, lower is faster)"
                    f" {', '.join(f'{x:.3f}' for x in s['calibration_runs'])} s")  # fmt: skip
    if r["growth"]:
        body += ["", "growth:"]
        for x in r["growth"]:
            calls = f"; calls {x['calls_ratio']:.2f}" if x["calls_ratio"] else ""
            body.append(f"  time({x['to']}x) / time({x['from']}x) = {x['time_ratio']:.2f}   "
                        f"(nodes {x['nodes_ratio']:.2f}x; GC off {x['nogc_time_ratio']:.2f}{calls}; "
                        f"linear: {'yes' if x['linear'] else 'NO'})")  # fmt: skip
            body.append(f"      round by round: {', '.join(f'{v:.2f}' for v in x['round_ratios'])}")
    # per-rule breakdown: 1x first, the other sizes beside it
    base = next((s for s in sizes if s["scale"] == 1), sizes[0])
    last = sizes[-1]
    span = f"{last['scale']}x/{base['scale']}x"
    header = ("per rule (shared GraphIndex)", *(f"{s['scale']}x" for s in sizes))
    if len(sizes) > 1:
        header += (span,) + ((f"calls {span}",) if counted else ())
    rows = [header + (f"findings {base['scale']}x", f"share {base['scale']}x")]

    def row(
        label: str, vals: list[float], calls: list[int | None], found: str, share: float
    ) -> tuple[str, ...]:
        out = (label, *(f"{v * 1000:.1f} ms" for v in vals))
        if len(sizes) > 1:
            out += (f"{vals[-1] / vals[0]:.1f}" if vals[0] > 0 else "-",)
            if counted:
                out += (f"{calls[-1] / calls[0]:.2f}" if calls[0] else "-",)
        return out + (found, f"{share:.0%}")

    total = base["index_seconds"] + sum(v["seconds"] for v in base["per_rule"].values())
    rows.append(row("GraphIndex build", [s["index_seconds"] for s in sizes], [s["index_calls"] for s in sizes], "",
                    base["index_seconds"] / total))  # fmt: skip
    for rid in sorted(base["per_rule"], key=lambda rid: -base["per_rule"][rid]["seconds"]):
        rows.append(row(rid, [s["per_rule"][rid]["seconds"] for s in sizes],
                        [s["per_rule"][rid]["calls"] for s in sizes], f"{base['per_rule'][rid]['findings']:,}",
                        base["per_rule"][rid]["seconds"] / total))  # fmt: skip
    sums = [s["index_seconds"] + sum(v["seconds"] for v in s["per_rule"].values()) for s in sizes]
    sum_calls = [
        (s["index_calls"] or 0) + sum(v["calls"] or 0 for v in s["per_rule"].values()) for s in sizes
    ]
    found = f"{sum(v['findings'] for v in base['per_rule'].values()):,}"
    rows.append(row("total (index + rules)", sums, sum_calls, found, 1.0))
    body += [
        "",
        f"per rule, slowest first ({runs}, GC off; rules_registry()[rid].func(G, index=ix) in registry order"
        " with one shared GraphIndex, as run_rules does):",
        *_table(rows),
    ]
    aim = r["aim"]
    ratios = ", ".join(f"{x['time_ratio']:.2f}" for x in r["growth"]) or "-"
    body.append("")
    body.append(f"aim: run_rules under {aim['seconds']:.0f} s at 1x ({base['rules_seconds']:.3f} s): "
                f"{'MET' if aim['fast_enough'] else 'NOT MET'}; linear growth (each doubling at most "
                f"{aim['linear_slack']:.1f}x the node ratio; got {ratios}): {'MET' if aim['linear'] else 'NOT MET'}")  # fmt: skip
    if not r["growth"]:
        body[-1] = body[-1].split("; linear growth")[0] + "; growth: one size only, not measured"
    if aim["calls_linear"] is not None:
        calls = ", ".join(f"{x['calls_ratio']:.2f}" for x in r["growth"])
        body.append(
            f"     work (function calls) per doubling: {calls}: {'linear' if aim['calls_linear'] else 'NOT linear'}"
        )
    return "\n".join(head + body)


if __name__ == "__main__":
    sys.exit(main())
