"""A story page shows how its story grew (issue 21, points 4 and 5).

The outlets a story had when a sync first saw it carry no time (the sync's
clock is no publication time); each outlet added later says when it was
added. An edited story, whose file the sync no longer rewrites, still lists
(by name, from the state) and counts the outlets that joined it since, and
its card says the same count. A story file an editor moved keeps its facts
in a build that runs before the next sync. Real sites, synced from feeds in
Google News's shape (tests/feedmaker.py) and built by Pelican.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
from conftest import card_count, heading_count
from feedmaker import Item, Related, feed_xml

from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

NOW = datetime.now(timezone.utc).replace(microsecond=0)
EARLIER = NOW - timedelta(hours=3)

LEAD = Item("Rail link reopens after 20 years", "Harbor Ledger", "https://harbor.example",
            "https://harbor.example/rail", EARLIER - timedelta(minutes=30),
            [Related("Trains run again between the capitals", "Valley Post", "https://valley.example/rail"),
             Related("Border towns celebrate first train", "Granite Times", "https://granite.example/rail")])
LATE = Related("First passengers cross the border", "Summit Daily", "https://summit.example/rail")
PAGE = "rail-link-reopens-after-20-years-harbor-ledger.html"


def write_feed(site, items: list[Item]) -> str:
    path = site.root / "top.xml"
    path.write_text(feed_xml("Top stories - Google News", "https://news.google.com/", "en-US", items),
                    encoding="utf-8")
    return str(path)


def synced(site, items: list[Item], now: datetime):
    config = from_pelican({**site.settings, "GNEWS_FEEDS": [write_feed(site, items)], "GNEWS_RETENTION_DAYS": 0})
    report = sync(config, now=now)
    assert report.ok, report.failed
    return report.results[0]


def grown(item: Item, *extra: Related) -> Item:
    return Item(item.headline, item.outlet, item.outlet_url, item.url, item.published, [*item.related, *extra])


def coverage(page: str) -> list[dict]:
    """Each entry of the story page's coverage list: its headline (None
    for an outlet the state alone knows), outlet, and the text and
    datetime of its "added" note (None when it has none)."""
    listed = page.split('<ol class="coverage">', 1)[1].split("</ol>", 1)[0]
    entries = []
    for item in re.findall(r"<li>(.*?)</li>", listed, re.S):
        headline = re.match(r'<a href="[^"]*"><bdi>(.*?)</bdi></a>', item)
        outlet = re.search(r'<span class="outlet"><bdi>(.*?)</bdi></span>', item)
        joined = re.search(r'<span class="joined"[^>]*>(.*?)</span>', item, re.S)
        moment = re.search(r'<time datetime="([^"]+)">', joined.group(1)) if joined else None
        entries.append({
            "headline": unescape(headline.group(1)) if headline else None,
            "outlet": unescape(outlet.group(1)),
            "added": unescape(re.sub(r"<[^>]+>", "", joined.group(1))) if joined else None,
            "at": datetime.fromisoformat(moment.group(1)) if moment else None,
            "times": item.count("<time"),
        })
    return entries




def test_a_first_sync_shows_no_time_on_any_outlet(site):
    assert len(synced(site, [LEAD], EARLIER).written) == 1
    site.build(GNEWS_SYNC_ON_BUILD=False)
    page = site.page(PAGE)
    entries = coverage(page)
    assert [e["outlet"] for e in entries] == ["Harbor Ledger", "Valley Post", "Granite Times"]
    # Every outlet joined at the sync's minute: none shows it.
    assert all(e["added"] is None and e["times"] == 0 for e in entries)
    assert 'class="joined"' not in page
    assert heading_count(page) == len(entries) == card_count(site.page("index.html"), LEAD.headline)
    assert "First seen" in page  # the story's own first-seen time stays, once


@pytest.mark.slow
def test_a_later_sync_marks_the_one_outlet_it_added_with_when(site):
    synced(site, [LEAD], EARLIER)
    story = next(site.content.glob("news/rail-link-*.md"))
    result = synced(site, [grown(LEAD, LATE)], NOW)
    assert result.updated == [story]  # not edited: the sync appends to the file
    site.build(GNEWS_SYNC_ON_BUILD=False)
    page = site.page(PAGE)
    entries = coverage(page)
    assert [e["outlet"] for e in entries] == ["Harbor Ledger", "Valley Post", "Granite Times", "Summit Daily"]
    added = [e for e in entries if e["added"]]
    assert [e["outlet"] for e in added] == ["Summit Daily"] and added[0]["headline"] == LATE.headline
    # When it was added: the second sync's time, in the site's zone and language.
    assert added[0]["at"] == NOW and added[0]["times"] == 1
    assert added[0]["added"].startswith("added ") and added[0]["added"].endswith(" UTC")
    assert heading_count(page) == 4 == card_count(site.page("index.html"), LEAD.headline)

    # In Japanese, in Tokyo's time.
    site.build(GNEWS_SYNC_ON_BUILD=False, DEFAULT_LANG="ja", TIMEZONE="Asia/Tokyo")
    tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    page = site.page(PAGE)
    notes = [e["added"] for e in coverage(page) if e["added"]]
    assert notes == [f"追加 {tokyo.year}年{tokyo.month}月{tokyo.day}日 {tokyo.hour}:{tokyo:%M} JST"]
    # The note is the interface's, in the site's language on an English story's page.
    assert page.count('<span class="joined" lang="ja" dir="ltr">') == 1


@pytest.mark.slow
def test_an_edited_story_lists_and_counts_the_outlet_that_joined_it_later(site):
    synced(site, [LEAD], EARLIER)
    story = next(site.content.glob("news/rail-link-*.md"))
    story.write_text(story.read_text().replace("draft: false", "draft: false\nnote: checked"))
    edited = story.read_bytes()
    result = synced(site, [grown(LEAD, LATE)], NOW)
    assert result.kept_edited == 1 and story.read_bytes() == edited
    site.build(GNEWS_SYNC_ON_BUILD=False)
    assert story.read_bytes() == edited  # the build never writes it either
    page = site.page(PAGE)
    entries = coverage(page)
    assert [e["outlet"] for e in entries] == ["Harbor Ledger", "Valley Post", "Granite Times", "Summit Daily"]
    # The file does not have its headline: the state knows the outlet and when.
    late = entries[-1]
    assert late["headline"] is None and late["at"] == NOW and late["added"].startswith("added ")
    assert [e["outlet"] for e in entries if e["added"]] == ["Summit Daily"]
    assert heading_count(page) == len(entries) == 4
    assert "+1 source lately" in re.sub(r"<[^>]+>", "", page)
    # The cards say what the page shows.
    for listing in ("index.html", "latest.html"):
        assert card_count(site.page(listing), LEAD.headline) == len(entries)
    card = site.page("index.html").split(LEAD.headline, 1)[1].split("</article>", 1)[0]
    assert "Summit Daily" in card  # "Also:" names it with the others


def test_an_outlet_its_editor_took_out_of_the_first_cluster_stays_out(site):
    synced(site, [LEAD], EARLIER)
    story = next(site.content.glob("news/rail-link-*.md"))
    text = story.read_text()
    cut = re.search(r"<li>(?:(?!</li>).)*Granite Times</font></li>", text)
    assert cut, text
    story.write_text(text.replace(cut.group(0), ""))
    synced(site, [grown(LEAD, LATE)], NOW)
    site.build(GNEWS_SYNC_ON_BUILD=False)
    page = site.page(PAGE)
    entries = coverage(page)
    assert [e["outlet"] for e in entries] == ["Harbor Ledger", "Valley Post", "Summit Daily"]
    assert heading_count(page) == 3 == card_count(site.page("latest.html"), LEAD.headline)


@pytest.mark.slow
def test_a_moved_story_file_keeps_its_facts_until_the_next_sync(site):
    """Google's first story is the older one: its rank leads the front page
    only while the build finds its facts."""
    second = Item("Museum returns artefacts to their country of origin", "Granite Times",
                  "https://granite.example", "https://granite.example/museum", EARLIER,
                  [Related("Artefacts go home", "Coastal Wire", "https://coastal.example/museum")])
    synced(site, [LEAD, second], EARLIER)
    synced(site, [grown(LEAD, LATE), second], NOW)
    story = next(site.content.glob("news/rail-link-*.md"))
    moved = story.parent / "transport" / "rail-link.md"
    moved.parent.mkdir()
    story.rename(moved)  # git mv, and no sync since
    state = SyncState.load(site.root / "gnews-state.json")
    assert any(r.file == "news/" + story.name for r in state.stories.values())  # the state still names the old path
    site.build(GNEWS_SYNC_ON_BUILD=False)
    index = site.page("index.html")
    tops = re.findall(r'<h2><a href="[^"]*"><bdi>(.*?)</bdi></a></h2>', index)
    assert tops == [LEAD.headline, second.headline]
    assert card_count(index, LEAD.headline) == 4 and "+1 source lately" in re.sub(r"<[^>]+>", "", index)
    page = site.page(PAGE)
    seen = re.search(r'<p class="seen"[^>]*>.*?<time datetime="([^"]+)">', page, re.S)
    assert seen and datetime.fromisoformat(seen.group(1)) == EARLIER
    assert [(e["outlet"], e["at"]) for e in coverage(page) if e["added"]] == [("Summit Daily", NOW)]


def test_a_copy_of_a_story_does_not_take_its_originals_facts(site):
    synced(site, [LEAD], EARLIER)
    story = next(site.content.glob("news/rail-link-*.md"))
    text = story.read_text()
    slug = re.search(r"^slug: (.*)$", text, re.M).group(1)
    (story.parent / "copy.md").write_text(text.replace(f"slug: {slug}", "slug: rail-copy"))
    site.build(GNEWS_SYNC_ON_BUILD=False)
    assert "First seen" in site.page(PAGE)
    assert "First seen" not in site.page("rail-copy.html")
