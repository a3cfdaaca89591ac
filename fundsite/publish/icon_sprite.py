"""The theme's icons as one file the pages point to (assets/icons.svg) instead of a copy in each.

mkdocs-material writes each icon's SVG into every page: the logo twice, the menu, the two palette
toggles, search and back-to-top, about 1.4 KB of each page (30 MiB of a site of 21,000 projects).
The site's partials (overrides/partials/icon.html) draw an icon as <svg><use href="…#id"> into this
file, which is made from the theme's own icon files, so each icon is drawn as the theme draws it.
"""
from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

SPRITE = "assets/icons.svg"
# The box overrides/partials/icon.html gives every icon: the theme's icons all use it, and the
# header's CSS sizes the logo by its height alone, which needs the box's proportions.
VIEW_BOX = "0 0 24 24"
_ICON_FILE = re.compile(rf'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEW_BOX}">(.*)</svg>\s*', re.S)


class IconError(PluginError):
    """A theme icon that cannot go into the sprite: an icon mkdocs.yml names must be one of the
    theme's 24 x 24 ones (all of Material's are). mkdocs reports it, and the build says it as a
    problem line of mkdocs.yml."""


def icon_names(theme) -> list[str]:
    """The icons the site's partials draw, chosen as the theme's own templates choose them."""
    icon = theme.get("icon") or {}
    names = {icon.get("logo") or "material/library", icon.get("menu") or "material/menu",
             icon.get("top") or "material/arrow-up", "material/magnify"}
    palette = theme.get("palette")
    if isinstance(palette, list):  # one scheme alone has no toggle
        names.update(option["toggle"]["icon"] for option in palette if option.get("toggle"))
    return sorted(names)


def icon_id(name: str) -> str:
    """'material/weather-night' -> 'material-weather-night' (the fragment partials/icon.html names)."""
    return name.replace("/", "-")


def sprite(theme) -> str:
    """The sprite's text: a <symbol> per icon, its drawing copied from the theme's icon file."""
    symbols = []
    for name in icon_names(theme):
        path = next((Path(folder) / ".icons" / f"{name}.svg" for folder in theme.dirs
                     if (Path(folder) / ".icons" / f"{name}.svg").is_file()), None)
        if path is None:
            raise IconError(f"the theme has no icon {name!r}")
        match = _ICON_FILE.fullmatch(path.read_text(encoding="utf-8"))
        if match is None:
            raise IconError(f"{path}: not a single <svg> with viewBox {VIEW_BOX!r}")
        symbols.append(f'<symbol id="{icon_id(name)}" viewBox="{VIEW_BOX}">{match[1]}</symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>\n"
