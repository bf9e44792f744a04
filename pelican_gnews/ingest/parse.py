"""Parse a Google News RSS document into story records.

feedparser does the XML; everything it returns is treated as untrusted and
cleaned here (see text.py), so the records this module returns hold plain text
and http(s) links only.
"""

from __future__ import annotations

import bisect
import calendar
import logging
import re
import xml.sax
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from ..cluster import MAX_OUTLET, Cluster, Coverage, parse_cluster
from ..languages import language_tag
from ..text import clean_text, html_to_text, safe_url

logger = logging.getLogger(__name__)

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_TRUNCATED = re.compile(r"no element found|unclosed token|unclosed CDATA")
# A numeric character reference; feedparser raises on one that names no
# character (a surrogate, beyond U+10FFFF, too many digits for an int).
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_ITEM_START = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]")
# A publish time further ahead than this is a feed error, not news.
MAX_FUTURE = timedelta(days=1)


class FeedError(Exception):
    """A document that is not a usable feed. The message says why."""


@dataclass(frozen=True)
class Story:
    title: str  # the item's <title>: "Headline - Outlet"
    headline: str  # the title without the outlet suffix
    outlet: str
    outlet_url: str
    link: str
    guid: str
    published: datetime  # timezone-aware, UTC
    cluster: Cluster
    image: str = ""
    date_is_fallback: bool = False

    @property
    def coverage(self) -> tuple[Coverage, ...]:
        """The cluster as shown: the story itself always heads it."""
        if self.cluster.entries:
            return self.cluster.entries
        if self.link and self.outlet:  # an entry names its outlet (see cluster.py)
            return (Coverage(self.headline, self.link, self.outlet),)
        return ()


@dataclass
class ParsedFeed:
    title: str
    section: str
    language: str
    link: str
    stories: list[Story] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one message per dropped item

    @property
    def lists_articles(self) -> bool:
        """A search feed: Google lists articles, each on its own, not
        stories it has clustered (topics, top stories, places)."""
        return "/search" in urlsplit(self.link).path


