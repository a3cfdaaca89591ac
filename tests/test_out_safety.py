"""--out publishes only into what is ours: refused with exit 2 before anything is touched.

The dangerous cases run against a copy of the checkout (its code, templates, pages and
data), so that a regression destroys a temporary folder, never this repository.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, ROOT, run_build, run_cli
from package_tools import make_tiny


def _clone(dest: Path) -> Path:
    """A copy of the checkout, enough to build: build.py, fundsite/, templates/, site_src/, mkdocs.yml, datapackage/."""
    clone = dest / "clone"
    clone.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "parts", *[name for name in os.listdir(ROOT / "site_src")
                                                              if name not in ("about", "guide", "assets")])
    for name in ("fundsite", "templates", "site_src", "datapackage", "overrides"):
        shutil.copytree(ROOT / name, clone / name, ignore=ignore)
    for name in ("build.py", "mkdocs.yml"):
        shutil.copy2(ROOT / name, clone / name)
    (clone / ".git").mkdir()
    (clone / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return clone


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*")) if "__pycache__" not in p.parts}


def _run_in(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    return subprocess.run([sys.executable, "build.py", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_out_dot_in_a_clone_is_refused_and_nothing_changes(tmp_path):
    clone = _clone(tmp_path)
    before = _snapshot(clone)
    result = _run_in(clone, "--out", ".")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (f"build.py: error: --out .: refused, nothing was changed: "
                             f"it is the checkout ({clone.resolve()}).\n")
    assert result.stdout == ""
    assert _snapshot(clone) == before


@pytest.mark.parametrize("out, reason", [
    ("pkg", "it is the data package ({pkg})"),
    ("pkg/data", "it is inside the data package ({pkg})"),
    ("pkg/site", "it is inside the data package ({pkg})"),
    ("..", "it holds the data package ({pkg})"),
    ("site.txt", "it is a file, not a folder"),
    ("notes", "it is a folder with files this tool did not publish; give a new or empty folder"),
    ("link", "it is a symbolic link; give the folder itself"),
])
def test_out_that_is_not_ours_is_refused(tmp_path, out, reason):
    cwd = tmp_path / "work"
    cwd.mkdir()
    pkg = make_tiny(cwd)
    (cwd / "site.txt").write_text("a file of the user's\n")
    (cwd / "notes").mkdir()
    (cwd / "notes" / "mine.txt").write_text("the user's notes\n")
    (cwd / "empty").mkdir()
    (cwd / "link").symlink_to(cwd / "empty")
    before = _snapshot(tmp_path)
    result = run_build("--package", "pkg", "--out", out, cwd=cwd)
    assert result.returncode == 2, result.stdout + result.stderr
    expected = reason.format(pkg=pkg.resolve(), cwd=cwd.resolve())
    assert result.stderr == f"build.py: error: --out {out}: refused, nothing was changed: {expected}.\n"
    assert _snapshot(tmp_path) == before
    assert not (cwd / "build-report.html").exists()


def test_out_holding_the_package_is_refused(tmp_path):
    pkg = make_tiny(tmp_path / "a" / "b")
    result = run_build("--package", str(pkg), "--out", str(tmp_path / "a"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith(f"it holds the data package ({pkg.resolve()}).\n")
    assert pkg.is_dir()


def test_out_the_current_folder_is_refused_even_when_empty(tmp_path):
    pkg = make_tiny(tmp_path)
    (tmp_path / "work").mkdir()
    result = run_build("--package", str(pkg), "--out", ".", cwd=tmp_path / "work")
    assert result.returncode == 2
    assert result.stderr.endswith(f"it is the current folder ({(tmp_path / 'work').resolve()}).\n")
    assert (tmp_path / "work").is_dir() and not any((tmp_path / "work").iterdir())


def test_out_the_checkout_or_its_sources_is_refused_without_building():
    from fundsite.paths import SITE_SRC
    from fundsite.publish.publish import refuse_out_dir

    package = ROOT / "datapackage"
    assert refuse_out_dir(ROOT, package) == f"it is the checkout ({ROOT})"
    assert refuse_out_dir(ROOT.parent, package) == f"it holds the checkout ({ROOT})"
    assert refuse_out_dir(SITE_SRC, package) == f"it is the Markdown sources ({SITE_SRC})"
    assert refuse_out_dir(SITE_SRC / "x", package) == f"it is inside the Markdown sources ({SITE_SRC})"
    assert refuse_out_dir(ROOT / "site", package) is None


def test_new_empty_and_previously_published_folders_are_accepted(tmp_path):
    pkg = make_tiny(tmp_path)
    (tmp_path / "empty").mkdir()
    for out in ("new/site", "empty", "empty"):  # the second build into empty/ replaces what the first published
        result = run_build("--package", str(pkg), "--out", str(tmp_path / out), "--force", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert (tmp_path / out / "index.html").is_file()


def test_check_ignores_out(tmp_path):
    pkg = make_tiny(tmp_path)
    result = run_build("--package", str(pkg), "--check", "--out", str(pkg), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# -- the command line never ends in a traceback -------------------------------------------------
def test_a_bug_of_ours_is_one_problem_line_exit_4_and_the_site_stays(tmp_path, monkeypatch):
    from fundsite.site import render

    make_tiny(tmp_path)
    assert run_build("--package", "pkg", "--out", "site", cwd=tmp_path).returncode == 0
    before = _snapshot(tmp_path / "site")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(render, "render_site", broken)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    code, out, err = run_cli(["--package", "pkg", "--out", "site", "--force"], tmp_path, monkeypatch)
    assert code == 4, out + err
    assert out.splitlines() == ["pkg:-:-: internal-error: RuntimeError: boom, please report",
                                "Build aborted: 1 problem in 1 file. The published site was not changed."]
    assert "Traceback" not in out + err
    assert _snapshot(tmp_path / "site") == before
    assert "internal-error" in (tmp_path / "build-report.html").read_text(encoding="utf-8")


def test_a_build_that_fails_while_workers_write_leaves_no_folder_behind(tmp_path, monkeypatch):
    """The workers write the per-entity files while the pages render; a build that then fails
    ends them and removes their folder (they would otherwise make it again)."""
    from fundsite.publish import mkdocs_site

    make_tiny(tmp_path)
    assert run_build("--package", "pkg", "--out", "site", cwd=tmp_path).returncode == 0
    before = _snapshot(tmp_path / "site")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(mkdocs_site, "markdown_records", broken)  # after rendering, before mkdocs
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    code, out, err = run_cli(["--package", "pkg", "--out", "site", "--force"], tmp_path, monkeypatch)
    assert code == 4 and "internal-error: RuntimeError: boom" in out, out + err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.fundsite"]
    assert _snapshot(tmp_path / "site") == before


@pytest.mark.parametrize("argv, env, message", [
    (["--port", "99999"], {}, "--port 99999: a port is a number from 1 to 65535."),
    (["--port", "0"], {}, "--port 0: a port is a number from 1 to 65535."),
    ([], {"FUNDSITE_LOCK_TIMEOUT": "abc"}, "FUNDSITE_LOCK_TIMEOUT='abc' is not a number of seconds."),
    ([], {"FUNDSITE_SEARCH_BUNDLE_RECORDS": "0"},
     "FUNDSITE_SEARCH_BUNDLE_RECORDS='0' is not a whole number of records (1 or more)."),
])
def test_usage_errors_are_one_line_exit_2(tmp_path, argv, env, message):
    make_tiny(tmp_path)
    result = run_build("--package", "pkg", "--out", "site", *argv, cwd=tmp_path, env_extra=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"build.py: error: {message}\n"
    assert not (tmp_path / "site").exists()


def test_a_build_removes_what_killed_builds_left_and_swaps_in_one_step(tmp_path):
    make_tiny(tmp_path)
    assert run_build("--package", "pkg", "--out", "site", cwd=tmp_path).returncode == 0
    inode = (tmp_path / "site").stat().st_ino
    for name in (".site.staging-4242", ".site.files-4242", ".site.old-77", ".site.pages-5"):
        (tmp_path / name / "x").mkdir(parents=True)
    (tmp_path / ".site.notes").mkdir()  # not a working folder's name: not ours to remove
    result = run_build("--package", "pkg", "--out", "site", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [".site.fundsite", ".site.notes"]
    # The new site came in by exchange: the folder at site/ is a new one, complete.
    assert (tmp_path / "site").stat().st_ino != inode and (tmp_path / "site" / "index.html").is_file()


def _site_digest(site: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_a_build_killed_at_every_step_of_publishing_leaves_a_whole_site(tmp_path):
    """Kill the build before each file-system step of publishing in turn: the site is always
    the old one or the new one, whole; the next build removes what the killed one left and
    publishes; the records beside the site never describe another site than the one there."""
    pkg = make_tiny(tmp_path)
    titles = {}
    for name in ("old", "new"):  # the two sites builds alternate between
        documents = (pkg / "data" / "documents.csv").read_text(encoding="utf-8")
        (pkg / "data" / "documents.csv").write_text(documents.replace("测试用小数据包", f"测试用小数据包{name}"), encoding="utf-8")
        assert run_build("--package", "pkg", "--out", f"expected-{name}", cwd=tmp_path).returncode == 0
        titles[name] = _site_digest(tmp_path / f"expected-{name}")
        (pkg / "data" / "documents.csv").write_text(documents, encoding="utf-8")
    original = (pkg / "data" / "documents.csv").read_text(encoding="utf-8")

    def use(name):
        (pkg / "data" / "documents.csv").write_text(original.replace("测试用小数据包", f"测试用小数据包{name}"), encoding="utf-8")

    use("old")
    assert run_build("--package", "pkg", "--out", "site", cwd=tmp_path).returncode == 0
    current, step = "old", 1
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    while True:
        following = "new" if current == "old" else "old"
        use(following)
        killed = subprocess.run([sys.executable, str(ROOT / "tests" / "kill_during_publish.py"), str(step),
                                 "--package", "pkg", "--out", "site"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=600)
        if killed.returncode != -9:  # the build took fewer steps than this: every step has been tried
            assert killed.returncode == 0, killed.stdout + killed.stderr
            assert killed.stdout.splitlines()[-1] == f"steps: {step - 1}"
            break
        assert _site_digest(tmp_path / "site") in (titles["old"], titles["new"]), f"killed before step {step}"
        result = run_build("--package", "pkg", "--out", "site", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert _site_digest(tmp_path / "site") == titles[following], f"rebuilt after a kill before step {step}"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [".site.fundsite"]
        current, step = following, step + 1
    assert step > 4  # the records forgotten, the exchange, the old site removed, the records kept


def test_serve_hides_dotfiles_and_folder_listings(tmp_path):
    import http.server
    import threading
    import urllib.error
    import urllib.request

    from fundsite.cli import site_handler

    site = tmp_path / "site"
    (site / "files").mkdir(parents=True)
    (site / "index.html").write_text("<p>站点</p>", encoding="utf-8")
    (site / "files" / "a.csv").write_text("a\n1\n", encoding="utf-8")
    (site / ".secret").write_text("private", encoding="utf-8")
    (site / "files" / ".hidden").write_text("private", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), site_handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert urllib.request.urlopen(base + "/").status == 200
        assert urllib.request.urlopen(base + "/files/a.csv").read() == b"a\n1\n"
        for path in ("/.secret", "/files/.hidden", "/files/", "/files/../.secret", "/%2esecret"):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(base + path)
            assert caught.value.code == 404, path
    finally:
        server.shutdown()


def test_nothing_private_is_published(built_site):
    """Only what readers get: no bookkeeping or dotfiles, no source maps, no path on the
    maintainer's machine, no link to a local address, in any page or download."""
    import zipfile

    files = [p for p in built_site.rglob("*") if p.is_file()]
    assert [p for p in files if any(part.startswith(".") for part in p.relative_to(built_site).parts)] == []
    assert [p for p in files if p.suffix == ".map"] == []
    private = re.compile(rb"\.\./shared|/work/|/home/|/root/|file:///|href=\"https?://(127\.0\.0\.1|localhost)")
    texts = [p for p in files if p.suffix in (".html", ".json", ".xml", ".csv", ".txt", ".js")]
    assert [p.relative_to(built_site).as_posix() for p in texts if private.search(p.read_bytes())] == []
    for archive in built_site.glob("downloads/*.zip"):
        with zipfile.ZipFile(archive) as z:
            assert [n for n in z.namelist() if private.search(z.read(n))] == [], archive.name
    assert (built_site.parent / f".{built_site.name}.fundsite" / "build").is_file()  # kept beside the site


