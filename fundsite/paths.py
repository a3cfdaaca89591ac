"""Every path the build uses, in one place."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATAPACKAGE = ROOT / "datapackage"
TEMPLATES = ROOT / "templates"
SITE_SRC = ROOT / "site_src"
SITE = ROOT / "site"
MKDOCS_YML = ROOT / "mkdocs.yml"
SEEDS = ROOT.parent / "shared" / "seeds"
