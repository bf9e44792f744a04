"""What a native reader notices (issue 23, point 5): sentences run together
in a footer, docutils' warning, Google's name in section names, ISO dates
inside sentences, the sync's summary under `pelican content`, the favicon,
and outlets a legacy feed lists by name alone."""

from __future__ import annotations

import html
import logging
import re
import struct
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

import pytest
from babel.dates import format_skeleton
from conftest import ROOT, SAMPLE_FEEDS, SHARED_FEEDS, needs_shared, serve
from feedmaker import feed_xml

from pelican_gnews.cluster import parse_cluster, render_cluster
from pelican_gnews.ingest.parse import parse_feed, section_from_title
from pelican_gnews.publish import favicon, localisation
from pelican_gnews.settings import docutils_language

# A sentence's end written right against the next word: "veículo.Feed".
RUN_ON = re.compile(r"[.!?\u061f\u0964](?=[^\W\d_])")
# A full-width stop followed by a space: "。 " is one space too many.
SPACED_CLOSED_STOP = re.compile(r"[\u3002\uff01\uff1f] ")


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _footer(page: str) -> str:
    return re.search(r"<footer class=\"site\"[^>]*>(.*?)</footer>", page, re.S).group(1)


# -- 1. sentences joined as each language writes them ------------------------------------------

def _theme_env():
    """The theme's templates in an environment set as Pelican sets its own
    (trim_blocks and lstrip_blocks: what lost the footer's space)."""
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")), trim_blocks=True,
                      lstrip_blocks=True)
    localisation.install(env)
    return env


@pytest.mark.parametrize("catalog", sorted(localisation.available() | {"en"}))
def test_every_catalogs_footer_parts_its_sentences(catalog):
    page = _theme_env().get_template("base.html").render(
        DEFAULT_LANG=catalog.replace("_", "-"), SITENAME="Newsroom", SITEURL="", THEME_STATIC_DIR="theme",
        FEED_ALL_ATOM="feeds/all.atom.xml", categories=[])
    footer = _text(_footer(page))
    assert "Atom" in footer
    assert not RUN_ON.search(footer), footer
    assert not SPACED_CLOSED_STOP.search(footer), footer


def test_sentences_take_the_gap_their_language_writes():
    assert localisation.sentences("One.", "Two") == "One. Two"
    assert localisation.sentences("一つ。", "二つ") == "一つ。二つ"
    assert localisation.sentences("하나입니다.", "둘") == "하나입니다. 둘"
    assert localisation.sentences("एक।", "दो") == "एक। दो"
    assert localisation.sentences("<b>x</b>", "", "<y>") == "&lt;b&gt;x&lt;/b&gt; &lt;y&gt;"


@pytest.mark.parametrize("language", ["pt", "ko", "ja"])
def test_a_built_sites_footer_parts_its_sentences(site, language):
    site.build(DEFAULT_LANG=language, FEED_ALL_ATOM="feeds/all.atom.xml", GNEWS_SEARCH=False)
    footer = _text(_footer(site.page("index.html")))
    assert not RUN_ON.search(footer) and not SPACED_CLOSED_STOP.search(footer), footer
    assert ("veículo. Feed Atom" in footer) if language == "pt" else True
    assert ("연결됩니다. 모든" in footer) if language == "ko" else True


# -- 2. docutils in the site's language, no warning ---------------------------------------------

@pytest.mark.parametrize("language, expected", [
    ("pt", "pt-br"), ("pt-BR", "pt-br"), ("pt_BR", "pt-br"), ("sv-SE", "sv"), ("ja", "ja"), ("ml", "en"),
    ("hi", "en"), ("zh-Hant", "zh-tw"), ("zh", "zh-cn"), ("de-AT", "de"), ("", "en")])
def test_docutils_language(language, expected):
    assert docutils_language(language) == expected


@pytest.mark.parametrize("language", ["pt", "pt-BR", "ja", "sv", "ml"])
def test_a_build_in_any_language_logs_no_docutils_warning(site, caplog, language):
    caplog.set_level(logging.INFO)
    site.write("note.rst", "Título\n######\n\n:date: 2026-01-01\n:autor: Ana\n\nTexto.\n")
    site.build(DEFAULT_LANG=language, GNEWS_SEARCH=False)
    assert not [r for r in caplog.records if "ocutils" in r.getMessage()]
    # docutils read the field in the site's language where it knows it:
    # ":autor:" is Portuguese for the author.
    assert (site.output / "author" / "ana.html").exists() == language.startswith("pt")


