"""Nothing vanishes on a first sync: a feed's items already older than the
retention window become archive lines (and lines of their day pages), as if
they had been synced in their day and had left the pages since; never twice,
never for a story the site has, never a half-written file."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from feedmaker import Item, Related, feed_xml

from pelican_gnews.ingest import archive, atomic
from pelican_gnews.ingest.identity import identity_keys
from pelican_gnews.ingest.parse import parse_feed
from pelican_gnews.ingest.slugs import base_slug, story_id
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

T0 = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)
NOW = T0 + timedelta(hours=3)


def item(headline: str, outlet: str, when: datetime, url: str | None = None) -> Item:
    """An item with one related article (two sources)."""
    host, path = outlet.lower().replace(" ", ""), base_slug(headline)
    return Item(headline, outlet, f"https://{host}.example", url or f"https://{host}.example/{path}", when,
                [Related(f"Another view of {headline.lower()}", "Second Outlet", f"https://second.example/{path}")])


LIVE = [item("Harbour works resume after the storm", "Coast Daily", T0),
        item("City council approves the tram budget", "Valley Post", T0 + timedelta(hours=1)),
        item("Museum reopens its north wing", "Granite Times", T0 + timedelta(hours=2))]
OLD_A = item("Bridge inspection finds cracks in two pillars", "Valley Post", T0 - timedelta(days=9))
OLD_B = item("Winter festival draws record crowds", "Coast Daily", T0 - timedelta(days=20))  # February
# The same article as LIVE[1] (its link), with an older date: no line.
SAME_AS_LIVE = item("City council approves the tram budget", "Valley Post", T0 - timedelta(days=10), LIVE[1].url)
# Another article under LIVE[0]'s headline and outlet, ten days older: its
# own line, under a slug of its own.
NAMESAKE = item("Harbour works resume after the storm", "Coast Daily", T0 - timedelta(days=11),
                "https://coastdaily.example/2026/02/27/harbour")


class Project:
    """A site folder synced from one feed file, built by Pelican in-process."""

    def __init__(self, root: Path, category: str = "Regional", **settings):
        self.root, self.content, self.output = root, root / "content", root / "output"
        self.content.mkdir(parents=True, exist_ok=True)
        self.feed = root / "feed.xml"
        self.config = from_pelican({"PATH": str(self.content),
                                    "GNEWS_FEEDS": [{"url": str(self.feed), "category": category}], **settings})

    def sync(self, items: list[Item], now: datetime = NOW, built: datetime | None = None):
        self.feed.write_text(feed_xml("Science - Latest - Google News", "https://news.google.com/topics/S",
                                      "en-US", items, built=built), encoding="utf-8")
        report = sync(self.config, now=now)
        assert report.ok, report.failed[0].error
        return report

    def parsed(self):
        return {s.headline + s.link: s for s in parse_feed(self.feed.read_bytes(), str(self.feed), now=NOW).stories}

    def lines(self) -> list[archive.Entry]:
        return [e for path in archive.month_files(self.config.archive_dir).values() for e in archive.read_month(path)]

    def month_files(self) -> dict[str, tuple[bytes, int]]:
        """Each month file's bytes and inode (a rewrite, even of the same
        bytes, gives a new inode: files are replaced, never written in place)."""
        return {name: (path.read_bytes(), path.stat().st_ino)
                for name, path in archive.month_files(self.config.archive_dir).items()}

    def stories(self) -> dict[str, dict]:
        out = {}
        for path in (self.content / "news").glob("*.md"):
            head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
            out[path.stem] = {k: json.loads(v) if v.startswith('"') else v.strip("'")
                              for k, _, v in (line.partition(": ") for line in head.splitlines()[1:])
                              if k in ("title", "link")}
        return out

    def build(self):
        from conftest import ROOT
        from pelican import Pelican
        from pelican.settings import read_settings

        settings = read_settings(None, override={
            "PATH": str(self.content), "OUTPUT_PATH": str(self.output), "PLUGINS": ["pelican_gnews"],
            "THEME": str(ROOT / "theme"), "TIMEZONE": "UTC", "SITEURL": "", "RELATIVE_URLS": True,
            "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None, "TRANSLATION_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None, "AUTHOR_FEED_RSS": None, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
            "GNEWS_FEEDS": [], "GNEWS_SYNC_ON_BUILD": False, "GNEWS_SEARCH": False})
        Pelican(settings).run()

    def page(self, relpath: str) -> str:
        return (self.output / relpath).read_text(encoding="utf-8")


def test_a_first_sync_archives_its_old_items_and_the_build_lists_them_on_their_days(tmp_path):
    site = Project(tmp_path / "site")
    report = site.sync([OLD_A, SAME_AS_LIVE, *LIVE, NAMESAKE, OLD_B])
    [result] = report.results
    assert result.too_old == 4 and len(result.written) == 3
    assert report.retention.old_items_archived == 3 and report.retention.archived == 0
    assert "3 item(s) older than the retention window archived" in report.summary()

    # The new items are stories; the old ones are not.
    stories = site.stories()
    assert sorted(s["title"] for s in stories.values()) == sorted(i.title for i in LIVE)
    live_slugs = set(stories)

    # The old ones are lines, in the shape retention writes, with the id
    # and slug their stories would have had; none for the live story's article.
    parsed = site.parsed()
    lines = {e.date: e for e in site.lines()}
    assert sorted(lines) == sorted(i.published for i in (OLD_A, OLD_B, NAMESAKE))
    assert list(archive.month_files(site.config.archive_dir)) == ["2026-02", "2026-03"]
    for old in (OLD_A, OLD_B, NAMESAKE):
        line, story = lines[old.published], parsed[old.headline + old.link]
        assert line.id == story_id(*identity_keys(story))
        assert (line.headline, line.outlet, line.link) == (old.headline, old.outlet, old.link)
        assert (line.sources, line.section, line.language) == (2, "Regional", "en-US")  # the feed's section as set
        assert line.slug not in live_slugs
    assert lines[OLD_A.published].slug == base_slug(OLD_A.title)
    # The namesake's slug would have been the live story's: it has its own.
    live_namesake = next(slug for slug, s in stories.items() if s["link"] == LIVE[0].link)
    assert live_namesake == base_slug(LIVE[0].title)
    assert lines[NAMESAKE.published].slug.startswith(live_namesake + "-")
    assert LIVE[1].link not in {e.link for e in site.lines()}

    site.build()
    day = site.page("archive/2026/03/01/index.html")
    assert OLD_A.headline in day and f'id="{lines[OLD_A.published].slug}"' in day
    assert OLD_B.headline in site.page("archive/2026/02/18/index.html")
    assert NAMESAKE.headline in site.page("archive/2026/02/27/index.html")
    # The 404 page's lookup knows their addresses, on their days.
    assert f"{lines[OLD_A.published].slug}.html\t01\n" in site.page("archive/2026/03/urls.txt")
    assert f"{lines[OLD_B.published].slug}.html\t18\n" in site.page("archive/2026/02/urls.txt")
    # The new items have their pages, and are on their day's page as links to them.
    today = site.page("archive/2026/03/10/index.html")
    for slug in live_slugs:
        assert (site.output / f"{slug}.html").is_file()
        assert f'href="../../../../{slug}.html"' in today
    assert today.count(LIVE[1].headline) == 1
    assert not (site.output / "archive/2026/02/28").exists()  # SAME_AS_LIVE's day: no line


def test_later_syncs_add_no_line_and_rewrite_no_month_file(tmp_path):
    site = Project(tmp_path / "site")
    site.sync([OLD_A, *LIVE, OLD_B])
    before = site.month_files()
    assert len(site.lines()) == 2

    # The next hour: the feed has changed (a new item), the old items are still in it.
    newer = item("Ferry timetable changes from Monday", "Granite Times", T0 + timedelta(hours=4))
    report = site.sync([OLD_A, *LIVE, OLD_B, newer], now=NOW + timedelta(hours=2))
    assert report.results[0].too_old == 2 and len(report.results[0].written) == 1
    assert report.retention.old_items_archived == 0 and "window archived" not in report.summary()
    assert site.month_files() == before

    # A first sync run again (one killed before it recorded the feed): the
    # same items have the same ids, so nothing is added or rewritten.
    state = json.loads(site.config.state_file.read_text(encoding="utf-8"))
    state["feeds"] = {}
    site.config.state_file.write_text(json.dumps(state), encoding="utf-8")
    report = site.sync([OLD_A, *LIVE, OLD_B, newer], now=NOW + timedelta(hours=3), built=T0)
    assert report.results[0].too_old == 2 and report.retention.old_items_archived == 0
    assert site.month_files() == before
    assert len(site.lines()) == 2


def test_an_old_item_of_a_story_the_site_has_or_has_archived_gets_no_line(tmp_path):
    # Day 0: the story is synced from one feed, and has a page.
    site = Project(tmp_path / "site")
    story = item("Bridge inspection finds cracks in two pillars", "Valley Post", T0)
    site.sync([story], now=T0 + timedelta(hours=1))
    assert len(site.stories()) == 1 and not site.lines()

    # Day 8: a second feed's first sync carries another article of it (led
    # by its related article), now older than the window: no line from the
    # feed; retention then archives the story.
    other = Project(tmp_path / "site", category="Local")
    other.feed = tmp_path / "site" / "local.xml"
    other.config = from_pelican({"PATH": str(other.content), "GNEWS_FEEDS": [str(other.feed)]})
    [related] = story.related
    turned = Item(related.headline, related.outlet, "https://second.example", related.url, T0 + timedelta(hours=1),
                  [Related(story.headline, story.outlet, story.url)])
    fresh = item("Ferry timetable changes from Monday", "Granite Times", T0 + timedelta(days=8))
    report = other.sync([turned, fresh], now=T0 + timedelta(days=8, hours=1))
    assert report.results[0].too_old == 1 and report.retention.old_items_archived == 0
    assert report.retention.archived == 1
    [line] = site.lines()
    assert line.link == story.link
    before = site.month_files()

    # Day 9: a third feed's first sync carries it too: it is archived already.
    third = Project(tmp_path / "site")
    third.feed = tmp_path / "site" / "third.xml"
    third.config = from_pelican({"PATH": str(third.content), "GNEWS_FEEDS": [str(third.feed)]})
    report = third.sync([story, fresh], now=T0 + timedelta(days=9))
    assert report.results[0].too_old == 1 and report.retention.old_items_archived == 0
    assert site.month_files() == before


def test_the_line_is_the_one_its_story_would_have_left(tmp_path):
    # Synced in its day, then retired by retention...
    then = Project(tmp_path / "then")
    then.sync([OLD_A], now=OLD_A.published + timedelta(hours=1))
    then.sync([LIVE[2]], now=NOW)
    # ...or first seen by a sync when it was already old.
    now = Project(tmp_path / "now")
    now.sync([OLD_A, LIVE[2]])
    [retired], [archived] = then.lines(), now.lines()
    assert archived.as_line() == retired.as_line()


def test_items_older_than_the_archive_months_are_dropped_and_counted(tmp_path):
    site = Project(tmp_path / "site", GNEWS_ARCHIVE_MONTHS=1)
    ancient = item("Harbour plan first presented", "Coast Daily", T0 - timedelta(days=70))  # December
    report = site.sync([ancient, OLD_A, *LIVE])
    assert report.results[0].too_old == 2
    assert (report.retention.old_items_archived, report.retention.old_items_dropped) == (1, 1)
    assert "1 item(s) older than GNEWS_ARCHIVE_MONTHS dropped" in report.summary()
    assert [e.headline for e in site.lines()] == [OLD_A.headline]
    assert list(archive.month_files(site.config.archive_dir)) == ["2026-03"]


@pytest.mark.parametrize("where", ["while the month file is written", "after the lines, before the stories"])
def test_a_sync_killed_midway_leaves_no_half_file_and_the_next_one_finishes(tmp_path, monkeypatch, where):
    reference = Project(tmp_path / "reference")
    reference.sync([OLD_A, *LIVE, OLD_B])
    site = Project(tmp_path / "site")
    if where == "while the month file is written":
        def killed(path, data, temp_dir):
            atomic.stage(data[: len(data) // 2], temp_dir)  # cut off before its rename
            raise KeyboardInterrupt

        monkeypatch.setattr(archive, "write_atomic", killed)
    else:
        real = archive.add

        def killed(*args):
            real(*args)
            raise KeyboardInterrupt

        monkeypatch.setattr(archive, "add", killed)
    with pytest.raises(KeyboardInterrupt):
        site.sync([OLD_A, *LIVE, OLD_B])
    monkeypatch.undo()
    if where == "while the month file is written":
        assert not site.lines() and not list(site.config.archive_dir.glob("*.jsonl"))
    else:
        assert len(site.lines()) == 2 and not site.stories()
    assert "sha256" not in SyncState.load(site.config.state_file).feeds.get(str(site.feed), {})

    report = site.sync([OLD_A, *LIVE, OLD_B])
    assert len(report.results[0].written) == 3
    assert {n: b for n, (b, _) in site.month_files().items()} == \
        {n: b for n, (b, _) in reference.month_files().items()}
    assert sorted(site.stories()) == sorted(reference.stories())
    leftovers = [p for p in tmp_path.joinpath("site").rglob("*") if p.is_file() and p.name.endswith(".tmp")]
    assert leftovers == []


def test_an_old_item_of_a_feed_synced_before_gets_no_line(tmp_path):
    """Once a feed was synced, its old items were seen in their day: one
    that joined a story by another article (Google turned the cluster's
    lead) must not get a line of its own when that story has left."""
    site = Project(tmp_path / "site")
    story = item("Bridge inspection finds cracks in two pillars", "Valley Post", T0)
    [related] = story.related
    turned = Item(related.headline, related.outlet, "https://second.example", related.url, T0 + timedelta(hours=1),
                  [Related(story.headline, story.outlet, story.url)])
    site.sync([story], now=T0 + timedelta(hours=1))
    report = site.sync([turned], now=T0 + timedelta(hours=2))
    assert report.results[0].unchanged + len(report.results[0].updated) == 1 and len(site.stories()) == 1
    # Day 9: the story leaves its page; the turned item is still in the feed.
    fresh = [item(f"Ferry timetable changes {n}", "Granite Times", T0 + timedelta(days=9, hours=n)) for n in range(3)]
    report = site.sync([turned, *fresh[:2]], now=T0 + timedelta(days=9, hours=2))
    assert report.retention.archived == 1 and len(site.lines()) == 1
    report = site.sync([turned, *fresh], now=T0 + timedelta(days=9, hours=3))
    assert report.results[0].too_old == 1 and report.retention.old_items_archived == 0
    [line] = site.lines()
    assert line.link == story.link
