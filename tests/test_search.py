"""Static search (Pagefind) in the built sample site, in real headless
Chromium: English and Japanese queries find the right stories, the filters
narrow them, the search page is axe clean and says what to do without
JavaScript, and no other page runs a script."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import AXE, SEED_STORY, WCAG_TAGS, require_tool, search_index

from pelican_gnews.publish import search as search_module
from pelican_gnews.publish.search import STAGE

TREATY = "Delegates agree river treaty after all-night talks in Geneva"
SUPPLY = "国際宇宙ステーションへの補給船、打ち上げに成功"


def search(page, words: str) -> list[str]:
    page.wait_for_selector("form[data-search]:not([hidden])")
    page.evaluate("document.querySelector('[data-search-status]').textContent = ''")  # not the last query's
    page.fill("#query", words)
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('found')")
    return page.eval_on_selector_all("[data-search-results] li", "items => items.map(i => i.innerText)")


@pytest.mark.browser
def test_english_and_japanese_queries_find_their_stories(open_page):
    page = open_page("search.html")
    results = search(page, "treaty")
    assert results and results[0].startswith(TREATY)
    # Headline, outlet, date (in the site's language and zone, the zone
    # shown: the sample site is English, in UTC) and section.
    assert re.search(r"Harbor Ledger · Jan 12, 2026, 8:00\sAM UTC · World", results[0]), results[0]
    assert not any("補給船" in r for r in results)
    # A filter narrows the results to one outlet.
    page.select_option("#outlet", label=next(o for o in page.eval_on_selector_all(
        "#outlet option", "os => os.map(o => o.textContent)") if o.startswith("Coastal Wire")))
    page.wait_for_function(f"!document.querySelector('[data-search-results]').innerText.includes({TREATY!r})")
    assert all("Coastal Wire" in r for r in search(page, "strike"))
    assert page.outside_requests() == []
    # Japanese: the page of that language searches its own index, words
    # segmented by Pagefind's extended build.
    japanese = open_page("search/ja.html")
    found = search(japanese, "補給船")
    assert found and found[0].startswith(SUPPLY)
    assert not any(TREATY in r for r in found)
    assert search(japanese, "新しい橋")[0].startswith("東京湾の新しい橋、来月開通へ")


@pytest.mark.browser
def test_the_search_page_is_axe_clean_with_results(open_page):
    require_tool(AXE.is_file(), "axe-core", "run `npm ci`, as .ci/run does")
    for scheme in ("light", "dark"):
        page = open_page("search.html", scheme=scheme)
        assert search(page, "river")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        assert [(v["id"], v["help"]) for v in result["violations"]] == []
        assert len(result["passes"]) > 10


@pytest.mark.browser
def test_without_javascript_the_search_page_points_to_the_lists(open_page):
    page = open_page("search.html", javascript=False)
    assert page.is_visible("text=Search needs JavaScript")
    assert not page.is_visible("#query")
    assert page.get_attribute("[data-search-off] a[href$='archives.html']", "href")


def test_only_search_pages_load_a_script(sample_site):
    """Every other page reads without JavaScript: its only scripts are
    JSON-LD data, except the 404 page's archive lookup."""
    running = []
    for page in sample_site.rglob("*.html"):
        if page.is_relative_to(sample_site / "pagefind"):
            continue
        for attrs in re.findall(r"<script\b([^>]*)>", page.read_text(encoding="utf-8")):
            if 'type="application/ld+json"' not in attrs:
                running.append(page.relative_to(sample_site).as_posix())
    assert sorted(set(running)) == ["404.html", "search.html", "search/ar.html", "search/de.html", "search/ja.html"]
    assert set(search_index(sample_site)) == {"en", "ar", "de", "ja"}


def test_the_index_holds_this_builds_story_pages_and_nothing_else(site, errors, caplog):
    """The index is made beside the build from links to the story pages as
    they are written: after a story file is deleted, the next incremental
    build's index counts the stories left (the deleted one's page is still
    in the output while Pagefind runs), and the folder of links is gone."""
    seed = SEED_STORY.read_text(encoding="utf-8")
    for n in range(3):
        site.write(f"news/story-{n}.md", seed.replace('slug: "', f'slug: "story-{n}-').replace(
            'title: "', f'title: "Story {n}: '))
    settings = {"GNEWS_SEARCH": True, "GNEWS_INCREMENTAL": True, "CACHE_PATH": str(site.root / "cache")}

    def indexed() -> int:
        return sum(search_index(site.output).values())

    site.build(**settings)
    assert indexed() == 3
    (site.content / "news" / "story-1.md").unlink()
    site.build(**settings)
    assert indexed() == 2
    assert not list(site.output.glob("story-1-*.html"))
    assert not (site.output / STAGE).exists()
    assert errors() == []
    assert not [r for r in caplog.records if "search index not built" in r.getMessage()]


def test_a_failing_pagefind_is_one_warning_and_the_site_is_built(site, caplog, monkeypatch):
    for n in range(3):  # in three parts of the index, and one line said
        site.write(f"news/story-{n}.md", SEED_STORY.read_text(encoding="utf-8").replace('slug: "', f'slug: "s{n}-'))
    said = "Error: no room on the disk"
    monkeypatch.setattr(search_module, "_command", lambda where, glob: [
        sys.executable, "-c", f"import sys; print({said!r}); sys.exit(3)"])
    site.build(GNEWS_SEARCH=True, GNEWS_SEARCH_PART_PAGES=1)
    warned = [r.getMessage() for r in caplog.records if "search index not built" in r.getMessage()]
    assert warned == [f"pelican-gnews: search index not built: {said}"]
    assert (site.output / "index.html").is_file() and (site.output / "search.html").is_file()
    assert not (site.output / "pagefind").exists() and not (site.output / STAGE).exists()


def test_a_site_without_stories_has_no_index_and_its_search_page_lists_no_part(site, caplog):
    site.build(GNEWS_SEARCH=True)
    assert 'data-parts="[]"' in (site.output / "search.html").read_text(encoding="utf-8")
    assert not (site.output / "pagefind").exists() and not (site.output / STAGE).exists()
    assert not [r for r in caplog.records if "search index" in r.getMessage()]
