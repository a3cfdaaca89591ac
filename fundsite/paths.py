"""Every path the build uses, in one place."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATAPACKAGE = ROOT / "datapackage"
TEMPLATES = ROOT / "templates"
SITE_SRC = ROOT / "site_src"
SITE = ROOT / "site"
MKDOCS_YML = ROOT / "mkdocs.yml"
SEEDS = ROOT.parent / "shared" / "seeds"

# Folders and files under site_src/ that the build owns and rewrites each time;
# everything else in site_src/ is hand-written and left alone.
GENERATED_IN_SITE_SRC = ("index.md", "districts", "projects", "units", "documents", "plans",
                         "data-quality.md", "downloads", "files", "_shell",
                         "data-dictionary.md", "releases.md", "data.json", "feed.xml",
                         "compare", "plan-indicators")
