"""One hostile value never fails what is around it (issue 22, classes 1 and
5): a publisher URL answered with a control character, 1.5 MB or a deep
nesting; a character XML cannot hold in an editor's file; a character
reference that names no character; a language that is a path; a name made of
symbols only. Each is named (feed and item, or file and line), left out or
made holdable, and the rest of the sync or build goes on."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, unquote

import pytest
from conftest import PUBLISH_URL, LoopbackServer, site_files
from pelican.log import LimitFilter
from pelican.settings import DEFAULT_CONFIG
from test_resolve import NOW, leads, opaque_feed

from pelican_gnews import frontmatter
from pelican_gnews.ingest.identity import article_keys
from pelican_gnews.ingest.parse import parse_feed
from pelican_gnews.ingest.slugs import name_slug
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.languages import language_tag
from pelican_gnews.settings import from_pelican
from pelican_gnews.text import holdable


@pytest.fixture(autouse=True)
def every_line_shows():
    """Pelican's log filter passes a message once a process; each test here
    asserts its own lines (as test_translations.py does)."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


# -- class 1: a publisher URL answered by link resolution ---------------------------------------


class RawGoogle(LoopbackServer):
    """news.google.com's two endpoints, answering each token with the raw
    JSON text given for it (the `garturlres` text, as Google nests it), or
    with `whole` as the entire batchexecute answer."""

    def __init__(self, inner: dict[str, str], whole: str | None = None):
        self.inner, self.whole, self.posts = inner, whole, 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                token = unquote(self.path.split("/rss/articles/", 1)[-1].split("?")[0])
                self._send(f'<div data-n-a-sg="SIG{token[-6:]}" data-n-a-ts="1767225600"></div>'.encode())

            def do_POST(self):
                fake.posts += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if fake.whole is not None:
                    self._send(fake.whole.encode())
                    return
                calls = json.loads(parse_qs(body)["f.req"][0])[0]
                answers = [["wrb.fr", "Fbv4je", fake.inner.get(json.loads(payload)[2], ""), None, None, None,
                            number] for _, payload, _, number in calls]
                self._send((")]}'\n\n" + json.dumps(answers)).encode())

        self.start(Handler)


def _answer(url) -> str:
    return json.dumps(["garturlres", url, 1])


DEEP = "[" * 200_000 + "]" * 200_000
BAD_ANSWERS = {
    "newline": _answer("https://o0.example/a\nb: c"),
    "nul": _answer("https://o0.example/a\x00b"),
    "carriage return": _answer("https://o0.example/a\rb"),
    "vertical tab": _answer("https://o0.example/a\x0bb"),
    "line separator": _answer("https://o0.example/a\u2028b"),
    "lone surrogate": '["garturlres","https://o0.example/\\ud800",1]',
    "1.5 MB": _answer("https://o0.example/" + "a" * 1_500_000),
    "deeply nested": '["garturlres",' + DEEP + ",1]",
    "nested as the url": '["garturlres",' + DEEP[:100_000] + "]",
    "not JSON": '["garturlres", "https://o0.exa',
    "quote and markup": _answer('https://o0.example/"><script>x</script>'),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BAD_ANSWERS))
