"""Shared fixtures: a built copy of the bundled site, and small packages to break."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXED_EPOCH = "1718064000"  # 2024-06-11, any fixed value makes builds comparable


def run_build(*args: str, cwd: Path = ROOT, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def run_cli(argv: list[str], cwd: Path, monkeypatch) -> tuple[int, str, str]:
    """fundsite.cli.main as build.py runs it, in this process; an exception here is a traceback there."""
    import contextlib
    import io

    from fundsite import cli

    monkeypatch.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The bundled data built once into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = run_build("--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def copy_package(dest: Path) -> Path:
    """A writable copy of the bundled data package."""
    target = dest / "pkg"
    shutil.copytree(ROOT / "datapackage", target, ignore=shutil.ignore_patterns("parts"))
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
