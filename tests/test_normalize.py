"""Cell values as rosters hold them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dangjian.loaders import normalize as nz


@pytest.mark.parametrize(
    "raw",
    ["2010-07-01", "2010/7/1", "2010.7.1", "2010年7月1日", "20100701", "２０１０年７月１日", 40360, 40360.0,
     "40360", date(2010, 7, 1), datetime(2010, 7, 1, 8, 30), "2010-07-01 08:30:00", " 2010 年 7 月 1 日 "],
)
def test_dates_with_a_day(raw):
    assert nz.parse_date(raw) == "2010-07-01"


@pytest.mark.parametrize("raw", ["2010.07", "2010年7月", "2010-7", "2010/07"])
def test_dates_with_a_month_are_the_first(raw):
    assert nz.parse_date(raw) == "2010-07-01"


@pytest.mark.parametrize("raw", ["2010-13-01", "2010-02-30", "2010", "明年", "1850-01-01", 0, -5, True, "7/1/2010"])
def test_bad_dates(raw):
    with pytest.raises(nz.BadValue):
        nz.parse_date(raw)


def test_text_is_cleaned():
    assert nz.clean_text("　张　华 ") == "张华"
    assert nz.clean_text("ＡＢＣ　１２３") == "ABC 123"
    assert nz.clean_text("Li   Ming\t") == "Li Ming"
    assert nz.clean_text(12.0) == "12"


def test_ids_and_phones_stay_text():
    assert nz.clean_id(530702003003.0) == "530702003003"
    assert nz.parse_phone("0888-5123456") == "0888-5123456"
    assert nz.parse_phone("１３９００００１２３４") == "13900001234"
    assert nz.parse_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(nz.BadValue) as e:
        nz.parse_id_number(110105194912310020.0)
    assert e.value.code == "id_number_as_number"


def test_numbers_and_bools():
    assert nz.parse_number("2万元") == 20000
    assert nz.parse_number("320㎡") == 320
    assert nz.parse_number("1,234.5") == 1234.5
    assert nz.parse_int("12人") == 12
    assert [nz.parse_bool(x) for x in ("是", "否", "Y", "no", "√", 1)] == [True, False, True, False, True, True]
    assert nz.split_multi("甲公司、乙公司；丙公司, 丁") == ["甲公司", "乙公司", "丙公司", "丁"]
