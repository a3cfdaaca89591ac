"""Versioned releases: the release log, the released snapshots, and what changed.

The package version follows the Data Package Version recipe (semantic
versioning). Every release is recorded twice, both as plain text in git:

* ``datapackage/releases.json`` -- the release log: version, date, the
  documents the release added, a summary, and the row counts of what changed
  (written by ``scripts/release.py`` at release time);
* ``datapackage/releases/<version>/`` -- the package exactly as released
  (datapackage.json, schemas/, data/), so that any two releases can be
  compared without git history.

"What changed" is computed by primary key: rows added, rows changed (with
the fields that changed) and rows removed, per table, plus schema changes.
The build recomputes it from the snapshots; the counts in the log must agree
(tests/test_releases.py checks this).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from fundsite.load import LoadedPackage, load_package
from fundsite.problems import Problem

LOG_FILE = "releases.json"
SNAPSHOT_DIR = "releases"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
BUMPS = ("patch", "minor", "major")


def parse_version(text) -> tuple[int, int, int] | None:
    match = SEMVER.match(text) if isinstance(text, str) else None
    return tuple(int(x) for x in match.groups()) if match else None  # type: ignore[return-value]


def bump_kind(old: str, new: str) -> str | None:
    """'major', 'minor' or 'patch' for a step from old to new; None if new is not greater."""
    a, b = parse_version(old), parse_version(new)
    if a is None or b is None or b <= a:
        return None
    if b[0] != a[0]:
        return "major"
    if b[1] != a[1]:
        return "minor"
    return "patch"


def iso_date(text) -> dt.date | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# -- the release log -------------------------------------------------------------
def read_log(root: Path) -> list[dict]:
    """The releases in the log, oldest first; [] when the package has no log."""
    path = Path(root) / LOG_FILE
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("releases", []))


def write_log(root: Path, releases: list[dict]) -> None:
    text = json.dumps({"releases": releases}, ensure_ascii=False, indent=2) + "\n"
    (Path(root) / LOG_FILE).write_text(text, encoding="utf-8")


def snapshot_path(root: Path, version: str) -> Path:
    return Path(root) / SNAPSHOT_DIR / version


def check_log(root: Path, display_root: str, document_ids: set[str]) -> list[Problem]:
    """Problems with releases.json: shape, versions, dates, documents, snapshots."""
    root = Path(root)
    path = root / LOG_FILE
    display = f"{display_root.rstrip('/')}/{LOG_FILE}" if display_root not in ("", ".") else LOG_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Problem(display, getattr(exc, "lineno", 0), "-", "invalid-json", f"{LOG_FILE} is not valid UTF-8 JSON: {exc}")]
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        return [Problem(display, 0, "releases", "release-error", "the release log must be an object with a 'releases' list")]
    problems: list[Problem] = []
    previous: dict | None = None
    seen_docs: dict[str, str] = {}
    for index, entry in enumerate(data["releases"]):
        where = f"releases[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(display, 0, where, "release-error", "each release must be an object"))
            continue
        version, date = entry.get("version"), entry.get("date")
        if parse_version(version) is None:
            problems.append(Problem(display, 0, f"{where}.version", "release-error", f"version {version!r} is not MAJOR.MINOR.PATCH"))
        if iso_date(date) is None:
            problems.append(Problem(display, 0, f"{where}.date", "release-error", f"date {date!r} is not a YYYY-MM-DD date"))
        if not isinstance(entry.get("summary", ""), str):
            problems.append(Problem(display, 0, f"{where}.summary", "release-error", "summary must be text"))
        docs = entry.get("documents_added", [])
        if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
            problems.append(Problem(display, 0, f"{where}.documents_added", "release-error", "documents_added must be a list of document ids"))
            docs = []
        for doc in docs:
            if doc not in document_ids:
                problems.append(Problem(display, 0, f"{where}.documents_added", "release-error", f"document '{doc}' is not in documents.document_id"))
            elif doc in seen_docs:
                problems.append(Problem(display, 0, f"{where}.documents_added", "release-error", f"document '{doc}' was already added by release {seen_docs[doc]}"))
            else:
                seen_docs[doc] = str(version)
        if previous is not None and parse_version(version) and parse_version(previous.get("version")):
            if bump_kind(previous["version"], version) is None:
                problems.append(Problem(display, 0, f"{where}.version", "release-error", f"version {version} does not follow {previous['version']}"))
            if iso_date(date) and iso_date(previous.get("date")) and iso_date(date) < iso_date(previous["date"]):
                problems.append(Problem(display, 0, f"{where}.date", "release-error", f"date {date} is before the previous release's {previous['date']}"))
        if parse_version(version) and not (snapshot_path(root, version) / "datapackage.json").is_file():
            problems.append(Problem(display, 0, f"{where}.version", "release-error",
                                    f"snapshot {SNAPSHOT_DIR}/{version}/datapackage.json is missing; releases are made with scripts/release.py"))
        previous = entry
    return problems


# -- comparing two versions of the package ---------------------------------------
@dataclass
class TableDiff:
    """What changed in one table between two versions, by primary key."""

    table: str
    status: str  # "added", "removed" or "kept"
    primary_key: list[str]
    added: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"key": ..., "fields": [...]}
    removed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_retyped: list[str] = field(default_factory=list)
    fields_reordered: bool = False
    primary_key_changed: bool = False

    @property
    def schema_changed(self) -> bool:
        return bool(self.fields_added or self.fields_removed or self.fields_retyped or self.fields_reordered or self.primary_key_changed)

    @property
    def empty(self) -> bool:
        return self.status == "kept" and not (self.added or self.changed or self.removed or self.schema_changed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


def _pk(schema: dict) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def row_key(row: dict, pk: list[str]) -> str:
    """A row's primary key as text; composite keys are joined with '/' (ids are slugs)."""
    return "/".join(row.get(name, "") for name in pk)


