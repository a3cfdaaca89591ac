"""README's rows per source document are the package's (scripts/package_counts.py counts them)."""
from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from package_counts import counts, markdown, readme_table  # noqa: E402


def test_readme_lists_the_rows_the_package_has_per_document():
    assert readme_table((ROOT / "README.md").read_text(encoding="utf-8")) == markdown(ROOT / "datapackage")


def test_every_row_counts_for_one_listed_document():
    """No row is lost to a document the table does not list: each table's counts add up to its rows."""
    tops, found = counts(ROOT / "datapackage")
    listed = {d["document_id"] for d in tops}
    for table, counter in found.items():
        assert set(counter) <= listed, table
        lines = (ROOT / "datapackage" / "data" / f"{table}.csv").read_text(encoding="utf-8").count("\n") - 1
        assert sum(counter.values()) == lines, table
