"""Performance-target tables: "1、产出指标：新增设备数，年度指标值：84台套以上。"

The shape of seed 004 (项目支出绩效目标表: 主管部门 / 预算单位 / 项目名称 / 绩效目标 /
绩效指标, flattened into lines).  Moved here from scripts/curation/seed004.py,
which now calls it; the section numbers (5.1-5.10) point to the "Seed 004"
part of shared/notes/source-notes.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundsite.draft.text import Joined, join_lines, line_span, width
from fundsite.draft.values import parse_value

TITLE = "项目支出绩效目标表（含转移支付项目）"
COLUMN_HEADER = "主管部门 预算单位 项目名称 绩效目标 绩效指标"
FURNITURE = (TITLE, COLUMN_HEADER)

# 5.5: only "n、" followed by an indicator kind starts an indicator; goals have their own "1、" lists.
# (?<!\d) keeps "12、" from matching as "2、".
INDICATOR_START = re.compile(r"(?<!\d)(\d+)、\s*(产出指标|效益指标|满意度指标|可持续影响指标|可持续影响|成本指标)\s*([：，])")
INDICATOR_LINE = re.compile(r"^\d+、\s*(产出|效益|满意度|可持续影响|成本)")
LEVEL1 = {"可持续影响": "可持续影响指标"}
# 5.6: the label is split by line wraps in 47 places; the lines are joined first, but allow
# whitespace anyway.  5.7: in 795-796 the "，" before the label is missing.
VALUE_LABEL = re.compile(r"年\s*度\s*指\s*标\s*值\s*：")
NAME_MAX = 16          # 5.4: name fragments are <= 16 characters wide, goal lines about 40-45
# A unit printed in brackets at the end of the name: "一般性岗位补贴人数（人次）" with value "10000".
NAME_UNIT = re.compile(r"[（(](人次|人|%|个)[）)]$")


@dataclass
class Project:
    start: int                       # 1-based line of the department cell
    dept: str = ""
    unit_parts: list = field(default_factory=list)   # (line, text)
    name_parts: list = field(default_factory=list)
    goal_parts: list = field(default_factory=list)
    ind_lines: list = field(default_factory=list)

    @property
    def unit_name(self) -> str:
        return "".join(t for _, t in self.unit_parts)

    @property
    def name(self) -> str:
        return "".join(t for _, t in self.name_parts)       # 5.4: rejoin with NO separator

    def lines(self) -> list[int]:
        return [n for n, t in self.unit_parts + self.name_parts + self.goal_parts + self.ind_lines
                if t.strip() and not is_furniture(t)] + [self.start]


def is_furniture(line: str) -> bool:
    """5.1: title and column header repeat at page tops, often with a leading space."""
    return line.strip() in FURNITURE


def is_indicator_line(line: str) -> bool:
    return bool(INDICATOR_LINE.match(line.strip()))


def split_projects(lines: list[str], department: str, unit_names) -> list[Project]:
    """5.2: a line starting with the department opens a project only once the previous project's
    indicator paragraph has begun; otherwise it is a name fragment (seed 004 lines 1002, 1018, 1451).
    unit_names: the budget units' full names, to tell when a wrapped unit cell is complete (5.3)."""
    projects: list[Project] = []
    seen_indicators = True
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or is_furniture(line):
            continue
        if text.startswith(department) and seen_indicators:
            projects.append(Project(start=no))
            seen_indicators = False
            read_header(projects[-1], no, text)
            continue
        if not projects:
            continue
        p = projects[-1]
        if is_indicator_line(line) or p.ind_lines:
            seen_indicators = True
            p.ind_lines.append((no, line.rstrip("\n")))
        elif p.goal_parts:
            p.goal_parts.append((no, text))
        elif p.dept and not p.name_parts and continues_unit(p.unit_name, text, unit_names):
            p.unit_parts.append((no, text))              # 5.3 layout 3: the unit wraps
        elif width(text) <= NAME_MAX:
            p.name_parts.append((no, text))              # 5.4: short lines are name fragments
        else:
            p.goal_parts.append((no, text))              # first long line opens the goal
    return projects


def continues_unit(sofar: str, text: str, unit_names) -> bool:
    """True while the unit cell is incomplete and this line carries it on towards a known unit."""
    return sofar not in unit_names and any(u.startswith(sofar + text) for u in unit_names)


def read_header(p: Project, no: int, text: str) -> None:
    """5.3: the first line holds department, then maybe unit, name and the first goal sentence.
    Only this line is split on spaces (goal text may contain spaces, e.g. seed 004 line 125)."""
    tokens = text.split()
    p.dept = tokens[0]
    if len(tokens) > 1:
        p.unit_parts.append((no, tokens[1]))
    if len(tokens) > 2:
        p.name_parts.append((no, tokens[2]))
    if len(tokens) > 3:
        p.goal_parts.append((no, " ".join(tokens[3:])))


def split_indicators(ind_lines):
    """5.6: join all indicator lines with no separator, then cut at every "n、<kind>" start.
    Yields (printed number, kind, whole piece, body after "n、<kind>：", line numbers)."""
    joined = Joined((no, line) for no, line in ind_lines if not is_furniture(line))
    text = joined.text
    pieces = joined.pieces(INDICATOR_START)
    if not pieces or pieces[0][0].start() != len(text) - len(text.lstrip()):
        raise ValueError(f"indicator text at line {ind_lines[0][0]} does not start with an indicator")
    for m, end in pieces:
        piece = text[m.start():end].rstrip()
        before = text[m.start() - 1] if m.start() else "。"
        if before not in "。" and not before.isspace():
            raise ValueError(f"suspicious indicator start after {before!r}: {piece[:30]}")
        lines = joined.lines_of(m.start(), m.start() + len(piece))
        yield m.group(1), m.group(2), piece, text[m.end():m.start() + len(piece)], lines


