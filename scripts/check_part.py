"""Curation helper: merge one seed's fragment CSVs with the package and check them.

Usage: python scripts/check_part.py 001
Reads datapackage/parts/<seed>/<table>.csv (same header as datapackage/data/<table>.csv),
builds a temporary merged package, runs frictionless validation and checks that every
raw field stands verbatim in ../shared/seeds/. Prints one line per problem.
"""
import csv
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from fundsite.check.verbatim import RAW_FIELDS, SourceTexts  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"


def main(seed: str) -> int:
    from frictionless import Package

    parts = ROOT / "datapackage" / "parts" / seed
    tmp = Path(tempfile.mkdtemp()) / "pkg"
    shutil.copytree(ROOT / "datapackage", tmp, ignore=shutil.ignore_patterns("parts"))
    problems = 0
    docs_file = {}
    for frag in sorted(parts.glob("*.csv")):
        target = tmp / "data" / frag.name
        if not target.exists():
            print(f"{frag}: no such table"); problems += 1; continue
        with open(target, encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        with open(frag, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        if rows[0] != header:
            print(f"{frag}: header differs from {target.name}: {rows[0]} != {header}"); problems += 1; continue
        with open(target, "a", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows[1:])
    report = Package(str(tmp / "datapackage.json")).validate()
    for task in report.tasks:
        for err in task.errors:
            print(f"{task.name}:{getattr(err, 'row_number', '')}:{getattr(err, 'field_name', '')}: {err.type}: {err.message}")
            problems += 1
    # verbatim check
    with open(tmp / "data" / "documents.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            docs_file[row["document_id"]] = row["source_file"]
    texts = SourceTexts(SEEDS)
    plan_doc = {}
    with open(tmp / "data" / "plans.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            plan_doc[row["plan_id"]] = row["document_id"]
    task_plan = {}
    with open(tmp / "data" / "plan_tasks.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            task_plan[row["task_id"]] = row["plan_id"]
    for table, fields in RAW_FIELDS.items():
        frag = parts / f"{table}.csv"
        if not frag.exists():
            continue
        with open(frag, encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                doc = row.get("document_id")
                if not doc and "plan_id" in row:
                    doc = plan_doc.get(row["plan_id"])
                if not doc and "task_id" in row:
                    doc = plan_doc.get(task_plan.get(row["task_id"]))
                src = docs_file.get(doc)
                for f in fields:
                    v = row.get(f, "")
                    if v and src and not texts.contains(src, v):
                        print(f"{frag}:{n}:{f}: not-verbatim: {v[:60]!r} not found in {src}"); problems += 1
    print(f"{problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
