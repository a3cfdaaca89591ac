"""Validate each table against its Table Schema: header, types, constraints, keys.

Cell-level validation is frictionless-py's; this module only turns its errors
into Problems with short messages, and checks headers and foreign keys itself
so that one bad column gives one line, not one line per row.
"""
from __future__ import annotations

import re

from frictionless import Resource, Schema

from . import fast_check
from .load import LoadedPackage, Table
from .problems import Problem

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"')


def _check_header(table: Table) -> list[Problem]:
    expected = [f["name"] for f in table.fields]
    found = table.header
    problems = []
    seen = set()
    for name in found:
        if name in seen:
            problems.append(Problem(table.display_path, 1, name or "-", "duplicate-label", f"column '{name}' appears more than once"))
        seen.add(name)
    for name in expected:
        if name not in found:
            problems.append(Problem(table.display_path, 1, name, "missing-label", f"column '{name}' is missing from the header"))
    for name in found:
        if name not in expected:
            label = name if name.strip() else "(blank)"
            problems.append(Problem(table.display_path, 1, name or "-", "extra-label", f"column '{label}' is not in the schema (expected: {', '.join(expected)})"))
    if not problems and found != expected:
        problems.append(Problem(table.display_path, 1, "-", "incorrect-label", f"columns are out of order; expected: {', '.join(expected)}"))
    return problems


def _message(err, table: Table) -> str:
    cell = getattr(err, "cell", None)
    fields = {f["name"]: f for f in table.fields}
    field = fields.get(getattr(err, "field_name", None) or "", {})
    kind = err.type
    if kind == "type-error":
        return f'"{cell}" is not a valid {field.get("type", "value")}'
    if kind == "constraint-error":
        match = _CONSTRAINT.search(err.note or "")
        name = match.group(1) if match else ""
        constraints = field.get("constraints", {})
        if name == "required":
            return "a value is required"
        if name == "enum":
            return f'"{cell}" is not one of: {", ".join(map(str, constraints.get("enum", [])))}'
        if name == "pattern":
            return f'"{cell}" does not match the pattern {constraints.get("pattern")}'
        if name in ("minimum", "maximum", "minLength", "maxLength"):
            return f'"{cell}" breaks the constraint {name} = {constraints.get(name)}'
        return f'"{cell}" breaks the constraint {name}'
    if kind == "unique-error":
        return f'"{cell}" appears more than once in a column that must be unique'
    if kind == "primary-key":
        key = table.schema.get("primaryKey")
        return f"duplicate or empty primary key ({', '.join(key) if isinstance(key, list) else key}): {err.note}"
    if kind == "blank-row":
        return "blank row; delete it"
    if kind == "extra-cell":
        return f'extra value "{cell}" beyond the last column'
    if kind == "missing-cell":
        return "the row has fewer cells than the header"
    return err.note or err.message


def _check_cells(table: Table, engine: str = "fast") -> list[Problem]:
    """Type, constraint, unique and primary-key problems of every cell.

    engine "fast" is fundsite.fast_check (same rules, whole columns at a time);
    "frictionless" is frictionless-py itself, kept to cross-check the fast one.
    """
    if engine == "fast" and fast_check.supports(table.schema):
        return [Problem(table.display_path, err.row_number or 0, err.field_name or "-", err.type, _message(err, table))
                for err in fast_check.validate_table(table.header, table.records, table.schema)]
    descriptor = {k: v for k, v in table.schema.items() if k != "foreignKeys"}
    try:
        schema = Schema.from_descriptor(descriptor)
    except Exception as exc:  # frictionless raises its own error types for bad schemas
        return [Problem(table.display_path, 0, "-", "schema-error", f"invalid table schema: {exc}")]
    resource = Resource(path=table.path.name, basepath=str(table.path.parent), schema=schema, encoding="utf-8", format="csv")
    report = resource.validate()
    problems = []
    for task in report.tasks:
        for err in task.errors:
            if err.type in ("scheme-error", "format-error", "encoding-error", "source-error"):
                problems.append(Problem(table.display_path, 0, "-", err.type, err.note or err.message))
                continue
            row = getattr(err, "row_number", None) or 0
            field = getattr(err, "field_name", None) or "-"
            problems.append(Problem(table.display_path, row, field, err.type, _message(err, table)))
    return problems


def _foreign_keys(table: Table) -> list[dict]:
    keys = table.schema.get("foreignKeys") or []
    return [k for k in keys if isinstance(k, dict)]


def _check_foreign_keys(pkg: LoadedPackage, usable: set[str]) -> list[Problem]:
    problems = []
    for table in pkg.tables.values():
        if table.name not in usable:
            continue
        for fk in _foreign_keys(table):
            fields = fk.get("fields")
            ref = fk.get("reference", {})
            target_name = ref.get("resource") or table.name
            ref_fields = ref.get("fields")
            fields = [fields] if isinstance(fields, str) else fields
            ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
            target = pkg.tables.get(target_name)
            if target is None and target_name in pkg.declared:
                continue  # declared but unreadable: its own problem is reported already
            if target is None:
                problems.append(Problem(table.display_path, 0, ",".join(fields or []), "schema-error", f"foreign key points to unknown resource '{target_name}'"))
                continue
            if target_name not in usable:
                continue  # the target's own problems are reported already
            keys = {tuple(r.get(f, "") for f in ref_fields) for r in target.rows}
            for line, row in enumerate(table.rows, start=2):
                values = tuple(row.get(f, "") for f in fields)
                if all(v == "" for v in values):
                    continue
                if values not in keys:
                    shown = ", ".join(values)
                    problems.append(Problem(table.display_path, line, ",".join(fields), "foreign-key",
                                            f'"{shown}" is not in {target_name}.{",".join(ref_fields)}'))
    return problems


def check_schemas(pkg: LoadedPackage, engine: str = "fast") -> list[Problem]:
    """Header, cell, primary-key and foreign-key problems of every table."""
    problems: list[Problem] = []
    usable: set[str] = set()
    for table in pkg.tables.values():
        if not table.readable:
            continue
        header_problems = _check_header(table)
        problems += header_problems
        if header_problems:
            continue
        problems += _check_cells(table, engine)
        usable.add(table.name)
    problems += _check_foreign_keys(pkg, usable)
    return problems
