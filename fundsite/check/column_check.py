"""Cell-level Table Schema validation, column at a time (pandas), reporting what frictionless reports.

frictionless-py reads ~40,000 rows/s; a province-wide package has hundreds of
thousands of rows. This validator follows frictionless's rules exactly (the
same casts, the same constraint order and notes, the same unique and
primary-key bookkeeping) but works on whole columns, falling back to
frictionless's own per-cell casting only for cells the fast patterns do not
settle. tests/test_column_check.py runs both on the bad-input fixtures and
compares. Tables using a type or format it does not cover go to frictionless.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

SUPPORTED = {"string", "integer", "number", "boolean", "date"}
CONSTRAINTS = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "number": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "boolean": ["required", "enum"],
    "date": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
}
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# Cells these patterns accept are certainly valid; the rest get frictionless's exact cast.
FAST_INTEGER = r"[+-]?[0-9]+"
FAST_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


@dataclass(frozen=True)
class CellError:
    """The attributes of a frictionless error that schema_check reads."""

    type: str
    row_number: int
    field_name: str | None
    cell: str | None
    note: str


def supports(schema: dict) -> bool:
    fields = schema.get("fields", [])
    return all(f.get("type", "string") in SUPPORTED and f.get("format", "default") == "default" for f in fields)


def _int(text: str):
    try:
        return int(text.strip())
    except Exception:
        return None


def _number(text: str):
    try:
        return Decimal(text.strip())
    except Exception:
        return None


def _date(text: str):
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except Exception:
        return None


def _cast(column: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """(typed values as objects, mask of type errors) for the non-missing cells of a column."""
    import pandas as pd
    if kind == "string":
        return column, pd.Series(False, index=column.index)
    if kind == "boolean":
        mapping = {**{v: True for v in TRUE_VALUES}, **{v: False for v in FALSE_VALUES}}
        typed = column.map(mapping)
        return typed, typed.isna()
    if kind in ("integer", "number"):
        fast = column.str.fullmatch(r"\s*" + (FAST_INTEGER if kind == "integer" else FAST_NUMBER) + r"\s*")
        caster = _int if kind == "integer" else _number
        typed = pd.Series([None] * len(column), index=column.index, dtype=object)
        if fast.any():
            stripped = column[fast].str.strip()
            typed[fast] = [int(v) for v in stripped] if kind == "integer" else [Decimal(v) for v in stripped]
        slow = ~fast
        if slow.any():
            typed[slow] = [caster(v) for v in column[slow]]
        return typed, _is_none(typed)
    typed = pd.Series([_date(v) for v in column], index=column.index, dtype=object)
    return typed, _is_none(typed)


def _is_none(values: pd.Series) -> pd.Series:
    """None only: pandas' isna() would also take Decimal('NaN'), which frictionless accepts as a number."""
    import pandas as pd
    return pd.Series([v is None for v in values], index=values.index, dtype=bool)


def _constraint_failures(name, constraint, kind, raw, typed, present):
    """Mask of present (non-missing, well-typed) cells that break one constraint."""
    import pandas as pd
    if name == "minLength":
        return present & (raw.str.len() < constraint)
    if name == "maxLength":
        return present & (raw.str.len() > constraint)
    if name == "pattern":
        return present & ~raw.str.match("^{0}$".format(constraint)).fillna(False).astype(bool)
    caster = {"integer": _int, "number": _number, "date": _date, "boolean": lambda v: v, "string": lambda v: v}[kind]
    if name == "enum":
        allowed = [caster(v) if isinstance(v, str) and kind != "string" else v for v in constraint]
        return present & ~typed.isin(allowed)
    bound = caster(constraint) if isinstance(constraint, str) else constraint
    compare = {"minimum": lambda v: v >= bound, "maximum": lambda v: v <= bound,
               "exclusiveMinimum": lambda v: v > bound, "exclusiveMaximum": lambda v: v < bound}[name]
    failed = pd.Series(False, index=raw.index)
    if present.any():  # pandas refuses an empty list for an all-False mask (a column with no values)
        failed[present] = [not (v == v and compare(v)) for v in typed[present]]
    return failed


# -- the quick proof: whole columns at C speed ------------------------------------------
# A valid table is the common case. Each column is checked at once (one regex over
# the joined column, set and min/max operations); only if any check is in doubt does
# the table go through the exact cell-by-cell path below, which reports the errors.
_UNSAFE_IN_JOIN = re.compile(r"\\[sSDWn]|\[\^|\\\\")  # patterns that could match across the joining newline
_SPACE = r"[^\S\n]*"  # what str.strip() removes, but never the newline that joins cells


