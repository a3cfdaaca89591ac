"""The whole-package downloads, written as worker-pool jobs while the main process renders, or
taken from the published site when nothing they are made of changed.

They are a function of the package files, the code and the build's date alone
(downloads.write_downloads_from_files reads the files row by row), so workers can
write them from the first second of rendering, with little memory, in two jobs so
that both workers share them: the workbook alone takes about as long as the other three
(each job reads the package files once, so no more jobs than that); the renderer only
waits for them when the downloads page needs their sizes and checksums. A build whose package, code and date are those of the published site
(a template or page edited, say) takes the published files instead
(`downloads_key`, kept beside the site: site_state.py).
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future
from pathlib import Path

from fundsite.publish import site_state
from fundsite.site.downloads import PACKAGE_WRITERS, write_downloads_from_files
from fundsite.publish.worker_pool import WorkerPool

# The workbook on one worker, the zip, JSON and SQLite on the other.
JOBS = [[name for name in PACKAGE_WRITERS if name.endswith(".xlsx")],
        [name for name in PACKAGE_WRITERS if not name.endswith(".xlsx")]]


def downloads_key(package: str, code: str, unreleased: bool) -> str:
    """What the whole-package downloads are made of: the package's files and the code that writes
    them (their fingerprints, fingerprint.py), the build's date and whether the data are released."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return hashlib.sha256(f"{package}\n{code}\nSOURCE_DATE_EPOCH={epoch} unreleased={unreleased}".encode()).hexdigest()


class PackageDownloads:
    """The jobs writing the package at root's whole-package downloads into folder; source_names
    are the source texts the check read (sources/<name>), the ones the zip carries; unreleased
    labels the version as not yet released (downloads.package_meta). published: the published
    site's files to use instead, when they are made of the same (see downloads_key)."""

    def __init__(self, pool: WorkerPool, root: Path, folder: Path | None, source_names: list[str] = (),
                 unreleased: bool = False, published: dict[str, Path] | None = None):
        self.folder = Path(folder) if folder is not None else None
        self.reused = bool(published)
        self._published = published
        self._jobs: list[Future] = [] if published else [
            pool.submit(write_downloads_from_files, Path(root), self.folder, list(source_names), unreleased, names)
            for names in JOBS]

    def __call__(self) -> dict[str, Path]:
        """{file name: path} in the downloads' own order, once the jobs are done; RuntimeError if one failed."""
        if self._published:
            return dict(self._published)
        made = {}
        for job in self._jobs:
            try:
                made.update(job.result())
            except Exception as error:
                raise RuntimeError(f"whole-package downloads: {type(error).__name__}: {error}") from error
        return {name: made[name] for name in PACKAGE_WRITERS}


def published_downloads(out_dir: Path, key: str) -> dict[str, Path] | None:
    """The published site's whole-package downloads if they were made with this key (site_state.py
    keeps it beside the site), else None."""
    recorded = site_state.read(out_dir, "downloads")
    if recorded is None or recorded.strip() != key:
        return None
    files = {name: Path(out_dir) / "downloads" / name for name in PACKAGE_WRITERS}
    return files if all(path.is_file() for path in files.values()) else None
