"""The bad-input corpus: every case in tests/bad_inputs/ fails cleanly with its exact lines.

Each case file states a change to a package (the tiny one in tests/tiny_package/
or the bundled one) and the exact output the build must print. The build runs
through the real command line (fundsite.cli.main, what build.py calls) against
a site built earlier from the tiny package: exit code 1, no exception, the
exact lines, and the published site byte for byte as it was. A sample of cases
also runs as a separate `python build.py` process, to show the same output on
a real command line. tests/accepted_inputs/ holds inputs that look odd but are
valid by policy (README, "Validation"); they must pass.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import run_build, run_cli
from package_tools import expected_lines, load_case, make_tiny, prepare_case

HERE = Path(__file__).resolve().parent
BAD = sorted((HERE / "bad_inputs").glob("*.toml"))
ACCEPTED = sorted((HERE / "accepted_inputs").glob("*.toml"))
# Cases that also run as a separate process: one of each family.
IN_A_PROCESS = ["file-gbk", "file-unclosed-quote", "header-renamed-column", "key-same-slug", "value-full-width-digits",
                "rule-total-mismatch", "id-path-traversal", "package-invalid-json"]


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A site really built from the tiny package, and the digest of its folder's parent."""
    root = tmp_path_factory.mktemp("published")
    make_tiny(root)
    site = root / "site"
    result = run_build("--package", "pkg", "--out", str(site), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return site, digest(root)


def test_corpus_is_large_and_well_formed():
    assert len(BAD) >= 40
    for path in BAD:
        case = load_case(path)
        lines = expected_lines(case)
        assert case["about"] and lines[-1].startswith("Build aborted: "), path.name
        assert all(line.startswith("pkg/") for line in lines[:-1]), path.name


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_input_fails_cleanly(path, tmp_path, published, monkeypatch):
    site, before = published
    case = load_case(path)
    prepare_case(case, tmp_path)
    code, out, err = run_cli(["--package", "pkg", "--out", str(site)], tmp_path, monkeypatch)
    assert (code, out.splitlines(), err) == (1, expected_lines(case), "")
    assert digest(site.parent) == before  # the site and whatever lies beside it: no staging folder left behind


@pytest.mark.parametrize("name", IN_A_PROCESS)
def test_bad_input_in_a_real_process(name, tmp_path, published):
    site, before = published
    case = load_case(HERE / "bad_inputs" / f"{name}.toml")
    prepare_case(case, tmp_path)
    result = run_build("--package", "pkg", "--out", str(site), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == expected_lines(case)
    assert digest(site.parent) == before


@pytest.mark.parametrize("path", ACCEPTED, ids=[p.stem for p in ACCEPTED])
def test_accepted_input_is_valid(path, tmp_path, monkeypatch):
    case = load_case(path)
    prepare_case(case, tmp_path)
    code, out, err = run_cli(["--package", "pkg", "--check"], tmp_path, monkeypatch)
    assert (code, err) == (0, ""), out
    assert out.startswith("Valid: ")


def test_tiny_package_is_valid(tmp_path, monkeypatch):
    """The base of the corpus passes, so each case's lines come from its change alone."""
    make_tiny(tmp_path)
    code, out, err = run_cli(["--package", "pkg", "--check"], tmp_path, monkeypatch)
    assert (code, err) == (0, ""), out
