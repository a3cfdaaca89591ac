"""Check a data package: load it, hold it to its schemas and to the site's rules, model it.

Returns the model only when there is no problem: nothing is rendered from invalid data.
The model holds everything rendering needs, the release history included: rendering
reads no file.
"""
from __future__ import annotations

from pathlib import Path

from fundsite.timing import Phases


def check_package(package_dir: Path, display: str, phases: Phases | None = None):
    """(model or None, problems): the model only when the package has no problem."""
    from fundsite.load import load_package
    from fundsite.model import build_model
    from fundsite.package_profile import local_path_problems
    from fundsite.releases import check_log, read_log, release_views
    from fundsite.check.rules import check_rules
    from fundsite.check.schema_check import check_schemas
    from fundsite.check.source_check import check_sources

    phases = phases or Phases()
    with phases.phase("load"):
        pkg, problems = load_package(package_dir, display)
    if pkg is None:
        return None, problems
    with phases.phase("validate"):
        problems += local_path_problems(pkg.descriptor, f"{display}/datapackage.json")
        problems += check_schemas(pkg)
    if problems:
        return None, problems
    with phases.phase("model"):
        model = build_model(pkg)
    with phases.phase("validate"):
        problems += check_rules(model)
    if not problems:
        problems += check_log(package_dir, display, set(model.by_id.get("documents", {})))
    if not problems:
        problems += check_sources(model, package_dir, display)  # raw values against sources kept in the package
    if not problems:
        with phases.phase("model"):  # the released snapshots, and what changed since the last one
            model.release_log = read_log(package_dir)
            model.releases = release_views(package_dir, pkg if model.release_log else None)
    return (None if problems else model), problems
