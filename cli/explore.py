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

from dangjian.cli.common import (
    SEV_LABEL,
    AsOfOpt,
    BackendOpt,
    DatabaseOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    Table,
    UriOpt,
    _date,
    _emit_json,
    _graph,
    _graph_for,
    _lang,
    app,
    err,
    handles_errors,
    out,
)


@app.command()
@handles_errors
def show(
    target: Annotated[str, typer.Argument(help="An id or a unique name.")],
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """What an entity is, where it sits, its organization chain, neighbours and findings."""
    from dangjian.queries.explore import describe

    lang = _lang(lang)
    g, n = _graph_for(backend, uri, database, db, entity=target, as_of=_date(as_of))
    d = describe(g, n or target, as_of=_date(as_of), lang=lang)
    if as_json:
        _emit_json(d)
        return
    zh = lang == "zh"
    out.print(f"{d['name']}  [{d['type_label']} {d['id']}]", markup=False)
    if d["area_path"]:
        out.print(("位置：" if zh else "where: ") + " > ".join(d["area_path"]), markup=False)
    if d["org_chain"]:
        out.print(("组织链：" if zh else "organization chain: ") + " ← ".join(o["name"] for o in d["org_chain"]),
                  markup=False)  # fmt: skip
    for k, v in d["properties"].items():
        out.print(f"  {k}: {v}", markup=False)
    for rel, items in d["neighbours"].items():
        names = "、".join(f"{x['name']}({x['id']})" for x in items[:10])
        more = f" …+{len(items) - 10}" if len(items) > 10 else ""
        out.print(f"{rel}（{len(items)}）：{names}{more}" if zh else f"{rel} ({len(items)}): {names}{more}", markup=False)
    for f in d["findings"]:
        out.print(f"[{SEV_LABEL[lang][f.severity]}] {f.title}：{f.action}（{f.cite}）", markup=False)
    if d["source"]:
        out.print(("来源：" if zh else "source: ") + " ".join(str(x) for x in d["source"]), markup=False)


@app.command()
@handles_errors
def find(
    text: Annotated[str, typer.Argument(help="Part of a name or id, pinyin, or pinyin initials (xysq).")],
    db: DbOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many matches.")] = 20,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Find entities by name, id, pinyin or pinyin initials."""
    from dangjian.queries.explore import find as find_entities

    lang = _lang(lang)
    hits = find_entities(_graph(db), text, limit=limit, lang=lang)
    if as_json:
        _emit_json(hits)
        return
    if not hits:
        err.print(f"error: 没有匹配“{text}”的实体" if lang == "zh" else f"error: nothing matches '{text}'")
        raise typer.Exit(1)
    t = Table()
    for col in (["编号", "类型", "名称"] if lang == "zh" else ["id", "type", "name"]):
        t.add_column(col, no_wrap=col in ("编号", "id"))
    for h in hits:
        t.add_row(h["id"], h["type_label"], h["name"])
    out.print(t)


@app.command()
@handles_errors
def path(
    a: Annotated[str, typer.Argument(help="First entity (id or unique name).")],
    b: Annotated[str, typer.Argument(help="Second entity (id or unique name).")],
    db: DbOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """How two entities are connected, naming each relation."""
    from dangjian.queries.explore import path as find_path

    lang = _lang(lang)
    steps = find_path(_graph(db), a, b, lang=lang)
    if as_json:
        _emit_json(steps)
        return
    if not steps:
        out.print("同一实体" if lang == "zh" else "the same entity")
        return
    out.print(steps[0]["from_name"], markup=False)
    for s in steps:
        arrow = f"—{s['relation_label']}→" if s["forward"] else f"←{s['relation_label']}—"
        out.print(f"  {arrow} {s['to_name']} ({s['to']})", markup=False)


