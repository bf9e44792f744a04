"""Editions: which Google News edition (a territory: US, GB, JP…) a feed is
of, and which editions, in which sections, carried a story.

A feed's edition is the one its settings give (GNEWS_FEEDS' dict form,
`"edition": "GB"`), else the one its URL names (`ceid=GB:en`, then `gl=GB`,
then the region of `hl=en-GB`), else the one the feed's own channel link
names (a local copy of a Google News feed keeps it there). A feed with none
of these (a file without them, a 2012 `ned=uk` feed) has no edition.

What carried a story is kept in two places, in one form: the story file's
`editions:` list (`'US:World'`, a territory code, then the section after the
first colon; a code alone when the section is unknown), written by the sync
while the file is its own, and the sync state, which keeps counting for a
story whose file an editor changed. Both are unions: an edition is never
dropped. Shared by ingest (writing) and publish (reading).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from babel import Locale

logger = logging.getLogger(__name__)

# A story lists a few editions; a hostile file or state is cut here.
MAX_EDITIONS = 40
MAX_SECTIONS = 12
MAX_SECTION = 80
_CODE = re.compile(r"[A-Za-z]{2}|419")
# Babel's territories that are no edition's: unknown, the world, unions.
_NOT_EDITIONS = frozenset({"ZZ", "QO", "EU", "EZ", "UN"})


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(Locale.parse("en").territories) - _NOT_EDITIONS


def territory(value) -> str:
    """A territory code as editions are written (`US`, `419`), or '' when
    the value is none that Babel can name."""
    if not isinstance(value, str):
        return ""
    code = value.strip().split(":", 1)[0].strip().upper()
    return code if _CODE.fullmatch(code) and code in _known() else ""


def from_url(url: str) -> str:
    """The edition a Google News address names: `ceid=US:en`, `gl=US`, or
    the region of `hl=en-US`; '' for none."""
    try:
        query = parse_qs(urlsplit(url or "").query)
    except ValueError:
        return ""
    for key in ("ceid", "gl"):
        code = territory((query.get(key) or [""])[0])
        if code:
            return code
    language = (query.get("hl") or [""])[0].replace("_", "-").split("-")
    return territory(language[1]) if len(language) > 1 else ""


def of_feed(configured: str, url: str, channel_link: str = "") -> str:
    """A feed's edition: its setting's, its URL's, then its channel link's."""
    return territory(configured) or from_url(url) or from_url(channel_link)


def add(carried: dict[str, list[str]], code: str, section: str = "") -> bool:
    """Note that edition `code` carried a story in `section`. Returns
    whether that is news (bounded: MAX_EDITIONS, MAX_SECTIONS)."""
    if not code:
        return False
    section = (section or "")[:MAX_SECTION]
    if code not in carried:
        if len(carried) >= MAX_EDITIONS:
            return False
        carried[code] = []
        grew = True
    else:
        grew = False
    sections = carried[code]
    if section and section not in sections and len(sections) < MAX_SECTIONS:
        sections.append(section)
        grew = True
    return grew


def union(*many: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every edition and section of several records, in first-seen order."""
    merged: dict[str, list[str]] = {}
    for carried in many:
        for code, sections in (carried or {}).items():
            add(merged, code)
            for section in sections:
                add(merged, code, section)
    return merged


def entries(carried: dict[str, list[str]]) -> list[str]:
    """The story file's `editions:` list."""
    return [f"{code}:{section}" if section else code
            for code, sections in carried.items() for section in sections or [""]]


def parse(value, where: str = "") -> dict[str, list[str]]:
    """A story file's `editions:` value (a list, or text parted by commas)
    as {code: sections}; anything that names no edition is one warning
    naming `where` and the value, and is left out."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        logger.warning("%s: editions must be a list like ['US:World', 'GB:World']; ignored", where)
        return {}
    carried: dict[str, list[str]] = {}
    bad = []
    for item in value:
        code, _, section = item.partition(":") if isinstance(item, str) else ("", "", "")
        code = territory(code)
        if not code:
            bad.append(item)
            continue
        add(carried, code, section.strip())
    if bad:
        shown = repr(bad[0])
        logger.warning("%s: editions: %s names no edition (a territory code, like 'US:World'); ignored", where,
                       shown if len(shown) <= 80 else shown[:77] + "...")
    return carried


def from_state(value, where: str) -> dict[str, list[str]]:
    """The state's `editions` of a story ({code: [sections]}), checked."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        logger.warning("%s: %r is not a mapping of editions to sections; ignored", where, value)
        return {}
    carried: dict[str, list[str]] = {}
    for code, sections in value.items():
        code = territory(code)
        if code:
            add(carried, code)
            for section in sections if isinstance(sections, list) else []:
                if isinstance(section, str):
                    add(carried, code, section)
    return carried
