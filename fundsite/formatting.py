"""Numbers and dates the way a Chinese reader expects them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

YUAN_PER_WAN = 10000


def raw_decimals(raw: str | None) -> int:
    """How many decimals the source printed ("5,000.00" -> 2, "1275" -> 0)."""
    if not raw or "." not in raw:
        return 0
    return len(raw.strip().rsplit(".", 1)[1])


def printed_decimals(rows: list[dict]) -> int:
    """A sum is shown with as many decimals as its printed parts had (in 万元)."""
    return max((raw_decimals(r["amount_raw"]) for r in rows if r.get("amount_unit_raw") == "万元"), default=0)


def format_wan(yuan: int | None, decimals: int | None = None) -> str:
    """Integer yuan as 万元 with thousands separators.

    decimals=None prints as few decimals as the exact value needs; otherwise at
    least `decimals` (the source's own precision), more only if the value needs them.
    """
    if yuan is None:
        return ""
    value = Decimal(yuan) / YUAN_PER_WAN
    needed = max(0, -value.normalize().as_tuple().exponent) if value else 0
    places = max(needed, decimals or 0)
    return f"{value:,.{places}f}"


def format_amount(row: dict) -> str:
    """An allocation or total in 万元, with the source's decimals when it printed 万元."""
    decimals = raw_decimals(row.get("amount_raw")) if row.get("amount_unit_raw") == "万元" else None
    return format_wan(row.get("amount_yuan"), decimals)


def format_yuan(yuan: int | None) -> str:
    return "" if yuan is None else f"{yuan:,}"


def format_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def format_number(value: Decimal | None) -> str:
    """A plain decimal as printed: no exponent, no trailing zeros beyond the source."""
    if value is None:
        return ""
    text = format(value, "f")
    return text
