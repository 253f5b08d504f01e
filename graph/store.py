"""The workspace: one SQLite file holding every node and edge with its source.

The nodes and edges are kept as columns, one sub-table per type (:mod:`dangjian.graph.columns`):
a command decodes only the columns it reads. A load writes in one transaction, so a load that
fails half-way leaves the file exactly as it was. The schema version is recorded; a workspace of
another version or format is refused with a clear message. Values are stored as JSON, never
pickled.

>>> from dangjian.graph.store import Workspace
>>> ws = Workspace.open(":memory:", create=True)
>>> ws.counts()["nodes"]
{}
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import secrets
import sqlite3
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from dangjian.graph.columns import FORMAT, Tables
from dangjian.graph.errors import WorkspaceError
from dangjian.graph.explain import workspace_error
from dangjian.graph.schema import model

__all__ = ["Workspace", "NodeRow", "EdgeRow", "DEFAULT_DB", "default_db_path", "read_tables"]

DEFAULT_DB = "dangjian.db"
APP_ID = 0x444A4742  # "DJGB": marks a file as a dangjian workspace

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE segments (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE loads (id INTEGER PRIMARY KEY, at TEXT NOT NULL, files TEXT NOT NULL, summary TEXT NOT NULL);
"""
# made by the first snapshot kept: a workspace of before snapshots opens as it did
_SNAPSHOTS_DDL = """CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, saved TEXT NOT NULL,
as_of TEXT NOT NULL, summary TEXT NOT NULL, data BLOB NOT NULL)"""


def default_db_path() -> Path:
    """``$DANGJIAN_DB`` if set, else ``./dangjian.db``."""
    return Path(os.environ.get("DANGJIAN_DB") or DEFAULT_DB)


def read_tables(path: str | os.PathLike | None = None) -> Tables:
    """The nodes and edges of the workspace at ``path`` (default :func:`default_db_path`) as columns,
    each read from the file when first asked for (the file stays open, read-only, while the columns
    are in use; a load that commits meanwhile makes the next read an error that says so).

    >>> read_tables(":memory:").count("nodes")
    0
    """
    return Workspace.open(path, create=str(path) == ":memory:").tables()


class NodeRow(NamedTuple):
    id: str
    type: str
    name: str
    props: dict[str, Any]
    source: tuple[str, str, int]


class EdgeRow(NamedTuple):
    """An edge as stored. ``owner`` is the node whose roster row made it (its ref column);
    ``link_key`` identifies an edge that is a row of a link roster (a post)."""

    type: str
    src: str
    dst: str
    valid_from: str | None
    valid_to: str | None
    props: dict[str, Any]
    source: tuple[str, str, int]
    owner: str | None = None
    link_key: str | None = None


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
_SORTED = orjson.OPT_SORT_KEYS


def _dumps(obj: Any) -> str:
    """Compact JSON, keys sorted, non-ASCII kept (orjson, faster than the standard
    library; the standard library for what orjson refuses, such as integers beyond 64
    bits)."""
    if not obj:
        return "{}"
    try:
        return orjson.dumps(obj, option=_SORTED).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _ENCODER.encode(obj)


def _loads(text: str) -> Any:
    return orjson.loads(text) if text != "{}" else {}


