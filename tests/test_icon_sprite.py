"""The theme's icons come from one file (assets/icons.svg) that every page points to, drawn as the
theme draws them, in light and dark, at desktop and phone widths."""
from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from browser_support import browser, server  # noqa: F401
from fundsite.publish.icon_sprite import IconError, sprite

THEME_ICONS = Path(material.__file__).parent / "templates" / ".icons"
_USE = re.compile(r'<use href="([^"#]*)#([^"]+)"></use>')
_SYMBOL = re.compile(r'<symbol id="([^"]+)" viewBox="0 0 24 24">(.*?)</symbol>', re.S)


def test_every_icon_a_page_points_to_is_the_themes_own(built_site):
    symbols = dict(_SYMBOL.findall((built_site / "assets/icons.svg").read_text(encoding="utf-8")))
    page = (built_site / "projects/huadu-ec-p01/index.html").read_text(encoding="utf-8")
    uses = _USE.findall(page)
    assert {target for target, _ in uses} == {"../../assets/icons.svg"}
    # logo (header and navigation drawer), menu, the two palette toggles, search, back to top
    assert sorted(name for _, name in uses) == ["material-arrow-up", "material-library", "material-library",
                                                 "material-magnify", "material-menu", "material-weather-night",
                                                 "material-weather-sunny"]
    for _, name in uses:
        drawn = (THEME_ICONS / (name.replace("-", "/", 1) + ".svg")).read_text(encoding="utf-8")
        assert drawn == f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{symbols[name]}</svg>'
    assert "<path" not in page.split("<article", 1)[0]  # no icon drawn into the page's header any more


def test_a_theme_icon_that_does_not_exist_is_named(tmp_path):
    class Theme(dict):
        dirs = [str(THEME_ICONS.parent)]

    with pytest.raises(IconError, match="the theme has no icon 'material/no-such-icon'"):
        sprite(Theme(icon={"menu": "material/no-such-icon"}))


@pytest.mark.parametrize("width", [1366, 390])
def test_header_icons_are_drawn_in_light_and_dark(browser, server, width):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(server + "/projects/huadu-ec-p01/")
        shown = """() => [...document.querySelectorAll('header svg use')]
            .filter(u => u.closest('svg').getBoundingClientRect().width > 0)
            .map(u => [u.getAttribute('href').split('#')[1], Math.round(u.getBoundingClientRect().height)])"""
        light = dict(page.evaluate(shown))
        assert light.keys() == {"material-weather-night", "material-magnify",
                                "material-library" if width > 1000 else "material-menu"}
        assert all(height >= 12 for height in light.values()), light  # drawn, not an empty box
        page.click('label[for="__palette_1"]')
        assert "material-weather-sunny" in dict(page.evaluate(shown))
    finally:
        page.close()
