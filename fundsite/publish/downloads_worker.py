"""The whole-package downloads, written as a worker-pool job while the main process renders.

They are a function of the package files alone (downloads.write_downloads_from_files
reads them row by row), so a worker can write them from the first second of
rendering, with little memory; the renderer only waits for them when the
downloads page needs their sizes and checksums.
"""
from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from fundsite.site.downloads import write_downloads_from_files
from fundsite.publish.worker_pool import WorkerPool


class PackageDownloads:
    """The job writing the package at root's whole-package downloads into folder; source_names
    are the source texts the check read (sources/<name>), the ones the zip carries; unreleased
    labels the version as not yet released (downloads.package_meta)."""

    def __init__(self, pool: WorkerPool, root: Path, folder: Path, source_names: list[str] = (),
                 unreleased: bool = False):
        self.folder = Path(folder)
        self._job: Future = pool.submit(write_downloads_from_files, Path(root), self.folder, list(source_names),
                                        unreleased)

    def __call__(self) -> dict[str, Path]:
        """{file name: path} once the job is done; RuntimeError if it failed."""
        try:
            return self._job.result()
        except Exception as error:
            raise RuntimeError(f"whole-package downloads: {type(error).__name__}: {error}") from error
