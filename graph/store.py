"""The workspace: one SQLite file holding every node and edge with its source.

A load writes in one transaction, so a load that fails half-way leaves the file exactly as it
was. The schema version is recorded; a workspace of another version is refused with a clear
message. Values are stored as JSON, never pickled.

>>> from dangjian.graph.store import Workspace
>>> ws = Workspace.open(":memory:", create=True)
>>> ws.counts()["nodes"]
{}
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from dangjian.graph.errors import WorkspaceError
from dangjian.graph.schema import model

__all__ = ["Workspace", "NodeRow", "EdgeRow", "DEFAULT_DB", "default_db_path"]

DEFAULT_DB = "dangjian.db"
APP_ID = 0x444A4742  # "DJGB": marks a file as a dangjian workspace

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, props TEXT NOT NULL,
    src_file TEXT, src_sheet TEXT, src_row INTEGER, load_id INTEGER
);
CREATE INDEX nodes_type ON nodes(type);
CREATE TABLE edges (
    id INTEGER PRIMARY KEY, type TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,
    valid_from TEXT, valid_to TEXT, props TEXT NOT NULL,
    owner TEXT, link_key TEXT UNIQUE,
    src_file TEXT, src_sheet TEXT, src_row INTEGER, load_id INTEGER
);
CREATE INDEX edges_owner ON edges(owner);
CREATE TABLE loads (id INTEGER PRIMARY KEY, at TEXT NOT NULL, files TEXT NOT NULL, summary TEXT NOT NULL);
"""


