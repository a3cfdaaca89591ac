"""Skip a rebuild when nothing that goes into the site has changed.

The stamp is a hash over every input (the data package, templates,
hand-written pages, mkdocs.yml, the build code, SOURCE_DATE_EPOCH, the site's
address and the search index's records per bundle), kept beside the published site (site_state.py). Content only, no paths outside the project and no
times, so it is itself reproducible. The files are read once; the digests of their groups also
key the whole-package downloads (package and code) and the pages (all but the package).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from fundsite.paths import MKDOCS_YML, ROOT, SITE_SRC, TEMPLATES
from fundsite.publish import site_state
from fundsite.publish.search_index import bundle_records

def _files(folder: Path, skip_top: tuple[str, ...] = ()) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if rel.parts and rel.parts[0] in skip_top or "__pycache__" in rel.parts:
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


@dataclass(frozen=True)
class Fingerprints:
    """One reading of every input, digested as the build's steps need it."""

    input: str  # everything: a site built from the same is current (is_current)
    package: str  # the data package's files alone (the whole-package downloads: downloads_worker.py)
    code: str  # the build's code alone (the same)
    site: str  # everything but the data package: what every page shares (site/page_memo.py)


def fingerprints(package_dir: Path, site_url: str = "") -> Fingerprints:
    package_dir = Path(package_dir)
    groups = {
        "package": (package_dir, _files(package_dir, ("parts",))),
        "templates": (ROOT, _files(TEMPLATES)),
        "site_src": (ROOT, _files(SITE_SRC)),
        "code": (ROOT, _files(ROOT / "fundsite")),
        "config": (ROOT, [MKDOCS_YML]),
        "overrides": (ROOT, _files(ROOT / "overrides")),
    }
    digests = {}
    for group, (base, paths) in groups.items():
        digest = hashlib.sha256()
        for path in paths:
            digest.update(f"{group}:{path.relative_to(base).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        digests[group] = digest.hexdigest()
    settings = f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\nsite_url={site_url}"

    # The search index's bundles change its files, not the pages: in the input alone.
    search = f"\nsearch_bundle_records={bundle_records()}"

    def combined(names, more: str = "") -> str:
        return hashlib.sha256(("\n".join(digests[name] for name in names) + settings + more).encode()).hexdigest()
    return Fingerprints(combined(groups, search), digests["package"], digests["code"],
                        combined(name for name in groups if name != "package"))


def is_current(out_dir: Path, fingerprint: str) -> bool:
    stamp = site_state.read(out_dir, "build")
    return stamp is not None and stamp.strip() == fingerprint and Path(out_dir).is_dir()
