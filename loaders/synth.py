"""Synthetic Party-building data over real areas, written as the very roster files the loaders read,
with gaps planted at known places and a ground-truth file listing every finding they must cause.

The areas are official (:mod:`dangjian.loaders.divisions`); everything else is made up: people's
names from common surnames and given-name characters, unit names from common patterns, ID numbers
with valid check digits. The same preset, scale and seed give the same files.

Away from the planted gaps the data satisfies every rule: each street has a working committee; each
community an organization (a committee once it has 100 members or more) with a secretary, a
liaison leader, a venue and funds above standard, and at least two partner units under agreements
in force; each grid a compound whose branch (3 to 50 members, a committee from 7 formal members)
is anchored there; in-service members have reported to their community; terms run for more than six
months yet. Each planted gap breaks one thing, and the ground truth lists the findings it causes.

>>> from dangjian.loaders.divisions import shipped_divisions
>>> plan = synthesize(shipped_divisions(), "530702003", "lijiang", seed=1, as_of="2026-11-22")
>>> plan.counts()["区域"] > 6, all(rule in PLANTED_RULES for rule, _ in plan.truth)
(True, True)
"""

from __future__ import annotations

import csv
import json
import os
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dangjian.graph.errors import InputError
from dangjian.graph.fileio import atomic_write_text
from dangjian.loaders.divisions import division_rows

__all__ = ["PRESETS", "Preset", "Plan", "synthesize", "write_plan", "PLANTED_RULES"]


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
}  # fmt: skip
#: the rules a preset plants (all but community-no-first-secretary, which only a config turns on)
PLANTED_RULES = tuple(sorted(_COMMON_GAPS))

PRESETS = {
    # 丽江市 2011: 4,995 members in 49 communities; 1,262 of 2,320 unit members reported
    "lijiang": Preset(102, (2, 4), (2, 4), {"in_service": 0.46, "retired": 0.38, "unemployed": 0.08, "mobile": 0.05,
                                            "student": 0.03}, (0.22, 0.48, 0.30), 0.38, 0.42,
                      {**_COMMON_GAPS, "member-not-reported": 0.46, "venue-under-standard": 7 / 49}),
    # 雨花区 ~2004: 3,791 members in 78 communities, 5 without an organization; 847/1,872/1,072 by age
    "yuhua": Preset(49, (2, 3), (1, 3), {"in_service": 0.40, "retired": 0.42, "unemployed": 0.06, "mobile": 0.08,
                                         "student": 0.04}, (847 / 3791, 1872 / 3791, 1072 / 3791), 1668 / 3791, 0.45,
                    {**_COMMON_GAPS, "community-without-org": 5 / 78}),
    # 同江市 2018: 9 communities, 160 resident units
    "tongjiang": Preset(60, (8, 12), (3, 5), {"in_service": 0.50, "retired": 0.36, "unemployed": 0.07, "mobile": 0.04,
                                              "student": 0.03}, (0.20, 0.50, 0.30), 0.40, 0.44, dict(_COMMON_GAPS)),
    # 成都市 ~2015: 65,760 members in 1,396 communities
    "chengdu": Preset(47, (2, 5), (2, 4), {"in_service": 0.45, "retired": 0.40, "unemployed": 0.05, "mobile": 0.06,
                                           "student": 0.04}, (0.25, 0.47, 0.28), 0.50, 0.46, dict(_COMMON_GAPS)),
}  # fmt: skip

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋东峰建国志文"
GIVEN_F = "芳娜敏静丽艳娟霞秀英慧巧美娅雪琳玲婷倩颖洁燕梅兰凤红云琴萍晶丹"
UNIT_PATTERNS = [("{p}社区卫生服务中心", "事业单位", False), ("{p}小学", "事业单位", False),
                 ("{p}供电所", "国有企业", False), ("{p}税务所", "党政机关", False),
                 ("{p}商贸有限公司", "非公有制企业", True), ("{p}物业服务有限公司", "非公有制企业", True),
                 ("{p}农贸市场", "市场", False), ("{p}社会工作服务中心", "社会组织", True)]  # fmt: skip
