"""Items of many feeds and hours join one story: whatever order they come
in, in a search feed that also carries a Google cluster, after an editor
moved a story file, and as editors decide with `story:` and `joins:`."""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta, timezone

from conftest import ROOT, SHARED_FEEDS, Site, card_count, heading_count, needs_shared
from feedmaker import Item, Related

from pelican_gnews import frontmatter
from pelican_gnews.ingest.identity import article_keys
from pelican_gnews.ingest.parse import parse_feed
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

sys.path.insert(0, str(ROOT / "benchmarks"))
import identity

NOW = datetime(2026, 3, 4, 12, tzinfo=timezone.utc)


def _item(headline: str, outlet: str, n: int, hours: float = 0, related=()) -> Item:
    return Item(headline, outlet, f"https://{outlet.lower().replace(' ', '')}.example",
                f"https://{outlet.lower().replace(' ', '')}.example/{n}", NOW - timedelta(hours=hours),
                list(related))


# One statement in Korean told by two outlets, one proclamation in English
# told by five, and other events of the same days.
KOREAN = [_item('박홍근 "호남 반도체 … 팹 증설도 구상"', "조선일보", 1, 2),
          _item('박홍근, 호남 반도체 팹 증설도 구상 밝혀', "한겨레", 2, 1)]
PROCLAMATION = [_item(f"Trump signs proclamation restricting entry from {n} countries", outlet, 10 + i, i / 2)
                for i, (n, outlet) in enumerate([(12, "Harbor Ledger"), (12, "Granite Times"), (19, "Coastal Wire"),
                                                 (12, "Valley Post"), (12, "Meridian Herald")])]
PROCLAMATION[3].headline = "Trump proclamation bars travelers from 12 countries, restricts 7 more"
OTHERS = [_item("Osaka port strike enters third day", "Summit Daily", 30, 3),
          _item("Storm closes Lisbon schools for a second day", "Lakeside Gazette", 31, 4),
          _item("Hobart council approves flood barrier budget", "Northfield Tribune", 32, 5),
          _item("국회, 내년도 예산안 처리 지연", "연합뉴스", 33, 2)]
# A clustered item in the same search feed: it must not switch joins off for the rest.
CLUSTERED = _item("Quito rail tunnel opens after a decade", "Valley Post", 40, 6,
                  [Related("Quito rail tunnel opens after a decade", "Valley Post", "https://valleypost.example/40"),
                   Related("Quito's long-awaited rail tunnel finally opens", "Granite Times",
                           "https://granitetimes.example/41")])


def _partition(site, items) -> set[frozenset[str]]:
    found = site.stories([i.token for i in items])
    groups: dict[str, set[str]] = {}
    for item in items:
        groups.setdefault(found.get(item.token, item.token), set()).add(item.token)
    return {frozenset(g) for g in groups.values()}


def test_a_search_feeds_items_join_whatever_the_order_of_items_and_feeds(tmp_path):
    items = KOREAN + PROCLAMATION + OTHERS + [CLUSTERED]
    partitions = []
    for number, order in enumerate([items, items[::-1], items[3:] + items[:3]]):
        site = identity.Site(tmp_path / f"order-{number}")
        site.sync({"search": ('"news" - Google News', order)}, NOW)
        partitions.append(_partition(site, KOREAN + PROCLAMATION + OTHERS))
    # The same items in two feeds, either feed first.
    for number, names in enumerate([("search-a", "search-b"), ("search-b", "search-a")]):
        site = identity.Site(tmp_path / f"feeds-{number}")
        halves = {"search-a": items[::2], "search-b": items[1::2]}
        site.sync({name: (f'"{name}" - Google News', halves[name]) for name in names}, NOW)
        partitions.append(_partition(site, KOREAN + PROCLAMATION + OTHERS))
    assert all(partition == partitions[0] for partition in partitions)
    stories = partitions[0]
    assert frozenset(i.token for i in KOREAN) in stories  # the two outlets' statement: one story
    assert frozenset(i.token for i in PROCLAMATION) in stories  # one event, one page
    # Nothing of the other events joined it, and they stay apart.
    assert all(frozenset({o.token}) in stories for o in OTHERS)