_QUOTE_PAIRS = (('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"), ("«", "»"), ("‹", "›"), ("„", "“"),
                ("「", "」"), ("『", "』"))
# A title's segments are parted by a dash between spaces (hyphen, en or em).
_SEGMENTS = re.compile(r"\s+[-\u2013\u2014]\s+")


def section_from_title(title: str) -> str:
    """'World - Latest - Google News' -> 'World'; '"q" - Google 뉴스' -> 'q'.

    Every edition ends its feeds' titles with Google's name for the service
    ("Google News", "Google Notícias", "Google ニュース", "أخبار Google"):
    the last segment, when it names Google, is dropped."""
    parts = [p.strip() for p in _SEGMENTS.split(clean_text(title, 1000))]
    if len(parts) > 1 and "google" in parts[-1].lower():
        parts = parts[:-1]
    quoted = bool(parts) and parts[0][:1] in {left for left, _ in _QUOTE_PAIRS}
    # 'World - Latest' is the World section; a quoted query is kept whole.
    section = (" - ".join(parts) if quoted else parts[0]).strip() if parts else ""
    # A search feed's title is the query in one pair of quotes: drop that
    # pair only, so the query's own quotes stay ('""a" b"' is '"a" b').
    for left, right in _QUOTE_PAIRS:
        if len(section) > 2 and section[0] == left and section[-1] == right:
            section = section[1:-1]
            break
    return clean_text(section, 80)


def _language(feed: dict, link: str) -> str:
    lang = clean_text(feed.get("language"), 35)
    if not lang:
        # Google's links carry the edition: ?hl=de&gl=DE&ceid=DE:de
        lang = (parse_qs(urlsplit(link).query).get("hl") or [""])[0]
    # A BCP 47 tag is letters, digits and hyphens; anything else is noise
    # (and must never reach a file name or a URL: text.language_tag).
    return language_tag(lang.replace("_", "-"))


def _entry_text(entry: dict, key: str) -> str:
    detail = entry.get(f"{key}_detail") or {}
    value = entry.get(key)
    if detail.get("type") in ("text/html", "application/xhtml+xml"):
        return html_to_text(value)
    return clean_text(value)


def _published(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        # Plain dict lookups: FeedParserDict.get() maps missing keys onto
        # others with a DeprecationWarning.
        parsed = dict.get(entry, key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _split_title(title: str, outlet: str) -> str:
    suffix = f" - {outlet}"
    if outlet and title.endswith(suffix) and len(title) > len(suffix):
        return title[: -len(suffix)].strip()
    return title


def parse_feed(data: bytes, name: str, now: datetime | None = None) -> ParsedFeed:
    """Parse feed bytes. Raises FeedError when `data` is not a usable feed.

    `name` names the feed in messages; `now` is the fallback publish time.
    """
    now = now or datetime.now(timezone.utc)
    if not data or not data.strip():
        raise FeedError("empty document")
    if _ENTITY_DECLARATION.search(data) or (
        data[:2] in (b"\xff\xfe", b"\xfe\xff")
        and "<!entity" in data.decode("utf-16", "replace").lower()
    ):
        # Google's feeds declare no entities. Declared ones are how entity
        # bombs and external-entity (XXE) reads are built; feedparser's loose
        # parser would expand them.
        raise FeedError("refused: the document declares XML entities (<!ENTITY>)")
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError("not a feed: an HTML page (a consent, login or error page?)")
    data = _drop_bad_references(data, name)
    import feedparser  # noqa: PLC0415 - only a sync that has new bytes pays for it

    try:
        # No sanitizing or URL resolving by feedparser: its sanitizer is not
        # a security boundary (see docs/internals.md, Security) and nothing it outputs
        # is passed through; values are extracted and cleaned here instead.
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser raises on some char refs
        raise FeedError(f"parse error: {type(exc).__name__}: {exc}") from None
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        raise FeedError(f"not a feed: {clean_text(reason, 200)}")
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException) and _TRUNCATED.search(str(problem)):
        # A document cut off on the way: half a feed is not the feed. (Other
        # XML faults, such as a stray control character, are recovered by
        # feedparser's loose parser and handled item by item.)
        raise FeedError(f"malformed XML, the document is cut off: {clean_text(problem, 200)}")

    meta = parsed.feed
    feed_title = clean_text(meta.get("title"), 300)
    feed_link = safe_url(meta.get("link"))
    feed = ParsedFeed(
        title=feed_title,
        section=section_from_title(feed_title),
        language=_language(meta, feed_link),
        link=feed_link,
    )
    build_time = _published({"updated_parsed": dict.get(meta, "updated_parsed")})

    for number, entry in enumerate(parsed.entries, 1):
        try:
            story = _story(entry, feed_name=name, number=number, now=now, build_time=build_time)
        except (ValueError, OverflowError, UnicodeError, RecursionError, TypeError) as exc:
            # One item feedparser handed over in a shape nothing here
            # expects costs that item, never the feed.
            story = f"{name}: item {number}: skipped, it cannot be read ({type(exc).__name__}: {clean_text(exc, 200)})"
        if isinstance(story, str):
            feed.skipped.append(story)
            logger.warning("%s", story)
        else:
            feed.stories.append(story)
    return feed


def _names_no_character(match: re.Match) -> bool:
    hex_digits, decimal = match.groups()
    digits = (hex_digits or decimal).lstrip(b"0")
    if len(digits) > 7:  # beyond U+10FFFF either way; int() need not see it
        return True
    code = int(digits or b"0", 16 if hex_digits else 10)
    return code > 0x10FFFF or 0xD800 <= code <= 0xDFFF


def _drop_bad_references(data: bytes, name: str) -> bytes:
    """`data` without the character references that name no character
    (`&#xD800;`, `&#x110000;`): feedparser fails the whole document on one.
    Each item that had one gets a line naming the feed and the item."""
    if b"&#" not in data:
        return data
    bad = [m for m in _CHAR_REF.finditer(data) if _names_no_character(m)]
    if not bad:
        return data
    starts = [m.start() for m in _ITEM_START.finditer(data)]
    by_item: dict[int, list[str]] = {}
    for match in bad:
        number = bisect.bisect_right(starts, match.start())  # 0: the feed's own fields
        by_item.setdefault(number, []).append(match.group().decode("ascii")[:20])
    for number, refs in by_item.items():
        where = f"{name}: item {number}" if number else f"{name}: the feed's own fields"
        shown = ", ".join(refs[:3]) + (", …" if len(refs) > 3 else "")
        logger.warning("%s: %d character reference(s) naming no character dropped (%s)", where, len(refs), shown)
    return _CHAR_REF.sub(lambda m: b"" if _names_no_character(m) else m.group(), data)


def _story(entry, *, feed_name, number, now, build_time) -> Story | str:
    title = _entry_text(entry, "title")
    link = safe_url(entry.get("link"))
    guid = clean_text(entry.get("id"), 500)
    cluster = parse_cluster(entry.get("summary"))
    where = f"{feed_name}: item {number}"

    source = entry.get("source") or {}
    outlet = clean_text(source.get("title"), MAX_OUTLET)
    outlet_url = safe_url(source.get("href"))
    if not outlet:
        # Legacy feeds have no <source>: the cluster entry for this link names it.
        outlet = next((e.outlet for e in cluster.entries if link and e.link == link), "")
    if not title and cluster.entries:
        first = cluster.entries[0]
        title = f"{first.headline} - {first.outlet}"
        outlet = outlet or first.outlet
    if not title:
        return f"{where}: skipped, it has no title"
    if not (link or guid):
        return f"{where} ({title[:80]!r}): skipped, it has neither an http(s) link nor a guid"

    published = _published(entry)
    fallback = False
    if published is None or published > now + MAX_FUTURE:
        what = "no valid publish date" if published is None else f"a future date {published:%Y-%m-%d}"
        published = build_time if build_time and build_time <= now + MAX_FUTURE else now
        fallback = True
        logger.warning(
            "%s (%r): %s; using %s", where, title[:80], what, published.isoformat()
        )

    image = ""
    for key in ("media_content", "media_thumbnail"):
        for media in entry.get(key) or []:
            image = image or safe_url(media.get("url"))

    return Story(
        title=title,
        headline=_split_title(title, outlet),
        outlet=outlet,
        outlet_url=outlet_url,
        link=link,
        guid=guid,
        published=published,
        cluster=cluster,
        image=image,
        date_is_fallback=fallback,
    )
