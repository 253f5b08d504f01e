"""Generate the hand-made example rosters under examples/ (deterministic; run from anywhere).

    python examples/_make.py          # writes examples/xianghe/*.csv and examples/messy/*.csv, then checks them

Everything is synthetic: names, ID numbers, phone numbers and figures are made up (the area codes and
community names are the official 2023 ones). The deliberate gaps are described in examples/README.md;
the checks at the bottom of this file keep the rest of the data clean.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from dangjian.loaders.normalize import id_check_digit

HERE = Path(__file__).resolve().parent
OUT = HERE / "xianghe"
MESSY = HERE / "messy"
TODAY = date(2026, 11, 22)
rng = random.Random(5307020030)

# --------------------------------------------------------------------------- helpers

def check_char(first17: str) -> str:
    return id_check_digit(first17)  # the project's one check-digit function


_seq = iter(range(11, 999))


def id_number(born: date, male: bool, region: str = "530702") -> str:
    while True:
        s = next(_seq)
        if (s % 2 == 1) == male:  # the 17th digit: odd for men, even for women
            break
    first17 = f"{region}{born:%Y%m%d}{s:03d}"
    return first17 + check_char(first17)


_phones: set[str] = set()


def phone() -> str:
    while True:
        p = rng.choice(["138", "139", "150", "151", "158", "187", "188", "135", "136", "182", "183"])
        p += f"{rng.randrange(10**8):08d}"
        if p not in _phones:
            _phones.add(p)
            return p


SURNAMES = list("和和和木杨杨李李王王张张赵刘陈黄周吴徐孙马朱胡郭何高林罗郑谢宋许邓曹彭曾田董袁段苏普")
GIVEN_M = list("军伟强磊勇斌涛杰建国华明亮刚峰志鹏海平林波辉俊")
GIVEN_F = list("芳丽娟艳敏静燕霞琴萍红玲英梅兰秀云洁慧珍")
_names: set[str] = {"张华", "李明", "王秀兰"}  # kept for the messy file


def name(male: bool) -> str:
    pool = GIVEN_M if male else GIVEN_F
    while True:
        n = rng.choice(SURNAMES) + rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.55 else "")
        if n not in _names:
            _names.add(n)
            return n


def rdate(a: date, b: date) -> date:
    return a + timedelta(days=rng.randrange((b - a).days + 1))


def d(s: str) -> date:
    return date.fromisoformat(s)


def iso(x: date | None) -> str:
    return x.isoformat() if x else ""


def write(path: Path, header: list[str], rows: list[dict], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])


# --------------------------------------------------------------------------- areas

ST = "530702003"
C = {1: "530702003001", 2: "530702003002", 3: "530702003003", 4: "530702003004", 5: "530702003005",
     6: "530702003006"}  # fmt: skip
CNAME = {1: "义和社区", 2: "八河社区", 3: "祥云社区", 4: "顺和社区", 5: "太和社区", 6: "彩云社区"}

AREA_H = ["区域编码", "区域名称", "层级", "上级区域", "户数", "人口", "活动场所面积", "年度工作经费", "自治组织经费", "备注"]
areas = [
    dict(区域编码="5307", 区域名称="丽江市", 层级="市"),
    dict(区域编码="530702", 区域名称="古城区", 层级="区县", 上级区域="5307"),
    dict(区域编码=ST, 区域名称="祥和街道", 层级="街道", 上级区域="530702"),
]
# households, population, venue m², yearly funds (yuan): every community meets 150 m², 20,000 yuan and
# 2,000 yuan per 100 households
for k, (hh, pop, venue, funds) in {
    1: (3120, 9050, 420, 80000), 2: (1460, 4200, 180, 40000), 3: (4250, 12300, 650, 100000),
    4: (2380, 6900, 320, 60000), 5: (2860, 8100, 360, 70000), 6: (1950, 5600, 200, 40000),
}.items():  # fmt: skip
    areas.append(
        dict(
            区域编码=C[k],
            区域名称=CNAME[k],
            层级="社区",
            上级区域=ST,
            户数=hh,
            人口=pop,
            活动场所面积=venue,
            年度工作经费=funds,
            自治组织经费=hh * 10,  # 10 yuan a household for the residents' groups: not Party-work funds
        )
    )


def grid(k: int, n: int, cn: str, hh: int) -> str:
    code = f"{C[k]}-G{n:02d}"
    areas.append(dict(区域编码=code, 区域名称=f"{CNAME[k]}{cn}网格", 层级="网格", 上级区域=C[k], 户数=hh))
    return code


def compound(k: int, n: int, parent: str, nm: str, hh: int) -> str:
    code = f"{C[k]}-C{n:02d}"
    areas.append(dict(区域编码=code, 区域名称=nm, 层级="小区", 上级区域=parent, 户数=hh))
    return code


def building(parent: str, n: int, nm: str, hh: int) -> str:
    code = f"{parent}-B{n:02d}"
    areas.append(dict(区域编码=code, 区域名称=nm, 层级="楼栋", 上级区域=parent, 户数=hh))
    return code


G1_1 = grid(1, 1, "第一", 1580)
G1_2 = grid(1, 2, "第二", 1540)
HEMEI = compound(1, 1, G1_1, "和美小区", 620)
compound(1, 2, G1_2, "义和新村", 410)
building(HEMEI, 1, "和美小区1栋", 48)
G2_1 = grid(2, 1, "第一", 1460)
G3_1 = grid(3, 1, "第一", 1500)
G3_2 = grid(3, 2, "第二", 1400)
G3_3 = grid(3, 3, "第三", 1350)
XIANGRUI = compound(3, 1, G3_1, "祥瑞苑小区", 760)
XR_B1 = building(XIANGRUI, 1, "祥瑞苑小区1栋", 64)
XR_B3 = building(XIANGRUI, 3, "祥瑞苑小区3栋", 72)
compound(3, 2, G3_2, "云景花园", 540)
G4_1 = grid(4, 1, "第一", 2380)
SHUNHE = compound(4, 1, G4_1, "顺和家园", 690)
G5_1 = grid(5, 1, "第一", 1480)
G5_2 = grid(5, 2, "第二", 1380)
TAIHE = compound(5, 1, G5_1, "太和花园", 580)
G6_1 = grid(6, 1, "第一", 1950)
compound(6, 1, G6_1, "彩云小区", 520)

# --------------------------------------------------------------------------- units

UNIT_H = ["单位编号", "单位名称", "单位类别", "是否两新组织", "所在社区", "职工人数", "党员人数", "报到社区", "报到日期",
          "地址", "备注"]  # fmt: skip
UNITS = [
    # id, name, category, community, employees, reported_to, reported_on, address
    (
        "U-XH-01",
        "古城区祥和市场监督管理所",
        "党政机关",
        1,
        12,
        "PO-XH-010",
        "2021-04-20",
        "义和社区祥和路12号",
    ),
    ("U-XH-02", "古城区祥和中学", "事业单位", 3, 86, "PO-XH-030", "2020-09-10", "祥云社区育才路8号"),
    ("U-XH-03", "祥和街道社区卫生服务中心", "事业单位", 4, 35, C[4], "2021-05-12", "顺和社区康宁路3号"),
    (
        "U-XH-04",
        "丽江供电局古城祥和供电所",
        "国有企业",
        2,
        28,
        "PO-XH-020",
        "2022-03-18",
        "八河社区电力巷5号",
    ),
    (
        "U-XH-05",
        "古城区城市建设投资有限公司",
        "国有企业",
        5,
        60,
        "PO-XH-050",
        "2020-11-05",
        "太和社区太和路66号",
    ),
    ("U-XH-06", "祥和商务中心", "商务楼宇", 3, 40, "PO-XH-030", "2021-07-01", "祥云社区祥云路188号"),
    ("U-XH-07", "祥和农贸市场", "市场", 1, 25, "PO-XH-010", "2021-04-22", "义和社区集贸街1号"),
    (
        "U-XH-08",
        "丽江祥和物业服务有限公司",
        "非公有制企业",
        3,
        45,
        "PO-XH-030",
        "2021-06-08",
        "祥云社区祥瑞苑小区物业楼",
    ),
    (
        "U-XH-09",
        "丽江纳西印象文化传播有限公司",
        "非公有制企业",
        4,
        22,
        "PO-XH-040",
        "2022-05-16",
        "顺和社区文创街22号",
    ),
    ("U-XH-10", "丽江义和餐饮管理有限公司", "非公有制企业", 1, 15, C[1], "2022-06-30", "义和社区祥和路30号"),
    (
        "U-XH-11",
        "丽江顺和汽车维修服务有限公司",
        "非公有制企业",
        4,
        12,
        "PO-XH-040",
        "2023-03-09",
        "顺和社区顺和路9号",
    ),
    (
        "U-XH-12",
        "古城区祥和社会工作服务中心",
        "社会组织",
        3,
        9,
        "PO-XH-030",
        "2022-04-11",
        "祥云社区祥云路20号",
    ),
    ("U-XH-13", "古城区祥和书画协会", "社会组织", 5, 6, "PO-XH-050", "2025-05-20", "太和社区文化站二楼"),
    ("U-XH-14", "丽江太和文旅客栈有限公司", "非公有制企业", 5, 8, C[5], "2025-05-20", "太和社区太和路101号"),
]

# --------------------------------------------------------------------------- party organizations

ORG_H = ["组织编码", "党组织名称", "组织类别", "支部类型", "上级党组织", "所在区域", "所在单位", "联合单位", "是否设委员会",
         "委员人数", "成立日期", "本届选举日期", "任期年限", "备注"]  # fmt: skip
orgs: list[dict] = []


def org(
    oid, nm, kind, bkind="", parent="", area="", unit="", covers="", founded="", elected="", term="", note=""
):
    orgs.append(dict(组织编码=oid, 党组织名称=nm, 组织类别=kind, 支部类型=bkind, 上级党组织=parent, 所在区域=area,
                     所在单位=unit, 联合单位=covers, 成立日期=founded, 本届选举日期=elected, 任期年限=term, 备注=note))  # fmt: skip


org(
    "PO-XH-001",
    "祥和街道党工委",
    "党工委",
    parent="",
    area=ST,
    founded="2003-06-18",
    elected="2023-06-16",
    term=5,
    note="中共丽江市古城区祥和街道工作委员会",
)
# 义和: a general branch with two branches and two groups
org(
    "PO-XH-010",
    "义和社区党总支",
    "党总支",
    parent="PO-XH-001",
    area=C[1],
    founded="2004-07-01",
    elected="2024-04-12",
    term=5,
)
org(
    "PO-XH-011",
    "义和社区第一居民党支部",
    "党支部",
    "居民党支部",
    "PO-XH-010",
    C[1],
    founded="2004-07-01",
    elected="2024-04-08",
    term=3,
)
org(
    "PO-XH-012",
    "义和社区离退休党支部",
    "党支部",
    "离退休党支部",
    "PO-XH-010",
    C[1],
    founded="2009-10-20",
    elected="2024-04-09",
    term=3,
)
org("PO-XH-013", "义和社区第一网格党小组", "党小组", "网格党小组", "PO-XH-011", G1_1, founded="2019-05-10")
org("PO-XH-014", "和美小区党小组", "党小组", "楼栋小区党支部", "PO-XH-012", HEMEI, founded="2019-05-10")
# 八河: one community branch
org(
    "PO-XH-020",
    "八河社区党支部",
    "党支部",
    "居民党支部",
    "PO-XH-001",
    C[2],
    founded="2005-03-01",
    elected="2024-05-20",
    term=5,
)
# 祥云: a general branch with a residents', a mobile-members' and a compound branch, and groups
org(
    "PO-XH-030",
    "祥云社区党总支",
    "党总支",
    parent="PO-XH-001",
    area=C[3],
    founded="2006-06-30",
    elected="2024-04-18",
    term=5,
)
org(
    "PO-XH-031",
    "祥云社区居民党支部",
    "党支部",
    "居民党支部",
    "PO-XH-030",
    C[3],
    founded="2006-06-30",
    elected="2024-04-15",
    term=3,
)
org(
    "PO-XH-032",
    "祥云社区流动党员党支部",
    "党支部",
    "流动党员党支部",
    "PO-XH-030",
    C[3],
    founded="2016-05-12",
    elected="2024-04-16",
    term=3,
)
org(
    "PO-XH-033",
    "祥瑞苑小区党支部",
    "党支部",
    "楼栋小区党支部",
    "PO-XH-030",
    XIANGRUI,
    founded="2018-09-01",
    elected="2024-04-16",
    term=3,
)
org("PO-XH-034", "祥瑞苑小区3栋党小组", "党小组", "楼栋小区党支部", "PO-XH-033", XR_B3, founded="2020-07-01")
org("PO-XH-035", "祥云社区第二网格党小组", "党小组", "网格党小组", "PO-XH-031", G3_2, founded="2019-05-10")
# 顺和, 太和: one community branch each, with a group
org(
    "PO-XH-040",
    "顺和社区党支部",
    "党支部",
    "居民党支部",
    "PO-XH-001",
    C[4],
    founded="2007-04-01",
    elected="2024-05-22",
    term=5,
)
org("PO-XH-041", "顺和社区第一网格党小组", "党小组", "网格党小组", "PO-XH-040", G4_1, founded="2019-05-10")
org(
    "PO-XH-050",
    "太和社区党支部",
    "党支部",
    "居民党支部",
    "PO-XH-001",
    C[5],
    founded="2008-04-01",
    elected="2024-05-23",
    term=5,
)
org("PO-XH-051", "太和花园小区党小组", "党小组", "楼栋小区党支部", "PO-XH-050", TAIHE, founded="2020-07-01")
# 彩云 (530702003006): deliberately none (gap 1)
# the joint branch of three small 两新 units
org(
    "PO-XH-090",
    "祥和街道非公企业和社会组织联合党支部",
    "党支部",
    "联合党支部",
    "PO-XH-001",
    ST,
    covers="U-XH-10、U-XH-11、U-XH-12",
    founded="2019-06-28",
    elected="2024-06-26",
    term=3,
)
# unit branches (属地管理 under the street)
UNIT_ORGS = [
    ("PO-XH-101", "古城区祥和市场监督管理所党支部", "U-XH-01", "2012-05-10", "2024-03-20"),
    ("PO-XH-102", "古城区祥和中学党支部", "U-XH-02", "2008-09-01", "2024-09-10"),
    ("PO-XH-103", "祥和街道社区卫生服务中心党支部", "U-XH-03", "2014-04-18", "2024-06-28"),
    ("PO-XH-104", "古城祥和供电所党支部", "U-XH-04", "2010-07-01", "2025-03-14"),
    ("PO-XH-105", "古城区城市建设投资有限公司党支部", "U-XH-05", "2015-11-20", "2024-11-26"),
    ("PO-XH-106", "祥和商务中心楼宇党支部", "U-XH-06", "2018-06-25", "2025-06-20"),
    ("PO-XH-107", "祥和农贸市场党支部", "U-XH-07", "2017-03-15", "2024-07-01"),
    ("PO-XH-108", "丽江祥和物业服务有限公司党支部", "U-XH-08", "2016-03-01", "2019-03-01"),  # gap 4: overdue
]
for oid, nm, uid, founded, elected in UNIT_ORGS:
    org(
        oid,
        nm,
        "党支部",
        "单位党支部",
        "PO-XH-001",
        unit=uid,
        founded=founded,
        elected=elected,
        term=3,
        note="届满未换届" if oid == "PO-XH-108" else "",
    )

ORG = {o["组织编码"]: o for o in orgs}
COMMUNITY_ORG = {
    C[1]: "PO-XH-010",
    C[2]: "PO-XH-020",
    C[3]: "PO-XH-030",
    C[4]: "PO-XH-040",
    C[5]: "PO-XH-050",
}

# --------------------------------------------------------------------------- members

MEM_H = ["党员编号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "民族", "学历", "入党日期", "党员类别", "党员情况",
         "所在党组织", "转入日期", "工作单位", "居住地", "报到党组织", "报到日期", "流入地", "外出日期", "失联日期", "备注"]  # fmt: skip
members: list[dict] = []
ETHN = ["汉族"] * 9 + ["纳西族"] * 7 + ["白族"] * 2 + ["彝族", "傈僳族"]
BORN = {"cw": (1975, 1996), "在职": (1968, 1998), "离退休": (1942, 1962), "下岗失业": (1966, 1990),
        "流动": (1980, 1998), "失联": (1976, 1990), "学生": (2003, 2005)}  # fmt: skip
EDU = {
    "cw": ["大学本科", "大学本科", "大专"], "在职": ["研究生", "大学本科", "大学本科", "大学本科", "大专", "大专"],
    "离退休": ["大专", "高中中专", "高中中专", "初中及以下"], "下岗失业": ["高中中专", "高中中专", "初中及以下", "大专"],
    "流动": ["大专", "高中中专", "大学本科"], "失联": ["高中中专", "初中及以下"], "学生": ["大学本科"],
}  # fmt: skip
CITIES = [
    "云南省昆明市官渡区",
    "浙江省杭州市余杭区",
    "广东省深圳市宝安区",
    "云南省大理市",
    "四川省成都市武侯区",
]
RESID_IN = {1: [C[1], C[1], HEMEI], 2: [C[2]], 3: [C[3], C[3], XIANGRUI], 4: [C[4]], 5: [C[5], TAIHE]}


def community_of(area: str) -> str:
    return area[:12]


def add(
    org_id,
    kind,
    *,
    status="正式党员",
    unit="",
    home=None,
    report=True,
    note="",
    code_report=False,
    senior=False,
    cap=None,
):
    """One member. kind: cw (a community's full-time worker, in service), 在职, 离退休, 下岗失业, 流动, 失联, 学生.
    senior: holds a post in the current term, so joined the Party by 2016 and the organization before its
    election (or before ``cap``)."""
    male = rng.random() < (0.6 if kind in ("在职", "cw", "流动") else 0.5)
    lo, hi = BORN[kind]
    if kind == "离退休" and not male:
        hi = 1966
    if status == "预备党员" and kind not in ("离退休", "学生"):
        lo, hi = max(lo, 1990), max(hi, 2002)
    if senior:
        hi = min(hi, 1990)
    born = rdate(date(lo, 1, 1), date(hi, 12, 28))
    if status == "预备党员":
        joined = rdate(date(2025, 12, 1), date(2026, 7, 1))
    else:
        joined = rdate(max(date(born.year + 19, born.month, 1), date(1966, 1, 1)),
                       min(date(born.year + 45, 12, 1), date(2016, 6, 30) if senior else date(2025, 6, 30)))  # fmt: skip
    founded = d(ORG[org_id]["成立日期"])
    start = max(joined, founded)
    if cap is None:
        cap = d(ORG[org_id]["本届选举日期"]) - timedelta(days=30) if senior else date(2023, 12, 31)
    transferred = (
        joined
        if status == "预备党员"
        else max(start, min(start + timedelta(days=rng.randrange(30, 2200)), cap))
    )
    situation = "在职" if kind == "cw" else kind
    if home is None:
        home = rng.choice(RESID_IN[rng.choice([1, 2, 3, 4, 5])])
    m = dict(
        党员编号=f"M{len(members) + 1:04d}", 姓名=name(male), 身份证号=id_number(born, male), 联系电话=phone(),
        性别="男" if male else "女", 出生日期=iso(born), 民族=rng.choice(ETHN), 学历=rng.choice(EDU[kind]),
        入党日期=iso(joined), 党员类别=status, 党员情况=situation, 所在党组织=org_id, 转入日期=iso(transferred),
        工作单位=unit, 居住地=home, 备注=note or ("社区专职工作者" if kind == "cw" else ""),
    )  # fmt: skip
    if situation == "在职" and report:
        comm = community_of(home)
        m["报到党组织"] = comm if code_report else COMMUNITY_ORG[comm]
        m["报到日期"] = iso(rdate(max(date(2019, 3, 1), joined + timedelta(days=30)), date(2026, 9, 30)))
    if situation == "流动":
        m["流入地"] = rng.choice(CITIES)
        m["外出日期"] = iso(rdate(date(2026, 6, 1), date(2026, 10, 20)))  # under 6 months away
    if situation == "失联":
        m["失联日期"] = "2026-08-15"  # under 6 months
    members.append(m)
    return m["党员编号"]


# 义和 (PO-XH-011: 6, PO-XH-012: 7)
M = {}
M["yh_sec"] = add("PO-XH-011", "cw", home=C[1], senior=True)  # secretary of the general branch PO-XH-010
M["yh1_sec"] = add("PO-XH-011", "cw", home=C[1], senior=True)
M["yh_grid"] = add("PO-XH-011", "cw", home=C[1])
M["yh_grid2"] = add("PO-XH-011", "下岗失业", home=C[1])
add("PO-XH-011", "下岗失业", status="预备党员", home=C[1])
add("PO-XH-011", "离退休", home=C[1])
M["yhr_sec"] = add("PO-XH-012", "离退休", home=HEMEI, senior=True)
M["yhr_c1"] = add("PO-XH-012", "离退休", home=HEMEI, senior=True)
M["yhr_c2"] = add("PO-XH-012", "离退休", home=C[1], senior=True)
for home in (HEMEI, HEMEI, C[1], C[1]):
    add("PO-XH-012", "离退休", home=home)
# 八河 (PO-XH-020: 5)
M["bh_sec"] = add("PO-XH-020", "cw", home=C[2], senior=True)
M["bh_old_sec"] = add("PO-XH-020", "离退休", home=C[2], note="原支部书记", senior=True, cap=date(2018, 4, 18))
add("PO-XH-020", "离退休", home=C[2])
add("PO-XH-020", "离退休", home=C[2])
add("PO-XH-020", "下岗失业", home=C[2])
# 祥云 (PO-XH-031: 8, PO-XH-032: 5, PO-XH-033: 5)
M["xy_sec"] = add("PO-XH-031", "cw", home=C[3], senior=True)  # secretary of the general branch PO-XH-030
M["xy1_sec"] = add("PO-XH-031", "cw", home=C[3], senior=True)
M["xy1_c"] = add("PO-XH-031", "离退休", home=C[3], senior=True)
add("PO-XH-031", "离退休", home=C[3])
add("PO-XH-031", "离退休", home=C[3])
add("PO-XH-031", "学生", home=C[3], note="在昆明高校就读")
add("PO-XH-031", "下岗失业", home=C[3])
add("PO-XH-031", "下岗失业", status="预备党员", home=C[3])
M["xym_sec"] = add("PO-XH-032", "cw", home=C[3], senior=True)
for _ in range(3):
    add("PO-XH-032", "流动", home=C[3])
add("PO-XH-032", "失联", home=C[3])
M["xr_sec"] = add("PO-XH-033", "离退休", home=XIANGRUI, senior=True)
M["xr_grid"] = add("PO-XH-033", "离退休", home=XR_B3)
add("PO-XH-033", "离退休", home=XR_B3)
add("PO-XH-033", "离退休", home=XIANGRUI)
add("PO-XH-033", "下岗失业", home=XR_B3)
# 顺和 (PO-XH-040: 5 residents + 4 employees of U-XH-09 = 9)
M["sh_sec"] = add("PO-XH-040", "cw", home=C[4], senior=True)
M["sh_c1"] = add("PO-XH-040", "离退休", home=C[4], senior=True)
M["sh_c2"] = add("PO-XH-040", "离退休", home=C[4], senior=True)
add("PO-XH-040", "离退休", home=C[4])
add("PO-XH-040", "下岗失业", home=C[4])
GAP2 = [
    add("PO-XH-040", "在职", unit="U-XH-09", home=h, code_report=(i == 0))
    for i, h in enumerate([C[4], C[4], C[5], C[3]])
]
# 太和 (PO-XH-050: 6)
M["th_sec"] = add("PO-XH-050", "cw", home=C[5], senior=True)
M["th_grid"] = add("PO-XH-050", "cw", home=TAIHE)
add("PO-XH-050", "离退休", home=TAIHE)
add("PO-XH-050", "离退休", home=TAIHE)
add("PO-XH-050", "离退休", home=C[5])
add("PO-XH-050", "下岗失业", home=C[5])
# the joint branch: U-XH-10 (1), U-XH-11 (1 formal + 1 probationary), U-XH-12 (1)
M["jt_sec"] = add("PO-XH-090", "在职", unit="U-XH-12", home=C[3], senior=True)
add("PO-XH-090", "在职", unit="U-XH-10", home=C[1])
add("PO-XH-090", "在职", unit="U-XH-11", home=C[4])
add("PO-XH-090", "在职", unit="U-XH-11", status="预备党员", home=C[4])
# unit branches
UNIT_SIZES = {"PO-XH-101": (3, 0), "PO-XH-102": (7, 1), "PO-XH-103": (4, 0), "PO-XH-104": (3, 0),
              "PO-XH-105": (5, 0), "PO-XH-106": (3, 0), "PO-XH-107": (3, 0), "PO-XH-108": (4, 0)}  # fmt: skip
UNIT_SEC, UNIT_COMMITTEE = {}, {}
GAP3 = None
for oid, (formal, prob) in UNIT_SIZES.items():
    uid = ORG[oid]["所在单位"]
    ids = []
    for i in range(formal + prob):
        if oid == "PO-XH-102" and i == 3:  # gap 3: lives in 太和, has not reported
            GAP3 = add(oid, "在职", unit=uid, home=C[5], report=False)
            ids.append(GAP3)
            continue
        ids.append(add(oid, "在职", unit=uid, status="正式党员" if i < formal else "预备党员",
                       code_report=(oid == "PO-XH-105" and i == 2), senior=i < 3))  # fmt: skip
    UNIT_SEC[oid] = ids[0]
    UNIT_COMMITTEE[oid] = ids[1:3]
MEM = {m["党员编号"]: m for m in members}

# committees: has_committee / committee_size follow the 7-formal-member rule for branches
COMMITTEES = {  # org: [(member or person, role)]
    "PO-XH-001": [("P010", "书记"), ("P011", "副书记"), ("P013", "委员"), ("P014", "委员"), ("P015", "委员")],
    "PO-XH-010": [(M["yh_sec"], "书记"), (M["yh1_sec"], "副书记"), (M["yhr_sec"], "委员")],
    "PO-XH-012": [(M["yhr_sec"], "书记"), (M["yhr_c1"], "委员"), (M["yhr_c2"], "委员")],
    "PO-XH-030": [(M["xy_sec"], "书记"), (M["xy1_sec"], "副书记"), (M["xr_sec"], "委员")],
    "PO-XH-031": [(M["xy1_sec"], "书记"), (M["xy_sec"], "委员"), (M["xy1_c"], "委员")],
    "PO-XH-040": [(M["sh_sec"], "书记"), (M["sh_c1"], "委员"), (M["sh_c2"], "委员")],
    "PO-XH-102": [(UNIT_SEC["PO-XH-102"], "书记")] + [(x, "委员") for x in UNIT_COMMITTEE["PO-XH-102"]],
}
SECRETARY = {  # branches without a committee: a secretary only
    "PO-XH-011": M["yh1_sec"], "PO-XH-020": M["bh_sec"], "PO-XH-032": M["xym_sec"], "PO-XH-033": M["xr_sec"],
    "PO-XH-050": M["th_sec"], "PO-XH-090": M["jt_sec"],
    **{k: v for k, v in UNIT_SEC.items() if k not in COMMITTEES},
}  # fmt: skip
for o in orgs:
    oid = o["组织编码"]
    if o["组织类别"] == "党小组":
        continue
    if oid in COMMITTEES:
        o["是否设委员会"], o["委员人数"] = "是", len(COMMITTEES[oid])
    else:
        o["是否设委员会"] = "否"

# --------------------------------------------------------------------------- people (not in the member roster)

PER_H = ["人员编号", "姓名", "职务身份", "工作单位", "联系电话", "备注"]
people = []


def person(pid, male, title, employer, note=""):
    people.append(
        dict(人员编号=pid, 姓名=name(male), 职务身份=title, 工作单位=employer, 联系电话=phone(), 备注=note)
    )


person("P001", True, "市委常委", "中共丽江市委", "联系义和社区、祥云社区")
person("P002", False, "区委副书记", "中共丽江市古城区委", "联系八河社区、顺和社区")
person("P003", True, "副区长", "丽江市古城区人民政府", "联系太和社区")
person("P004", True, "驻社区第一书记（四级主任科员）", "丽江市财政局")
person("P005", False, "驻社区第一书记（一级科员）", "丽江市自然资源和规划局")
person("P006", True, "驻社区第一书记（三级主任科员）", "丽江市住房和城乡建设局")
person("P007", False, "驻社区第一书记（四级主任科员）", "丽江市卫生健康委员会")
person("P008", True, "驻社区第一书记（一级科员）", "丽江市教育体育局")
person("P009", False, "党建指导员（组织员）", "中共丽江市古城区委组织部")
person("P010", True, "街道党工委书记", "古城区祥和街道办事处")
person("P011", False, "街道党工委副书记、办事处主任", "古城区祥和街道办事处")
person("P012", False, "专职网格员（非党员）", "彩云社区居民委员会")
person("P013", True, "街道党工委委员、组织委员", "古城区祥和街道办事处")
person("P014", False, "街道党工委委员、宣传委员", "古城区祥和街道办事处")
person("P015", True, "街道党工委委员、纪工委书记", "古城区祥和街道办事处")

# --------------------------------------------------------------------------- posts

POST_H = ["人员", "职务", "任职对象", "任职日期", "离任日期", "备注"]
posts = []


def post(who, role, target, start, end="", note=""):
    posts.append(dict(人员=who, 职务=role, 任职对象=target, 任职日期=start, 离任日期=end, 备注=note))


for oid, seats in COMMITTEES.items():
    for who, role in seats:
        post(who, role, oid, ORG[oid]["本届选举日期"])
for oid, who in SECRETARY.items():
    post(who, "书记", oid, ORG[oid]["本届选举日期"])
post(M["bh_old_sec"], "书记", "PO-XH-020", "2018-05-18", "2024-05-20", "上届书记")
# part-time members of the working committee (大工委): leaders of resident units' organizations
for oid in ("PO-XH-101", "PO-XH-102", "PO-XH-104", "PO-XH-105"):
    post(UNIT_SEC[oid], "兼职委员", "PO-XH-001", "2023-08-25")
# grid leaders
for g, who in [(G1_1, M["yh_grid"]), (G1_2, M["yh_grid2"]), (G2_1, M["bh_sec"]), (G3_1, M["xym_sec"]),
               (G3_2, M["xy1_sec"]), (G3_3, M["xr_grid"]), (G4_1, M["sh_sec"]), (G5_1, M["th_grid"]),
               (G5_2, M["th_sec"]), (G6_1, "P012")]:  # fmt: skip
    post(who, "网格长", g, "2024-03-01")
# a grid worker (网格员), who is no grid leader: G1_1 has both
post(M["yh_grid2"], "网格员", G1_1, "2024-03-01")
# liaison leaders and first secretaries
for who, k in [("P001", 1), ("P001", 3), ("P002", 2), ("P002", 4), ("P003", 5)]:
    post(who, "联系领导", C[k], "2024-02-01")
for who, k in [("P004", 1), ("P005", 2), ("P006", 3), ("P007", 4), ("P008", 5)]:
    post(who, "第一书记", C[k], "2025-03-01")
# the instructor: work coverage of the two 两新 units with no members
post("P009", "党建指导员", "U-XH-13", "2025-04-10")
post("P009", "党建指导员", "U-XH-14", "2025-04-10")

# --------------------------------------------------------------------------- units: member counts

units = []
for uid, nm, cat, k, emp, rep, rep_on, addr in UNITS:
    n = sum(1 for m in members if m["工作单位"] == uid)
    units.append(dict(单位编号=uid, 单位名称=nm, 单位类别=cat, 是否两新组织="是" if cat in ("非公有制企业", "社会组织") else "否",
                      所在社区=C[k], 职工人数=emp, 党员人数=n, 报到社区=rep, 报到日期=rep_on, 地址=addr))  # fmt: skip

# --------------------------------------------------------------------------- agreements and activities

AGR_H = ["协议编号", "协议名称", "社区党组织", "共建单位", "签订日期", "起始日期", "到期日期", "共建承诺", "承诺资金", "志愿者人数",
         "备注"]  # fmt: skip
UNAME = {u[0]: u[1] for u in UNITS}
agreements = []
for aid, co, uid, signed, start, end, pledge, funds, vol, note in [
    ("AG-XH-01", "PO-XH-010", "U-XH-01", "2024-03-05", "2024-03-05", "2027-03-04", "食品安全宣传进小区；党员志愿服务每季度1次", 10000, 8, ""),
    ("AG-XH-02", "PO-XH-010", "U-XH-07", "2025-01-10", "2025-01-10", "2027-12-31", "共享市场党员活动室；文明市场创建", 5000, 6, ""),
    ("AG-XH-03", "PO-XH-020", "U-XH-04", "2024-05-20", "2024-05-20", "2027-05-19", "用电安全检查；结对帮扶困难群众10户", 8000, 10, ""),
    ("AG-XH-04", "PO-XH-020", "U-XH-12", "2025-02-18", "2025-03-01", "2028-02-29", "社工专业服务；“一老一小”关爱项目", 3000, 6, ""),
    ("AG-XH-05", "PO-XH-030", "U-XH-02", "2024-09-01", "2024-09-01", "2027-08-31", "节假日开放运动场地；青少年课后服务", 6000, 15, ""),
    ("AG-XH-06", "PO-XH-030", "U-XH-06", "2025-04-15", "2025-04-15", "2028-04-14", "提供会议室150平方米；楼宇党群服务站", 12000, 5, ""),
    ("AG-XH-07", "PO-XH-040", "U-XH-03", "2024-06-01", "2024-06-01", "2027-05-31", "每月义诊1次；健康讲座", 10000, 12, ""),
    ("AG-XH-08", "PO-XH-040", "U-XH-05", "2020-12-28", "2021-01-01", "2023-12-31", "老旧小区改造；道路修缮", 50000, 20, "已到期，未续签"),
    ("AG-XH-09", "PO-XH-040", "U-XH-11", "2025-05-06", "2025-05-06", "2028-05-05", "车辆安全检测进社区；技能培训", 2000, 4, ""),
    ("AG-XH-10", "PO-XH-050", "U-XH-05", "2024-03-01", "2024-03-01", "2027-02-28", "太和花园管网改造；防汛物资", 30000, 15, ""),
    ("AG-XH-11", "PO-XH-050", "U-XH-08", "2025-06-01", "2025-06-01", "2028-05-31", "小区环境整治；物业党员亮身份", 5000, 8, ""),
]:  # fmt: skip
    agreements.append(dict(协议编号=aid, 协议名称=f"{ORG[co]['党组织名称']}与{UNAME[uid]}共驻共建协议", 社区党组织=co,
                           共建单位=uid, 签订日期=signed, 起始日期=start, 到期日期=end, 共建承诺=pledge, 承诺资金=funds,
                           志愿者人数=vol, 备注=note))  # fmt: skip

ACT_H = ["活动编号", "活动名称", "活动日期", "活动类型", "依托协议", "组织方", "活动地点", "参加单位和党员", "参加人数", "备注"]
CORG = {1: "PO-XH-010", 2: "PO-XH-020", 3: "PO-XH-030", 4: "PO-XH-040", 5: "PO-XH-050"}
act_rows = [
    ("ACT-XH-01", "食品安全进社区", "2024-05-20", "共建活动", "AG-XH-01", "U-XH-01", C[1], "", 60, ""),
    ("ACT-XH-02", "“七一”党员志愿服务日", "2025-07-01", "志愿服务", "AG-XH-05", "PO-XH-030", C[3], "", 80, ""),
    ("ACT-XH-03", "用电安全进万家", "2024-10-15", "共建活动", "AG-XH-03", "PO-XH-104", C[2], "", 45, ""),
    ("ACT-XH-04", "义诊暨健康讲座", "2025-03-12", "共建活动", "AG-XH-07", "U-XH-03", C[4], "", 120, ""),
    ("ACT-XH-05", "老旧小区改造居民议事会", "2023-05-18", "共建活动", "AG-XH-08", "PO-XH-040", SHUNHE, "", 35, "协议有效期内"),
    ("ACT-XH-06", "楼宇党群服务站揭牌", "2025-05-10", "共建活动", "AG-XH-06", "PO-XH-106", C[3], "", 40, ""),
    ("ACT-XH-07", "太和花园环境整治", "2025-09-20", "共建活动", "AG-XH-11", "PO-XH-108", TAIHE, "", 50, ""),
    ("ACT-XH-08", "重阳节敬老活动", "2025-10-29", "共建活动", "AG-XH-02", "PO-XH-012", HEMEI, "", 70, ""),
    ("ACT-XH-09", "街道大工委联席会议", "2025-12-15", "联席会议", "", "PO-XH-001", ST, "", 25, "不依托协议"),
    # first-year activities of AG-XH-04 and AG-XH-10 (AG-XH-09 has none: gap 6)
    ("ACT-XH-10", "“一老一小”关爱服务启动", "2025-06-18", "共建活动", "AG-XH-04", "PO-XH-020", C[2], "U-XH-12", 30, ""),
    ("ACT-XH-11", "太和花园防汛演练", "2024-07-10", "共建活动", "AG-XH-10", "PO-XH-050", TAIHE, "U-XH-05", 40, ""),
    # the street's joint meeting of the last quarter (its matters: 议事台账.csv)
    ("ACT-XH-12", "街道大工委联席会议（第四季度）", "2026-10-20", "联席会议", "", "PO-XH-001", ST,
     "PO-XH-010、PO-XH-020、PO-XH-030、PO-XH-040、PO-XH-050、U-XH-05", 28, ""),
]  # fmt: skip
# the last six months: each partner of an agreement in force takes part in a joint activity (but U-XH-11: gap 6)
recent = [("AG-XH-01", 1, "U-XH-01", "2026-06-12"), ("AG-XH-02", 1, "U-XH-07", "2026-09-03"),
          ("AG-XH-03", 2, "U-XH-04", "2026-07-22"), ("AG-XH-04", 2, "U-XH-12", "2026-10-09"),
          ("AG-XH-05", 3, "U-XH-02", "2026-08-18"), ("AG-XH-06", 3, "U-XH-06", "2026-11-05"),
          ("AG-XH-07", 4, "U-XH-03", "2026-06-30"), ("AG-XH-10", 5, "U-XH-05", "2026-09-26"),
          ("AG-XH-11", 5, "U-XH-08", "2026-10-15")]  # fmt: skip
for n, (ag, k, uid, day) in enumerate(recent, start=13):
    act_rows.append((f"ACT-XH-{n:02d}", f"{UNAME[uid]}共建服务日", day, "共建活动", ag, CORG[k], C[k], uid, 30, ""))
# each community with an organization: a joint meeting this half-year, and a theme day in which its reported
# in-service members took part (but GAP8, reported in 2025, who took part in none: gap 8)
reported = {k: [m["党员编号"] for m in members if m["党员情况"] == "在职" and m.get("报到党组织")
                and m["居住地"].startswith(C[k])] for k in CORG}  # fmt: skip
GAP8 = next(m["党员编号"] for m in members if m["党员编号"] in reported[3] and m["报到日期"] < "2025-11-01")
for k, org in CORG.items():
    n = len(act_rows) + 1
    act_rows.append((f"ACT-XH-{n:02d}", f"{CNAME[k]}党建联席会议", f"2026-{7 + k % 3:02d}-{10 + k:02d}", "联席会议", "",
                     org, C[k], "", 12, ""))  # fmt: skip
    took = [m for m in reported[k] if m != GAP8]
    act_rows.append((f"ACT-XH-{n + 1:02d}", f"{CNAME[k]}“七一”主题党日", "2026-07-01", "主题党日", "", org, C[k],
                     "、".join(took), len(took), ""))  # fmt: skip
activities = [dict(zip(ACT_H, row, strict=True)) for row in act_rows]

# 双评议: 祥云社区 evaluates its reported members each year (but GAP9, reported in 2025: gap 9); the others keep no record
EVAL_H = ["评议编号", "被评议党员", "评议社区", "评议等次", "评议日期", "备注"]
GAP9 = next(m for m in reported[3] if m != GAP8 and next(x for x in members if x["党员编号"] == m)["报到日期"] < "2025-11-01")
evaluations = [dict(zip(EVAL_H, (f"EV-XH-{i:02d}", m, "PO-XH-030", "优秀" if i % 3 == 0 else "合格", "2026-06-28", ""), strict=True))
               for i, m in enumerate((m for m in reported[3] if m != GAP9), start=1)]  # fmt: skip

MATTER_H = ["事项编号", "议定事项", "提出会议", "提出方", "提出日期", "办理情况", "办结时限", "办结日期", "备注"]
matters = [dict(zip(MATTER_H, row, strict=True)) for row in [
    ("MT-XH-01", "农贸市场周边交通疏导", "ACT-XH-09", "PO-XH-010", "2025-12-15", "已办结", "2026-03-31", "2026-03-20", ""),
    ("MT-XH-02", "和美小区停车位规划", "ACT-XH-12", "PO-XH-010", "2026-10-20", "已办结", "2026-11-15", "2026-11-10", ""),
    ("MT-XH-03", "太和花园雨污管网改造", "ACT-XH-12", "U-XH-05", "2026-10-20", "在办", "2026-12-31", "", ""),
    ("MT-XH-04", "祥云路夜市噪音整治", "ACT-XH-12", "PO-XH-030", "2026-10-20", "在办", "2026-11-01", "", "逾期：缺口 7"),
]]  # fmt: skip

# --------------------------------------------------------------------------- volunteer teams

TEAM_H = ["队伍编号", "队伍名称", "服务社区", "依托组织", "队员", "队员人数", "服务内容", "成立日期", "备注"]
teams = [
    dict(队伍编号=i, 队伍名称=n, 服务社区=c, 依托组织=b, 队员="、".join(ms), 队员人数=k, 服务内容=svc, 成立日期=d, 备注="")
    for i, n, c, b, ms, k, svc, d in [
        ("VT-XH-01", "义和社区夕阳红党员志愿服务队", C[1], "PO-XH-010", ["M0001", "M0002", "M0006"], 12, "邻里互助、敬老助老", "2021-06-20"),
        ("VT-XH-02", "祥云社区“红马甲”志愿服务队", C[3], "PO-XH-030", ["M0019", "M0021", "M0022", "M0023"], 18, "环境整治、文明劝导", "2020-03-05"),
        ("VT-XH-03", "祥和卫生院健康志愿服务队", C[4], "U-XH-03", [], 9, "义诊、健康讲座", "2022-09-01"),
    ]
]  # fmt: skip

# --------------------------------------------------------------------------- the messy GB18030 member roster

MESSY_H = ["序号", "党员姓名", "公民身份号码", "手机号", "性别", "出生年月", "文化程度", "入党时间", "党员类型", "人员情况",
           "所在党支部", "工作单位", "居住社区", "报到社区", "流动去向", "外出时间", "备注"]  # fmt: skip
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def mid(born: str, male: bool) -> str:
    return id_number(d(born), male)


messy_rows = []
id_wang = mid("1958-11-01", False)
phone_wang = phone()
id_bad_check = mid("1972-05-01", True)
id_bad_check = id_bad_check[:17] + ("0" if id_bad_check[17] != "0" else "1")  # a wrong check character
for r in [
    # good rows (lines 3–8)
    ["张 华", mid("1965-03-01", True), phone(), "男", "１９６５年３月", "高中", "1990.07", "正式", "退休",
     "祥瑞苑小区党支部", "", "祥瑞苑小区", "", "", "", ""],
    [" 李明 ", mid("1985-04-01", True), phone(), "男", "1985/4/1", "本科", "2010年7月", "正式党员", "在职",
     "PO-XH-031", "古城区祥和中学", "530702003003", "祥云社区党总支", "", "", ""],
    ["王秀兰", id_wang, phone_wang, "女", "1958年11月", "初中", "1986年7月1日", "正式党员", "离退休",
     "祥云社区居民党支部", "", "祥云社区", "", "", "", ""],
    [name(True), mid("1990-09-01", True), phone(), "男", "1990.09", "大专", "2015/6/30", "正式党员", "流动党员",
     "祥云社区流动党员党支部", "", "祥云社区", "", "浙江省宁波市", "2026年8月", "外出务工"],
    [name(False), mid("1999-08-01", False), phone().translate(FW), "女", "1999年8月", "大学", "2026年3月", "预备", "待业",
     "PO-XH-031", "", "530702003003", "", "", "", ""],
    [name(True), mid("1978-02-01", True), phone(), "男", "1978.02", "中专", "20260415", "预备党员", "无业",
     "PO-XH-033", "", "祥瑞苑小区3栋", "", "", "", ""],
    # bad rows (lines 9–14)
    [name(False), mid("1988-06-01", False), phone(), "女", "1988年6月", "本科", "2012年7月", "积极分子", "下岗失业",
     "PO-XH-031", "", "祥云社区", "", "", "", ""],
    [name(True), mid("1970-10-01", True), phone(), "男", "1970年10月", "高中", "2010-13-45", "正式党员", "下岗失业",
     "PO-XH-031", "", "祥云社区", "", "", "", ""],
    [name(True), id_bad_check, phone(), "男", "1972.05", "大专", "1998年7月", "正式党员", "下岗失业",
     "PO-XH-033", "", "祥瑞苑小区", "", "", "", ""],
    [name(False), mid("1983-12-01", False), phone(), "女", "1983年12月", "本科", "2008/7/1", "正式党员", "下岗失业",
     "祥云社区第三党支部", "", "祥云社区", "", "", "", ""],
    ["", mid("1960-07-01", True), phone(), "男", "1960年7月", "高中", "1991年7月1日", "正式党员", "离退休",
     "PO-XH-031", "", "祥云社区", "", "", "", ""],
    ["王秀兰", id_wang, phone_wang, "男", "1958年11月", "初中", "1986.07", "正式党员", "离退休",
     "祥云社区居民党支部", "", "祥云社区", "", "", "", ""],
]:  # fmt: skip
    messy_rows.append([str(len(messy_rows) + 1)] + r)
# full-width digits in one ID number too
messy_rows[2][2] = messy_rows[2][2].translate(FW)
MESSY_BAD = {9: "bad_enum 党员类型", 10: "bad_date 入党时间", 11: "bad_id_check 公民身份号码", 12: "unknown_ref 所在党支部",
             13: "missing_required 党员姓名", 14: "duplicate_conflict 性别 (same ID as line 5)"}  # fmt: skip

# --------------------------------------------------------------------------- group leaders
# Each group (党小组) is led by a formal member of its parent branch (组长, roster role 党小组组长).
_used = {p_["人员"] for p_ in posts}
for o_ in orgs:
    if o_["组织类别"] != "党小组":
        continue
    cand_ = [m_ for m_ in members if m_["所在党组织"] == o_["上级党组织"] and m_["党员类别"] == "正式党员"]
    leader_ = next((m_ for m_ in cand_ if m_["党员编号"] not in _used), cand_[0])
    _used.add(leader_["党员编号"])
    post(leader_["党员编号"], "党小组组长", o_["组织编码"], o_["本届选举日期"] or o_["成立日期"] or "2024-01-01")

# --------------------------------------------------------------------------- write

write(OUT / "区域.csv", AREA_H, areas)
write(OUT / "党组织.csv", ORG_H, orgs)
write(OUT / "驻区单位.csv", UNIT_H, units)
write(OUT / "党员.csv", MEM_H, members)
write(OUT / "人员.csv", PER_H, people)
write(OUT / "任职.csv", POST_H, posts)
write(OUT / "共建协议.csv", AGR_H, agreements)
write(OUT / "活动.csv", ACT_H, activities)
write(OUT / "志愿服务队.csv", TEAM_H, teams)
write(OUT / "议事台账.csv", MATTER_H, matters)
write(OUT / "双评议.csv", EVAL_H, evaluations)
MESSY.mkdir(parents=True, exist_ok=True)
with open(MESSY / "党员台账_GB18030.csv", "w", encoding="gb18030", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["祥和街道祥云社区党员台账（2024年）"] + [""] * (len(MESSY_H) - 1))
    w.writerow(MESSY_H)
    w.writerows(messy_rows)

print("gap 2 members:", GAP2, "gap 3 member:", GAP3, "gap 8 member:", GAP8, "gap 9 member:", GAP9)
print("written:", *sorted(str(p.relative_to(HERE)) for p in [*OUT.glob("*.csv"), *MESSY.glob("*.csv")]))
