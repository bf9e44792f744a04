"""Tags: a story's few keywords, picked from its headline.

A word makes a good tag when the other outlets in the cluster use it too (it
names what the story is about, not how one outlet phrased it) and when it is a
name. Stopwords come from stopwords-iso (via the `stopwordsiso` package) for
the feed's own language, so a German or Japanese feed is not tagged with
"und" or "の".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


# Headline filler that general stopword lists miss; English is the language
# most feeds are in, and these words appear in headlines of every section.
_FILLER = {
    "en": {
        "says", "said", "say", "saying", "does", "did", "doing", "not", "have", "has",
        "had", "from", "will", "would", "could", "should", "after", "before", "new",
        "news", "report", "reports", "reported", "amid", "over", "more", "first",
        "latest", "live", "update", "updates", "breaking", "video", "watch", "photos",
        "today", "week", "year", "years", "day", "days", "could", "may", "might",
        "just", "get", "gets", "got", "make", "makes", "made", "take", "takes", "set",
        "sets", "back", "out", "off", "into", "than", "what", "who", "how", "why",
        "when", "where", "here", "there", "now", "still", "also", "how", "time",
    },
    "de": {"sagt", "neue", "neuen", "neues", "heute", "mehr", "erste", "ersten", "live", "video"},
    "fr": {"dit", "selon", "nouveau", "nouvelle", "direct", "vidéo", "après", "plus"},
    "es": {"dice", "según", "nuevo", "nueva", "directo", "vídeo", "video", "tras", "más"},
}

# Runs of one script. Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul... are
# split on non-word characters; Han and Katakana runs are words in their own
# right, and Hiragana runs are mostly grammar (particles, endings).
_WORD = re.compile(r"[^\W\d_](?:[\w’'.-]*[^\W_])?", re.UNICODE)
_MIN_LEN = 3
_MAX_LEN = 40


@lru_cache(maxsize=64)
def stopwords_for(language: str) -> frozenset[str]:
    import stopwordsiso  # noqa: PLC0415 - loads every language's list: only when tagging

    base = (language or "en").split("-")[0].lower()
    words = set(_FILLER.get(base, ()))
    if stopwordsiso.has_lang(base):
        words |= stopwordsiso.stopwords(base)
    # English filler always applies: many non-English editions mix in
    # English headlines, and English function words are never good tags.
    if base != "en":
        words |= stopwordsiso.stopwords("en") | _FILLER["en"]
    return frozenset(w.lower() for w in words)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("CJK UNIFIED") or name.startswith("CJK COMPATIBILITY IDEOGRAPH"):
        return "han"
    if name.startswith("KATAKANA") or char == "ー":
        return "katakana"
    if name.startswith("HIRAGANA"):
        return "hiragana"
    return "other"


def _split_cjk(token: str) -> list[str]:
    """Split a token that mixes scripts into runs of one script."""
    runs: list[list[str]] = []
    last = None
    for char in token:
        script = _script(char)
        if script != last:
            runs.append([script, ""])
            last = script
        runs[-1][1] += char
    return [text for script, text in runs if script != "hiragana"]


def words(text: str) -> list[tuple[str, str]]:
    """(original, normalised) words of a headline, in order."""
    out = []
    for match in _WORD.finditer(text):
        token = match.group(0).strip(".-’'")
        for part in _split_cjk(token) if not token.isascii() else [token]:
            part = re.sub(r"[’']s$", "", part)  # possessive: Trump's -> Trump
            normal = part.lower().replace("’", "'")
            if normal:
                out.append((part, normal))
    return out


def _is_cjk(word: str) -> bool:
    return _script(word[0]) in ("han", "katakana")


def _acceptable(normal: str, stop: frozenset[str], excluded: set[str]) -> bool:
    if normal in stop or normal in excluded:
        return False
    length = len(normal)
    if _is_cjk(normal):
        return 2 <= length <= 12
    return _MIN_LEN <= length <= _MAX_LEN and not normal.replace(".", "").isdigit()


def _related(a: str, b: str) -> bool:
    """Same word, or an inflection/spelling of it (zelensky ~ zelenskyy)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 2


def make_tags(
    headline: str,
    *,
    outlet: str = "",
    others: list[str] | tuple[str, ...] = (),
    language: str = "en",
    limit: int = 5,
) -> list[str]:
    """Up to `limit` lower-case keywords for a headline.

    `others` are the other headlines of the story's cluster; a word they
    repeat ranks higher, and so does a name (capitalised mid-sentence, or
    capitalised in another headline too). Ties go to longer words, which are
    the more specific ones, then to the earlier.
    """
    if limit <= 0:
        return []
    stop = stopwords_for(language)
    excluded = {n for _, n in words(outlet)} | {outlet.lower()}
    # Each other headline tokenised once, its words grouped by their first
    # four letters: only those can be the same word or an inflection of it.
    other_words: list[dict[str, set[str]]] = []
    capitalised_elsewhere: dict[str, set[str]] = {}
    for other in others:
        grouped: dict[str, set[str]] = {}
        for original, normal in words(other):
            grouped.setdefault(normal[:4], set()).add(normal)
            if original[:1].isupper():
                capitalised_elsewhere.setdefault(normal[:4], set()).add(normal)
        other_words.append(grouped)

    def found_in(normal: str, grouped: dict[str, set[str]]) -> bool:
        return any(_related(normal, w) for w in grouped.get(normal[:4], ()))

    scored: dict[str, tuple[int, int, int]] = {}
    for position, (original, normal) in enumerate(words(headline)):
        if normal in scored or not _acceptable(normal, stop, excluded):
            continue
        repeats = sum(found_in(normal, grouped) for grouped in other_words)
        is_name = original[:1].isupper() and (position > 0 or found_in(normal, capitalised_elsewhere))
        scored[normal] = (2 * repeats + int(is_name), len(normal), -position)
    ranked = sorted(scored, key=lambda w: scored[w], reverse=True)
    # Two spellings of one word (zelensky, zelenskyy) make one tag.
    chosen: list[str] = []
    for word in ranked:
        if not any(_related(word, c) for c in chosen):
            chosen.append(word)
        if len(chosen) == limit:
            break
    return chosen
