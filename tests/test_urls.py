"""Relative links between site URLs: the fast string version agrees with posixpath.relpath."""
from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from fundsite.urls import relative

SEGMENT = st.sampled_from(["districts", "huadu", "projects", "p-1", "files", "x.csv", "index.html", "a"])
URL = st.builds(lambda parts, slash: "/".join(parts) + ("/" if slash and parts else ""),
                st.lists(SEGMENT, max_size=4), st.booleans())


def reference(from_url: str, to_url: str) -> str:
    """The definition: posixpath.relpath between the two, with directory URLs kept as directories."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    rel = posixpath.relpath("/" + to_url, "/" + base) if to_url else posixpath.relpath("/", "/" + base)
    if (to_url.endswith("/") or to_url == "") and rel != ".":
        return rel + "/"
    return "./" if rel == "." else rel


@settings(max_examples=2000, derandomize=True)
@given(URL, URL)
def test_relative_agrees_with_relpath(from_url, to_url):
    assert relative(from_url, to_url) == reference(from_url, to_url)


def test_relative_examples():
    assert relative("districts/huadu/", "projects/p-1/") == "../../projects/p-1/"
    assert relative("districts/huadu/", "files/districts/huadu-allocations.csv") == "../../files/districts/huadu-allocations.csv"
    assert relative("districts/huadu/", "districts/huadu/") == "./"
    assert relative("districts/", "") == "../"
    assert relative("", "districts/") == "districts/"
