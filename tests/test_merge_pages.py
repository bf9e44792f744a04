"""Editors' joins in the build (issue 21, point 7): `story: <slug>` in a
story file's front matter puts its story into the story of that slug.

The joined story leaves every list (front page, latest, section, tag and
outlet pages, feed, sitemap) but keeps its page, which says it is part of
the other story and links to it (a canonical link too); the other story
lists and counts its outlets. A value that names no story, the story
itself, a story that joins another, or is no text is one warning with
file and line, and changes nothing. Real Pelican builds of hand-written
story files in the seed's format.
"""

from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from conftest import card_count, heading_count

SITEURL = "https://news.example"
B_SLUG = "rail-link-reopens"
A_SLUG = "trains-run-again"


def entry(headline: str, outlet: str, link: str) -> str:
    return f'<li><a href="{link}" target="_blank">{headline}</a>&nbsp;&nbsp;<font color="#6f6f6f">{outlet}</font></li>'


def story(title: str, slug: str, day: int, entries: list[tuple[str, str, str]], extra: str = "") -> str:
    return (f"---\ntitle: \"{title}\"\ndate: 2026-01-{day:02d}T08:00:00+00:00\nslug: \"{slug}\"\n"
            f"link: '{entries[0][2]}'\ncategories:\n- 'World'\ntags:\n- 'rail'\n{extra}draft: false\n---\n"
            f"<ol>{''.join(entry(*e) for e in entries)}</ol>\n")


B = story("Rail link reopens after 20 years - Harbor Ledger", B_SLUG, 9, [
    ("Rail link reopens after 20 years", "Harbor Ledger", "https://harbor.example/rail"),
    ("Trains cross the border again", "Valley Post", "https://valley.example/rail"),
])
A_ENTRIES = [
    ("Trains run again between the capitals", "Granite Times", "https://granite.example/rail"),
    ("Valley towns greet first train", "Valley Post", "https://valley.example/towns"),
    ("First passengers cross the border", "Summit Daily", "https://summit.example/rail"),
]


def write(site, story_value: str | None) -> int | None:
    """B and A; A's front matter has `story: <story_value>` (as YAML) when
    given. Returns the line of `story:` in A's file."""
    site.write("news/b.md", B)
    extra = f"story: {story_value}\n" if story_value is not None else ""
    text = story("Trains run again between the capitals - Granite Times", A_SLUG, 10, A_ENTRIES, extra)
    site.write("news/a.md", text)
    lines = text.split("\n")
    return next((n + 1 for n, line in enumerate(lines) if line.startswith("story:")), None)


def build(site):
    site.build(GNEWS_SEARCH=False, SITEURL=SITEURL, RELATIVE_URLS=False, FEED_ALL_ATOM="feeds/all.atom.xml")


def outlets(page: str) -> list[str]:
    listed = page.split('<ol class="coverage">', 1)[1].split("</ol>", 1)[0]
    return [unescape(o) for o in re.findall(r'<span class="outlet"><bdi>(.*?)</bdi></span>', listed)]




def listed_on(site) -> dict[str, str]:
    """The pages that list stories, by name."""
    pages = {name: site.page(name) for name in ("index.html", "latest.html", "category/world.html",
                                                 "tag/rail.html", "feeds/all.atom.xml", "sitemap.xml")}
    outlet_pages = {p.name: p.read_text(encoding="utf-8") for p in (site.output / "outlet").glob("*.html")}
    assert outlet_pages, "no outlet pages were built"
    pages.update({f"outlet/{name}": text for name, text in outlet_pages.items()})
    return pages


def story_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "story" in r.getMessage()]


