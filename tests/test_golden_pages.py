"""A golden copy of a few pages of the tiny package, normalised: a rework of the build must give
the same pages, and an intended change of a page shows up here as a diff to review.

After an intended change: FUNDSITE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_pages.py,
then read the diff of tests/golden/ before committing it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import run_build
from package_tools import make_tiny

GOLDEN = Path(__file__).resolve().parent / "golden"
# Pages whose content comes from the tiny package alone (the home page also shows the bundled
# package's version, which a release changes).
PAGES = ["districts/huadu/", "projects/tiny-p02/", "documents/tiny-notice-a1/", "funds/tiny-fund/", "projects/"]


def normalised(html: str) -> str:
    """The page's article, one tag or text run per line, whitespace collapsed."""
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    # The citation names the bundled package's version and date, which a release changes
    # (test_site_url.py checks citations against the package).
    article = re.sub(r'<details class="fs-cite">.*?</details>', "", article, flags=re.S)
    article = re.sub(r"\s+", " ", article)
    return "\n".join(part.strip() for part in re.split(r"(?=<)", article) if part.strip()) + "\n"


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    make_tiny(root)
    result = run_build("--package", "pkg", "--out", "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.mark.parametrize("url", PAGES)
def test_page_is_its_golden_copy(tiny_site, url):
    page = normalised((tiny_site / url / "index.html").read_text(encoding="utf-8"))
    golden = GOLDEN / ((url.strip("/").replace("/", "--") or "home") + ".html")
    if os.environ.get("FUNDSITE_UPDATE_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8"), f"{url}: see the module docstring to review and update"