# -- 3. section names without Google's name or the query's quotes -------------------------------

@pytest.mark.parametrize("title, section", [
    ('"반도체" - Google 뉴스', "반도체"),
    ("「地震」 - Google ニュース", "地震"),
    ('"半导体" - Google 新闻', "半导体"),
    ("“半導體” - Google 新聞", "半導體"),
    ("À la une - Google Actualités", "À la une"),
    ("« satellite » – Google Actualités", "satellite"),
    ("Huvudnyheter - Google Nyheter", "Huvudnyheter"),
    ('"تمور" - أخبار Google', "تمور"),
    ("„Wahl“ - Google News", "Wahl"),
    ("Главное - Google Новости", "Главное"),
    ('"Google - Alphabet" - Google News', "Google - Alphabet"),
    ("Google News", "Google News"),
    ("World - Latest - Google News", "World"),
    ('"satellite data" - Google News', "satellite data"),
    ("Top stories - Google News", "Top stories"),
    ("Wirtschaft - Neueste - Google News", "Wirtschaft"),
])
def test_google_s_name_leaves_section_names_in_every_language(title, section):
    assert section_from_title(title) == section


@needs_shared
def test_every_real_feeds_section_names_no_google_and_no_quotes():
    feeds = sorted(SHARED_FEEDS.glob("*.xml"))
    assert feeds
    for path in feeds:
        feed = parse_feed(path.read_bytes(), path.name)
        assert feed.section and "google" not in feed.section.lower(), (path.name, feed.section)
        assert feed.section[0] not in "\"'“«„「" and feed.section[-1] not in "\"'”»“」", (path.name, feed.section)


# -- 4. a date inside a sentence in the page's language ------------------------------------------

@pytest.mark.parametrize("language, day, text", [
    ("pt", date(2026, 3, 12), "12 de março de 2026"), ("ja", date(2026, 3, 2), "2026年3月2日")])
def test_day_form_is_babels_pattern(language, day, text):
    import json

    parts = json.loads(localisation._day_form(language))
    written = "".join(p if isinstance(p, str) else p[2][day.month - 1] if len(p) == 3
                      else str({"d": day.day, "M": day.month}.get(p[0], day.year)).zfill(p[1]) for p in parts)
    assert written == text == format_skeleton("yMMMMd", day, locale=language)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["pt", "ja"])
def test_the_404_page_writes_an_archived_storys_day_in_its_language(site, browser, language):
    """The 404 page's script names the archive's day as Babel writes it, in
    a sentence joined to the one before as the language joins them."""
    from test_retention import Rolling, items

    rolling = Rolling(site.root)
    rolling.day(0, items(0, 3))
    gone = sorted(rolling.files())[1]
    rolling.day(10, items(10, 2))
    site.build(GNEWS_SYNC_ON_BUILD=False, DEFAULT_LANG=language, GNEWS_SEARCH=False,
               DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"])
    day = next(e.date for e in rolling.archived() if e.slug == gone)

    with serve(site.output, pages_404=True) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/{gone}.html")
        page.locator("#archived-story a").wait_for()
        note = page.locator("#archived-story").inner_text()
        context.close()
    assert format_skeleton("yMMMMd", day, locale=language) in note
    assert day.strftime("%Y-%m-%d") not in note
    assert not RUN_ON.search(note) and not SPACED_CLOSED_STOP.search(note), note


# -- 5. the sync's summary under `pelican content` ------------------------------------------------

@pytest.mark.slow
def test_pelican_content_prints_the_syncs_summary(site, capsys, monkeypatch):
    from pelican_gnews.ingest.sync import SyncReport

    site.build(GNEWS_FEEDS=[str(SAMPLE_FEEDS / "world.xml")], GNEWS_SEARCH=False)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("pelican-gnews:")]
    assert len(lines) == 1 and re.fullmatch(r"pelican-gnews: 1 feed\(s\): \d+ new, .* 0 failed.*", lines[0]), lines
    # The line is the sync report's own summary, the one `pelican-gnews sync` prints.
    monkeypatch.setattr(SyncReport, "summary", lambda self: "the one summary")
    site.build(GNEWS_FEEDS=[str(SAMPLE_FEEDS / "world.xml")], GNEWS_SEARCH=False)
    assert "pelican-gnews: the one summary" in capsys.readouterr().out.splitlines()