def test_a_joined_story_leaves_the_lists_and_its_outlets_join_the_other(site, caplog, errors):
    caplog.set_level(logging.INFO)
    write(site, B_SLUG)
    build(site)
    assert errors() == []
    assert story_warnings(caplog) == []
    for name, page in listed_on(site).items():
        assert f"{A_SLUG}.html" not in page, f"{name} still lists the joined story"
        assert "Trains run again between the capitals" not in page, name
    # B is still listed where A was (so the check above looks at real lists).
    for name in ("index.html", "latest.html", "category/world.html", "tag/rail.html",
                 "feeds/all.atom.xml", "sitemap.xml", "outlet/granite-times.html"):
        assert f"{B_SLUG}.html" in site.page(name), name

    a_page = site.page(f"{A_SLUG}.html")  # its address keeps working
    part_of = re.search(r'<p class="merged"[^>]*>(.*?)</p>', a_page, re.S)
    assert part_of is not None
    assert f'href="{SITEURL}/{B_SLUG}.html"' in part_of.group(1)
    assert "Rail link reopens after 20 years" in part_of.group(1)
    assert re.sub(r"<[^>]+>", "", part_of.group(1)).startswith("This story is part of ")
    assert f'<link rel="canonical" href="{SITEURL}/{B_SLUG}.html">' in a_page
    assert "data-pagefind-body" not in a_page  # search finds B, not A

    b_page = site.page(f"{B_SLUG}.html")
    assert outlets(b_page) == ["Harbor Ledger", "Valley Post", "Granite Times", "Summit Daily"]
    assert heading_count(b_page) == 4
    assert "First passengers cross the border" in b_page  # A's entries, with their headlines
    assert "Valley towns greet first train" not in b_page  # B lists Valley Post already
    assert card_count(site.page("latest.html"), "Rail link reopens after 20 years") == 4
    assert '<p class="merged"' not in b_page


def test_a_joined_story_in_german_says_so_in_german(site):
    write(site, B_SLUG)
    site.build(GNEWS_SEARCH=False, DEFAULT_LANG="de")
    assert "Diese Meldung ist Teil von" in site.page(f"{A_SLUG}.html")


def test_joins_false_is_just_metadata(site, caplog, errors):
    caplog.set_level(logging.INFO)
    site.write("news/b.md", B)
    site.write("news/a.md", story("Trains run again between the capitals - Granite Times", A_SLUG, 10,
                                  A_ENTRIES, "joins: false\n"))
    build(site)
    assert errors() == [] and story_warnings(caplog) == []
    assert f"{A_SLUG}.html" in site.page("latest.html")
    assert heading_count(site.page(f"{B_SLUG}.html")) == 2


@pytest.mark.parametrize(("value", "problem"), [
    ("no-such-story", "names no story"),
    (A_SLUG, "names this story itself"),
    ("42", "not a number"),
    (f"[{B_SLUG}, other]", "not a list"),
])
def test_a_bad_join_is_one_warning_and_changes_nothing(site, caplog, errors, value, problem):
    caplog.set_level(logging.INFO)
    line = write(site, value)
    build(site)
    assert errors() == []
    warnings = story_warnings(caplog)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"news/a.md:{line}: ") and problem in warnings[0], warnings[0]
    for name in ("index.html", "latest.html", "category/world.html", "tag/rail.html",
                 "feeds/all.atom.xml", "sitemap.xml"):
        assert f"{A_SLUG}.html" in site.page(name), name
    a_page = site.page(f"{A_SLUG}.html")
    assert '<p class="merged"' not in a_page
    assert f'<link rel="canonical" href="{SITEURL}/{A_SLUG}.html">' in a_page
    assert heading_count(site.page(f"{B_SLUG}.html")) == 2
    assert outlets(site.page(f"{B_SLUG}.html")) == ["Harbor Ledger", "Valley Post"]


def test_a_chain_is_refused(site, caplog, errors):
    """A joins B, B joins C: B joins C; A is told to name C and stays apart."""
    caplog.set_level(logging.INFO)
    write(site, B_SLUG)
    site.write("news/b.md", B.replace("draft: false\n", "story: harbor-news\ndraft: false\n"))
    site.write("news/c.md", story("Harbor news - Coast Courier", "harbor-news", 8, [
        ("Harbor news", "Coast Courier", "https://coast.example/harbor")]))
    build(site)
    assert errors() == []
    warnings = story_warnings(caplog)
    assert len(warnings) == 1 and warnings[0].startswith("news/a.md:") and "chained" in warnings[0], warnings
    latest = site.page("latest.html")
    assert f"{A_SLUG}.html" in latest and f"{B_SLUG}.html" not in latest
    assert outlets(site.page("harbor-news.html")) == ["Coast Courier", "Harbor Ledger", "Valley Post"]
