"""Tab-separated tables of plans: 专栏 indicator tables and 任务台账 (seeds 002 and 003).

专栏:  "专栏2 “十四五”时期主要指标" then "序号⇥指标⇥单位⇥2020年 基数⇥2025年 目标⇥属性", category rows
       "<b>一、就业</b>⇥⇥⇥", data rows "1⇥城镇新增就业人数⇥万人⇥[161.53]⇥[110]⇥预期性"; [ ] marks a
       cumulative figure, "3.5 以内" an upper bound (source-notes P8-P10).
台账:  "任务⇥工作措施⇥责任单位", the header repeated at each page, an empty task cell continuing the
       task above.
"""
from __future__ import annotations

import re

from fundsite.draft.text import number

BOX = re.compile(r"专栏\s*(\d+)")
CELL_VALUE = re.compile(r"^\s*(?P<op>>|≥|≧|<|≤|≦|＞|＜)?\s*(?P<open>\[)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<close>\])?\s*(?P<word>以内|以上|以下)?\s*$")
OPS = {">": ">", "＞": ">", "≥": "≥", "≧": "≥", "<": "<", "＜": "<", "≤": "≤", "≦": "≤", "以内": "≤", "以下": "≤", "以上": "≥"}
TAGS = re.compile(r"</?b>|\*\*|<sup>\d+</sup>")


def cell_value(raw: str) -> tuple[str, str, bool]:
    """(operator, value, cumulative) of one printed cell; ("text", "", False) when it is not a number."""
    m = CELL_VALUE.match(raw)
    if not m:
        return "text", "", False
    op = OPS.get(m.group("op") or m.group("word") or "", "=")
    return op, number(m.group("num")), bool(m.group("open"))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in TAGS.sub("", line).split("\t")]


def box_indicators(lines: list[str]) -> list[dict]:
    """Rows of every 专栏 table whose header has 指标 and 单位 columns."""
    out = []
    label, header, category = "", None, ""
    for no, line in enumerate(lines, start=1):
        box = BOX.search(line)
        if box and "\t" not in line.strip("\t") or (box and not header and len([c for c in _cells(line) if c]) == 1):
            label, header, category = f"专栏{box.group(1)}", None, ""
            continue
        if not label or "\t" not in line:
            if header and line.strip():
                label, header = "", None            # prose after the table: it has ended
            continue
        cells = _cells(line)
        if header is None:
            if "指标" in cells and "单位" in cells:
                header = cells
            continue
        filled = [c for c in cells if c]
        if len(filled) == 1:
            category = filled[0]
            continue
        row = dict(zip(header, cells))
        name_raw = row.get("指标", "")
        if not name_raw:
            continue
        item = dict(table_label=label, seq_label=row.get("序号", ""), category_raw=category,
                    name=re.sub(r"^其中[：:]", "", name_raw), unit=row.get("单位", ""), attribute=row.get("属性", ""),
                    raw_text=re.sub(r"\s+", " ", " ".join(c for c in cells if c)), lines=[no], problems=[])
        cumulative = False
        for col, value in row.items():
            year = re.search(r"(\d{4})", col)
            kind = "baseline" if "基数" in col else "target" if "目标" in col else "actual" if "完成" in col else ""
            if not kind:
                continue
            op, num, cum = cell_value(value)
            cumulative = cumulative or cum
            item[f"{kind}_year"] = year.group(1) if year else ""
            item[f"{kind}_raw"] = value
            if kind != "actual":
                item[f"{kind}_operator"] = op
            item[f"{kind}_value"] = num
        item["cumulative"] = "true" if cumulative else "false"
        item["period_kind"] = "cumulative" if cumulative else "end-year"
        if item.get("target_operator") == "text":
            item["problems"].append(f"目标值“{item.get('target_raw', '')}”不是单个数字：请核对 target_operator 与 target_value")
        out.append(item)
    return out


LEDGER_HEADER = ("任务", "工作措施", "责任单位")
UNIT_SPLIT = re.compile(r"[，、,]")


def ledger_tasks(lines: list[str]) -> list[dict]:
    """Measures of a 任务台账: one per row, with its task (filled down) and responsible units."""
    out = []
    task, task_line, active = "", 0, False
    for no, line in enumerate(lines, start=1):
        cells = _cells(line) if "\t" in line else []
        if tuple(cells[:3]) == LEDGER_HEADER:
            active = True
            continue
        if not active:
            continue
        if not cells:
            if line.strip() and not line.strip().startswith("任务"):
                active = not re.match(r"^[^\t]{30,}$", line)   # a long plain line: the table has ended
            continue
        if len(cells) < 3:
            continue
        if cells[0]:
            task, task_line = cells[0], no
        out.append(dict(task=task, task_line=task_line, measure=cells[1], units=[u.strip() for u in UNIT_SPLIT.split(cells[2]) if u.strip()],
                        units_raw=cells[2], lines=[no], problems=[] if task else ["这一行没有任务：请填写 parent_task_id"]))
    return out
