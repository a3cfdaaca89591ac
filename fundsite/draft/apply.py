"""Turn a corrected review folder into rows of the data package, only if the result validates.

The rows are merged into a copy of the package first; the copy goes through the build's own
validation (schemas, foreign keys, rules, verbatim check against the notice text); only a
clean copy replaces the package's files.  Problems in rows that came from the review are
reported against the review file and line the maintainer edited.  Applying again replaces
the rows applied before for the same document.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fundsite.normalise import fill_csv_row
from fundsite.problems import Problem
from fundsite.reconcile import covers_whole_document
from fundsite.check.source_check import SOURCES_DIR
from fundsite.draft.changes import Changes, value_changes, write_changes_html
from fundsite.draft.drafter import TABLE_ORDER
from fundsite.draft.review import ACTION, DRAFT_ID, DROP_WORDS, PROBLEMS, REVIEW_COLUMNS, primary_key, read_review, table_header

# Which columns refer to which table's key: a renamed id is carried into them.
REFERENCES = {
    "unit_id": ("issuer_unit_id", "department_unit_id", "budget_unit_id", "recipient_unit_id", "parent_unit_id", "unit_id"),
    "project_id": ("project_id", "parent_project_id"),
    "allocation_id": ("allocation_id",),
    "plan_id": ("plan_id",),
    "task_id": ("task_id", "parent_task_id"),
    "document_id": ("document_id", "rows_document_id", "parent_document_id"),
}
SHARED_TABLES = ("units",)      # rows other documents use too: added or updated, never removed


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)     # display path -> file, for the report
    new_fund: str = ""  # the fund added for the notice's money, if it was not placed in funds.csv already
    replaced_by_table: dict[str, int] = field(default_factory=dict)  # rows of the document's earlier version, removed
    changes: Changes | None = None  # value by value, what applying changes (changes.py)

    @property
    def replaced(self) -> int:
        return sum(self.replaced_by_table.values())


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _kept_rows(folder: Path, tables, result: Result):
    """Rows to apply, with where they came from; unresolved 待核问题 are problems."""
    display = lambda t: f"{folder.as_posix().rstrip('/')}/{t}.csv"  # noqa: E731
    kept: dict[str, list[tuple[int, dict]]] = {}
    for table, rows in tables.items():
        result.files[display(table)] = folder / f"{table}.csv"
        for line, row in rows:
            if row.get(ACTION, "").strip().lower() in DROP_WORDS:
                continue
            if row.get(PROBLEMS, "").strip():
                result.problems.append(Problem(display(table), line, PROBLEMS, "unresolved-problem", row[PROBLEMS].strip()))
            kept.setdefault(table, []).append((line, row))
    return kept, display


def _renames(kept, package_dir: Path) -> dict[str, str]:
    """Draft id -> id the maintainer chose, for single-column keys."""
    out = {}
    for table, rows in kept.items():
        key = primary_key(package_dir, table)
        if len(key) != 1:
            continue
        for _, row in rows:
            draft_id, final = row.get(DRAFT_ID, "").strip(), row.get(key[0], "").strip()
            if draft_id and final and draft_id != final:
                out[draft_id] = final
    return out


def _remove_previous(tables: dict[str, tuple[list[str], list[dict]]], doc_id: str, replacing: dict[str, set]) -> None:
    """Drop the rows an earlier apply of this document added, so applying again replaces them."""
    docs = {doc_id}
    plans = {r["plan_id"] for r in tables["plans"][1] if r["document_id"] in docs}
    tasks = {r["task_id"] for r in tables["plan_tasks"][1] if r["plan_id"] in plans}
    for name, (header, rows) in tables.items():
        if name in SHARED_TABLES:
            keep = [r for r in rows if r.get("unit_id") not in replacing.get(name, set())]
        elif "document_id" in header:
            keep = [r for r in rows if r["document_id"] not in docs]
        elif "plan_id" in header and name != "plans":
            keep = [r for r in rows if r["plan_id"] not in plans]
        elif name == "plan_task_units":
            keep = [r for r in rows if r["task_id"] not in tasks]
        else:
            continue
        rows[:] = keep


def _own_rows(tables: dict[str, tuple[list[str], list[dict]]]) -> int:
    """How many rows the per-document tables hold (all but the shared ones: units)."""
    return sum(len(rows) for name, (_, rows) in tables.items() if name not in SHARED_TABLES)


def _add_source(descriptor: dict, doc: dict) -> None:
    sources = [s for s in descriptor.get("sources", []) if s.get("document_id") != doc["document_id"]]
    entry = {"title": doc["title"], "document_id": doc["document_id"], "issuer": doc["issuer"]}
    if doc.get("doc_number"):
        entry["doc_number"] = doc["doc_number"]
    if doc.get("issue_date"):
        entry["date"] = doc["issue_date"]
    if doc.get("source_url"):
        entry["path"] = doc["source_url"]
    entry["description"] = f"来源文本 {SOURCES_DIR}/{doc['source_file']}"
    descriptor["sources"] = sources + [entry]


def apply_review(folder: Path, package_dir: Path, package_display: str = "datapackage",
                 dry_run: bool = False) -> Result:
    """Merge the review into a copy, validate it, and (unless dry_run) publish it into the package.
    Either way result.changes says, value by value, what publishing changes (also written to
    <folder>/changes.html)."""
    from fundsite.check.package import check_package  # the build's own validation, nothing less

    folder, package_dir = Path(folder), Path(package_dir)
    result = Result()
    try:
        meta, tables = read_review(folder)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        result.problems.append(Problem(folder.as_posix(), 0, "-", "review-error", f"cannot read the review folder: {exc}"))
        return result
    kept, display = _kept_rows(folder, tables, result)
    docs = kept.get("documents", [])
    if len(docs) != 1:
        result.problems.append(Problem(display("documents"), 0, "-", "review-error", "documents.csv must keep exactly one row"))
        return result
    renames = _renames(kept, package_dir)
    for rows in kept.values():
        for _, row in rows:
            for columns in REFERENCES.values():
                for column in columns:
                    if row.get(column) in renames:
                        row[column] = renames[row[column]]
    doc = docs[0][1]
    doc_id = doc["document_id"]

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "pkg"
        shutil.copytree(package_dir, work, ignore=shutil.ignore_patterns("parts"))
        current = {t: _read_csv(work / "data" / f"{t}.csv") for t in TABLE_ORDER}
        # Units this review applied before may be replaced; any other unit already in the package is
        # someone else's: an identical row is simply not added again, a different one is a problem.
        replacing = {"units": set(meta.get("applied_units", []))}
        before = {t: len(rows) for t, (_, rows) in current.items()}
        # A document's rows are replaced only by the review that applied them, or by a draft made
        # with --replace for that id: never because two notices were given the same id.
        may_replace = {meta.get("applied_document"), meta.get("replaces")} - {None}
        for target in dict.fromkeys([meta["document_id"], doc_id]):
            title = next((r["title"] for r in current["documents"][1] if r["document_id"] == target), "")
            held = _own_rows(current)
            _remove_previous(current, target, replacing)  # in the working copy: dropped if refused
            held -= _own_rows(current)
            if held and target not in may_replace:
                result.problems.append(Problem(
                    display("documents"), docs[0][0], "document_id", "id-taken",
                    f'the package already has document "{target}" ({title}) with {held} rows; applying this review '
                    "would replace them. Give this notice an id of its own, or draft it again with --replace "
                    "if it is meant to replace that document"))
                return result
        result.replaced_by_table = {t: before[t] - len(rows) for t, (_, rows) in current.items() if before[t] > len(rows)}
        existing_units = {r["unit_id"]: r for r in current["units"][1]}
        header = current["units"][0]
        new_units = []
        for line, row in kept.get("units", []):
            old = existing_units.get(row.get("unit_id"))
            if old is None:
                new_units.append((line, row))
            elif any(old.get(h, "") != row.get(h, "") for h in header):
                result.problems.append(Problem(display("units"), line, "unit_id", "review-error",
                                               f'unit "{row["unit_id"]}" is already in units.csv as {old["name"]}: to use that unit, '
                                               "set 操作 to 删除 here and put its id in the rows that use it; for a new unit choose a new id"))
        if "units" in kept:
            kept["units"] = new_units
        origin: dict[tuple[str, int], tuple[str, int]] = {}
        for table in TABLE_ORDER:
            header, rows = current[table]
            for line, row in kept.get(table, []):
                rows.append({h: row.get(h, "") for h in header})
                if table == "indicators":
                    fill_csv_row(rows[-1])  # the normalised value the build recomputes
                origin[(f"{package_display}/data/{table}.csv", len(rows) + 1)] = (display(table), line)
            _write_csv(work / "data" / f"{table}.csv", header, rows)
            result.counts[table] = len(kept.get(table, []))
        if kept.get("allocations"):
            result.new_fund = _count_as_new_fund(work, doc, [row for _, row in kept.get("stated_totals", [])])
        (work / SOURCES_DIR).mkdir(exist_ok=True)
        shutil.copyfile(folder / "source.txt", work / SOURCES_DIR / doc["source_file"])
        descriptor = json.loads((work / "datapackage.json").read_text(encoding="utf-8"))
        _add_source(descriptor, doc)
        (work / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

        if result.problems:             # unresolved review notes: do not even try
            return result
        _, problems = check_package(work, package_display)
        for p in problems:
            where = origin.get((p.path, p.row))
            result.problems.append(Problem(where[0], where[1], p.field, p.kind, p.message) if where else p)
        if result.problems:
            return result
        result.changes = value_changes(package_dir, work)
        write_changes_html(folder / "changes.html", result.changes, f"应用复核文件将带来的更改：{folder.name}")
        if dry_run:
            return result
        _publish(work, package_dir, doc["source_file"])
    meta["applied_units"] = sorted(row["unit_id"] for _, row in kept.get("units", []))
    meta["applied_document"] = doc_id  # applying this review again may replace what it applied
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def _count_as_new_fund(work: Path, doc: dict, totals: list[dict]) -> str:
    """One fund, one number: the notice's allocation rows must be counted by a fund or be a view of
    one. Unless funds.csv or fund_views.csv already place the document, its money is a new fund,
    counted by its own rows; a maintainer whose notice restates money already in the package moves
    it to fund_views.csv instead (the guide says how). Returns the new fund's id, or ""."""
    funds_header, funds = _read_csv(work / "data" / "funds.csv")
    _, views = _read_csv(work / "data" / "fund_views.csv")
    doc_id = doc["document_id"]
    if any(f["counted_document_id"] == doc_id for f in funds) or any(v["document_id"] == doc_id for v in views):
        return ""
    whole = [t for t in totals if t.get("rows_document_id") == doc_id and covers_whole_document(t)]
    fund_id = f"{doc_id}-fund"
    funds.append(dict(fund_id=fund_id, name=doc["title"], name_raw=doc["title_raw"],
                      kind="budget" if doc.get("kind") == "performance-table" else "transfer",
                      year=doc.get("year", ""), document_id=doc_id, counted_document_id=doc_id,
                      total_id=whole[0]["total_id"] if whole else "", source_lines=doc["source_lines"],
                      note="由 new_notice apply 按新资金加入：本文件的分配行计为这笔资金的资金流。"))
    _write_csv(work / "data" / "funds.csv", funds_header, funds)
    return fund_id


def _publish(work: Path, package_dir: Path, source_file: str) -> None:
    """Replace the package's data files, descriptor and source text with the validated copy."""
    targets = ([Path("data") / f"{t}.csv" for t in TABLE_ORDER] + [Path("data") / "funds.csv"]
               + [Path("datapackage.json"), Path(SOURCES_DIR) / source_file])
    for rel in targets:
        dest = package_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        staged = dest.with_name(f".{dest.name}.new")
        shutil.copyfile(work / rel, staged)
        os.replace(staged, dest)


__all__ = ["apply_review", "Result", "REVIEW_COLUMNS"]