def test_a_bad_resolved_url_is_named_never_stored_and_the_feed_goes_on(site, caplog, kind):
    caplog.set_level(logging.INFO, logger="pelican_gnews")
    feed, urls = opaque_feed(site)
    bad_token = next(t for t, u in urls.items() if u == "https://o0.example/story/0")
    inner = {token: _answer(url) for token, url in urls.items()} | {bad_token: BAD_ANSWERS[kind]}
    for run in range(2):  # every sync, not only the first (the feed changed meanwhile)
        if run:
            path = Path(feed)
            path.write_text(path.read_text(encoding="utf-8").replace("milestone", "milestone again"),
                            encoding="utf-8")
        with RawGoogle(inner) as google:
            config = from_pelican({**site.settings, "GNEWS_FEEDS": [feed], "GNEWS_RESOLVE_LINKS": True,
                                   "GNEWS_RESOLVE_SPACING": 0, "GNEWS_RESOLVE_BATCH": 6,
                                   "GNEWS_RESOLVE_BASE": google.base})
            report = sync(config, now=NOW)
        assert report.ok, report.failed
        assert google.posts == 1
        LimitFilter._raised_messages.clear()  # the second sync's line is the first's
    # Every story is written; the bad article has no publisher link, the
    # others have theirs.
    assert leads(site) == {"Outlet 0": "", "Outlet 1": "https://o1.example/story/1",
                           "Outlet 2": "https://o2.example/story/2"}
    state_text = (site.root / "gnews-state.json").read_text(encoding="utf-8")
    assert len(state_text) < 20_000 and "o0.example/story" not in state_text
    assert sorted(SyncState.load(site.root / "gnews-state.json").links.values()) == sorted(
        u for u in urls.values() if u != "https://o0.example/story/0")
    for path in (site.content / "news").glob("*.md"):
        frontmatter.read(path)  # every file reads back
    named = [r.getMessage() for r in caplog.records
             if r.levelno == logging.WARNING and "link resolution" in r.getMessage()]
    key = article_keys(f"https://news.google.com/rss/articles/{bad_token}")[0]
    assert len(named) == 2 and all(f"article {key} (https://news.google.com/rss/articles/" in m
                                   and "not kept" in m for m in named), named
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_whole_answer_nested_too_deep_stops_resolution_not_the_sync(site, caplog):
    caplog.set_level(logging.INFO, logger="pelican_gnews")
    feed, urls = opaque_feed(site)
    with RawGoogle({}, whole=")]}'\n\n" + DEEP) as google:
        report = sync(from_pelican({**site.settings, "GNEWS_FEEDS": [feed], "GNEWS_RESOLVE_LINKS": True,
                                    "GNEWS_RESOLVE_SPACING": 0, "GNEWS_RESOLVE_BASE": google.base}), now=NOW)
    assert report.ok and len(report.results[0].written) == 3
    assert set(leads(site).values()) == {""}
    assert any("nested too deep" in r.getMessage() for r in caplog.records)
    assert SyncState.load(site.root / "gnews-state.json").links == {}


# -- class 1: characters no output can hold, in an editor's file ------------------------------

def test_holdable_keeps_text_and_drops_only_what_xml_cannot_hold():
    kept = "tab\tnewline\nreturn\r é 日本 🔥 \u0085 \ufffd"
    assert holdable(kept) == kept
    assert holdable("a\x0bb\x0cc") == "a\nb\nc" and holdable("a\x0bb", " ") == "a b"
    assert holdable("".join(map(chr, range(0x20))) + "\ud800\udfff\ufffe\uffffz") == "\t\n\n\n\rz"
    for bad in ["\x00", "\x08", "\x1f", "\ud800", "\ufffe", "\uffff", "\x0b"]:
        ET.fromstring(f"<a>{holdable('x' + bad + 'y')}</a>")  # XML holds it


def _story(title_yaml: str, body: str, extra: str = "", category: str = "World") -> str:
    return (f"---\ntitle: {title_yaml}\ndate: 2026-01-09 08:00\noutlet: \"Wire\"\n"
            f"categories: [\"{category}\"]\n{extra}---\n"
            '<ol><li><a href="https://w.example/a">Harbour reopens</a>&nbsp;&nbsp;<font>Wire</font></li></ol>\n'
            f"{body}")