def tables_of(pkg: LoadedPackage | None) -> dict[str, tuple[dict, list[dict]]]:
    """{table: (schema, raw rows)} of a loaded package, in resource order."""
    if pkg is None:
        return {}
    return {name: (table.schema, table.rows) for name, table in pkg.tables.items()}


def diff_tables(old: dict[str, tuple[dict, list[dict]]], new: dict[str, tuple[dict, list[dict]]]) -> list[TableDiff]:
    """Compare two packages given as {table: (schema, rows of raw CSV text)}."""
    result = []
    for name in list(new) + [n for n in old if n not in new]:
        if name not in old:
            schema, rows = new[name]
            pk = _pk(schema)
            result.append(TableDiff(name, "added", pk, added=[row_key(r, pk) for r in rows]))
            continue
        if name not in new:
            schema, rows = old[name]
            pk = _pk(schema)
            result.append(TableDiff(name, "removed", pk, removed=[row_key(r, pk) for r in rows]))
            continue
        (old_schema, old_rows), (new_schema, new_rows) = old[name], new[name]
        old_pk, pk = _pk(old_schema), _pk(new_schema)
        old_fields = {f["name"]: f.get("type", "string") for f in old_schema.get("fields", [])}
        new_fields = {f["name"]: f.get("type", "string") for f in new_schema.get("fields", [])}
        d = TableDiff(name, "kept", pk)
        d.fields_added = [f for f in new_fields if f not in old_fields]
        d.fields_removed = [f for f in old_fields if f not in new_fields]
        d.fields_retyped = [f for f in new_fields if f in old_fields and old_fields[f] != new_fields[f]]
        d.fields_reordered = [f for f in old_fields if f in new_fields] != [f for f in new_fields if f in old_fields]
        d.primary_key_changed = old_pk != pk
        before = {row_key(r, old_pk): r for r in old_rows}
        after = {row_key(r, pk): r for r in new_rows}
        columns = list(new_fields) + [f for f in old_fields if f not in new_fields]
        for key, row in after.items():
            if key not in before:
                d.added.append(key)
                continue
            changed = [c for c in columns if before[key].get(c, "") != row.get(c, "")]
            if changed:
                d.changed.append({"key": key, "fields": changed})
        d.removed = [key for key in before if key not in after]
        result.append(d)
    return result


# How a row names its document: directly, or through its plan or its task's plan.
def _document_finder(tables: dict[str, tuple[dict, list[dict]]]):
    def index(table, key):
        return {row.get(key): row for row in tables.get(table, ({}, []))[1]}

    plans, tasks = index("plans", "plan_id"), index("plan_tasks", "task_id")
    glossary = index("glossary", "glossary_id")

    # A unit or a region belongs to the first document whose rows name it (a notice that
    # brings new recipients brings their units).
    named_by: dict[tuple[str, str], str] = {}
    for table, (_schema, rows) in tables.items():
        for row in rows:
            doc = row.get("document_id")
            if not doc:
                continue
            for field in ("issuer_unit_id", "department_unit_id", "budget_unit_id", "recipient_unit_id", "unit_id"):
                if row.get(field):
                    named_by.setdefault(("units", row[field]), doc)
            if row.get("region_id"):
                named_by.setdefault(("regions", row["region_id"]), doc)

    def document_of(table: str, row: dict) -> str | None:
        if table == "documents":
            return row.get("parent_document_id") or row.get("document_id")
        if table in ("units", "regions"):
            return named_by.get((table, row.get("unit_id" if table == "units" else "region_id")))
        if row.get("document_id"):
            return row["document_id"]
        if row.get("glossary_id") in glossary:  # a footnote mark belongs to its entry's document
            return glossary[row["glossary_id"]].get("document_id")
        plan = plans.get(row.get("plan_id")) or plans.get(tasks.get(row.get("task_id"), {}).get("plan_id"))
        return plan.get("document_id") if plan else None

    return document_of


