"""A JSON Feed (version 1.1, https://jsonfeed.org/version/1.1) beside each
Atom feed: `feeds/all.atom.xml` gets `feeds/all.json`.

Pelican writes Atom through feedgenerator; the JSON Feed is made from the
same feedgenerator object (the same entries, titles, links, dates and
content, after Pelican's own cleaning), so the two never disagree. The
writer (writer.py) writes it with its Atom feed and keeps it when the Atom
feed is kept.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from markupsafe import Markup

VERSION = "https://jsonfeed.org/version/1.1"
# In a feedgenerator item: its JSON Feed item as text, made once for every
# feed showing it (feed_entries.py).
ITEM_TEXT = "_gnews_json_item"


def path_for(atom_path: str) -> str:
    """`feeds/tag/x.atom.xml` -> `feeds/tag/x.json` (any other name: `.json` added)."""
    for suffix in (".atom.xml", ".rss.xml", ".xml"):
        if atom_path.endswith(suffix):
            return atom_path[: -len(suffix)] + ".json"
    return atom_path + ".json"


def _date(value: datetime) -> str:
    """RFC 3339, as JSON Feed requires."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat(timespec="seconds")


def item_text(entry: dict) -> str:
    """A feedgenerator item as a JSON Feed item, as text (at the indent of
    a document's top level: `document` indents it to its place)."""
    return json.dumps(_item(entry), ensure_ascii=False, indent=1)


def _item(entry: dict) -> dict:
    item = {"id": str(entry["unique_id"]), "url": str(entry["link"]), "title": str(entry["title"])}
    content, summary = entry.get("content"), entry.get("description")
    if content:
        item["content_html"] = str(content)
        if summary:
            item["summary"] = Markup(summary).striptags()
    elif summary:
        item["content_html"] = str(summary)
    else:
        item["content_text"] = ""  # an item must have one or the other
    if entry.get("pubdate"):
        item["date_published"] = _date(entry["pubdate"])
    if entry.get("updateddate"):
        item["date_modified"] = _date(entry["updateddate"])
    tags = [str(tag) for tag in entry.get("categories") or () if str(tag)]
    if tags:
        item["tags"] = tags
    if entry.get("author_name"):
        item["authors"] = [{"name": str(entry["author_name"])}]
    return item


def document(feed, feed_url: str, language: str = "") -> str:
    """The JSON Feed of a feedgenerator feed, as text."""
    info = feed.feed
    doc = {"version": VERSION, "title": str(info["title"]), "home_page_url": str(info["link"]),
           "feed_url": feed_url}
    if info.get("description"):
        doc["description"] = str(info["description"])
    if language:
        doc["language"] = language
    # ensure_ascii=False keeps every script readable; json escapes quotes
    # and control characters (so no text holds a line break of its own).
    head = json.dumps(doc, ensure_ascii=False, indent=1)
    items = [entry.get(ITEM_TEXT) or item_text(entry) for entry in feed.items]
    # The items, last, as json.dumps(indent=1) writes a list at that depth.
    body = "[\n" + ",\n".join("  " + text.replace("\n", "\n  ") for text in items) + "\n ]" if items else "[]"
    return f'{head[:-2]},\n "items": {body}\n}}\n'
