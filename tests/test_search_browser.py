"""Search in Chinese and Japanese finds words, not characters, and a search
page opened from a file says how to serve the site: a small Japanese and
Chinese site built with Pelican, searched in real headless Chromium."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from conftest import Site, serve
from feedmaker import Item, feed_xml

T0 = datetime(2026, 1, 9, 3, 0, tzinfo=timezone.utc)
# 米軍 (U.S. forces) in one headline; 米 and 軍 apart, each starting
# another word (米価 rice price, 軍事 military, 米国 United States), in two.
JAPANESE = {
    "US": "米軍、沖縄の基地で訓練を再開",
    "RICE": "米価が上昇、軍事費も増加へ",
    "ARMY": "軍の改革案、米国産の部品を採用",
    "BRIDGE": "東京湾の新しい橋が来月開通へ",
}
CHINESE = {
    "US": "美军在冲绳基地恢复训练",
    "RICE": "美国大米价格上涨，军费增加",
}


def items(headlines: dict[str, str], host: str) -> list[Item]:
    return [Item(headline, f"{host} {n}", f"https://{host}{n}.example/", f"https://{host}{n}.example/a/{n}",
                 T0 - timedelta(hours=n)) for n, headline in enumerate(headlines.values())]


@pytest.fixture(scope="module")
def cjk_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("cjk")
    (root / "ja.xml").write_text(feed_xml("トップニュース - Google ニュース", "https://news.google.com/", "ja",
                                          items(JAPANESE, "jiji")), encoding="utf-8")
    (root / "zh.xml").write_text(feed_xml("焦点新闻 - Google 新闻", "https://news.google.com/", "zh-CN",
                                          items(CHINESE, "xinhua")), encoding="utf-8")
    site = Site(root / "site")
    site.build(GNEWS_FEEDS=[str(root / "ja.xml"), str(root / "zh.xml")], DEFAULT_LANG="ja",
               TIMEZONE="Asia/Tokyo", GNEWS_SEARCH=True)
    assert (site.output / "search.html").is_file() and (site.output / "search" / "zh.html").is_file()
    return site


@pytest.fixture
def page(browser, cjk_site):
    context = browser.new_context()
    with serve(cjk_site.output) as url:
        tab = context.new_page()
        tab.base = url
        yield tab
    context.close()


def titles(page, words: str) -> list[str]:
    """The headlines a query finds (the status line is in the page's language)."""
    page.wait_for_selector("form[data-search]:not([hidden])")
    page.evaluate("document.querySelector('[data-search-status]').textContent = ''")  # not the last query's
    page.fill("#query", words)
    page.wait_for_function("document.querySelector('[data-search-status]').textContent !== ''")
    return sorted(page.eval_on_selector_all("[data-search-results] li a", "links => links.map(a => a.innerText)"))


@pytest.mark.browser
def test_a_japanese_query_finds_the_word_not_its_characters_apart(page):
    page.goto(f"{page.base}/search.html")
    assert titles(page, "米軍") == [JAPANESE["US"]]
    # Each character alone is found wherever it is written.
    assert titles(page, "軍") == sorted([JAPANESE["US"], JAPANESE["RICE"], JAPANESE["ARMY"]])
    # Words apart in the query are words anywhere in the story.
    assert titles(page, "米国 改革") == [JAPANESE["ARMY"]]
    assert titles(page, "沖縄 米価") == []
    # Kana and kanji in one word, as the browser would split it (新しい + 橋).
    assert titles(page, "新しい橋") == [JAPANESE["BRIDGE"]]


@pytest.mark.browser
def test_a_chinese_query_finds_the_word_not_its_characters_apart(page):
    page.goto(f"{page.base}/search/zh.html")
    assert titles(page, "美军") == [CHINESE["US"]]
    assert titles(page, "军") == sorted(CHINESE.values())


@pytest.mark.slow
def test_only_chinese_and_japanese_pages_carry_their_characters(cjk_site, sample_site):
    pages = [p.read_text(encoding="utf-8") for p in sorted(cjk_site.output.glob("*.html"))]
    # The Japanese story's own page (a Chinese page may list its headline too).
    story = next(page for page in pages if "data-pagefind-body" in page and '<html lang="ja"' in page
                 and f"<title>{JAPANESE['US']}" in page)
    assert "<p hidden data-search-characters>米 軍 、 沖 縄" in story
    english = [p for p in sample_site.glob("*.html") if 'lang="en"' in p.read_text(encoding="utf-8")[:200]]
    assert english and not any("data-search-characters" in p.read_text(encoding="utf-8") for p in english)


@pytest.mark.browser
def test_opened_from_a_file_the_search_page_says_how_to_serve_the_site(browser, cjk_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto((cjk_site.output / "search.html").as_uri())
    page.wait_for_selector("[data-search-local]:not([hidden])")
    said = page.inner_text("[data-search-local]")
    assert "make devserver" in said and "http://localhost:8000/search.html" in said
    assert "ファイルとして開かれた" in said  # in the page's language
    assert not page.is_visible("[data-search-off]")  # not "Search needs JavaScript"
    assert not page.is_visible("#query")
    zh = context.new_page()
    zh.goto((cjk_site.output / "search" / "zh.html").as_uri())
    zh.wait_for_selector("[data-search-local]:not([hidden])")
    assert "http://localhost:8000/search/zh.html" in zh.inner_text("[data-search-local]")
    context.close()


@pytest.mark.browser
def test_served_the_search_page_hides_the_file_advice(page):
    page.goto(f"{page.base}/search.html")
    page.wait_for_selector("form[data-search]:not([hidden])")
    assert not page.is_visible("[data-search-local]") and not page.is_visible("[data-search-off]")