def default_db_path() -> Path:
    """``$DANGJIAN_DB`` if set, else ``./dangjian.db``."""
    return Path(os.environ.get("DANGJIAN_DB") or DEFAULT_DB)


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
    """A dangjian workspace file. Open with :meth:`open`; use as a context manager to close."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = False) -> Workspace:
        """Open the workspace at ``path`` (default :func:`default_db_path`).

        With ``create`` a missing file is made; without it a missing file is an error.
        """
        path = str(path) if path is not None else str(default_db_path())
        memory = path == ":memory:"
        if not memory:
            p = Path(path)
            if p.is_dir():
                raise WorkspaceError(f"{path} is a folder, not a workspace file")
            if not p.exists():
                if not create:
                    raise WorkspaceError(f"no workspace at {path}: load rosters first (dangjian load)")
                if not p.parent.exists():
                    raise WorkspaceError(f"cannot create {path}: folder {p.parent} does not exist")
            elif p.stat().st_size > 0 and not _is_sqlite(p):
                raise WorkspaceError(f"{path} is not a dangjian workspace (not an SQLite file)")
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB of page cache for big loads
            conn.execute("PRAGMA foreign_keys=OFF")
            ws = cls(conn, path)
            ws._init_or_check()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"cannot open workspace {path}: {exc}") from None
        return ws

    def _init_or_check(self) -> None:
        version = model().version
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            with self.transaction():
                for stmt in filter(str.strip, _DDL.split(";")):
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA application_id={APP_ID}")
                self.conn.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?), ('created', ?), ('id_key', ?)",
                    (str(version), _now(), secrets.token_hex(16)),
                )
            return
        if app_id != APP_ID or "meta" not in tables:
            raise WorkspaceError(f"{self.path} is an SQLite file but not a dangjian workspace")
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        found = int(row[0]) if row else None
        if found != version:
            raise WorkspaceError(
                f"workspace {self.path} uses schema version {found}; this dangjian uses version "
                f"{version}. Load the rosters into a new workspace (--db NEW.db)."
            )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: commit on success, roll back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def write_lock(self, on_wait: Callable[[], None] | None = None,
                   timeout: float = 600.0) -> Iterator[sqlite3.Connection]:  # fmt: skip
        """One writer at a time, for the whole of a read-modify-write (a load reads what the
        workspace has, then writes): the write lock is taken first, so a second writer waits
        until the first has committed and then reads its result. ``on_wait`` is called once
        when another writer holds the lock. Commit on success, roll back on any exception."""
        conn = self.conn
        conn.execute("PRAGMA busy_timeout=0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if on_wait is not None:
                on_wait()
            conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc2:
                if "locked" not in str(exc2) and "busy" not in str(exc2):
                    raise
                raise WorkspaceError(
                    f"工作区 {self.path} 正被另一个导入占用，等待 {timeout:g} 秒后仍未释放"
                ) from None
        finally:
            conn.execute("PRAGMA busy_timeout=5000")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- reading -----------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts of nodes and edges by type."""
        nodes = dict(self.conn.execute("SELECT type, count(*) FROM nodes GROUP BY type ORDER BY type"))
        edges = dict(self.conn.execute("SELECT type, count(*) FROM edges GROUP BY type ORDER BY type"))
        return {"nodes": nodes, "edges": edges}

    def node_keys(self) -> Iterator[tuple[str, str, str]]:
        """(id, type, name) of every node: what references are resolved against."""
        yield from self.conn.execute("SELECT id, type, name FROM nodes")

    def people_names(self) -> Iterator[str]:
        """The distinct names of the people stored (the node types whose names the schema masks):
        what free text is checked against before it leaves in an export."""
        people = [t for t in model().nodes if model().sensitive(t).get("name") == "mask"]
        marks = ",".join("?" * len(people))
        q = f"SELECT DISTINCT name FROM nodes WHERE type IN ({marks}) AND name IS NOT NULL"
        for (name,) in self.conn.execute(q, people):
            yield name

    def get_nodes(self, ids: Iterable[str]) -> dict[str, NodeRow]:
        out: dict[str, NodeRow] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            q = f"SELECT id, type, name, props, src_file, src_sheet, src_row FROM nodes WHERE id IN ({marks})"
            for r in self.conn.execute(q, chunk):
                out[r[0]] = NodeRow(r[0], r[1], r[2], _loads(r[3]), (r[4], r[5], r[6]))
        return out

    def iter_nodes(self) -> Iterator[NodeRow]:
        q = "SELECT id, type, name, props, src_file, src_sheet, src_row FROM nodes ORDER BY rowid"
        for r in self.conn.execute(q):
            yield NodeRow(r[0], r[1], r[2], _loads(r[3]), (r[4], r[5], r[6]))

    def iter_edges(self) -> Iterator[tuple[int, EdgeRow]]:
        q = (
            "SELECT id, type, src, dst, valid_from, valid_to, props, src_file, src_sheet, src_row, "
            "owner, link_key FROM edges ORDER BY id"
        )
        for r in self.conn.execute(q):
            yield r[0], EdgeRow(
                r[1], r[2], r[3], r[4], r[5], _loads(r[6]), (r[7], r[8], r[9]), r[10], r[11]
            )

    def iter_edges_typed(self) -> Iterator[tuple[int, EdgeRow, str | None, str | None]]:
        """``(edge id, edge, type of its source node, type of its target node)`` for every edge, in
        id order; a type is None when that node is not in the workspace. Joined in SQLite, so the
        memory does not grow with the number of nodes."""
        q = (
            "SELECT e.id, e.type, e.src, e.dst, e.valid_from, e.valid_to, e.props, e.src_file, e.src_sheet, "
            "e.src_row, e.owner, e.link_key, s.type, d.type FROM edges e "
            "LEFT JOIN nodes s ON s.id = e.src LEFT JOIN nodes d ON d.id = e.dst ORDER BY e.id"
        )
        for r in self.conn.execute(q):
            yield r[0], EdgeRow(
                r[1], r[2], r[3], r[4], r[5], _loads(r[6]), (r[7], r[8], r[9]), r[10], r[11]
            ), r[12], r[13]

    def loads(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT id, at, files, summary FROM loads ORDER BY id")
        return [
            {"id": i, "at": at, "files": json.loads(f), "summary": json.loads(s)} for i, at, f, s in rows
        ]

    # -- writing (inside a transaction) ----------------------------------------------------------
    def begin_load(self, files: list[str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO loads (at, files, summary) VALUES (?, ?, '{}')", (_now(), _dumps(files))
        )
        return int(cur.lastrowid)

    def finish_load(self, load_id: int, summary: dict[str, Any]) -> None:
        self.conn.execute("UPDATE loads SET summary=? WHERE id=?", (_dumps(summary), load_id))

    def put_nodes(self, rows: Iterable[NodeRow], load_id: int, replacing: Iterable[str] = ()) -> None:
        """Insert or replace nodes. The nodes in ``replacing`` (already stored) lose the edges
        their old rows made."""
        self.conn.executemany("DELETE FROM edges WHERE owner=?", ((i,) for i in replacing))
        self.conn.executemany(
            "INSERT OR REPLACE INTO nodes VALUES (?,?,?,?,?,?,?,?)",
            ((r.id, r.type, r.name, _dumps(r.props), *r.source, load_id) for r in rows),
        )

    def put_edges(self, rows: Iterable[EdgeRow], load_id: int) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO edges (type, src, dst, valid_from, valid_to, props, owner, link_key,"
            " src_file, src_sheet, src_row, load_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (e.type, e.src, e.dst, e.valid_from, e.valid_to, _dumps(e.props), e.owner, e.link_key,
                 *e.source, load_id)
                for e in rows
            ),
        )  # fmt: skip

    @property
    def id_key(self) -> bytes:
        """This workspace's secret for ids made from sensitive values (an ID number)."""
        return bytes.fromhex(self.conn.execute("SELECT value FROM meta WHERE key='id_key'").fetchone()[0])

    def link_props(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Properties of the stored link edges (posts) with these keys."""
        out: dict[str, dict[str, Any]] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            q = f"SELECT link_key, props FROM edges WHERE link_key IN ({marks})"
            out.update((k, _loads(p)) for k, p in self.conn.execute(q, chunk))
        return out


def _is_sqlite(p: Path) -> bool:
    with open(p, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
