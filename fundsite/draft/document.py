"""The document row: what the maintainer gives on the command line, and what the text itself prints."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from fundsite.draft.registry import Registry
from fundsite.draft.text import tidy

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}\s*〔\s*\d{4}\s*〕\s*\d+\s*号")
DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
TITLE_END = re.compile(r"(通知|函|决定|方案|意见|表（含转移支付项目）)$")
MONEY_UNIT = re.compile(r"单位[：:]\s*(万元|元)")


def source_file_name(text: str, taken: set[str]) -> str:
    """"005_<first 16 hex of sha256>.txt": the seeds' naming, numbered after the files already used."""
    numbers = [int(name[:3]) for name in taken if re.match(r"^\d{3}_", name)]
    return f"{max(numbers, default=-1) + 1:03d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt"


def find_title(lines: list[str]) -> tuple[str, list[int]]:
    """The title as printed (wrapped lines joined) and its lines: the first lines ending a title word."""
    for no, line in enumerate(lines[:40], start=1):
        text = line.strip().lstrip("#").strip()
        if not text:
            continue
        if TITLE_END.search(text) and ("关于" in text or "表" in text) or ("关于" in text and len(text) > 8 and not text.startswith(("根据", "按照"))):
            parts, end = [(no, text)], no
            # a title may wrap onto the next lines before its last word
            while not TITLE_END.search("".join(t for _, t in parts)) and end < min(len(lines), no + 4):
                end += 1
                if lines[end - 1].strip():
                    parts.append((end, lines[end - 1].strip().lstrip("#").strip()))
            return " ".join(t for _, t in parts), [n for n, _ in parts]
    return "", []


def document_row(lines: list[str], meta: dict, registry: Registry, source_file: str) -> tuple[dict, list[int], list[str]]:
    """(row, source lines, problems). meta holds the command-line values, which win over the text."""
    problems = []
    title_raw, title_lines = find_title(lines)
    if meta.get("title"):
        title_raw = meta["title"]
    if not title_raw:
        problems.append("没有在原文中找到标题：请填写 title 和 title_raw（照原文）")
    number_hit = next(((no, m.group()) for no, line in enumerate(lines, start=1) for m in [DOC_NUMBER.search(line)] if m), None)
    doc_number_raw = number_hit[1] if number_hit else ""
    doc_number = meta.get("doc_number") or re.sub(r"\s+", "", doc_number_raw)
    if meta.get("doc_number") and doc_number_raw and re.sub(r"\s+", "", doc_number_raw) != meta["doc_number"]:
        problems.append(f"命令行给出的文号“{meta['doc_number']}”与原文“{doc_number_raw}”不同：请核对")
    dates = [(no, m) for no, line in enumerate(lines, start=1) for m in [DATE.search(line)] if m]
    date_hit = dates[-1] if dates else None         # the date under the signature comes last
    issue_date = meta.get("date", "")
    issue_date_raw = date_hit[1].group() if date_hit else ""
    if date_hit and not issue_date:
        g = date_hit[1]
        issue_date = dt.date(int(g["y"]), int(g["m"]), int(g["d"])).isoformat()
    issuer = meta.get("issuer", "")
    issuer_unit = registry.unit(issuer) if issuer else ""
    if issuer and not issuer_unit:
        problems.append(f"发文单位“{issuer}”不在 units.csv 中：请在 units 复核文件里补上这个单位，或改为已有单位")
    region = meta.get("region") or registry.region_of_unit(issuer_unit)
    if not region:
        problems.append("没有判断出所属地区：请填写 region_id（如 conghua、guangzhou）")
    printed_units = [m.group(1) for line in lines for m in [MONEY_UNIT.search(line)] if m]
    unit = max(sorted(set(printed_units)), key=printed_units.count) if printed_units else ""   # the unit most tables use
    year = meta.get("year") or (issue_date[:4] if issue_date else "")
    title = tidy(title_raw)
    row = dict(document_id=meta["document_id"], parent_document_id=meta.get("parent", ""), kind=meta.get("kind", "notice"),
               title=title, title_raw=title_raw, short_title=meta.get("short_title") or doc_number or title[:20],
               issuer=issuer, issuer_unit_id=issuer_unit, doc_number=doc_number, doc_number_raw=doc_number_raw,
               doc_number_source="in-text" if doc_number_raw else ("external" if doc_number else "none"),
               issue_date=issue_date, issue_date_raw=issue_date_raw if issue_date else "",
               issue_date_kind="signed" if issue_date_raw else "none", region_id=region, year=year,
               source_url=meta.get("url", ""), source_file=source_file, money_unit_raw=unit, states_amounts="false",
               description=meta.get("description", ""), source_lines="", locator="全文", note="")
    if not row["description"]:
        problems.append("请填写 description（内容简介：谁向谁下达了多少钱、做什么用，一两句话）")
    used = title_lines + ([number_hit[0]] if number_hit else []) + ([date_hit[0]] if date_hit else [])
    return row, used, problems
