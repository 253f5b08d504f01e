"""Profile one ``load_paths`` run (cProfile) into a fresh temporary workspace.

    .venv/bin/python benchmarks/gen_rosters.py --members 100000 -o build/bench-rosters
    .venv/bin/python benchmarks/profile_load.py build/bench-rosters [--sort tottime] [--top 40]

Prints the time of each load step (read, assign_ids, resolve_all, cascade, merge, write, commit) without
the profiler, then the profile sorted by ``--sort`` (none with ``--steps-only``). ``--out FILE`` keeps the raw profile for
``python -m pstats`` or snakeviz. ``--no-gc`` runs with the garbage collector off, to see its share.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path


def _rss_mib() -> int:
    """This process's memory now (resident), MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def steps(rosters: str, db: str) -> list[tuple[str, float, int, int]]:
    """Wall time of each step of load_paths, done as load_paths does them (through load.py's
    internal ``_Load``: keep in step with ``load_paths``)."""
    from dangjian.graph.perf import paused_gc
    from dangjian.graph.store import Workspace
    from dangjian.loaders import load as L

    ws = Workspace.open(db, create=True)
    out = []
    t = time.perf_counter()

    def tick(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        out.append((name, now - t, _rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))
        t = now

    files = L.find_files([rosters])
    with paused_gc():  # as load_paths runs
        return _steps(ws, L, files, out, tick)


def _steps(ws, L, files, out, tick) -> list[tuple[str, float, int, int]]:
    job = L._Load(ws, "zh")
    tick("setup")
    job.read(files, None)
    tick("read + parse_rows")
    with ws.write_lock():
        job.prepare()
        tick("prepare (the workspace's ids)")
        job.assign_ids()
        tick("assign_ids")
        job.resolve_all(None)
        tick("resolve_all (refs + check_edges)")
        job.cascade()
        tick("cascade")
        nodes, links = job.merge()
        tick("merge")
        job.write([str(f) for f in files], nodes, links, None)
        tick("write (build rows)")
    tick("commit (columns encoded, written)")
    ws.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rosters", help="folder of rosters (e.g. made by gen_rosters.py)")
    ap.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    ap.add_argument("--top", type=int, default=45, help="rows of the profile to print")
    ap.add_argument("--out", help="write the raw profile here")
    ap.add_argument("--no-gc", action="store_true", help="disable the garbage collector")
    ap.add_argument("--steps-only", action="store_true", help="print the steps' times, no profile")
    args = ap.parse_args(argv)
    if args.no_gc:
        gc.disable()
    from dangjian.graph.store import Workspace
    from dangjian.loaders.load import load_paths

    with tempfile.TemporaryDirectory(prefix="dangjian-prof-") as tmp:
        try:
            timed = steps(args.rosters, str(Path(tmp) / "steps.db"))
        except (AttributeError, TypeError) as exc:  # load.py's internal steps changed
            print(f"(step timings unavailable: {exc}; update steps() to match loaders/load.py)\n")
        else:
            total = sum(s for _, s, _, _ in timed)
            print(f"load_paths steps (no profiler{', gc off' if args.no_gc else ''}): {total:.2f} s")
            print(f"  {'step':<34} {'seconds':>9} {'share':>7}  {'MiB after':>9} {'peak MiB':>9}")
            for name, s, rss, peak in timed:
                print(f"  {name:<34} {s:7.2f} s  {100 * s / total:5.1f} %  {rss:9,} {peak:9,}")
            print()
        if args.steps_only:
            return 0
        ws = Workspace.open(str(Path(tmp) / "prof.db"), create=True)
        prof = cProfile.Profile()
        prof.enable()
        load_paths(ws, [args.rosters])
        prof.disable()
        ws.close()
    if args.out:
        prof.dump_stats(args.out)
    pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
