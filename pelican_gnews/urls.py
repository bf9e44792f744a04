"""Google News RSS feed URLs: top stories, topics, searches and places, for
any edition (hl = interface language, gl = country, ceid = country:language).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

BASE = "https://news.google.com/rss"
TOPICS = ("WORLD", "NATION", "BUSINESS", "TECHNOLOGY", "ENTERTAINMENT", "SCIENCE", "SPORTS", "HEALTH")


# The country of a language's main edition, where its code is not the
# language code (hl=de is Germany, DE; hl=ja is Japan, JP).
_MAIN_COUNTRY = {
    "en": "US", "ja": "JP", "ko": "KR", "zh": "CN", "ar": "EG", "he": "IL", "hi": "IN", "bn": "BD",
    "ta": "IN", "te": "IN", "mr": "IN", "ml": "IN", "ur": "PK", "fa": "IR", "sv": "SE", "da": "DK",
    "cs": "CZ", "uk": "UA", "el": "GR", "vi": "VN", "sr": "RS", "sl": "SI", "et": "EE", "nb": "NO",
}


def edition(hl: str = "en-US", gl: str | None = None, ceid: str | None = None) -> dict[str, str]:
    """Query parameters of an edition: hl=de gives gl=DE and ceid=DE:de."""
    language, _, region = hl.partition("-")
    gl = (gl or region or _MAIN_COUNTRY.get(language.lower(), language)).upper()
    return {"hl": hl, "gl": gl, "ceid": ceid or f"{gl}:{language}"}


def _query(params: dict[str, str]) -> str:
    # Google writes ceid=US:en with a literal colon.
    return urlencode(params, safe=":")


def top_stories(**ed) -> str:
    return f"{BASE}?{_query(edition(**ed))}"


def topic(name_or_id: str, **ed) -> str:
    """A named section (WORLD, TECHNOLOGY, …) or a topic id (CAAq…) from a
    news.google.com/topics/… address."""
    query = _query(edition(**ed))
    if name_or_id.upper() in TOPICS:
        return f"{BASE}/headlines/section/topic/{name_or_id.upper()}?{query}"
    return f"{BASE}/topics/{quote(name_or_id, safe='')}?{query}"


def search(terms: str, **ed) -> str:
    """A search; terms may use Google's operators: when:1d, after:2026-01-01,
    before:2026-02-01, site:example.com, "exact phrase", OR."""
    return f"{BASE}/search?{_query({'q': terms, **edition(**ed)})}"


def place(name: str, **ed) -> str:
    """Local news for a place (a city, region or country name)."""
    return f"{BASE}/headlines/section/geo/{quote(name, safe='')}?{_query(edition(**ed))}"
