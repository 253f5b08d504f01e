"""The ``dangjian`` command: a thin face over the library. Each command calls one library function
and only turns its errors into one-line messages with a non-zero exit. The commands live by subject
(load, gaps, explore, view, neo4j) over what cli/common.py shares; importing them registers them."""

from __future__ import annotations

import importlib
import sqlite3
import sys

from dangjian.cli.common import _fail, app
from dangjian.cli.output import err, quiet_stdout
from dangjian.cli.shell import lang_in
from dangjian.graph import DangjianError
from dangjian.graph.safe import printable
from dangjian.wording import t, using

__all__ = ["app", "main"]

for _subject in ("load", "gaps", "report", "changes", "suggest", "explore", "view", "neo4j"):  # each registers its commands, in this order
    importlib.import_module(f"dangjian.cli.{_subject}")


def main() -> None:
    """Console entry point: anything unexpected still ends in one line, not a traceback. An error of
    the system (disk full, no permission) or of SQLite that no command turned into its message is
    still told by its cause, with exit code 1; only a bug is an internal error (70)."""
    with using(lang_in(sys.argv[1:])):
        try:
            app()
        except BrokenPipeError:
            quiet_stdout()
            sys.exit(1)
        except (DangjianError, OSError, sqlite3.Error) as exc:
            _fail(exc)
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - last resort for the user's terminal
            err.print(t("cli.internal_error", kind=type(exc).__name__, detail=printable(str(exc), newlines=False)),
                      markup=False)
            sys.exit(70)
