"""sitemap.xml, a JSON Feed beside each Atom feed, and
robots.txt: valid, complete, and still complete after an incremental build
that kept every page."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.robotparser import RobotFileParser

import pytest
from conftest import ROOT
from feedmaker import Item, Related, feed_xml

sys.path.insert(0, str(ROOT / "benchmarks"))
from run import make_feed

SITEURL = "https://example.org/news"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Quotes " and \\ backslash </script><b>bold</b> & \u2028 line'
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def published(site, tmp_path, **overrides):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(make_feed(40))
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(feed_xml("World - Latest - Google News", "https://news.google.com/topics/W", "en-US", [
        Item(HOSTILE, "Wire", "https://wire.example", "https://wire.example/h",
             datetime(2026, 1, 9, 12, tzinfo=timezone.utc), [Related("Other view", "Post", "https://post.example/h")])]),
        encoding="utf-8")
    settings = dict(
        GNEWS_FEEDS=[str(feed), str(hostile)], SITEURL=SITEURL, RELATIVE_URLS=False, FEED_DOMAIN=SITEURL,
        FEED_ALL_ATOM="feeds/all.atom.xml", CATEGORY_FEED_ATOM="feeds/category/{slug}.atom.xml",
        TAG_FEED_ATOM="feeds/tag/{slug}.atom.xml",
        DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"],
        GNEWS_INCREMENTAL=True, CACHE_PATH=str(site.root / "cache"), DELETE_OUTPUT_DIRECTORY=False,
        CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)  # hourly builds, as pelicanconf.py sets them up
    settings.update(overrides)
    site.build(**settings)
    return settings


def sitemap_urls(site) -> dict[str, str | None]:
    """Each page the sitemap lists, with its lastmod; checked against the
    protocol (https://www.sitemaps.org/protocol.html) on the way."""
    root = ET.parse(site.output / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    urls = {}
    for url in root:
        assert url.tag == f"{SM}url" and {child.tag for child in url} <= {f"{SM}loc", f"{SM}lastmod"}
        loc = url.find(f"{SM}loc").text
        lastmod = url.find(f"{SM}lastmod")
        if lastmod is not None:
            assert RFC3339.match(lastmod.text), lastmod.text  # a W3C datetime
        assert len(loc) <= 2048 and loc not in urls
        urls[loc] = lastmod.text if lastmod is not None else None
    return urls


@pytest.mark.slow
def test_the_sitemap_lists_every_page_once_also_after_an_incremental_build(site, tmp_path):
    settings = published(site, tmp_path)
    urls = sitemap_urls(site)
    assert 0 < len(urls) <= 50_000
    pages = {p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html")} - {"404.html", "status.html"}
    listed = {}
    for url, lastmod in urls.items():
        assert url.startswith(SITEURL + "/"), url
        rel = url[len(SITEURL) + 1:]
        rel = rel + "index.html" if rel.endswith("/") or not rel else rel
        assert (site.output / rel).is_file(), url
        listed[rel] = lastmod
    assert set(listed) == pages  # every story, list, archive day and outlet page; not the 404 or status page
    assert any(p.startswith("archive/") and p.count("/") == 4 for p in listed)  # an archive day
    # A story's page is dated by the story; the front page by its newest story.
    story = next(p for p in site.output.glob("*.html") if '<ol class="coverage">' in p.read_text(encoding="utf-8"))
    published_at = re.search(r'<time datetime="([^"]+)"', story.read_text(encoding="utf-8")).group(1)
    assert datetime.fromisoformat(listed[story.name]) == datetime.fromisoformat(published_at)
    assert listed["index.html"] == max(v for v in listed.values() if v)
    # Nothing changed: the next build keeps every page, and the sitemap is
    # the same, byte for byte.
    before = (site.output / "sitemap.xml").read_bytes()
    site.build(**settings)
    stats = json.loads((site.root / "cache" / "gnews-build-stats.json").read_text())
    # Rendered: the pages that show the whole site (tags, outlets, archives,
    # 404, categories, the digests' index) and the front page, whose ranking
    # is of this hour.
    assert stats["kept"] > 0 and stats["rendered"] <= 7, stats
    assert (site.output / "sitemap.xml").read_bytes() == before


@pytest.mark.slow
def test_no_sitemap_without_an_absolute_siteurl(site, tmp_path):
    published(site, tmp_path, SITEURL="", RELATIVE_URLS=True, FEED_ALL_ATOM=None, CATEGORY_FEED_ATOM=None,
              TAG_FEED_ATOM=None)
    assert (site.output / "index.html").is_file() and not (site.output / "sitemap.xml").exists()
    assert "Sitemap:" not in (site.output / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_each_atom_feed_has_a_json_feed_with_the_same_entries(site, tmp_path):
    published(site, tmp_path)
    atoms = sorted((site.output / "feeds").rglob("*.atom.xml"))
    assert len(atoms) > 10
    for atom in atoms:
        json_path = atom.with_name(atom.name[: -len(".atom.xml")] + ".json")
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        assert doc["version"] == "https://jsonfeed.org/version/1.1"
        assert doc["feed_url"] == f"{SITEURL}/{json_path.relative_to(site.output).as_posix()}"
        assert doc["home_page_url"].startswith(SITEURL) and doc["title"]
        entries = ET.parse(atom).getroot().findall(f"{ATOM}entry")
        assert len(doc["items"]) == len(entries) > 0
        for item, entry in zip(doc["items"], entries):
            assert item["id"] == entry.find(f"{ATOM}id").text
            assert item["url"] == entry.find(f"{ATOM}link").get("href")
            assert item["title"] == entry.find(f"{ATOM}title").text
            assert RFC3339.match(item["date_published"]), item["date_published"]
            assert item.get("content_html") or "content_text" in item
    everything = json.loads((site.output / "feeds" / "all.json").read_text(encoding="utf-8"))
    [hostile] = [i for i in everything["items"] if i["title"].startswith("Quotes")]
    # As text (the line separator cleaned away as in every value): JSON
    # escapes what it must, and the markup stays characters.
    assert hostile["title"] == 'Quotes " and \\ backslash </script><b>bold</b> & line - Wire'
    assert "<script>" not in hostile["content_html"] and "</script><b>" not in hostile["content_html"]
    head = (site.output / "index.html").read_text(encoding="utf-8")
    assert f'type="application/feed+json" href="{SITEURL}/feeds/all.json"' in head


@pytest.mark.slow
def test_robots_txt_lets_crawlers_in_and_names_the_sitemap(site, tmp_path):
    published(site, tmp_path)
    robots = RobotFileParser()
    robots.parse((site.output / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert robots.can_fetch("Googlebot", f"{SITEURL}/index.html")
    assert robots.site_maps() == [f"{SITEURL}/sitemap.xml"]
    assert 'name="robots"' not in (site.output / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_personal_site_asks_not_to_be_indexed(site, tmp_path):
    published(site, tmp_path, GNEWS_ROBOTS="noindex")
    robots = RobotFileParser()
    robots.parse((site.output / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert not robots.can_fetch("Googlebot", f"{SITEURL}/index.html")
    assert not robots.can_fetch("*", f"{SITEURL}/")
    # Crawlers read robots.txt only at a host's root: each page asks too.
    for page in site.output.rglob("*.html"):
        assert '<meta name="robots" content="noindex">' in page.read_text(encoding="utf-8"), page
