"""`mkdocs build` on the repository builds the same site as build.py, and no build writes into the checkout.

The generated pages and files enter mkdocs through its hooks (fundsite/publish/mkdocs_site.py),
so the repository is an ordinary mkdocs project: `mkdocs serve` previews it as it is.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXED_EPOCH, ROOT


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _checkout_files() -> dict[str, str]:
    return {name: digest for name, digest in _digests(ROOT / "site_src").items()}


def test_mkdocs_build_alone_gives_the_site_of_build_py(built_site, tmp_path):
    before = _checkout_files()
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    alone = _digests(tmp_path / "site")
    ours = _digests(built_site)
    # build.py keeps its records beside the site (site_state.py), so the two folders are the same.
    assert ours == alone
    assert _checkout_files() == before


def test_builds_write_nothing_into_the_markdown_sources(built_site):
    """The pages of districts, projects and the rest are generated in memory, never into site_src/."""
    assert sorted({name.split("/")[0] for name in _checkout_files()}) == ["about", "assets", "guide", "search"]
    assert (built_site / "districts" / "huadu" / "index.html").is_file()
