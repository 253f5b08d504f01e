"""Where a command's time goes: one ``dangjian`` command run in this process, its steps timed without
the profiler, then under cProfile.

    .venv/bin/python benchmarks/profile_command.py --db W.db gaps --format json --as-of 2026-11-22
    .venv/bin/python benchmarks/profile_command.py --db W.db --top 30 show 水井坊社区
    .venv/bin/python benchmarks/profile_command.py --db W.db --per-rule --top 5 gaps --format json

The steps (wall time, no profiler): the CLI's imports; for ``gaps``, ``stats`` and ``view`` also
the library's own steps (open the columns, build the rules' index, run the rules, write the output)
as the command does them. Then the whole command under cProfile, sorted by ``--sort``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import time


def steps(db: str, command: list[str], per_rule: list | None = None) -> list[tuple[str, float]]:
    """The gaps command's steps, as cli/gaps.py does them (keep in step with it); with ``per_rule``
    (a list), each rule's (id, findings, seconds) run again alone on the index the run built."""
    out, t = [], time.perf_counter()

    def tick(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        out.append((name, now - t))
        t = now

    from dangjian.cli.output import emit_json
    from dangjian.graph.store import read_tables
    from dangjian.queries import GraphIndex, run_rules, summarize

    tick("imports (queries, store, output)")
    as_of = command[command.index("--as-of") + 1] if "--as-of" in command else None
    tables = read_tables(db)
    tick("open the columns (catalogue)")
    ix = GraphIndex(tables, as_of)
    tick("the rules' index (columns fetched, decoded)")
    findings = run_rules(tables, as_of=as_of, index=ix)
    tick(f"the rules ({len(findings):,} findings)")
    if per_rule is not None:  # each rule again, alone, on the same index (its lists already made)
        from dangjian.queries import rules_registry

        for rid in rules_registry():
            t1 = time.perf_counter()
            n = len(run_rules(tables, as_of=as_of, index=ix, rules=[rid]))
            per_rule.append((rid, n, time.perf_counter() - t1))
        t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        emit_json({"as_of": ix.as_of, "summary": summarize(findings), "findings": findings})
    tick("summary and JSON")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="The workspace.")
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--top", type=int, default=35)
    ap.add_argument("--per-rule", action="store_true", help="gaps: each rule's time alone, slowest first")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="The dangjian command and its arguments.")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from dangjian.cli.main import main as cli

    print(f"dangjian's CLI imported in {time.perf_counter() - t0:.3f} s")
    if args.command[:1] == ["gaps"]:
        rules: list | None = [] if args.per_rule else None
        timed = steps(args.db, args.command, rules)
        total = sum(s for _, s in timed)
        print(f"gaps, step by step (no profiler): {total:.2f} s")
        for name, s in timed:
            print(f"  {name:<44} {s:6.3f} s  {100 * s / total:5.1f} %")
        if rules:
            print("each rule alone on that index (no profiler), slowest first:")
            for rid, n, s in sorted(rules, key=lambda r: -r[2]):
                print(f"  {rid:<36} {s:6.3f} s  {n:>8,} findings")
    print()
    sys.argv = ["dangjian", *args.command, "--db", args.db]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        prof.enable()
        try:
            cli()
        finally:
            prof.disable()
    print(f"{' '.join(args.command)}: {time.perf_counter() - t0:.2f} s under the profiler (pid {os.getpid()})")
    pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
