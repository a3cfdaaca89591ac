#!/usr/bin/env python3
"""Rows per source document and table, as README's data section lists them.

    python scripts/package_counts.py            # print the Markdown table
    python scripts/package_counts.py --readme   # write it into README.md between its markers

A row counts for the top-level document it comes from (an attachment's rows for its
notice): directly by document_id, or through the plan, task or glossary entry it belongs to.
tests/test_package_counts.py holds README's table to the package.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- package-counts: start -->", "<!-- package-counts: end -->"
# (table, column heading); in the order a reader meets them.
TABLES = [("documents", "documents"), ("projects", "projects"), ("allocations", "allocations"),
          ("indicators", "indicators"), ("stated_totals", "stated totals"), ("budget_subjects", "budget subjects"),
          ("project_families", "families"), ("plan_indicators", "plan indicators"), ("plan_tasks", "plan tasks"),
          ("plan_task_units", "task units"), ("glossary", "glossary"), ("glossary_marks", "glossary marks"),
          ("quality_notes", "quality notes")]


def _rows(package: Path, table: str) -> list[dict]:
    path = package / "data" / f"{table}.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def counts(package: Path) -> tuple[list[dict], dict[str, Counter]]:
    """(top-level documents in file order, {table: Counter of top-level document id})."""
    documents = _rows(package, "documents")
    parent = {d["document_id"]: d["parent_document_id"] for d in documents}

    def top(document_id: str) -> str:
        seen = set()
        while parent.get(document_id) and document_id not in seen:
            seen.add(document_id)
            document_id = parent[document_id]
        return document_id

    plan_doc = {p["plan_id"]: p["document_id"] for p in _rows(package, "plans")}
    task_doc = {t["task_id"]: plan_doc.get(t["plan_id"], "") for t in _rows(package, "plan_tasks")}
    entry_doc = {g["glossary_id"]: g["document_id"] for g in _rows(package, "glossary")}
    owner = {"plan_indicators": lambda r: plan_doc.get(r["plan_id"], ""), "plan_tasks": lambda r: plan_doc.get(r["plan_id"], ""),
             "plan_task_units": lambda r: task_doc.get(r["task_id"], ""),
             "glossary_marks": lambda r: entry_doc.get(r["glossary_id"], "")}
    found = {}
    for table, _heading in TABLES:
        of = owner.get(table, lambda r: r["document_id"])
        found[table] = Counter(top(of(row)) for row in _rows(package, table))
    tops = [d for d in documents if not d["parent_document_id"]]
    return tops, found


def markdown(package: Path) -> str:
    tops, found = counts(package)
    tables = [(t, h) for t, h in TABLES if sum(found[t].values())]
    lines = ["| document | " + " | ".join(h for _t, h in tables) + " |",
             "|---|" + "---:|" * len(tables)]
    for doc in tops:
        name = doc["doc_number"] or doc["short_title"]
        lines.append(f"| {name} (`{doc['document_id']}`) | "
                     + " | ".join(f"{found[t][doc['document_id']]:,}" if found[t][doc["document_id"]] else "—"
                                  for t, _h in tables) + " |")
    lines.append("| **all** | " + " | ".join(f"**{sum(found[t].values()):,}**" for t, _h in tables) + " |")
    return "\n".join(lines)


def readme_table(readme: str) -> str | None:
    """The table README holds between its markers (None without them)."""
    if START not in readme or END not in readme:
        return None
    return readme.split(START, 1)[1].split(END, 1)[0].strip("\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, default=ROOT / "datapackage")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    table = markdown(args.package)
    if not args.readme:
        print(table)
        return 0
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    if readme_table(text) is None:
        print(f"README.md has no {START} … {END} markers", file=sys.stderr)
        return 1
    before, rest = text.split(START, 1)
    path.write_text(f"{before}{START}\n{table}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