HEADERS = {
    "区域": ["区域编码", "区域名称", "层级", "上级区域", "户数", "人口", "活动场所面积", "年度工作经费", "正式名称"],
    "党组织": ["组织编码", "党组织名称", "组织类别", "上级党组织", "所在区域", "所在单位", "联合单位", "是否设委员会",
            "本届选举日期"],
    "驻区单位": ["单位编号", "单位名称", "单位类别", "是否两新组织", "所在社区", "职工人数"],
    "党员": ["党员编号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "学历", "入党日期", "党员类别", "党员情况",
           "所在党组织", "转入日期", "工作单位", "居住地", "报到党组织", "报到日期", "失联日期"],
    "人员": ["人员编号", "姓名", "职务身份", "联系电话"],
    "任职": ["人员", "职务", "任职对象", "任职日期"],
    "共建协议": ["协议编号", "协议名称", "社区党组织", "共建单位", "签订日期", "起始日期", "到期日期"],
}  # fmt: skip
_LEVELS = {"province": "省", "city": "市", "district": "区县", "street": "街道", "township": "乡镇",
           "community": "社区", "village": "村"}  # fmt: skip
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class Plan:
    """The rosters (kind -> rows as dicts) and the ground truth: (rule id, entity id) pairs."""

    as_of: str
    rows: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in HEADERS})
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

    # -- small helpers -------------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        self.seq[prefix] = self.seq.get(prefix, 0) + 1
        return f"{prefix}{self.seq[prefix]:06d}"

    def chance(self, rule: str) -> bool:
        return self.rng.random() < self.p.gaps.get(rule, 0.0)

    def add(self, kind: str, **row) -> dict:
        self.plan.rows[kind].append(row)
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
        return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _W, strict=True)) % 11]

    def post(self, person: str, role: str, target: str) -> None:
        self.add("任职", 人员=person, 职务=role, 任职对象=target, 任职日期=self.days_ago(60, 900))

    def org(self, oid: str, name: str, kind: str, superior: str | None, area: str = "", unit: str = "",
            elected: str | None = None, committee: bool = False, secretary: str | None = None) -> dict:  # fmt: skip
        if superior:
            self.led.setdefault(superior, set()).add(oid)
        self.branch_at.setdefault(area, oid)
        row = self.add("党组织", 组织编码=oid, 党组织名称=name, 组织类别=kind, 上级党组织=superior or "", 所在区域=area,
                       所在单位=unit, 是否设委员会="是" if committee else "否",
                       本届选举日期=elected if elected is not None else self.days_ago(60, 700))  # fmt: skip
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
        born = date(self.today.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        female = self.rng.random() < p.female
        mid = self.next_id("M")
        joined = date(min(self.today.year - 1, born.year + self.rng.randint(18, max(19, age - 1))), 7, 1)
        in_service = situation == "in_service"
        self.add("党员", 党员编号=mid, 姓名=self.name(female), 身份证号=self.id_number(born, female, region),
                 联系电话=f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}", 性别="女" if female else "男",
                 出生日期=born.isoformat(), 学历="大学本科" if self.rng.random() < p.college else "高中",
                 入党日期=joined.isoformat(), 党员类别="正式党员" if formal else "预备党员",
                 党员情况={"in_service": "在职", "retired": "离退休", "unemployed": "下岗失业", "mobile": "流动",
                       "student": "学生", "lost_contact": "失联"}[situation],
                 所在党组织=org, 工作单位=unit, 居住地=home,
                 报到党组织=(report_to if in_service else ""),
                 报到日期=(self.days_ago(30, 700) if in_service and report_to else ""))  # fmt: skip
        return mid

    # -- the layer ---------------------------------------------------------------------------------
    def area(self, code: str, name: str, level: str, parent: str, official: str = "", **extra) -> None:
        self.add("区域", 区域编码=code, 区域名称=name, 层级=_LEVELS.get(level, level), 上级区域=parent,
                 正式名称=official, **extra)  # fmt: skip

    def person(self, role: str) -> str:
        pid = self.next_id("P")
        female = self.rng.random() < 0.4
        self.add("人员", 人员编号=pid, 姓名=self.name(female), 职务身份=role,
                 联系电话=f"139{self.rng.randrange(10**8):08d}")  # fmt: skip
        return pid

    def street(self, code: str, name: str) -> str:
        wc = self.next_id("O")
        self.org(wc, f"{name}党工委", "党工委", None, area=code, committee=True,
                 secretary=self.person("街道（乡镇）党工委书记"))  # fmt: skip
        return wc

    def community(self, c: dict, wc: str | None) -> None:
        p, code, name = self.p, c["code"], c["name"]
        hh = self.rng.randint(800, 4000)
        venue = self.rng.randint(160, 700)
        funds = self.rng.randint(25, 120) * 1000
        if self.chance("venue-under-standard"):
            venue = self.rng.randint(30, 140)
            self.truth("venue-under-standard", code)
        if self.chance("funds-under-standard"):
            funds = self.rng.randint(5, 19) * 1000
            self.truth("funds-under-standard", code)
        self.area(code, name, c["level"], c["parent"], c["official_name"], 户数=hh, 人口=hh * 3, 活动场所面积=venue,
                  年度工作经费=funds)  # fmt: skip
        if self.chance("community-no-liaison"):
            self.truth("community-no-liaison", code)
        else:
            self.post(self.person("区级领导"), "联系领导", code)
        if self.chance("community-without-org"):  # no organization, so no partners either
            self.truth("community-without-org", code)
            self.truth("community-few-partners", code)
            return
        members = max(8, round(p.members * self.scale * self.rng.uniform(0.7, 1.3)))
        grids = max(self.rng.randint(*p.grids), -(-members // 40))  # at most 40 members a branch
        per_branch = [members // grids + (1 if i < members % grids else 0) for i in range(grids)]
        per_branch = [min(40, max(4, n)) for n in per_branch]  # room for the members planted in the first
        corg = self.next_id("O")
        superior = wc
        if self.chance("org-without-superior"):
            superior = None
        if superior is None:  # planted here, or its street has no working committee (planted there)
            self.truth("org-without-superior", corg)
        row = self.org(corg, f"{name}党总支", "党总支", superior, area=code, elected=self._elected(corg, 5),
                       committee=True, secretary=self._secretary(corg))  # fmt: skip
        first_member = len(self.plan.rows["党员"])
        homes = []
        for i, n in enumerate(per_branch, start=1):
            homes.append(self.grid(code, name, i, corg, n, c["region"]))
        self.plant_areas(code, name, len(per_branch) + 1, corg, c["region"], homes)
        self.units(code, name, corg, homes, c["region"])
        if self.chance("leadership-cycle"):
            a, b = self.next_id("O"), self.next_id("O")
            for me, other in ((a, b), (b, a)):
                self.org(me, f"{name}{me[-3:]}党支部", "党支部", other, area=code, secretary=self._secretary(me))
                for _ in range(3):
                    self.member(me, homes[0], c["region"], situation="retired")
            self.truth("leadership-cycle", min(a, b))
        # 100 members or more in its branches: a committee (党委), unless that gap is planted here
        led = self.led.get(corg, set())
        total = sum(1 for m in self.plan.rows["党员"][first_member:]
                    if m["所在党组织"] in led and not m.get("转入日期"))  # fmt: skip
        if total >= 100:
            if self.chance("large-org-not-committee"):
                self.truth("large-org-not-committee", corg)
            else:
                row["组织类别"], row["党组织名称"] = "党委", f"{name}党委"

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

    def grid(self, code: str, name: str, i: int, corg: str, n: int, region: str) -> str:
        g, home = f"{code}-G{i:02d}", f"{code}-G{i:02d}-C01"
        self.area(g, f"{name}第{i}网格", "网格", code)
        self.area(home, f"{name}{i}号小区", "小区", g, 户数=self.rng.randint(200, 900))
        branch = self.next_id("O")
        formal = n
        if i > 1 and self.chance("branch-too-small"):  # the first branch hosts the planted members
            n, formal = 3, 2
            self.truth("branch-too-small", branch)
        elif i > 1 and self.chance("branch-too-large"):
            n = formal = 51
            self.truth("branch-too-large", branch)
        committee = formal >= 7
        if committee and self.chance("needs-committee"):
            committee = False
            self.truth("needs-committee", branch)
        self.org(branch, f"{name}第{i}党支部", "党支部", corg, area=home, elected=self._elected(branch, 3),
                 committee=committee, secretary=self._secretary(branch))  # fmt: skip
        for k in range(n):
            mid = self.member(branch, home, region, formal=k < formal, report_to=corg)
            self.plant_member(mid, corg)
        return home

    def plant_member(self, mid: str, corg: str) -> None:
        row = self.plan.rows["党员"][-1]
        if row["党员情况"] == "在职" and self.chance("member-not-reported"):
            row["报到党组织"] = row["报到日期"] = ""
            self.truth("member-not-reported", mid)
        elif row["党员情况"] == "离退休" and row["党员类别"] == "正式党员" and self.chance("lost-contact"):
            row["党员情况"], row["失联日期"] = "失联", self.days_ago(200, 900)
            self.truth("lost-contact", mid)

    def plant_areas(self, code: str, name: str, i: int, corg: str, region: str, homes: list[str]) -> None:
        if self.chance("grid-without-group"):  # a grid with nothing anchored in it or below
            g = f"{code}-G{i:02d}"
            self.area(g, f"{name}第{i}网格", "网格", code)
            self.truth("grid-without-group", g)
        if self.chance("residence-without-group"):  # a compound where 3 members of another branch live
            extra = f"{homes[0][:-3]}C02"
            self.area(extra, f"{name}新建小区", "小区", homes[0][:-4])
            host = self._host_branch(homes[0])
            for _ in range(3):
                self.member(host, extra, region, situation="retired")
            self.truth("residence-without-group", extra)
        if self.chance("mobile-member-unattached"):  # away, and the membership starts after the date
            mid = self.member(self._host_branch(homes[0]), homes[0], region, situation="mobile")
            self.plan.rows["党员"][-1]["转入日期"] = (self.today + timedelta(days=30)).isoformat()
            self.truth("mobile-member-unattached", mid)
        if self.chance("joint-branch-too-many-units"):  # one joint branch for six small 两新 units
            units = [self.unit(code, name, two_new=True, staff=8) for _ in range(6)]
            joint = self.next_id("O")
            self.org(joint, f"{name}两新组织联合党支部", "党支部", corg, area=code, elected=self._elected(joint, 5),
                     secretary=self._secretary(joint))["联合单位"] = "、".join(units)  # fmt: skip
            for _ in range(3):
                self.member(joint, homes[0], region, situation="retired")
            self.truth("joint-branch-too-many-units", joint)
        if self.chance("member-without-org"):  # a membership that starts after the date
            host = self._host_branch(homes[0])
            mid = self.member(host, homes[0], region, situation="retired")
            self.plan.rows["党员"][-1]["转入日期"] = (self.today + timedelta(days=30)).isoformat()
            self.truth("member-without-org", mid)

    def _host_branch(self, home: str) -> str:
        return self.branch_at[home]

    def unit(self, code: str, name: str, two_new: bool | None = None, staff: int | None = None) -> str:
        uid = self.next_id("U")
        patterns = [x for x in UNIT_PATTERNS if two_new is None or x[2] == two_new]
        pattern, category, is_two_new = self.rng.choice(patterns)
        self.add("驻区单位", 单位编号=uid, 单位名称=pattern.format(p=f"{name}{uid[-4:]}"), 单位类别=category,
                 是否两新组织="是" if is_two_new else "否", 所在社区=code,
                 职工人数=staff if staff is not None else self.rng.randint(10, 200))  # fmt: skip
        return uid

    def agreement(self, corg: str, uid: str, name: str, expired: bool = False) -> str:
        aid = self.next_id("A")
        start = self.days_ago(900, 1500) if expired else self.days_ago(30, 700)
        end = self.days_ago(30, 300) if expired else (self.today + timedelta(days=self.rng.randint(200, 900))).isoformat()
        self.add("共建协议", 协议编号=aid, 协议名称=f"{name}共驻共建协议", 社区党组织=corg, 共建单位=uid, 签订日期=start,
                 起始日期=start, 到期日期=end)  # fmt: skip
        return aid

    def units(self, code: str, name: str, corg: str, homes: list[str], region: str) -> None:
        n = max(2, round(self.rng.randint(*self.p.units) * self.scale))
        if self.chance("community-few-partners"):
            n = 0
            self.truth("community-few-partners", code)
        elif self.chance("community-single-partner"):
            n = 1
            self.truth("community-single-partner", code)
        skip_agreement = n >= 3 and self.chance("unit-org-no-agreement")
        for k in range(n):
            uid = self.unit(code, name)
            branch = self.next_id("O")
            self.org(branch, f"{name}{uid[-4:]}单位党支部", "党支部", corg, unit=uid, elected=self._elected(branch, 3),
                     committee=False, secretary=self._secretary(branch))  # fmt: skip
            for _ in range(self.rng.randint(3, 6)):
                self.member(branch, self.rng.choice(homes), region, situation="in_service", unit=uid, report_to=corg)
                self.plant_member(self.plan.rows["党员"][-1]["党员编号"], corg)
            if k == 0 and skip_agreement:
                self.truth("unit-org-no-agreement", uid)
            else:
                self.agreement(corg, uid, name)
        host = self._host_branch(homes[0])
        if self.chance("unit-needs-own-branch"):  # 3 formal members work there, no branch of its own
            uid = self.unit(code, name, two_new=False)
            for _ in range(3):
                self.member(host, homes[0], region, situation="in_service", unit=uid, report_to=corg)
            self.truth("unit-needs-own-branch", uid)
        if self.chance("small-unit-uncovered"):  # 1 formal member works there, no organization covers it
            uid = self.unit(code, name, two_new=False)
            self.member(host, homes[0], region, situation="in_service", unit=uid, report_to=corg)
            self.truth("small-unit-uncovered", uid)
        if self.chance("two-new-unit-no-coverage"):  # a 两新 unit with no member, organization or instructor
            self.truth("two-new-unit-no-coverage", self.unit(code, name, two_new=True, staff=12))
        if self.chance("agreement-expired"):  # ended, with a unit that has no agreement in force
            uid = self.unit(code, name, two_new=False)
            self.truth("agreement-expired", self.agreement(corg, uid, name, expired=True))


def _years_before(today: date, years: int, days: int) -> str:
    """``years`` years and ``days`` days before ``today`` (29 February becomes the 28th)."""
    y = today.year - years
    d = today.replace(year=y, day=min(today.day, 28)) if today.month == 2 else today.replace(year=y)
    return (d - timedelta(days=days)).isoformat()


def synthesize(src: str | os.PathLike, region: str, preset: str | Preset, *, scale: float = 1.0, seed: int = 1,
               as_of: str | date | None = None) -> Plan:  # fmt: skip
    """The synthetic rosters and ground truth for the official areas under ``region`` (tables in
    ``src``), as on ``as_of`` (default today). ``preset``: a name in :data:`PRESETS` or a
    :class:`Preset`. Raises :class:`InputError` for an unknown preset or region."""
    if isinstance(preset, str) and preset not in PRESETS:
        raise InputError(f"no preset {preset!r} (presets: {', '.join(PRESETS)})")
    if not scale > 0:
        raise InputError("scale must be a positive number")
    try:
        today = date.fromisoformat(str(as_of)) if as_of is not None else date.today()
    except ValueError:
        raise InputError(f"as_of {as_of!r}: use a date such as 2026-11-22") from None
    gen = _Gen(PRESETS[preset] if isinstance(preset, str) else preset, scale, seed, today)
    rows = list(division_rows(src, region))
    has_communities = {r["parent"] for r in rows if r["level"] in ("community", "village")}
    committees: dict[str, str] = {}
    for r in rows:
        if r["level"] in ("community", "village"):
            gen.community({**r, "region": r["code"]}, committees.get(r["parent"]))
            continue
        gen.area(r["code"], r["name"], r["level"], r["parent"], r["official_name"])
        if r["level"] in ("street", "township") and r["code"] in has_communities:
            if gen.chance("street-without-working-committee"):
                gen.truth("street-without-working-committee", r["code"])
            else:
                committees[r["code"]] = gen.street(r["code"], r["name"])
    return gen.plan


def write_plan(plan: Plan, out: str | os.PathLike, **about: object) -> dict[str, int]:
    """Write the rosters (UTF-8 CSV, one per kind, with the loaders' headers) and
    ``ground_truth.json`` (the findings the planted gaps must cause on ``plan.as_of``; JSON, so that
    loading the folder reads only the rosters) into folder ``out``; rows written per file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, header in HEADERS.items():
        written[f"{kind}.csv"] = len(plan.rows[kind])
        atomic_write_text(out / f"{kind}.csv", _csv([header, *([r.get(h, "") for h in header]
                                                               for r in plan.rows[kind])]))  # fmt: skip
    truth = {"as_of": plan.as_of, **about, "findings": [{"rule": r, "entity": e} for r, e in sorted(plan.truth)]}
    atomic_write_text(out / "ground_truth.json", json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    written["ground_truth.json"] = len(plan.truth)
    return written


def _csv(rows) -> str:
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
