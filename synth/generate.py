"""Synthetic Party-building data over real areas, written as the very roster files the loaders read,
with gaps planted at known places and a ground-truth file listing every finding they must cause.

The areas are official (:mod:`dangjian.loaders.divisions`); everything else is made up: people's
names from common surnames and given-name characters, unit names from common patterns, ID numbers
with valid check digits. The same preset, scale and seed give the same files.

Away from the planted gaps the data satisfies every rule: each street has a working committee; each
community an organization (a committee once it has 100 members or more) with a secretary, a
liaison leader of its own, a venue and funds above standard, and at least two partner units under
agreements in force; each grid a grid leader and a compound whose branch (3 to 50 members, a committee
from 7 formal members) is anchored there; a working committee's part-time members work at resident
units; in-service members have reported to their community; terms run for more than six
months yet. Each planted gap breaks one thing, and the ground truth lists the findings it causes.

At the size of a preset's report (``communities=Report.communities``) the statistics equal the report's
figures: exact quotas (largest remainders, sampling without replacement) replace the draws wherever the
report gives a figure, and gaps that would change its totals are accounted in them. What the report's
own structure implies is in the ground truth too: general branches of 100 members or more. (Township
committees, whose county committee the rosters leave out, are top organizations like working
committees: org-without-superior leaves them be.)

>>> from dangjian.loaders.divisions import shipped_divisions
>>> plan = synthesize(shipped_divisions(), "530702003", "lijiang", seed=1, as_of="2026-11-22")
>>> plan.counts()["Area"] > 6, all(rule in PLANTED_RULES for rule, _ in plan.truth)
(True, True)
"""

from __future__ import annotations

import csv
import heapq
import itertools
import json
import math
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dangjian.graph.errors import InputError
from dangjian.graph.fileio import atomic_write_text
from dangjian.graph.roles import (
    ACTIVITY,
    AGREEMENT,
    AREA,
    EVALUATION,
    MATTER,
    MEMBER,
    ORG,
    PERSON,
    UNIT,
    VOLUNTEER_TEAM,
)
from dangjian.graph.schema import model
from dangjian.loaders.divisions import division_rows
from dangjian.loaders.normalize import id_check_digit

__all__ = ["PRESETS", "Preset", "Report", "Plan", "synthesize", "choose", "write_plan", "PLANTED_RULES",
           "COLUMNS", "roster_headers"]


@dataclass(frozen=True)
class Report:
    """The figures of a work report, which ``synthesize(..., communities=communities)`` reproduces exactly
    (None: not reproduced, drawn as usual)."""

    communities: int
    streets: tuple[int, int] | None = None  # (streets, communities under them); the others under townships
    with_org: int | None = None  # communities with an organization
    orgs: dict[str, int] | None = None  # community-level organizations by kind (working_committee, ...)
    members: int | None = None  # directly managed members
    in_service: int | None = None  # in-service members living in the communities
    reported: int | None = None  # ... of whom reported there
    mobile: int | None = None
    ages: tuple[int, int, int] | None = None  # under 35, 35-60, over 60
    college: int | None = None
    two_new: tuple[int, int] | None = None  # 两新 units eligible for an organization, and with one
    venue_under: int | None = None  # communities with a venue under standard
    first_secretaries: bool = False  # every community has a first secretary
    units_reported: tuple[int, int] | None = None  # resident units with in-service members reported, and those members
    grid_leaders: int | None = None
    liaison_leaders: int | None = None  # people, each the liaison leader of a community
    meetings: int | None = None  # joint meetings held
    matters_settled: int | None = None
    teams: int | None = None  # volunteer teams
    shared_venues: int | None = None  # venues resident units share with residents
    venue_m2: int | None = None  # the communities' venues, in all
    own_orgs: dict[str, int] | None = None  # communities by the kind of their own organization (成都's count)


@dataclass(frozen=True)
class Preset:
    """Per-community figures (scaled by ``scale``) and the share of places where each gap is planted."""

    members: int  # members per community
    units: tuple[int, int]  # partner units with their own branch, per community
    grids: tuple[int, int]
    situations: dict[str, float]  # shares of members by situation
    ages: tuple[float, float, float]  # under 35, 35-60, over 60
    college: float
    female: float
    gaps: dict[str, float] = field(default_factory=dict)  # rule id -> share of candidates
    report: Report | None = None  # the report's figures, reproduced over that many communities
    buildings: tuple[int, int] | None = None  # buildings with a group (楼栋党小组) in each compound with a branch


_COMMON_GAPS = {
    "community-without-org": 0.04, "member-not-reported": 0.05, "venue-under-standard": 0.08,
    "funds-under-standard": 0.05, "community-no-liaison": 0.05, "grid-without-group": 0.05,
    "term-overdue": 0.03, "term-ending-soon": 0.03, "org-without-secretary": 0.03, "lost-contact": 0.005,
    "agreement-expired": 0.05, "branch-too-small": 0.03, "needs-committee": 0.05,
    "unit-needs-own-branch": 0.05, "small-unit-uncovered": 0.05, "two-new-unit-no-coverage": 0.05,
    "unit-org-no-agreement": 0.04, "community-single-partner": 0.04, "community-few-partners": 0.04,
    "org-without-superior": 0.02, "residence-without-group": 0.05, "member-without-org": 0.003,
    "large-org-not-committee": 0.05, "leadership-cycle": 0.02, "street-without-working-committee": 0.05,
    "mobile-member-unattached": 0.01, "joint-branch-too-many-units": 0.02, "branch-too-large": 0.02,
    "grid-without-leader": 0.04, "person-many-communities": 0.03, "part-time-member-not-from-unit": 0.1,
    "partner-unit-inactive": 0.04, "reported-member-inactive": 0.01, "agreement-no-activity": 0.04,
    "joint-meeting-overdue": 0.04, "matter-overdue": 0.1, "reported-member-not-evaluated": 0.01,
}  # fmt: skip
#: the rules a preset plants (all but community-no-first-secretary, which only a config turns on)
PLANTED_RULES = tuple(sorted(_COMMON_GAPS))

PRESETS = {
    # 丽江市 2011: 4,995 members in 49 communities; 1,262 of 2,320 unit members reported
    "lijiang": Preset(102, (2, 4), (2, 4), {"in_service": 0.46, "retired": 0.38, "unemployed": 0.08, "mobile": 0.05,
                                            "student": 0.03}, (0.22, 0.48, 0.30), 0.38, 0.42,
                      {**_COMMON_GAPS, "member-not-reported": 0.46, "venue-under-standard": 7 / 49},
                      Report(49, streets=(4, 23), with_org=49,
                             orgs={"working_committee": 4, "general_branch": 33, "branch": 202}, members=4995,
                             in_service=2320, reported=1262, venue_under=7, first_secretaries=True)),
    # 雨花区 ~2004: 3,791 members in 78 communities, 5 without an organization; 847/1,872/1,072 by age
    "yuhua": Preset(49, (2, 3), (1, 3), {"in_service": 0.40, "retired": 0.42, "unemployed": 0.06, "mobile": 0.08,
                                         "student": 0.04}, (847 / 3791, 1872 / 3791, 1072 / 3791), 1668 / 3791, 0.45,
                    {**_COMMON_GAPS, "community-without-org": 5 / 78},
                    Report(78, with_org=73, members=3791, mobile=314, ages=(847, 1872, 1072), college=1668,
                           two_new=(39, 25))),
    # 同江市 2018: 9 communities (9 general branches), 160 resident units with 2,174 in-service members
    # reported, 120 grid leaders, 9 liaison leaders, 45 joint meetings, 71 matters settled, 21 volunteer
    # teams, 16 shared venues, 10,004 m² of venues
    "tongjiang": Preset(180, (8, 12), (3, 5), {"in_service": 0.50, "retired": 0.36, "unemployed": 0.07, "mobile": 0.04,
                                              "student": 0.03}, (0.20, 0.50, 0.30), 0.40, 0.44, dict(_COMMON_GAPS),
                        Report(9, with_org=9, orgs={"general_branch": 9}, units_reported=(160, 2174), grid_leaders=120,
                               liaison_leaders=9, meetings=45, matters_settled=71, teams=21, shared_venues=16,
                               venue_m2=10004)),
    # 成都市 ~2015: 103 streets, 1,396 communities (113 with a committee of their own, 202 with a general
    # branch, 1,081 with a branch), 65,760 members; community committee > compound branch > building group
    "chengdu": Preset(47, (2, 5), (2, 4), {"in_service": 0.45, "retired": 0.40, "unemployed": 0.05, "mobile": 0.06,
                                           "student": 0.04}, (0.25, 0.47, 0.28), 0.50, 0.46, dict(_COMMON_GAPS),
                      Report(1396, streets=(103, 1396), with_org=1396,
                             own_orgs={"committee": 113, "general_branch": 202, "branch": 1081}, members=65760),
                      buildings=(1, 3)),
}  # fmt: skip

