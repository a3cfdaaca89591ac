"""Validate each table against its Table Schema: header, types, constraints, keys.

Cells are checked column by column by column_check.py, which follows
frictionless-py's rules (frictionless itself checks tables whose types that
module does not cover, and is the oracle in tests/test_column_check.py); this
module turns the findings into Problems with short messages, and checks
headers and foreign keys itself so that one bad column gives one line, not
one line per row. It also holds
numbers and dates to the plain forms the site and its downloads rely on
(frictionless also takes " 5", "1_000", full-width "５" and "NaN"), and says one
mistake once: a duplicate id is one line, not a primary-key and a unique line.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from fundsite.check import column_check
from fundsite.load import LoadedPackage, Table
from fundsite.problems import Problem, quoted, visible

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"')
_POSITION = re.compile(r"position (\d+)")
ID_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RULE = "use lowercase letters a-z, digits 0-9 and single hyphens"
# The only forms a typed cell may take: what Python, pandas and a spreadsheet all read the same way.
PLAIN = {"integer": re.compile(r"-?[0-9]+"), "number": re.compile(r"-?[0-9]+(?:\.[0-9]+)?"),
         "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")}
_SEPARATORS = ((";", "semicolons"), ("\t", "tabs"))


def _near_misses(found: list[str], expected: list[str]) -> dict[str, str]:
    """Header labels that are an expected name with stray spaces or capitals: label -> name."""
    near = {}
    for label in found:
        if label in expected:
            continue
        for name in expected:
            if name not in found and name not in near.values() and label.strip().lower() == name.lower():
                near[label] = name
    return near


def _check_header(table: Table) -> list[Problem]:
    expected = [f["name"] for f in table.fields]
    found = table.header
    path = table.display_path
    if len(found) == 1 and len(expected) > 1:
        for separator, name in _SEPARATORS:
            if separator in found[0]:
                return [Problem(path, 1, "-", "format-error",
                                f"the columns are separated by {name}, not commas; save the file as CSV (comma-separated)")]
    problems = []
    seen = set()
    for name in found:
        if name in seen:
            problems.append(Problem(path, 1, name or "-", "duplicate-label", f"column '{visible(name)}' appears more than once"))
        seen.add(name)
    near = _near_misses(found, expected)
    for name in expected:
        if name not in found and name not in near.values():
            problems.append(Problem(path, 1, name, "missing-label", f"column '{name}' is missing from the header"))
    for name in found:
        if name in near:
            problems.append(Problem(path, 1, near[name], "incorrect-label", f"column '{visible(name)}' should be '{near[name]}'"))
        elif name not in expected:
            label = visible(name) if name.strip() else "(blank)"
            problems.append(Problem(path, 1, name or "-", "extra-label", f"column '{label}' is not in the schema (expected: {', '.join(expected)})"))
    if not problems and found != expected:
        problems.append(Problem(table.display_path, 1, "-", "incorrect-label", f"columns are out of order; expected: {', '.join(expected)}"))
    return problems


def _type_hint(text: str, kind: str) -> str:
    """What most likely went wrong with a cell that is not a plain integer, number or date."""
    if kind in ("integer", "number"):
        if text != text.strip():
            return " (remove the spaces around it)"
        if any(unicodedata.category(ch) == "Nd" and not ch.isascii() for ch in text):
            return " (full-width digits; type 0-9)"
        if re.fullmatch(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", text):
            return " (no thousands separators)"
        if re.fullmatch(r"-?[0-9.]+[eE][+-]?[0-9]+", text):
            return " (scientific notation; format the spreadsheet column as text)"
        if kind == "integer" and re.fullmatch(r"-?[0-9]+\.[0-9]*", text):
            return " (whole numbers only)"
        if re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?\s*\D+", text):
            return " (the unit goes in its own column)"
    if kind == "date":
        return " (no such day)" if PLAIN["date"].fullmatch(text) else " (write dates as YYYY-MM-DD)"
    if kind == "boolean":
        return " (write true or false)"
    return ""


def type_message(cell, field: dict) -> str:
    """The one message for a cell that does not read as its field's type, whichever check found it."""
    kind = field.get("type", "value")
    return f"{quoted(cell)} is not a valid {kind}{_type_hint(str(cell or ''), kind)}"


def _first_line(table: Table, names: list[str], line: int, note: str | None) -> int | None:
    """The line where the key values of row `line` first appear."""
    if not names or not 2 <= line <= len(table.rows) + 1:
        return None
    values = [table.rows[line - 2].get(n, "") for n in names]
    for earlier, row in enumerate(table.rows[: line - 2], start=2):
        if [row.get(n, "") for n in names] == values:
            return earlier
    match = _POSITION.search(note or "")  # typed values can match where the text differs ("1" and "01")
    return int(match.group(1)) if match else None


