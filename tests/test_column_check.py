"""The fast column validator reports exactly what frictionless reports."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_package, read_rows, write_rows
from fundsite.load import load_package
from fundsite.check.schema_check import check_schemas

# Cells that stress the casts: spaces, signs, full-width digits, separators, exponents, NaN, dates.
AWKWARD = ["", " ", "0", "-1", "+7", " 12 ", "1_000", "１２", "12,500", "1e3", "1.50", ".5", "NaN", "Infinity", "95%",
           "true", "TRUE", "yes", "2024-02-30", "2024-6-1", "2024-06-01", "年度", "≥", "../x", "Huadu", "a b",
           "<script>", "0x10", "٣"]
TABLES = {  # table -> fields of every type to mutate
    "allocations": ["allocation_id", "amount_yuan", "amount_unit_raw", "direct_fund", "function_code", "region_id"],
    "indicators": ["seq", "part", "value", "value_max", "operator", "period"],
    "documents": ["issue_date", "year", "states_amounts", "kind", "document_id"],
    "regions": ["region_id", "sort_order", "admin_code", "name"],
}


def _problems(pkg_dir, engine):
    pkg, load_problems = load_package(pkg_dir, "pkg")
    if load_problems:  # the file itself is refused (e.g. a NUL byte): no cell validation happens
        return sorted(load_problems)
    return sorted(p for p in check_schemas(pkg, engine) if p.kind != "foreign-key")


def _compare(pkg_dir):
    fast, slow = _problems(pkg_dir, "fast"), _problems(pkg_dir, "frictionless")
    assert [p.line() for p in fast] == [p.line() for p in slow]
    return fast


def test_bundled_package_agrees(tmp_path):
    assert _compare(copy_package(tmp_path)) == []


@pytest.mark.parametrize("table", sorted(TABLES))
def test_awkward_cells_agree(table, tmp_path):
    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / f"{table}.csv")
    for i, cell in enumerate(AWKWARD):
        for field in TABLES[table]:
            rows[(i * len(TABLES[table]) + TABLES[table].index(field)) % len(rows)][field] = cell
    rows.append({name: "" for name in header})  # a blank row
    rows.append(dict(rows[0]))  # a duplicate primary key
    write_rows(pkg / "data" / f"{table}.csv", header, rows)
    problems = _compare(pkg)
    kinds = {p.kind for p in problems}
    assert {"type-error", "constraint-error", "blank-row"} <= kinds
    assert any(p.row == len(rows) + 1 for p in problems)  # the duplicated first row is reported


def test_ragged_rows_agree(tmp_path):
    pkg = copy_package(tmp_path)
    path = pkg / "data" / "regions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + ",extra,cells"
    lines[3] = ",".join(lines[3].split(",")[:3])
    path.write_text("\n".join(lines), encoding="utf-8")
    kinds = {p.kind for p in _compare(pkg)}
    assert {"extra-cell", "missing-cell"} <= kinds


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(st.sampled_from(AWKWARD), st.text(max_size=6)), min_size=4, max_size=4))
def test_random_cells_agree(cells, tmp_path_factory):
    pkg = copy_package(tmp_path_factory.mktemp("fuzz"))
    header, rows = read_rows(pkg / "data" / "regions.csv")
    for field, cell in zip(["region_id", "sort_order", "admin_code", "level"], cells):
        rows[1][field] = cell.replace("\r", "").replace("\n", "")
    write_rows(pkg / "data" / "regions.csv", header, rows)
    _compare(pkg)


@pytest.mark.parametrize("name_pattern", ["市就业补助资金（××区）", "市就业补助资金（区）", "××区×"])
def test_a_pattern_with_a_negated_class_is_checked_cell_by_cell_and_agrees(name_pattern, tmp_path):
    """project_families.name_pattern's pattern (^[^×]*××区[^×]*$) could match across the newline
    that joins a column, so the fast engine checks it cell by cell: a clean column stays on the
    fast path (the bundled package never needs pandas), a bad cell is reported as frictionless does."""
    from fundsite.check.column_check import _table_is_clean

    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / "project_families.csv")
    rows[0]["name_pattern"] = name_pattern
    write_rows(pkg / "data" / "project_families.csv", header, rows)
    problems = _compare(pkg)
    good = name_pattern == "市就业补助资金（××区）"
    assert (problems == []) == good
    table = load_package(pkg, "pkg")[0].tables["project_families"]
    assert _table_is_clean(table.records, table.schema) == good
