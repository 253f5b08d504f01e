"""One line for an error a user can fix: the file it concerns and its cause in plain words, in
Chinese (and English for ``--lang en``).

An error raised on purpose owns its wording (dangjian.graph.errors); :func:`message` reads it in
the language asked for.
Errors of the operating system and of SQLite are explained by their code, so that a full disk, a
read-only file or a locked workspace reads as such and not as an internal error.

>>> import errno
>>> os_error_text(OSError(errno.ENOSPC, "No space left on device", "/x/y.csv"))
'无法写入 /x/y.csv：磁盘空间不足（No space left on device）'
>>> from dangjian.graph.errors import InputError
>>> message(InputError("error.no_such_path", path="a.csv"), "en")
'a.csv: no such file or folder'
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

from dangjian.graph.errors import DangjianError, WorkspaceError
from dangjian.wording import Later, Worded, has, t

__all__ = ["message", "os_error_text", "sqlite_error_text", "WriteError", "write_error", "workspace_error",
           "is_disk_full"]  # fmt: skip

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class WriteError(DangjianError, OSError):
    """A file could not be written (disk full, read-only, no permission). Still an ``OSError``, with
    its ``errno``, for callers that catch those; its text is the catalogue's."""

    def __init__(self, key: str, errno_: int | None, strerror: str, filename: Any, **params: Any) -> None:
        OSError.__init__(self, errno_, strerror, filename)
        self.worded(key, params)

    def __str__(self) -> str:
        return self.text()


def message(exc: BaseException, lang: str | None = None) -> str:
    """The one-line text of ``exc`` in ``lang`` (default: the language in use)."""
    if isinstance(exc, Worded) and exc.key is not None:
        text = exc.text(lang)
    elif isinstance(exc, sqlite3.Error):
        text = sqlite_error_text(exc, None, lang)
    elif isinstance(exc, OSError) and not isinstance(exc, DangjianError):
        text = os_error_text(exc, lang)
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split("\n")).strip()


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _DISK_FULL
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF == 13  # SQLITE_FULL
    return False


def _cause(exc: OSError) -> Any:
    """The cause of ``exc`` in plain words (its own text in Chinese beside them), read when shown."""
    name = errno.errorcode.get(exc.errno or -1, "")
    detail = exc.strerror or str(exc)
    return Later("error.os.cause", cause=Later(f"os_cause.{name}"), detail=detail) if has(f"os_cause.{name}") \
        else detail


def os_error_text(exc: OSError, lang: str | None = None, path: Any = None) -> str:
    """``无法写入 FILE：CAUSE`` for an OSError (``读写`` when it is not known which)."""
    name = exc.filename if exc.filename is not None else path
    key = "error.os.write" if exc.errno in _DISK_FULL | {errno.EROFS} else "error.os.read_write"
    return t(key if name is not None else key + "_somewhere", lang, name=name, cause=_cause(exc))


# SQLite primary result codes (the low byte of the extended code) the environment causes
_SQLITE_CODES = {3: "PERM", 5: "BUSY", 6: "LOCKED", 8: "READONLY", 10: "IOERR", 11: "CORRUPT", 13: "FULL",
                 14: "CANTOPEN", 26: "NOTADB"}  # fmt: skip
ENVIRONMENT_CODES = frozenset(_SQLITE_CODES)


def sqlite_error_text(exc: sqlite3.Error, path: Any = None, lang: str | None = None) -> str:
    """One line for an SQLite error on the workspace at ``path``: its cause by result code."""
    code = getattr(exc, "sqlite_errorcode", None)
    name = _SQLITE_CODES.get(code & 0xFF if code is not None else -1)
    where = Later("error.sqlite.where_path" if path is not None else "error.sqlite.where", path=path)
    if name is None:
        return t("error.sqlite.other", lang, where=where, detail=exc)
    return t("error.sqlite.known", lang, where=where, cause=Later(f"sqlite_cause.{name}"), detail=exc)


def workspace_error(exc: sqlite3.Error, path: Any) -> WorkspaceError | None:
    """A :class:`WorkspaceError` for an SQLite error the environment causes (disk full, read-only,
    locked, damaged); None for any other (a bug, which should not be dressed up)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in ENVIRONMENT_CODES:
        return None
    return WorkspaceError("error.sqlite.known", where=Later("error.sqlite.where_path", path=path),
                          cause=Later(f"sqlite_cause.{_SQLITE_CODES[code & 0xFF]}"), detail=exc)


def write_error(exc: OSError, path: Any = None, what: str | None = None) -> WriteError:
    """A :class:`WriteError` (one line, with the cause) for an OSError met while writing ``path``;
    ``what`` names what was written (a key of the catalogue's ``written`` section)."""
    name = path if path is not None else exc.filename
    key = "error.disk_full_write" if exc.errno in _DISK_FULL else "error.cannot_write"
    params = {"name": name, "cause": _cause(exc), "detail": exc.strerror or exc}
    if what is not None:
        key, params["what"] = key + "_what", Later(f"written.{what}")
    return WriteError(key, exc.errno, str(_cause(exc)), name, **params)
