"""Check a data package: load it, hold it to its schemas and to the site's rules.

Returns the model only when there is no problem: nothing is rendered from invalid data.
"""
from __future__ import annotations

from pathlib import Path

from .timing import Phases


def check_package(package_dir: Path, display: str, phases: Phases | None = None):
    """(model or None, problems): the model only when the package has no problem."""
    from .load import load_package
    from .model import build_model
    from .releases import check_log
    from .rules import check_rules
    from .schema_check import check_schemas
    from .source_check import check_sources

    phases = phases or Phases()
    with phases.phase("load"):
        pkg, problems = load_package(package_dir, display)
    if pkg is None:
        return None, problems
    with phases.phase("validate"):
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
        problems += check_sources(model, package_dir)  # raw values against sources kept in the package
    return (None if problems else model), problems
