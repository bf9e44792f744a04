"""The built site in real headless Chromium (Debian's, driven by Playwright):
accessibility with axe-core, layout at 320 px, dark mode, no outside requests.
Screenshots go to test-artifacts/ (not committed)."""

from __future__ import annotations

import pytest
from conftest import AXE, ROOT, WCAG_TAGS, require_tool, serve

ARTIFACTS = ROOT / "test-artifacts"
STORY = "delegates-agree-river-treaty-after-all-night-talks-in-geneva-harbor-ledger.html"
PAGES = {"index": "index.html", "story": STORY, "tag": "tag/treaty.html",
         "outlet": "outlet/harbor-ledger.html", "status": "status.html", "digest": "digest/2026/01/12/index.html"}

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_wcag_violations_and_no_sideways_scroll(open_page, kind, scheme, width):
    require_tool(AXE.is_file(), "axe-core", "run `npm ci`, as .ci/run does")
    page = open_page(PAGES[kind], width, scheme)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
    assert len(result["passes"]) > 10  # axe really ran its rules
    if width == 320:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.outside_requests() == []


def test_dark_mode_follows_the_reader_setting(open_page):
    light = open_page("index.html", scheme="light").evaluate("getComputedStyle(document.body).backgroundColor")
    dark = open_page("index.html", scheme="dark").evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark != light


def test_skip_link_comes_first_and_focus_is_visible(open_page):
    page = open_page(STORY)
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el),
        r = el.getBoundingClientRect();
        return {text: el.textContent, href: el.getAttribute('href'), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth), top: r.top, bottom: r.bottom}; }""")
    assert focused["text"] == "Skip to main content" and focused["href"] == "#main"
    assert focused["outline"] != "none" and focused["width"] >= 2
    assert focused["top"] >= 0 and focused["bottom"] <= 900  # on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    landmarks = page.evaluate("['header','nav','main','footer'].map(t => document.querySelectorAll(t).length)")
    assert all(count >= 1 for count in landmarks)


def test_everything_reads_without_javascript(open_page):
    page = open_page(STORY, javascript=False)
    assert page.inner_text("h1") == "Delegates agree river treaty after all-night talks in Geneva"
    assert page.locator("ol.coverage li").count() == 4
    assert page.locator("ol.coverage li a").first.is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(open_page, scheme):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, rel, width in (("index", "index.html", 1280), ("story", STORY, 1280),
                             ("index-320", "index.html", 320)):
        path = ARTIFACTS / f"{name}-{scheme}.png"
        open_page(rel, width, scheme).screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000



# -- an archived story's old address ----------------------------------------------------------

def test_an_archived_storys_address_leads_to_its_archive_line(browser, tmp_path, site):
    """GitHub Pages answers an unknown address with 404.html; its script finds
    the story in the archive's address lists and links to its line."""

    from test_retention import Rolling, items

    rolling = Rolling(site.root)
    rolling.day(0, items(0, 3))
    gone = sorted(rolling.files())[1]
    rolling.day(10, items(10, 2))
    assert gone not in rolling.files()
    site.build(GNEWS_SYNC_ON_BUILD=False, SITEURL="", RELATIVE_URLS=True,
               DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"])
    assert not (site.output / f"{gone}.html").exists()

    with serve(site.output, pages_404=True) as url:
        context = browser.new_context()
        page = context.new_page()
        response = page.goto(f"{url}/{gone}.html")
        assert response.status == 404
        link = page.locator("#archived-story a")
        link.wait_for(timeout=10_000)
        day = next(e.date for e in rolling.archived() if e.slug == gone).strftime("%Y/%m/%d")
        assert link.get_attribute("href") == f"{url}/archive/{day}/#{gone}"
        link.click()
        page.wait_for_load_state()
        line = page.locator(f"li[id='{gone}']")
        assert "Story 0 number 1 about harbour works" in line.inner_text()
        assert line.locator("a").get_attribute("href").startswith("https://news.google.com/rss/articles/")
        # An address that never was a story: only the plain links.
        page.goto(f"{url}/never-was-a-story.html")
        page.wait_for_load_state("networkidle")  # the lookup has read every month
        assert page.locator("#archived-story").is_hidden()
        context.close()