class Workspace:
    """A dangjian workspace file. Open with :meth:`open` (or :meth:`create_new` for one that
    appears only once complete); use as a context manager to close.

    ``path`` is the workspace's name for messages; ``file`` the file this connection is on (the
    temporary file of :meth:`create_new` until :meth:`publish`). ``readonly``: opened for reading.
    ``on_wait`` and ``lock_timeout`` are what :meth:`write_lock` and :meth:`transaction` use when
    not given theirs: called once when another writer holds the workspace, and how long to wait."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, readonly: bool = False):
        self.conn = conn
        self.path = path
        self.file = path
        self.readonly = readonly
        self.on_wait: Callable[[], None] | None = None
        self.lock_timeout: float = 600.0
        self._target: Path | None = None  # set by create_new: where publish puts the file
        self._tables: Tables | None = None  # the columns, once read
        self._rows: _Rows | None = None  # the rows a transaction is changing

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = False,
             write: bool = False) -> Workspace:  # fmt: skip
        """Open the workspace at ``path`` (default :func:`default_db_path`).

        Without ``create`` or ``write`` the file is opened read-only: reading never creates or
        changes a workspace (a missing or empty file is an error). ``write``: an existing workspace,
        for writing (a read-only file or folder is an error). ``create``: as ``write``, and a missing
        or empty file is made into a new workspace.
        """
        path = str(path) if path is not None else str(default_db_path())
        if path == ":memory:":
            return cls._connect(path, path, "rwc")
        p = Path(path)
        if p.is_dir():
            raise WorkspaceError("workspace.is_folder", path=path)
        if not p.exists():
            if not create:
                raise WorkspaceError("workspace.missing", path=path)
            if not p.parent.exists():
                raise WorkspaceError("workspace.no_folder", path=path, folder=p.parent)
            _check_writable(p, creating=True)
            return cls._connect(path, path, "rwc")
        size = p.stat().st_size
        if size == 0 and not create:
            raise WorkspaceError("workspace.empty_file", path=path)
        if size > 0 and not _is_sqlite(p):
            raise WorkspaceError("workspace.not_sqlite", path=path)
        if create or write:
            _check_writable(p)
            return cls._connect(path, path, "rw")
        return cls._connect(path, path, "ro")

    @classmethod
    def _connect(cls, path: str, name: str, mode: str) -> Workspace:
        """Connect to ``path`` (mode ``ro``, ``rw`` or ``rwc``: SQLite's URI modes) and check or,
        when writable and empty, initialise it."""
        try:
            try:
                conn = _sqlite_connect(path, mode)
                ws = cls(conn, name, readonly=mode == "ro")
                ws._init_or_check()
            except sqlite3.OperationalError as exc:
                # A load killed half-way left a hot journal: a read-only connection cannot roll it
                # back. Open read-write only to let SQLite restore the state before that load (the
                # content is what it was; nothing is written but the undoing), then read-only again.
                if mode != "ro" or getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_READONLY_ROLLBACK:
                    raise
                with contextlib.suppress(NameError):
                    conn.close()
                _recover(path, name)
                conn = _sqlite_connect(path, mode)
                ws = cls(conn, name, readonly=True)
                ws._init_or_check()
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                conn.close()
            known = workspace_error(exc, name)
            if known is not None:
                raise known from None
            raise WorkspaceError("workspace.cannot_open", path=name, detail=exc) from None
        except WorkspaceError:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        return ws

    @classmethod
    def create_new(cls, path: str | os.PathLike) -> Workspace:
        """A new, empty workspace that appears at ``path`` only when :meth:`publish` is called: it is
        built in a hidden temporary file beside ``path`` (``.NAME.PID.new``), so that a process
        killed before then leaves no workspace (and its temporary file is removed by the next
        :meth:`create_new` or :meth:`remove_stale`). :meth:`discard` drops it."""
        target = Path(path)
        if target.is_dir():
            raise WorkspaceError("workspace.is_folder", path=path)
        if not target.parent.exists():
            raise WorkspaceError("workspace.no_folder", path=path, folder=target.parent)
        _check_writable(target, creating=True)
        cls.remove_stale(target)
        n, tmp = 1, _temp_name(target, os.getpid())
        while str(tmp) in _IN_USE:  # another create_new of this process, for the same path
            n += 1
            tmp = _temp_name(target, os.getpid(), n)
        for leftover in (tmp, _journal(tmp)):  # our pid's but not ours: a dead process's
            leftover.unlink(missing_ok=True)
        _IN_USE.add(str(tmp))
        try:
            ws = cls._connect(str(tmp), str(target), "rwc")
        except BaseException:
            _IN_USE.discard(str(tmp))
            tmp.unlink(missing_ok=True)
            raise
        ws.file, ws._target = str(tmp), target
        return ws

    def publish(self) -> bool:
        """Close this workspace of :meth:`create_new` and put it at its path, atomically and never
        over another file: True when it is there; False (and the temporary file removed) when a
        file appeared at that path meanwhile (another load made it: load into that one instead)."""
        if self._target is None:
            raise ValueError("publish() is for a workspace of Workspace.create_new()")
        if self.conn.in_transaction:
            raise RuntimeError("publish() inside a transaction")
        self.conn.close()
        tmp, target = Path(self.file), self._target
        try:
            try:
                os.link(tmp, target)  # fails if target exists: no clobbering
            except FileExistsError:
                return False
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
                    raise
                # no hard links here (FAT, some network shares): a rename, after a last check
                if target.exists() or target.is_symlink():
                    return False
                os.rename(tmp, target)
            _fsync_dir(target.parent)
            self.file, self._target = str(target), None
            return True
        finally:
            tmp.unlink(missing_ok=True)
            _journal(tmp).unlink(missing_ok=True)
            _IN_USE.discard(str(tmp))

    def discard(self) -> None:
        """Close this workspace of :meth:`create_new` and remove its temporary file."""
        with contextlib.suppress(Exception):
            self.conn.close()
        if self._target is not None:
            Path(self.file).unlink(missing_ok=True)
            _journal(Path(self.file)).unlink(missing_ok=True)
            _IN_USE.discard(self.file)
            self._target = None

    @staticmethod
    def remove_stale(path: str | os.PathLike) -> list[Path]:
        """Remove the temporary files that :meth:`create_new` left beside ``path`` in processes that
        are no longer running (a load killed before it finished); the files removed."""
        target = Path(path)
        removed = []
        prefix = f".{target.name}."
        try:
            entries = list(os.scandir(target.parent))
        except OSError:
            return removed
        for entry in entries:
            name = entry.name
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):]
            tag, dot, tail = rest.partition(".")
            pid_text, _, count = tag.partition("-")
            if not dot or tail not in ("new", "new-journal") or not pid_text.isdigit() or not (count or "1").isdigit():
                continue
            pid = int(pid_text)
            mine = str(target.with_name(name[: -len("-journal")] if tail == "new-journal" else name))
            if pid == os.getpid() and mine in _IN_USE or pid != os.getpid() and _alive(pid):
                continue
            with contextlib.suppress(FileNotFoundError, PermissionError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        return removed

    def _init_or_check(self) -> None:
        version = model().version
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            if self.readonly:
                raise WorkspaceError("workspace.no_tables", path=self.path)
            with self.transaction():
                for stmt in filter(str.strip, _DDL.split(";")):
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA application_id={APP_ID}")
                self.conn.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?), ('created', ?), ('id_key', ?), ('format', ?)",
                    (str(version), _now(), secrets.token_hex(16), FORMAT),
                )
            return
        if app_id != APP_ID or "meta" not in tables:
            raise WorkspaceError("workspace.foreign_sqlite", path=self.path)
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        found = int(row[0]) if row else None
        if found != version:
            raise WorkspaceError("workspace.other_version", path=self.path, found=found, version=version)
        row = self.conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if row is None or row[0] != FORMAT or "segments" not in tables:
            raise WorkspaceError("workspace.other_format", path=self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self, on_wait: Callable[[], None] | None = None,
                    timeout: float | None = None) -> Iterator[sqlite3.Connection]:  # fmt: skip
        """All or nothing: commit on success, roll back on any exception. Waits for another writer
        as :meth:`write_lock` does."""
        with self.write_lock(on_wait=on_wait, timeout=timeout) as conn:
            yield conn

    @contextlib.contextmanager
    def write_lock(self, on_wait: Callable[[], None] | None = None,
                   timeout: float | None = None) -> Iterator[sqlite3.Connection]:  # fmt: skip
        """One writer at a time, for the whole of a read-modify-write (a load reads what the
        workspace has, then writes): the write lock is taken first, so a second writer waits
        until the first has committed and then reads its result. ``on_wait`` (default: the
        workspace's ``on_wait``) is called once when another writer holds the lock; ``timeout``
        (default ``lock_timeout``) is how long to wait. Commit on success, roll back on any
        exception. An error of the environment (disk full, read-only file) becomes a
        :class:`WorkspaceError` that says so; the workspace is then as it was."""
        if on_wait is None:
            on_wait = self.on_wait
        if timeout is None:
            timeout = self.lock_timeout
        if self.readonly:
            raise WorkspaceError("workspace.opened_readonly", path=self.path)
        conn = self.conn
        try:
            conn.execute("PRAGMA busy_timeout=0")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                if on_wait is not None:
                    on_wait()
                conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc2:
                    if not _busy(exc2):
                        raise
                    raise WorkspaceError("workspace.busy", path=self.path, seconds=f"{timeout:g}") from None
            finally:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except sqlite3.Error as exc:
            raise self._explained(exc) from None
        self._tables = self._rows = None  # read what the last writer committed
        try:
            yield conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                known = workspace_error(exc, self.path)
                if known is not None:
                    raise known from None
            raise
        try:
            self._flush()
            conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise self._explained(exc) from None
            raise

    def _rollback(self) -> None:
        self._tables = self._rows = None
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _explained(self, exc: sqlite3.Error) -> Exception:
        known = workspace_error(exc, self.path)
        return known if known is not None else exc

    # -- reading -----------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    def tables(self) -> Tables:
        """The nodes and edges as columns (:class:`~dangjian.graph.columns.Tables`), read in one
        statement, decoded column by column as they are asked for; inside a load, what it has
        written so far."""
        if self._rows is not None:
            return Tables(self._rows.encode(), self.path)
        if self._tables is None:
            try:
                version = self._data_version()
                row = self.conn.execute("SELECT data FROM segments WHERE name='catalogue'").fetchone()
            except sqlite3.Error as exc:
                raise self._explained(exc) from None
            self._tables = Tables({"catalogue": row[0]} if row else {}, self.path, self._fetcher(version))
        return self._tables

    def _data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def _fetcher(self, version: int) -> Callable[[str], dict[str, bytes]]:
        """What the columns read their segments with: each column at once, from the state the
        workspace had when they were opened. A load that commits meanwhile (another connection)
        makes the next read an error that says so, never a mix of two states."""
        conn, ws = self.conn, self

        def fetch(name: str) -> dict[str, bytes]:
            try:
                found = dict(conn.execute("SELECT name, data FROM segments WHERE name = ? OR (name >= ? AND name < ?)",
                                          (name, name + "\x1f", name + "\x20")))  # fmt: skip
                changed = ws._data_version() != version  # after the read: nothing committed before it ended
            except sqlite3.Error as exc:
                raise ws._explained(exc) from None
            if changed:
                raise WorkspaceError("workspace.changed", path=ws.path)
            return found

        return fetch

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts of nodes and edges by type."""
        if self._rows is not None:
            return self._rows.counts()
        if self._tables is not None:
            t = self._tables
        else:  # the catalogue alone: no column read
            try:
                row = self.conn.execute("SELECT data FROM segments WHERE name='catalogue'").fetchone()
            except sqlite3.Error as exc:
                raise self._explained(exc) from None
            t = Tables({"catalogue": row[0]} if row else {}, self.path)
        return {table: dict(sorted(t.counts(table).items())) for table in ("nodes", "edges")}

    def node_index(self) -> Iterator[tuple[str, str, str, str | None]]:
        """(id, type, name, area level or None) of every node: what a load resolves against."""
        if self._rows is not None:
            for r, _ in self._rows.nodes.values():
                yield r.id, r.type, r.name, r.props.get("level")
            return
        t = self.tables()
        for type_name in t.types("nodes"):
            col = t.column
            yield from zip(col("nodes", type_name, "id"), itertools.repeat(type_name), col("nodes", type_name, "name"),
                           col("nodes", type_name, "p:level"))  # fmt: skip

    def people_names(self) -> Iterator[str]:
        """The distinct names of the people stored (the schema's person types): what free text is
        checked against before it leaves in an export."""
        people = model().people
        if self._rows is not None:
            names = (r.name for r, _ in self._rows.nodes.values() if r.type in people)
        else:
            t = self.tables()
            names = (n for type_name in t.types("nodes") if type_name in people
                     for n in t.column("nodes", type_name, "name"))  # fmt: skip
        yield from (n for n in dict.fromkeys(names) if n is not None)

    def get_nodes(self, ids: Iterable[str]) -> dict[str, NodeRow]:
        if self._rows is not None:
            rows = self._rows.nodes
            return {i: rows[i][0] for i in ids if i in rows}
        t = self.tables()
        at, out = t.positions(), {}
        for i in ids:
            if i in at:
                type_name, p = at[i]
                props = {k: v for k in t.keys["nodes"].get(type_name, ())
                         if (v := t.cell("nodes", type_name, "p:" + k, p)) is not None}  # fmt: skip
                source = tuple(t.cell("nodes", type_name, c, p) for c in ("src_file", "src_sheet", "src_row"))
                out[i] = NodeRow(i, type_name, t.cell("nodes", type_name, "name", p), props, source)
        return out

    def iter_nodes(self) -> Iterator[NodeRow]:
        if self._rows is not None:
            yield from (r for r, _ in self._rows.nodes.values())
            return
        yield from (r for r, _ in _node_rows(self.tables()))

    def iter_edges(self) -> Iterator[tuple[int, EdgeRow]]:
        for eid, e, _ in self._edge_rows():
            yield eid, e

    def _edge_rows(self) -> Iterator[tuple[int, EdgeRow, int]]:
        if self._rows is not None:
            yield from self._rows.live_edges()
            return
        yield from _edge_rows(self.tables())

    def iter_edges_typed(self) -> Iterator[tuple[int, EdgeRow, str | None, str | None]]:
        """``(edge id, edge, type of its source node, type of its target node)`` for every edge, in
        id order; a type is None when that node is not in the workspace."""
        if self._rows is not None:
            types = {i: r.type for i, (r, _) in self._rows.nodes.items()}
        else:
            t = self.tables()
            types = {}
            for type_name in t.types("nodes"):
                types.update(dict.fromkeys(t.column("nodes", type_name, "id"), type_name))
        for eid, e in self.iter_edges():
            yield eid, e, types.get(e.src), types.get(e.dst)

    def loads(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT id, at, files, summary FROM loads ORDER BY id")
        return [
            {"id": i, "at": at, "files": json.loads(f), "summary": json.loads(s)} for i, at, f, s in rows
        ]

    # -- snapshots (what a later check compares with) ------------------------------------------
    def snapshots(self) -> list[dict[str, Any]]:
        """The snapshots kept in this workspace, in the order saved (one replaced comes last): ``name``, ``saved`` (when),
        ``as_of`` (the date they describe) and ``summary`` (counts)."""
        if not self._has_table("snapshots"):
            return []
        rows = self.conn.execute("SELECT name, saved, as_of, summary FROM snapshots ORDER BY rowid")
        return [{"name": n, "saved": at, "as_of": d, "summary": json.loads(s)} for n, at, d, s in rows]

    def snapshot(self, name: str) -> dict[str, Any]:
        """The data of the snapshot ``name``, with its ``name`` (an error that lists the snapshots kept
        when there is none)."""
        row = None
        if self._has_table("snapshots"):
            row = self.conn.execute("SELECT data FROM snapshots WHERE name=?", (name,)).fetchone()
        if row is None:
            names = "、".join(s["name"] for s in self.snapshots())
            raise WorkspaceError("snapshot.missing" if names else "snapshot.none", name=name, names=names,
                                 path=self.path)  # fmt: skip
        try:
            data = orjson.loads(zlib.decompress(row[0]))
        except (zlib.error, orjson.JSONDecodeError):
            raise WorkspaceError("snapshot.damaged", name=name, path=self.path) from None
        return {**data, "name": name} if type(data) is dict else data

    def put_snapshot(self, name: str, as_of: str, summary: dict[str, Any], data: dict[str, Any], *,
                     replace: bool = False) -> None:  # fmt: skip
        """Keep a snapshot under ``name`` (inside a transaction); one of that name already kept is
        an error unless ``replace``."""
        self._require_transaction()
        self.conn.execute(_SNAPSHOTS_DDL)
        if not replace and self.conn.execute("SELECT 1 FROM snapshots WHERE name=?", (name,)).fetchone():
            raise WorkspaceError("snapshot.exists", name=name)
        self.conn.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                          (name, _now(), as_of, _dumps(summary), zlib.compress(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS), 6)))  # fmt: skip

    def delete_snapshot(self, name: str) -> None:
        """Forget the snapshot ``name`` (inside a transaction)."""
        self._require_transaction()
        self.snapshot(name)  # an error when there is none
        self.conn.execute("DELETE FROM snapshots WHERE name=?", (name,))

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() \
            is not None  # fmt: skip

    # -- writing (inside a transaction) ----------------------------------------------------------
    def begin_load(self, files: list[str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO loads (at, files, summary) VALUES (?, ?, '{}')", (_now(), _dumps(files))
        )
        return int(cur.lastrowid)

    def finish_load(self, load_id: int, summary: dict[str, Any]) -> None:
        self.conn.execute("UPDATE loads SET summary=? WHERE id=?", (_dumps(summary), load_id))

    def _writable(self) -> _Rows:
        """The rows as the transaction changes them (read from the columns on first use)."""
        if self._rows is None:
            self._rows = _Rows(self.tables() if self._has_rows() else None)
        return self._rows

    def _has_rows(self) -> bool:
        return self.conn.execute("SELECT 1 FROM segments LIMIT 1").fetchone() is not None

    def put_nodes(self, rows: Iterable[NodeRow], load_id: int, replacing: Iterable[str] = ()) -> None:
        """Insert or replace nodes (a replaced node moves to the end). The nodes in ``replacing``
        (already stored) lose the edges their old rows made."""
        self._require_transaction()
        self._writable().put_nodes(rows, load_id, replacing)

    def put_edges(self, rows: Iterable[EdgeRow], load_id: int) -> None:
        """Add edges, each with the next id; an edge with the ``link_key`` of a stored one replaces
        it."""
        self._require_transaction()
        self._writable().put_edges(rows, load_id)

    def _require_transaction(self) -> None:
        if not self.conn.in_transaction:
            raise RuntimeError("Workspace writes go inside a transaction()")

    def _flush(self) -> None:
        """Write the changed rows as columns (inside the transaction, before it commits)."""
        if self._rows is None:
            return
        segments = self._rows.encode()
        self.conn.execute("DELETE FROM segments")
        self.conn.executemany("INSERT INTO segments VALUES (?, ?)", segments.items())
        self._rows, self._tables = None, Tables(segments, self.path)

    @property
    def id_key(self) -> bytes:
        """This workspace's secret for ids made from sensitive values (an ID number)."""
        return bytes.fromhex(self.conn.execute("SELECT value FROM meta WHERE key='id_key'").fetchone()[0])

    def link_props(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Properties of the stored link edges (posts) with these keys."""
        if self._rows is not None:
            rows = self._rows
            found = ((k, rows.links.get(k)) for k in keys)
            return {k: rows.edges[at][1].props for k, at in found if at is not None}
        t = self.tables()
        at = {k: (rel, p) for rel in t.types("edges") for p, k in enumerate(t.column("edges", rel, "link_key"))
              if k is not None}  # fmt: skip
        out = {}
        for k in keys:
            if k in at:
                rel, p = at[k]
                out[k] = {key: v for key in t.keys["edges"].get(rel, ())
                          if (v := t.cell("edges", rel, "p:" + key, p)) is not None}  # fmt: skip
        return out


def _node_rows(t: Tables) -> Iterator[tuple[NodeRow, int]]:
    """Every node of the columns as a row, with the load that wrote it, in the order written."""
    cols = {n: (t.column("nodes", n, "id"), t.column("nodes", n, "name"), t.props("nodes", n), t.sources("nodes", n),
                t.column("nodes", n, "load_id"))
            for n in t.types("nodes")}  # fmt: skip
    for type_name, p in t.order("nodes"):
        ids, names, props, sources, lids = cols[type_name]
        yield NodeRow(ids[p], type_name, names[p], props[p], sources[p]), lids[p]


def _edge_rows(t: Tables) -> Iterator[tuple[int, EdgeRow, int]]:
    """Every edge of the columns as (edge id, row, the load that wrote it), in id order."""
    c = t.column
    cols = {n: (c("edges", n, "id"), c("edges", n, "src"), c("edges", n, "dst"), c("edges", n, "valid_from"),
                c("edges", n, "valid_to"), t.props("edges", n), t.sources("edges", n), c("edges", n, "owner"),
                c("edges", n, "link_key"), c("edges", n, "load_id"))
            for n in t.types("edges")}  # fmt: skip
    for type_name, p in t.order("edges"):
        ids, src, dst, vf, vt, props, sources, owner, link, lid = cols[type_name]
        yield ids[p], EdgeRow(type_name, src[p], dst[p], vf[p], vt[p], props[p], sources[p], owner[p], link[p]), lid[p]


class _Rows:
    """Every node and edge as rows, as a load changes them: nodes in the order written (a replaced
    node moves to the end), edges by id, each the next after the highest (as SQLite numbers rows).
    Edges are a list (an edge dropped leaves a hole), indexed by owner only when a node is replaced."""

    def __init__(self, tables: Tables | None):
        self.nodes: dict[str, tuple[NodeRow, int]] = {}
        self.edges: list[tuple[int, EdgeRow, int] | None] = []  # (id, edge, load id), in id order
        self.links: dict[str, int] = {}  # a post's key -> its place in edges
        self._owned: dict[str, list[int]] | None = None  # owner -> the places of its edges
        self.max_id = 0
        if tables is None:
            return
        self.nodes = {r.id: (r, lid) for r, lid in _node_rows(tables)}
        for eid, e, lid in _edge_rows(tables):
            self._add(eid, e, lid)

    @property
    def owned(self) -> dict[str, list[int]]:
        if self._owned is None:
            self._owned = {}
            for i, item in enumerate(self.edges):
                if item is not None and item[1].owner is not None:
                    self._owned.setdefault(item[1].owner, []).append(i)
        return self._owned

    def live_edges(self) -> Iterator[tuple[int, EdgeRow, int]]:
        return (item for item in self.edges if item is not None)

    def _add(self, eid: int, e: EdgeRow, load_id: int) -> None:
        i = len(self.edges)
        self.edges.append((eid, e, load_id))
        if eid > self.max_id:
            self.max_id = eid
        if e.link_key is not None:
            self.links[e.link_key] = i
        if e.owner is not None and self._owned is not None:
            self._owned.setdefault(e.owner, []).append(i)

    def _drop(self, i: int) -> None:
        item = self.edges[i]
        if item is None:
            return
        self.edges[i] = None
        e = item[1]
        if e.link_key is not None and self.links.get(e.link_key) == i:
            del self.links[e.link_key]
        if e.owner is not None and self._owned is not None:
            self._owned[e.owner].remove(i)

    def put_nodes(self, rows: Iterable[NodeRow], load_id: int, replacing: Iterable[str]) -> None:
        replacing = list(replacing)
        dropped = False
        if replacing and self.edges:
            owned = self.owned
            for owner in replacing:
                for i in list(owned.get(owner, ())):
                    self._drop(i)
                    dropped = True
        if dropped:
            self.max_id = max((item[0] for item in self.live_edges()), default=0)
        nodes = self.nodes
        for r in rows:
            nodes.pop(r.id, None)
            nodes[r.id] = (r, load_id)

    def put_edges(self, rows: Iterable[EdgeRow], load_id: int) -> None:
        links = self.links
        for e in rows:
            eid = self.max_id + 1
            if e.link_key is not None and e.link_key in links:
                self._drop(links[e.link_key])
            self._add(eid, e, load_id)

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = Counter(r.type for r, _ in self.nodes.values())
        edges = Counter(e.type for _, e, _ in self.live_edges())
        return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}

    def encode(self) -> dict[str, bytes]:
        return Tables.encode(self.nodes.values(), self.live_edges())


BUSY_TIMEOUT_MS = 5000  # how long a reader waits for a writer's commit


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _uri(path: str, mode: str) -> str:
    return "file:" + urllib.parse.quote(os.path.abspath(path)) + f"?mode={mode}"


def _sqlite_connect(path: str, mode: str) -> sqlite3.Connection:
    if path == ":memory:":
        conn = sqlite3.connect(path, isolation_level=None)
    else:
        conn = sqlite3.connect(_uri(path, mode), uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)  # fmt: skip
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-131072")  # 128 MiB of page cache for big loads
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def _recover(path: str, name: str) -> None:
    """Let SQLite roll back the hot journal of a killed load (the first read does it)."""
    try:
        conn = sqlite3.connect(_uri(path, "rw"), uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise WorkspaceError("workspace.cannot_recover", path=name, detail=exc) from None


def _no_write_bits(p: Path) -> bool:
    return not (p.stat().st_mode & 0o222)


def _check_writable(p: Path, creating: bool = False) -> None:
    """Refuse a workspace that cannot or must not be written: a file or folder that the system
    refuses (read-only mount, immutable, another owner's), or one with no write permission for
    anyone (mode 444, 555), which is refused even for root, who the system would let write."""
    folder = p.parent if str(p.parent) else Path(".")
    if not creating:
        if not os.access(p, os.W_OK) or _no_write_bits(p):
            raise WorkspaceError("workspace.file_readonly", path=p)
    if not os.access(folder, os.W_OK | os.X_OK) or _no_write_bits(folder):
        if creating:
            raise WorkspaceError("workspace.folder_readonly_create", path=p, folder=folder)
        raise WorkspaceError("workspace.folder_readonly", path=p, folder=folder)


_IN_USE: set[str] = set()  # the temporary files of create_new this process is building


def _temp_name(target: Path, pid: int, n: int = 1) -> Path:
    return target.with_name(f".{target.name}.{pid}.new" if n == 1 else f".{target.name}.{pid}-{n}.new")


def _journal(p: Path) -> Path:
    return p.with_name(p.name + "-journal")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process: alive
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _is_sqlite(p: Path) -> bool:
    with open(p, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
