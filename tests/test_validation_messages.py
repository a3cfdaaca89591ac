"""Bad input gives exact problem lines, exit code 1, no traceback, and no change to the site."""
from __future__ import annotations

import json

import pytest

from conftest import copy_package, read_rows, run_build, write_rows


def _mutate_cell(table, row_index, field, value):
    def mutate(pkg):
        path = pkg / "data" / f"{table}.csv"
        header, rows = read_rows(path)
        rows[row_index][field] = value
        write_rows(path, header, rows)
    return mutate


def _rename_column(table, old, new):
    def mutate(pkg):
        path = pkg / "data" / f"{table}.csv"
        text = path.read_text(encoding="utf-8").split("\n", 1)
        path.write_text(text[0].replace(old, new) + "\n" + text[1], encoding="utf-8")
    return mutate


def _write_bytes(table, transform):
    def mutate(pkg):
        path = pkg / "data" / f"{table}.csv"
        path.write_bytes(transform(path.read_bytes()))
    return mutate


def _descriptor(transform):
    def mutate(pkg):
        path = pkg / "datapackage.json"
        path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")
    return mutate


def _drop_schema_file(pkg):
    (pkg / "schemas" / "regions.json").unlink()


CASES = {
    "non-numeric amount": (_mutate_cell("allocations", 0, "amount_yuan", "12,5O0"), [
        'pkg/data/allocations.csv:2:amount_yuan: type-error: "12,5O0" is not a valid integer']),
    "enum violation": (_mutate_cell("indicators", 0, "period", "全年"), [
        'pkg/data/indicators.csv:2:period: constraint-error: "全年" is not one of: 年度, 实施周期, 未注明']),
    "path traversal id": (_mutate_cell("regions", 0, "region_id", "../x"), None),
    "dangling foreign key": (_mutate_cell("allocations", 0, "region_id", "atlantis"), [
        'pkg/data/allocations.csv:2:region_id: foreign-key: "atlantis" is not in regions.region_id']),
    "renamed column": (_rename_column("units", "short_name", "shortname"), [
        "pkg/data/units.csv:1:short_name: missing-label: column 'short_name' is missing from the header",
        "pkg/data/units.csv:1:shortname: extra-label: column 'shortname' is not in the schema (expected: unit_id, name, short_name, kind, region_id, parent_unit_id, aliases, note)"]),
    "utf-8 bom": (_write_bytes("regions", lambda b: b"\xef\xbb\xbf" + b), [
        "pkg/data/regions.csv:1:-: encoding-error: the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"]),
    "gbk file": (_write_bytes("regions", lambda b: b.decode("utf-8").encode("gbk")), [
        "pkg/data/regions.csv:2:-: encoding-error: the file is not UTF-8 (it looks like GBK/GB18030); save it as UTF-8"]),
    "crlf line ends": (_write_bytes("regions", lambda b: b.replace(b"\n", b"\r\n")), [
        "pkg/data/regions.csv:1:-: format-error: Windows (CRLF) or old Mac (CR) line ends; save with Unix (LF) line ends"]),
    "empty file": (_write_bytes("regions", lambda b: b""), [
        "pkg/data/regions.csv:-:-: empty-file: the file is empty; it needs at least the header row"]),
    "invalid json": (_descriptor(lambda t: t.replace('"resources"', '"resources" oops', 1)), None),
    "schema file missing": (_drop_schema_file, [
        "pkg/schemas/regions.json:-:-: missing-file: schema of resource 'regions' not found"]),
    "amount does not match raw": (_mutate_cell("allocations", 0, "amount_yuan", "50000001"), None),
}


@pytest.fixture()
def published(tmp_path):
    """A previously published site, to prove a failed build leaves it alone."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site", encoding="utf-8")
    return site


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_not_published(case, tmp_path, published):
    mutate, expected = CASES[case]
    pkg = copy_package(tmp_path)
    mutate(pkg)
    result = run_build("--package", "pkg", "--out", str(published), cwd=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert lines[-1].startswith("Build aborted: ") and lines[-1].endswith("The published site was not changed.")
    if expected is not None:
        assert lines[:-1] == expected
    else:
        assert len(lines) >= 2 and all(line.startswith("pkg/") for line in lines[:-1])
    assert sorted(p.name for p in published.iterdir()) == ["index.html"]
    assert (published / "index.html").read_text(encoding="utf-8") == "previous site"


def test_amount_mismatch_message(tmp_path):
    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / "allocations.csv")
    row = next(i for i, r in enumerate(rows) if r["allocation_id"] == "huadu-ec-targets-a01")
    rows[row]["amount_yuan"] = "506001"
    write_rows(pkg / "data" / "allocations.csv", header, rows)
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert f'pkg/data/allocations.csv:{row + 2}:amount_yuan: amount-mismatch: amount_raw "50.60" 万元 is 506000 yuan, not 506001' in result.stdout.splitlines()
    # The same wrong amount also breaks the totals that cover it.
    assert any("total-mismatch: 合计 13,232.12万元 but its 12 rows sum to 13,232.1201万元 (difference +0.0001万元)" in line
               for line in result.stdout.splitlines())


def test_total_mismatch_message(tmp_path):
    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / "stated_totals.csv")
    index = next(i for i, r in enumerate(rows) if r["total_id"] == "huadu-ec-targets-t01")
    rows[index].update(amount_yuan="132331200", amount_raw="13,233.12")
    write_rows(pkg / "data" / "stated_totals.csv", header, rows)
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"pkg/data/stated_totals.csv:{index + 2}:amount_yuan: total-mismatch: {rows[index]['label_raw']} 13,233.12万元 but its 12 rows sum to 13,232.12万元 (difference -1.00万元)",
        "Build aborted: 1 problem in 1 file. The published site was not changed."]


def test_indicator_without_value(tmp_path):
    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / "indicators.csv")
    index = next(i for i, r in enumerate(rows) if r["operator"] == "≥")
    rows[index]["value"] = ""
    write_rows(pkg / "data" / "indicators.csv", header, rows)
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == f"pkg/data/indicators.csv:{index + 2}:value: value-error: operator '≥' needs a numeric value"


def test_missing_package_file(tmp_path):
    result = run_build("--package", "nothing-here", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "nothing-here/datapackage.json:-:-: missing-file: datapackage.json not found",
        "Build aborted: 1 problem in 1 file. The published site was not changed."]


def test_usage_error_exits_2(tmp_path):
    result = run_build("--no-such-option", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: build.py" in result.stderr


def test_check_mode_reports_valid():
    result = run_build("--check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("Valid: ")
