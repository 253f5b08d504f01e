"""Show, find, path: one entity, a search, the relations between two.

>>> import json, tempfile
>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> db = tempfile.mkdtemp() + "/w.db"
>>> CliRunner().invoke(app, ["load", "examples/xianghe", "--db", db]).exit_code
0
>>> r = CliRunner().invoke(app, ["find", "祥云", "--db", db, "--json"])
>>> r.exit_code, "祥云社区" in r.stdout
(0, True)
"""

from __future__ import annotations

from typing import Annotated

import typer

from dangjian.cli.common import command
from dangjian.cli.options import Run
from dangjian.cli.output import Table, out
from dangjian.graph import DangjianError
from dangjian.wording import t


@command(shared=("backend", "as_of", "lang", "json"))
def show(run: Run, target: Annotated[str, typer.Argument(help="help.show.target")]) -> None:
    """What an entity is, where it sits, its organization chain, neighbours and findings."""
    from dangjian.queries.explore import describe

    g, n = run.graph_for(entity=target)
    d = describe(g, n or target, as_of=run.date, guard=run.guard())
    run.output(d, lambda: _print_entity(d))


def _print_entity(d: dict) -> None:
    out.print(f"{d['name']}  [{d['type_label']} {d['id']}]", markup=False)
    if d["area_path"]:
        out.print(t("cli.show.where", path=" > ".join(d["area_path"])), markup=False)
    if d["org_chain"]:
        out.print(t("cli.show.chain", chain=" ← ".join(o["name"] for o in d["org_chain"])), markup=False)
    for k, v in d["properties"].items():
        out.print(f"  {k}: {v}", markup=False)
    for rel, items in d["neighbours"].items():
        names = "、".join(f"{x['name']}({x['id']})" for x in items[:10])
        more = f" …+{len(items) - 10}" if len(items) > 10 else ""
        out.print(t("cli.show.neighbours", relation=rel, n=len(items), names=names, more=more), markup=False)
    for f in d["findings"]:
        out.print(f"[{t('severity.' + f.severity)}] {f.title}：{f.action}（{f.cite}）", markup=False)
    if d["source"]:
        out.print(t("cli.show.source", source=" ".join(str(x) for x in d["source"])), markup=False)


@command(shared=("db", "lang", "json"))
def find(
    run: Run,
    text: Annotated[str, typer.Argument(help="help.find.text")],
    limit: Annotated[int, typer.Option("--limit", help="help.find.limit")] = 20,
) -> None:
    """Find entities by name, id, pinyin or pinyin initials."""
    from dangjian.queries.explore import find as find_entities

    hits = find_entities(run.tables(), text, limit=limit)
    if not hits and not run.as_json:
        raise DangjianError("cli.find.nothing", text=text)
    run.output(hits, lambda: _print_hits(hits))


def _print_hits(hits: list[dict]) -> None:
    table = Table()
    for i, col in enumerate(("id", "type", "name")):
        table.add_column(t(f"cli.find.{col}"), no_wrap=i == 0)
    for h in hits:
        table.add_row(h["id"], h["type_label"], h["name"])
    out.print(table)


@command(shared=("db", "lang", "json"))
def path(
    run: Run,
    a: Annotated[str, typer.Argument(help="help.path.a")],
    b: Annotated[str, typer.Argument(help="help.path.b")],
) -> None:
    """How two entities are connected, naming each relation."""
    from dangjian.queries.explore import path as find_path

    steps = find_path(run.tables(), a, b)
    run.output(steps, lambda: _print_steps(steps))


def _print_steps(steps: list[dict]) -> None:
    if not steps:
        out.print(t("cli.path.same"))
        return
    out.print(steps[0]["from_name"], markup=False)
    for s in steps:
        arrow = f"—{s['relation_label']}→" if s["forward"] else f"←{s['relation_label']}—"
        out.print(f"  {arrow} {s['to_name']} ({s['to']})", markup=False)