def _key_names(table: Table) -> list[str]:
    key = table.schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _message(err, table: Table) -> str:
    cell = getattr(err, "cell", None)
    fields = {f["name"]: f for f in table.fields}
    field = fields.get(getattr(err, "field_name", None) or "", {})
    line = getattr(err, "row_number", None) or 0
    kind = err.type
    if kind == "type-error":
        return type_message(cell, field)
    if kind == "constraint-error":
        match = _CONSTRAINT.search(err.note or "")
        name = match.group(1) if match else ""
        constraints = field.get("constraints", {})
        if name == "required":
            return "a value is required"
        if name == "enum":
            allowed = [str(v) for v in constraints.get("enum", [])]
            hint = " (remove the spaces around it)" if str(cell).strip() in allowed else ""
            return f'{quoted(cell)} is not one of: {", ".join(allowed)}{hint}'
        if name == "pattern":
            if constraints.get("pattern") == ID_PATTERN:
                return f"{quoted(cell)} is not a valid id: {ID_RULE}"
            return f'{quoted(cell)} does not match the pattern {constraints.get("pattern")}'
        limits = {"minimum": "is less than the minimum", "maximum": "is more than the maximum",
                  "minLength": "is shorter than the minimum length", "maxLength": "is longer than the maximum length"}
        if name in limits:
            return f"{quoted(cell)} {limits[name]} {constraints.get(name)}"
        return f"{quoted(cell)} breaks the constraint {name}"
    if kind == "unique-error":
        first = _first_line(table, [field.get("name", "")], line, err.note)
        where = f"line {first}" if first else "another line"
        return f"{quoted(cell)} is already used on {where}; {field.get('name', 'the column')} must be unique"
    if kind == "primary-key":
        names = _key_names(table)
        values = [table.rows[line - 2].get(n, "") for n in names] if 2 <= line <= len(table.rows) + 1 else []
        if not any(values):
            return f"the primary key ({', '.join(names)}) is empty"
        first = _first_line(table, names, line, err.note)
        where = f"line {first}" if first else "another line"
        shown = quoted(values[0]) if len(values) == 1 else "(" + ", ".join(quoted(v) for v in values) + ")"
        return f"{shown} is already used on {where}; {', '.join(names)} must be unique"
    if kind == "blank-row":
        return "blank row; delete it"
    if kind == "extra-cell":
        return f"extra value {quoted(cell)} beyond the last column"
    if kind == "missing-cell":
        return "the row has fewer cells than the header"
    return err.note or err.message


def _schema_columns(table: Table) -> list[tuple[str, ...]] | None:
    """The table's columns in schema order, when the header is exactly the schema's names."""
    names = [f.get("name") for f in table.fields]
    return table.columns() if table.header == names else None


def _check_cells(table: Table, engine: str = "fast") -> list[Problem]:
    """Type, constraint, unique and primary-key problems of every cell.

    engine "fast" is fundsite.check.column_check (same rules, whole columns at a time);
    "frictionless" is frictionless-py itself, kept to cross-check the fast one.
    """
    if engine == "fast" and column_check.supports(table.schema):
        return [Problem(table.display_path, err.row_number or 0, err.field_name or "-", err.type, _message(err, table))
                for err in column_check.validate_table(table.header, table.records, table.schema, _schema_columns(table))]
    from frictionless import Resource, Schema  # 0.5 s to import: only for schemas the fast engine does not cover

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


def _check_foreign_keys(pkg: LoadedPackage, usable: set[str], bad_cells: set[tuple[str, int, str]] = frozenset()) -> list[Problem]:
    """Every reference resolves; a cell already reported (say, not a valid id) is not reported again."""
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
            # Whole columns at a time: a set difference finds the unknown values, and only
            # those are looked for row by row.
            keys = set(zip(*(target.column(f) for f in ref_fields)))
            values = list(zip(*(table.column(f) for f in fields)))
            unknown = set(values) - keys
            unknown.discard(("",) * len(fields))  # an empty reference is for `required` to judge
            if not unknown:
                continue
            for line, value in enumerate(values, start=2):
                if value not in unknown or all(v == "" for v in value):
                    continue
                if (table.display_path, line, ",".join(fields)) not in bad_cells:
                    problems.append(Problem(table.display_path, line, ",".join(fields), "foreign-key",
                                            f'{quoted(", ".join(value))} is not in {target_name}.{",".join(ref_fields)}'))
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
        problems += _tidy(table, _check_cells(table, engine) + _check_plain_values(table))
        usable.add(table.name)
    bad_cells = {(p.path, p.row, p.field) for p in problems}
    problems += _check_foreign_keys(pkg, usable, bad_cells)
    return list(dict.fromkeys(problems))  # the same problem found by two checks is one line


def _check_plain_values(table: Table) -> list[Problem]:
    """Integers, numbers and dates in their plain form only (see PLAIN)."""
    problems = []
    for field in table.fields:
        name, kind = field.get("name"), field.get("type")
        pattern = PLAIN.get(kind)
        if pattern is None:
            continue
        column = table.column(name)
        bad = {cell for cell in set(column) if cell != "" and not (pattern.fullmatch(cell) and (kind != "date" or _is_date(cell)))}
        if not bad:  # each distinct value is checked once; rows are walked only to report
            continue
        for line, cell in enumerate(column, start=2):
            if cell in bad:
                problems.append(Problem(table.display_path, line, name, "type-error", type_message(cell, field)))
    return problems


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _tidy(table: Table, problems: list[Problem]) -> list[Problem]:
    """One mistake, one line: a blank row or an empty id is not also a primary-key
    problem, a duplicate single-column key is not also a unique problem, and a
    cell missing from a short row is not also a required value."""
    names = _key_names(table)
    blank = {p.row for p in problems if p.kind == "blank-row"}
    missing = {(p.row, p.field) for p in problems if p.kind == "missing-cell"}
    required = {p.row for p in problems if p.kind == "constraint-error" and p.field in names and p.message == "a value is required"}
    duplicate_key = {p.row for p in problems if p.kind == "primary-key"}
    tidy = []
    for p in problems:
        if p.kind == "primary-key":
            if p.row in blank or p.row in required:
                continue
            p = Problem(p.path, p.row, ",".join(names) or "-", p.kind, p.message)
        elif p.kind == "unique-error" and names == [p.field] and p.row in duplicate_key:
            continue
        elif p.kind == "constraint-error" and (p.row, p.field) in missing:
            continue
        tidy.append(p)
    return tidy
