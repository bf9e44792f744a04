"""The parser against the real Google News feeds in ../shared/feeds and
against invented items that exercise one rule each."""

import logging
from datetime import datetime, timezone

import pytest
from conftest import SHARED_FEEDS, needs_shared
from feedmaker import Item, Related, feed_xml, item_xml

from pelican_gnews.ingest.parse import FeedError, parse_feed

NOW = datetime(2026, 1, 10, tzinfo=timezone.utc)


def _shared(name):
    return parse_feed((SHARED_FEEDS / name).read_bytes(), name, now=NOW)


@needs_shared
def test_seed_feed_gives_the_seed_story():
    feed = _shared("seed_world_2026-01-09_one_item.xml")
    assert (feed.section, feed.language) == ("World", "en-US")
    [story] = feed.stories
    assert story.headline == "Zelensky says Ukraine does not have clear security pledge from allies"
    assert (story.outlet, story.outlet_url) == ("BBC", "https://www.bbc.com")
    assert story.published == datetime(2026, 1, 9, 11, 32, tzinfo=timezone.utc)
    assert story.cluster.outlets == ["BBC", "CNN", "Al Jazeera", "The Guardian", "The Hill"]
    assert story.cluster.entries[0].link == story.link  # the first related article is the item
    assert story.cluster.full_coverage == ""


@needs_shared
def test_top_stories_2019_clusters_and_full_coverage():
    feed = _shared("en_US_top_stories_2019-11-14_view_full_coverage.xml")
    assert len(feed.stories) == 38 and feed.skipped == []
    sizes = [len(s.cluster.entries) for s in feed.stories]
    assert min(sizes) == 1 and max(sizes) == 5
    assert any(size == 1 for size in sizes) and any(size > 1 for size in sizes)
    for story in feed.stories:
        # Every item has the full-coverage link, and it is never an outlet.
        assert story.cluster.full_coverage.startswith("https://news.google.com/stories/")
        assert all("full coverage" not in e.headline.lower() for e in story.cluster.entries)
        assert all(e.outlet and e.link.startswith("https://") for e in story.cluster.entries)
        assert story.cluster.entries[0].outlet == story.outlet
        assert not story.headline.endswith(f" - {story.outlet}")
        assert story.published.tzinfo is not None


@needs_shared
def test_search_feed_2025_every_item_single_source():
    feed = _shared("en_US_search_satellite_data_2025-07-29_no_clusters.xml")
    assert len(feed.stories) == 100
    assert feed.section == "satellite data"
    for story in feed.stories:
        assert len(story.cluster.entries) == 1
        assert story.cluster.entries[0].outlet == story.outlet
        assert story.cluster.entries[0].headline == story.headline
        assert "&amp;" not in story.title and "&nbsp;" not in story.headline


@needs_shared
def test_legacy_2012_feed_degrades_without_crash():
    feed = _shared("legacy_en_uk_topic_vladimir_putin_2012_NFE1.xml")
    assert len(feed.stories) == 10
    for story in feed.stories:
        assert story.headline and story.link.startswith("http://news.google.com/")
        assert story.outlet  # recovered from the cluster, as there is no <source>
        assert story.title == f"{story.headline} - {story.outlet}"
    first = feed.stories[0]
    assert first.cluster.outlets[:2] == ["Telegraph.co.uk", "Reuters UK"]


def _one(item: str, **kw) -> str:
    return feed_xml("World - Latest - Google News",
                    "https://news.google.com/topics/T?hl=en-US&gl=US&ceid=US:en", "en-US", [item], **kw)


def _item(**kw) -> Item:
    base = dict(headline="Talks resume - again", outlet="CNN", outlet_url="https://cnn.example",
                url="https://cnn.example/a", published=datetime(2026, 1, 9, 8, tzinfo=timezone.utc),
                related=[Related("Other take", "BBC", "https://bbc.example/b")])
    base.update(kw)
    return Item(**base)


def test_title_is_split_only_where_the_suffix_is_the_source():
    story = parse_feed(_one(item_xml(_item())).encode(), "f").stories[0]
    assert story.headline == "Talks resume - again" and story.outlet == "CNN"
    # The suffix names another outlet than <source>: the title stays whole.
    xml = item_xml(_item()).replace(">CNN</source>", ">Reuters</source>")
    story = parse_feed(_one(xml).encode(), "f").stories[0]
    assert story.headline == "Talks resume - again - CNN" and story.outlet == "Reuters"


def test_missing_and_invalid_dates_fall_back_with_a_warning(caplog):
    caplog.set_level(logging.WARNING)
    good = item_xml(_item())
    missing = good.replace(good[good.index("<pubDate>"):good.index("</pubDate>") + 10], "")
    invalid = item_xml(_item(url="https://cnn.example/z")).replace("GMT</pubDate>", "XYZ nonsense</pubDate>")
    invalid = invalid.replace(invalid[invalid.index("<pubDate>") + 9:invalid.index("</pubDate>")], "not a date")
    future = item_xml(_item(url="https://cnn.example/f", published=datetime(2031, 1, 1, tzinfo=timezone.utc)))
    built = datetime(2026, 1, 9, 14, 5, 11, tzinfo=timezone.utc)
    feed = parse_feed(feed_xml("X - Google News", "https://news.google.com/", "en", [missing, invalid, future],
                               built=built).encode(), "myfeed.xml", now=NOW)
    assert [s.published for s in feed.stories] == [built] * 3
    assert all(s.date_is_fallback for s in feed.stories)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("myfeed.xml: item" in m for m in messages) == 3
    assert any("no valid publish date" in m for m in messages)
    assert any("future date 2031-01-01" in m for m in messages)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"<!doctype html><html><head><title>Before you continue</title></head><body>consent</body></html>",
     "not a feed"),
    (b"\x89PNG\r\n\x1a\n binary", "not a feed"),
])
def test_documents_that_are_not_feeds_raise_feed_error(data, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed(data, "bad")


def test_hostile_values_become_plain_text_and_bad_links_go():
    xml = item_xml(_item(headline="&lt;script&gt;alert(1)&lt;/script&gt; \x00 news"))
    xml = xml.replace("<link>https://news.google.com", "<link>javascript:alert(1)//news.google.com")
    story = parse_feed(_one(xml).encode(), "f").stories[0]
    assert "<script>" in story.headline and "\x00" not in story.headline
    assert story.link == ""
    assert story.guid  # still identifiable by its guid


def test_out_of_range_character_reference_does_not_escape_the_parser():
    xml = _one(item_xml(_item())).replace("Talks resume", "Talks &#x110000; resume")
    try:
        feed = parse_feed(xml.encode(), "f")
    except FeedError as exc:
        assert "parse error" in str(exc)
    else:
        assert len(feed.stories) == 1


def test_item_without_title_or_identity_is_skipped_with_a_message():
    no_title = "<item><link>https://news.google.com/rss/articles/X</link></item>"
    nothing = "<item><title>Headline - CNN</title></item>"
    feed = parse_feed(_one(no_title).replace("</item>", "</item>" + nothing, 1).encode(), "feed-x")
    assert feed.stories == []
    assert len(feed.skipped) == 2 and all(m.startswith("feed-x: item") for m in feed.skipped)


def test_language_falls_back_to_the_edition_in_the_link():
    xml = _one(item_xml(_item())).replace("<language>en-US</language>", "")
    xml = xml.replace("hl=en-US", "hl=ja")
    assert parse_feed(xml.encode(), "f").language == "ja"