def split_name_value(body: str):
    """5.7: split on "年度指标值：" first; if there is no label (P076-P103) on the first "，".
    Returns (name_raw, value_raw, period)."""
    m = VALUE_LABEL.search(body)
    if m:
        name, value, period = body[:m.start()], body[m.end():], "年度"
    elif "，" in body:
        name, value = body.split("，", 1)
        period = "未注明"
    else:
        name, value, period = body, "", "未注明"
    name = name.strip().rstrip("，").strip()
    value = value.strip().rstrip("。").strip()     # 5.7: "。。" and the orphan "。" of 5.6
    return name, value, period


def clean_name(raw: str) -> tuple[str, list[str]]:
    """Normalised level-3 name: strip stray whitespace and a final "。" (5.7),
    collapse a doubled name ("信息系统验收合格率信息系统验收合格率", 5.7)."""
    notes = []
    name = re.sub(r"[\s\u3000]+", "", raw).rstrip("。")
    half = len(name) // 2
    if len(name) % 2 == 0 and half >= 4 and name[:half] == name[half:]:
        name = name[:half]
        notes.append("原文指标名称重复印了两遍，规范名称只保留一遍")
    if raw.strip().endswith("。"):
        notes.append("原文指标名称以“。”结尾，规范名称已去掉")
    return name, notes


def add_note(row: dict, text: str) -> None:
    row["note"] = "；".join(x for x in (row["note"], text) if x)


def apply_overrides(row: dict, overrides: dict) -> None:
    """Hand-set readings win over the rules; a "note" override is appended, not replaced."""
    for fld, value in overrides.get(row["indicator_id"], {}).items():
        if fld == "note":
            add_note(row, value)
        elif fld != "parts":
            row[fld] = value


def indicator_rows(ind_lines, doc_id: str, pid: str, pname: str, overrides: dict | None = None,
                   context_phrases: tuple[str, ...] = (), table_title: str = "项目支出绩效目标表") -> list[dict]:
    """One row per printed indicator (or per part of a compound one set in the overrides).

    A value the rules cannot read gets "_problem" instead of an exception, so a
    draft can show it to the maintainer; the curation script treats it as an error."""
    overrides = overrides or {}
    rows = []
    for seq, (printed, kind, piece, body, lines) in enumerate(split_indicators(ind_lines), start=1):
        name_raw, value_raw, period = split_name_value(body)
        name, name_notes = clean_name(name_raw)
        base = dict(indicator_id=f"{pid}-i{seq:02d}", document_id=doc_id, project_id=pid, allocation_id="",
                    seq=seq, part=1, level1=LEVEL1.get(kind, kind), level1_raw=kind, level2="", level2_raw="",
                    name=name, name_raw=name_raw, period=period, raw_text=piece,
                    source_lines=line_span(lines), _printed=int(printed),
                    locator=f"{table_title} {pname} 绩效指标第{seq}条（原编号“{printed}、”）")
        parts = overrides.get(base["indicator_id"], {}).get("parts")
        fragments = parts.split("|") if parts else [value_raw]
        for k, frag in enumerate(fragments, start=1):
            row = dict(base)
            if parts:                                 # compound: one row per measurable value
                row["indicator_id"] = f"{base['indicator_id']}-{k}"
                row["part"] = k
            problem = ""
            if "operator" in overrides.get(row["indicator_id"], {}):
                parsed = dict(value="", value_max="", value_text="", unit="", operator_raw="", notes=[])
            else:
                try:
                    parsed = parse_value(frag, context_phrases)
                except ValueError as exc:
                    problem = f"指标值“{frag}”读不出唯一的目标值（{exc}）"
                    parsed = dict(operator="text", operator_raw="", value="", value_max="", value_text=frag, unit="", notes=[])
            notes = name_notes + parsed.pop("notes")
            # 5.9: an empty target has no printed value; the label itself is what stands there
            row.update(parsed, value_raw=frag or "年度指标值：", note="；".join(notes))
            name_unit = NAME_UNIT.search(name)
            if row["value"] and not row["unit"] and name_unit:
                row["unit"] = name_unit.group(1)
                add_note(row, f"原值未印单位，单位取自指标名称“{name_unit.group()}”")
            apply_overrides(row, overrides)
            if problem:
                row["_problem"] = problem
            rows.append(row)
    return rows


def project_row(p: Project, doc_id: str, pid: str, seq: int, unit_ids: dict, districts: dict,
                table_title: str = "项目支出绩效目标表") -> dict:
    """The project row of one block; unit_ids maps unit full names to unit ids."""
    found = [rid for d, rid in districts.items() if d in p.name]
    return dict(project_id=pid, document_id=doc_id, parent_project_id="", level="project",
                seq=seq, seq_label="", name=p.name, name_raw=p.name, department_unit_id=unit_ids.get(p.dept, ""),
                budget_unit_id=unit_ids.get(p.unit_name, ""), region_id=found[0] if len(found) == 1 else "",
                period_raw="", goal_text=join_lines(p.goal_parts), source_lines=f"{min(p.lines())}-{max(p.lines())}",
                locator=f"{table_title} 第{seq}个项目（预算单位：{p.unit_name}）{p.name}", note="")
