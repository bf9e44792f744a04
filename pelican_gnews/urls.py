"""Google News RSS feed URLs: top stories, topics, searches and places, for
any edition (hl = interface language, gl = country, ceid = country:language).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

BASE = "https://news.google.com/rss"
TOPICS = ("WORLD", "NATION", "BUSINESS", "TECHNOLOGY", "ENTERTAINMENT", "SCIENCE", "SPORTS", "HEALTH")
# A topic id is base64url of a protobuf; real ones start CAAq.
_TOPIC_ID = re.compile(r"CAAq[A-Za-z0-9_-]{8,}")


class EditionError(ValueError):
    """An edition or topic Google News does not have; the message lists the choices."""


# Google News editions as its edition picker and real feeds spell them:
# (hl, gl, ceid). hl is not always gl's language: Brazil is pt-419, Taiwan
# zh-Hant, Latin America es-419 with a country.
EDITIONS: tuple[tuple[str, str, str], ...] = (
    ("en-US", "US", "US:en"), ("en-GB", "GB", "GB:en"), ("en-AU", "AU", "AU:en"),
    ("en-CA", "CA", "CA:en"), ("en-IN", "IN", "IN:en"), ("en-IE", "IE", "IE:en"),
    ("en-NZ", "NZ", "NZ:en"), ("en-ZA", "ZA", "ZA:en"), ("en-SG", "SG", "SG:en"),
    ("en-PH", "PH", "PH:en"), ("en-NG", "NG", "NG:en"), ("en-KE", "KE", "KE:en"),
    ("en-PK", "PK", "PK:en"), ("en-MY", "MY", "MY:en"), ("en-IL", "IL", "IL:en"),
    ("de", "DE", "DE:de"), ("de-AT", "AT", "AT:de"), ("de-CH", "CH", "CH:de"),
    ("fr", "FR", "FR:fr"), ("fr-CA", "CA", "CA:fr"), ("fr", "BE", "BE:fr"), ("fr", "CH", "CH:fr"),
    ("fr", "MA", "MA:fr"), ("fr", "SN", "SN:fr"),
    ("es", "ES", "ES:es"), ("es-419", "MX", "MX:es-419"), ("es-419", "AR", "AR:es-419"),
    ("es-419", "CO", "CO:es-419"), ("es-419", "CL", "CL:es-419"), ("es-419", "PE", "PE:es-419"),
    ("es-419", "VE", "VE:es-419"), ("es-419", "CU", "CU:es-419"), ("es-419", "US", "US:es-419"),
    ("pt-BR", "BR", "BR:pt-419"), ("pt-PT", "PT", "PT:pt-150"),
    ("it", "IT", "IT:it"), ("nl", "NL", "NL:nl"), ("nl", "BE", "BE:nl"),
    ("ja", "JP", "JP:ja"), ("ko", "KR", "KR:ko"),
    ("zh-CN", "CN", "CN:zh-Hans"), ("zh-TW", "TW", "TW:zh-Hant"), ("zh-HK", "HK", "HK:zh-Hant"),
    ("ar", "EG", "EG:ar"), ("ar", "SA", "SA:ar"), ("ar", "AE", "AE:ar"), ("ar", "LB", "LB:ar"),
    ("he", "IL", "IL:he"), ("hi", "IN", "IN:hi"), ("bn", "BD", "BD:bn"), ("ta", "IN", "IN:ta"),
    ("te", "IN", "IN:te"), ("ml", "IN", "IN:ml"), ("mr", "IN", "IN:mr"),
    ("ru", "RU", "RU:ru"), ("uk", "UA", "UA:uk"), ("tr", "TR", "TR:tr"), ("pl", "PL", "PL:pl"),
    ("cs", "CZ", "CZ:cs"), ("sk", "SK", "SK:sk"), ("hu", "HU", "HU:hu"), ("ro", "RO", "RO:ro"),
    ("bg", "BG", "BG:bg"), ("sr", "RS", "RS:sr"), ("sl", "SI", "SI:sl"), ("el", "GR", "GR:el"),
    ("lv", "LV", "LV:lv"), ("lt", "LT", "LT:lt"), ("sv", "SE", "SE:sv"), ("no", "NO", "NO:no"),
    ("id", "ID", "ID:id"), ("th", "TH", "TH:th"), ("vi", "VN", "VN:vi"),
)


def edition_choices() -> str:
    return ", ".join(f"{hl} ({gl})" for hl, gl, _ in EDITIONS)


def edition(hl: str = "en-US", gl: str | None = None, ceid: str | None = None) -> dict[str, str]:
    """Query parameters of a real edition: hl=pt-BR gives gl=BR and
    ceid=BR:pt-419. An explicit ceid (with gl) is taken as given, for an
    edition newer than the table."""
    if ceid:
        if not gl:
            raise EditionError("--ceid needs --gl (the edition's country)")
        return {"hl": hl, "gl": gl.upper(), "ceid": ceid}
    wanted = hl.lower()
    language, _, region = wanted.partition("-")
    country = (gl or region).upper()
    matches = [e for e in EDITIONS if e[0].lower() == wanted and (not gl or e[1] == country)]
    if not matches:
        # de-DE, ja-JP, de with --gl AT, or a bare language: the language's
        # edition for that country, or its first.
        matches = [e for e in EDITIONS if e[0].lower().split("-")[0] == language
                   and (not country or e[1] == country)]
    if not matches:
        asked = f"{hl}" + (f" in {gl.upper()}" if gl else "")
        raise EditionError(f"no Google News edition {asked}; the editions are: {edition_choices()}")
    hl, gl, ceid = matches[0]
    return {"hl": hl, "gl": gl, "ceid": ceid}


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
    if not _TOPIC_ID.fullmatch(name_or_id):
        raise EditionError(f"no topic {name_or_id!r}; the topics are: {', '.join(TOPICS)}, "
                           "or a topic id (CAAq…) from a news.google.com/topics/ address")
    return f"{BASE}/topics/{name_or_id}?{query}"


def search(terms: str, **ed) -> str:
    """A search; terms may use Google's operators: when:1d, after:2026-01-01,
    before:2026-02-01, site:example.com, "exact phrase", OR."""
    return f"{BASE}/search?{_query({'q': terms, **edition(**ed)})}"


def place(name: str, **ed) -> str:
    """Local news for a place (a city, region or country name)."""
    return f"{BASE}/headlines/section/geo/{quote(name, safe='')}?{_query(edition(**ed))}"
