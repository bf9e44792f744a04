"""The source cluster: other outlets' coverage of the same story.

Google News puts the cluster in each item's description, in one of two shapes:

* ``<ol><li><a href=…>Headline</a>&nbsp;&nbsp;<font>Outlet</font></li>…</ol>``
  for multi-source stories, sometimes with a last
  ``<li><strong><a href=…/stories/…>View full coverage on Google News</a></strong></li>``;
* ``<a href=…>Headline</a>&nbsp;&nbsp;<font>Outlet</font>`` for a single source,
  possibly followed by the same ``<strong>`` full-coverage link.

Pre-2017 feeds (NFE/1.0) used a ``<table>`` layout; the same rule — a link,
then the next ``<font>`` names its outlet — recovers the headlines. After
them, a ``<font class="p">`` lists more outlets by name alone, linked to
their article or as plain text ("A&nbsp;-<a>B</a>"): each is kept, an entry
with no headline, and with no link where the feed gave none. A story file
writes them back in the same shapes (render_cluster).

The parser only *extracts* (headline, link, outlet) values. The HTML we write
and render is always rebuilt from those values, never passed through.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from .text import clean_text, parse_html, safe_url, walk_html

# Clusters are short (Google shows up to ~10); a cap keeps hostile input bounded.
MAX_ENTRIES = 50
MAX_OUTLET = 200  # characters of an outlet name
MAX_MARKUP = 256 * 1024  # characters of a description or story body parsed
MAX_ANCHORS = 4 * MAX_ENTRIES  # links read before giving up on the rest
_OL_START = re.compile(r"<ol\b", re.IGNORECASE)
_OL_END = re.compile(r"</ol\s*>", re.IGNORECASE)
# The full-coverage link's paths on news.google.com, current and legacy.
_FULL_COVERAGE_PATHS = ("/stories/", "/news/more", "/news/story")
OUTLET_COLOR = "#6f6f6f"  # Google's grey for outlet names
# Names in a legacy outlet list are parted by "&nbsp;-" (or a spaced dash).
_LIST_SEPARATOR = re.compile(r"\s*\u00a0-\s*|\s+-\s+")


@dataclass(frozen=True)
class Coverage:
    headline: str
    link: str
    outlet: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Cluster:
    entries: tuple[Coverage, ...]
    full_coverage: str = ""

    @property
    def outlets(self) -> list[str]:
        """Distinct outlet names, in cluster order."""
        return list(dict.fromkeys(e.outlet for e in self.entries if e.outlet))


def _is_full_coverage(href: str, in_strong: bool) -> bool:
    if in_strong:
        return True
    try:
        parts = urlsplit(href)
    except ValueError:  # "https://]x": not a URL at all
        return False
    return (parts.hostname or "").endswith("news.google.com") and parts.path.startswith(
        _FULL_COVERAGE_PATHS
    )


class _ClusterReader:
    """Reads (headline, link, outlet) entries from a stream of tag events:
    an anchor is a headline, and the next <font> after it names its outlet."""

    def __init__(self) -> None:
        self.entries: list[list[str]] = []  # [headline, link, outlet]
        self.full_coverage = ""
        self.anchors = 0
        self._strong = 0
        self._link: str | None = None  # href of the <a> being read
        self._link_is_full = False
        self._anchor_text: list[str] = []
        self._font_depth = 0  # <font> nesting outside anchors
        self._outlet_depth = 0  # depth of the <font> naming the awaited outlet
        self._font_text: list[str] = []
        self._awaiting_outlet: list[str] | None = None
        self._list_depth = 0  # depth of a legacy <font class="p"> listing outlets by name

    def start(self, tag, attrs):
        if tag == "strong":
            self._strong += 1
        elif tag == "a":
            if self._link is not None:  # an anchor inside an anchor ends the first
                self._close_anchor()
            self.anchors += 1
            href = attrs.get("href") or ""
            self._link = href
            self._link_is_full = _is_full_coverage(href, self._strong > 0)
            self._anchor_text = []
        elif tag == "font" and self._link is None:
            self._font_depth += 1
            # Only a <font> opened after the anchor names its outlet; fonts
            # that wrap the whole layout (legacy feeds) do not. A grey one
            # after no anchor names an outlet without a link.
            if self._outlet_depth:
                return
            if self._awaiting_outlet is None and (attrs.get("color") or "").lower() == OUTLET_COLOR:
                self._awaiting_outlet = ["", "", ""]
                self.entries.append(self._awaiting_outlet)
            if self._awaiting_outlet is not None:
                self._outlet_depth = self._font_depth
                self._font_text = []
            elif "p" in (attrs.get("class") or "").split() and not self._list_depth:
                self._list_depth = self._font_depth

    def end(self, tag):
        if tag == "strong" and self._strong:
            self._strong -= 1
        elif tag == "a" and self._link is not None:
            self._close_anchor()
        elif tag == "font" and self._font_depth:
            if self._font_depth == self._outlet_depth:
                self._outlet_depth = 0
                outlet = clean_text("".join(self._font_text), MAX_OUTLET)
                if outlet and self._awaiting_outlet is not None:
                    self._awaiting_outlet[2] = outlet
                self._awaiting_outlet = None
            if self._font_depth == self._list_depth:
                self._list_depth = 0
            self._font_depth -= 1

    def data(self, data):
        if not data:
            return
        if self._link is not None:
            self._anchor_text.append(data)
        elif self._outlet_depth:
            self._font_text.append(data)
        elif self._list_depth:
            for name in _LIST_SEPARATOR.split(data):
                if (outlet := clean_text(name, MAX_OUTLET)) and len(self.entries) < MAX_ENTRIES:
                    self.entries.append(["", "", outlet])

    def _close_anchor(self) -> None:
        href, text = self._link or "", clean_text("".join(self._anchor_text))
        self._link = None
        self._outlet_depth = 0
        link = safe_url(href)
        if self._link_is_full:
            if link and not self.full_coverage:
                self.full_coverage = link
            return
        if not link or not text or len(self.entries) >= MAX_ENTRIES:
            # The outlet named after a dropped link goes with it.
            self._awaiting_outlet = ["", "", ""]
            return
        if self._list_depth:  # a legacy outlet list: the link's text is the outlet
            self.entries.append(["", link, clean_text(text, MAX_OUTLET)])
            self._awaiting_outlet = None
            return
        # Legacy layout links a thumbnail and then the headline to the same
        # URL: the later anchor carries the headline.
        if self.entries and self.entries[-1][1] == link and not self.entries[-1][2]:
            self.entries[-1][0] = text
            self._awaiting_outlet = self.entries[-1]
            return
        entry = [text, link, ""]
        self.entries.append(entry)
        self._awaiting_outlet = entry


def parse_cluster(description: str | None) -> Cluster:
    """Extract the related coverage from an item description (HTML).

    Linear in the input and bounded: at most MAX_MARKUP characters are
    parsed (Google's descriptions are a few KB), by libxml2 (text.parse_html),
    and reading stops after MAX_ANCHORS links.
    """
    if not description:
        return Cluster(())
    root = parse_html(str(description)[:MAX_MARKUP])
    if root is None:
        return Cluster(())
    reader = _ClusterReader()
    for event, element in walk_html(root):
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            reader.start(tag, element.attrib)
            reader.data(element.text)
        else:
            reader.end(tag)
            reader.data(element.tail)
            if reader.anchors > MAX_ANCHORS:
                break
    seen: set[str] = set()
    entries = []
    for headline, link, outlet in reader.entries:
        # An entry without an outlet is not coverage (legacy "more" links);
        # an outlet without a link is, once.
        key = link or f"outlet:{outlet}"
        if outlet and key not in seen and (link or outlet not in {e.outlet for e in entries}):
            seen.add(key)
            entries.append(Coverage(headline, link, outlet))
    return Cluster(tuple(entries[:MAX_ENTRIES]), reader.full_coverage)


def first_ol(body: str) -> tuple[int, int] | None:
    """Where the first <ol>…</ol> is in `body`: two linear searches (a
    lazy regex over the body is quadratic when no </ol> follows)."""
    start = _OL_START.search(body)
    if start is None:
        return None
    end = _OL_END.search(body, start.end())
    return (start.start(), end.end()) if end else None


def split_headline(title: str, outlet: str, outlets) -> tuple[str, str]:
    """(headline, outlet): the title without its " - Outlet" suffix, the
    outlet named in the file or else the cluster's outlet that ends it."""
    for name in [outlet] if outlet else outlets:
        suffix = f" - {name}"
        if name and title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip(), name
    return title, outlet


def describe(entries) -> str:
    """Readable one-line text of a cluster: 'Headline — Outlet · Headline — Outlet'."""
    return " · ".join(" — ".join(part for part in (e.headline, e.outlet) if part) for e in entries)


def render_cluster(entries, full_coverage: str = "") -> str:
    """Write the cluster as Google writes it, from extracted values only.

    Every value is escaped here, so the output is safe whatever the feed said;
    for a clean Google item it is byte-for-byte Google's own markup.
    """
    items = []
    for entry in entries:
        if not entry.headline:  # an outlet named alone, as legacy feeds list it
            name = html.escape(entry.outlet, quote=False)
            link = html.escape(entry.link, quote=True)
            items.append(f'<li><font class="p"><a href="{link}" target="_blank">{name}</a></font></li>' if entry.link
                         else f'<li><font color="{OUTLET_COLOR}">{name}</font></li>')
            continue
        items.append(
            f'<li><a href="{html.escape(entry.link, quote=True)}" target="_blank">'
            f'{html.escape(entry.headline, quote=False)}</a>&nbsp;&nbsp;'
            f'<font color="#6f6f6f">{html.escape(entry.outlet, quote=False)}</font></li>'
        )
    if full_coverage:
        items.append(
            f'<li><strong><a href="{html.escape(full_coverage, quote=True)}" target="_blank">'
            "View full coverage on Google News</a></strong></li>"
        )
    return "<ol>" + "".join(items) + "</ol>"
