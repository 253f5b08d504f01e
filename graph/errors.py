"""Errors the library raises on purpose. Each owns its wording: it is made from a key of the
wording catalogue and its parameters, and reads in the language in use (the CLI prints it as one
line). A plain text is still accepted, for a message made elsewhere.

>>> from dangjian.wording import using
>>> e = InputError("error.no_such_path", path="x.csv")
>>> str(e)
'x.csv：没有这个文件或文件夹'
>>> with using("en"):
...     str(e)
'x.csv: no such file or folder'
"""

from __future__ import annotations

from typing import Any

from dangjian.wording import Worded, has

__all__ = ["DangjianError", "SchemaError", "WorkspaceError", "InputError"]


class DangjianError(Worded, Exception):
    """Base of every error a user can cause and fix (bad file, wrong workspace, ...)."""

    def __init__(self, key: str = "", /, **params: Any) -> None:
        super().__init__(key)
        if params or has(key):
            self.worded(key, params)

    def __str__(self) -> str:
        return self.text()


class SchemaError(DangjianError):
    """The schema file is inconsistent."""


class WorkspaceError(DangjianError):
    """The workspace file cannot be opened or is of another schema version."""


class InputError(DangjianError):
    """An input file cannot be read at all (wrong format, empty, binary)."""
