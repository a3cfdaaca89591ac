"""Packages for tests to build or break: the bundled one, or the tiny one in tests/tiny_package/.

The tiny package is the bundled package's datapackage.json and schemas with a
dozen hand-written rows per table (tests/tiny_package/data/): small enough to
build in seconds and to read in full, so a test can state exact line numbers
and messages that do not move when the curated data grows.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "datapackage"
TINY_DATA = Path(__file__).resolve().parent / "tiny_package" / "data"


def copy_bundled(dest: Path, name: str = "pkg") -> Path:
    """A writable copy of the bundled data package at dest/name."""
    target = dest / name
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("parts"))
    return target


def make_tiny(dest: Path, name: str = "pkg") -> Path:
    """The tiny package at dest/name: bundled descriptor and schemas, tiny data.

    A resource the tiny package has no rows for (a table added to the bundled
    package later) gets a header-only file, which is a valid empty table.
    """
    target = dest / name
    target.mkdir(parents=True)
    shutil.copy2(BUNDLED / "datapackage.json", target / "datapackage.json")
    shutil.copytree(BUNDLED / "schemas", target / "schemas")
    (target / "data").mkdir()
    descriptor = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        path = target / resource["path"]
        tiny = TINY_DATA / Path(resource["path"]).name
        if tiny.is_file():
            shutil.copy2(tiny, path)
        else:
            schema = resource["schema"]
            if isinstance(schema, str):
                schema = json.loads((BUNDLED / schema).read_text(encoding="utf-8"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(",".join(f["name"] for f in schema["fields"]) + "\n", encoding="utf-8")
    return target


def read_table(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_table(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


# -- declarative changes, as the bad-input corpus states them ----------------------
class CaseError(ValueError):
    """A corpus file asks for a change that does not apply: the case itself is wrong."""


def _cell_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write_cell_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _column(header: list[str], name: str, path: Path) -> int:
    if name not in header:
        raise CaseError(f"{path.name} has no column {name!r}")
    return header.index(name)


def _line(rows: list[list[str]], line: int, path: Path) -> int:
    """Index into rows of CSV line `line` (the header is line 1)."""
    if not 1 <= line <= len(rows):
        raise CaseError(f"{path.name} has no line {line}")
    return line - 1


def _json_walk(data, dotted: str):
    """(container, key) of a dotted path like 'resources.0.schema' inside data."""
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data[_json_key(data, part)]
    return data, _json_key(data, parts[-1])


def _json_key(data, part: str):
    """A dict key, a list index, or 'name=x': the list item whose name is x."""
    if not isinstance(data, list):
        return part
    if part.startswith("name="):
        for index, item in enumerate(data):
            if isinstance(item, dict) and item.get("name") == part[5:]:
                return index
        raise CaseError(f"no item named {part[5:]!r}")
    return int(part)


def apply_change(pkg: Path, change: dict) -> None:
    """Apply one [[change]] of a corpus case to the package folder pkg.

    Every change names a `file` (relative to the package) and one operation:
    row/column/value[/repeat], rename_column/to, drop_column, add_column/value,
    copy_row/set, delete_row, replace/with, insert_line/at, append, prepend,
    encode, line_ends, write, write_hex, delete, json_set/value, json_delete,
    symlink, chain/from_row/key/parent, json_nest/depth.
    """
    change = dict(change)
    path = pkg / change.pop("file")
    ops = {k for k in change if k in OPERATIONS}
    if len(ops) != 1:
        raise CaseError(f"a change needs exactly one operation, got {sorted(change)}")
    op = ops.pop()
    OPERATIONS[op](path, change)


def _set_cell(path, c):
    rows = _cell_rows(path)
    i, j = _line(rows, c["row"], path), _column(rows[0], c["column"], path)
    rows[i][j] = c["value"] * c.get("repeat", 1)
    _write_cell_rows(path, rows)


def _rename_column(path, c):
    rows = _cell_rows(path)
    rows[0][_column(rows[0], c["rename_column"], path)] = c["to"]
    _write_cell_rows(path, rows)


def _drop_column(path, c):
    rows = _cell_rows(path)
    j = _column(rows[0], c["drop_column"], path)
    _write_cell_rows(path, [r[:j] + r[j + 1:] for r in rows])


def _add_column(path, c):
    rows = _cell_rows(path)
    _write_cell_rows(path, [rows[0] + [c["add_column"]]] + [r + [c.get("value", "")] for r in rows[1:]])


def _copy_row(path, c):
    rows = _cell_rows(path)
    copy = list(rows[_line(rows, c["copy_row"], path)])
    for name, value in c.get("set", {}).items():
        copy[_column(rows[0], name, path)] = value
    _write_cell_rows(path, rows + [copy])


def _delete_row(path, c):
    rows = _cell_rows(path)
    del rows[_line(rows, c["delete_row"], path)]
    _write_cell_rows(path, rows)


def _replace(path, c):
    text = path.read_text(encoding="utf-8")
    if c["replace"] not in text:
        raise CaseError(f"{path.name} does not contain {c['replace']!r}")
    path.write_text(text.replace(c["replace"], c["with"], c.get("count", -1)), encoding="utf-8")


def _insert_line(path, c):
    lines = path.read_text(encoding="utf-8").split("\n")
    if not 1 <= c["at"] <= len(lines):
        raise CaseError(f"{path.name} has no line {c['at']}")
    lines.insert(c["at"] - 1, c["insert_line"])
    path.write_text("\n".join(lines), encoding="utf-8")


def _append(path, c):
    path.write_text(path.read_text(encoding="utf-8") + c["append"], encoding="utf-8")


def _prepend(path, c):
    path.write_text(c["prepend"] + path.read_text(encoding="utf-8"), encoding="utf-8")


def _encode(path, c):
    path.write_bytes(path.read_text(encoding="utf-8").encode(c["encode"]))


def _line_ends(path, c):
    ends = {"crlf": "\r\n", "cr": "\r"}[c["line_ends"]]
    path.write_bytes(path.read_text(encoding="utf-8").replace("\n", ends).encode("utf-8"))


def _write(path, c):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(c["write"], encoding="utf-8")


def _write_hex(path, c):
    path.write_bytes(bytes.fromhex(c["write_hex"]))


def _delete(path, c):
    if not path.exists():
        raise CaseError(f"{path} does not exist")
    shutil.rmtree(path) if path.is_dir() else path.unlink()


def _json_set(path, c):
    data = json.loads(path.read_text(encoding="utf-8"))
    container, key = _json_walk(data, c["json_set"])
    container[key] = c["value"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _json_delete(path, c):
    data = json.loads(path.read_text(encoding="utf-8"))
    container, key = _json_walk(data, c["json_delete"])
    del container[key]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _symlink(path, c):
    """Make the file (or folder) a symbolic link to `symlink`, absolute or relative to it."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(c["symlink"])


