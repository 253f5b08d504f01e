"""The same queries over a graph pulled shard by shard (:mod:`dangjian.graph.shards`): the rules,
statistics and descriptions of the embedded backend, run unchanged on each shard's subgraph, so a
database too big for memory (Neo4j) is audited one street or district at a time.

>>> import networkx as nx
>>> from dangjian.graph.shards import EmbeddedSource
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> _ = g.add_edge("s", "c", 1, type="CONTAINS")
>>> sorted(f.rule for f in run_rules_sharded(EmbeddedSource(g), as_of="2026-11-22", min_severity="high"))
['community-without-org', 'street-without-working-committee']
"""

from __future__ import annotations

import functools
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.privacy import NameGuard
from dangjian.graph.roles import AREA
from dangjian.graph.shards import (
    DEFAULT_SHARD_SIZE,
    GraphSource,
    Shard,
    TablesSource,
    pull_around,
    pull_rest,
    pull_shard,
    shard_groups,
    shard_levels,
    shard_roots,
)
from dangjian.queries.findings import Finding
from dangjian.queries.index import COMMUNITY_LEVELS, GraphIndex
from dangjian.queries.lookup import name_stem, resolve
from dangjian.queries.ranking import rank_findings, sort_findings
from dangjian.queries.run import run_rules

__all__ = ["run_rules_sharded", "resolve_in", "open_graph", "pull_area", "pull_entity"]


def resolve_in(source: GraphSource, text: str, types: Iterable[str] | None = None) -> str:
    """The id ``text`` names in the source, as :func:`~dangjian.queries.lookup.resolve` finds it
    (among the source's :meth:`~dangjian.graph.shards.GraphSource.candidates` for ``text`` and its
    stem: 义和居委会 is found as 义和…; an embedded source answers with its whole graph)."""
    key = text.strip()
    return resolve(source.candidates([key, name_stem(key)]), text, types)


def run_rules_sharded(source: GraphSource, *, level: str = "street", area: str | None = None,
                      size: int = DEFAULT_SHARD_SIZE, progress: Callable[[str, int, int], None] | None = None,
                      **options: Any) -> list[Finding]:  # fmt: skip
    """:func:`~dangjian.queries.run.run_rules` over every shard at ``level`` (areas of that
    level pulled together in runs of about ``size``, see :func:`~dangjian.graph.shards.shard_groups`;
    0: one area a shard), or over the shard of ``area`` alone, keeping each shard's findings about
    what it owns. ``options``: ``as_of``, ``config``, ``rules``, ``min_severity``, ``lang``. The
    findings equal those of the whole graph, whatever ``level`` and ``size``."""
    shard_levels(level)  # checks the level
    if area is not None:
        root = resolve_in(source, area, [AREA])
        shards: Iterable[Shard] = [pull_shard(source, [root], root)]
        total = 1
    else:
        roots = shard_roots(source, level)
        groups = shard_groups(source, roots, size)
        pulls = [functools.partial(pull_shard, source, g, ",".join(g)) for g in groups]
        shards = _pulled([*pulls, functools.partial(pull_rest, source, level)], source.concurrent)
        total = len(groups) + 1
    found: dict[tuple[str, str], Finding] = {}
    guard = NameGuard(source.people_names())  # a member's name inside a unit's: masked in every shard alike
    _run(shards, found, total, root if area is not None else None, progress, options, guard)
    return sort_findings(rank_findings(list(found.values())))


def _run(shards: Iterable[Shard], found: dict[tuple[str, str], Finding], total: int, area: str | None,
         progress: Callable[[str, int, int], None] | None, options: dict[str, Any], guard: NameGuard) -> None:  # fmt: skip
    for i, shard in enumerate(shards, start=1):
        ix = GraphIndex(shard.graph, options.get("as_of"))
        ix.use_guard(guard)
        for f in run_rules(shard.graph, area=area, index=ix, **options):
            if f.entity in shard.owned:
                found.setdefault((f.rule, f.entity), f)
        shard.release()
        if progress:
            progress("shards", i, total)


def _pulled(pulls: list[Callable[[], Shard]], workers: int) -> Iterator[Shard]:
    """The shards of ``pulls`` in order, ``workers`` of them pulled at once (a source that waits on a
    server, so that one pull's waiting is another's work): at most that many held at a time."""
    if workers <= 1:
        yield from (pull() for pull in pulls)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="dangjian-pull") as pool:
        ahead: deque = deque()
        todo = iter(pulls)
        for pull in itertools.islice(todo, workers):
            ahead.append(pool.submit(pull))
        try:
            while ahead:
                shard = ahead.popleft().result()
                nxt = next(todo, None)
                if nxt is not None:
                    ahead.append(pool.submit(nxt))
                yield shard
        finally:
            for f in ahead:
                f.cancel()


def pull_area(source: GraphSource, area: str | None = None) -> tuple[nx.MultiDiGraph, str | None]:
    """(the graph of ``area``'s shard, its id); with no area, the graph under every top area."""
    if area is None:
        orphans = source.nodes(source.orphan_ids())
        tops = [a for a, d in orphans.items() if d.get("type") == AREA]
        return (pull_shard(source, sorted(tops), "all").graph if tops else nx.MultiDiGraph()), None
    root = resolve_in(source, area, [AREA])
    return pull_shard(source, [root], root).graph, root


def open_graph(db: Any = None, source: GraphSource | None = None, *, entity: str | None = None,
               area: str | None = None, as_of=None) -> tuple[nx.MultiDiGraph | Tables, str | None]:  # fmt: skip
    """(the graph a question reads, the id its target resolves to or None), on either backend: the
    shard that describes ``entity`` (its community, :func:`pull_entity`), from ``source`` or with no
    source from the workspace at ``db`` (a path, default ./dangjian.db, or its columns already
    read); else from ``source`` the shard
    that holds ``area`` (:func:`pull_area`); else the workspace's columns, whole (what the rules,
    figures and views read; the caller resolves its target in them)."""
    if source is None:
        from dangjian.graph.store import read_tables

        tables = db if isinstance(db, Tables) else read_tables(db)
        if entity is None:
            return tables, None
        source = TablesSource(tables)
    return pull_entity(source, entity, as_of) if entity is not None else pull_area(source, area)


def pull_entity(source: GraphSource, text: str, as_of=None) -> tuple[nx.MultiDiGraph, str]:
    """(a graph holding everything the description of ``text`` on ``as_of`` reads, its id): the
    shard of its community when it has one, else the entity with its context."""
    n = resolve_in(source, text)
    around = pull_around(source, [n])
    ix = GraphIndex(around.graph, as_of)
    community = ix.community_of(n)
    if community is not None and around.graph.nodes[community].get("level") in COMMUNITY_LEVELS:
        shard = pull_shard(source, [community], community)
        if n in shard.owned:
            return shard.graph, n
    return around.graph, n
