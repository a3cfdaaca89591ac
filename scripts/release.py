#!/usr/bin/env python3
"""Make a data release: set the package version, snapshot the package, log what changed.

    python scripts/release.py --version 1.1.0 --date 2027-01-15 \\
        --added-documents doc-a,doc-b --summary "新增……/ Adds ..."

What it does, in order (nothing is written unless every check passes):

1. validates the package exactly as the build does (schemas, keys, rules);
2. compares the data with the previous release's snapshot
   (datapackage/releases/<previous>/) by primary key, table by table;
3. checks the version: MAJOR.MINOR.PATCH, greater than the previous one, and
   at least the step the Data Package Version recipe asks for (major for
   schema changes, minor for added or removed rows and new tables, patch for
   corrected rows); --force allows a smaller step;
4. sets "version" in datapackage.json, writes the snapshot
   datapackage/releases/<version>/ (datapackage.json, schemas/, data/), and
   appends the entry to datapackage/releases.json with the counts of rows
   added, changed and removed per table.

Every change must be named: the documents it adds (--added-documents) and the
documents or tables whose other rows it corrects (--include); the script lists the
changes by document and refuses a release that would fold in one nobody named.
--dry-run prints the comparison and the required step and writes nothing.
Commit datapackage/datapackage.json, datapackage/releases.json and the new
snapshot folder together. Without --added-documents, the release lists the
top-level documents that are new since the previous release.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundsite import releases  # noqa: E402
from fundsite.check.package import check_package  # noqa: E402
from fundsite.load import load_package  # noqa: E402
from fundsite.paths import DATAPACKAGE  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="release.py", description="Record a data release of the package.")
    p.add_argument("--version", required=True, help="the new version, MAJOR.MINOR.PATCH")
    p.add_argument("--date", required=True, help="release date, YYYY-MM-DD")
    p.add_argument("--added-documents", default=None,
                   help="comma-separated document ids this release adds (default: new top-level documents)")
    p.add_argument("--summary", default="", help="one or two sentences on what the release brings")
    p.add_argument("--include", default=None,
                   help="comma-separated documents (and tables, for rows no document owns) whose other changes "
                        "this release also carries, e.g. corrections; every change must be named, by this or "
                        "by --added-documents")
    p.add_argument("--package", default=str(DATAPACKAGE), help="data package folder (default: datapackage/)")
    p.add_argument("--force", action="store_true", help="allow a smaller version step than the recipe asks for")
    p.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    return p


def _fail(message: str) -> int:
    print(f"release.py: {message}", file=sys.stderr)
    return 1


def describe(diffs: list[releases.TableDiff]) -> list[str]:
    lines = []
    for d in diffs:
        if d.empty:
            continue
        c = d.counts()
        extra = []
        if d.status != "kept":
            extra.append(f"table {d.status}")
        for label, names in (("fields added", d.fields_added), ("fields removed", d.fields_removed),
                             ("fields retyped", d.fields_retyped)):
            if names:
                extra.append(f"{label}: {', '.join(names)}")
        if d.fields_reordered:
            extra.append("fields reordered")
        if d.primary_key_changed:
            extra.append("primary key changed")
        lines.append(f"  {d.table}: +{c['added']} ~{c['changed']} -{c['removed']}" + (f" ({'; '.join(extra)})" if extra else ""))
    return lines or ["  no change"]


def snapshot_files(package: Path) -> list[str]:
    """datapackage.json and every schema and data file it names."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    names = {"datapackage.json"}
    for resource in descriptor.get("resources", []):
        names.add(resource["path"])
        if isinstance(resource.get("schema"), str):
            names.add(resource["schema"])
    return sorted(names)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    package = Path(args.package)
    version, date = args.version, args.date
    if releases.parse_version(version) is None:
        return _fail(f"version {version!r} is not MAJOR.MINOR.PATCH")
    if releases.iso_date(date) is None:
        return _fail(f"date {date!r} is not YYYY-MM-DD")

    model, problems = check_package(package, str(package))
    if problems:
        for problem in sorted(set(problems)):
            print(problem.line(), file=sys.stderr)
        return _fail("the package or its release log does not validate; fix it before releasing")
    log = releases.read_log(package)
    previous = log[-1] if log else None
    if previous and version in {e["version"] for e in log}:
        return _fail(f"version {version} is already released")
    if previous and releases.bump_kind(previous["version"], version) is None:
        return _fail(f"version {version} must be greater than {previous['version']}")
    if previous and date < previous["date"]:
        return _fail(f"date {date} is before the previous release ({previous['date']})")

    current, _ = load_package(package, str(package))
    old = releases.tables_of(releases.load_snapshot(package, previous["version"])) if previous else {}
    diffs = releases.diff_tables(old, releases.tables_of(current))
    needed = releases.required_bump(diffs) if previous else "major"
    print(f"Changes since {previous['version'] if previous else 'nothing (first release)'}:")
    print("\n".join(describe(diffs)))

    if args.added_documents is None:
        doc_diff = next((d for d in diffs if d.table == "documents"), None)
        added_docs = [k for k in (doc_diff.added if doc_diff else []) if not model.by_id["documents"][k].get("parent_document_id")]
    else:
        added_docs = [d.strip() for d in args.added_documents.split(",") if d.strip()]
    unknown = [d for d in added_docs if d not in model.by_id["documents"]]
    if unknown:
        return _fail(f"not in documents.csv: {', '.join(unknown)}")
    already = {d for e in log for d in e.get("documents_added", [])}
    repeated = [d for d in added_docs if d in already]
    if repeated:
        return _fail(f"already added by an earlier release: {', '.join(repeated)}")

    if previous:
        if needed is None and not added_docs:
            return _fail("nothing changed since the previous release")
        step = releases.bump_kind(previous["version"], version)
        if needed and releases.BUMPS.index(step) < releases.BUMPS.index(needed) and not args.force:
            return _fail(f"these changes need a {needed} version step (Data Package Version recipe), "
                         f"but {previous['version']} -> {version} is a {step} step; use --force to override")
    print(f"Documents added: {', '.join(added_docs) or 'none'}")
    by_document = releases.changes_by_document(diffs, old, releases.tables_of(current))
    print("Changes by document:")
    for owner, tables in by_document.items():
        print(f"  {owner}: " + "; ".join(f"{t} +{c['added']} ~{c['changed']} -{c['removed']}" for t, c in tables.items()))
    named = set(added_docs) | {d.strip() for d in (args.include or "").split(",") if d.strip()}
    unnamed = [owner for owner in by_document if owner not in named]
    if unnamed and not args.dry_run:
        return _fail(f"changes not named for this release: {', '.join(unnamed)}. Name them with "
                     f"--include {','.join(unnamed)} (or --added-documents for new documents), or take them "
                     "out of datapackage/ until their own release")
    if args.dry_run:
        if unnamed:
            print(f"Not named yet (a release needs --include for them): {', '.join(unnamed)}")
        print(f"Dry run: required step {needed or 'none'}; nothing written.")
        return 0

    # 1. the version in the descriptor
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # 2. the snapshot, written aside and moved into place
    target = releases.snapshot_path(package, version)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staging = Path(tmp) / version
        for name in snapshot_files(package):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(package / name, staging / name)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    # 3. the log entry
    log.append({"version": version, "date": date, "documents_added": added_docs, "summary": args.summary,
                "changes": releases.diff_counts(diffs)})
    releases.write_log(package, log)
    print(f"Released {version} ({date}): {descriptor_path}, {target}, {package / releases.LOG_FILE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
