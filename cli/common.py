"""What every command shares: the app and how a command is registered, option types, errors as
one line, the backend choice, dates. (What the commands print is in cli/output.py; the language
and help of a run in cli/shell.py.)

>>> _date("2026-11-30")
'2026-11-30'
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from pathlib import Path
from typing import Annotated, Any

import typer

from dangjian.cli.output import err, quiet_stdout
from dangjian.cli.shell import Command, Group
from dangjian.graph import DangjianError, Workspace, default_db_path
from dangjian.graph.explain import message
from dangjian.wording import LANGS, t

app = typer.Typer(
    name="dangjian",
    help="help.app",
    cls=Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def command(name: str | None = None, *, on: typer.Typer | None = None):
    """Register a command on ``app`` (or ``on``): its help is the catalogue's ``help.cmd.NAME``, its
    errors one line (:func:`handles_errors`)."""

    def register(fn):
        cmd = name or fn.__name__
        key = f"help.cmd.{cmd if on is None else 'neo4j_' + cmd}"
        return (on or app).command(cmd, cls=Command, help=key)(handles_errors(fn))

    return register


# The options many commands share; their help is the catalogue's help.opt.* in the run's language.
DbOpt = Annotated[Path | None, typer.Option("--db", envvar="DANGJIAN_DB", help="help.opt.db", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="help.opt.json")]
LangOpt = Annotated[str, typer.Option("--lang", envvar="DANGJIAN_LANG", help="help.opt.lang")]
BackendOpt = Annotated[str, typer.Option("--backend", help="help.opt.backend")]
UriOpt = Annotated[str | None, typer.Option("--uri", envvar="NEO4J_URI", show_default=False, help="help.opt.uri")]
DatabaseOpt = Annotated[str, typer.Option("--database", envvar="NEO4J_DATABASE", help="help.opt.database")]
ShardOpt = Annotated[str, typer.Option("--shard-level", help="help.opt.shard_level")]
ShardSizeOpt = Annotated[int, typer.Option("--shard-size", min=0, help="help.opt.shard_size")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="help.opt.as_of", show_default=False)]
AreaOpt = Annotated[str | None, typer.Option("--area", help="help.opt.area", show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="help.opt.config", show_default=False)]
RejectsOpt = Annotated[Path | None, typer.Option("--rejects", help="help.opt.rejects", show_default=False)]
StrictOpt = Annotated[bool, typer.Option("--strict", help="help.opt.strict")]


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise typer.BadParameter(t("cli.use_zh_en"), param_hint="--lang")
    return lang


def _fail(exc: BaseException) -> None:
    """One line on stderr for an error the user can fix: its text in the language of the run (its
    cause, for an error of the system or of SQLite)."""
    err.print(t("cli.error_line", message=message(exc)), markup=False)


def handles_errors(fn):
    """Turn the library's errors, and the system's (disk full, no permission, a locked or damaged
    workspace), into one line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:
            quiet_stdout()
            raise typer.Exit(1) from None
        except (DangjianError, OSError, sqlite3.Error) as exc:
            _fail(exc)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print(t("cli.interrupted"))
            raise typer.Exit(130) from None

    return wrapper


@contextlib.contextmanager
def _neo4j(uri: str | None, database: str):
    """A connection to Neo4j; the user and password from the environment, else asked for."""
    from dangjian.graph.neo4j_store import connect

    if not uri:
        raise typer.BadParameter(t("cli.give_uri"), param_hint="--uri")
    user = os.environ.get("NEO4J_USERNAME") or os.environ.get("NEO4J_USER")
    if not user:
        user = typer.prompt(t("cli.neo4j_user"), default="neo4j", err=True)
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        password = typer.prompt(t("cli.neo4j_password", user=user), hide_input=True, err=True)
    store = connect(uri, user, password, database)
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def _source(backend: str, uri: str | None, database: str):
    """None for the embedded backend, else a shard source over Neo4j."""
    if backend == "embedded":
        yield None
    elif backend == "neo4j":
        from dangjian.graph.neo4j_store import Neo4jSource

        with _neo4j(uri, database) as store:
            yield Neo4jSource(store)
    else:
        raise typer.BadParameter(t("cli.use_backend"), param_hint="--backend")


def _graph_for(backend: str, uri: str | None, database: str, db: Path | None, *, entity: str | None = None,
               area: str | None = None, as_of: str | None = None):  # fmt: skip
    """(the graph a command reads, the id its target resolves to or None): the workspace's whole
    graph (the command resolves the target in it), or from Neo4j the shard that describes ``entity``
    (its community) or holds ``area``."""
    with _source(backend, uri, database) as source:
        if source is None:
            return _graph(db), None
        from dangjian.queries.sharded import pull_area, pull_entity

        return pull_entity(source, entity, as_of) if entity is not None else pull_area(source, area)


def _graph(db: Path | None):
    from dangjian.graph import to_networkx

    with Workspace.open(db or default_db_path()) as ws:
        return to_networkx(ws)


FINDING_COLUMNS = ["severity", "rule", "title", "entity", "entity_type", "name", "area_path", "facts", "action", "cite"]


DATE_RANGE = ("1900-01-01", "2100-12-31")  # the dates the rules' arithmetic (terms, months) can handle


def _date(value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return date.today().isoformat()
    try:
        iso = date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(t("cli.bad_date", value=value), param_hint="--as-of") from None
    if not DATE_RANGE[0] <= iso <= DATE_RANGE[1]:
        raise DangjianError("cli.date_out_of_range", date=iso, lo=DATE_RANGE[0], hi=DATE_RANGE[1])
    return iso





