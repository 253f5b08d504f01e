"""What every command shares: the app, how a command is registered, errors as one line. (The
shared options are in cli/options.py, what the commands print in cli/output.py, the language and
help of a run in cli/shell.py.)

>>> from dangjian.cli.main import app
>>> sorted(c.name for c in app.registered_commands)[:3]
['diff', 'find', 'gaps']
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Annotated, Any

import typer

from dangjian.cli.options import with_shared
from dangjian.cli.output import err, quiet_stdout
from dangjian.cli.shell import Command, Group
from dangjian.graph import DangjianError
from dangjian.graph.explain import message
from dangjian.wording import t

app = typer.Typer(
    name="dangjian",
    help="help.app",
    cls=Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("dangjian")
        except PackageNotFoundError:  # run from a tree that is not installed
            found = "?"
        typer.echo(f"dangjian {found}")
        raise typer.Exit(0)


@app.callback()
def _top(
    show_version: Annotated[bool, typer.Option("--version", help="help.opt.version", callback=_version,
                                               is_eager=True)] = False,  # fmt: skip
) -> None:
    """help.app"""


def command(name: str | None = None, *, on: typer.Typer | None = None, shared: tuple[str, ...] = ()):
    """Register a command on ``app`` (or ``on``): its help is the catalogue's ``help.cmd.NAME``, its
    errors one line (:func:`handles_errors`); with ``shared``, it takes those option bundles
    (:data:`~dangjian.cli.options.BUNDLES`) as its first argument, a :class:`~dangjian.cli.options.Run`."""

    def register(fn):
        cmd = name or fn.__name__
        key = f"help.cmd.{cmd if on is None else on.info.name + '_' + cmd}"  # a group's: help.cmd.neo4j_push
        body = with_shared(fn, shared) if shared else fn
        return (on or app).command(cmd, cls=Command, help=key)(handles_errors(body))

    return register


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
