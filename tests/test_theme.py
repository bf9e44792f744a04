"""The theme over the built sample site: pages, metadata, feeds, weight, links."""

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import PUBLISH_URL, ROOT, require_tool, search_index
from feedmaker import Item, Related, feed_xml

ATOM = "{http://www.w3.org/2005/Atom}"
STORY = "delegates-agree-river-treaty-after-all-night-talks-in-geneva-harbor-ledger.html"


def search_page(output: Path, path: Path) -> bool:
    rel = path.relative_to(output).as_posix()
    return rel == "search.html" or rel.startswith("search/")


def arabic_story(output: Path) -> str:
    """The sample's Arabic story (its slug is a transliteration)."""
    return next(p.name for p in output.glob("*.html")
                if "<bdi>البرلمان يقر ميزانية جديدة للتعليم</bdi></h1>" in p.read_text(encoding="utf-8"))


class Page(HTMLParser):
    """Tags with their attributes, and text, of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._script = None
        self.scripts: list[tuple[dict, str]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = (attrs, [])

    def handle_endtag(self, tag):
        if tag == "script" and self._script:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        if self._script:
            self._script[1].append(data)
        self.text.append(data)

    def all(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def one(self, tag, **attrs):
        [found] = self.all(tag, **attrs)
        return found


def page(output: Path, rel: str) -> Page:
    return Page((output / rel).read_text(encoding="utf-8"))


def html_files(output: Path):
    return sorted(output.rglob("*.html"))


def test_every_kind_of_page_is_built(sample_site):
    assert list(sample_site.glob("latest-*.html"))  # an older page of "Latest"
    for rel in ("index.html", "archives.html", "archive/2026/01/index.html", "archive/months.json", "tags.html",
                "categories.html", "outlets.html", "404.html", "category/world.html", "tag/treaty.html",
                "outlet/harbor-ledger.html", "outlet/northfield-tribune.html", STORY):
        assert (sample_site / rel).is_file(), rel
    # The month lists its days; each day has its own page of lines.
    month = (sample_site / "archive/2026/01/index.html").read_text(encoding="utf-8")
    days = re.findall(r'href="[^"]*archive/2026/01/(\d\d)/"', month)
    assert days and all((sample_site / f"archive/2026/01/{d}/index.html").is_file() for d in days)


def test_index_cards_show_outlet_time_section_sources_and_tags(sample_site):
    text = (sample_site / "index.html").read_text(encoding="utf-8")
    card = text[text.index('<article class="card"'):]
    card = card[: card.index("</article>")]
    assert f'href="./{STORY}"><bdi>Delegates agree river treaty after all-night talks in Geneva</bdi></a>' in card
    assert '<a class="outlet" href="./outlet/harbor-ledger.html"><bdi>Harbor Ledger</bdi></a>' in card
    # Babel's English date, in the site's zone (UTC), the zone shown.
    assert '<time datetime="2026-01-12T08:00:00+00:00">Jan 12, 2026, 8:00\u202fAM UTC</time>' in card
    assert '<a href="./category/world.html"><bdi>World</bdi></a>' in card and "4 sources" in card
    assert ("Also: <bdi>Northfield Tribune</bdi>, <bdi>Meridian Post</bdi>, <bdi>Coastal Wire</bdi>"
            in card)
    assert '<a href="./tag/geneva.html"><bdi>Geneva</bdi></a>' in card  # a name keeps its case


def test_story_page(sample_site):
    doc = page(sample_site, STORY)
    text = (sample_site / STORY).read_text(encoding="utf-8")
    assert len(doc.all("h1")) == 1
    assert "<h1><bdi>Delegates agree river treaty after all-night talks in Geneva</bdi></h1>" in text
    assert '<a class="outlet" href="./outlet/harbor-ledger.html"><bdi>Harbor Ledger</bdi></a>' in text
    entries = re.findall(r'<li><a href="([^"]+)"><bdi>([^<]+)</bdi></a> <span class="outlet"><bdi>([^<]+)</bdi></span>',
                         text)
    assert [o for _, _, o in entries] == ["Harbor Ledger", "Northfield Tribune", "Meridian Post", "Coastal Wire"]
    assert all(link.startswith("https://news.google.com/rss/articles/") for link, _, _ in entries)
    assert 'class="full-coverage"><a href="https://news.google.com/stories/' in text
    assert "the Google News feed for <bdi>World</bdi></a>" in text
    assert re.search(r'Older: <a href="\./[a-z0-9-]+\.html"', text)
    assert doc.one("link", rel="canonical")["href"] == f"./{STORY}"
    assert doc.one("meta", property="og:type")["content"] == "article"
    assert doc.one("meta", property="article:published_time")["content"] == "2026-01-12T08:00:00+00:00"
    [(attrs, body)] = doc.scripts
    assert attrs["type"] == "application/ld+json"
    data = json.loads(body)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Delegates agree river treaty after all-night talks in Geneva"
    # The story's tags, names and nouns of its headline, shown as they are listed.
    shown = [t["content"] for t in doc.all("meta", property="article:tag")]
    assert data["keywords"] == shown and data["keywords"][:2] == ["Geneva", "treaty"]
    assert re.findall(r'<ul class="tags">(.*?)</ul>', text, re.S)[0].count("<li>") == len(shown)


def test_outlet_pages_count_lead_and_related_stories(sample_site):
    text = (sample_site / "outlet" / "harbor-ledger.html").read_text(encoding="utf-8")
    # Harbor Ledger leads 2 sample stories and is related coverage in 5 others.
    assert "<h1><bdi>Harbor Ledger</bdi></h1>" in text
    assert "In 7 stories: first outlet of 2, in the related coverage of 5." in text
    index = (sample_site / "outlets.html").read_text(encoding="utf-8")
    counts = [int(n) for n in re.findall(r'<span class="count"><bdi>(\d+) stor', index)]
    assert counts == sorted(counts, reverse=True) and counts[0] == 7
    assert text.count('<span class="role">leads</span>') == 2
    assert text.count('<span class="role">related coverage, led by ') == 5
    names = re.findall(r'<a href="\./outlet/[^"]+"><bdi>([^<]+)</bdi></a>', index)
    # Every outlet page is listed; the others in the folder send an old
    # address on (publish/redirects.py).
    pages = [p for p in (sample_site / "outlet").glob("*.html")
             if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]
    assert len(names) == len(pages)


def test_language_and_direction(sample_site):
    assert page(sample_site, "index.html").one("html") == {"lang": "en", "dir": "ltr"}
    assert page(sample_site, arabic_story(sample_site)).one("html") == {"lang": "ar", "dir": "rtl"}
    german = next(p for p in sample_site.glob("exporte-*.html"))
    doc = page(sample_site, german.name)
    assert doc.one("html") == {"lang": "de", "dir": "ltr"}
    # The site's own English chrome says it is English.
    assert doc.one("header", **{"class": "site"})["lang"] == "en"
    # ...and so do its words in the story (localisation.py: the interface
    # speaks the site's language, the content its own).
    assert doc.one("p", **{"class": "read"})["lang"] == "en"
    # On the English index, a German card's headline says it is German.
    assert any(a.get("lang") == "de" for a in page(sample_site, "index.html").all("h2"))


def test_pages_are_light_and_self_contained(sample_site):
    css = (sample_site / "theme" / "css" / "gnews.css").read_text()
    assert "@font-face" not in css and "@import" not in css and "url(" not in css
    for path in html_files(sample_site):
        assert path.stat().st_size + len(css.encode()) < 30 * 1024, path
        doc = Page(path.read_text(encoding="utf-8"))
        # Nothing is loaded from another host, and no script runs.
        for tag, attrs in doc.tags:
            for key in ("src", "srcset", "poster", "data"):
                assert key not in attrs or (tag, key) == ("script", "src") and search_page(sample_site, path), \
                    (path, tag, attrs)
            if tag == "link" and attrs.get("rel") not in ("canonical", "alternate"):
                assert not urlsplit(attrs["href"]).netloc, (path, attrs)
            if tag == "a" and attrs.get("target"):
                assert set(attrs.get("rel", "").split()) >= {"noopener", "noreferrer"}, (path, attrs)
        # Only data; on the 404 page the archive lookup (inline, no src); on
        # a search page the theme's own search script (publish/search.py).
        scripts = [a for a, _ in doc.scripts if a.get("type") != "application/ld+json"]
        if scripts and search_page(sample_site, path):
            [script] = scripts
            assert script["src"].endswith("theme/js/search.js") \
                and not urlsplit(script["src"]).netloc, path
            continue
        assert not scripts or (path.name == "404.html" and len(scripts) == 1), path


def _internal_links(output: Path, site_url: str = ""):
    for path in html_files(output):
        doc = Page(path.read_text(encoding="utf-8"))
        base = f"{site_url}/{path.relative_to(output).as_posix()}" if site_url else path.as_uri()
        for _tag, attrs in doc.tags:
            for key in ("href", "src"):
                if key in attrs:
                    yield path, attrs[key], urljoin(base, attrs[key])


def test_no_root_relative_links_and_no_broken_internal_links(sample_site):
    for path, raw, absolute in _internal_links(sample_site):
        assert not raw.startswith("/"), (path, raw)
        if absolute.startswith("file://"):
            target = Path(urlsplit(absolute).path)
            assert target.is_file() or (raw.endswith("/") and (target / "index.html").is_file()), (path, raw)


@pytest.mark.slow
def test_the_published_build_has_its_search_index_sitemap_and_json_feeds(published_site):
    """The workflow's build (publishconf.py) runs Pagefind, and writes the
    sitemap, robots.txt and a JSON Feed beside each Atom feed."""
    assert f"Sitemap: {PUBLISH_URL}/sitemap.xml" in (published_site / "robots.txt").read_text(encoding="utf-8")
    assert ET.parse(published_site / "sitemap.xml").getroot().tag.endswith("urlset")
    atoms = list(published_site.rglob("*.atom.xml"))
    assert atoms and all(a.with_name(a.name.replace(".atom.xml", ".json")).is_file() for a in atoms)
    indexed = search_index(published_site)
    assert {"en", "de", "ar", "ja"} <= set(indexed)
    assert indexed["en"] >= 15
    search = (published_site / "search.html").read_text(encoding="utf-8")
    assert f'data-bundle="{PUBLISH_URL}/pagefind/"' in search


@pytest.mark.slow
def test_published_build_links_and_feeds_are_absolute(published_site):
    for path, raw, absolute in _internal_links(published_site, PUBLISH_URL):
        assert not raw.startswith("/"), (path, raw)
        if absolute.startswith(PUBLISH_URL + "/"):
            rel = urlsplit(absolute).path[len(urlsplit(PUBLISH_URL).path) + 1:]
            assert (published_site / rel).is_file() or (published_site / rel / "index.html").is_file(), (path, raw)
    feeds = {p.relative_to(published_site).as_posix() for p in published_site.rglob("*.atom.xml")}
    for expected in ("feeds/all.atom.xml", "feeds/category/world.atom.xml", "feeds/tag/treaty.atom.xml",
                     "feeds/outlet/harbor-ledger.atom.xml"):
        assert expected in feeds
    assert not any(p.startswith("feeds/author") for p in feeds)
    assert any(rel.startswith("feeds/story/") for rel in feeds) and "feeds/digest.atom.xml" in feeds
    for rel in feeds:
        root = ET.parse(published_site / rel).getroot()
        # A story's feed: each entry links its outlet's article; the feed itself is the site's.
        links = root.findall(f"{ATOM}link") if rel.startswith("feeds/story/") else root.iter(f"{ATOM}link")
        for link in links:
            assert link.get("href").startswith(PUBLISH_URL + "/"), (rel, link.get("href"))
        for entry in root.iter(f"{ATOM}entry"):
            assert entry.find(f"{ATOM}id").text.startswith("tag:") or entry.find(f"{ATOM}id").text.startswith("http")
    world = ET.parse(published_site / "feeds/category/world.atom.xml").getroot()
    delegates = next(e for e in world.iter(f"{ATOM}entry")
                     if e.find(f"{ATOM}title").text.startswith("Delegates agree"))
    content = delegates.find(f"{ATOM}content").text
    assert '<ol class="coverage">' in content and "Northfield Tribune" in content


def _vnu_errors(*folders: Path) -> str:
    """The Nu checker's errors for every page under `folders`, in one run
    (one Java start)."""
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    require_tool(jar.is_file() and bool(shutil.which("java")), "The Nu Html Checker (vnu.jar, Java)",
                 "run `npm ci` and install Java, as .ci/run does")
    proc = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--skip-non-html", *map(str, folders)],
                          capture_output=True, text=True)
    return proc.stdout + proc.stderr if proc.returncode else ""


@pytest.mark.slow
def test_html_is_valid(sample_site, published_site):
    assert _vnu_errors(sample_site, published_site) == ""


HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)> {{ 7*191 }} </script><!--'


def test_hostile_feed_values_are_escaped_in_every_context(site, tmp_path):
    item = Item(
        headline=f"Headline {HOSTILE}", outlet=f"Outlet {HOSTILE}", outlet_url="https://o.example/",
        url="https://o.example/a", published=datetime(2026, 1, 9, tzinfo=timezone.utc),
        related=[Related(f"Related {HOSTILE}", f"Other {HOSTILE}", "https://p.example/b")],
    )
    feed = tmp_path / "hostile.xml"
    feed.write_text(feed_xml(f"Sec {HOSTILE} - Google News", "https://news.google.com/", "en", [item]))
    site.build(GNEWS_FEEDS=[str(feed)], SITEURL=PUBLISH_URL, RELATIVE_URLS=False,
               FEED_ALL_ATOM="feeds/all.atom.xml", CATEGORY_FEED_ATOM="feeds/category/{slug}.atom.xml",
               TAG_FEED_ATOM="feeds/tag/{slug}.atom.xml", DIRECT_TEMPLATES=["index", "tags", "categories", "archives"],
               GNEWS_SEARCH=True)
    story = next(p for p in site.output.glob("headline-*.html"))
    for path in [*site.output.rglob("*.html")]:
        doc = Page(path.read_text(encoding="utf-8"))
        assert not doc.all("img"), path
        assert all(a == {"type": "application/ld+json"} for a, _ in doc.scripts) or search_page(site.output, path), path
        assert not any(k.startswith("on") for _, attrs in doc.tags for k in attrs), path
        assert "1337" not in path.read_text(encoding="utf-8"), path
    doc = Page(story.read_text(encoding="utf-8"))
    [(_, body)] = doc.scripts
    data = json.loads(body)
    assert data["headline"] == f"Headline {HOSTILE}".replace("  ", " ").strip()
    assert data["publisher"]["name"].startswith("Outlet <script>")
    assert doc.one("meta", property="og:title")["content"] == data["headline"]
    assert f"Related {HOSTILE}".strip() in "".join(doc.text)
    for feed_path in site.output.rglob("*.atom.xml"):
        root = ET.parse(feed_path).getroot()  # well-formed whatever the titles held
        for entry in root.iter(f"{ATOM}entry"):
            if feed_path.name != "digest.atom.xml":  # a day's title is its date
                assert "<script>" in entry.find(f"{ATOM}title").text  # as text, escaped in the XML
            if feed_path.parent.name == "story":  # an outlet's headline and link, no content
                assert entry.find(f"{ATOM}content") is None
                continue
            content = entry.find(f"{ATOM}content").text
            assert "<script>" not in content and "&lt;script&gt;" in content


@pytest.mark.slow
def test_every_page_stays_light_as_the_site_grows(site, tmp_path):
    """240 stories: every list is paginated (here outlets 10 a page, to see
    them split), so no page grows with the site; the archive's day pages
    hold one short line a story."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import make_feed

    feed = tmp_path / "big.xml"
    feed.write_bytes(make_feed(240))
    site.build(GNEWS_FEEDS=[str(feed)], DEFAULT_PAGINATION=20,
               PAGINATED_TEMPLATES={"index": None, "tag": None, "category": None, "outlet": 10},
               DIRECT_TEMPLATES=["index", "tags", "categories", "archives"])
    css = (ROOT / "theme" / "static" / "css" / "gnews.css").stat().st_size
    outlet_pages = [p.name for p in (site.output / "outlet").iterdir()]
    assert any(re.fullmatch(r".+-\d{8}-\d{4}\.html", name) for name in outlet_pages)
    for name in outlet_pages:
        # At most 10 stories a page (pagination.py: 5 to 10, the front page too).
        assert (site.output / "outlet" / name).read_text().count('<span class="role">') <= 10
    months = list((site.output / "archive").rglob("index.html"))
    lines = sum(p.read_text().count("<li id=") for p in months)
    lists = "".join(re.findall(r'<ul class="archive">.*?</ul>', "".join(p.read_text() for p in months), re.S))
    assert lines == 240 and len(lists.encode()) / lines < 400
    heaviest = max((p for p in site.output.rglob("*.html") if p not in months), key=lambda p: p.stat().st_size)
    assert heaviest.stat().st_size + css < 30 * 1024, heaviest