# Every place an editor can put such a character: raw in the note, raw in
# the front matter (YAML refuses it), as a YAML escape in any key, and in a
# plain Pelican Markdown article.
HOSTILE_FILES = {
    "raw-note.md": _story('"Harbour note one - Wire"', "Editor's note:\x0bline one\x0bline two\x0c\x00\x1b end.\n"),
    "raw-yaml.md": _story("Harbour raw\x0btitle two - Wire", "Plain note.\n", "note: keep\x0cthis\x01\n"),
    "escaped.md": _story('"Harbour escaped\\vtitle three\\u0000 - Wire"', "Note three.\n",
                         'description: "desc\\v\\x1b\\uFFFE\\uFFFF"\nsummary: "sum\\vmary"\n'
                         'tags: ["tag\\vone", "ok"]\nauthors: ["Ann\\x0bBee"]\nremark: ["a\\vb", {"c": "d\\ve"}]\n',
                         category="Sec\\vtion"),
    "plain.md": "Title: Plain harbour\x0bstory four\nDate: 2026-01-09 09:00\nTags: plain\x0btag\n"
                "Category: World\n\nA plain\x0bMarkdown\x0cnote \x00 with \x1b controls.\n",
}


def test_characters_xml_cannot_hold_never_stop_the_build(site, errors):
    originals = {name: site.write(f"news/{name}", text).read_bytes() for name, text in HOSTILE_FILES.items()}
    site.build(SITEURL=PUBLISH_URL, RELATIVE_URLS=False, FEED_ALL_ATOM="feeds/all.atom.xml",
               CATEGORY_FEED_ATOM="feeds/category/{slug}.atom.xml", TAG_FEED_ATOM="feeds/tag/{slug}.atom.xml",
               AUTHOR_SAVE_AS="author/{slug}.html", GNEWS_SEARCH=True)
    assert errors() == []
    pages = {p.name: p.read_text(encoding="utf-8") for p in site.output.glob("*.html")}
    story_pages = [text for name, text in pages.items() if "harbour" in name]
    assert len(story_pages) == 4, sorted(pages)
    together = "\n".join(story_pages)
    for words in ("line one", "line two", "title two", "title three", "A plain", "Markdown", "controls"):
        assert words in together, words
    atom = site.output / "feeds" / "all.atom.xml"
    entries = ET.parse(atom).getroot().findall("{http://www.w3.org/2005/Atom}entry")  # valid XML
    assert len(entries) == 4
    for path in site.output.rglob("*.xml"):
        ET.parse(path)
    doc = json.loads((site.output / "feeds" / "all.json").read_text(encoding="utf-8"))
    assert len(doc["items"]) == 4
    for path in site.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert holdable(text) == text.replace("\x0b", "\n").replace("\x0c", "\n"), path
            assert "\x0b" not in text and "\x0c" not in text and "\x00" not in text, path
    # The editors' files are as they wrote them.
    for name, data in originals.items():
        assert (site.content / "news" / name).read_bytes() == data


# -- class 1: a character reference that names no character ------------------------------------

BAD_REFERENCES = ["&#xD800;", "&#x110000;", "&#55296;", "&#1114112;", "&#xDFFF;", "&#xd800;&#xdc00;",
                  "&#99999999999999999999;", "&#x" + "F" * 5000 + ";", "&#x0000000000D800;"]


def _item(n: int, title: str, description: str = "", source_url: str = "https://w.example") -> str:
    return (f"<item><title>{title} - Wire</title><link>https://w.example/{n}</link>"
            f'<guid isPermaLink="false">g{n}</guid><pubDate>Fri, 09 Jan 2026 08:00:00 GMT</pubDate>'
            f"<description>{description}</description><source url=\"{source_url}\">Wire</source></item>")


def _feed(items: list[str], title: str = "World - Google News") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>https://news.google.com/</link><language>en</language>"
            + "".join(items) + "</channel></rss>").encode()


