"""Raw values stand verbatim in their source text, for sources kept in the package.

Every document's text is kept in <package>/sources/<source_file> (the five seed
documents, and each new notice: scripts/new_notice.py copies it there), so the build
checks that every *_raw field, raw_text and goal_text was copied, not retyped; the
site publishes the texts (sources/<file>/) and every provenance links to its lines.
"""
from __future__ import annotations

from pathlib import Path

from fundsite.model import Model
from fundsite.problems import Problem
from fundsite.check.verbatim import RAW_FIELDS, SourceTexts

SOURCES_DIR = "sources"


def _document_of(model: Model, table: str, row: dict) -> dict | None:
    doc_id = row.get("document_id")
    if doc_id is None and "plan_id" in row:
        plan = model.get("plans", row["plan_id"])
        doc_id = plan["document_id"] if plan else None
    if doc_id is None and "task_id" in row:
        task = model.get("plan_tasks", row["task_id"])
        plan = model.get("plans", task["plan_id"]) if task else None
        doc_id = plan["document_id"] if plan else None
    return model.get("documents", doc_id) if doc_id else None


def check_sources(model: Model, package_dir: Path) -> list[Problem]:
    folder = Path(package_dir) / SOURCES_DIR
    if not folder.is_dir():
        return []
    texts = SourceTexts(folder)
    problems = []
    for table, fields in RAW_FIELDS.items():
        for row in model.rows(table):
            doc = _document_of(model, table, row)
            if doc is None or not (folder / doc["source_file"]).is_file():
                continue
            for field in fields:
                value = row.get(field)
                if value and not texts.contains(doc["source_file"], str(value)):
                    shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
                    problems.append(Problem(model.paths[table], row["_line"], field, "not-verbatim",
                                            f'"{shown}" does not stand in the source text {SOURCES_DIR}/{doc["source_file"]}'))
    return problems
