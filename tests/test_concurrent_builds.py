"""Builds run one at a time: two started at once leave a complete site, the same as one build."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXED_EPOCH, ROOT
from fundsite.publish.publish import build_lock
from package_tools import make_tiny


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(root: Path, out: Path, seed: str, *extra: str, **env) -> subprocess.Popen:
    """build.py on the tiny package; each with its own hash seed, so set order cannot hide in the result."""
    environment = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONHASHSEED=seed, **env)
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--package", "pkg", "--out", str(out), *extra],
                            cwd=root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def test_two_builds_at_once_leave_the_site_of_one(tmp_path):
    make_tiny(tmp_path)
    code, out, err = finish(start_build(tmp_path, tmp_path / "single" / "site", "1"))
    assert code == 0, out + err
    # --force: the second build must really rebuild, not find the first one's site up to date.
    both = [start_build(tmp_path, tmp_path / "both" / "site", seed, "--force") for seed in ("2", "3")]
    results = [finish(process) for process in both]
    assert [code for code, _, _ in results] == [0, 0], results
    assert not any("Traceback" in out + err for _, out, err in results)
    assert digest(tmp_path / "both" / "site") == digest(tmp_path / "single" / "site")
    # No staging or old copy left behind; beside the site only its records (site_state.py).
    assert sorted(os.listdir(tmp_path / "both")) == [".site.fundsite", "site"]


def test_a_build_waits_for_the_lock_and_gives_up_cleanly(tmp_path):
    """While another build holds the lock, a build neither starts nor crashes: it says so and exits 3."""
    make_tiny(tmp_path)
    with build_lock(tmp_path / "site", timeout=0):
        code, out, err = finish(start_build(tmp_path, tmp_path / "site", "0", FUNDSITE_LOCK_TIMEOUT="2"))
        # Another folder is not locked: builds into it go ahead.
        other = finish(start_build(tmp_path, tmp_path / "other", "0", FUNDSITE_LOCK_TIMEOUT="2"))
    assert code == 3, out + err
    assert out == "" and "Traceback" not in err
    assert err.strip() == (f"Build aborted: another build into {tmp_path / 'site'} held the lock for 2 seconds. "
                           f"Nothing was changed.")
    assert not (tmp_path / "site").exists()
    assert other[0] == 0, other


def test_a_lock_timeout_that_is_not_a_number_is_a_usage_error(tmp_path):
    make_tiny(tmp_path)
    for value in ("abc", "-1", "inf", "nan"):
        code, out, err = finish(start_build(tmp_path, tmp_path / "site", "0", FUNDSITE_LOCK_TIMEOUT=value))
        assert (code, out) == (2, ""), err
        assert err == f"build.py: error: FUNDSITE_LOCK_TIMEOUT={value!r} is not a number of seconds.\n"
    assert not (tmp_path / "site").exists()
