"""Cell values as rosters hold them."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.graph.schema import model
from dangjian.loaders import normalize as nz
from dangjian.loaders.messages import MESSAGES, WARNINGS, render

from conftest import id_number


def code_of(raw, fn=nz.parse_date) -> str:
    with pytest.raises(nz.BadValue) as e:
        fn(raw)
    return e.value.code


# ---- dates

@pytest.mark.parametrize(
    "raw",
    ["2010-07-01", "2010/7/1", "2010.7.1", "2010年7月1日", "2010年7月1号", "2010年7月1號", "二〇一〇年七月一號", "20100701", "２０１０年７月１日",
     20100701, 20100701.0, date(2010, 7, 1), datetime(2010, 7, 1, 8, 30), "2010-07-01 08:30:00",
     " 2010 年 7 月 1 日 ", "二〇一〇年七月一日", "二零一零年七月一日", "二O一O年七月一日", "2010—07—01",
     "2010–07–01", "2010－07－01", "2010——7——1", "2010﹣07﹣01", "2010−07−01", "2010-7-1", "2010/07/01",
     "2010.07.01", "2010。07。01"],
)  # fmt: skip
def test_dates_with_a_day(raw):
    assert nz.parse_date(raw) == "2010-07-01"


@pytest.mark.parametrize("raw", ["2010.07", "2010年7月", "2010-7", "2010/07", "2010年07月", "二〇一〇年七月",
                                 "二零一零年七月", 2010.07, 2010.7])  # fmt: skip
def test_dates_with_a_month_are_the_first(raw):
    assert nz.parse_date(raw) == "2010-07-01"


@pytest.mark.parametrize(("raw", "iso"), [("二〇二三年十二月二十三日", "2023-12-23"), ("二〇二三年十月十日", "2023-10-10"),
                                          ("一九九九年十一月三十一日", None), ("二〇〇〇年元月", "2000-01-01"),
                                          (2010.12, "2010-12-01"), (2010.11, "2010-11-01"), (2010.5, "2010-05-01"),
                                          (2010.05, "2010-05-01"), ("2010.5", "2010-05-01")])  # fmt: skip
def test_chinese_numerals_and_numbers_shaped_like_months(raw, iso):
    if iso is None:
        assert code_of(raw) == "bad_date"  # November has 30 days
    else:
        assert nz.parse_date(raw) == iso


@pytest.mark.parametrize("raw", ["2010", "2010年", 2010, 2010.0, " 2010 年 "])
def test_a_year_alone_is_its_first_day_noted_as_imprecise(raw):
    got = nz.parse_date(raw)
    assert got == nz.Noted("2010-01-01", "imprecise_date", {"date": "2010-01-01"})
    assert "只知道年份" in render(got.code, "zh", value=raw, **got.params)


@pytest.mark.parametrize("raw", [2010.1, 2010.10, "2010.1"])
def test_2010_1_is_january_but_may_be_october(raw):
    got = nz.parse_date(raw)
    assert type(got) is nz.Noted and got.value == "2010-01-01" and got.code == "ambiguous_month"
    assert "2010-10-01" in render(got.code, "en", value=raw, **got.params)


@pytest.mark.parametrize("raw", [1, 40360, 40360.0, "40360", "40360.0", 40360.5, 0, -5, 1.5, 123456789, 201007,
                                 float("nan"), float("inf")])  # fmt: skip
def test_numbers_that_are_not_date_shaped_are_rejected_with_their_reason(raw):
    assert code_of(raw) == "number_not_date"


@pytest.mark.parametrize("raw", ["2010-13-01", "2010-02-30", "明年", "1850-01-01", "2101", True, "7/1/2010",
                                 20101345, 2010.13, 1850.07, "2010年十三月"])  # fmt: skip
def test_bad_dates(raw):
    assert code_of(raw) == "bad_date"


_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
_CN = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    return ("" if n < 20 else _CN[n // 10]) + ("十" if n >= 10 else "") + (_CN[n % 10] if n % 10 or n < 10 else "")


@given(_DATES, st.sampled_from(["{y}-{m}-{d}", "{y}/{m:02d}/{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}日",
                                "{y}年{m:02d}月{d:02d}号", "{y}—{m:02d}—{d:02d}", "{y}–{m}–{d}", "{y}{m:02d}{d:02d}",
                                "{cy}年{cm}月{cd}日"]))  # fmt: skip
def test_any_date_in_any_style(d, style):
    text = style.format(y=d.year, m=d.month, d=d.day, cy="".join(_CN[int(c)] for c in str(d.year)),
                        cm=_cn_small(d.month), cd=_cn_small(d.day))  # fmt: skip
    assert nz.parse_date(text) == d.isoformat()
    assert nz.parse_date(text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == d.isoformat()


@given(_DATES)
def test_numbers_in_a_date_shape(d):
    assert nz.parse_date(d.year * 10000 + d.month * 100 + d.day) == d.isoformat()
    first = f"{d.year}-{d.month:02d}-01"
    for typed in (f"{d.year}.{d.month:02d}", f"{d.year}.{d.month}"):
        got = nz.parse_date(float(typed))
        if float(typed) == float(f"{d.year}.1"):  # 2010.1 and 2010.10 are one float: January, noted
            assert got.code == "ambiguous_month" and got.value == f"{d.year}-01-01"
        else:
            assert got == first


@given(st.one_of(st.integers(-10**6, 1899), st.integers(2101, 19000100), st.integers(21001232, 10**12)))
def test_other_whole_numbers_are_not_dates(n):
    assert code_of(n) == "number_not_date"
    assert code_of(str(n)) in ("number_not_date", "bad_date")  # an 8-digit text is read as yyyymmdd


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_is_a_date_or_a_clear_reject(x):
    try:
        got = nz.parse_date(x)
    except nz.BadValue as e:
        assert e.code in ("number_not_date", "bad_date")
    else:
        value = got.value if type(got) is nz.Noted else got
        assert date.fromisoformat(value)


# ---- numbers

@pytest.mark.parametrize(("raw", "n"), [("300平方", 300), ("300平方米", 300), ("300平米", 300), ("300㎡", 300),
                                        ("300m²", 300), ("300M2", 300), ("2847。1", 2847.1), ("１，２００", 1200),
                                        ("2万元", 20000), ("320㎡", 320), ("1,234.5", 1234.5), ("12人", 12),
                                        ("1.5万元", 15000), (300, 300), (2.5, 2.5)])  # fmt: skip
def test_numbers(raw, n):
    got = nz.parse_number(raw)
    assert got == n and type(got) is type(n)


@pytest.mark.parametrize(("raw", "n"), [("45万余元", 450000), ("45余万元", 450000), ("1300余人", 1300), ("约300人", 300),
                                        ("大约300人", 300), ("300多人", 300), ("300人左右", 300), ("300人以上", 300),
                                        ("近300户", 300), ("30来人", 30), ("约2847。1平方米", 2847.1)])  # fmt: skip
def test_approximate_numbers_are_kept_and_noted(raw, n):
    assert nz.parse_number(raw) == nz.Noted(n, "approximate", {"number": n})
    assert render("approximate", "zh", value=raw, number=n) == f"“{raw}”是约数，按 {n} 记录"


def test_whole_numbers():
    assert nz.parse_int("12人") == 12 and nz.parse_int(12.0) == 12 and nz.parse_int("1,200") == 1200
    assert nz.parse_int("1300余人") == nz.Noted(1300, "approximate", {"number": 1300})
    assert code_of("12.5", nz.parse_int) == "bad_int" and code_of("约12.5人", nz.parse_int) == "bad_int"


@pytest.mark.parametrize(("raw", "code"), [("-3", "negative"), (-3, "negative"), ("很大", "bad_number"),
                                           ("110101199003071233", "too_large"), (float("nan"), "bad_number"),
                                           (float("inf"), "bad_number"), ("nan", "bad_number"), (True, "bad_number"),
                                           ("约-3人", "negative"), ("300余余人", "bad_number")])  # fmt: skip
def test_bad_numbers(raw, code):
    assert code_of(raw, nz.parse_number) == code


@given(st.integers(0, 10**12), st.sampled_from(["{n}余人", "约{n}", "{n}多户", "{n}人左右", "大约{n}元", "{n}个以上"]))
def test_approximate_any_number(n, style):
    assert nz.parse_int(style.format(n=n)) == nz.Noted(n, "approximate", {"number": n})
    assert nz.parse_int(f"{n:,}") == n


# ---- ID numbers

def test_ids_and_phones_stay_text():
    assert nz.clean_id(530702003003.0) == "530702003003"
    assert nz.parse_phone("0888-5123456") == "0888-5123456"
    assert nz.parse_phone("１３９００００１２３４") == "13900001234"
    assert nz.parse_id_number("11010519491231002x") == "11010519491231002X"
    assert code_of(110105194912310020.0, nz.parse_id_number) == "id_number_as_number"


def test_id_numbers_need_a_real_birth_date_and_a_known_area():
    assert nz.parse_id_number(id_number(1)) == id_number(1)  # the fixtures' 530702 (古城区), born 1980
    assert nz.parse_id_number("530702800101001") == "530702800101001"  # an old 15-digit number
    for raw, code in [(id_number(1, birth="19800230"), "bad_id_birth"), (id_number(1, birth="18991231"), "bad_id_birth"),
                      (id_number(1, birth="21000101"), "bad_id_birth"), ("530702801301001", "bad_id_birth"),
                      (id_number(1, region="999999"), "bad_id_region"), (id_number(1, region="530799"), "bad_id_region"),
                      ("999999800101001", "bad_id_region"), ("12345", "bad_id_number"),
                      (id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1"), "bad_id_check")]:  # fmt: skip
        assert code_of(raw, nz.parse_id_number) == code, raw
    # a code retired in 2010 (崇文区) is fine for people born by then, not for those born after
    assert nz.parse_id_number(id_number(1, birth="20100101", region="110103"))
    assert code_of(id_number(1, birth="20110101", region="110103"), nz.parse_id_number) == "bad_id_region"
    # a code set up in 2002 (古城区) is fine for people born before, who register there later
    assert nz.parse_id_number(id_number(1, birth="19300101", region="530702"))


@pytest.mark.parametrize("region", ["530702", "530721", "530722", "530723", "530724", "430111", "110105"])
def test_the_synthesizers_area_codes_are_known(region):
    assert nz.parse_id_number(id_number(7, birth="19450606", region=region))


def test_id_facts():
    assert nz.id_facts("11010519491231002X") == ("1949-12-31", "female")
    assert nz.id_facts(id_number(1)) == ("1980-01-01", "male")
    assert nz.id_facts("530702800101002") == ("1980-01-01", "female")
    assert code_of("12345", nz.id_facts) == "bad_id_number"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date.today()), st.integers(0, 999),
       st.sampled_from(["530702", "430111", "110105"]))  # fmt: skip
def test_any_valid_id_and_any_one_digit_typo(born, serial, region):
    good = id_number(serial, f"{born:%Y%m%d}", region)
    assert nz.parse_id_number(good) == good
    assert nz.id_facts(good) == (born.isoformat(), "male" if serial % 2 else "female")
    for i in (0, 7, 16, 17):  # MOD 11-2 catches every single-character error
        wrong = good[:i] + ("1" if good[i] == "0" else "0") + good[i + 1:]
        assert code_of(wrong, nz.parse_id_number) == "bad_id_check"


@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_digit_is_gb_11643(first17):
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    assert nz.id_check_digit(first17) == "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def test_a_million_id_numbers_take_seconds():
    ids = [id_number(i, birth=f"19{50 + i % 50}0{1 + i % 9}{10 + i % 18}", region=("530702", "430111")[i % 2])
           for i in range(100_000)]  # fmt: skip
    start = time.perf_counter()
    assert all(map(nz.parse_id_number, ids))
    assert time.perf_counter() - start < 3.0  # about 0.2 s here: 2 s for a million


# ---- traditional characters

@pytest.mark.parametrize(("trad", "simp"), [("黨支部", "党支部"), ("社區", "社区"), ("黨員", "党员"), ("離退休", "离退休"),
                                            ("在職", "在职"), ("正式黨員", "正式党员"), ("祥雲社區", "祥云社区"),
                                            ("麗江", "丽江"), ("反覆", "反复"), ("張華", "张华")])  # fmt: skip
def test_simplified(trad, simp):
    assert nz.simplified(trad) == simp
    assert nz.simplified(simp) == simp


def test_the_schemas_words_are_simplified_already_so_choices_match_either_form():
    m = model()
    for rt in m.records:
        for p in rt.properties.values():
            words = [p.labels["zh"], *p.aliases, *(p.enum._lookup if p.enum is not None else ())]
            assert [nz.simplified(w) for w in words] == words
    status = m.node("Member").prop("status").enum
    assert status.match(nz.simplified("正式黨員")) == status.match("正式党员") == "formal"
    situation = m.node("Member").prop("situation").enum
    assert situation.match(nz.simplified("離退休")) == situation.match("离退休") is not None


@given(st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6))
@settings(max_examples=300)
def test_the_fast_path_agrees_with_opencc(text):
    import opencc

    assert nz.simplified(text) == opencc.OpenCC("t2s").convert(text)
    assert nz.simplified(nz.simplified(text)) == nz.simplified(text)


# ---- the rest

def test_text_is_cleaned():
    assert nz.clean_text("　张　华 ") == "张华"
    assert nz.clean_text("ＡＢＣ　１２３") == "ABC 123"
    assert nz.clean_text("Li   Ming\t") == "Li Ming"
    assert nz.clean_text(12.0) == "12"


def test_bools_and_lists():
    assert [nz.parse_bool(x) for x in ("是", "否", "Y", "no", "√", 1)] == [True, False, True, False, True, True]
    assert nz.split_multi("甲公司、乙公司；丙公司, 丁") == ["甲公司", "乙公司", "丙公司", "丁"]


def test_every_code_normalize_uses_has_words():
    for code in ("number_not_date", "bad_id_birth", "bad_id_region", *WARNINGS):
        zh, en = MESSAGES[code]
        assert zh and en and render(code, "en", value="x", column="c", date="d", october="o", number=1)
