"""Shards: pulled area by area, the rules give exactly the whole graph's findings, and each shard is
a bounded part of the graph. The source here is the embedded graph; the Neo4j source answers the
same four questions (tests/test_neo4j.py runs it against a real server when NEO4J_URI is set)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dangjian.graph import Workspace, to_networkx
from dangjian.graph.errors import InputError
from dangjian.graph.shards import EmbeddedSource, iter_shards, pull_shard, shard_groups, shard_roots
from dangjian.loaders import load_paths
from dangjian.loaders.divisions import shipped_divisions
from dangjian.queries import run_rules
from dangjian.queries.explore import describe
from dangjian.queries.lookup import NotFound, resolve
from dangjian.queries.sharded import pull_area, pull_entity, resolve_in, run_rules_sharded
from dangjian.queries.stats import area_stats
from dangjian.synth import PLANTED_RULES, PRESETS, synthesize, write_plan

from view_graphs import hostile_graph

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = "2026-11-22"


def _load(tmp: Path, *paths: Path):
    with Workspace.open(tmp / "x.db", create=True) as ws:
        load_paths(ws, list(paths))
        return to_networkx(ws)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """古城区 (530702) with the lijiang layer, gaps planted often: every rule, 12 streets and townships."""
    tmp = tmp_path_factory.mktemp("city")
    lijiang = PRESETS["lijiang"]
    preset = dataclasses.replace(lijiang, gaps={r: max(rate, 0.12) for r, rate in lijiang.gaps.items()})
    plan = synthesize(shipped_divisions(), "530702", preset, seed=5, as_of=AS_OF)
    write_plan(plan, tmp / "rosters")
    return _load(tmp, tmp / "rosters")


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ex")
    return _load(tmp, EXAMPLES / "xianghe", EXAMPLES / "messy")


@pytest.mark.parametrize(("level", "size"), [("street", 0), ("street", 3000), ("street", 10**9), ("district", 0)])
def test_sharded_findings_equal_the_whole_graphs(city, level, size):
    """Whatever the level and however many areas a pull takes (one, some, all)."""
    whole = run_rules(city, as_of=AS_OF)
    assert {f.rule for f in whole} >= set(PLANTED_RULES)  # every rule has something to find
    assert run_rules_sharded(EmbeddedSource(city), level=level, size=size, as_of=AS_OF) == whole


def test_shard_groups_follow_the_weights(city):
    src = EmbeddedSource(city)
    roots = shard_roots(src)
    weights = src.weights(roots)
    assert all(w > 0 for w in weights.values())
    size = sum(weights.values()) // 3
    groups = shard_groups(src, roots, size)
    assert [r for g in groups for r in g] == roots and 3 <= len(groups) < len(roots)
    assert all(sum(weights[r] for r in g) <= size or len(g) == 1 for g in groups)  # a run ends before it outgrows
    assert shard_groups(src, roots, 0) == [[r] for r in roots] and shard_groups(src, roots, 10**9) == [roots]


def test_a_shard_released_is_freed_at_once(city):
    import gc
    import weakref

    shard = next(iter_shards(EmbeddedSource(city)))
    run_rules(shard.graph, as_of=AS_OF)  # the rules make networkx cache views that refer to the graph
    gone = weakref.ref(shard.graph)
    gc.disable()
    try:
        shard.release()
        del shard
        assert gone() is None  # freed by reference counting, no collector needed
    finally:
        gc.enable()


def test_sharded_examples_and_hostile_graphs(examples):
    for g in (examples, hostile_graph()):
        assert run_rules_sharded(EmbeddedSource(g), as_of=AS_OF) == run_rules(g, as_of=AS_OF)


def test_sharded_options_pass_through(city):
    src = EmbeddedSource(city)
    opts = {"as_of": "2025-01-01", "min_severity": "medium", "lang": "en",
            "config": {"community-few-partners": {"min_partners": 3}}}  # fmt: skip
    assert run_rules_sharded(src, **opts) == run_rules(city, **opts)
    street = next(a for a, d in city.nodes(data=True) if d.get("level") == "street")
    assert run_rules_sharded(src, area=street, as_of=AS_OF) == run_rules(city, area=street, as_of=AS_OF)


def test_every_entity_is_owned_and_shards_are_bounded(city):
    shards = list(iter_shards(EmbeddedSource(city)))
    owned = set().union(*(s.owned for s in shards))
    assert owned == set(city.nodes)
    n = city.number_of_nodes()
    streets = shards[:-1]
    assert len(streets) >= 10
    for s in streets:  # a street's shard: what it owns and a thin context, far from the whole
        assert len(s.owned) <= s.graph.number_of_nodes() <= 1.5 * len(s.owned) + 60
        assert s.graph.number_of_nodes() < n / 3
    assert shards[-1].name == "rest" and shards[-1].graph.number_of_nodes() < 50  # city, district, top orgs


def test_pull_is_a_subgraph_with_the_same_attributes(city):
    street = sorted(a for a, d in city.nodes(data=True) if d.get("level") == "street")[0]
    shard = pull_shard(EmbeddedSource(city), [street])
    for n, d in shard.graph.nodes(data=True):
        assert d == city.nodes[n]
    for u, v, k, d in shard.graph.edges(keys=True, data=True):
        assert city.edges[u, v, k] == d


def test_stats_and_descriptions_from_shards(city):
    src = EmbeddedSource(city)
    district = next(a for a, d in city.nodes(data=True) if d.get("level") == "district")
    street = sorted(a for a, d in city.nodes(data=True) if d.get("level") == "street")[0]
    for area in (district, street):
        g, root = pull_area(src, area)
        assert root == area and area_stats(g, area, as_of=AS_OF) == area_stats(city, area, as_of=AS_OF)
    for n in ("M000010", "O000020", street):
        g, found = pull_entity(src, n)
        assert found == n and describe(g, n, as_of=AS_OF) == describe(city, n, as_of=AS_OF)


def _resolved(g, text, types):
    """What resolve answers on ``g``: the id, or the error's wording and candidates."""
    try:
        return resolve(g, text, types)
    except NotFound as exc:
        return str(exc), exc.candidates


def _resolved_in(src, text, types):
    try:
        return resolve_in(src, text, types)
    except NotFound as exc:
        return str(exc), exc.candidates


def test_an_embedded_source_resolves_as_the_graph_does(examples):
    """Found, ambiguous, or not found with the same near names: the embedded source answers a lookup
    with its whole graph."""
    twice = examples.copy()  # two areas named 祥云社区
    twice.add_node("X-AREA", type="Area", name="祥云社区", level="community")
    names = sorted({str(d["name"]) for _, d in examples.nodes(data=True) if d.get("name")})[:40]
    texts = ["祥云社区", "祥云社区居委会", " 祥云社区 ", "祥云社", "义和居委会", "nope", "M000010", *names,
             *(n[:-1] for n in names if len(n) > 2)]  # fmt: skip
    seen = set()
    for g in (examples, twice):
        for text in texts:
            for types in (None, ["Area"], ["PartyOrg", "Unit"]):
                want = _resolved(g, text, types)
                assert _resolved_in(EmbeddedSource(g), text, types) == want, (text, types)
                seen.add("found" if isinstance(want, str) else "ambiguous" if "个实体" in want[0] else "none")
    assert seen == {"found", "ambiguous", "none"}


def test_a_missing_root_is_a_clear_error(city):
    with pytest.raises(InputError, match="没有可读取的区域"):
        pull_shard(EmbeddedSource(city), ["nope"])
    with pytest.raises(InputError, match="street 或 district"):
        run_rules_sharded(EmbeddedSource(city), level="grid")
