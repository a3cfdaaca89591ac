"""The review folder a maintainer edits: one CSV per table, every drafted row beside its source.

    review/<document_id>/
        说明.md            how to review (Chinese), with the drafter's counts
        source.txt         the notice text exactly as drafted from; it becomes the package's source file
        meta.json          document id, source file name, when drafted
        <table>.csv        操作 | 待核问题 | 草稿标识 | 原文行号 | 原文 | the table's own columns

The CSVs are UTF-8 with a byte-order mark so that Excel and WPS open them correctly; apply.py
reads them back whether they were saved as UTF-8 (with or without BOM) or GB18030, CRLF or LF.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fundsite.draft.drafter import TABLE_ORDER, Draft

ACTION, PROBLEMS, DRAFT_ID, LINES, SOURCE = "操作", "待核问题", "草稿标识", "原文行号", "原文"
REVIEW_COLUMNS = (ACTION, PROBLEMS, DRAFT_ID, LINES, SOURCE)
KEEP, DROP = "保留", "删除"
DROP_WORDS = (DROP, "drop", "delete", "x")


def table_header(package_dir: Path, table: str) -> list[str]:
    with open(Path(package_dir) / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def primary_key(package_dir: Path, table: str) -> list[str]:
    schema = json.loads((Path(package_dir) / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def write_review(draft: Draft, folder: Path, package_dir: Path, source_text: str, source_file: str, meta: dict) -> dict[str, int]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    (folder / "source.txt").write_text(source_text, encoding="utf-8")
    counts, flagged = {}, {}
    for table in TABLE_ORDER:
        rows = draft.tables[table]
        if not rows:
            continue
        header = table_header(package_dir, table)
        key = primary_key(package_dir, table)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(list(REVIEW_COLUMNS) + header)
        for row in rows:
            draft_id = "/".join(str(row.get(k, "")) for k in key)
            writer.writerow([KEEP, "；".join(row["_problems"]), draft_id, ",".join(map(str, row["_lines"])), draft.source_text(row)]
                            + [row.get(h, "") for h in header])
        (folder / f"{table}.csv").write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
        counts[table] = len(rows)
        flagged[table] = sum(1 for r in rows if r["_problems"])
    info = dict(meta, source_file=source_file, counts=counts, flagged=flagged)
    (folder / "meta.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / "说明.md").write_text(_instructions(info), encoding="utf-8")
    return counts


def _instructions(info: dict) -> str:
    lines = [f"# 复核：{info['document_id']}", "",
             "本文件夹是起草程序从通知原文读出的草稿。每个 CSV 对应数据包的一张表，每行左边是它读自的原文。", "",
             "| 表 | 草稿行数 | 有待核问题的行 |", "|---|---:|---:|"]
    for table, n in info["counts"].items():
        lines.append(f"| {table}.csv | {n} | {info['flagged'].get(table, 0)} |")
    lines += ["", "复核步骤（详见网站“维护指南”页）：", "",
              "1. 逐行对照“原文”列核对右边各字段，改正读错的值。",
              "2. “待核问题”列写着起草程序读不出或拿不准的地方：改好该行后清空这一格。",
              "3. 不要的行把“操作”改为“删除”；不要改“草稿标识”列（改标识请改右边的 id 列，程序会同步到引用它的行）。",
              f"4. 运行 `python scripts/new_notice.py apply review/{info['document_id']}`，按提示修改，直到显示 Applied。",
              "5. 运行 `python build.py`，打开新文件页面核对。", ""]
    return "\n".join(lines)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("neither UTF-8 nor GB18030")


def read_review(folder: Path) -> tuple[dict, dict[str, list[tuple[int, dict]]]]:
    """(meta, {table: [(csv line number, row)]}); line numbers count the header as 1."""
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    tables = {}
    for table in TABLE_ORDER:
        path = folder / f"{table}.csv"
        if not path.is_file():
            continue
        text = _decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
        reader = csv.DictReader(io.StringIO(text))
        tables[table] = [(reader.line_num, dict(row)) for row in reader]
    return meta, tables
