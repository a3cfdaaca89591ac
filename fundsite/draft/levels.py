"""Indicator tables with named levels.

labelled: "（1）一级指标：产出指标；二级指标：数量指标；三级指标：建设费用；指标数：…"
          (seed 000 附件2; variants of source-notes 6.10-6.17: "1." numbering, 指标值/目标值,
          ASCII ";" and ":", a missing bracket "（6一级指标", no value label at all).
grid:     a table headed "一级指标 二级指标 三级指标 2024年目标值" with the level names on
          their own lines and rows "服务登记失业人员数（万人） 22.8" (seed 000 粤财社〔2024〕109号附件2).
"""
from __future__ import annotations

import re

from fundsite.draft.indicator import LAST_NUMBER, indicator
from fundsite.draft.kinds import LEVEL1, level1_of, level2_of
from fundsite.draft.text import Joined, width

START = re.compile(r"(?:（\s*\d+\s*）?|\(\s*\d+\s*\)|\d+\s*[.、．])?\s*一\s*级\s*指\s*标\s*[：:]")
PARTS = re.compile(r"一级指标\s*[：:](?P<l1>[^；;，,]*)[；;，,]\s*二级指标\s*[：:；;](?P<l2>[^；;，,：:]*)[；;，,：:]\s*"
                   r"三级指标\s*[：:](?P<rest>.*)$", re.S)
VALUE_LABEL = re.compile(r"[；;，,]?\s*(?P<label>指\s*标\s*数|指\s*标\s*值|目\s*标\s*值)\s*[：:]")
TERMINATOR = ("；", ";", "。")
OPEN_END = re.compile(r"([≥≤＞＜><≧≦=]|不低于|不少于|超过|[（(])$")


def _value_end(lines: list[str], label_line: int) -> int:
    """The last line of a value that starts on label_line: values wrap ("指标数：≥" / "55件；").

    The value goes on while the line so far is open (ends in an operator, a comma, a number
    waiting for its unit, or has no number yet) or is a full-width wrapped line, and the next
    line does not open another indicator, a goal ("目标") or a cell of its own (a short fragment)."""
    end = label_line
    text = lines[end - 1].rstrip()
    value = text.split("：")[-1]
    while not text.endswith(TERMINATOR):
        nxt = end + 1
        while nxt <= len(lines) and not lines[nxt - 1].strip():
            nxt += 1
        if nxt > len(lines):
            break
        following = lines[nxt - 1].strip()
        if START.match(following) or following.startswith(("目标", "绩效目标")) or re.fullmatch(r"[\d.,\s]+", following):
            break
        closes = len(following) <= 8 and following.endswith(TERMINATOR)
        unit_only = re.fullmatch(r"[^\d\s]{1,3}[；;。]?", following) and re.search(r"\d$", text)
        open_end = OPEN_END.search(text) or text.endswith(("，", "、", ",")) or not re.search(r"\d", value)
        wrapped = width(text) >= 30 and width(following.split("  ")[0]) >= 8
        if not (closes or unit_only or open_end or wrapped):
            break
        end, text = nxt, following
        value += following
    return end


def labelled_indicators(lines: list[str]) -> list[dict]:
    """Every "一级指标：…" indicator in the document, in order, with its source lines."""
    numbered = [(no, line) for no, line in enumerate(lines, start=1) if line.strip()]
    joined = Joined(numbered)
    text = joined.text
    out = []
    for m, hard_end in joined.pieces(START):
        piece = text[m.start():hard_end]
        label = VALUE_LABEL.search(piece)
        anchor = m.start() + (label.end() if label else piece.find("三级指标") + 4)
        end_line = _value_end(lines, joined.owner[min(anchor, len(text) - 1)])
        stop = next((k for k in range(m.start(), hard_end) if joined.owner[k] > end_line), hard_end)
        piece = text[m.start():stop].rstrip()
        found = PARTS.search(piece)
        src_lines = joined.lines_of(m.start(), stop)
        if not found:
            out.append(dict(_unread=piece, lines=src_lines))
            continue
        rest = found.group("rest")
        value_label = VALUE_LABEL.search(rest)
        if value_label:
            name_raw, value_raw = rest[:value_label.start()], rest[value_label.end():]
        else:                                 # the value sits at the end of the name (6.14)
            parts = [p for p in re.split(r"[。；;]", re.sub(r"\s+", "", rest)) if p]
            tails = [LAST_NUMBER.match(p) for p in parts]
            if len(parts) > 1 and all(t and t.group("label") for t in tails):
                for k, (t, part) in enumerate(zip(tails, parts), start=1):   # "考证通过率≥95%。取证人数≥6人"
                    for row in indicator(found.group("l1"), found.group("l2"), t.group("label"), t.group("value"), "未注明",
                                         piece, src_lines):
                        row.update(part=k, value_raw=part)
                        out.append(row)
                continue
            tail = tails[0] if len(parts) == 1 else None
            name_raw, value_raw = (tail.group("label"), tail.group("value")) if tail and tail.group("label") else (rest, "")
        value_raw = value_raw.strip().rstrip("；;。 ")
        # "指标数：" and "指标值：" say nothing of the period; the grid's "2024年目标值" does (see below)
        period = "年度" if value_label and "年度" in value_label.group("label") else "未注明"
        for row in indicator(found.group("l1"), found.group("l2"), name_raw.strip().rstrip("；;"), value_raw, period,
                             piece, src_lines):
            out.append(row)
    return out


GRID_HEADER = re.compile(r"一级指标\s+二级指标\s+三级指标\s+(?P<period>.*目标值)")
GRID_ROW = re.compile(r"^(?P<name>.*?)\s+(?P<value>[≥≤＞＜><≧≦]?\d+(?:\.\d+)?%?)$")


def grid_indicators(lines: list[str]) -> list[dict]:
    """Rows of "一级指标 二级指标 三级指标 …目标值" tables; a name may wrap, its value alone on a line."""
    out = []
    active = False
    level1 = level2 = ""
    pending: list[tuple[int, str]] = []
    rows_under_level1 = 0
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if GRID_HEADER.search(text):
            active, level1, level2, pending = True, "", "", []
            continue
        if not active or not text:
            continue
        if pending and len(pending[-1][1]) <= 5 and level1_of(pending[-1][1] + text):
            text = pending.pop()[1] + text        # "满意度指" / "标": a level name broken by the cell width
        if not pending and level2_of(text) and len(text) <= 10 and (rows_under_level1 == 0 and level1
                                                                     or not level1_of(text)):
            level2 = text
            continue
        if not pending and level1_of(text) and len(text) <= 6:
            level1, level2, rows_under_level1 = text, "", 0
            continue
        if line.startswith(" ") and not pending and not level1_of(text):
            active = False                     # page furniture or the next section: the table has ended
            continue
        m = GRID_ROW.match(text)
        if m:
            pending.append((no, m.group("name")))
            value = m.group("value")
        elif re.fullmatch(r"[≥≤＞＜><≧≦]?\d+(?:\.\d+)?%?", text) and pending:
            value = text
        elif len(text) > 40:
            active = False
            continue
        else:
            pending.append((no, text))
            if len(pending) > 3:
                active, pending = False, []
            continue
        name_raw = "".join(t for _, t in pending)
        lines_used = [n for n, _ in pending] + [no]
        raw_text = " ".join(t for _, t in pending) + " " + value
        out += indicator(level1, level2, name_raw, value, "年度", raw_text, sorted(set(lines_used)))
        pending = []
        rows_under_level1 += 1
    return out
