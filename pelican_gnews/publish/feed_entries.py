"""A story's feed entry made once, however many feeds and builds show it.

A story is an entry of a dozen feeds (the site's, its section's, its
outlet's, each of its tags'), each in Atom and JSON Feed; an hourly build
writes again every feed a new or grown story joins, and most of their
entries are of stories that did not change. Pelican makes an entry from the
story alone (Writer._add_item_to_the_feed: its title, address, content,
summary, section, tags, author and dates) and the feed's SITEURL, then
feedgenerator writes it as XML. Here an entry's XML and its JSON Feed item
are made once a build for each story, feed type, SITEURL and author's
name, and with incremental builds kept between builds by the story's
fingerprint, like cards (cards.StoryStore): an entry kept is the entry a
build from nothing writes.

Entries are made every time while a plugin listens to Pelican's
`feed_generated` signal (it may change a feed's entries before they are
written), and an entry without a date is never kept (feedgenerator gives it
the time it is written).
"""

from __future__ import annotations

import io
import pickle

from feedgenerator import Atom1Feed, Rss201rev2Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator
from pelican import signals

from . import jsonfeed
from .cards import StoryStore, store_of_build

CONTEXT_KEY = "_gnews_feed_entries"
FILE_NAME = "gnews-feed-entries.pickle"
# In a feed's item: the entry's XML, as text (its JSON Feed item's is under
# jsonfeed.ITEM_TEXT).
ENTRY_XML = "_gnews_entry_xml"


class EntryStore(StoryStore):
    def __init__(self):
        super().__init__(FILE_NAME)

    @staticmethod
    def keeping(feed) -> bool:
        """Whether entries of `feed` may be made once: one of the kept feed
        types, and no plugin listening to `feed_generated`."""
        return type(feed) in _KEPT.values() and not signals.feed_generated.receivers

    def kept_item(self, story, variant: tuple) -> dict | None:
        """A feed item of the entry made of `story` (None: none made yet):
        its dates (the feed's `updated` is the latest) and its text."""
        data = self.find(story, variant)
        if data is None:
            return None
        try:
            xml, item_json, pubdate, updateddate = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a damaged file: unpickling raises many kinds; the entry is made again
            return None
        return {"pubdate": pubdate, "updateddate": updateddate, ENTRY_XML: xml, jsonfeed.ITEM_TEXT: item_json}

    def add_item(self, feed, story, variant: tuple, item: dict) -> None:
        """`item`, just made of `story` by Pelican, given its text and kept."""
        xml, item_json = entry_xml(feed, item), jsonfeed.item_text(item)
        item[ENTRY_XML], item[jsonfeed.ITEM_TEXT] = xml, item_json
        if item.get("pubdate") is not None:
            self.add(story, variant, pickle.dumps((xml, item_json, item["pubdate"], item.get("updateddate")),
                                                  pickle.HIGHEST_PROTOCOL))


def of_build(context) -> EntryStore:
    return store_of_build(context, CONTEXT_KEY, EntryStore)


class _KeptEntries:
    """A feed whose entries are written as the text they were made as."""

    def write_items(self, handler):
        for item in self.items:
            # The text as is: an entry's XML was escaped when it was made.
            handler.ignorableWhitespace(item.get(ENTRY_XML) or entry_xml(self, item))


class KeptAtom1Feed(_KeptEntries, Atom1Feed):
    pass


class KeptRss201rev2Feed(_KeptEntries, Rss201rev2Feed):
    pass


_KEPT = {Atom1Feed: KeptAtom1Feed, Rss201rev2Feed: KeptRss201rev2Feed}


def kept_feed(feed):
    """`feed` (Pelican's, just made) as a feed that writes kept entries;
    a feed of another type as it is. The kept types add a method only, so
    the object changes class in place."""
    kept = _KEPT.get(type(feed))
    if kept is not None:
        feed.__class__ = kept
    return feed


def entry_xml(feed, item: dict) -> str:
    """One item of `feed` as feedgenerator writes it inside the feed."""
    out = io.StringIO()
    one = _OneItem(feed, item)
    base = next(cls for cls in _KEPT if isinstance(feed, cls))
    base.write_items(one, SimplerXMLGenerator(out, "utf-8", short_empty_elements=True))
    return out.getvalue()


class _OneItem:
    """`feed` as if `item` were its only one (what write_items reads)."""

    def __init__(self, feed, item: dict):
        self._feed, self.items = feed, [item]

    def __getattr__(self, name):
        return getattr(self._feed, name)
