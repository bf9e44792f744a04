"""Every edition reads as one: the interface, times, plurals and text
direction of a Japanese, German and Arabic site (publish/localisation.py),
and readable slugs for their scripts (ingest/romanize.py)."""

from __future__ import annotations

import re

import pytest
from conftest import AXE, SAMPLE_FEEDS, WCAG_TAGS, Site, require_tool, serve
from test_theme import _vnu_errors

from pelican_gnews.publish import localisation

# Words in Latin letters an interface may show in any language: names of
# products and formats, and the sample sites' name.
ALLOWED_LATIN = {"Google", "Pelican", "pelican-gnews", "Atom", "JSON", "Feed", "JavaScript", "Newsroom"}


def catalog_words(language: str | None) -> set[str]:
    """Latin words of the English msgids (None) or of a language's msgstrs."""
    from babel.messages.pofile import read_po

    path = localisation.CATALOGS / (f"{localisation.catalog_for(language)}/LC_MESSAGES/messages.po"
                                    if language else "messages.pot")
    found: set[str] = set()
    for message in read_po(path.open("rb")):
        texts = message.id if language is None else message.string
        for text in texts if isinstance(texts, tuple) else (texts,):
            found |= set(re.findall(r"[A-Za-z][A-Za-z-]{2,}", re.sub(r"<[^>]+>|%\(\w+\)s", " ", text or "")))
    return found


def build(tmp_path, feed: str, language: str, zone: str, *more: str, **extra) -> Site:
    site = Site(tmp_path / language)
    site.build(GNEWS_FEEDS=[str(SAMPLE_FEEDS / f) for f in (feed, *more)], DEFAULT_LANG=language, TIMEZONE=zone,
               SITENAME="Newsroom", GNEWS_SEARCH=False, **extra)
    return site


