"""One line for an error a user can fix: the file it concerns and its cause in plain words, in
Chinese (and English for ``--lang en``).

An error raised on purpose may carry both texts (:func:`localized`); :func:`message` picks one.
Errors of the operating system and of SQLite are explained by their code, so that a full disk, a
read-only file or a locked workspace reads as such and not as an internal error.

>>> import errno
>>> os_error_text(OSError(errno.ENOSPC, "No space left on device", "/x/y.csv"))
'无法写入 /x/y.csv：磁盘空间不足（No space left on device）'
>>> message(localized(ValueError("in English"), "中文", "in English"))
'中文'
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

from dangjian.graph.errors import DangjianError, WorkspaceError

__all__ = ["localized", "message", "os_error_text", "sqlite_error_text", "WriteError", "write_error",
           "workspace_error", "is_disk_full"]  # fmt: skip

_OS_CAUSES = {
    errno.ENOSPC: ("磁盘空间不足", "no space left on the disk"),
    errno.EDQUOT: ("磁盘配额已用完", "disk quota exceeded"),
    errno.EFBIG: ("文件超过允许的大小（磁盘空间或文件大小限制）", "file too large"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("不允许的操作（文件可能被设为不可修改）", "operation not permitted"),
    errno.EROFS: ("文件系统只读", "read-only file system"),
    errno.ENOENT: ("文件或文件夹不存在", "no such file or folder"),
    errno.EISDIR: ("这是一个文件夹", "is a folder"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "not a folder"),
    errno.EEXIST: ("已经存在", "already exists"),
    errno.ENAMETOOLONG: ("文件名太长", "file name too long"),
    errno.EIO: ("磁盘读写出错", "input/output error"),
    errno.EMFILE: ("打开的文件太多", "too many open files"),
    errno.ENOTEMPTY: ("文件夹不是空的", "folder not empty"),
    errno.EBUSY: ("文件正被占用", "resource busy"),
}
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class WriteError(DangjianError, OSError):
    """A file could not be written (disk full, read-only, no permission). Still an ``OSError``, with
    its ``errno``, for callers that catch those."""

    def __str__(self) -> str:
        return getattr(self, "zh", None) or OSError.__str__(self)


def localized(exc: BaseException, zh: str, en: str) -> Any:
    """``exc`` with its Chinese and English texts attached (its ``str`` is unchanged)."""
    exc.zh, exc.en = zh, en  # type: ignore[attr-defined]
    return exc


def message(exc: BaseException, lang: str = "zh") -> str:
    """The one-line text of ``exc`` in ``lang`` (its own text when it carries none)."""
    if isinstance(exc, sqlite3.Error) and not hasattr(exc, "zh"):
        text = sqlite_error_text(exc, None, lang)
    elif isinstance(exc, OSError) and not isinstance(exc, DangjianError) and not hasattr(exc, "zh"):
        text = os_error_text(exc, lang)
    else:
        text = getattr(exc, "en" if lang == "en" else "zh", None) or str(exc) or type(exc).__name__
    return " ".join(text.split("\n")).strip()


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _DISK_FULL
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF == 13  # SQLITE_FULL
    return False


def _cause(exc: OSError, lang: str) -> str:
    zh, en = _OS_CAUSES.get(exc.errno or -1, (None, None))
    detail = exc.strerror or str(exc)
    if lang == "en":
        return en or detail
    return f"{zh}（{detail}）" if zh else detail


def os_error_text(exc: OSError, lang: str = "zh", path: Any = None) -> str:
    """``无法写入 FILE：CAUSE`` for an OSError (``读写`` when it is not known which)."""
    name = exc.filename if exc.filename is not None else path
    writing = exc.errno in _DISK_FULL | {errno.EROFS}
    if lang == "en":
        verb = "cannot write" if writing else "cannot read or write"
        return f"{verb} {name}: {_cause(exc, lang)}" if name is not None else f"{verb}: {_cause(exc, lang)}"
    verb = "无法写入" if writing else "无法读写"
    return f"{verb} {name}：{_cause(exc, lang)}" if name is not None else f"{verb}：{_cause(exc, lang)}"


# SQLite primary result codes (the low byte of the extended code)
_SQLITE_CAUSES = {
    3: ("没有访问权限", "access permission denied"),  # PERM
    5: ("正被另一个程序占用，请稍后再试", "busy: another program is using it; try again later"),  # BUSY
    6: ("正被另一个程序占用，请稍后再试", "locked by another program; try again later"),  # LOCKED
    8: ("只读，无法写入（检查文件和所在文件夹的写权限）", "read-only: cannot write (check the permissions of the "
        "file and its folder)"),  # READONLY
    10: ("读写磁盘出错（磁盘已满、已拔出或损坏？）", "disk I/O error (disk full, removed or failing?)"),  # IOERR
    11: ("文件已损坏", "the file is damaged"),  # CORRUPT
    13: ("磁盘空间不足，导入未完成，工作区保持原样", "no space left on the disk; nothing was changed"),  # FULL
    14: ("无法打开（文件夹只读或不存在？）", "cannot be opened (folder read-only or missing?)"),  # CANTOPEN
    26: ("不是 dangjian 工作区（不是 SQLite 文件）", "not a dangjian workspace (not an SQLite file)"),  # NOTADB
}
ENVIRONMENT_CODES = frozenset(_SQLITE_CAUSES)


def sqlite_error_text(exc: sqlite3.Error, path: Any = None, lang: str = "zh") -> str:
    """One line for an SQLite error on the workspace at ``path``: its cause by result code."""
    code = getattr(exc, "sqlite_errorcode", None)
    zh, en = _SQLITE_CAUSES.get(code & 0xFF if code is not None else -1, (None, None))
    if lang == "en":
        where = f"workspace {path}" if path is not None else "workspace"
        return f"{where}: {en} ({exc})" if en else f"{where}: {exc}"
    where = f"工作区 {path} " if path is not None else "工作区"
    return f"{where}{zh}（{exc}）" if zh else f"{where}出错：{exc}"


def workspace_error(exc: sqlite3.Error, path: Any) -> WorkspaceError | None:
    """A :class:`WorkspaceError` for an SQLite error the environment causes (disk full, read-only,
    locked, damaged); None for any other (a bug, which should not be dressed up)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in ENVIRONMENT_CODES:
        return None
    zh, en = sqlite_error_text(exc, path, "zh"), sqlite_error_text(exc, path, "en")
    return localized(WorkspaceError(zh), zh, en)


def write_error(exc: OSError, path: Any = None, what_zh: str = "", what_en: str = "") -> WriteError:
    """A :class:`WriteError` (one line, with the cause) for an OSError met while writing ``path``."""
    name = path if path is not None else exc.filename
    if exc.errno in _DISK_FULL:
        zh = f"磁盘空间不足，无法写入{what_zh} {name}，未留下不完整的文件（{exc.strerror or exc}）"
        en = f"no space left on the disk: cannot write {what_en or ''} {name}; no partial file left ({exc.strerror or exc})"
    else:
        zh = f"无法写入{what_zh} {name}：{_cause(exc, 'zh')}"
        en = f"cannot write {what_en or ''} {name}: {_cause(exc, 'en')}"
    en = " ".join(en.split())
    # strerror in plain words too, for callers that build their message from it
    err = WriteError(exc.errno, _cause(exc, "zh"), name) if exc.errno is not None else WriteError(zh)
    return localized(err, zh, en)
