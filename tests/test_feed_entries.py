"""A story's feed entry is made once a build for each feed type and site
address, kept between builds by the story's fingerprint, and reads as the
entry Pelican makes every time (publish/feed_entries.py)."""

from __future__ import annotations

import json
import random

from pelican import signals
from pelican.writers import Writer

from pelican_gnews.publish import feed_entries, jsonfeed

FEEDS = {"FEED_ALL_ATOM": "feeds/all.atom.xml", "FEED_ALL_RSS": "feeds/all.rss.xml",
         "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml", "AUTHOR_FEED_ATOM": "feeds/by/{slug}.atom.xml",
         "TAG_FEED_ATOM": "feeds/tag/{slug}.atom.xml", "TAG_FEED_RSS": "feeds/tag/{slug}.rss.xml",
         "GNEWS_JSON_FEEDS": True, "SITEURL": "https://news.example", "RELATIVE_URLS": False}


def _feeds(output) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted((output / "feeds").rglob("*"))
            if p.is_file()}


def _made_by_pelican(monkeypatch) -> list:
    """Calls of Pelican's own entry making, by story."""
    made = []
    original = Writer._add_item_to_the_feed
    monkeypatch.setattr(Writer, "_add_item_to_the_feed",
                        lambda self, feed, item: (made.append(item), original(self, feed, item))[1])
    return made


def test_entries_made_once_read_as_entries_made_every_time(site, tmp_path, monkeypatch):
    site.write_listed_stories(title="Story {n} & <more> - Wire {w}", other="Other «{n}»", author="Desk {a}")
    made = _made_by_pelican(monkeypatch)
    site.build(**FEEDS)
    kept = _feeds(site.output)
    assert {"all.atom.xml", "all.rss.xml", "all.json", "tag/harbor.atom.xml", "tag/harbor.rss.xml"} <= {
        name.removeprefix("feeds/") for name in kept}
    # (Each story's own feed is made by story_feeds.py, not by Pelican.)
    shown = sum(feed.count(b"<entry>") + feed.count(b"<item>") for name, feed in kept.items()
                if not name.startswith("feeds/story/"))
    # Once for each story and feed type (Atom, RSS), though each is in many feeds.
    assert len(made) == 8 * 2 < shown

    monkeypatch.setattr(feed_entries.EntryStore, "keeping", staticmethod(lambda feed: False))
    made.clear()
    site.build(**FEEDS, OUTPUT_PATH=str(tmp_path / "every-time"))
    assert len(made) == shown
    assert _feeds(tmp_path / "every-time") == kept


def test_entries_kept_between_builds_are_the_entries_a_cold_build_writes(site, tmp_path, monkeypatch):
    site.write_listed_stories(title="Story {n} & <more> - Wire {w}", other="Other «{n}»", author="Desk {a}")
    settings = {**FEEDS, "GNEWS_INCREMENTAL": True, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
                "CACHE_PATH": str(tmp_path / "cache")}
    site.build(**settings)
    assert (tmp_path / "cache" / feed_entries.FILE_NAME).is_file()
    made = _made_by_pelican(monkeypatch)

    def cold(n) -> dict[str, bytes]:
        return _feeds(site.build_cold(tmp_path / f"cold-{n}", **settings))

    # One story grows (its content changes, its address stays). Five new
    # stories spell an author otherwise: the stories of that author, whose
    # files did not change, show the new spelling (reader.settle_name_spellings).
    edited = site.grow("news/s1.md", "https://y.example/1", "Third 1", "Third Desk")
    for n in range(8, 13):
        site.write(f"news/s{n}.md", (site.content / "news" / "s2.md").read_text(encoding="utf-8")
                   .replace("Story 2", f"Story {n}").replace("/2", f"/{n}").replace("Desk 0", "DESK 0")
                   .replace("01-03 02:00", f"01-04 {n}:00"))
    site.build(**settings)
    assert sorted({item.source_path.rsplit("/", 1)[1] for item in made}) == [
        "s0.md", "s1.md", "s10.md", "s11.md", "s12.md", "s2.md", "s4.md", "s6.md", "s8.md", "s9.md"]
    assert _feeds(site.output) == cold(1)
    assert b"<name>DESK 0</name>" in _feeds(site.output)["feeds/by/desk-0.atom.xml"]
    assert b"Third Desk" in _feeds(site.output)["feeds/all.atom.xml"]

    # A damaged file: every entry is made again, and the same.
    (tmp_path / "cache" / feed_entries.FILE_NAME).write_bytes(b"\x80\x04not a pickle")
    edited.write_text(edited.read_text(encoding="utf-8").replace("Third Desk", "Fourth Desk"), encoding="utf-8")
    made.clear()
    site.build(**settings)
    assert len({id(item) for item in made}) == 13
    assert _feeds(site.output) == cold(2)


def test_a_plugin_that_changes_entries_sees_every_entry_made(site, tmp_path):
    site.write_listed_stories(title="Story {n} & <more> - Wire {w}", other="Other «{n}»", author="Desk {a}")

    def shout(context, feed):
        for item in feed.items:
            item["title"] = item["title"].upper()

    signals.feed_generated.connect(shout)
    try:
        site.build(**FEEDS)
    finally:
        signals.feed_generated.disconnect(shout)
    feeds = _feeds(site.output)
    assert b"<title>STORY 3 &amp; &lt;MORE&gt; - WIRE 0</title>" in feeds["feeds/tag/harbor.atom.xml"]
    assert '"title": "STORY 3 & <MORE> - WIRE 0"' in feeds["feeds/all.json"].decode()


def test_a_json_feed_is_the_document_json_writes():
    rnd = random.Random(7)
    words = ["a", "é", "\"quoted\"", "line\nbreak", "tab\t", "<b>bold</b>", "ünï", "\u2028", "{", "]"]
    for _ in range(50):
        items = []
        for n in range(rnd.randrange(0, 4)):
            entry = {"unique_id": f"tag:{n}", "link": f"https://x.example/{n}", "title": rnd.choice(words),
                     "content": rnd.choice(["", *words]), "description": rnd.choice([None, *words]),
                     "categories": rnd.sample(words, rnd.randrange(0, 3)),
                     "author_name": rnd.choice(["", *words]), "pubdate": None, "updateddate": None}
            if rnd.random() < 0.5:
                entry[jsonfeed.ITEM_TEXT] = jsonfeed.item_text(entry)
            items.append(entry)
        feed = type("Feed", (), {})()
        feed.feed = {"title": rnd.choice(words), "link": "https://x.example/", "description": rnd.choice(["", "d"])}
        feed.items = items
        text = jsonfeed.document(feed, "https://x.example/all.json", rnd.choice(["", "sv"]))
        parsed = json.loads(text)
        assert text == json.dumps(parsed, ensure_ascii=False, indent=1) + "\n"
        assert [item["id"] for item in parsed["items"]] == [entry["unique_id"] for entry in items]