@pytest.mark.parametrize("ref", BAD_REFERENCES)
@pytest.mark.parametrize("where", ["title", "description", "attribute", "channel"])
def test_a_reference_to_no_character_costs_that_reference_not_the_feed(caplog, ref, where):
    caplog.set_level(logging.WARNING)
    items = [_item(1, "Port reopens after storm"),
             _item(2, f"Bridge{ref if where == 'title' else ''} closes for repairs",
                   f"Bad {ref}" if where == "description" else "",
                   f"https://w.example/{ref}" if where == "attribute" else "https://w.example"),
             _item(3, "Rail strike ends")]
    data = _feed(items, title=f"World{ref} - Google News" if where == "channel" else "World - Google News")
    name = f"feed-{where}-{BAD_REFERENCES.index(ref)}"  # a line of its own (Pelican's log filter)
    feed = parse_feed(data, name)
    assert [s.headline for s in feed.stories] == ["Port reopens after storm", "Bridge closes for repairs",
                                                  "Rail strike ends"]
    lines = [r.getMessage() for r in caplog.records if "naming no character" in r.getMessage()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{name}: the feed's own fields" if where == "channel" else f"{name}: item 2:"), lines


def test_references_that_name_characters_stay_and_a_sync_writes_every_item(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    path = tmp_path / "feed.xml"
    path.write_bytes(_feed([_item(1, "Fire &#x1F525; season starts"), _item(2, "Bad &#xD800; item"),
                            _item(3, "Caf&#233; owners &#x26; staff"), _item(4, "Also &#x110000; bad")]))
    report = sync(from_pelican({"PATH": str(tmp_path / "content"), "GNEWS_FEEDS": [str(path)]}),
                  now=NOW.replace(year=2026, month=1, day=9, hour=9))
    assert report.ok, report.failed
    titles = sorted(frontmatter.read(p)[0]["title"] for p in (tmp_path / "content" / "news").glob("*.md"))
    assert titles == ["Also bad - Wire", "Bad item - Wire", "Café owners & staff - Wire",
                      "Fire 🔥 season starts - Wire"]
    lines = [r.getMessage() for r in caplog.records if "naming no character" in r.getMessage()]
    assert [line.split(":")[1] for line in lines] == [" item 2", " item 4"], lines


# -- class 1: a language that is a path ---------------------------------------------------------

BAD_LANGUAGES = ["../search", "../../x", "en/../../x", "..", ".", "de/..", "a b", "en.html", "%2e%2e", "x" * 60,
                 "/etc", "en\\..\\x"]


def test_a_language_that_is_not_a_tag_is_a_warning_and_the_build_goes_on(site, caplog, errors):
    for n, bad in enumerate(BAD_LANGUAGES):
        site.write(f"news/bad{n}.md", _story(f'"Harbour story {n} - Wire"', "Note.\n",
                                            f"language: {json.dumps(bad)}\n"))
    site.write("news/lang.md", _story('"Harbour story lang - Wire"', "Note.\n", 'lang: "../../y"\n'))
    site.write("news/plain.md", "Title: Plain harbour story\nDate: 2026-01-09 09:00\nLang: ../../z\n"
                                "Language: ../search\n\nText.\n")
    site.write("news/good.md", _story('"Hafen öffnet wieder - Wire"', "Notiz.\n", "language: de\n"))
    site.build(SITEURL=PUBLISH_URL, RELATIVE_URLS=False, FEED_ALL_ATOM="feeds/all.atom.xml", GNEWS_SEARCH=True)
    assert errors() == []
    warned = [r.getMessage() for r in caplog.records if "is not a language tag" in r.getMessage()]
    for n, bad in enumerate(BAD_LANGUAGES):
        assert any(f"bad{n}.md:6:" in m for m in warned), (bad, warned)  # file and line
    assert any("lang.md:6:" in m and "lang" in m for m in warned)
    assert sum("plain.md" in m for m in warned) == 2
    # Every story page is written, inside the output and nowhere else.
    pages = sorted(p.name for p in site.output.glob("harbour-story-*.html"))
    assert len(pages) == len(BAD_LANGUAGES) + 1, pages
    assert (site.output / "plain-harbour-story.html").is_file()
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "output"]
    assert (site.output / "search.html").is_file() and (site.output / "search" / "de.html").is_file()
    assert sorted(p.name for p in (site.output / "search").iterdir()) == ["de.html"]
    good = site.page("hafen-offnet-wieder-wire.html")
    assert '<html lang="de"' in good
    for name in pages:
        assert '<html lang="en"' in site.page(name)


def test_language_tag_takes_tags_only():
    assert [language_tag(v) for v in ["en", "pt-BR", "zh_Hant", "sr-Latn-RS", "x-private"]] == [
        "en", "pt-BR", "zh_Hant", "sr-Latn-RS", "x-private"]
    assert [language_tag(v) for v in BAD_LANGUAGES + ["", None, "-en", "en-", "1", "en--US"]] == [""] * (
        len(BAD_LANGUAGES) + 6)


# -- class 5: names of symbols only ---------------------------------------------------------------

SYMBOL_TAGS = ["#", "🔥", "##", "★", "☆", "…", "-", "—"]
SYMBOL_SECTIONS = ["★", "☆", "🔥", "#"]


@pytest.mark.slow
def test_symbol_only_names_get_visible_distinct_stable_addresses(site, errors):
    for n, tag in enumerate(SYMBOL_TAGS):
        site.write(f"news/t{n}.md", _story(f'"Harbour tagged {n} - Wire"', "Note.\n",
                                          f"tags: [{json.dumps(tag, ensure_ascii=False)}]\n"
                                          f"authors: [{json.dumps(tag, ensure_ascii=False)}]\n",
                                          category=SYMBOL_SECTIONS[n % len(SYMBOL_SECTIONS)]))
    site.write("news/plain.md", "Title: Plain harbour tagged\nDate: 2026-01-09 09:00\nTags: 🔥, ok\n"
                                "Category: ★\n\nText.\n")
    overrides = dict(SITEURL=PUBLISH_URL, RELATIVE_URLS=False, FEED_ALL_ATOM="feeds/all.atom.xml",
                     CATEGORY_FEED_ATOM="feeds/category/{slug}.atom.xml",
                     TAG_FEED_ATOM="feeds/tag/{slug}.atom.xml", AUTHOR_SAVE_AS="author/{slug}.html",
                     DEFAULT_PAGINATION=50, DIRECT_TEMPLATES=["index", "tags", "categories", "archives"])
    site.build(**overrides)
    assert errors() == []
    files = sorted(site_files(site.output))
    assert not [f for f in files if Path(f).name.startswith(".")], files  # no dot-files
    settings = DEFAULT_CONFIG  # the site's slug settings
    for n, tag in enumerate(SYMBOL_TAGS):
        slug = name_slug(tag, settings, "tag")
        assert slug.startswith("tag-") and len(slug) == 12
        page = site.page(f"tag/{slug}.html")
        # Its own page: its story and no other symbol tag's.
        assert f"Harbour tagged {n}" in page
        assert not [m for m in range(len(SYMBOL_TAGS)) if m != n and f"Harbour tagged {m}<" in page]
        assert f"feeds/tag/{slug}.atom.xml" in files and f"author/{name_slug(tag, settings, 'author')}.html" in files
    assert "Plain harbour tagged" in site.page(f"tag/{name_slug('🔥', settings, 'tag')}.html")
    sections = {name_slug(s, settings, "category") for s in SYMBOL_SECTIONS}
    assert len(sections) == len(SYMBOL_SECTIONS)
    for slug in sections:
        assert f"category/{slug}.html" in files and f"feeds/category/{slug}.atom.xml" in files
    assert "Plain harbour tagged" in site.page(f"category/{name_slug('★', settings, 'category')}.html")
    # Stable: the same names, the same addresses, in every build.
    again = Path(str(site.output) + "-again")
    site.build(**overrides, OUTPUT_PATH=str(again))
    assert sorted(site_files(again)) == files