def interface_text(html: str) -> str:
    """A page's own words: without feed values (every one is in a <bdi>),
    scripts, the JSON-LD and attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    while re.search(r"<bdi\b[^>]*>[^<]*(?:<(?!/?bdi)[^>]*>[^<]*)*</bdi>", html):
        html = re.sub(r"<bdi\b[^>]*>[^<]*(?:<(?!/?bdi)[^>]*>[^<]*)*</bdi>", " ", html)
    html = re.sub(r"<title>.*?</title>", " ", html, flags=re.S)  # the headline leads the title
    return re.sub(r"<[^>]+>", " ", html)


def pages(site: Site):
    return [p for p in site.output.rglob("*.html")]


@pytest.mark.slow
@pytest.mark.parametrize("feed, language, zone, zone_name, words", [
    ("top_ja.xml", "ja", "Asia/Tokyo", "JST", ["トップページ", "関連する報道", "媒体"]),
    ("wirtschaft_de.xml", "de", "Europe/Berlin", "MEZ", ["Startseite", "Weitere Berichte", "Quellen"]),
    ("alam_ar.xml", "ar", "Asia/Riyadh", "", ["الصفحة الأولى", "تغطية ذات صلة", "مصادر"]),
])
def test_a_site_speaks_its_language_in_its_time_zone(tmp_path, feed, language, zone, zone_name, words):
    site = build(tmp_path, feed, language, zone)
    found = pages(site)
    assert len(found) > 10
    # The theme's English words that the language's catalog does not use.
    forbidden = catalog_words(None) - catalog_words(language) - ALLOWED_LATIN
    assert {"Related", "coverage", "sources", "Latest", "stories"} <= forbidden
    seen_words = ""
    for path in found:
        html = path.read_text(encoding="utf-8")
        text = interface_text(html)
        seen_words += html
        english = set(re.findall(r"[A-Za-z][A-Za-z-]{2,}", text)) & forbidden
        assert not english, (path.relative_to(site.output), sorted(english)[:10])
        # Every time in the site's zone, its zone named.
        for shown in re.findall(r"<time [^>]*>([^<]+)</time>", html):
            if zone_name and re.search(r"\d{1,2}:\d\d", shown):
                assert shown.endswith(zone_name), (path.relative_to(site.output), shown)
    for word in words:
        assert word in seen_words
    index = site.page("index.html")
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in index


def test_times_follow_timezone_and_language(tmp_path):
    site = build(tmp_path, "top_ja.xml", "ja", "Asia/Tokyo")
    # The sample's items are published at 08:00 UTC: 17:00 in Tokyo.
    assert re.search(r'<time datetime="2026-01-12T08:00:00\+00:00">2026年1月12日 17:00 JST</time>',
                     site.page("index.html"))


def test_plural_forms_come_from_each_languages_rules():
    def sources(language: str, n: int) -> str:
        return localisation.translations(localisation.catalog_for(language)).ngettext(
            "%(num)s source", "%(num)s sources", n) % {"num": n}

    arabic = [sources("ar", n) for n in (0, 1, 2, 3, 11, 100)]
    assert len(set(arabic)) == 6  # zero, one, two, few, many, other
    assert arabic[3] == "3 مصادر" and arabic[4] == "11 مصدرًا"
    assert [sources("ru", n) for n in (1, 3, 5)] == ["1 источник", "3 источника", "5 источников"]
    assert sources("ja", 1) == sources("ja", 5).replace("5", "1") == "1媒体"
    assert sources("en", 1) == "1 source" and sources("en", 2) == "2 sources"
    for language in ("de", "fr", "es", "pt-BR", "it", "nl", "ja", "zh-CN", "zh-TW", "ko", "ar", "he", "hi",
                     "ru", "tr", "en"):
        assert localisation.catalog_for(language), language
    assert localisation.catalog_for("zh-TW") == "zh_Hant" and localisation.catalog_for("zh-CN") == "zh_Hans"


@pytest.mark.slow
def test_slugs_are_readable_for_each_script(tmp_path):
    for feed, language, expected in [
        ("top_ja.xml", "ja", "kokusai-uchuu-suteeshon"),
        ("alam_ar.xml", "ar", "al-brlman"),
        ("wirtschaft_de.xml", "de", "ueberraschend"),
    ]:
        site = build(tmp_path / feed, feed, language, "UTC")
        slugs = [p.stem for p in (site.content / "news").glob("*.md")]
        assert any(expected in slug for slug in slugs), (language, slugs)
        assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs)


@pytest.mark.slow
def test_written_slugs_never_change(tmp_path):
    site = build(tmp_path, "top_ja.xml", "ja", "UTC")
    story = sorted((site.content / "news").glob("*.md"))[0]
    old = "dong-jing-sok-bao"  # as an earlier romanization would have spelled it
    text = story.read_text(encoding="utf-8")
    slug = re.search(r'^slug: "([^"]+)"', text, re.M).group(1)
    story.write_text(text.replace(f'slug: "{slug}"', f'slug: "{old}"'), encoding="utf-8")
    site.build(GNEWS_FEEDS=[str(SAMPLE_FEEDS / "top_ja.xml")], DEFAULT_LANG="ja", GNEWS_SEARCH=False,
               GNEWS_IDENTITY_WINDOW=1000000, GNEWS_SIMILARITY_WINDOW=1000000)
    assert (site.output / f"{old}.html").exists()
    assert f'slug: "{old}"' in story.read_text(encoding="utf-8")


@pytest.mark.browser
def test_an_arabic_story_reads_in_order_in_chromium(tmp_path, browser):
    site = build(tmp_path, "alam_ar.xml", "ar", "Asia/Riyadh")
    story = next(p.name for p in site.output.glob("*.html")
                 if "مصادر" in p.read_text(encoding="utf-8") and p.name.startswith("al-"))
    with serve(site.output) as url:
        page = browser.new_page()
        page.goto(f"{url}/{story}")
        # The meta line: outlet, date, section, in that order, right to left.
        boxes = page.evaluate("""() => {
            const meta = document.querySelector('p.meta');
            const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
            return {
              outlet: box(meta.querySelector('.outlet')),
              time: box(meta.querySelector('time')),
              section: box(meta.querySelector('a[href*="category"]')),
              dir: getComputedStyle(meta).direction,
            };
        }""")
        assert boxes["dir"] == "rtl"
        assert boxes["outlet"][0] > boxes["time"][0] > boxes["section"][0], boxes
        # "3 مصادر": the number is read first, so it is drawn rightmost.
        order = page.evaluate("""() => {
            const heading = document.querySelector('#coverage-title bdi');
            const text = heading.firstChild;
            const range = document.createRange();
            const at = (i) => {
                range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().left;
            };
            const digit = text.data.search(/[0-9٠-٩]/);
            const letter = text.data.search(/[\\u0600-\\u06ff]/);
            return {digit: at(digit), letter: at(letter), text: text.data};
        }""")
        assert order["digit"] > order["letter"], order
        # Inside the date, the day comes before the year: right of it.
        date = page.evaluate("""() => {
            const text = document.querySelector('p.meta time').firstChild;
            const range = document.createRange();
            const at = (i) => {
                range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().left;
            };
            return {day: at(0), year: at(text.data.indexOf('2026')), text: text.data};
        }""")
        assert date["day"] > date["year"], date
        page.close()


@pytest.mark.browser
def test_japanese_and_arabic_sites_are_valid_and_axe_clean(tmp_path, browser):
    require_tool(AXE.is_file(), "axe-core", "run `npm ci`, as .ci/run does")
    # The Japanese site follows a Japanese and a US feed: its story pages and
    # cards name their edition, its outlet pages count editions and sections.
    # With feeds: story pages link their own, and the digest its feed.
    sites = {language: build(tmp_path, feed, language, zone, *more, FEED_ALL_ATOM="feeds/all.atom.xml")
             for feed, language, zone, more in [("top_ja.xml", "ja", "Asia/Tokyo", ["world.xml"]),
                                                ("alam_ar.xml", "ar", "Asia/Riyadh", [])]}
    assert _vnu_errors(*(site.output for site in sites.values())) == ""  # each error names its file
    for language, site in sites.items():
        story = next(p.name for p in site.output.glob("*.html") if '<article class="story"' in p.read_text()
                     and f'<html lang="{language}"' in p.read_text())
        assert 'class="why"' in (site.output / story).read_text(encoding="utf-8")
        assert 'class="follow"' in site.page(story)
        outlet = next(p for p in (site.output / "outlet").glob("*.html") if '<dl class="spread">' in p.read_text())
        if language == "ja":
            assert "版のみ" in (site.output / story).read_text(encoding="utf-8")
            assert "<dt>掲載版</dt>" in outlet.read_text(encoding="utf-8")
        digest = next(site.output.glob("digest/*/*/*/index.html")).relative_to(site.output).as_posix()
        with serve(site.output) as url:
            # Every new kind of page in both colour schemes in Japanese; the
            # older ones, and the Arabic site, in light.
            new = (story, "status.html", outlet.relative_to(site.output).as_posix(), digest, "digest/index.html")
            schemes = ("light", "dark") if language == "ja" else ("light",)
            for rel, scheme in ([(rel, scheme) for rel in new for scheme in schemes]
                                + [("index.html", "light"), ("archives.html", "light")]):
                context = browser.new_context(color_scheme=scheme)
                page = context.new_page()
                page.goto(f"{url}/{rel}")
                page.add_script_tag(path=str(AXE))
                result = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
                violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
                assert violations == [], (language, rel, scheme, violations)
                assert len(result["passes"]) > 10
                context.close()