MATTER_NAMES = ("小区停车位规划", "老旧管网改造", "背街小巷环境整治", "夜市噪音整治", "养老助餐点选址", "社区活动室共享",
                "物业服务投诉处理", "学生放学接送安全")
TEAM_NAMES = ("党员志愿服务队", "夕阳红志愿服务队", "巾帼志愿服务队", "法律服务志愿服务队", "青年志愿服务队")
TEAM_SERVICES = ("邻里互助", "环境整治", "敬老助老", "文明劝导", "政策宣传", "义诊")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋东峰建国志文"
GIVEN_F = "芳娜敏静丽艳娟霞秀英慧巧美娅雪琳玲婷倩颖洁燕梅兰凤红云琴萍晶丹"
UNIT_PATTERNS = [("{p}社区卫生服务中心", "事业单位", False), ("{p}小学", "事业单位", False),
                 ("{p}供电所", "国有企业", False), ("{p}税务所", "党政机关", False),
                 ("{p}商贸有限公司", "非公有制企业", True), ("{p}物业服务有限公司", "非公有制企业", True),
                 ("{p}农贸市场", "市场", False), ("{p}社会工作服务中心", "社会组织", True)]  # fmt: skip
#: the properties each roster fills, by type, in column order (the generator's rows are keyed so)
COLUMNS = {
    AREA: ["id", "name", "level", "parent", "households", "population", "venue_area", "funds", "official_name"],
    ORG: ["id", "name", "kind", "parent", "area", "unit", "covers", "has_committee", "elected_on"],
    UNIT: ["id", "name", "category", "two_new", "area", "employees", "shared_venues"],
    MEMBER: ["id", "name", "id_number", "phone", "sex", "birth_date", "education", "joined_on", "status", "situation",
               "org", "transferred_on", "unit", "residence", "reported_to", "reported_on", "lost_since"],
    PERSON: ["id", "name", "title", "phone"],
    "Post": ["person", "role", "target", "valid_from"],
    AGREEMENT: ["id", "name", "community_party", "unit_party", "signed_on", "valid_from", "valid_to"],
    VOLUNTEER_TEAM: ["id", "name", "community", "backed_by", "members", "volunteers", "service", "founded_on"],
    ACTIVITY: ["id", "name", "date", "kind", "agreement", "organizer", "area", "taking_part", "participants"],
    MATTER: ["id", "name", "meeting", "raised_by", "raised_on", "status", "due", "settled_on"],
    EVALUATION: ["id", "member", "by", "grade", "date"],
}  # fmt: skip


def roster_headers() -> dict[str, list[str]]:
    """Each roster's file name (without ``.csv``) and header, in the order of :data:`COLUMNS`: the
    model's Chinese roster names and column labels, as the loaders read them.

    >>> roster_headers()["任职"]
    ['人员', '职务', '任职对象', '任职日期']
    """
    return {model().record(t).roster["zh"]: [model().record(t).prop(c).label("zh") for c in cols]
            for t, cols in COLUMNS.items()}  # fmt: skip


def _level_label(level: str) -> str:
    """An area level as the roster writes it: the model's Chinese label."""
    levels = model().enums["area_level"]
    return levels.label(level) if level in levels.values else level


@dataclass
class Plan:
    """The rosters (type name -> rows as dicts keyed by property name, see :data:`COLUMNS`) and the
    ground truth: (rule id, entity id) pairs."""

    as_of: str
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    truth: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.rows.items()}