def _joined_fullmatch(regex: str, cells: list[str]) -> bool:
    """Every cell matches regex, tested in one pass over the joined column (re.M: ^ and $ at cell bounds)."""
    if not cells:
        return True
    joined = "\n".join(cells)
    if joined.count("\n") != max(len(cells) - 1, 0):
        return False  # a cell holds a line break: the join would blur cell bounds
    line = f"(?:{regex})"
    return re.fullmatch(f"(?:{line}\n)*{line}", joined, re.M) is not None


def _column_is_clean(field: dict, cells: tuple[str, ...], missing: set[str], key_fields: set[str],
                     typed_out: dict) -> bool:
    """True when no cell of the column can raise an error; typed_out gets typed key columns."""
    kind = field.get("type", "string")
    constraints = field.get("constraints", {})
    distinct = set(cells)
    has_missing = not distinct.isdisjoint(missing)
    present = [c for c in cells if c not in missing] if has_missing else cells
    values = [c for c in distinct if c not in missing]  # each distinct value is checked once
    if constraints.get("required") and has_missing:
        return False
    casts = {"integer": int, "number": lambda c: Decimal(c.strip()), "date": _date,
             "boolean": lambda c: c in TRUE_VALUES, "string": lambda c: c}
    if kind not in casts:
        return False
    if kind == "boolean" and not set(values) <= set(TRUE_VALUES) | set(FALSE_VALUES):
        return False
    if kind in ("integer", "number") and not _joined_fullmatch(
            _SPACE + (FAST_INTEGER if kind == "integer" else FAST_NUMBER) + _SPACE, values):
        return False
    typed_values = {c: casts[kind](c) for c in values} if kind != "string" else None
    if kind == "date" and any(v is None for v in typed_values.values()):
        return False
    typed_set = set(typed_values.values()) if typed_values is not None else set(values)
    for name in CONSTRAINTS[kind]:
        value = constraints.get(name)
        if value is None or name == "required" or not values:
            continue
        if name == "pattern":
            if _UNSAFE_IN_JOIN.search(value):  # cell by cell, as the exact path matches (re.match of ^…$)
                try:
                    cell_pattern = re.compile(f"^{value}$")
                except (re.error, RecursionError, OverflowError):
                    return False
                if not all(cell_pattern.match(c) for c in values):
                    return False
            elif not _joined_fullmatch(f"^{value}$", values):
                return False
        elif name == "enum":
            if kind in ("integer", "number", "date"):
                cast = {"integer": _int, "number": _number, "date": _date}[kind]
                allowed = {cast(v) if isinstance(v, str) else v for v in value}
            else:
                allowed = set(value)
            if not typed_set <= allowed:
                return False
        elif name == "minLength" and min(map(len, values)) < value:
            return False
        elif name == "maxLength" and max(map(len, values)) > value:
            return False
        elif name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            bound = {"integer": _int, "number": _number, "date": _date}[kind](value) if isinstance(value, str) else value
            low, high = min(typed_set), max(typed_set)
            if (name == "minimum" and low < bound) or (name == "maximum" and high > bound) or \
               (name == "exclusiveMinimum" and low <= bound) or (name == "exclusiveMaximum" and high >= bound):
                return False
    if constraints.get("unique") and len(typed_set) != len(present):
        return False  # typed values can collide although strings differ ("1" and "01")
    if field["name"] in key_fields:
        if has_missing:
            return False  # an empty key cell: the exact path decides what to report
        typed_out[field["name"]] = present if typed_values is None else [typed_values[c] for c in present]
    typed_out.setdefault("_complete", []).append(not has_missing)
    return True


def _table_is_clean(records: list[list[str]], schema: dict, columns: list[tuple[str, ...]] | None = None) -> bool:
    fields = schema["fields"]
    width = len(fields)
    if not records:
        return True
    if columns is None:
        if set(map(len, records)) != {width}:
            return False
        columns = list(zip(*records))  # transposes in C
    elif len(columns) != width:
        return False
    missing = set(schema.get("missingValues", [""]))
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    typed: dict = {}
    for field, cells in zip(fields, columns):
        if not _column_is_clean(field, cells, missing, set(key), typed):
            return False
    # A blank row needs a missing cell in every column.
    if not any(typed["_complete"]) and any(all(c in missing for c in r) for r in records):
        return False
    if key:
        tuples = list(zip(*(typed[k] for k in key)))
        if len(set(tuples)) != len(tuples):
            return False
    return True


