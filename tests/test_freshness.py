"""Freshness you can see: each feed's syncs in the state (ingest/feed_status.py),
the footer's last-sync time on every page and the feed status page
(publish/freshness.py)."""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import SAMPLE_FEEDS, Site, serve

from pelican_gnews.ingest import feed_status
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.publish import freshness, localisation
from pelican_gnews.settings import from_pelican

STAMP = re.compile(r'<p class="synced" data-pagefind-ignore[^>]*>(.*?)</p>')
BROKEN_NAME = "<i>Missing</i> feed"


def last_sync(state_file: Path) -> datetime:
    return max(datetime.fromisoformat(r["ok"]) for r in json.loads(state_file.read_text())["status"].values()
               if r.get("ok"))


def footers(output: Path):
    """Every page with the theme's footer, and its stamp's inner HTML."""
    for path in sorted(output.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "<footer" in text:
            found = STAMP.findall(text)
            assert len(found) == 1, path
            yield path.relative_to(output).as_posix(), found[0]


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def japanese_site(tmp_path_factory):
    """A Japanese site in Tokyo's zone, syncing over HTTP on 127.0.0.1: one
    feed that works, one that answers 404. Returns (site, feed URLs, the
    build's warnings)."""
    served = tmp_path_factory.mktemp("served")
    shutil.copy(SAMPLE_FEEDS / "top_ja.xml", served / "top.xml")
    site = Site(tmp_path_factory.mktemp("ja") / "site")
    collect = Collect()
    logging.getLogger("pelican_gnews").addHandler(collect)
    try:
        with serve(served) as url:
            good, bad = f"{url}/top.xml", f"{url}/missing.xml"
            site.build(GNEWS_FEEDS=[good, {"url": bad, "name": BROKEN_NAME}], DEFAULT_LANG="ja",
                       TIMEZONE="Asia/Tokyo", GNEWS_SEARCH=False, GNEWS_RETRIES=0, SITENAME="Newsroom",
                       DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"])
    finally:
        logging.getLogger("pelican_gnews").removeHandler(collect)
    return site, (good, bad), collect.lines


@pytest.mark.slow
def test_the_status_page_lists_a_working_and_a_failing_feed(japanese_site):
    site, (good, bad), warnings = japanese_site
    state = json.loads((site.root / "gnews-state.json").read_text())["status"]
    assert set(state) == {good, bad}
    logged = next(line for line in warnings if bad in line and "not synced" in line)
    reason = state[bad]["reason"]
    assert f"({reason})" in logged and "404" in reason  # the words the sync logged
    assert state[bad]["failed"] and "ok" not in state[bad]
    new = len(list((site.content / "news").glob("*.md")))
    assert new > 0 and sum(state[good]["new"].values()) == new and "failed" not in state[good]

    page = site.page("status.html")
    items = page.split('<ul class="feeds">')[1].split("</ul>")[0].split("<li>")[1:]
    assert len(items) == 2
    working, failing = items
    assert "<bdi>トップニュース - Google ニュース</bdi>" in working and "失敗中" not in working
    assert f"<dd>{new}</dd>" in working and f'href="{good}"' in working
    assert f"<bdi>{html.escape(BROKEN_NAME)}</bdi>" in failing and "失敗中" in failing
    assert f'<bdi class="reason">{html.escape(reason)}</bdi>' in failing
    assert "<dd>0</dd>" in failing and "<dd>なし</dd>" in failing  # never synced
    # Each time of the page is the state's, shown in Tokyo.
    ok = datetime.fromisoformat(state[good]["ok"])
    shown = localisation.format_moment(ok, "ja", "Asia/Tokyo")
    assert f'<time datetime="{ok.isoformat()}">{shown}</time>' in working and shown.endswith("JST")
    # Not for search engines: noindex, and the footer of every page links it.
    assert '<meta name="robots" content="noindex">' in page
    assert 'href="./status.html" aria-current="page">フィードの状態</a>' in page


@pytest.mark.slow
def test_every_page_says_when_the_site_last_synced_in_its_zone_and_language(japanese_site):
    site, _, _ = japanese_site
    synced = last_sync(site.root / "gnews-state.json")
    tokyo = synced.astimezone(localisation.zone_named("Asia/Tokyo"))
    # Japanese writes the hour without a leading zero (CLDR's H:mm): 0:10, 9:05.
    expected = (f'最終同期：<bdi><time datetime="{tokyo.isoformat()}">'
                f'{tokyo.year}年{tokyo.month}月{tokyo.day}日 {tokyo.hour}:{tokyo:%M} JST</time></bdi>')
    pages = dict(footers(site.output))
    kinds = {"index.html", "latest.html", "archives.html", "tags.html", "categories.html", "outlets.html",
             "404.html", "status.html"}
    assert kinds <= set(pages)
    assert any(p.startswith("tag/") for p in pages) and any(p.startswith("outlet/") for p in pages)
    assert any(p.startswith("archive/") for p in pages) and any(p.startswith("category/") for p in pages)
    assert any(p.endswith(".html") and "/" not in p and p not in kinds for p in pages)  # story pages
    assert {stamp for stamp in pages.values()} == {expected}
    assert tokyo.utcoffset() == timedelta(hours=9)


def test_the_english_sample_site_stamps_every_page(sample_site):
    """Every page of the sample site, search pages included, in UTC."""
    synced = last_sync(sample_site.parent / "gnews-state.json")
    pages = dict(footers(sample_site))
    assert "search.html" in pages and "status.html" in pages and len(pages) > 30
    stamp = f'Last synced: <bdi><time datetime="{synced.isoformat()}">'
    assert all(text.startswith(stamp) and text.endswith("UTC</time></bdi>") for text in pages.values())
    assert 'href="./status.html">Feed status</a>' in (sample_site / "index.html").read_text(encoding="utf-8")


def test_the_published_site_keeps_the_status_page_out_of_the_sitemap(published_site):
    sitemap = (published_site / "sitemap.xml").read_text(encoding="utf-8")
    assert (published_site / "status.html").is_file() and "status.html" not in sitemap
    assert "404.html" not in sitemap and "index.html" in sitemap


def _feed_site(tmp_path) -> tuple[Site, Path]:
    site = Site(tmp_path / "site")
    feed = tmp_path / "feed.xml"
    shutil.copy(SAMPLE_FEEDS / "world.xml", feed)
    site.settings.update(GNEWS_FEEDS=[str(feed)], GNEWS_SEARCH=False, DIRECT_TEMPLATES=["index"])
    return site, feed


@pytest.mark.slow
def test_a_build_without_a_new_sync_shows_the_last_successful_one(tmp_path):
    site, feed = _feed_site(tmp_path)
    # Never synced: the stamp says so, with no time.
    site.build(GNEWS_SYNC_ON_BUILD=False)
    assert dict(footers(site.output))["index.html"] == "Not synced yet."
    assert "<dd>Never</dd>" in site.page("status.html")
    site.build()
    synced = last_sync(site.root / "gnews-state.json")
    # The feed breaks: the sync fails, the pages keep the last good sync.
    feed.write_text("<rss><channel><title>x</title></channel></rss>", encoding="utf-8")
    site.build()
    record = json.loads((site.root / "gnews-state.json").read_text())["status"][str(feed)]
    assert record["failed"] >= record["ok"] == synced.isoformat() and record["reason"] == "the feed has no items"
    assert dict(footers(site.output))["index.html"].startswith(
        f'Last synced: <bdi><time datetime="{synced.isoformat()}">')
    assert "the feed has no items" in site.page("status.html")
    # A build without a sync: the same.
    site.build(GNEWS_SYNC_ON_BUILD=False)
    assert f'<time datetime="{synced.isoformat()}">' in site.page("index.html")


def test_a_site_without_feeds_shows_no_stamp(site):
    site.write("hello.md", "---\ntitle: Hello\ndate: 2026-01-02\n---\nHello.\n")
    site.build(GNEWS_SEARCH=False, DIRECT_TEMPLATES=["index"])
    index = site.page("index.html")
    assert '<p class="synced" data-pagefind-ignore hidden></p>' in index
    assert "This site follows no feed." in site.page("status.html")


# -- the state: upgraded in place, bounded, hostile records dropped -------------------

OLD_STATE = """{
 "version": 1,
 "feeds": {
  "FEED": {"sha256": "0000"}
 },
 "stories": {}
}
"""


def test_an_old_state_loads_unchanged_and_gains_the_status_at_its_next_sync(tmp_path):
    feed = tmp_path / "feed.xml"
    shutil.copy(SAMPLE_FEEDS / "world.xml", feed)
    state_file = tmp_path / "gnews-state.json"
    state_file.write_text(OLD_STATE.replace("FEED", str(feed)), encoding="utf-8")
    state = SyncState.load(state_file)
    assert state.status == {} and state.dumps() == state_file.read_text(encoding="utf-8")
    assert not state.save(tmp_path / "tmp")  # loading alone changes nothing
    config = from_pelican({"PATH": str(tmp_path / "content"), "GNEWS_FEEDS": [str(feed)]})
    now = datetime(2026, 1, 12, 9, 30, tzinfo=timezone.utc)
    report = sync(config, now=now)
    assert report.ok and report.results[0].written
    data = json.loads(state_file.read_text())
    assert data["status"][str(feed)] == {"name": "World - Latest - Google News", "ok": now.isoformat(),
                                         "new": {"2026-01-12T09": len(report.results[0].written)}}
    line = next(x for x in state_file.read_text().splitlines() if x.startswith(f'  "{feed}": {{"name"'))
    assert len(line.encode()) < 400
    # The same bytes an hour later: nothing new, no byte of the state changes.
    before = state_file.read_bytes()
    assert sync(config, now=now + timedelta(hours=1)).results[0].not_modified
    assert state_file.read_bytes() == before


def test_new_story_counts_stay_within_a_day():
    records: dict = {}
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for hour in range(24 * 60):  # 60 days of hourly syncs, three new stories each
        feed_status.note(records, "f", when=start + timedelta(hours=hour), name="Feed", new=3)
    status = records["f"]
    assert len(status.new) == 24 and status.last_day(start + timedelta(hours=24 * 60 - 1)) == 72
    assert len(json.dumps(status.as_json())) < 600
    assert status.last_day(start + timedelta(days=70)) == 0


def test_a_broken_status_record_is_dropped_with_one_warning(tmp_path, caplog):
    state_file = tmp_path / "gnews-state.json"
    good = {"name": "Good", "ok": "2026-01-12T09:00:00+00:00", "new": {"2026-01-12T09": 2}}
    hostile = {"name": "<script>alert(1)</script>\x00\x1b" + "x" * 5000, "failed": "2026-01-12T08:00:00+00:00",
               "reason": "<img src=x onerror=alert(1)>\n" * 200}
    state_file.write_text(json.dumps({"version": 1, "feeds": {}, "stories": {}, "status": {
        "https://a.example/feed": {"ok": "yesterday"}, "https://b.example/feed": good,
        "https://c.example/feed": ["not", "a", "record"], "https://d.example/feed": hostile}}))
    caplog.set_level(logging.WARNING)
    state = SyncState.load(state_file)
    assert set(state.status) == {"https://b.example/feed", "https://d.example/feed"}
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 2 and "https://a.example/feed" in warned[0] and "https://c.example/feed" in warned[1]
    name, reason = state.status["https://d.example/feed"].name, state.status["https://d.example/feed"].reason
    assert len(name) <= feed_status.MAX_NAME and "\x00" not in name and "\x1b" not in name
    assert len(reason) <= feed_status.MAX_REASON and "\n" not in reason
    # The next save leaves the broken records out: the warning is not repeated.
    assert state.save(tmp_path / "tmp")
    caplog.clear()
    assert set(SyncState.load(state_file).status) == set(state.status) and caplog.records == []


@pytest.mark.slow
def test_hostile_status_values_are_escaped_on_the_status_page(tmp_path):
    site, feed = _feed_site(tmp_path)
    url = "https://x.example/feed?a=1&b=\"><script>alert(1)</script>"
    (site.root / "gnews-state.json").write_text(json.dumps({"version": 1, "feeds": {}, "stories": {}, "status": {
        url: {"name": "<script>alert(2)</script>" + "y" * 3000, "failed": "2026-01-12T08:00:00+00:00",
              "reason": "<img src=x onerror=alert(3)> " * 100}}}))
    site.build(GNEWS_SYNC_ON_BUILD=False, GNEWS_FEEDS=[url])
    page = site.page("status.html")
    assert "<script>" not in page.split("</head>")[1] and "<img" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert 'href="https://x.example' not in page  # not a safe link: shown as text only
    assert len(page.encode()) < 30_000


def test_the_stamp_is_one_function_of_the_time_language_and_zone():
    stamp = freshness.stamp_html("2026-01-12T09:00:00+00:00", "de", "Europe/Berlin", True)
    assert stamp == ('<p class="synced" data-pagefind-ignore>Zuletzt synchronisiert: <bdi><time '
                     'datetime="2026-01-12T10:00:00+01:00">12. Jan. 2026, 10:00 MEZ</time></bdi></p>')
    assert freshness._STAMP.fullmatch(stamp.encode())
    assert freshness._STAMP.fullmatch(freshness.stamp_html("", "en", "UTC", False).encode())


def test_restamp_swaps_only_the_stamp_in_each_kept_page(tmp_path, caplog):
    """The stamp is swapped in place wherever it sits (in the tail the
    writer reads first, or further up a long page), the rest of the file
    byte for byte; a page already stamped or without a stamp is left alone;
    a page that cannot be opened is reported and marked to be rendered."""
    old = freshness.stamp_html("2026-01-12T09:00:00+00:00", "en", "UTC", True)
    new = freshness.stamp_html("2026-01-12T10:00:00+00:00", "en", "Europe/Lisbon", True)
    longer = freshness.stamp_html("2026-01-12T10:00:00+00:00", "de", "Europe/Berlin", True)
    head, tail = "<html><body><p>é</p>", "\n</footer></body></html>\n"
    pages = {
        "near.html": head + old + tail,
        "far/up.html": head + old + "<p>filler</p>\n" * 400 + tail,  # stamp before the last 2 KB
        "done.html": head + new + tail,
        "none.html": head + tail,
        "hidden.html": head + freshness.stamp_html("", "en", "UTC", False) + tail,
    }
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        sizes = freshness.restamp(str(tmp_path), [*pages, "gone.html"], new)
    assert set(sizes) == {"near.html", "far/up.html", "hidden.html", "gone.html"}
    assert sizes["gone.html"] is None and "gone.html: cannot update its sync time" in caplog.text
    for name, text in pages.items():
        expected = STAMP.sub(lambda _: new, text, count=1) if STAMP.search(text) else text
        assert (tmp_path / name).read_text(encoding="utf-8") == expected, name
        if name in sizes:
            assert sizes[name] == (tmp_path / name).stat().st_size
    # A longer stamp, then a shorter one again: the file ends where its text does.
    for stamp in (longer, new):
        freshness.restamp(str(tmp_path), ["near.html"], stamp)
        assert (tmp_path / "near.html").read_text(encoding="utf-8") == head + stamp + tail
