"""Cell values as rosters really hold them, turned into clean typed values.

Each converter takes what a CSV or spreadsheet cell holds (str, int, float, bool, date,
datetime) and returns the clean value, or raises :class:`BadValue` with a reason code
(see :mod:`dangjian.loaders.messages`).

>>> clean_text("　张　华 ")
'张华'
>>> parse_date("2010年7月")
'2010-07-01'
>>> parse_date(40360)  # an Excel serial number
'2010-07-01'
"""

from __future__ import annotations

import operator
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

__all__ = [
    "BadValue",
    "clean_text",
    "clean_id",
    "parse_date",
    "parse_int",
    "parse_number",
    "parse_bool",
    "parse_id_number",
    "parse_phone",
    "split_multi",
    "is_blank",
]


class BadValue(ValueError):
    """A cell that cannot become a value of its column's type. ``code`` names the reason."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


_WS = re.compile(r"\s+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_WS_UNTIDY = re.compile(r"^\s|\s$|\s\s|[^\S ]")


def clean_text(value: Any) -> str:
    """NFKC (full-width digits, letters and spaces to half-width), whitespace collapsed,
    no spaces between Chinese characters; integral floats lose their ``.0``."""
    if type(value) is str:
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    ascii_ = text.isascii()
    if not ascii_ and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        ascii_ = text.isascii()
    if " " not in text and text.isprintable():  # no whitespace at all: the common case
        return text
    if _WS_UNTIDY.search(text) is not None:
        text = _WS.sub(" ", text).strip()
    if not ascii_ and " " in text:
        text = _CJK_GAP.sub("", text)
    return text


def clean_id(value: Any) -> str:
    """An identifier or code as text: ``530702003003.0`` read from Excel becomes ``530702003003``."""
    return clean_text(value).replace(" ", "")


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME = re.compile(r"^(.*?\d)[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def _iso(y: int, m: int, d: int, raw: Any) -> str:
    if not 1900 <= y <= 2100:
        raise BadValue("bad_date", value=raw)
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise BadValue("bad_date", value=raw) from None


def parse_date(value: Any) -> str:
    """A date as ``YYYY-MM-DD``. Accepts ``2010-07-01``, ``2010/7/1``, ``2010.07``, ``2010年7月``,
    ``2010年7月1日``, ``20100701``, Excel serial numbers and spreadsheet date cells. A month
    without a day is the first of that month."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _iso(value.year, value.month, value.day, value)
    if isinstance(value, bool):
        raise BadValue("bad_date", value=value)
    if isinstance(value, (int, float)):
        return _serial(value, value)
    text = clean_text(value)
    m = _DATE_TIME.match(text)
    if m:
        text = m.group(1)
    m = _DATE.match(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1), value)
    m = _DATE_COMPACT.match(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _serial(float(text), value)
    raise BadValue("bad_date", value=value)


def _serial(n: float, raw: Any) -> str:
    # Excel's day numbers: 1 = 1900-01-01 (with its phantom 1900-02-29), so count from 1899-12-30.
    if not 1 <= n < 73051:  # up to 2099-12-31
        raise BadValue("bad_date", value=raw)
    return (_EXCEL_EPOCH + timedelta(days=int(n))).isoformat()


_NUM = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(万)?\s*(元|人|户|个|名|平方米|平米|m2|㎡)?$")


_LARGEST = 2**53  # the largest integer exact in a float, in JSON readers and in JavaScript


def parse_number(value: Any) -> float | int:
    """A number, allowing thousands separators, ``万`` and a unit (``320平方米``, ``2万元``)."""
    if isinstance(value, bool):
        raise BadValue("bad_number", value=value)
    if isinstance(value, (int, float)):
        n: float | int = value
    else:
        text = clean_text(value).replace(",", "").replace(" ", "")
        m = _NUM.match(text)
        if not m:
            raise BadValue("bad_number", value=value)
        n = float(m.group(1)) * (10000 if m.group(2) else 1)
    if n != n or n in (float("inf"), float("-inf")):
        raise BadValue("bad_number", value=value)
    if n < 0:
        raise BadValue("negative", value=value)
    if n > _LARGEST:  # an ID number typed into a count column, say; beyond it numbers stop being exact
        raise BadValue("too_large", value=value)
    return int(n) if float(n).is_integer() else float(n)


def parse_int(value: Any) -> int:
    """A whole number (``12``, ``12.0``, ``1,200``, ``12人``)."""
    n = parse_number(value)
    if not float(n).is_integer():
        raise BadValue("bad_int", value=value)
    return int(n)


_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "设", "已设"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "✗", "✘", "不设", "未设", "没有"}


def parse_bool(value: Any) -> bool:
    """是/否, 有/无, yes/no, true/false, 1/0, √/×."""
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("bad_bool", value=value)


_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The check character of a citizen ID number (GB 11643)."""
    return _ID_CHECK[sum(map(operator.mul, map(int, first17), _ID_WEIGHTS)) % 11]


def parse_id_number(value: Any) -> str:
    """A citizen ID number (18 characters with a valid check character, or the old 15 digits).

    A number read from a spreadsheet cell has lost its last digits (Excel keeps 15): rejected.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) >= 1e15:
            raise BadValue("id_number_as_number")
    text = clean_id(value).upper()
    if _ID15.match(text):
        return text
    if not _ID18.match(text):
        raise BadValue("bad_id_number")
    if id_check_digit(text[:17]) != text[17]:
        raise BadValue("bad_id_check")
    return text


_PHONE = re.compile(r"^\+?[\d\-() ]{5,24}$")
_FIVE_DIGITS = re.compile(r"(?:\D*\d){5}")


def parse_phone(value: Any) -> str:
    """A phone number kept as text (leading zeros and dashes stay)."""
    text = clean_text(value)
    if not _PHONE.match(text) or not _FIVE_DIGITS.match(text):
        raise BadValue("bad_phone")
    return text


_MULTI = re.compile(r"\s*[、,，;；]\s*")


def split_multi(value: Any) -> list[str]:
    """A cell naming several entities: ``甲公司、乙公司；丙公司``."""
    return [p for p in _MULTI.split(clean_text(value)) if p]
