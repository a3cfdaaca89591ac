"""Money rows: project budgets, recipients with amounts, recipient-by-column matrices, 合计.

budget:    "项目名称 总计 财政拨款 财政专户拨款 其他资金" tables; a project row is its (wrapped)
           name and one amount per column, "花都区随军家属就业安置财政补贴 50.60 50.60 0.00 0.00" (seed 001),
           then its 绩效目标 (wrapped lines, up to its first coded indicator "1、1-产出指标；…").
recipient: one recipient and its amount per row, "海珠区人社局 20 启动建设…", "1 某单位 从化区 150.00 用途",
           or a name wrapped over short lines with the amount alone below it (seed 000 附件2).
matrix:    one column per recipient, "合计 5,000.00 2,785.00 80.00 …", "-" for nothing (seed 000 附件3).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundsite.draft.registry import Registry
from fundsite.draft.text import width

AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
TRAILING_AMOUNTS = re.compile(rf"^(?P<head>.*?)\s*(?P<amounts>(?:(?:{AMOUNT})\s+)*(?:{AMOUNT}))\s*$")
FUNDING_COLUMNS = ("财政拨款", "财政专户拨款", "其他资金", "中央财政")
CODED_INDICATOR = re.compile(r"^\d+、\d-")  # "1、1-产出指标；11-数量指标；…": a budget row's indicators begin
TOTAL_LABELS = ("合计", "总计", "小计")


@dataclass
class MoneyRow:
    label: str                      # project or recipient name as printed (wrapped parts joined)
    amounts: list[str]              # as printed
    lines: list[int]
    amount_line: int
    content: str = ""
    district_raw: str = ""
    columns: list[str] = field(default_factory=list)
    codes: dict = field(default_factory=dict)
    goal_lines: list[int] = field(default_factory=list)  # budget rows: where content (the 绩效目标) was printed


def _amounts(text: str) -> list[str]:
    return re.findall(rf"(?<![\d.,])(?:{AMOUNT})(?![\d.,])", text)


# ------------------------------------------------------------------ budget tables (seed 001)
def budget_table(lines: list[str]) -> tuple[list[str], list[MoneyRow], list[MoneyRow]]:
    """(columns, totals, project rows) of every "总计 财政拨款 …" table in the document."""
    columns: list[str] = []
    totals: list[MoneyRow] = []
    rows: list[MoneyRow] = []
    name_parts: list[tuple[int, str]] = []
    goal_of: MoneyRow | None = None  # the project whose 绩效目标 the lines below its amounts are
    goal: list[tuple[int, str]] = []

    def close_goal():
        nonlocal goal_of, goal
        if goal_of is not None and goal:
            goal_of.content = "".join(t for _, t in goal)  # wrapped by the PDF, not by the author
            goal_of.goal_lines = [n for n, _ in goal]
        goal_of, goal = None, []

    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if "总计" in text and any(c in text for c in FUNDING_COLUMNS):
            close_goal()
            after = text[text.index("总计"):].split()
            columns = [c for c in after if c == "总计" or c in FUNDING_COLUMNS]
            name_parts = []
            continue
        if not columns or not text:
            continue
        if goal_of is not None:
            if CODED_INDICATOR.match(text) or TRAILING_AMOUNTS.match(text) and len(_amounts(text)) == len(columns):
                close_goal()  # the indicators (or the next row) begin: the goal is complete
            else:
                goal.append((no, text))
                continue
        m = TRAILING_AMOUNTS.match(text)
        found = _amounts(m.group("amounts")) if m else []
        if m and len(found) == len(columns):
            head = m.group("head").strip()
            if head in TOTAL_LABELS:
                totals.append(MoneyRow(head, found, [no], no, columns=columns))
            else:
                parts = name_parts + ([(no, head)] if head else [])
                if parts:
                    rows.append(MoneyRow("".join(t for _, t in parts), found, [n for n, _ in parts] + [no], no, columns=columns))
                    goal_of = rows[-1]  # its 绩效目标 follows, up to its first indicator
            name_parts = []
            continue
        if width(text) <= 16 and not re.search(r"[。；]$", text):
            name_parts.append((no, text))            # short lines make a project name (a cell that wraps)
        else:
            name_parts = []                          # a long line: indicator or goal text, not a name
    close_goal()
    return columns, totals, rows


# ------------------------------------------------------------------ recipient rows
SEQ_ROW = re.compile(rf"^(?P<seq>\d{{1,3}})\s+(?P<name>\S+)\s+(?:(?P<district>\S+?[区县市])\s+)?(?P<amount>{AMOUNT})(?:\s+(?P<content>.*))?$")
NAME_ROW = re.compile(rf"^(?P<name>\S+?)\s+(?P<amount>{AMOUNT})(?:\s+(?P<content>\D.*))?$")


def recipient_rows(lines: list[str], registry: Registry) -> list[MoneyRow]:
    """Rows that give one recipient and its amount; the recipient must be a known unit or district
    bureau, or stand in a numbered row of a table with a 单位/金额 header (a new unit for review)."""
    rows: list[MoneyRow] = []
    in_table = False
    pending: list[tuple[int, str]] = []
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if ("单位" in text and "金额" in text) and len(text) < 80:
            in_table = True
            continue
        if re.fullmatch(r".*\s\d{9,}", text):
            pending = []
            continue                                 # "广州市小计 440199000": a unit code, not an amount
        m = SEQ_ROW.match(text)
        if m and (in_table or registry.unit(m.group("name"))):
            rows.append(MoneyRow(m.group("name"), [m.group("amount")], [no], no, content=(m.group("content") or "").strip(),
                                 district_raw=m.group("district") or ""))
            pending = []
            continue
        m = NAME_ROW.match(text)
        if m and registry.unit(m.group("name")):
            rows.append(MoneyRow(m.group("name"), [m.group("amount")], [no], no, content=(m.group("content") or "").strip()))
            pending = []
            continue
        # A name wrapped over short lines ("广州市人力资" / "源和社会保障" / "局（局本级）"), then "1275" or "45 培育…".
        lone = re.match(rf"^(?P<amount>{AMOUNT})(?:\s+(?P<content>\D.*))?$", text)
        if lone and pending:
            name = "".join(t for _, t in pending)
            if registry.unit(name):
                rows.append(MoneyRow(name, [lone.group("amount")], [n for n, _ in pending] + [no], no,
                                     content=(lone.group("content") or "").strip()))
            pending = []
            continue
        if width(text) <= 8:
            pending = (pending + [(no, text)])[-4:]
        else:
            pending = []
    return rows


# ------------------------------------------------------------------ recipient matrices (seed 000 附件3)
CODE7 = re.compile(r"(?<!\d)(\d{7})(?!\d)\s*")
CODE5 = re.compile(r"(?<!\d)(\d{5})(?!\d)\s*")
MATRIX_CELL = rf"(?:{AMOUNT}|-)"


def _columns(header_text: str, registry: Registry) -> list[tuple[str, str]]:
    """Recipient names in a flattened column header, in order: [(printed, unit id)]."""
    text = re.sub(r"\s+", "", header_text)
    out = []
    names = registry.known_names()
    i = 0
    while i < len(text):
        hit = next((n for n in names if text.startswith(n, i)), None)
        if hit:
            end = i + len(hit)
            suffix = re.match(r"[（(](局本级|本级)[）)]", text[end:])
            printed = hit + (suffix.group() if suffix else "")
            out.append((printed, registry.unit(hit)))
            i = end + (len(suffix.group()) if suffix else 0)
        else:
            i += 1
    return out


def matrix(lines: list[str], registry: Registry) -> tuple[list[tuple[str, str]], list[MoneyRow], list[MoneyRow]]:
    """(columns, totals, rows) of a table whose columns are recipients, headed by a "合计" row."""
    cell_run = re.compile(rf"(?:(?<=\s)|^)(?P<cells>{MATRIX_CELL}(?:\s+{MATRIX_CELL}){{4,}})\s*$")
    header_start = None
    columns: list[tuple[str, str]] = []
    totals: list[MoneyRow] = []
    rows: list[MoneyRow] = []
    label, label_lines, pending = "", [], []
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        m = cell_run.search(line.rstrip())
        if not m:
            if header_start is None and re.search(r"合计\s*$", text):
                header_start = no
            if columns:
                if text.startswith("子项目") or (pending == [] and not CODE7.match(text) and width(text) > 12 and not re.match(r"^[\d‛]", text)):
                    if text.startswith("子项目"):
                        label, label_lines = text, [no]
                    elif label_lines and no - label_lines[-1] <= 2 and not CODE7.match(text):
                        label, label_lines = label + text, label_lines + [no]
                    pending = []
                else:
                    pending.append((no, text))
            continue
        cells = m.group("cells").split()
        head = line[:m.start()].strip()
        if not columns:
            if header_start is None or not head.startswith("合计"):
                continue
            header = "\n".join(lines[header_start:no - 1])
            columns = _columns(header, registry)
            if len(columns) != len(cells) - 1:
                columns = []                    # not a recipient matrix this reader understands
                continue
        if len(cells) != len(columns) + 1:
            pending = []
            continue
        if head.endswith(TOTAL_LABELS) or head in TOTAL_LABELS:
            totals.append(MoneyRow(head, cells, [no], no))
            pending = []
            continue
        if head.startswith("子项目"):          # label and codes on one line (seed 000 line 2284)
            code_at = CODE7.search(head)
            label, label_lines = (head[:code_at.start()].strip(), [no]) if code_at else (head, [no])
            head = head[code_at.start():] if code_at else ""
        first_code = next((i for i, (_, t) in enumerate(pending) if CODE7.search(t)), len(pending))
        if label_lines and pending[:first_code]:     # the sub-project label went on wrapping
            label += "".join(t for _, t in pending[:first_code])
            label_lines += [n for n, _ in pending[:first_code]]
            pending = pending[first_code:]
        full = " ".join([t for _, t in pending] + [head]).replace("‛", "")
        codes = {}
        c7 = CODE7.search(full)
        if c7:
            codes["function_code"] = c7.group(1)
            rest = full[c7.end():]
            c5 = list(CODE5.finditer(rest))
            codes["function_name_raw"] = rest[:c5[0].start()].strip() if c5 else rest.strip()
            if c5:
                codes["dept_econ_code"] = c5[0].group(1)
                codes["dept_econ_name_raw"] = rest[c5[0].end():c5[1].start()].strip() if len(c5) > 1 else ""
            if len(c5) > 1:
                codes["gov_econ_code"] = c5[1].group(1)
                codes["gov_econ_name_raw"] = rest[c5[1].end():].strip()
        rows.append(MoneyRow(label, cells, [n for n, _ in pending] + [no], no, codes=codes,
                             columns=[c for c, _ in columns]))
        pending = []
    return columns, totals, rows