class _Gen:
    def __init__(self, preset: Preset, scale: float, seed: int, as_of: date):
        self.p, self.scale, self.rng, self.today = preset, scale, random.Random(seed), as_of
        self.plan = Plan(as_of.isoformat())
        self.seq: dict[str, int] = {}
        self.people: set[str] = set()
        self.truths: set[tuple[str, str]] = set()
        self.branch_at: dict[str, str] = {}  # compound -> the branch anchored there
        self.led: dict[str, set[str]] = {}  # organization -> the organizations it leads
        # report size (see _Report): member-level gaps are planted once the totals are set
        self.deferred = False
        self.free: dict[str, list] = {}  # branch of no planted gap -> [home, report target, region, its members]
        self.regular: list[str] = []  # members of residents' branches (their situation is free to set)
        self.report_to: dict[str, str] = {}  # member -> the organization an in-service one reports to
        self.general: list[str] = []  # the communities' general branches
        self.liaison: str | None = None  # the last community's liaison leader (reused where planted)
        self.committee: str | None = None  # the working committee of the street being made
        self.report: Report | None = None  # the report whose figures are reproduced
        self.unit_missing = 0  # at report size: in-service members of the units who have not reported

    # -- small helpers -------------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        self.seq[prefix] = self.seq.get(prefix, 0) + 1
        return f"{prefix}{self.seq[prefix]:06d}"

    def chance(self, rule: str) -> bool:
        return self.rng.random() < self.p.gaps.get(rule, 0.0)

    def add(self, type_name: str, /, **row) -> dict:
        self.plan.rows[type_name].append(row)
        return row

    def truth(self, rule: str, entity: str) -> None:
        if (rule, entity) not in self.truths:
            self.truths.add((rule, entity))
            self.plan.truth.append((rule, entity))

    def days_ago(self, lo: int, hi: int) -> str:
        return (self.today - timedelta(days=self.rng.randint(lo, hi))).isoformat()

    def name(self, female: bool) -> str:
        pool = GIVEN_F if female else GIVEN_M
        for _ in range(3):  # a few tries for a new name; past ~100,000 people, names repeat as in life
            n = self.rng.choice(SURNAMES) + self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.6 else "")
            if n not in self.people:
                self.people.add(n)
                return n
        return n

    def id_number(self, born: date, female: bool, region: str) -> str:
        serial = self.rng.randrange(0, 500) * 2 + (0 if female else 1)
        first17 = f"{region[:6]:0<6}{born:%Y%m%d}{serial:03d}"
        return first17 + id_check_digit(first17)

    def post(self, person: str, role: str, target: str) -> None:
        self.add("Post", person=person, role=role, target=target, valid_from=self.days_ago(60, 900))

    def org(self, oid: str, name: str, kind: str, superior: str | None, area: str = "", unit: str = "",
            elected: str | None = None, committee: bool = False, secretary: str | None = None) -> dict:  # fmt: skip
        if superior:
            self.led.setdefault(superior, set()).add(oid)
        self.branch_at.setdefault(area, oid)
        row = self.add(ORG, id=oid, name=name, kind=kind, parent=superior or "", area=area,
                       unit=unit, has_committee="是" if committee else "否",
                       elected_on=elected if elected is not None else self.days_ago(60, 700))  # fmt: skip
        if secretary is not None:
            self.post(secretary, "书记", oid)
        return row

    def member(self, org: str, home: str, region: str, *, situation: str | None = None, formal: bool = True,
               unit: str = "", report_to: str = "") -> str:  # fmt: skip
        p = self.p
        situation = situation or self.rng.choices(list(p.situations), weights=list(p.situations.values()))[0]
        band = self.rng.choices((0, 1, 2), weights=p.ages)[0]
        age = self.rng.randint(*((22, 34), (35, 60), (61, 88))[band])
        if situation == "student":
            age = self.rng.randint(18, 24)
        born = self.born(age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        female = self.rng.random() < p.female
        mid = self.next_id("M")
        joined = date(min(self.today.year - 1, born.year + self.rng.randint(18, max(19, age - 1))), 7, 1)
        in_service = situation == "in_service"
        self.add(MEMBER, id=mid, name=self.name(female), id_number=self.id_number(born, female, region),
                 phone=f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}", sex="女" if female else "男",
                 birth_date=born.isoformat(), education="大学本科" if self.rng.random() < p.college else "高中",
                 joined_on=joined.isoformat(), status="正式党员" if formal else "预备党员",
                 situation={"in_service": "在职", "retired": "离退休", "unemployed": "下岗失业", "mobile": "流动",
                       "student": "学生", "lost_contact": "失联"}[situation],
                 org=org, unit=unit, residence=home,
                 reported_to=(report_to if in_service else ""),
                 reported_on=(self.days_ago(30, 700) if in_service and report_to else ""))  # fmt: skip
        self.report_to[mid] = report_to
        return mid

    def born(self, age: int, month: int, day: int) -> date:
        """A birthday on month/day of someone ``age`` years old on the date (the age the statistics see)."""
        return date(self.today.year - age - ((month, day) > (self.today.month, self.today.day)), month, day)

    # -- the layer ---------------------------------------------------------------------------------
    def area(self, code: str, name: str, level: str, parent: str, official: str = "", **extra) -> None:
        self.add(AREA, id=code, name=name, level=_level_label(level), parent=parent,
                 official_name=official, **extra)  # fmt: skip

    def person(self, role: str) -> str:
        pid = self.next_id("P")
        female = self.rng.random() < 0.4
        self.add(PERSON, id=pid, name=self.name(female), title=role,
                 phone=f"139{self.rng.randrange(10**8):08d}")  # fmt: skip
        return pid

    def street(self, code: str, name: str) -> str:
        wc = self.next_id("O")
        self.org(wc, f"{name}党工委", "党工委", None, area=code, committee=True,
                 secretary=self.person("街道（乡镇）党工委书记"))  # fmt: skip
        if self.chance("part-time-member-not-from-unit"):  # a cadre of no resident unit
            cadre = self.person("区政协委员")
            self.post(cadre, "兼职委员", wc)
            self.truth("part-time-member-not-from-unit", cadre)
        return wc

    def township(self, code: str, name: str) -> str:
        """A township committee (乡镇党委): led by the county committee, which these rosters leave out."""
        oid = self.next_id("O")
        self.org(oid, f"{name}党委", "党委", None, area=code, committee=True, secretary=self.person("乡镇党委书记"))
        return oid

    def community(self, c: dict, wc: str | None, shape: dict | None = None) -> None:
        """One community and what is in it; ``shape``: its figures decided beforehand (report size)."""
        p, code, name = self.p, c["code"], c["name"]
        hh = self.rng.randint(800, 4000)
        venue = self.rng.randint(160, 700)
        funds = self.rng.randint(25, 120) * 1000
        if shape["venue"] if shape else self.chance("venue-under-standard"):
            venue = self.rng.randint(30, 140)
            self.truth("venue-under-standard", code)
        if shape and shape["venue_m2"] is not None:
            venue = shape["venue_m2"]
        if self.chance("funds-under-standard"):
            funds = self.rng.randint(5, 19) * 1000
            self.truth("funds-under-standard", code)
        self.area(code, name, c["level"], c["parent"], c["official_name"], households=hh, population=hh * 3,
                  venue_area=venue, funds=funds)  # fmt: skip
        if shape and shape["first_secretary"]:
            self.post(self.person("第一书记"), "第一书记", code)
        liaison = shape["liaison"] if shape else None  # none, again, own (None: drawn)
        if liaison == "none" if liaison else self.chance("community-no-liaison"):
            self.truth("community-no-liaison", code)
        else:
            if liaison == "again" if liaison else self.liaison is not None and self.chance("person-many-communities"):
                self.truth("person-many-communities", self.liaison)
            else:
                self.liaison = self.person("区级领导")
            self.post(self.liaison, "联系领导", code)
        self.committee = wc
        if shape["without_org"] if shape else self.chance("community-without-org"):  # no organization, no partners
            self.truth("community-without-org", code)
            self.truth("community-few-partners", code)
            return
        if shape:
            members = shape["members"]
        else:
            members = max(8, round(p.members * self.scale * self.rng.uniform(0.7, 1.3)))
        if shape and shape["kind"] == "branch":  # a small community: one branch, its members live in it
            self.small_community(c, wc, members, shape)
            return
        if shape and shape["grids"]:
            per_branch = [max(4, n) for n in _split(members, shape["grids"])]
        else:
            grids = max(self.rng.randint(*p.grids), -(-members // 40))  # at most 40 members a branch
            per_branch = [members // grids + (1 if i < members % grids else 0) for i in range(grids)]
            per_branch = [min(40, max(4, n)) for n in per_branch]  # room for the members planted in the first
        corg = self.next_id("O")
        superior = self._superior(corg, wc)
        kind = "党委" if shape and shape["kind"] == "committee" else "党总支"
        row = self.org(corg, f"{name}{kind}", kind, superior, area=code, elected=self._elected(corg, 5),
                       committee=True, secretary=self._secretary(corg))  # fmt: skip
        first_member = len(self.plan.rows[MEMBER])
        homes = []
        leaders = shape["leaders"] if shape and shape["leaders"] is not None else None
        for i, n in enumerate(per_branch, start=1):
            homes.append(self.grid(code, name, i, corg, n, c["region"], None if leaders is None else i <= leaders))
        self.plant_areas(code, name, len(per_branch) + 1, corg, c["region"], homes, shape and shape["joint"])
        self.units(code, name, corg, corg, homes, c["region"], shape)
        self.teams(code, name, corg, first_member, shape and shape["teams"])
        if shape["cycle"] if shape else self.chance("leadership-cycle"):
            a, b = self.next_id("O"), self.next_id("O")
            for me, other in ((a, b), (b, a)):
                self.org(me, f"{name}{me[-3:]}党支部", "党支部", other, area=code, secretary=self._secretary(me))
                for _ in range(3):
                    self.member(me, homes[0], c["region"], situation="retired")
            self.truth("leadership-cycle", min(a, b))
        if shape:  # its kind waits for the totals (_Gen.settle), unless the report made it a committee
            if kind == "党总支":
                self.general.append(corg)
            return
        # 100 members or more in its branches: a committee (党委), unless that gap is planted here
        led = self.led.get(corg, set())
        total = sum(1 for m in self.plan.rows[MEMBER][first_member:]
                    if m["org"] in led and not m.get("transferred_on"))  # fmt: skip
        if total >= 100:
            if self.chance("large-org-not-committee"):
                self.truth("large-org-not-committee", corg)
            else:
                row["kind"], row["name"] = "党委", f"{name}党委"

    def _superior(self, oid: str, superior: str | None) -> str | None:
        if self.chance("org-without-superior"):
            superior = None
        if superior is None:  # planted here, or its street has no working committee (planted there)
            self.truth("org-without-superior", oid)
        return superior

    def small_community(self, c: dict, wc: str | None, members: int, shape: dict) -> None:
        """A community whose organization is one branch (党支部), its members living in the community;
        its partner units' branches are led by the street's (or township's) organization."""
        code, name, region = c["code"], c["name"], c["region"]
        corg = self.next_id("O")
        superior = self._superior(corg, wc)
        committee, planted = members >= 7, False
        if committee and self.chance("needs-committee"):
            committee, planted = False, True
            self.truth("needs-committee", corg)
        self.org(corg, f"{name}党支部", "党支部", superior, area=code, elected=self._elected(corg, 5),
                 committee=committee, secretary=self._secretary(corg))  # fmt: skip
        mids = [self.member(corg, code, region, report_to=corg) for _ in range(members)]
        self.regular += mids
        if not planted:
            self.free[corg] = [code, corg, region, mids]
        self.units(code, name, corg, wc, [code], region, shape)
        self.teams(code, name, corg, len(self.plan.rows[MEMBER]) - members, shape["teams"])

    def teams(self, code: str, name: str, corg: str, first_member: int, n: int | None = None) -> None:
        """``n`` (default one or two) volunteer teams (志愿服务队) backed by the community's organization,
        a few of its members listed in them."""
        residents = [m["id"] for m in self.plan.rows[MEMBER][first_member:] if m["situation"] != "流动"]
        for k in range(self.rng.randint(1, 2) if n is None else n):
            listed = self.rng.sample(residents, min(len(residents), self.rng.randint(2, 6)))
            self.add(VOLUNTEER_TEAM, id=self.next_id("V"), name=f"{name}{TEAM_NAMES[k]}", community=code,
                     backed_by=corg, members="、".join(listed), volunteers=len(listed) + self.rng.randint(3, 25),
                     service=self.rng.choice(TEAM_SERVICES), founded_on=self.days_ago(200, 2500))  # fmt: skip

    # -- activities, meetings and matters (after everything else: they name what is final) --------------
    def activities(self) -> None:
        """Each street's working committee and each community's organization hold a joint meeting in the
        last half-year (their matters settled or not yet due), each community a theme day its reported
        in-service members take part in, and each agreement in force an activity in its first year and
        one its partner takes part in within the last half-year; the activity gaps break one of those."""
        rows, today = self.plan.rows, self.today
        levels = {_level_label(x) for x in ("community", "village")}
        communities = {a["id"] for a in rows[AREA] if a["level"] in levels}
        org_of: dict[str, str] = {}
        committees: list[tuple[str, str]] = []
        for o in rows[ORG]:
            if o["area"] in communities:
                org_of.setdefault(o["area"], o["id"])
            elif o["kind"] == "党工委":
                committees.append((o["area"], o["id"]))
        area_of_org = {o["id"]: o["area"] for o in rows[ORG]}
        names = {a["id"]: a["name"] for a in rows[AREA]}
        holders = [*committees, *sorted(org_of.items())]
        r = self.report
        held, settled = [1] * len(holders), None
        if r is not None and r.meetings is not None:  # the report's meetings, each holder one at least
            if r.meetings < len(holders):
                raise InputError("synth.figure", what="meetings", n=r.meetings, communities=len(org_of))
            weights = [self.rng.uniform(0.5, 1.5) for _ in holders]
            held = [1 + k for k in _shares(r.meetings - len(holders), weights)]
        if r is not None and r.matters_settled is not None:  # and its matters settled, over the meetings
            settled = iter(_shares(r.matters_settled, [self.rng.uniform(0.2, 1.8) for _ in range(sum(held))]))
        for (area, org), k in zip(holders, held, strict=True):
            self.meeting(area, org, names[area], k, settled)
        reported: dict[str, list[dict]] = {}
        for m in rows[MEMBER]:
            if m["situation"] == "在职" and m["reported_to"]:
                reported.setdefault(area_of_org.get(m["reported_to"], ""), []).append(m)
        year_ago = _months_before(today, 12)
        for c, org in sorted(org_of.items()):
            took = []
            for m in reported.get(c, ()):
                if m["reported_on"] <= year_ago and self.chance("reported-member-inactive"):
                    self.truth("reported-member-inactive", m["id"])
                else:
                    took.append(m["id"])
            self.activity(f"{names[c]}主题党日", self.days_ago(10, 300), "主题党日", org, c, took=took)
            self.activity(f"{names[c]}党课", self.days_ago(10, 300), "党课", org, c)
            if self.rng.random() < 0.4 or not rows[EVALUATION]:  # one that evaluates its reported members (双评议)
                self.evaluations(reported.get(c, ()), org, year_ago)
        for ag in rows[AGREEMENT]:
            if not ag["valid_from"] <= today.isoformat() <= ag["valid_to"]:
                continue
            self.joint(ag, area_of_org[ag["community_party"]], names)

    def evaluations(self, members: list[dict], org: str, year_ago: str) -> None:
        """This year's evaluation of each reported member by the community's organization (none where
        reported-member-not-evaluated is planted)."""
        for m in members:
            if m["reported_on"] <= year_ago and self.chance("reported-member-not-evaluated"):
                self.truth("reported-member-not-evaluated", m["id"])
                continue
            grade = self.rng.choices(("优秀", "合格", "基本合格"), weights=(3, 6, 1))[0]
            self.add(EVALUATION, id=self.next_id("J"), member=m["id"], by=org, grade=grade, date=self.days_ago(10, 300))

    def activity(self, name: str, day: str, kind: str, organizer: str, area: str, *, agreement: str = "",
                 took: list[str] = ()) -> str:  # fmt: skip
        aid = self.next_id("E")
        self.add(ACTIVITY, id=aid, name=name, date=day, kind=kind, agreement=agreement, organizer=organizer, area=area,
                 taking_part="、".join(took), participants=len(took) + self.rng.randint(5, 40))  # fmt: skip
        return aid

    def meeting(self, area: str, org: str, name: str, held: int = 1, settled=None) -> None:
        """The joint meetings of a street or community (``held``; the last one over six months ago where
        that gap is planted), and the matters raised at them: drawn, or (report size) as many settled as
        ``settled`` gives for each meeting and at most one open. At report size all of them in the last
        12 months, where the statistics count them, as the reports count the year's meetings."""
        overdue = self.chance("joint-meeting-overdue")
        if overdue:
            self.truth("joint-meeting-overdue", area)
        year = 360 if self.report is not None else 420
        for j in range(held):
            if j == 0:
                day = self.days_ago(200, year) if overdue else self.days_ago(5, 170)
            else:
                day = self.days_ago(200 if overdue else 5, 360)
            aid = self.activity(f"{name}党建联席会议", day, "联席会议", org, area)
            if settled is None:
                for _ in range(self.rng.randint(0, 2)):
                    self.matter(aid, org, name, day, self.rng.random() < 0.6)
            else:
                for done in [True] * next(settled) + [False] * self.rng.randint(0, 1):
                    self.matter(aid, org, name, day, done)

    def matter(self, aid: str, org: str, name: str, day: str, settled: bool) -> None:
        """A matter (议事台账) raised at meeting ``aid`` on ``day``: settled, or open (overdue where planted)."""
        raised = date.fromisoformat(day)
        if not settled and self.chance("matter-overdue"):
            due = (raised + timedelta(days=self.rng.randint(5, 60))).isoformat()
            if due >= self.today.isoformat():
                due = (self.today - timedelta(days=1)).isoformat()
            mid = self.next_id("X")
            self.truth("matter-overdue", mid)
        else:
            due = (self.today + timedelta(days=self.rng.randint(10, 120))).isoformat()
            mid = self.next_id("X")
        done = (raised + timedelta(days=self.rng.randint(1, max(1, (self.today - raised).days)))).isoformat() \
            if settled else ""  # fmt: skip
        self.add(MATTER, id=mid, name=f"{name}{self.rng.choice(MATTER_NAMES)}", meeting=aid, raised_by=org,
                 raised_on=day, status="已办结" if settled else "在办", due=due, settled_on=done)  # fmt: skip

    def joint(self, ag: dict, community: str, names: dict[str, str]) -> None:
        """An agreement's activities: one in its first year (none where agreement-no-activity is
        planted) and one its partner takes part in within the last six months (none where
        partner-unit-inactive is planted)."""
        today, start = self.today, date.fromisoformat(ag["valid_from"])
        first_end = date.fromisoformat(_months_after(start, 12))
        half = date.fromisoformat(_months_before(today, 6))
        unit, org, name = ag["unit_party"], ag["community_party"], names[community]
        first = None
        if first_end <= today - timedelta(days=10) and self.chance("agreement-no-activity"):
            self.truth("agreement-no-activity", ag["id"])
        else:
            last = min(first_end, today) - start
            first = start + timedelta(days=self.rng.randint(0, max(0, last.days - 1)))
            self.activity(f"{name}共建活动", first.isoformat(), "共建活动", org, community, agreement=ag["id"], took=[unit])
        if start > half or (first is not None and first >= half):  # the rule counts the day itself
            return  # in force for under six months, or its partner took part lately
        if self.chance("partner-unit-inactive"):
            self.truth("partner-unit-inactive", unit)
            return
        lo = half + timedelta(days=1)
        if first is None:  # after the first year, for which it must not count
            lo = max(lo, first_end + timedelta(days=1))
        day = lo + timedelta(days=self.rng.randint(0, max(0, (today - lo).days - 1)))
        self.activity(f"{name}共建服务日", day.isoformat(), "共建活动", org, community, agreement=ag["id"], took=[unit])

    def _elected(self, oid: str, years: int) -> str:
        """An election date whose term (``years``) ends more than six months from now, or a planted
        overdue or ending-soon term."""
        if self.chance("term-overdue"):
            self.truth("term-overdue", oid)
            return _years_before(self.today, years, self.rng.randint(40, 400))
        if self.chance("term-ending-soon"):
            self.truth("term-ending-soon", oid)
            return _years_before(self.today, years, -self.rng.randint(20, 150))
        return self.days_ago(60, 360 * min(years, 3) - 240)

    def _secretary(self, oid: str) -> str | None:
        if self.chance("org-without-secretary"):
            self.truth("org-without-secretary", oid)
            return None
        return self.person("党组织书记")

    def grid(self, code: str, name: str, i: int, corg: str, n: int, region: str, leader: bool | None = None) -> str:
        """Grid ``i`` of a community, a compound in it and the compound's branch of ``n`` members; its
        grid leader one of them (``leader``: whether it has one; None: drawn)."""
        g, home = f"{code}-G{i:02d}", f"{code}-G{i:02d}-C01"
        self.area(g, f"{name}第{i}网格", "网格", code)
        self.area(home, f"{name}{i}号小区", "小区", g, households=self.rng.randint(200, 900))
        branch = self.next_id("O")
        formal, planted = n, True
        if i > 1 and self.chance("branch-too-small"):  # the first branch hosts the planted members
            n, formal = 3, 2
            self.truth("branch-too-small", branch)
        elif i > 1 and self.chance("branch-too-large"):
            n = formal = 51
            self.truth("branch-too-large", branch)
        else:
            planted = False
        committee = formal >= 7
        if committee and self.chance("needs-committee"):
            committee, planted = False, True
            self.truth("needs-committee", branch)
        self.org(branch, f"{name}第{i}党支部", "党支部", corg, area=home, elected=self._elected(branch, 3),
                 committee=committee, secretary=self._secretary(branch))  # fmt: skip
        mids = []
        for k in range(n):
            mids.append(self.member(branch, home, region, formal=k < formal, report_to=corg))
            self.plant_member(mids[-1], corg)
        if not leader if leader is not None else self.chance("grid-without-leader"):
            self.truth("grid-without-leader", g)
        else:
            self.post(mids[0], "网格长", g)
        if self.p.buildings:  # buildings of the compound, each with a group of the branch led by one of its members
            for j in range(min(self.rng.randint(*self.p.buildings), len(mids) - 1)):
                b, gid = f"{home}-B{j + 1:02d}", self.next_id("O")
                self.area(b, f"{name}{i}号小区{j + 1}栋", "楼栋", home)
                self.org(gid, f"{name}{i}号小区{j + 1}栋党小组", "党小组", branch, area=b, elected="")
                self.post(mids[j + 1], "党小组组长", gid)
        self.regular += mids
        if not planted:
            self.free[branch] = [home, corg, region, mids]
        return home

    def plant_member(self, mid: str, corg: str) -> None:
        if self.deferred:  # planted once the totals are set (_Gen.settle)
            return
        row = self.plan.rows[MEMBER][-1]
        if row["situation"] == "在职" and self.chance("member-not-reported"):
            row["reported_to"] = row["reported_on"] = ""
            self.truth("member-not-reported", mid)
        elif row["situation"] == "离退休" and row["status"] == "正式党员" and self.chance("lost-contact"):
            row["situation"], row["lost_since"] = "失联", self.days_ago(200, 900)
            self.truth("lost-contact", mid)

    def plant_areas(self, code: str, name: str, i: int, corg: str, region: str, homes: list[str],
                    joint: bool | None = None) -> None:  # fmt: skip
        if self.chance("grid-without-group"):  # a grid with nothing anchored in it or below
            g = f"{code}-G{i:02d}"
            self.area(g, f"{name}第{i}网格", "网格", code)
            self.truth("grid-without-group", g)
            self.truth("grid-without-leader", g)  # nobody there to lead it
        if self.chance("residence-without-group"):  # a compound where 3 members of another branch live
            extra = f"{homes[0][:-3]}C02"
            self.area(extra, f"{name}新建小区", "小区", homes[0][:-4])
            host = self._host_branch(homes[0])
            for _ in range(3):
                self.member(host, extra, region, situation="retired")
            self.truth("residence-without-group", extra)
        if self.chance("mobile-member-unattached"):  # away, and the membership starts after the date
            mid = self.member(self._host_branch(homes[0]), homes[0], region, situation="mobile")
            self.plan.rows[MEMBER][-1]["transferred_on"] = (self.today + timedelta(days=30)).isoformat()
            self.truth("mobile-member-unattached", mid)
        if self.chance("joint-branch-too-many-units") if joint is None else joint:  # one for six small 两新 units
            units = [self.unit(code, name, two_new=True, staff=8) for _ in range(6)]
            joint = self.next_id("O")
            self.org(joint, f"{name}两新组织联合党支部", "党支部", corg, area=code, elected=self._elected(joint, 5),
                     secretary=self._secretary(joint))["covers"] = "、".join(units)  # fmt: skip
            for _ in range(3):
                self.member(joint, homes[0], region, situation="retired")
            self.truth("joint-branch-too-many-units", joint)
        if self.chance("member-without-org"):  # a membership that starts after the date
            host = self._host_branch(homes[0])
            mid = self.member(host, homes[0], region, situation="retired")
            self.plan.rows[MEMBER][-1]["transferred_on"] = (self.today + timedelta(days=30)).isoformat()
            self.truth("member-without-org", mid)

    def _host_branch(self, home: str) -> str:
        return self.branch_at[home]

    def unit(self, code: str, name: str, two_new: bool | None = None, staff: int | None = None) -> str:
        uid = self.next_id("U")
        patterns = [x for x in UNIT_PATTERNS if two_new is None or x[2] == two_new]
        pattern, category, is_two_new = self.rng.choice(patterns)
        self.add(UNIT, id=uid, name=pattern.format(p=f"{name}{uid[-4:]}"), category=category,
                 two_new="是" if is_two_new else "否", area=code,
                 employees=staff if staff is not None else self.rng.randint(10, 200))  # fmt: skip
        return uid

    def agreement(self, corg: str, uid: str, name: str, expired: bool = False) -> str:
        aid = self.next_id("A")
        start = self.days_ago(900, 1500) if expired else self.days_ago(30, 700)
        end = self.days_ago(30, 300) if expired else (self.today + timedelta(days=self.rng.randint(200, 900))).isoformat()
        self.add(AGREEMENT, id=aid, name=f"{name}共驻共建协议", community_party=corg, unit_party=uid,
                 signed_on=start, valid_from=start, valid_to=end)  # fmt: skip
        return aid

    def units(self, code: str, name: str, corg: str, lead: str | None, homes: list[str], region: str,
              shape: dict | None = None) -> None:  # fmt: skip
        """The partner units of ``corg``, their branches led by ``lead``; the unit gaps."""
        if shape is None:
            n = max(2, round(self.rng.randint(*self.p.units) * self.scale))
            if self.chance("community-few-partners"):
                n = 0
                self.truth("community-few-partners", code)
            elif self.chance("community-single-partner"):
                n = 1
                self.truth("community-single-partner", code)
            slots = [[None, True, None, False]] * n
        else:  # drawn beforehand; the partners with a branch first
            slots = sorted(shape["units"], key=lambda u: not u[1])
            for rule in ("community-few-partners", "community-single-partner"):
                if shape[rule]:
                    self.truth(rule, code)
        n = len(slots)
        skip_agreement = n >= 3 and self.chance("unit-org-no-agreement")
        for k, (two_new, own, size, shares) in enumerate(slots):
            if not own:  # its organization is its own system's, outside these rosters: an agreement only
                self.agreement(corg, self.unit(code, name, two_new=False), name)
                continue
            uid = self.unit(code, name, two_new=two_new)
            if shares or shape is None and int(uid[1:]) % 9 == 0:  # a reading room or court opened to residents
                self.plan.rows[UNIT][-1]["shared_venues"] = 1
            branch = self.next_id("O")
            if lead is None:
                self.truth("org-without-superior", branch)
            self.org(branch, f"{name}{uid[-4:]}单位党支部", "党支部", lead, unit=uid, elected=self._elected(branch, 3),
                     committee=bool(size) and size >= 7, secretary=self._secretary(branch))  # fmt: skip
            for j in range(size or self.rng.randint(3, 6)):
                mid = self.member(branch, self.rng.choice(homes), region, situation="in_service", unit=uid,
                                  report_to=corg)  # fmt: skip
                self.plant_member(mid, corg)
                if j == 0 and k == 0 and self.committee is not None:  # the working committee's part-time member
                    self.post(mid, "兼职委员", self.committee)
            if k == 0 and skip_agreement:
                self.truth("unit-org-no-agreement", uid)
            else:
                self.agreement(corg, uid, name)
        host = self._host_branch(homes[0])
        two_new_unit = shape is not None and shape["needs_own"] is not None
        if shape["needs_own"] if two_new_unit else self.chance("unit-needs-own-branch"):
            # 3 formal members work there, no branch of its own (at report size: a 两新 unit, eligible)
            uid = self.unit(code, name, two_new=two_new_unit)
            for _ in range(3):
                self.member(host, homes[0], region, situation="in_service", unit=uid, report_to=corg)
            self.truth("unit-needs-own-branch", uid)
        small = shape.get("small_uncovered") if shape else None
        if small if small is not None else self.chance("small-unit-uncovered"):  # 1 formal member, no organization
            uid = self.unit(code, name, two_new=False)
            self.member(host, homes[0], region, situation="in_service", unit=uid, report_to=corg)
            self.truth("small-unit-uncovered", uid)
        if self.chance("two-new-unit-no-coverage"):  # a 两新 unit with no member, organization or instructor
            self.truth("two-new-unit-no-coverage", self.unit(code, name, two_new=True, staff=12))
        if self.chance("agreement-expired"):  # ended, with a unit that has no agreement in force
            uid = self.unit(code, name, two_new=False)
            self.truth("agreement-expired", self.agreement(corg, uid, name, expired=True))

    # -- report size: the report's figures exactly ------------------------------------------------------
    def shapes(self, comms: list[dict], r: Report) -> dict[str, dict]:
        """Each community's figures, decided beforehand so that the totals come out as ``r``: exact
        quotas (which communities, how many of each) where the report gives a figure, draws elsewhere."""
        p, rng, n = self.p, self.rng, len(comms)

        def pick(k: int | None, rule: str) -> set[int]:
            if k is None:
                return {i for i in range(n) if self.chance(rule)}
            if not 0 <= k <= n:
                raise InputError("synth.count_does_not_fit", what=k, rule=rule, n=n)
            return set(rng.sample(range(n), k))

        without = pick(None if r.with_org is None else n - r.with_org, "community-without-org")
        venue = pick(r.venue_under, "venue-under-standard")
        shapes = []
        for i in range(n):
            s = {"venue": i in venue, "without_org": i in without, "first_secretary": r.first_secretaries,
                 "weight": rng.uniform(0.7, 1.3), "kind": "general_branch", "community-few-partners": False,
                 "community-single-partner": False, "cycle": False, "joint": False, "units": [], "needs_own": None, "grids": None,
                 "members": 0, "venue_m2": None, "liaison": None, "leaders": None, "teams": None,
                 "small_uncovered": None}  # fmt: skip
            shapes.append(s)
            if s["without_org"]:
                continue
            k = max(2, round(rng.randint(*p.units) * self.scale))
            for rule, fewer in (("community-few-partners", 0), ("community-single-partner", 1)):
                if self.chance(rule):
                    k, s[rule] = fewer, True
                    break
            # [两新 or not (None: either), its own branch, its members (None: drawn), shares a venue]
            s["units"] = [[None, True, None, False] for _ in range(k)]
            s["cycle"] = self.chance("leadership-cycle")
            s["joint"] = self.chance("joint-branch-too-many-units")
        active = [s for s in shapes if not s["without_org"]]
        if r.orgs and "general_branch" in r.orgs:  # the largest communities have a general branch, the others one
            g = r.orgs["general_branch"]
            if g > len(active):
                raise InputError("synth.general_branches", n=g, communities=len(active))
            for s in sorted(active, key=lambda s: -s["weight"])[g:]:
                s.update(kind="branch", cycle=False, joint=False)
        if r.own_orgs:  # the largest communities have a committee, the next a general branch, the others one
            kinds = [(k, r.own_orgs.get(k, 0)) for k in ("committee", "general_branch", "branch")]
            if sum(k for _, k in kinds) != len(active) or set(r.own_orgs) - {k for k, _ in kinds}:
                raise InputError("synth.figure", what="own_orgs", n=sum(r.own_orgs.values()), communities=len(active))
            ordered = sorted(active, key=lambda s: -s["weight"])
            for kind, k in kinds:
                for s in ordered[:k]:
                    s["kind"] = kind
                    if kind == "branch":
                        s.update(cycle=False, joint=False)
                ordered = ordered[k:]
            for s in active:  # half the partners' organizations belong to their own systems, outside the rosters
                for u in s["units"]:
                    u[1] = rng.random() < 0.5
        if r.two_new:  # exactly so many 两新 partners with a branch; the other eligible ones have none
            eligible, covered = r.two_new
            slots = [u for s in active for u in s["units"]]
            if covered > len(slots) or not 0 <= eligible - covered <= len(active):
                raise InputError("synth.two_new", covered=covered, eligible=eligible)
            chosen = set(rng.sample(range(len(slots)), covered))
            for j, u in enumerate(slots):
                u[0] = j in chosen
            uncovered = set(rng.sample(range(len(active)), eligible - covered))
            for j, s in enumerate(active):
                s["needs_own"] = j in uncovered
        self._size(active, r)
        self._figures(shapes, active, r)
        return {c["code"]: s for c, s in zip(comms, shapes, strict=True)}

    def _figures(self, shapes: list[dict], active: list[dict], r: Report) -> None:
        """The report's people, units, teams and venues: exact quotas over the communities, the gaps that
        would change those figures drawn first and accounted in them."""
        rng, n = self.rng, len(shapes)

        def fits(ok: bool, what: str, k: int) -> None:
            if not ok:
                raise InputError("synth.figure", what=what, n=k, communities=n)

        def weights(items: list) -> list[float]:
            return [rng.uniform(0.6, 1.4) for _ in items]

        if r.liaison_leaders is not None:  # none, the previous community's again, or its own
            fits(0 < r.liaison_leaders <= n, "liaison_leaders", r.liaison_leaders)
            lacking = [i for i in range(n) if self.chance("community-no-liaison")][: n - r.liaison_leaders]
            for i in lacking:
                shapes[i]["liaison"] = "none"
            with_one = [i for i in range(n) if i not in lacking]
            for i in with_one:
                shapes[i]["liaison"] = "own"
            for i in rng.sample(with_one[1:], n - len(lacking) - r.liaison_leaders):
                shapes[i]["liaison"] = "again"
        if r.venue_m2 is not None:  # the planted ones under standard, the others share the rest
            for s in shapes:
                if s["venue"]:
                    s["venue_m2"] = rng.randint(30, 140)
            others = [s for s in shapes if not s["venue"]]
            rest = _shares(r.venue_m2 - sum(s["venue_m2"] or 0 for s in shapes), weights(others))
            fits(all(v >= 160 for v in rest), "venue_m2", r.venue_m2)
            for s, v in zip(others, rest, strict=True):
                s["venue_m2"] = v
        if r.teams is not None:
            fits(len(active) <= r.teams <= len(active) * len(TEAM_NAMES), "teams", r.teams)
            for s, k in zip(active, _shares(r.teams - len(active), weights(active)), strict=True):
                s["teams"] = 1 + k
            fits(all(s["teams"] <= len(TEAM_NAMES) for s in active), "teams", r.teams)
        if r.grid_leaders is not None:  # grids with a leader; the planted ones without, besides
            gridded = [s for s in active if s["kind"] != "branch"]
            fits(len(gridded) <= r.grid_leaders, "grid_leaders", r.grid_leaders)
            for s, k in zip(gridded, _shares(r.grid_leaders - len(gridded), weights(gridded)), strict=True):
                s["leaders"] = 1 + k
                s["grids"] = s["leaders"] + sum(self.chance("grid-without-leader") for _ in range(s["leaders"]))
        if r.units_reported is not None:
            self._units_reported(active, r)

    def _units_reported(self, active: list[dict], r: Report) -> None:
        """So many resident units with reported in-service members, and so many of those members: the
        units planted without a branch of their own (3 members) or uncovered (1) first, the partner units
        with a branch the rest; their members the report's number and the ones planted as not reported
        (:meth:`settle` picks them, one reported member kept in each unit); the shared venues among them."""
        rng, (units, reported) = self.rng, r.units_reported
        for s in active:
            if s["needs_own"] is None:
                s["needs_own"] = self.chance("unit-needs-own-branch")
            s["small_uncovered"] = self.chance("small-unit-uncovered")
        planted = sum(s["needs_own"] + s["small_uncovered"] for s in active)
        fixed = [s for s in active if s["community-few-partners"] or s["community-single-partner"]]
        free = [s for s in active if s not in fixed]
        room = units - planted - sum(len(s["units"]) for s in fixed)
        counts = _shares(room, [rng.uniform(0.6, 1.4) for _ in free])
        if not free or min(counts) < 2:
            raise InputError("synth.figure", what="units_reported", n=units, communities=len(active))
        for s, k in zip(free, counts, strict=True):
            s["units"] = [[None, True, None, False] for _ in range(k)]
        slots = [u for s in active for u in s["units"]]
        self.unit_missing = round(reported * self.p.gaps.get("member-not-reported", 0.0))
        at_branches = reported + self.unit_missing - sum(3 * s["needs_own"] + s["small_uncovered"] for s in active)
        sizes = _shares(at_branches, [rng.uniform(0.5, 1.5) for _ in slots])
        if not slots or min(sizes) < 3 or max(sizes) > 45:
            raise InputError("synth.figure", what="units_reported", n=reported, communities=len(active))
        for u, k in zip(slots, sizes, strict=True):
            u[2] = k
        if r.shared_venues is not None:
            if r.shared_venues > len(slots):
                raise InputError("synth.figure", what="shared_venues", n=r.shared_venues, communities=len(active))
            for j in rng.sample(range(len(slots)), r.shared_venues):
                slots[j][3] = True

    def _size(self, active: list[dict], r: Report) -> None:
        """Members of each community's own branches (the report's total less those of the partner units'
        branches, estimated; :meth:`settle` makes it exact) and, for a report that counts branches, the
        grids that make up that count."""
        small = [s for s in active if s["kind"] == "branch"]
        general = [s for s in active if s["kind"] != "branch"]

        def allocate() -> None:
            if r.members is None:
                for s in active:
                    s["members"] = max(8, round(self.p.members * self.scale * s["weight"]))
                return
            own = sum(u[1] for s in active for u in s["units"])
            held = r.members - round(4.5 * own) - sum(6 * s["cycle"] + 3 * s["joint"] for s in active)
            if r.own_orgs:  # a committee's ~180 members, a general branch's 40 to 60 (under 100 with its
                # partners' branches), a branch the rest (8 to 44); settle makes the total exact
                for s in active:
                    if s["kind"] == "committee":
                        s["members"] = round(180 * s["weight"])
                    elif s["kind"] == "general_branch":
                        s["members"] = max(40, min(60, round(52 * s["weight"])))
                rest = held - sum(s["members"] for s in active if s["kind"] != "branch")
                for s, m in zip(small, _shares(rest, [s["weight"] for s in small]), strict=True):
                    s["members"] = max(8, min(44, m))
                return
            for s, m in zip(active, _shares(held, [s["weight"] for s in active]), strict=True):
                s["members"] = m
            if small and general:  # a community's one branch keeps under 50 members
                for s in small:
                    s["members"] = max(8, min(44, s["members"]))
                rest = held - sum(s["members"] for s in small)
                for s, m in zip(general, _shares(rest, [s["weight"] for s in general]), strict=True):
                    s["members"] = m

        allocate()
        if not (r.orgs and "branch" in r.orgs):
            return
        while True:
            own = [u for s in active for u in s["units"] if u[1]]
            budget = r.orgs["branch"] - len(small) - len(own) - sum(2 * s["cycle"] + s["joint"] for s in active)
            need = [_grids_for(s["members"]) for s in general]
            if sum(need) <= budget:
                break
            # too many branches: a partner unit's organization belongs to its own system (not in these
            # rosters), taken from the community with the most partners with a branch
            with_own = [s for s in active if sum(u[1] and u[0] is not True for u in s["units"]) > 1]
            if not with_own:
                raise InputError("synth.branches", n=r.orgs["branch"], members=r.members)
            s = max(with_own, key=lambda s: sum(u[1] for u in s["units"]))
            next(u for u in reversed(s["units"]) if u[1] and u[0] is not True)[1] = False
            allocate()
        for s, k in zip(general, need, strict=True):
            s["grids"] = k
        heap = [(-s["members"] / s["grids"], j) for j, s in enumerate(general)]
        heapq.heapify(heap)
        for _ in range(budget - sum(need)):  # the branches left to the report's count: where members are most
            _, j = heapq.heappop(heap)
            general[j]["grids"] += 1
            heapq.heappush(heap, (-general[j]["members"] / general[j]["grids"], j))

    def settle(self, r: Report) -> None:
        """After the rosters: the report's member total, then situations, reporting, ages and education
        by exact quotas; the member-level gaps and the kinds of the general branches follow from them."""
        rows = self.plan.rows[MEMBER]
        orgs = {o["id"]: o for o in self.plan.rows[ORG]}
        if r.members is not None:
            self._total(rows, r.members)
        counted = [m for m in rows if not m.get("transferred_on")]  # the others' membership starts after the date
        size = Counter(m["org"] for m in counted)
        formal = Counter(m["org"] for m in counted if m["status"] == "正式党员")
        for b in self.free:  # 7 formal members or more: a committee
            orgs[b]["has_committee"] = "是" if formal[b] >= 7 else "否"
        for corg in self.general:  # 100 members or more: a committee, unless the report counts it a general branch
            if sum(size[o] for o in self._subtree(corg)) >= 100:
                if r.orgs and "general_branch" in r.orgs or r.own_orgs or self.chance("large-org-not-committee"):
                    self.truth("large-org-not-committee", corg)
                else:
                    row = orgs[corg]
                    row["kind"], row["name"] = "党委", row["name"].replace("党总支", "党委")
        by_id = {m["id"]: m for m in rows}
        regular = [by_id[x] for x in self.regular]
        self._situations(counted, regular, r)
        for m in regular:
            if m["situation"] == "离退休" and m["status"] == "正式党员" and self.chance("lost-contact"):
                m["situation"], m["lost_since"] = "失联", self.days_ago(200, 900)
                self.truth("lost-contact", m["id"])
        serving = [m for m in rows if m["situation"] == "在职"]
        if r.reported is not None:
            if not 0 <= r.reported <= len(serving):
                raise InputError("synth.reported", n=r.reported, serving=len(serving))
            missing = set(self.rng.sample(range(len(serving)), len(serving) - r.reported))
        elif r.units_reported is not None:  # the units' members exactly, one kept in each unit; the others drawn
            kept, others = set(), []
            for i, m in enumerate(serving):
                if m["unit"] and m["unit"] not in kept:
                    kept.add(m["unit"])
                elif m["unit"]:
                    others.append(i)
            missing = set(self.rng.sample(others, self.unit_missing))
            missing |= {i for i, m in enumerate(serving) if not m["unit"] and self.chance("member-not-reported")}
        else:
            missing = {i for i in range(len(serving)) if self.chance("member-not-reported")}
        for i, m in enumerate(serving):
            if i in missing:
                m["reported_to"] = m["reported_on"] = ""
                self.truth("member-not-reported", m["id"])
        self._ages(counted, r)
        if r.college is not None:
            if not 0 <= r.college <= len(counted):
                raise InputError("synth.college", n=r.college)
            weights = {"under_35": 3.0, "35_to_60": 1.5, "over_60": 0.6}
            college = {id(m) for m in self._sample(counted, r.college,
                                                   lambda m: weights[self._band(m["birth_date"])])}  # fmt: skip
            for m in counted:
                m["education"] = "大学本科" if id(m) in college else "高中"

    def _total(self, rows: list[dict], target: int) -> None:
        """Add members to (or take them from) the residents' branches of no planted gap, keeping each
        between 4 and 48 members, until the directly managed members number ``target``."""
        size = Counter(m["org"] for m in rows if not m.get("transferred_on"))
        delta, removed = target - sum(size.values()), set()
        while delta:
            step = 1 if delta > 0 else -1
            room = sorted((b for b in self.free if (size[b] < 48 if step > 0 else size[b] > 4 and self.free[b][3])),
                          key=lambda b: (step * size[b], b))  # fmt: skip
            if not room:
                raise InputError("synth.members", n=target)
            for b in room[: abs(delta)]:
                home, target_org, region, mids = self.free[b]
                if step > 0:
                    mids.append(self.member(b, home, region, report_to=target_org))
                    self.regular.append(mids[-1])
                else:
                    removed.add(mids.pop())
                size[b] += step
                delta -= step
        if removed:
            rows[:] = [m for m in rows if m["id"] not in removed]
            self.regular = [x for x in self.regular if x not in removed]
            for team in self.plan.rows[VOLUNTEER_TEAM]:  # its listed members that are no more
                team["members"] = "、".join(x for x in team["members"].split("、") if x and x not in removed)

    def _situations(self, counted: list[dict], regular: list[dict], r: Report) -> None:
        """The report's in-service and mobile members exactly (those working in a unit, and the planted
        ones, keep theirs); the rest by the preset's shares."""
        labels = {"in_service": "在职", "retired": "离退休", "unemployed": "下岗失业", "mobile": "流动", "student": "学生"}
        given = {k: v for k, v in (("in_service", r.in_service), ("mobile", r.mobile)) if v is not None}
        if not given:
            return
        ids = {id(m) for m in regular}
        fixed = Counter(m["situation"] for m in counted if id(m) not in ids)
        quotas = {k: v - fixed[labels[k]] for k, v in given.items()}
        others = {k: w for k, w in self.p.situations.items() if k not in quotas}
        quotas.update(zip(others, _shares(len(regular) - sum(quotas.values()), list(others.values())), strict=True))
        if any(v < 0 for v in quotas.values()):
            raise InputError("synth.situations", quotas=quotas)
        drawn = [k for k, v in quotas.items() for _ in range(v)]
        self.rng.shuffle(drawn)
        for m, k in zip(regular, drawn, strict=True):
            m["situation"] = labels[k]
            serving = k == "in_service"
            m["reported_to"] = self.report_to[m["id"]] if serving else ""
            m["reported_on"] = (m["reported_on"] or self.days_ago(30, 700)) if serving else ""
            if k == "student" and r.ages is None and not 18 <= self._age(m["birth_date"]) <= 24:
                self._rebirth(m, self.rng.randint(18, 24))

    def _ages(self, counted: list[dict], r: Report) -> None:
        """The report's age bands exactly: students under 35; the older bands drawn mostly from the retired,
        the younger from those in service, mobile or unemployed."""
        if r.ages is None:
            return
        under, middle, over = r.ages
        if under + middle + over != len(counted):
            raise InputError("synth.age_sum", n=under + middle + over, members=len(counted))
        students = [m for m in counted if m["situation"] == "学生"]
        rest = [m for m in counted if m["situation"] != "学生"]
        old_w = {"离退休": 8.0, "失联": 4.0, "下岗失业": 1.0, "流动": 0.5, "在职": 0.2}
        young_w = {"在职": 3.0, "流动": 3.0, "下岗失业": 2.0, "失联": 1.0, "离退休": 0.1}
        if len(students) > under or over > len(rest):
            raise InputError("synth.ages")
        old = {id(m) for m in self._sample(rest, over, lambda m: old_w[m["situation"]])}
        rest = [m for m in rest if id(m) not in old]
        young = {id(m) for m in self._sample(rest, under - len(students), lambda m: young_w[m["situation"]])}
        for m in counted:
            if m["situation"] == "学生":
                age = self.rng.randint(18, 24)
            else:
                age = self.rng.randint(*((61, 88) if id(m) in old else (22, 34) if id(m) in young else (35, 60)))
            self._rebirth(m, age)

    def _sample(self, items: list[dict], k: int, weight) -> list[dict]:
        """``k`` of ``items``, drawn without replacement with the given weights (exactly ``k``)."""
        keys = [(self.rng.random() ** (1.0 / weight(m)), j) for j, m in enumerate(items)]
        return [items[j] for _, j in heapq.nlargest(k, keys)]

    def _age(self, born: str) -> int:
        b = date.fromisoformat(born)
        return self.today.year - b.year - ((b.month, b.day) > (self.today.month, self.today.day))

    def _band(self, born: str) -> str:
        age = self._age(born)
        return "under_35" if age < 35 else "over_60" if age > 60 else "35_to_60"

    def _rebirth(self, m: dict, age: int) -> None:
        """A new birthday (and so ID number and date of joining) for a member ``age`` years old."""
        born = self.born(age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        m["birth_date"] = born.isoformat()
        m["id_number"] = self.id_number(born, m["sex"] == "女", m["id_number"][:6])
        m["joined_on"] = date(min(self.today.year - 1, born.year + self.rng.randint(18, max(19, age - 1))), 7, 1).isoformat()

    def _subtree(self, org: str) -> set[str]:
        seen, stack = {org}, [org]
        while stack:
            for child in self.led.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

def _months_before(day: date, months: int) -> str:
    from dangjian.queries.index import add_months

    return add_months(day.isoformat(), -months)


def _months_after(day: date, months: int) -> str:
    from dangjian.queries.index import add_months

    return add_months(day.isoformat(), months)


def _years_before(today: date, years: int, days: int) -> str:
    """``years`` years and ``days`` days before ``today`` (29 February becomes the 28th)."""
    y = today.year - years
    d = today.replace(year=y, day=min(today.day, 28)) if today.month == 2 else today.replace(year=y)
    return (d - timedelta(days=days)).isoformat()


def synthesize(src: str | os.PathLike, region: str, preset: str | Preset, *, scale: float = 1.0, seed: int = 1,
               as_of: str | date | None = None, communities: int | None = None) -> Plan:  # fmt: skip
    """The synthetic rosters and ground truth for the official areas under ``region`` (tables in
    ``src``), as on ``as_of`` (default today). ``preset``: a name in :data:`PRESETS` or a
    :class:`Preset`. ``communities``: only so many communities of the region (see :func:`choose`),
    with their streets and townships; when that is the size of the preset's report (and ``scale``
    is 1), the report's figures come out exactly (:class:`Report`). Raises :class:`InputError` for
    an unknown preset or region, or too many communities."""
    if isinstance(preset, str) and preset not in PRESETS:
        raise InputError("synth.no_preset", preset=preset, presets=", ".join(PRESETS))
    if not scale > 0:
        raise InputError("synth.scale")
    try:
        today = date.fromisoformat(str(as_of)) if as_of is not None else date.today()
    except ValueError:
        raise InputError("synth.as_of", value=as_of) from None
    p = PRESETS[preset] if isinstance(preset, str) else preset
    gen = _Gen(p, scale, seed, today)
    rows = list(division_rows(src, region))
    report = p.report if p.report and communities == p.report.communities and scale == 1 else None
    if communities is not None:
        keep = choose(rows, communities, report)
        rows = [r for r in rows if r["code"] in keep]
    has_communities = {r["parent"] for r in rows if r["level"] in ("community", "village")}
    gen.report = report
    shapes = gen.shapes([r for r in rows if r["level"] in ("community", "village")], report) if report else {}
    gen.deferred = report is not None
    committees: dict[str, str] = {}
    for r in rows:
        if r["level"] in ("community", "village"):
            gen.community({**r, "region": r["code"]}, committees.get(r["parent"]), shapes.get(r["code"]))
            continue
        gen.area(r["code"], r["name"], r["level"], r["parent"], r["official_name"])
        if r["level"] not in ("street", "township") or r["code"] not in has_communities:
            continue
        if report and r["level"] == "township":  # a township committee (党委), led by the county's (not here)
            committees[r["code"]] = gen.township(r["code"], r["name"])
        elif (not report or "working_committee" not in (report.orgs or {})) \
                and gen.chance("street-without-working-committee"):  # fmt: skip
            gen.truth("street-without-working-committee", r["code"])
        else:
            committees[r["code"]] = gen.street(r["code"], r["name"])
    if report:
        gen.settle(report)
    gen.activities()  # once every member, unit and agreement is final
    return gen.plan


def choose(rows: list[dict], n: int, report: Report | None = None) -> set[str]:
    """The codes of ``n`` communities of ``rows`` (division rows, top down) and of the areas above
    them: communities before villages, each in code order; for a report that says how many
    communities were under how many streets (``Report.streets``), the first streets in code order
    whose communities make that number (past 40 streets, those that leave out the last streets by code;
    with their villages too where their communities alone cannot make it), then the communities (then villages) of townships."""
    levels = {r["code"]: r["level"] for r in rows}
    parent = {r["code"]: r["parent"] for r in rows}
    places = sorted((r for r in rows if r["level"] in ("community", "village")),
                    key=lambda r: (r["level"] != "community", r["code"]))  # fmt: skip
    if not 0 < n <= len(places):
        raise InputError("synth.communities", n=len(places))
    chosen = [r["code"] for r in places[:n]]
    if report and report.streets and n == report.communities:
        k, under = report.streets
        by_street: dict[str, list[str]] = {}
        for r in places:
            if r["level"] == "community" and levels.get(r["parent"]) == "street":
                by_street.setdefault(r["parent"], []).append(r["code"])
        township = [r["code"] for r in places if levels.get(r["parent"]) == "township"]
        streets = sorted(by_street)
        pick = None
        if len(streets) <= 40 and n - under <= len(township):
            pick = next((c for c in itertools.combinations(streets, k) if sum(len(by_street[s]) for s in c) == under),
                        None)  # fmt: skip
        elif n - under <= len(township):
            pick = _summing([len(by_street[s]) for s in streets], k, under)
            if pick is None:  # the streets' villages too
                for r in places:
                    if r["level"] == "village" and levels.get(r["parent"]) == "street":
                        by_street.setdefault(r["parent"], []).append(r["code"])
                streets = sorted(by_street)
                pick = _summing([len(by_street[s]) for s in streets], k, under)
            pick = None if pick is None else [streets[i] for i in pick]
        if pick is not None:
            chosen = [c for s in pick for c in by_street[s]] + township[: n - under]
    keep = set()
    for code in chosen:
        while code and code not in keep:
            keep.add(code)
            code = parent.get(code, "")
    return keep


def _summing(sizes: list[int], k: int, total: int) -> list[int] | None:
    """The indices of ``k`` of ``sizes`` that add up to ``total``, leaving out the last ones wherever
    it can (None if none do): the reachable sums as bit sets, by how many were taken, after each size.

    >>> _summing([5, 3, 4, 2], 2, 7), _summing([5, 3], 2, 9)
    ([1, 2], None)
    """
    mask = (1 << (total + 1)) - 1
    tables = [[1] + [0] * k]  # tables[i][j]: the sums of j sizes among the first i, as bits
    for size in sizes:
        prev = tables[-1]
        tables.append([prev[0]] + [(prev[j] | (prev[j - 1] << size)) & mask for j in range(1, k + 1)])
    if not tables[-1][k] >> total & 1:
        return None
    picked, j, left = [], k, total
    for i in range(len(sizes), 0, -1):  # the last ones left out whenever the sum is reachable without them
        if tables[i - 1][j] >> left & 1:
            continue
        picked.append(i - 1)
        j, left = j - 1, left - sizes[i - 1]
    return sorted(picked)


def _shares(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` into whole numbers that add up to it (largest remainders)."""
    if not weights:
        return []
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    for j in sorted(range(len(raw)), key=lambda j: out[j] - raw[j])[: total - sum(out)]:
        out[j] += 1
    return out


def _grids_for(members: int) -> int:
    """Branches for a community's members: the first at most 40 (it hosts the planted members), the
    others at most 46, so that none passes 50."""
    return 1 if members <= 40 else 1 + math.ceil((members - 40) / 46)


def _split(members: int, k: int) -> list[int]:
    """``members`` into ``k`` branches, the first at most 40."""
    if k == 1:
        return [members]
    first = min(40, round(members / k))
    rest = members - first
    return [first] + [rest // (k - 1) + (1 if i < rest % (k - 1) else 0) for i in range(k - 1)]


def write_plan(plan: Plan, out: str | os.PathLike, **about: object) -> dict[str, int]:
    """Write the rosters (UTF-8 CSV, one per type, named and headed as the loaders read them:
    :func:`roster_headers`) and ``ground_truth.json`` (the findings the planted gaps must cause on
    ``plan.as_of``; JSON, so that loading the folder reads only the rosters) into folder ``out``;
    rows written per file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for (t, cols), (roster, header) in zip(COLUMNS.items(), roster_headers().items(), strict=True):
        rows = plan.rows[t]
        written[f"{roster}.csv"] = len(rows)
        atomic_write_text(out / f"{roster}.csv", _csv([header, *([r.get(c, "") for c in cols] for r in rows)]))
    truth = {"as_of": plan.as_of, **about, "findings": [{"rule": r, "entity": e} for r, e in sorted(plan.truth)]}
    atomic_write_text(out / "ground_truth.json", json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    written["ground_truth.json"] = len(plan.truth)
    return written


def _csv(rows) -> str:
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
