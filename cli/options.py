"""The options many commands share, given to a command as one :class:`Run`, and what they choose:
the workspace or the Neo4j database it reads, the date, the language, JSON output.

A command names the bundles it takes (``@command(shared=("backend", "as_of", "lang", "json"))``)
and receives them as its first argument, ``run``; the options appear in its ``--help``.

>>> Run(as_of="2026-11-30").date
'2026-11-30'
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from dangjian.cli.output import emit_json
from dangjian.graph import DangjianError, default_db_path
from dangjian.wording import LANGS, t

__all__ = ["Run", "BUNDLES", "with_shared", "one_of", "DATE_RANGE"]

# Option types; their help is the catalogue's help.opt.* in the run's language.
DbOpt = Annotated[Path | None, typer.Option("--db", envvar="DANGJIAN_DB", help="help.opt.db", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="help.opt.json")]
LangOpt = Annotated[str, typer.Option("--lang", envvar="DANGJIAN_LANG", help="help.opt.lang")]
BackendOpt = Annotated[str, typer.Option("--backend", help="help.opt.backend")]
UriOpt = Annotated[str | None, typer.Option("--uri", envvar="NEO4J_URI", show_default=False, help="help.opt.uri")]
DatabaseOpt = Annotated[str, typer.Option("--database", envvar="NEO4J_DATABASE", help="help.opt.database")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="help.opt.as_of", show_default=False)]
ShardOpt = Annotated[str, typer.Option("--shard-level", help="help.opt.shard_level")]
ShardSizeOpt = Annotated[int, typer.Option("--shard-size", min=0, help="help.opt.shard_size")]
AreaOpt = Annotated[str | None, typer.Option("--area", help="help.opt.area", show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="help.opt.config", show_default=False)]
RejectsOpt = Annotated[Path | None, typer.Option("--rejects", help="help.opt.rejects", show_default=False)]
StrictOpt = Annotated[bool, typer.Option("--strict", help="help.opt.strict")]

# bundle -> its options: (parameter, type, default), in the order --help lists them
BUNDLES: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    "db": (("db", DbOpt, None),),
    "backend": (("db", DbOpt, None), ("backend", BackendOpt, "embedded"), ("uri", UriOpt, None),
                ("database", DatabaseOpt, "neo4j")),
    "neo4j": (("uri", UriOpt, None), ("database", DatabaseOpt, "neo4j")),
    "load": (("db", DbOpt, None), ("rejects", RejectsOpt, None), ("strict", StrictOpt, False)),
    "as_of": (("as_of", AsOfOpt, None),),
    "lang": (("lang", LangOpt, "zh"),),
    "json": (("as_json", JsonOpt, False),),
}  # fmt: skip

DATE_RANGE = ("1900-01-01", "2100-12-31")  # the dates the rules' arithmetic (terms, months) can handle


@dataclass
class Run:
    """What the shared options of one command run chose."""

    db: Path | None = None
    backend: str = "embedded"
    uri: str | None = None
    database: str = "neo4j"
    as_of: str | None = None
    lang: str = "zh"
    as_json: bool = False
    rejects: Path | None = None
    strict: bool = False
    _tables: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise typer.BadParameter(t("cli.use_zh_en"), param_hint="--lang")
        if self.backend not in ("embedded", "neo4j"):
            raise typer.BadParameter(t("cli.use_backend"), param_hint="--backend")

    @functools.cached_property
    def date(self) -> str:
        """``--as-of`` checked (default: today)."""
        return _date(self.as_of)

    @property
    def db_path(self) -> Path:
        return self.db or default_db_path()

    def tables(self):
        """The workspace's nodes and edges as columns (what the rules, figures and views read),
        read once per run."""
        from dangjian.graph.store import read_tables

        if self._tables is None:
            self._tables = read_tables(self.db_path)
        return self._tables

    def guard(self):
        """What masks people's names in free text: every person of the workspace's (None on Neo4j,
        where a shard's own people are used)."""
        from dangjian.graph.privacy import LazyGuard
        from dangjian.queries.explore import name_guard

        if self.backend != "embedded":
            return None
        tables = self.tables()
        return LazyGuard(lambda: name_guard(tables))

    @contextlib.contextmanager
    def store(self) -> Iterator[Any]:
        """A connection to Neo4j; the user and password from the environment, else asked for."""
        from dangjian.graph.neo4j_store import connect

        if not self.uri:
            raise typer.BadParameter(t("cli.give_uri"), param_hint="--uri")
        user = os.environ.get("NEO4J_USERNAME") or os.environ.get("NEO4J_USER")
        if not user:
            user = typer.prompt(t("cli.neo4j_user"), default="neo4j", err=True)
        password = os.environ.get("NEO4J_PASSWORD")
        if password is None:
            password = typer.prompt(t("cli.neo4j_password", user=user), hide_input=True, err=True)
        store = connect(self.uri, user, password, self.database)
        try:
            yield store
        finally:
            store.close()

    @contextlib.contextmanager
    def source(self) -> Iterator[Any]:
        """None for the embedded backend, else a shard source over Neo4j."""
        if self.backend == "embedded":
            yield None
            return
        from dangjian.graph.neo4j_store import Neo4jSource

        with self.store() as store:
            yield Neo4jSource(store)

    def graph_for(self, *, entity: str | None = None, area: str | None = None):
        """(what a command reads, the id its target resolves to or None): the shard that describes
        ``entity`` (its community), from the workspace's columns or from Neo4j; on Neo4j the shard
        that holds ``area``; else the workspace's columns, whole (the command resolves its target in
        them)."""
        from dangjian.queries.sharded import open_graph

        with self.source() as source:
            if source is None:
                return open_graph(self.tables(), entity=entity, as_of=self.date)
            return open_graph(self.db_path, source, entity=entity, area=area, as_of=self.date)

    def output(self, data: Any, text: Callable[[], None]) -> None:
        """``data`` as JSON with ``--json``, else ``text()`` prints it for people."""
        if self.as_json:
            emit_json(data)
        else:
            text()


def _date(value: str | None) -> str:
    from datetime import date

    if value is None:
        return date.today().isoformat()
    try:
        iso = date.fromisoformat(value).isoformat()
    except ValueError:  # as the rosters write dates: 2026/11/22, 2026年11月22日, 20261122
        from dangjian.loaders.normalize import BadValue, parse_date

        try:
            iso = parse_date(value)
        except BadValue:
            iso = None
        if not isinstance(iso, str):  # unreadable, or a year alone
            raise typer.BadParameter(t("cli.bad_date", value=value), param_hint="--as-of") from None
    if not DATE_RANGE[0] <= iso <= DATE_RANGE[1]:
        raise DangjianError("cli.date_out_of_range", date=iso, lo=DATE_RANGE[0], hi=DATE_RANGE[1])
    return iso


def with_shared(fn: Callable[..., Any], bundles: tuple[str, ...]) -> Callable[..., Any]:
    """``fn(run, **own)`` as a command whose parameters are ``fn``'s own and the options of
    ``bundles``; typer reads the signature made here."""
    hints = typing.get_type_hints(fn, include_extras=True)
    own = [p.replace(annotation=hints.get(p.name, p.annotation))
           for p in list(inspect.signature(fn).parameters.values())[1:]]  # fmt: skip
    shared = {name: (kind, default) for b in bundles for name, kind, default in BUNDLES[b]}
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
             for name, (kind, default) in shared.items()]  # fmt: skip

    def command(**kwargs: Any) -> Any:
        run = Run(**{name: kwargs.pop(name) for name in shared})
        return fn(run, **kwargs)

    command.__name__, command.__doc__, command.__module__ = fn.__name__, fn.__doc__, fn.__module__
    command.__signature__ = inspect.Signature(own + extra)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in own + extra}
    return command


def one_of(value: str | None, choices: typing.Iterable[str], hint: str, labels: str | None = None) -> str | None:
    """``value`` if it is None or one of ``choices``, or the choice whose label (the wording
    ``labels`` + choice, in either language) it is: ``--severity 高`` is ``high``; else a usage error
    on option ``hint``."""
    choices = list(choices)
    if value is None or value in choices:
        return value
    if labels is not None:
        for c in choices:
            if value.strip().lower() in {t(labels + c, lang).lower() for lang in LANGS}:
                return c
    shown = choices if labels is None else [f"{c}（{t(labels + c)}）" for c in choices]
    raise typer.BadParameter(t("cli.use_one_of", choices=", ".join(shown)), param_hint=hint)
