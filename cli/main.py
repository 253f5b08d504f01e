"""The ``dangjian`` command: a thin face over the library. Each command calls one library function
and only turns its errors into one-line messages with a non-zero exit. The commands live by subject
(load, gaps, explore, view, neo4j) over what cli/common.py shares; importing them registers them."""

from __future__ import annotations

import importlib
import sqlite3
import sys

from dangjian.cli.common import _fail, _quiet_stdout, app, err
from dangjian.graph import DangjianError
from dangjian.graph.safe import printable

__all__ = ["app", "main", "WAIT_MESSAGE"]

for _subject in ("load", "gaps", "explore", "view", "neo4j"):  # each registers its commands, in this order
    importlib.import_module(f"dangjian.cli.{_subject}")
WAIT_MESSAGE = importlib.import_module("dangjian.cli.load").WAIT_MESSAGE


def main() -> None:
    """Console entry point: anything unexpected still ends in one line, not a traceback. An error of
    the system (disk full, no permission) or of SQLite that no command turned into its message is
    still told by its cause, with exit code 1; only a bug is an internal error (70)."""
    lang = "en" if _lang_of(sys.argv[1:]) == "en" else "zh"
    try:
        app()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(1)
    except (DangjianError, OSError, sqlite3.Error) as exc:
        _fail(exc, lang)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort for the user's terminal
        err.print(f"internal error: {type(exc).__name__}: {printable(str(exc), newlines=False)}", markup=False)
        sys.exit(70)


def _lang_of(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None