def test_a_data_file_linked_outside_the_package_is_refused_unread(tmp_path):
    pkg = make_tiny(tmp_path / "work")
    secret = tmp_path / "secret.csv"
    secret.write_text("plan_id,document_id\nTOP-SECRET-LINE,x\n", encoding="utf-8")
    (pkg / "data" / "plans.csv").unlink()
    (pkg / "data" / "plans.csv").symlink_to(secret)
    result = run_build("--package", "pkg", "--out", "site", cwd=tmp_path / "work")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("pkg/datapackage.json:-:resources[8]: package-error: resource path 'data/plans.csv' leads out of the "
            "package folder through a symbolic link") in result.stdout.splitlines()
    assert "TOP-SECRET" not in result.stdout + result.stderr
    assert "TOP-SECRET" not in (tmp_path / "work" / "build-report.html").read_text(encoding="utf-8")
    assert not (tmp_path / "work" / "site").exists()


def test_a_deleted_current_folder_is_a_usage_error(tmp_path):
    make_tiny(tmp_path)
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (f"import os, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); sys.path.insert(0, {str(ROOT)!r}); "
              f"from fundsite.cli import main; sys.exit(main(['--package', {str(tmp_path / 'pkg')!r}, '--out', {str(tmp_path / 'site')!r}]))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("build.py: error: the current folder no longer exists or cannot be read; "
                             "cd into a folder and run again\n")
    assert not (tmp_path / "site").exists()


def test_a_reader_that_stops_reading_ends_the_build_quietly(tmp_path):
    """`build.py | head -1`: the build runs its course, the rest of its output goes nowhere, exit 141."""
    make_tiny(tmp_path)
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--package", "pkg", "--out", "site"], cwd=tmp_path,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    build.stdout.close()  # the reader went away before the first line
    _out, err = build.communicate(timeout=600)
    assert build.returncode == 141, err.decode()
    assert err.decode() == ""
    assert (tmp_path / "site" / "index.html").is_file()  # published before it said so