def validate_table(header: list[str], records: list[list[str]], schema: dict,
                   columns: list[tuple[str, ...]] | None = None) -> list[CellError]:
    """Errors for data records (not the header), in frictionless's terms. Row numbers: header is 1.
    columns: the records already transposed, one tuple per schema field, if the caller has them."""
    if _table_is_clean(records, schema, columns):
        return []
    return _exact_errors(header, records, schema)


def _exact_errors(header: list[str], records: list[list[str]], schema: dict) -> list[CellError]:
    """The cell-by-cell path: slower, reports every error as frictionless does."""
    import pandas as pd  # imported here: a clean package never needs pandas (0.5 s to import)
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing_values = schema.get("missingValues", [""])
    n_fields = len(fields)
    width = pd.Series([len(r) for r in records], dtype="int64")
    padded = [r[:n_fields] + [None] * (n_fields - len(r)) if len(r) < n_fields else r[:n_fields] for r in records]
    frame = pd.DataFrame(padded, columns=names, dtype=object) if records else pd.DataFrame(columns=names, dtype=object)
    rows = pd.Series(range(2, len(records) + 2))
    errors: dict[int, list[CellError]] = {}
    blank_count = pd.Series(0, index=frame.index)
    typed_columns = {}

    def add(index, error):
        errors.setdefault(int(index), []).append(error)

    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        source = frame[name]
        absent = source.isna()
        raw = source.fillna("").astype(str)
        missing = absent | raw.isin(missing_values)
        present_raw = raw.where(~missing, "")
        typed, bad = _cast(present_raw, kind)
        type_error = bad & ~missing
        present = ~missing & ~type_error
        typed_columns[name] = pd.Series([v if ok else None for v, ok in zip(typed, present)], index=typed.index, dtype=object)
        blank_count += (missing & ~type_error).astype(int)
        for index in type_error[type_error].index:
            add(index, CellError("type-error", rows[index], name, raw[index], f'type is "{kind}/default"'))
        constraints = field.get("constraints", {})
        for cname in CONSTRAINTS[kind]:
            if constraints.get(cname) is None or cname == "unique":
                continue
            note = f'constraint "{cname}" is "{constraints[cname]}"'
            if cname == "required":
                failed = missing if constraints[cname] else pd.Series(False, index=frame.index)
            else:
                failed = _constraint_failures(cname, constraints[cname], kind, raw, typed, present)
            for index in failed[failed].index:
                cell = "None" if absent[index] else raw[index]
                add(index, CellError("constraint-error", rows[index], name, cell, note))

    for index in width[width > n_fields].index:
        for cell in records[index][n_fields:]:
            add(index, CellError("extra-cell", rows[index], "", str(cell), ""))
    for index in width[width < n_fields].index:
        for name in names[width[index]:]:
            add(index, CellError("missing-cell", rows[index], name, "", ""))
    for index in blank_count[blank_count == n_fields].index:
        errors[int(index)] = [CellError("blank-row", rows[index], None, None, "")]

    # Uniqueness and primary key compare typed values, like frictionless.
    if schema.get("primaryKey"):
        for field in fields:
            if field.get("constraints", {}).get("unique"):
                for index, previous in _repeats([typed_columns[field["name"]]], rows):
                    add(index, CellError("unique-error", rows[index], field["name"], str(frame[field["name"]][index]),
                                         f"the same as in the row at position {previous}"))
        key = schema["primaryKey"]
        key = [key] if isinstance(key, str) else key
        key_columns = [typed_columns[k] for k in key]
        all_none = pd.concat([_is_none(c) for c in key_columns], axis=1).all(axis=1) if len(records) else pd.Series(dtype=bool)
        for index in all_none[all_none].index:
            add(index, CellError("primary-key", rows[index], None, None, 'cells composing the primary keys are all "None"'))
        for index, previous in _repeats(key_columns, rows, skip=all_none):
            add(index, CellError("primary-key", rows[index], None, None, f"the same as in the row at position {previous}"))
    return [e for index in sorted(errors) for e in errors[index]]


def _repeats(columns: list[pd.Series], rows: pd.Series, skip: pd.Series | None = None):
    """(index, row number of the latest earlier row with the same values), for repeated non-null keys."""
    import pandas as pd
    frame = pd.DataFrame({f"k{i}": c for i, c in enumerate(columns)})
    mask = ~pd.concat([_is_none(c) for c in columns], axis=1).all(axis=1)
    if skip is not None and len(skip):
        mask &= ~skip
    subset = frame[mask]
    if subset.empty:
        return []
    keys = list(subset.columns)
    previous = rows[subset.index].groupby([subset[k] for k in keys], sort=False, dropna=False).shift(1)
    found = previous.dropna()
    return [(index, int(value)) for index, value in found.items()]