def _chain(path, c):
    """Append `chain` copies of row `from_row`, each the child of the one before: ids <key>-c1, -c2…"""
    rows = _cell_rows(path)
    template = rows[_line(rows, c["from_row"], path)]
    key, parent = _column(rows[0], c["key"], path), _column(rows[0], c["parent"], path)
    previous = template[key]
    for n in range(1, c["chain"] + 1):
        copy = list(template)
        copy[key], copy[parent] = f"{template[key]}-c{n}", previous
        previous = copy[key]
        rows.append(copy)
    _write_cell_rows(path, rows)


def _json_nest(path, c):
    """Set `json_nest` to a list nested `depth` deep, written without indentation."""
    data = json.loads(path.read_text(encoding="utf-8"))
    container, key = _json_walk(data, c["json_nest"])
    container[key] = "NEST"
    text = json.dumps(data, ensure_ascii=False)
    path.write_text(text.replace('"NEST"', "[" * c["depth"] + "]" * c["depth"]), encoding="utf-8")


OPERATIONS = {
    "row": _set_cell, "rename_column": _rename_column, "drop_column": _drop_column, "add_column": _add_column,
    "copy_row": _copy_row, "delete_row": _delete_row, "replace": _replace, "insert_line": _insert_line,
    "append": _append, "prepend": _prepend, "encode": _encode, "line_ends": _line_ends, "write": _write,
    "write_hex": _write_hex, "delete": _delete, "json_set": _json_set, "json_delete": _json_delete,
    "symlink": _symlink, "chain": _chain, "json_nest": _json_nest,
}


# -- corpus cases ---------------------------------------------------------------
def load_case(path: Path) -> dict:
    """A corpus case: about, base ('tiny' or 'bundled'), [[change]]s, [expect] output."""
    import tomllib

    case = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(case) - {"about", "base", "change", "expect"}
    if unknown or case.get("base") not in ("tiny", "bundled") or not case.get("change"):
        raise CaseError(f"{path.name}: needs about, base = 'tiny' or 'bundled', one or more [[change]] (unknown keys: {sorted(unknown)})")
    return case


def prepare_case(case: dict, dest: Path, name: str = "pkg") -> Path:
    """Make the case's base package at dest/name and apply its changes."""
    pkg = make_tiny(dest, name) if case["base"] == "tiny" else copy_bundled(dest, name)
    for change in case["change"]:
        apply_change(pkg, change)
    return pkg


def expected_lines(case: dict) -> list[str]:
    return case["expect"]["output"].strip("\n").split("\n")


def unreleased_documents(package: Path = BUNDLED) -> list[str]:
    """The documents whose rows a package changes since its latest release (work not yet
    released, e.g. on a branch before the release that carries it): a test that releases a copy
    of the package names them with --include, as the maintainer releasing that copy would."""
    from fundsite import releases
    from fundsite.load import load_package

    pkg, _ = load_package(package, "pkg")
    old = releases.tables_of(releases.load_snapshot(package, releases.read_log(package)[-1]["version"]))
    new = releases.tables_of(pkg)
    diffs = [d for d in releases.diff_tables(old, new) if not d.empty]
    return sorted(releases.changes_by_document(diffs, old, new))


def include_unreleased(package: Path = BUNDLED) -> list[str]:
    """release.py arguments naming the unreleased documents of the package, if any."""
    documents = unreleased_documents(package)
    return ["--include", ",".join(documents)] if documents else []
