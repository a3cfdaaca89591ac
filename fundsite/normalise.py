"""Normalised indicator values: a printed value in its printed unit as a number in a base unit.

2.5 万人 is 25000 人, 1 万人次 is 10000 人次, 5000 千条 is 5000000 条, 12 万元 is 120000 元.
The arithmetic is decimal (no float: 2.5 × 10,000 is 25000, never 25000.000000000004).
What is kept apart stays apart: 人次 (person-times) is never 人 (persons), 家次 never 家,
and a rate keeps what it is per (场/年, 人/半年, 人次/周). A printed multiplier without the
thing it counts (a bare “万” or “亿”: 58万, ≥12.5亿) has no base unit and so no normalised
value, as do units this table does not list (个课题, 家次（人次）): the printed value stays the
only one. The percent sign, full-width or not, stays %.

indicators.value_norm, value_max_norm and unit_norm hold the result; the build recomputes
them from value, value_max and unit (fundsite/check/comparable.py) and refuses a mismatch.
"""
from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

# Units counted as they are: the base units. Each is its own kind: 人 and 人次, 家 and 家次 never meet.
BASE_UNITS = frozenset({
    "人", "人次", "名", "个", "家", "家次", "户", "场", "场次", "次", "份", "件", "套", "台", "台套", "项", "部",
    "字", "篇", "期", "宗", "页", "种", "条", "节点", "所", "门", "元", "%", "分", "秒", "分钟", "天", "周",
    "个工作日",
})
# Printed multipliers before a base unit.
PREFIXES = {"万": Decimal(10000), "千": Decimal(1000), "亿": Decimal(100000000)}
# Printed units that name their base another way: 10万（条） prints the 条 in brackets.
SPELLED = {"万（条）": ("条", Decimal(10000))}


def base_unit(unit: str | None) -> tuple[str, Decimal] | None:
    """(base unit, factor) of a printed unit, or None when it does not convert.

    A rate (“场/年”, “元/人/月”) converts its numerator and keeps the rest as printed."""
    if not unit:
        return None
    text = unit.replace("％", "%")
    head, slash, rest = text.partition("/")
    if head in SPELLED:
        base, factor = SPELLED[head]
    elif head in BASE_UNITS:
        base, factor = head, Decimal(1)
    elif len(head) > 1 and head[0] in PREFIXES and head[1:] in BASE_UNITS:
        base, factor = head[1:], PREFIXES[head[0]]
    else:
        return None
    if slash and not rest:
        return None
    return base + slash + rest, factor


def plain(number: Decimal) -> str:
    """A decimal as the CSV holds it: no exponent, no trailing zeros (25000, 0.2, 1500000)."""
    text = format(number.normalize(), "f")
    return text


def normalised(value, unit: str | None) -> tuple[Decimal, str] | None:
    """(value in the base unit, base unit), or None when the value is missing or the unit does not convert."""
    if value is None:
        return None
    found = base_unit(unicodedata.normalize("NFC", unit) if unit else unit)
    if found is None:
        return None
    base, factor = found
    return Decimal(plain(Decimal(str(value)) * factor)), base


def fill_csv_row(row: dict) -> None:
    """Set value_norm, value_max_norm and unit_norm of an indicators.csv row (text cells) from its
    value, value_max and unit, where they are empty: what a curator or a review leaves out."""
    if row.get("value_norm") or row.get("unit_norm"):
        return
    try:
        found = normalised(Decimal(row["value"]) if row.get("value") else None, row.get("unit"))
        high = normalised(Decimal(row["value_max"]) if row.get("value_max") else None, row.get("unit"))
    except InvalidOperation:
        return  # not a number: the build says so
    if found is None:
        return
    row["value_norm"], row["unit_norm"] = plain(found[0]), found[1]
    row["value_max_norm"] = plain(high[0]) if high else ""