# -- 6. a favicon ------------------------------------------------------------------------------------

def _ico_image(data: bytes) -> tuple[int, bytes]:
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _, _, planes, bits, size, offset = struct.unpack("<BBBBHHII", data[6:22])
    assert width == height and planes == 1 and bits == 32
    return width, data[offset:offset + size]


def test_the_favicon_is_one_png_in_an_ico_and_draws_the_svgs_bars():
    width, image = _ico_image(favicon.ico())
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and struct.unpack(">II", image[16:24]) == (width, width)
    assert len(favicon.ico()) < 1024
    svg = (ROOT / "theme" / "static" / "favicon.svg").read_text(encoding="utf-8")
    bars = [tuple(int(n) for n in m) for m in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)", svg)]
    assert tuple((x, y, w, h) for x, y, w, h in bars) == favicon.BARS
    assert favicon._pixel(1, 8) != favicon._pixel(4, 4) != favicon._pixel(0.1, 0.1)


def test_a_built_site_has_both_icons_and_every_page_links_one(site):
    site.build(GNEWS_FEEDS=[str(SAMPLE_FEEDS / "world.xml")], GNEWS_SEARCH=False)
    assert _ico_image((site.output / "favicon.ico").read_bytes())[0] == 32
    pages = [p for p in site.output.rglob("*.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]
    assert len(pages) > 5
    for path in pages:
        hrefs = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', path.read_text(encoding="utf-8"))
        assert len(hrefs) == 1, path
        target = urlsplit(urljoin(path.relative_to(site.output).as_posix(), hrefs[0])).path
        assert (site.output / target).is_file(), (path, hrefs[0])


def test_a_sites_own_favicon_ico_is_kept(site):
    site.write("extra/favicon.ico", "mine")
    site.build(STATIC_PATHS=["extra"], EXTRA_PATH_METADATA={"extra/favicon.ico": {"path": "favicon.ico"}},
               GNEWS_SEARCH=False)
    assert (site.output / "favicon.ico").read_text() == "mine"


# -- 7. legacy items keep every outlet ------------------------------------------------------------

def _gn(url: str) -> str:
    return f"http://news.google.com/news/url?sa=t&fd=R&usg=AFQjCN{len(url)}&url={url}"


def _headline(url: str, headline: str, outlet: str) -> str:
    return (f'<br /><font size="-1"><a href="{html.escape(_gn(url))}">{headline}</a>'
            f'<font color="#6f6f6f" size="-1">{outlet}</font></font>')


# A 2016-shaped NFE/1.0 description naming eight outlets: the lead, three
# related headlines, then outlets by name alone (two linked, two not).
LEGACY_2016 = (
    '<table border="0" cellpadding="2" cellspacing="7" style="vertical-align: top;"><tr>'
    '<td width="80" align="center" valign="top"><font style="font-size:85%;font-family:arial,sans-serif">'
    f'<a href="{html.escape(_gn("https://lead.example/a"))}"><img src="//t0.gstatic.com/images?q=x" alt="" '
    'border="1" width="80" height="80" /><br /><font size="-2">Lead Times</font></a></font></td>'
    '<td valign="top" class="j"><font style="font-size:85%;font-family:arial,sans-serif"><br />'
    '<div style="padding-top:0.8em;"><img alt="" height="1" width="1" /></div><div class="lh">'
    f'<a href="{html.escape(_gn("https://lead.example/a"))}"><b>Harbour <b>strike</b> ends after talks</b></a><br />'
    '<font size="-1"><b><font color="#6f6f6f">Lead Times</font></b></font><br />'
    '<font size="-1">Dock workers return on Monday after a deal on pay.</font>'
    + _headline("https://two.example/b", "Dockers vote to accept offer", "Second Post")
    + _headline("https://three.example/c", "What the harbour deal means", "Third Herald")
    + _headline("https://four.example/d", "Strike over, ships queue", "Fourth Daily")
    + '<br /><font size="-1" class="p">'
    f'<a href="{html.escape(_gn("https://five.example/e"))}">Fifth Wire</a>&nbsp;- Sixth Courier&nbsp;-'
    f'<a href="{html.escape(_gn("https://seven.example/f"))}">Seventh Gazette</a>&nbsp;- Eighth Observer</font>'
    '<br /><font class="p" size="-1"><a class="p" href="http://news.google.com/news/more?ncl=abc&amp;ned=uk">'
    "<nobr><b>all 112 news articles&nbsp;&raquo;</b></nobr></a></font></div></font></td></tr></table>"
)
EIGHT = ["Lead Times", "Second Post", "Third Herald", "Fourth Daily", "Fifth Wire", "Sixth Courier",
         "Seventh Gazette", "Eighth Observer"]


def test_a_legacy_item_keeps_every_outlet_it_names():
    cluster = parse_cluster(LEGACY_2016)
    assert cluster.outlets == EIGHT
    by_outlet = {e.outlet: e for e in cluster.entries}
    assert by_outlet["Second Post"].headline == "Dockers vote to accept offer"
    assert by_outlet["Fifth Wire"].headline == "" and "five.example" in by_outlet["Fifth Wire"].link
    assert by_outlet["Sixth Courier"].link == "" and by_outlet["Eighth Observer"].link == ""
    assert cluster.full_coverage.startswith("http://news.google.com/news/more")
    # A story file writes them back in shapes that read as the same cluster.
    assert parse_cluster(render_cluster(cluster.entries, cluster.full_coverage)) == cluster


@needs_shared
def test_the_real_legacy_feed_keeps_the_outlets_it_lists_by_name():
    path = next(SHARED_FEEDS.glob("legacy_*.xml"))
    feed = parse_feed(path.read_bytes(), path.name)
    lead = next(s for s in feed.stories if s.outlet == "Telegraph.co.uk" and "outraged" in s.headline)
    assert [e.outlet for e in lead.coverage] == ["Telegraph.co.uk", "Reuters UK", "The Guardian", "Toronto Star",
                                                  "Asia Times Online", "Aljazeera.com"]


def test_a_legacy_storys_page_lists_every_outlet_linked_or_as_text(site, tmp_path):
    when = datetime.now(timezone.utc) - timedelta(hours=2)
    item = ("<item><title>Harbour strike ends after talks - Lead Times</title>"
            f"<link>{html.escape(_gn('https://lead.example/a'))}</link>"
            '<guid isPermaLink="false">tag:news.google.com,2005:cluster=legacy-harbour</guid>'
            f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
            f"<description>{html.escape(LEGACY_2016, quote=False)}</description></item>")
    feed = tmp_path / "legacy.xml"
    feed.write_text(feed_xml("topic:harbour - Google News", "http://news.google.com/news?pz=1", "en",
                             [item]), encoding="utf-8")
    site.build(GNEWS_FEEDS=[str(feed)], GNEWS_SEARCH=False, FEED_ALL_ATOM="feeds/all.atom.xml")
    page = next(p for p in site.output.glob("*.html") if "harbour-strike" in p.name).read_text(encoding="utf-8")
    coverage = re.search(r'<ol class="coverage">(.*?)</ol>', page, re.S).group(1)
    assert [_text(o) for o in re.findall(r'class="outlet"[^>]*><bdi>(.*?)</bdi>', coverage)] == EIGHT
    assert '<span class="outlet"><bdi>Sixth Courier</bdi></span>' in coverage
    assert re.search(r'<a class="outlet" href="[^"]*five\.example[^"]*"><bdi>Fifth Wire</bdi></a>', coverage)
    assert re.search(r"<a [^>]*><bdi></bdi></a>", coverage) is None  # no link without words
    atom = (site.output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "Eighth Observer" in html.unescape(atom) and 'href=""' not in html.unescape(atom)


# -- a heading does not say its count's noun twice ----------------------------------------------

def _words(text: str) -> set[str]:
    """Words of a message, or for unspaced scripts its character pairs."""
    text = re.sub(r"%\(\w+\)s|<[^>]+>|[\d+]", " ", text)
    found = set()
    for word in re.findall(r"[^\W\d_]+", text):
        if any(ord(c) > 0x2E80 for c in word) and len(word) > 1:
            found |= {word[i:i + 2] for i in range(len(word) - 1)}
        elif len(word) > 3:
            found.add(word.lower())
    return found


@pytest.mark.parametrize("catalog", sorted(localisation.available()))
def test_the_coverage_heading_does_not_repeat_its_counts_noun(catalog):
    """'Related coverage (5 sources)' in every language: 関連する報道（5件の報道）
    said 報道 twice."""
    words = localisation.translations(catalog)
    heading = _words(words.gettext("Related coverage"))
    for n in (1, 2, 5, 21):
        count = _words(words.ngettext("%(num)s source", "%(num)s sources", n))
        assert not heading & count, (catalog, heading & count)
