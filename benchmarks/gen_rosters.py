"""A deterministic synthetic roster set for benchmarks: one city of Party-building rosters in the
very CSV format the loader reads (UTF-8, Chinese headers taken from ``schema.yaml``).

    .venv/bin/python benchmarks/gen_rosters.py --members 100000 -o build/bench-rosters [--check]

Shape for N members (all references by id):

* 区域.csv: one city > a few districts > streets (~15 communities each) > communities (one per
  ~50 members) > 4 grids per community > 2 compounds per grid.
* 驻区单位.csv: one unit per ~25 members, two per community on average; most report to their
  community's 党委.
* 党组织.csv: a 党工委 per street, a 党委 per community and a 党支部 per ~20 members under it
  (residents, retirees, compound, unit, joint and functional branches), with 上级党组织 and
  所在区域 / 所在单位 / 联合单位 ids.
* 党员.csv: N members with 党员编号 ids, synthetic names, 18-character ID numbers with a valid
  GB 11643 check character (birth date and sex agree with the ID number), phone, education,
  dates, 党员类别, 党员情况, 所在党组织, 工作单位 (in service), 居住地 and 报到党组织.
* 任职.csv: a 书记 for every Party organization and a 网格长 for every grid.

The same ``--members`` and ``--seed`` always give byte-identical files. ``--check`` loads the
result into an in-memory workspace and fails unless every row loads (zero rejects).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import random
import sys
import time
from datetime import date
from pathlib import Path

from dangjian.graph.schema import model
from dangjian.loaders.normalize import id_check_digit

__all__ = ["generate", "FILES"]

# Roster file names (the roster's zh name, which is also a sheet-name hint for the loader).
FILES = {"Area": "区域.csv", "Unit": "驻区单位.csv", "PartyOrg": "党组织.csv", "Member": "党员.csv",
         "Post": "任职.csv"}  # fmt: skip

# The columns written for each roster, by property name; the headers are the zh labels.
COLUMNS = {
    "Area": ["id", "name", "level", "parent", "households", "population", "venue_area", "funds"],
    "Unit": ["id", "name", "category", "area", "employees", "member_count", "reported_to",
             "reported_on", "address"],
    "PartyOrg": ["id", "name", "kind", "branch_kind", "parent", "area", "unit", "covers",
                 "has_committee", "committee_size", "founded_on", "elected_on", "term_years"],
    "Member": ["id", "name", "id_number", "phone", "sex", "birth_date", "ethnicity", "education",
               "joined_on", "status", "situation", "org", "transferred_on", "unit", "residence",
               "reported_to", "reported_on", "mobile_destination", "mobile_since", "lost_since"],
    "Post": ["person", "role", "target", "valid_from"],
}  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红文军林斌宇浩凯健俊帆帅旭宁龙"
    "丹玲慧婷雪琳晶颖欣怡佳思雨嘉子晨阳博睿泽轩志国海波成荣新春利清飞彬富顺信永德"
)
PLACE = (
    "东西南北中新和平安康宁兴隆盛华光明阳春秋青松柏桃李花园河湖山水泉石桥林岭塘湾滨江城关文化"
    "丰乐福寿永定长兴金银玉龙凤祥瑞晨曦朝霞星月翠竹梅兰菊荷锦绣书香"
)
ETHNIC = ("回族", "满族", "壮族", "蒙古族", "土家族", "苗族", "彝族", "白族", "纳西族", "藏族")
UNIT_WORDS = ("科技", "商贸", "物业", "建设", "餐饮", "物流", "医药", "教育", "文化", "环保",
              "信息", "设计", "咨询", "食品", "电子", "机械", "置业", "传媒", "健康", "电力")  # fmt: skip
UNIT_SUFFIX = {
    "government": ("街道办事处", "税务所", "市场监管所", "司法所"),
    "institution": ("小学", "中学", "社区卫生服务中心", "幼儿园"),
    "soe": ("供电所", "燃气有限公司", "自来水公司", "邮政支局"),
    "private": ("有限公司", "有限责任公司", "股份有限公司", "个体工商户"),
    "social_org": ("志愿者协会", "社会工作服务中心", "商会", "养老服务中心"),
    "office_building": ("商务大厦", "写字楼", "金融中心", "创业大厦"),
    "park": ("产业园", "科技园", "工业园", "创业园"),
    "market": ("农贸市场", "商场", "建材市场", "批发市场"),
    "other": ("服务站", "工作站", "合作社", "中心"),
}
CITY_CODE = "4409"  # fictional prefecture code for the statistical area codes
REF_DAY = date(2025, 1, 1).toordinal()  # "today" for ages and dates (fixed: deterministic output)
YEAR = 365.2425


def id_check(first17: str) -> str:
    """GB 11643 check character (the project's one function for it)."""
    return id_check_digit(first17)


def _pick(rng: random.Random, weighted: list[tuple[str, float]]):
    """A function drawing one of the values with the given weights."""
    values, weights = zip(*weighted, strict=True)
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    rnd = rng.random
    return lambda: values[bisect.bisect(cum, rnd() * total)]


@functools.cache
def _day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _place_names(rng: random.Random, n: int, suffix: str) -> list[str]:
    """n distinct two-character place names (three characters once they run out) + suffix."""
    pairs = [a + b for a in PLACE for b in PLACE if a != b]
    rng.shuffle(pairs)
    out = []
    for i in range(n):
        base = pairs[i % len(pairs)]
        if i >= len(pairs):
            base += PLACE[(i // len(pairs)) % len(PLACE)]
        out.append(base + suffix)
    return out


class _Gen:
    def __init__(self, members: int, seed: int):
        self.n = members
        self.rng = random.Random(seed)
        m = model()
        self.m = m
        # zh label of an enum value, e.g. zh("org_kind", "branch") -> 党支部
        self.zh = lambda enum, value: m.enums[enum].label(value, "zh")
        self.rows: dict[str, list[list[str]]] = {t: [] for t in COLUMNS}

    def emit(self, rtype: str, **values) -> None:
        self.rows[rtype].append([values.get(c, "") for c in COLUMNS[rtype]])

    # -- areas ---------------------------------------------------------------------------------
    def areas(self) -> None:
        rng, zh = self.rng, self.zh
        n_comm = max(1, round(self.n / 50))
        n_dist = min(8, max(1, -(-n_comm // 250)))
        n_street = max(n_dist, round(n_comm / 15))
        self.city = CITY_CODE + "00000000"
        self.emit("Area", id=self.city, name="临江市", level=zh("area_level", "city"),
                  population=rng.randint(800_000, 3_000_000))  # fmt: skip
        dnames = _place_names(rng, n_dist, "区")
        snames = _place_names(rng, n_street, "街道")
        cnames = _place_names(rng, n_comm, "社区")
        self.districts = []
        for d in range(n_dist):
            code = f"{CITY_CODE}{d + 1:02d}000000"
            self.districts.append(code)
            self.emit("Area", id=code, name=dnames[d], level=zh("area_level", "district"), parent=self.city,
                      population=rng.randint(100_000, 600_000))  # fmt: skip
        self.streets = []  # (code, district code, name)
        per_d = [0] * n_dist
        for s in range(n_street):
            d = s * n_dist // n_street
            per_d[d] += 1
            code = f"{self.districts[d][:6]}{per_d[d]:03d}000"
            self.streets.append((code, self.districts[d], snames[s]))
            self.emit("Area", id=code, name=snames[s], level=zh("area_level", "street"),
                      parent=self.districts[d], population=rng.randint(20_000, 120_000),
                      venue_area=rng.randint(300, 3000), funds=rng.randint(10, 80) * 10_000)  # fmt: skip
        self.communities = []  # (code, street index, name)
        self.grids: list[list[str]] = []  # per community
        self.compounds: list[list[str]] = []  # per community
        per_s = [0] * n_street
        for c in range(n_comm):
            s = c * n_street // n_comm
            per_s[s] += 1
            code = f"{self.streets[s][0][:9]}{per_s[s]:03d}"
            self.communities.append((code, s, cnames[c]))
            households = rng.randint(800, 6000)
            self.emit("Area", id=code, name=cnames[c], level=zh("area_level", "community"),
                      parent=self.streets[s][0], households=households,
                      population=int(households * rng.uniform(2.2, 3.1)),
                      venue_area=rng.randint(80, 1200), funds=rng.randint(5, 30) * 10_000)  # fmt: skip
            grids, compounds = [], []
            for g in range(4):
                gcode = f"{code}{g + 1:02d}"
                grids.append(gcode)
                self.emit("Area", id=gcode, name=f"第{g + 1}网格", level=zh("area_level", "grid"),
                          parent=code, households=rng.randint(150, 1500))  # fmt: skip
                for k in range(2):
                    kcode = f"{gcode}{k + 1:02d}"
                    compounds.append(kcode)
                    cname = PLACE[rng.randrange(len(PLACE))] + PLACE[rng.randrange(len(PLACE))]
                    self.emit("Area", id=kcode, name=cname + rng.choice(("小区", "花园", "苑", "家园")),
                              level=zh("area_level", "compound"), parent=gcode,
                              households=rng.randint(60, 800))  # fmt: skip
            self.grids.append(grids)
            self.compounds.append(compounds)

    # -- units ---------------------------------------------------------------------------------
    def units(self) -> None:
        rng, zh = self.rng, self.zh
        n_unit = max(1, self.n // 25)
        category = _pick(rng, [("private", 50), ("social_org", 10), ("institution", 12), ("government", 6),
                               ("soe", 6), ("office_building", 5), ("market", 4), ("park", 2),
                               ("other", 5)])  # fmt: skip
        self.units_of: list[list[str]] = [[] for _ in self.communities]
        self.unit_ids = []
        for j in range(n_unit):
            uid = f"U{j + 1:07d}"
            c = j % len(self.communities)
            ccode, _, cname = self.communities[c]
            self.units_of[c].append(uid)
            self.unit_ids.append(uid)
            cat = category()
            name = cname[:2] + UNIT_WORDS[rng.randrange(len(UNIT_WORDS))] + rng.choice(UNIT_SUFFIX[cat])
            values = dict(id=uid, name=f"{name}{j + 1}", category=zh("unit_category", cat), area=ccode,
                          employees=rng.randint(3, 800), member_count=rng.randint(0, 40),
                          address=f"{cname}{rng.randint(1, 300)}号")  # fmt: skip
            if rng.random() < 0.7:
                values["reported_to"] = self.committee_of(c)
                values["reported_on"] = _day(REF_DAY - rng.randint(30, 3000))
            self.emit("Unit", **values)

    # -- Party organizations -------------------------------------------------------------------
    @staticmethod
    def _street_org(s_code: str) -> str:
        return f"DGW{s_code}"

    def committee_of(self, c: int) -> str:
        return f"DW{self.communities[c][0]}"

    def orgs(self) -> None:
        rng, zh = self.rng, self.zh
        kinds = self.m.enums["org_kind"]
        self.org_dates: dict[str, str] = {}

        def org(oid: str, kind: str, **values) -> None:
            founded = REF_DAY - rng.randint(365 * 3, 365 * 40)
            term = kinds.attr(kind, "term_years")
            elected = REF_DAY - rng.randint(30, 365 * term - 30)
            self.org_dates[oid] = _day(elected)
            committee = kind != "branch" or rng.random() < 0.4
            self.emit("PartyOrg", id=oid, kind=zh("org_kind", kind), founded_on=_day(founded),
                      elected_on=_day(elected), term_years=term, has_committee="是" if committee else "否",
                      committee_size=rng.choice((5, 7, 9)) if kind != "branch" else (3 if committee else ""),
                      **values)  # fmt: skip

        for code, _, name in self.streets:
            org(self._street_org(code), "working_committee", name=f"中共{name}工作委员会", area=code)
        n_branch = max(1, round(self.n / 20))
        self.branches = []  # (org id, community index)
        self.branches_of: list[list[int]] = [[] for _ in self.communities]
        for c, (code, s, name) in enumerate(self.communities):
            org(self.committee_of(c), "committee", name=f"中共{self.streets[s][2]}{name}委员会",
                parent=self._street_org(self.streets[s][0]), area=code)  # fmt: skip
        for b in range(n_branch):
            c = b % len(self.communities)
            code, s, name = self.communities[c]
            nth = len(self.branches_of[c])
            oid = f"DZB{code}{nth + 1:02d}"
            self.branches_of[c].append(b)
            self.branches.append((oid, c))
            values = dict(parent=self.committee_of(c), area=code)
            if nth == 0:
                bk, label = "residents", "居民"
            elif nth == 1:
                bk, label = "retirees", "离退休"
            else:
                bk = rng.choice(("building", "unit", "joint", "functional", "mobile", "residents"))
                label = {"building": "", "unit": "", "joint": "联合", "functional": "志愿服务",
                         "mobile": "流动党员", "residents": f"居民第{nth}"}[bk]  # fmt: skip
                units = self.units_of[c]
                if bk == "building":
                    compound = rng.choice(self.compounds[c])
                    values["area"] = compound
                    label = f"第{compound[-4:-2].lstrip('0')}网格{compound[-1]}号小区"
                elif bk == "unit" and units:
                    values["unit"] = units[nth % len(units)]
                    label = f"{values['unit']}单位"
                elif bk == "joint" and len(units) >= 2:
                    values["covers"] = "、".join(units[:3])
                elif bk in ("unit", "joint"):
                    bk, label = "residents", f"居民第{nth}"
            org(oid, "branch", name=f"中共{self.streets[s][2]}{name}{label}支部委员会",
                branch_kind=zh("branch_kind", bk), **values)  # fmt: skip

    # -- members -------------------------------------------------------------------------------
    def members(self) -> None:
        rng, zh = self.rng, self.zh
        n_branch = len(self.branches)
        situation = _pick(rng, [("in_service", 45), ("retired", 35), ("unemployed", 4), ("mobile", 8),
                                ("student", 4), ("lost_contact", 2), ("other", 2)])  # fmt: skip
        education = {
            "young": _pick(rng, [("postgraduate", 15), ("bachelor", 50), ("college", 25), ("secondary", 10)]),
            "old": _pick(rng, [("bachelor", 15), ("college", 25), ("secondary", 35), ("junior", 25)]),
        }
        ages = {"in_service": (23, 60), "retired": (58, 92), "unemployed": (30, 60), "mobile": (22, 55),
                "student": (19, 26), "lost_contact": (25, 70), "other": (20, 80)}  # fmt: skip
        # ID-number region codes: this city's districts and a few from elsewhere (moved in)
        regions = [f"{CITY_CODE}{d + 1:02d}" for d in range(len(self.districts))]
        regions += ["110105", "310104", "510107", "420106"]
        destinations = ("北京市", "上海市", "广州市", "深圳市", "杭州市", "成都市", "武汉市", "南京市")
        ethnic_p = 0.08
        taken: set[str] = set()
        n_comm = len(self.communities)
        self.member_ids = []
        formal, probationary = zh("member_status", "formal"), zh("member_status", "probationary")
        male, female = zh("sex", "male"), zh("sex", "female")
        sit_zh = {s: zh("member_situation", s) for s in ages}
        edu_zh = {e: zh("education", e) for e in self.m.enums["education"].values}
        rnd = rng.random

        def between(a: int, b: int) -> int:  # like randint(a, b), cheaper
            return a + int(rnd() * (b - a + 1))

        def one(seq):  # like choice(seq), cheaper
            return seq[int(rnd() * len(seq))]

        cols = COLUMNS["Member"]
        out = self.rows["Member"]
        n_sur, n_giv = len(SURNAMES), len(GIVEN)
        for i in range(self.n):
            mid = f"DY{i + 1:08d}"
            self.member_ids.append(mid)
            org_id, c = self.branches[i % n_branch]
            sit = situation()
            lo, hi = ages[sit]
            birth = REF_DAY - between(int(lo * YEAR) + 1, int(hi * YEAR))
            born = _day(birth)
            compact = born.replace("-", "")
            # ID number: region(6) + birth date(8) + sequence(3, odd = male) + check
            while True:
                head = f"{one(regions)}{compact}{int(rnd() * 1000):03d}"
                if head not in taken:
                    taken.add(head)
                    break
            is_male = head[16] in "13579"
            name = SURNAMES[int(rnd() * n_sur)] + GIVEN[int(rnd() * n_giv)]
            if rnd() < 0.67:
                name += GIVEN[int(rnd() * n_giv)]
            probation = rnd() < 0.06
            adult = birth + int(18 * YEAR) + 1
            if probation:
                joined = between(max(adult, REF_DAY - 360), REF_DAY - 1)
            else:
                joined = between(min(adult, REF_DAY - 366), max(adult, REF_DAY - 366))
            values = dict(
                id=mid, name=name, id_number=head + id_check(head),
                phone=f"1{one('35789')}{int(rnd() * 1e9):09d}",
                sex=male if is_male else female, birth_date=born,
                ethnicity="汉族" if rnd() > ethnic_p else one(ETHNIC),
                education=edu_zh[education["young" if born >= "1975" else "old"]()],
                joined_on=_day(joined), status=probationary if probation else formal,
                situation=sit_zh[sit], org=org_id,
            )  # fmt: skip
            if rnd() < 0.6:
                values["transferred_on"] = _day(between(joined, REF_DAY - 1))
            home = c if rnd() < 0.8 else int(rnd() * n_comm)
            values["residence"] = (self.communities[home][0] if rnd() < 0.7
                                   else one(self.compounds[home]))  # fmt: skip
            if sit == "in_service":
                values["unit"] = one(self.unit_ids)
                if rnd() < 0.85:
                    values["reported_to"] = self.committee_of(home)
                    values["reported_on"] = _day(REF_DAY - between(10, 2500))
            elif sit == "mobile":
                values["mobile_destination"] = one(destinations)
                values["mobile_since"] = _day(REF_DAY - between(30, 3000))
            elif sit == "lost_contact":
                values["lost_since"] = _day(REF_DAY - between(180, 4000))
            out.append([values.get(k, "") for k in cols])

    # -- posts ---------------------------------------------------------------------------------
    def posts(self) -> None:
        rng, zh = self.rng, self.zh
        n_branch = len(self.branches)
        secretary, grid_leader = zh("post_role", "secretary"), zh("post_role", "grid_leader")

        def member_of_branch(b: int) -> str:
            count = len(range(b, self.n, n_branch))
            return self.member_ids[b + n_branch * rng.randrange(count)] if count else ""

        def post(person: str, role: str, target: str, since: str) -> None:
            if person:
                self.emit("Post", person=person, role=role, target=target, valid_from=since)

        for s, (code, _, _) in enumerate(self.streets):
            comms = [c for c, (_, cs, _) in enumerate(self.communities) if cs == s]
            branches = [b for c in comms for b in self.branches_of[c]]
            if branches:
                oid = self._street_org(code)
                post(member_of_branch(rng.choice(branches)), secretary, oid, self.org_dates[oid])
        for c in range(len(self.communities)):
            if self.branches_of[c]:
                oid = self.committee_of(c)
                post(member_of_branch(rng.choice(self.branches_of[c])), secretary, oid, self.org_dates[oid])
                for g in self.grids[c]:
                    post(member_of_branch(rng.choice(self.branches_of[c])), grid_leader, g,
                         _day(REF_DAY - rng.randint(30, 2000)))  # fmt: skip
        for b, (oid, _) in enumerate(self.branches):
            post(member_of_branch(b), secretary, oid, self.org_dates[oid])

    def run(self) -> dict[str, list[list[str]]]:
        self.areas()
        self.units()
        self.orgs()
        self.members()
        self.posts()
        return self.rows


def generate(out_dir: str | Path, members: int = 100_000, seed: int = 1) -> dict[str, int]:
    """Write the roster set into ``out_dir``; returns data rows per file name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = _Gen(members, seed).run()
    m = model()
    counts = {}
    for rtype, fname in FILES.items():
        rt = m.record(rtype)
        header = [rt.prop(p).label("zh") for p in COLUMNS[rtype]]
        with open(out / fname, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows[rtype])
        counts[fname] = len(rows[rtype])
    return counts


def check(out_dir: str | Path) -> int:
    """Load ``out_dir`` into an in-memory workspace; print the counts; return the rejected rows."""
    from dangjian.graph.store import Workspace
    from dangjian.loaders.load import load_paths
    from dangjian.loaders.messages import render

    with Workspace.open(":memory:", create=True) as ws:
        result = load_paths(ws, [str(out_dir)])
    print(f"check: read {result.read}, loaded {result.loaded}, merged {result.merged}, "
          f"rejected {result.rejected}")  # fmt: skip
    for r in result.rejects[:20]:
        print(f"  {Path(r.source[0]).name} row {r.source[2]} [{r.column}] {r.value}: "
              f"{render(r.code, 'en', **r.params)}")  # fmt: skip
    return result.rejected


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=100_000, help="number of Party members (default 100000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("-o", "--out", default="build/bench-rosters", help="output folder")
    ap.add_argument("--check", action="store_true", help="load the result and fail on any reject")
    args = ap.parse_args(argv)
    if args.members < 1:
        ap.error("--members must be at least 1")
    t0 = time.perf_counter()
    counts = generate(args.out, args.members, args.seed)
    dt = time.perf_counter() - t0
    print(f"wrote {sum(counts.values())} rows to {args.out} in {dt:.2f} s: "
          + ", ".join(f"{f} {n}" for f, n in counts.items()))  # fmt: skip
    if args.check and check(args.out):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
