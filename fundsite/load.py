"""Read datapackage.json, its schemas and CSVs. No writes, no validation of values.

Everything that can go wrong with the files themselves (missing, not JSON,
not UTF-8, BOM, CRLF, empty) becomes a Problem instead of an exception, so
that the build can report all of them at once.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from fundsite.package_profile import descriptor_problems, missing_tables, schema_problems
from fundsite.problems import Problem, quoted

PACKAGE_FILE = "datapackage.json"
# No cell of a source table comes near this (the longest is under 500); a longer
# cell is a paste that swallowed a document or several rows. Excel's own limit is 32,767.
MAX_CELL_CHARS = 10_000
BOM = b"\xef\xbb\xbf"
# Python's csv module refuses fields over 128 KiB with a bare csv.Error; lift that
# so an oversized cell is reported as one, with its row and column.
csv.field_size_limit(2**31 - 1)


@dataclass
class Table:
    """One resource: its schema descriptor and its rows as strings."""

    name: str
    path: Path  # the CSV file
    display_path: str  # how problems name the file
    schema: dict
    header: list[str] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)  # data records as read, for cell validation
    readable: bool = False  # True once the file decoded and parsed as CSV
    _columns: list | None = field(default=None, repr=False)
    _rows: list | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[dict[str, str]]:
        """The data records as {header label: cell}: "" for a cell a short record lacks, the
        later cell for a label the header names twice. Made on first use (a problem's line, a
        release's changes): the checks and the model read columns, and at 21,000 projects these
        250,000 dicts were about 175 MiB of the main process's peak, held beside the model."""
        if self._rows is None:
            names, width = self.header, len(self.header)
            self._rows = [dict(zip(names, record)) if len(record) >= width  # in C: most records are whole
                          else {name: (record[i] if i < len(record) else "") for i, name in enumerate(names)}
                          for record in self.records]
        return self._rows

    @property
    def fields(self) -> list[dict]:
        return self.schema.get("fields", [])

    def columns(self) -> list[tuple[str, ...]] | None:
        """Every column's cells, top to bottom, when each record has one cell per header label;
        None otherwise. Transposed once (in C) and shared by every check that reads columns."""
        if self._columns is None:
            width = len(self.header)
            rectangular = not self.records or set(map(len, self.records)) == {width}
            self._columns = list(zip(*self.records)) if self.records and rectangular else ([()] * width if rectangular else [])
        return self._columns if len(self._columns) == len(self.header) else None

    def column(self, name: str) -> tuple[str, ...] | list[str]:
        """One column's cells, top to bottom; a cell a short row lacks reads as "" (as in rows)."""
        if name not in self.header:
            return [""] * len(self.records)
        i = self.header.index(name)
        columns = self.columns()
        if columns is not None:
            return columns[i]
        return [record[i] if i < len(record) else "" for record in self.records]


@dataclass
class LoadedPackage:
    root: Path
    display_root: str
    descriptor: dict
    tables: dict[str, Table]
    declared: set[str] = field(default_factory=set)  # resource names, loadable or not


def _display(root_display: str, rel: str) -> str:
    return f"{root_display.rstrip('/')}/{rel}" if root_display not in ("", ".") else rel


def _read_json(path: Path, display: str, what: str, problems: list[Problem]) -> dict | None:
    if not path.is_file():
        problems.append(Problem(display, 0, "-", "missing-file", f"{what} not found"))
        return None
    raw = path.read_bytes()
    if raw.startswith(BOM):
        problems.append(Problem(display, 1, "-", "encoding-error", f"{what} starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"))
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(display, 0, "-", "encoding-error", f"{what} is not valid UTF-8"))
        return None
    except json.JSONDecodeError as exc:
        problems.append(Problem(display, exc.lineno, "-", "invalid-json", f"{what} is not valid JSON: {exc.msg} (column {exc.colno})"))
        return None
    except ValueError:  # an integer of more than 4,300 digits
        problems.append(Problem(display, 0, "-", "invalid-json", f"{what} holds a number too long to read (over 4,300 digits)"))
        return None
    except RecursionError:
        problems.append(Problem(display, 0, "-", "invalid-json", f"{what} nests lists or objects too deeply to read"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(display, 0, "-", "invalid-json", f"{what} must be a JSON object"))
        return None
    return data


def _decode_csv(raw: bytes, display: str, problems: list[Problem]) -> str | None:
    if not raw.strip():
        problems.append(Problem(display, 0, "-", "empty-file", "the file is empty; it needs at least the header row"))
        return None
    if raw.startswith(b"PK\x03\x04"):
        problems.append(Problem(display, 0, "-", "format-error", "this is an Excel workbook (.xlsx), not a CSV file; export the sheet as CSV UTF-8"))
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(display, 1, "-", "encoding-error", "the file is UTF-16 (Excel's 'Unicode text'); save it as CSV UTF-8"))
        return None
    if raw.startswith(BOM):
        problems.append(Problem(display, 1, "-", "encoding-error", "the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = " (it looks like GBK/GB18030)"
        except UnicodeDecodeError:
            pass
        problems.append(Problem(display, line, "-", "encoding-error", f"the file is not UTF-8{hint}; save it as UTF-8"))
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(Problem(display, line, "-", "format-error", "the file holds a NUL byte (binary data); it is not plain text"))
        return None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        problems.append(Problem(display, line, "-", "format-error", "Windows (CRLF) or old Mac (CR) line ends; save with Unix (LF) line ends"))
        return None
    return text


def _read_table(table: Table, problems: list[Problem]) -> None:
    if not table.path.is_file():
        problems.append(Problem(table.display_path, 0, "-", "missing-file", f"data file of resource '{table.name}' not found"))
        return
    text = _decode_csv(table.path.read_bytes(), table.display_path, problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        problems.append(Problem(table.display_path, reader.line_num, "-", "format-error", f"not a valid CSV file: {exc}"))
        return
    if _cell_problems(table, records, text, problems):
        return
    table.header = records[0]
    table.records = records[1:]
    table.readable = True


def _quote_never_closes(text: str) -> bool:
    """True if a quoted cell runs to the end of the file (lenient csv reads it silently)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _cell_problems(table: Table, records: list[list[str]], text: str, problems: list[Problem]) -> bool:
    """Line breaks and oversized cells; True if the file cannot be read row by row.

    A row is one line: a line break in a cell is nearly always a quote that
    opened and never closed, which reads the rest of the file into one cell.
    Until it is fixed, every later row number would be wrong, so the file is
    not checked further.
    """
    header = records[0] if records else []
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(records) == lines:  # one record per line: no cell holds a line break
        if len(text) <= MAX_CELL_CHARS:
            return False
        # Only a line longer than the limit can hold a cell longer than it.
        suspects = [i for i, line in enumerate(text.split("\n")) if len(line) > MAX_CELL_CHARS]
    else:
        suspects = range(len(records))
    for index in suspects:
        record = records[index]
        line = index + 1  # records before the first line break are one line each
        for column, cell in enumerate(record):
            name = header[column] if index and column < len(header) else "-"
            if "\n" in cell or "\r" in cell:
                if index == len(records) - 1 and _quote_never_closes(text):
                    message = "a quote (\") opens this cell and never closes, so the rest of the file was read into it"
                else:
                    message = "the cell holds a line break; keep each row on one line"
                problems.append(Problem(table.display_path, line, name, "format-error", message))
                return True
            if len(cell) > MAX_CELL_CHARS:
                problems.append(Problem(table.display_path, line, name, "too-long",
                                        f"the cell holds {len(cell):,} characters, more than the {MAX_CELL_CHARS:,} allowed "
                                        "(a whole document or several rows pasted into one cell?)"))
    return False


# Resource names become SQLite table names and workbook sheet names (at most 31 characters).
RESOURCE_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")


def leaves_package(root: Path, rel: str) -> bool:
    """The path, followed through any symbolic link, ends outside the package folder: its file
    would be read, checked and published (a link to /etc/passwd would print its first line)."""
    inside = Path(root).resolve()
    target = (Path(root) / rel).resolve()
    return target != inside and inside not in target.parents


def load_package(root: Path, display_root: str | None = None,
                 for_site: bool = True) -> tuple[LoadedPackage | None, list[Problem]]:
    """Read the package at root; return it (or None) and the problems met. for_site holds it to
    what the site reads (schema_contract.py: every table, its keys and fields); the snapshot
    of an earlier release is read without (it may predate a table or a field)."""
    root = Path(root)
    display_root = str(display_root if display_root is not None else root)
    problems: list[Problem] = []
    descriptor_display = _display(display_root, PACKAGE_FILE)
    descriptor = _read_json(root / PACKAGE_FILE, descriptor_display, PACKAGE_FILE, problems)
    if descriptor is None:
        return None, problems
    problems += descriptor_problems(descriptor, descriptor_display)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problems.append(Problem(descriptor_display, 0, "resources", "package-error", "the package lists no resources"))
        return None, problems
    tables: dict[str, Table] = {}
    declared: set[str] = set()
    for index, resource in enumerate(resources):
        where = f"resources[{index}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str) or not isinstance(resource.get("path"), str):
            problems.append(Problem(descriptor_display, 0, where, "package-error", "each resource needs a string 'name' and 'path'"))
            continue
        name, rel = resource["name"], resource["path"]
        declared.add(name)
        if not RESOURCE_NAME.fullmatch(name) or name.startswith("sqlite_") or name == "readme":
            problems.append(Problem(descriptor_display, 0, where, "package-error",
                                    f"resource name {quoted(name)} is not a table name: use 1 to 31 lowercase letters, digits "
                                    "and underscores, starting with a letter (it names a SQLite table and a workbook sheet), "
                                    "and neither readme nor sqlite_…"))
            continue
        if "\\" in rel:  # a Windows path: one file name here, a climb out of the folder there
            problems.append(Problem(descriptor_display, 0, where, "package-error", f"resource path {quoted(rel)} uses \\: separate folders with /"))
            continue
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            problems.append(Problem(descriptor_display, 0, where, "package-error", f"resource path '{rel}' must stay inside the package folder"))
            continue
        if leaves_package(root, rel):
            problems.append(Problem(descriptor_display, 0, where, "package-error",
                                    f"resource path '{rel}' leads out of the package folder through a symbolic link"))
            continue
        if name in tables:
            problems.append(Problem(descriptor_display, 0, where, "package-error", f"resource name '{name}' is used twice"))
            continue
        schema = resource.get("schema")
        schema_where = (descriptor_display, where)  # where a schema problem is reported: its own file if it has one
        if isinstance(schema, str):
            if "\\" in schema or Path(schema).is_absolute() or ".." in Path(schema).parts:
                problems.append(Problem(descriptor_display, 0, where, "package-error", f"schema path '{schema}' must stay inside the package folder"))
                continue
            if leaves_package(root, schema):
                problems.append(Problem(descriptor_display, 0, where, "package-error",
                                        f"schema path '{schema}' leads out of the package folder through a symbolic link"))
                continue
            schema_where = (_display(display_root, schema), "fields")
            schema = _read_json(root / schema, schema_where[0], f"schema of resource '{name}'", problems)
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            if schema is not None or "schema" not in resource or resource["schema"] is None:  # (else: reported by _read_json)
                problems.append(Problem(schema_where[0], 0, schema_where[1], "schema-error", f"resource '{name}' has no schema with a 'fields' list"))
            continue
        shape = schema_problems(name, schema, schema_where[0], contract=for_site)
        if shape:
            problems += shape
            continue
        table = Table(name, root / rel, _display(display_root, rel), schema)
        _read_table(table, problems)
        tables[name] = table
    if for_site and not any(p.path == descriptor_display and p.field.startswith("resources[") for p in problems):
        problems += missing_tables(declared, descriptor_display)  # (a refused entry's table is missing anyway)
    if any(p.path == descriptor_display or p.kind == "schema-error" for p in problems):
        # A package whose descriptor or schemas are unsound is not read further: every
        # later line would be a consequence (a foreign key to a resource refused above).
        return None, problems
    return LoadedPackage(root, display_root, descriptor, tables, declared), problems
