"""Every path the build uses, in one place."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATAPACKAGE = ROOT / "datapackage"
TEMPLATES = ROOT / "templates"
SITE_SRC = ROOT / "site_src"
SITE = ROOT / "site"
MKDOCS_YML = ROOT / "mkdocs.yml"
SEEDS = ROOT.parent / "shared" / "seeds"


def site_address(url: str) -> str:
    """The site's address as links are joined to it: with its final slash ('' stays '')."""
    url = url.strip()
    return url if not url or url.endswith("/") else url + "/"


def configured_site_url() -> str:
    """mkdocs.yml's site_url ('' when unset or unreadable: links stay relative)."""
    try:
        import yaml

        return site_address(str((yaml.safe_load(MKDOCS_YML.read_text(encoding="utf-8")) or {}).get("site_url") or ""))
    except Exception:  # a mkdocs.yml with custom tags
        return ""
