"""Plain-text and URL hygiene for everything that comes out of a feed.

Feed values are hostile: they may carry markup, entities, control characters,
lone surrogates or megabytes of text. Every value that leaves the parser goes
through one of these functions, so later stages can treat it as clean text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Longest headline, outlet or description text we keep. Real headlines are
# under 300 characters; a feed that sends megabytes gets cut, not crashed on.
MAX_TEXT = 1000
MAX_URL = 4096

# C0 and C1 controls, DEL, lone surrogates and non-characters: never
# meaningful in a headline, and some (U+0085) break YAML round trips.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
# Invisible formatting characters, which spoof text: bidi embeddings,
# overrides, isolates and marks (an outlet "\u202eCBB" shows as "BBC" and
# reverses what follows), zero-width spaces and joiners, the soft hyphen,
# word joiners and invisible operators, Hangul fillers, tag characters. Their
# rendering is the browser's job (the theme isolates every feed value).
_FORMAT = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_INVISIBLE = re.compile(f"[{_CONTROL}{_FORMAT}]")
# ZWNJ and ZWJ are part of spelling in some scripts (Persian, Indic, Arabic)
# and of emoji sequences; between Latin letters they only spoof ("B\u200dBC").
_JOINER = re.compile("[\u200c\u200d]")
# Line and paragraph breaks are never part of a one-line value.
_BREAK = re.compile("[\t\n\r\u2028\u2029]")
# Runs of white space collapse to one ordinary space; a single space
# character stays as written (the ideographic space U+3000 in a Japanese
# headline, a no-break space before French punctuation).
_SPACE_CHARS = " \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPACE = re.compile(f"[{_SPACE_CHARS}]{{2,}}")
# What an address must not hold (safe_url): controls, invisible characters,
# any white space, and the characters that end or escape an HTML attribute.
_URL_REFUSED = re.compile("[" + _CONTROL + _FORMAT + r"\s" + _SPACE_CHARS + "<>\"'`" + r"\\" + "]")


# What XML 1.0 cannot hold (C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF). Atom refuses the whole feed
# for one of them, YAML refuses the file, and a lone surrogate cannot even be
# written as UTF-8 (a JSON feed, a page).
_UNHOLDABLE = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Vertical tab and form feed, as word processors paste line and page breaks.
_PASTED_BREAK = re.compile("[\x0b\x0c]")


def holdable(value: str, breaks: str = "\n") -> str:
    """`value` as every output can hold it (XML, JSON, HTML, YAML): a
    vertical tab or form feed becomes `breaks`, and the other characters
    XML 1.0 cannot hold go. Markup stays Markup."""
    if not isinstance(value, str) or (value.isprintable() and "\ufffe" not in value and "\uffff" not in value):
        return value
    text = _UNHOLDABLE.sub("", _PASTED_BREAK.sub(breaks, value))
    return type(value)(text) if type(value) is not str else text


def _joiner_needed(text: str, at: int) -> bool:
    """Whether the ZWNJ/ZWJ at `at` joins letters of a script that spells
    with it (both neighbours letters or marks beyond Latin, Greek, Cyrillic
    and Armenian) or builds an emoji sequence."""
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if not before or not after:
        return False
    kinds = unicodedata.category(before)[0] + unicodedata.category(after)[0]
    if text[at] == "\u200d" and ("S" in kinds or "\ufe0f" in (before, after)):
        return True
    return kinds.strip("LM") == "" and ord(before) >= 0x0590 and ord(after) >= 0x0590


def _drop_spoofing_joiners(text: str) -> str:
    if "\u200c" not in text and "\u200d" not in text:
        return text
    return _JOINER.sub(lambda m: m.group() if _joiner_needed(m.string, m.start()) else "", text)


def strip_invisible(value: str) -> str:
    """`value` without control and invisible formatting characters."""
    return _drop_spoofing_joiners(_INVISIBLE.sub("", value))


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """Return `value` as one line of printable text, at most `limit` chars.

    Text stays as written except that invisible characters go, line breaks
    become spaces, runs of white space collapse to one space, and the ends
    are trimmed.
    """
    if value is None:
        return ""
    text = str(value)
    if len(text) > limit * 4:
        # Bound the work on giant values before the regexes run over them.
        text = text[: limit * 4]
    if text.isascii() and text.isprintable() and "  " not in text:
        # Nothing to drop, normalise or collapse (most ids, dates, slugs, English headlines).
        text = text.strip()
    else:
        text = unicodedata.normalize("NFC", strip_invisible(text))
        text = _SPACE.sub(" ", _BREAK.sub(" ", text)).strip()
    if len(text) > limit:
        cut = text[: limit - 1]
        # Cut at a word boundary when one is near, and say that we cut.
        space = cut.rfind(" ")
        if space > limit * 0.8:
            cut = cut[:space]
        text = cut.rstrip() + "…"
    return text


# Tags after which text continues as a new word: "<li>a</li><li>b</li>" is "a b".
_BLOCK_TAGS = frozenset({"br", "p", "div", "li", "td", "tr", "ol", "ul", "table", "h1", "h2", "h3",
                         "h4", "h5", "h6", "blockquote", "section", "article"})


def parse_html(markup: str):
    """An lxml element tree of an HTML fragment, or None when it is empty.

    libxml2's HTML parser is linear in the input and stops nesting at 256
    levels, so hostile markup (a million unclosed tags) costs a fraction of a
    second; Python's html.parser and HTML5 tree builders are quadratic on
    some such inputs.
    """
    from lxml import etree  # noqa: PLC0415 - only feed and story input needs it

    markup = strip_invisible(markup)
    if not markup.strip():
        return None
    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True,
                              remove_pis=True, encoding="utf-8")
    try:
        return etree.fromstring(markup.encode("utf-8", "replace"), parser)
    except (etree.LxmlError, ValueError):
        return None


def walk_html(root):
    """(event, element) pairs in document order: ("start", el), then its
    text, ("end", el), then its tail; a streaming view of the tree."""
    from lxml import etree  # noqa: PLC0415

    return etree.iterwalk(root, events=("start", "end"))


def html_to_text(value: object, limit: int = MAX_TEXT) -> str:
    """Strip tags from an HTML fragment and decode its entities once."""
    if not value:
        return ""
    root = parse_html(str(value)[: limit * 8])
    if root is None:
        return ""
    parts: list[str] = []
    for event, element in walk_html(root):
        if not isinstance(element.tag, str):
            continue
        if event == "start":
            if element.tag in _BLOCK_TAGS:
                parts.append(" ")
            parts.append(element.text or "")
        else:
            parts.append(element.tail or "")
    return clean_text("".join(parts), limit)


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
    if _URL_REFUSED.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url
