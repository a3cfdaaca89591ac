"""Raw values stand verbatim in their source text, for sources kept in the package.

New notices are added with their text (scripts/new_notice.py copies it to
<package>/sources/<source_file>), so the build can check that every *_raw field,
raw_text and goal_text was copied, not retyped.  The five seed documents live
outside the repository (../shared/seeds/); tests/test_data_fidelity.py checks those.
"""
from __future__ import annotations

from pathlib import Path

from .model import Model
from .problems import Problem
from .verbatim import RAW_FIELDS, SourceTexts

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
