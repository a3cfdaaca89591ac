"""Skip a rebuild when nothing that goes into the site has changed.

The stamp is a hash over every input (the data package, templates,
hand-written pages, mkdocs.yml, the build code, SOURCE_DATE_EPOCH and the site's
address), kept beside the published site (site_state.py). Content only, no paths outside the project and no
times, so it is itself reproducible.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from fundsite.paths import MKDOCS_YML, ROOT, SITE_SRC, TEMPLATES
from fundsite.publish import site_state

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


def input_fingerprint(package_dir: Path, site_url: str = "") -> str:
    return _fingerprint(Path(package_dir), site_url)


def package_fingerprint(package_dir: Path) -> str:
    """The same over the data package's files alone (the whole-package downloads: downloads_worker.py)."""
    digest = hashlib.sha256()
    for path in _files(Path(package_dir), ("parts",)):
        digest.update(f"{path.relative_to(package_dir).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def site_fingerprint(site_url: str = "") -> str:
    """The same over everything but the data package: what every page shares (site/page_memo.py)."""
    return _fingerprint(None, site_url)


def _fingerprint(package_dir: Path | None, site_url: str) -> str:
    digest = hashlib.sha256()
    groups = {
        "package": _files(package_dir, ("parts",)) if package_dir is not None else [],
        "templates": _files(TEMPLATES),
        "site_src": _files(SITE_SRC),
        "code": _files(ROOT / "fundsite"),
        "config": [MKDOCS_YML],
        "overrides": _files(ROOT / "overrides"),
    }
    for group, paths in groups.items():
        base = package_dir if group == "package" else ROOT
        for path in paths:
            digest.update(f"{group}:{path.relative_to(base).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    digest.update(f"site_url={site_url}".encode())
    return digest.hexdigest()


def is_current(out_dir: Path, fingerprint: str) -> bool:
    stamp = site_state.read(out_dir, "build")
    return stamp is not None and stamp.strip() == fingerprint and Path(out_dir).is_dir()
