"""Start a large package's whole-package downloads while the package is still being checked.

The downloads (downloads_worker.py) are written from the package files by the worker pool, and
until now started once the model existed, so the second core sat idle through loading,
validation and modelling (7 s of a 21,000-project build) and then competed with rendering.
Besides the files, the code and the date, they are made of two things the checked model says:
the source texts the documents name (the zip carries them) and whether the data hold changes
since the last release (the version reads "+unreleased"). Both are guessed from the files here
(guess): the names the documents table gives that pass the check's own rules, and whether the
data files differ from the last release's snapshot. The jobs start on the guess; once the model
exists, downloads_for() compares its answer with the guess and hands over the running jobs only
when they agree, else starts them again (a package whose changes since its release are ones the
release diff ignores, say). Nothing of a guess is published unchecked, and a package that fails
the check ends its jobs unused (the caller closes the pool as failed).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from fundsite.check.source_check import SOURCE_NAME, SOURCES_DIR
from fundsite.load import leaves_package
from fundsite.publish.downloads_worker import PackageDownloads, downloads_key, published_downloads
from fundsite.publish.worker_pool import WorkerPool
from fundsite.releases import read_log, snapshot_path

LARGE_PACKAGE_ROWS = 20_000  # below this the pages wait in memory, the downloads are made in the main process (cli.py)


@dataclass(frozen=True)
class Guess:
    source_names: tuple[str, ...]
    unreleased: bool


def _resources(root: Path) -> list[dict]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return [r for r in descriptor.get("resources", []) if isinstance(r, dict) and isinstance(r.get("path"), str)]


def looks_large(root: Path) -> bool:
    """The package's data files hold at least LARGE_PACKAGE_ROWS lines (a quoted line break
    counts twice: this only decides whether to start early)."""
    try:
        lines = 0
        for resource in _resources(Path(root)):
            path = Path(root) / resource["path"]
            if path.is_file() and not leaves_package(Path(root), resource["path"]):
                with open(path, "rb") as fh:
                    lines += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return lines >= LARGE_PACKAGE_ROWS
    except Exception:  # noqa: BLE001 - whatever is wrong (a descriptor nested too deep, say), the check says it
        return False


def guess(root: Path) -> Guess | None:
    """What the checked model will most likely say; None when the files do not even say that."""
    root = Path(root)
    try:
        resources = {r.get("name"): r for r in _resources(root)}
        names = set()
        folder = root / SOURCES_DIR
        documents = resources.get("documents")
        if documents and folder.is_dir() and not leaves_package(root, SOURCES_DIR):
            with open(root / documents["path"], encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    name = row.get("source_file") or ""
                    if (SOURCE_NAME.fullmatch(name) and (folder / name).is_file()
                            and not leaves_package(root, f"{SOURCES_DIR}/{name}")):
                        names.add(name)
        log = read_log(root)
        unreleased = False
        if log:
            snapshot = snapshot_path(root, str(log[-1].get("version", "")))
            if (snapshot / "datapackage.json").is_file():
                unreleased = any(not (snapshot / r["path"]).is_file()
                                 or (snapshot / r["path"]).read_bytes() != (root / r["path"]).read_bytes()
                                 for r in resources.values())
        return Guess(tuple(sorted(names)), unreleased)
    except Exception:  # noqa: BLE001 - the same: no guess, and the downloads wait for the checked model
        return None


class EarlyDownloads:
    """The whole-package downloads started on a guess (see the module's docstring)."""

    def __init__(self, pool: WorkerPool, root: Path, folder: Path, out_dir: Path, package: str, code: str):
        self.pool, self.root, self.folder, self.out_dir = pool, Path(root), Path(folder), Path(out_dir)
        self.package, self.code = package, code
        self.guessed = guess(self.root)
        self.downloads = self._start(self.guessed, self.folder) if self.guessed is not None else None

    def _start(self, inputs: Guess, folder: Path) -> PackageDownloads:
        key = downloads_key(self.package, self.code, inputs.unreleased)
        published = published_downloads(self.out_dir, key)
        return PackageDownloads(self.pool, self.root, folder, list(inputs.source_names), inputs.unreleased, published)

    def downloads_for(self, source_names: list[str], unreleased: bool) -> PackageDownloads:
        """The downloads of what the model says: the early jobs when the guess was right."""
        actual = Guess(tuple(sorted(source_names)), bool(unreleased))
        if self.downloads is not None and actual == self.guessed:
            return self.downloads
        return self._start(actual, self.folder.with_name(self.folder.name + "-checked"))