def test_a_search_feed_joins_across_syncs_and_feeds(tmp_path):
    site = identity.Site(tmp_path / "site")
    site.sync({"search": ('"trump" - Google News', PROCLAMATION[:2] + OTHERS[:1])}, NOW - timedelta(hours=1))
    site.sync({"search": ('"trump" - Google News', PROCLAMATION[2:]),
               "search-world": ('"world" - Google News', OTHERS[1:3])}, NOW)
    stories = _partition(site, PROCLAMATION + OTHERS[:3])
    assert frozenset(i.token for i in PROCLAMATION) in stories
    assert len(stories) == 4


def _story_file(site, item) -> tuple[str, object]:
    state = SyncState.load(site.root / "gnews-state.json")
    sid = site.stories([item.token])[item.token]
    return sid, state.stories[sid]


def test_a_moved_story_file_is_the_same_story(tmp_path, caplog):
    site = identity.Site(tmp_path / "site")
    site.sync({"search": ('"trump" - Google News', PROCLAMATION[:2])}, NOW - timedelta(hours=2))
    sid, record = _story_file(site, PROCLAMATION[0])
    old = site.root / "content" / record.file
    moved = old.with_name("renamed-by-an-editor.md")
    old.rename(moved)  # as `git mv` leaves it: same bytes, new name
    with caplog.at_level(logging.INFO, logger="pelican_gnews"):
        site.sync({"search": ('"trump" - Google News', PROCLAMATION[:3])}, NOW)
    after = SyncState.load(site.root / "gnews-state.json").stories[sid]
    assert after.file == "news/renamed-by-an-editor.md" and not after.deleted
    assert (after.seen, after.rank) == (record.seen, record.rank)
    assert "Coastal Wire" in after.joined and list(after.joined)[:2] == list(record.joined)
    assert PROCLAMATION[2].headline in moved.read_text(encoding="utf-8")  # ours still: it grew
    assert not old.exists()
    assert any("was moved to news/renamed-by-an-editor.md" in r.getMessage() for r in caplog.records)
    # Built, the story is one page at its old address, with its three outlets, on the front page.
    built = Site(site.root)
    built.build()
    slug = frontmatter.read(moved)[0]["slug"]
    page = built.page(f"{slug}.html")
    assert heading_count(page) == 3
    assert card_count(built.page("index.html"), PROCLAMATION[0].headline) == 3
    pages = [p for p in built.output.glob("*.html") if f"<h1><bdi>{PROCLAMATION[0].headline}" in p.read_text("utf-8")]
    assert [p.name for p in pages] == [f"{slug}.html"]


def _edit(path, **fields) -> None:
    text = path.read_text(encoding="utf-8")
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    path.write_text(text.replace("\n---\n", f"\n{extra}---\n", 1), encoding="utf-8")