def changes_by_document(diffs: list[TableDiff], old: dict, new: dict) -> dict[str, dict[str, dict[str, int]]]:
    """{document id, or the table's name for rows no document owns (regions, concepts…):
    {table: {"added", "changed", "removed"}}}: what a release would fold in, named as the
    maintainer names it. An attachment's rows count under its top-level document."""
    old_doc, new_doc = _document_finder(old), _document_finder(new)
    parents = {row.get("document_id"): row.get("parent_document_id")
               for tables in (old, new) for row in tables.get("documents", ({}, []))[1]}

    def top(doc):
        seen = set()
        while doc in parents and parents[doc] and doc not in seen:
            seen.add(doc)
            doc = parents[doc]
        return doc

    out: dict[str, dict[str, dict[str, int]]] = {}
    for d in diffs:
        before = {row_key(r, d.primary_key): r for r in old.get(d.table, ({}, []))[1]}
        after = {row_key(r, d.primary_key): r for r in new.get(d.table, ({}, []))[1]}
        for kind, keys, rows, finder in (("added", d.added, after, new_doc), ("removed", d.removed, before, old_doc),
                                         ("changed", [c["key"] for c in d.changed], after, new_doc)):
            for key in keys:
                owner = top(finder(d.table, rows.get(key, {}))) or d.table
                counts = out.setdefault(owner, {}).setdefault(d.table, {"added": 0, "changed": 0, "removed": 0})
                counts[kind] += 1
    return dict(sorted(out.items()))


def diff_counts(diffs: list[TableDiff]) -> dict[str, dict[str, int]]:
    """Counts per table, as stored in the release log (tables with no change left out)."""
    return {d.table: d.counts() for d in diffs if any(d.counts().values())}


def required_bump(diffs: list[TableDiff]) -> str | None:
    """The smallest version step the Data Package Version recipe allows for these changes.

    major: a table removed; fields added, removed, re-ordered or re-typed; primary key changed.
    minor: a table added; rows added or removed.
    patch: rows corrected.   None: nothing changed.
    """
    if any(d.status == "removed" or (d.status == "kept" and d.schema_changed) for d in diffs):
        return "major"
    if any(d.status == "added" or d.added or d.removed for d in diffs):
        return "minor"
    if any(d.changed for d in diffs):
        return "patch"
    return None


def load_snapshot(root: Path, version: str) -> LoadedPackage | None:
    folder = snapshot_path(root, version)
    if not (folder / "datapackage.json").is_file():
        return None
    pkg, problems = load_package(folder, f"{SNAPSHOT_DIR}/{version}", for_site=False)
    return pkg if pkg is not None and not problems else None


# -- what the site shows -----------------------------------------------------------
@dataclass
class ReleaseView:
    """One release with its changes, ready for the releases page and the feed."""

    version: str
    date: str
    summary: str
    documents_added: list[str]
    counts: dict[str, dict[str, int]]
    diffs: list[TableDiff] | None  # None when a snapshot is missing
    previous: str | None

    @property
    def anchor(self) -> str:
        return "v" + self.version


def release_views(root: Path | None, current: LoadedPackage | None = None) -> tuple[list[ReleaseView], list[TableDiff] | None]:
    """Every release, newest first, each diffed with the one before; and the unreleased changes.

    The unreleased changes compare `current` (the package being built) with the
    latest snapshot; None when there is no release or no current package.
    """
    if root is None:
        return [], None
    log = read_log(root)
    views: list[ReleaseView] = []
    previous_tables: dict | None = {}
    previous_version = None
    latest = None
    for entry in log:
        snap = load_snapshot(root, entry["version"])
        tables = tables_of(snap) if snap is not None else None
        diffs = diff_tables(previous_tables, tables) if tables is not None and previous_tables is not None else None
        counts = diff_counts(diffs) if diffs is not None else dict(entry.get("changes", {}))
        views.append(ReleaseView(entry["version"], entry["date"], entry.get("summary", ""),
                                 list(entry.get("documents_added", [])), counts, diffs, previous_version))
        previous_tables, previous_version, latest = tables, entry["version"], tables
    unreleased = None
    if current is not None and log and latest is not None:
        unreleased = [d for d in diff_tables(latest, tables_of(current)) if not d.empty]
    return list(reversed(views)), unreleased
