"""Typed records with their links resolved: what the pages and checks read.

Rows stay plain dicts (cheap, and Jinja reads them as row.field); values are
converted by the schema's field types. Money is integer yuan; other numbers
are Decimal so that printed decimals survive.
"""
from __future__ import annotations

import hashlib

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from fundsite.kinds import KINDS
from fundsite.load import LoadedPackage
from fundsite.money import Money

TRUE_VALUES = {"true", "True", "TRUE", "1"}


def convert(value: str, field_type: str):
    """One CSV cell as the schema's type: the same reading for the model and the XLSX twins."""
    if value == "":
        return None
    if field_type == "integer":
        return int(value)
    if field_type == "number":
        return Decimal(value)
    if field_type == "boolean":
        return value in TRUE_VALUES
    if field_type == "date":
        return dt.date.fromisoformat(value)
    return value


class Row(dict):
    """A table row. Its repr is a digest of its content, not of where it stands in its CSV
    (`_line`, for problem lines): what a page's key is made of when the page shows the row
    (site/page_memo.py), computed once and forgotten whenever a field is set (the renderer
    labels indicator rows after the model is built; a copy made with copy.copy keeps the
    digest only until it is changed)."""

    __slots__ = ("_digest",)

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        try:
            del self._digest
        except AttributeError:
            pass

    def __repr__(self) -> str:
        try:
            return self._digest
        except AttributeError:
            content = repr([item for item in self.items() if item[0] != "_line"])
            self._digest = "Row#" + hashlib.blake2b(content.encode(), digest_size=12).hexdigest()
            return self._digest


def typed_rows(table) -> list[dict]:
    """The table's rows as Rows of typed values (convert), in schema field order, each with its
    line in the CSV (`_line`).

    Column by column: each distinct value of a column is converted once and the rows are made
    from the converted columns in C (at 21,000 projects, 6.8 million cells: 0.7 s, where a Python
    call per cell took 1.2 s; measured with the GC paused, as the build reads). A header that
    names a column twice takes the row-by-row path, where a row holds the later of the two
    cells, as load.py's rows do."""
    types = {f["name"]: f.get("type", "string") for f in table.fields}
    if len(set(table.header)) != len(table.header):
        rows = []
        for line, raw in enumerate(table.rows, start=2):
            row = Row((name, convert(raw.get(name, ""), kind)) for name, kind in types.items())
            row["_line"] = line
            rows.append(row)
        return rows
    columns = [_typed_column(table.column(name), kind) for name, kind in types.items()]
    names = [*types, "_line"]
    columns.append(range(2, len(table.records) + 2))
    return [Row(zip(names, values)) for values in zip(*columns)]


def _typed_column(cells, field_type: str) -> list:
    if field_type == "string":
        return [cell or None for cell in cells]
    typed = {cell: convert(cell, field_type) for cell in set(cells)}
    return [typed[cell] for cell in cells]


@dataclass
class Model:
    """The whole data set, indexed for the pages."""

    descriptor: dict
    schemas: dict[str, dict]
    paths: dict[str, str]  # table -> display path, for problem lines
    tables: dict[str, list[dict]]
    by_id: dict[str, dict[str, dict]] = field(default_factory=dict)
    children: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    _allocs_by_doc: dict | None = field(default=None, repr=False)
    root: Path | None = None  # the package folder, for downloads of the files as they are
    money: Money | None = None  # counted flows and views of every fund (see money.py)
    # Every release diffed with the one before, and the unreleased changes (releases.release_views),
    # read when the package is checked: rendering reads no file.
    releases: tuple[list, list | None] = ([], None)
    release_log: list[dict] = field(default_factory=list)  # releases.read_log: the entries, oldest first
    # The source texts kept in the package (sources/<source_file>), by file name, as the check
    # read them: inside the package, UTF-8 (check/source_check.py).
    source_texts: dict[str, str] = field(default_factory=dict)

    def get(self, table: str, key):
        return self.by_id.get(table, {}).get(key)

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])

    def allocations_of(self, document_id: str) -> list[dict]:
        """Allocation rows of one document (indexed on first use: totals are checked per document)."""
        if self._allocs_by_doc is None:
            self._allocs_by_doc = defaultdict(list)
            for alloc in self.rows("allocations"):
                self._allocs_by_doc[alloc["document_id"]].append(alloc)
        return self._allocs_by_doc.get(document_id, [])

    def top_document(self, document_id: str) -> dict | None:
        """The notice an attachment belongs to (itself for a top-level document)."""
        doc = self.get("documents", document_id)
        while doc is not None and doc.get("parent_document_id") and self.get("documents", doc["parent_document_id"]):
            doc = self.get("documents", doc["parent_document_id"])
        return doc

    def task_of(self, project_id: str) -> dict | None:
        """The task (任务) a project belongs to, itself if it is one; None outside any task."""
        project = self.get("projects", project_id)
        while project is not None and project["level"] != "task":
            project = self.get("projects", project.get("parent_project_id"))
        return project

    def project_subtree(self, project_id: str) -> set[str]:
        """The project and all its descendants (tasks contain sub-projects)."""
        found, stack = set(), [project_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(child["project_id"] for child in self.children.get(current, []))
        return found


KEYS = {"documents": "document_id", "regions": "region_id", "units": "unit_id", "projects": "project_id",
        "allocations": "allocation_id", "indicators": "indicator_id", "plans": "plan_id",
        "plan_indicators": "plan_indicator_id", "plan_tasks": "task_id", "stated_totals": "total_id",
        "quality_notes": "note_id", "funds": "fund_id",
        "budget_subjects": "subject_id", "glossary": "glossary_id"}


def build_model(pkg: LoadedPackage) -> Model:
    tables = {name: typed_rows(table) for name, table in pkg.tables.items()}
    model = Model(pkg.descriptor, {n: t.schema for n, t in pkg.tables.items()},
                  {n: t.display_path for n, t in pkg.tables.items()}, tables, root=pkg.root)
    keys = dict(KEYS, **{kind.table: kind.key for kind in KINDS})  # every kind's pages look rows up by id
    for name, key in keys.items():
        model.by_id[name] = {row[key]: row for row in tables.get(name, [])}
    for project in tables.get("projects", []):
        if project.get("parent_project_id"):
            model.children[project["parent_project_id"]].append(project)
    model.money = Money(model)
    return model
