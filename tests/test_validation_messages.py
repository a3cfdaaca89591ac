"""The command line's contract around validation; the bad-input cases themselves are in tests/bad_inputs/."""
from __future__ import annotations

from conftest import run_build
from fundsite.problems import Problem, quoted, summary


def test_usage_error_exits_2(tmp_path):
    result = run_build("--no-such-option", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: build.py" in result.stderr


def test_check_mode_reports_valid():
    result = run_build("--check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("Valid: ")


def test_missing_package_folder(tmp_path):
    result = run_build("--package", "nothing-here", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "nothing-here/datapackage.json:-:-: missing-file: datapackage.json not found",
        "Build aborted: 1 problem in 1 file. The published site was not changed."]


def test_a_problem_is_always_one_line():
    """Column names and messages can hold anything; the printed problem stays on one line."""
    problem = Problem("pkg/data/a\nb.csv", 3, "na\rme", "type-error", 'x\u2028y "1\n2"')
    assert problem.line() == 'pkg/data/a\\nb.csv:3:na\\rme: type-error: x\\u2028y "1\\n2"'


def test_quoted_values_show_invisible_characters_and_stay_short():
    assert quoted("huadu\u200b") == '"huadu\\u200b"'
    assert quoted("合\u3000计\t") == '"合\\u3000计\\t"'
    assert quoted("数" * 51) == '"' + "数" * 40 + '…" (51 characters)'
    assert quoted("数" * 50) == '"' + "数" * 50 + '"'


def test_summary_counts_problems_and_files():
    problems = [Problem("a", 1, "x", "k", "m"), Problem("a", 2, "x", "k", "m"), Problem("b", 0, "-", "k", "m")]
    assert summary(problems) == "Build aborted: 3 problems in 2 files. The published site was not changed."
    assert summary(problems[:1]) == "Build aborted: 1 problem in 1 file. The published site was not changed."
