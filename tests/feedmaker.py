"""Write RSS documents in Google News's exact format, for tests and samples.

The shape follows the real feeds: an NFE/5.0 channel, items whose <title> is
"Headline - Outlet", an opaque article link and guid, an RFC 822 pubDate, a
description that is entity-escaped HTML (an <ol> cluster, or a single
<a>…<font> for one source), and a <source url> element.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime


@dataclass
class Related:
    headline: str
    outlet: str
    url: str  # the publisher's article URL, embedded in the link token


@dataclass
class Item:
    headline: str
    outlet: str
    outlet_url: str
    url: str
    published: datetime
    related: list[Related] = field(default_factory=list)
    full_coverage: str = ""
    guid: str | None = None  # default: the link token
    opaque: bool = False  # tokens as feeds write them since 2024: an AU_yqL… handle, no URL

    @property
    def title(self) -> str:
        return f"{self.headline} - {self.outlet}"

    @property
    def token(self) -> str:
        return article_token(self.url, self.opaque)

    @property
    def link(self) -> str:
        return article_link(self.url, self.opaque)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def article_token(url: str, opaque: bool = False) -> str:
    """A CBMi… token: field 1 = 19, field 4 = the URL as older feeds wrote
    it, or (`opaque`) an AU_yqL… handle that only Google can resolve."""
    raw = url.encode()
    if opaque:
        raw = b"AU_yqL" + base64.urlsafe_b64encode(hashlib.sha256(raw).digest() * 4).rstrip(b"=")
    payload = b"\x08\x13\x22" + _varint(len(raw)) + raw
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def article_link(url: str, opaque: bool = False) -> str:
    return f"https://news.google.com/rss/articles/{article_token(url, opaque)}?oc=5"


def _anchor(link: str, headline: str, outlet: str) -> str:
    return (
        f'<a href="{html.escape(link)}" target="_blank">{html.escape(headline, quote=False)}</a>'
        f'&nbsp;&nbsp;<font color="#6f6f6f">{html.escape(outlet, quote=False)}</font>'
    )


def _full(link: str) -> str:
    return (f'<strong><a href="{html.escape(link)}" target="_blank">'
            "View full coverage on Google News</a></strong>")


def description_html(item: Item) -> str:
    entries = [(item.link, item.headline, item.outlet)] + [
        (article_link(r.url, item.opaque), r.headline, r.outlet) for r in item.related
    ]
    if len(entries) == 1:
        return _anchor(*entries[0]) + (_full(item.full_coverage) if item.full_coverage else "")
    lis = "".join(f"<li>{_anchor(*e)}</li>" for e in entries)
    if item.full_coverage:
        lis += f"<li>{_full(item.full_coverage)}</li>"
    return f"<ol>{lis}</ol>"


def item_xml(item: Item) -> str:
    guid = item.token if item.guid is None else item.guid
    return (
        "<item>"
        f"<title>{html.escape(item.title, quote=False)}</title>"
        f"<link>{html.escape(item.link)}</link>"
        f'<guid isPermaLink="false">{html.escape(guid)}</guid>'
        f"<pubDate>{format_datetime(item.published.astimezone(timezone.utc), usegmt=True)}</pubDate>"
        f"<description>{html.escape(description_html(item), quote=False)}</description>"
        f'<source url="{html.escape(item.outlet_url)}">{html.escape(item.outlet, quote=False)}</source>'
        "</item>"
    )


def feed_xml(title: str, link: str, language: str, items: list[Item] | list[str],
             built: datetime | None = None) -> str:
    """A whole feed. `items` may be Item objects or ready-made <item> strings."""
    built = built or datetime(2026, 1, 9, 14, 5, 11, tzinfo=timezone.utc)
    body = "".join(i if isinstance(i, str) else item_xml(i) for i in items)
    year = built.year
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<rss xmlns:media="http://search.yahoo.com/mrss/" version="2.0"><channel>'
        "<generator>NFE/5.0</generator>"
        f"<title>{html.escape(title, quote=False)}</title>"
        f"<link>{html.escape(link)}</link>"
        f"<language>{html.escape(language)}</language>"
        "<webMaster>news-webmaster@google.com</webMaster>"
        f"<copyright>Copyright © {year} Google. All rights reserved. This XML feed is made "
        "available solely for the purpose of rendering Google News results within a personal "
        "feed reader for personal, non-commercial use. Any other use of the feed is expressly "
        "prohibited. By accessing this feed or using these results in any manner whatsoever, "
        "you agree to be bound by the foregoing restrictions.</copyright>"
        f"<lastBuildDate>{format_datetime(built, usegmt=True)}</lastBuildDate>"
        "<description>Google News</description>"
        f"{body}</channel></rss>"
    )


def topic_link(topic_id: str, hl: str = "en-US", gl: str = "US") -> str:
    lang = hl.split("-")[0]
    return f"https://news.google.com/topics/{topic_id}?hl={hl}&gl={gl}&ceid={gl}:{lang}"