def test_editors_merge_and_split_stories(tmp_path, caplog):
    site = identity.Site(tmp_path / "site")
    first = [PROCLAMATION[0], OTHERS[0], OTHERS[1]]
    site.sync({"search": ('"news" - Google News', first)}, NOW - timedelta(hours=3))
    content = site.root / "content"
    proclamation_sid, proclamation = _story_file(site, PROCLAMATION[0])
    osaka_sid, osaka = _story_file(site, OTHERS[0])
    lisbon_sid, lisbon = _story_file(site, OTHERS[1])
    slug = frontmatter.read(content / proclamation.file)[0]["slug"]
    _edit(content / osaka.file, story=slug)  # Osaka's story goes into the proclamation's
    _edit(content / lisbon.file, joins="false")  # nothing else joins Lisbon's
    osaka_later = _item("Osaka port strike: talks to resume as strike enters third day", "Coastal Wire", 50, 1)
    lisbon_later = _item("Lisbon schools closed for a second day by storm", "Granite Times", 51, 1)
    with caplog.at_level(logging.INFO, logger="pelican_gnews"):
        site.sync({"search": ('"news" - Google News', first + [osaka_later, lisbon_later])}, NOW)
    found = site.stories([osaka_later.token, lisbon_later.token])
    assert found[osaka_later.token] == proclamation_sid  # merged: the Osaka item joins the story it is in
    assert found[lisbon_later.token] not in (lisbon_sid, osaka_sid, proclamation_sid)  # split: a story of its own
    messages = [r.getMessage() for r in caplog.records]
    assert any("merged into this story by news/" in m for m in messages)
    assert any("joins: false" in m for m in messages)
    # The edited files stay as the editors left them.
    assert f"story: {slug}" in (content / osaka.file).read_text(encoding="utf-8")
    # Built: Osaka's story is part of the proclamation's page, not a card of its own.
    built = Site(site.root)
    built.build()
    index = built.page("index.html")
    assert OTHERS[0].headline not in index and PROCLAMATION[0].headline in index
    page = built.page(f"{slug}.html")
    assert "Summit Daily" in page and "Coastal Wire" in page  # Osaka's first outlet and its later one
    assert heading_count(page) == 3


def test_bad_join_decisions_are_named_and_change_nothing(tmp_path, caplog):
    site = identity.Site(tmp_path / "site")
    site.sync({"search": ('"trump" - Google News', PROCLAMATION[:1])}, NOW - timedelta(hours=3))
    sid, record = _story_file(site, PROCLAMATION[0])
    path = site.root / "content" / record.file
    _edit(path, story="no-such-story", joins="maybe")
    lines = path.read_text(encoding="utf-8").splitlines()
    with caplog.at_level(logging.WARNING, logger="pelican_gnews"):
        site.sync({"search": ('"trump" - Google News', PROCLAMATION[:2])}, NOW)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    story_line = lines.index("story: no-such-story") + 1
    joins_line = lines.index("joins: maybe") + 1
    assert f"{record.file}:{story_line}: story: 'no-such-story' names no story of this site; ignored" in warnings
    assert f"{record.file}:{joins_line}: joins: 'maybe' is not true or false; ignored" in warnings
    # Nothing changed: the second outlet still joins the story.
    assert site.stories([PROCLAMATION[1].token])[PROCLAMATION[1].token] == sid


@needs_shared
def test_a_real_search_feed_joins_one_event_and_keeps_places_apart(tmp_path):
    """The 2025 search feed for "satellite data": two outlets on one
    decision about hurricane data join; wildfires in Cyprus and in Greece,
    told in the same words (one in Title Case), stay two stories."""
    feed = SHARED_FEEDS / "en_US_search_satellite_data_2025-07-29_no_clusters.xml"
    parsed = parse_feed(feed.read_bytes(), feed.name)
    content = tmp_path / "content"
    content.mkdir()
    config = from_pelican({"PATH": str(content), "GNEWS_FEEDS": [str(feed)], "GNEWS_RETENTION_DAYS": 0})
    sync(config, now=max(s.published for s in parsed.stories) + timedelta(hours=1))
    state = SyncState.load(tmp_path / "gnews-state.json")

    def story_of(words: str) -> str:
        [story] = [s for s in parsed.stories if words in s.headline]
        return state.owner(article_keys(story.link)[0])

    hurricane = [story_of(w) for w in ("NOAA delays cutoff of satellite data",
                                       "NOAA delays the cutoff of key satellite data")]
    assert len(set(hurricane)) == 1
    assert story_of("Cyprus") != story_of("Greece")
    fishing = {story_of("Satellite imagery detects illegal fishing"), story_of("New Research: Satellite Imagery")}
    assert len(fishing) == 1
