"""Plain-text and URL hygiene for everything that comes out of a feed.

Feed values are hostile: they may carry markup, entities, control characters,
lone surrogates or megabytes of text. Every value that leaves the parser goes
through one of these functions, so later stages can treat it as clean text.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Longest headline, outlet or description text we keep. Real headlines are
# under 300 characters; a feed that sends megabytes gets cut, not crashed on.
MAX_TEXT = 1000
MAX_URL = 4096

# C0 and C1 controls, DEL, lone surrogates and non-characters: never
# meaningful in a headline, and some (U+0085) break YAML round trips.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# Every kind of white space (tabs, newlines, NBSP, U+2028, thin spaces...)
# collapses to a single ordinary space.
_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """Return `value` as one line of printable text, at most `limit` chars."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > limit * 4:
        # Bound the work on giant values before the regexes run over them.
        text = text[: limit * 4]
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        cut = text[: limit - 1]
        # Cut at a word boundary when one is near, and say that we cut.
        space = cut.rfind(" ")
        if space > limit * 0.8:
            cut = cut[:space]
        text = cut.rstrip() + "…"
    return text


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs decodes each entity exactly once.
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):  # noqa: ARG002 - attrs are not text
        # Block-level tags separate words: "<li>a</li><li>b</li>" is "a b".
        if tag in {"br", "p", "div", "li", "td", "tr", "ol", "ul"}:
            self.parts.append(" ")


def html_to_text(value: object, limit: int = MAX_TEXT) -> str:
    """Strip tags from an HTML fragment and decode its entities once."""
    if not value:
        return ""
    markup = str(value)[: limit * 8]
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser can raise on absurd input
        return clean_text(re.sub(r"<[^>]*>", " ", markup), limit)
    return clean_text("".join(parser.parts), limit)


def safe_url(value: object) -> str:
    """Return `value` if it is an absolute http(s) URL, else ''.

    Browsers ignore tabs and newlines inside URLs, so `java\\tscript:` would
    still run; anything with white space or control characters is refused
    outright rather than repaired.
    """
    if not value:
        return ""
    url = str(value).strip()
    if not url or len(url) > MAX_URL:
        return ""
    if _INVISIBLE.search(url) or _SPACE.search(url) or any(c in url for c in "<>\"'`\\"):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url
