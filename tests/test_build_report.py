"""build-report.html: written by every build, failed or not, with every problem grouped by file."""
from __future__ import annotations

import re
from html import escape as html_escape

from conftest import copy_package, read_rows, run_build, write_rows


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_failed_build_writes_the_report_beside_the_package(tmp_path):
    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / "allocations.csv")
    rows[0]["region_id"] = "<b>atlantis</b>"
    write_rows(pkg / "data" / "allocations.csv", header, rows)
    header, rows = read_rows(pkg / "data" / "indicators.csv")
    rows[0]["period"] = "全年"
    write_rows(pkg / "data" / "indicators.csv", header, rows)
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("Build aborted: ") and lines[-1].endswith("problems in 2 files. The published site was not changed.")
    in_allocations = sum(line.startswith("pkg/data/allocations.csv:") for line in lines)
    html = (tmp_path / "build-report.html").read_text(encoding="utf-8")
    # data is escaped, never markup
    assert "<b>atlantis" not in html and "&lt;b&gt;atlantis&lt;/b&gt;" in html
    text = _text(html)
    assert f"共 {len(lines) - 1} 个问题，按文件分组" in text
    # grouped by file, in the console's order
    assert text.index(f"pkg/data/allocations.csv （{in_allocations}）") < text.index("pkg/data/indicators.csv （1）")
    # each problem with its row's content and a hint for its kind
    assert "该行内容：allocation_id=huadu-ec-targets-a01;" in text
    assert "改法：值不符合规定：必填列不能空；可选值列只能从列出的词中选一个" in text
    assert "period constraint-error &quot;全年&quot; is not one of: 年度, 实施周期, 未注明" in text
    # the console lines are on the page too, unchanged
    for line in lines:
        assert html_escape(line) in html


def test_clean_build_says_so(tmp_path):
    copy_package(tmp_path)
    report = tmp_path / "report.html"
    result = run_build("--package", "pkg", "--check", "--report", str(report), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("Valid: ")
    assert "✓ 没有发现问题" in report.read_text(encoding="utf-8")


def test_a_header_of_ten_thousand_extra_columns_is_one_line_each_and_a_short_report(tmp_path):
    """Each problem shows its row cut to 500 characters, read once per file: the report of a
    10,000-column header stays small (before, it repeated the whole header under every line)."""
    from package_tools import make_tiny

    pkg = make_tiny(tmp_path)
    path = pkg / "data" / "regions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] += "," + ",".join(f"c{i}" for i in range(10_000))
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert out[-1] == "Build aborted: 10000 problems in 1 file. The published site was not changed."
    assert out[0].startswith("pkg/data/regions.csv:1:c0: extra-label: column 'c0' is not in the schema")
    report = (tmp_path / "build-report.html").read_text(encoding="utf-8")
    assert report.count("该行内容：表头：region_id, name") == 10_000
    assert len(report) < 10_000 * 1_500
