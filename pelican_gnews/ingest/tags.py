"""Tags: a story's few keywords, picked from its headline.

A term is a word or a name of several words ("Bears Ears", "Red Sea"),
kept with its case. Where words are not spaced, or carry particles, the
language's segmenter (segment.py) finds them: janome for Japanese, jieba
for Chinese, kiwipiepy for Korean, pythainlp for Thai; only nouns and names
are taken. Elsewhere a run of capitalised words mid-headline is a name, and
English verbs and adverbs (by their endings and a list) are not tags.

A term makes a good tag when the other outlets in the cluster use it too (it
names what the story is about, not how one outlet phrased it), when it is a
name, and when other stories of the run share it (a tag page with one story
leads nowhere): a story gets at most LONELY_TAGS terms that have none of
that. A term in most stories of a feed (a search feed's own query:
"national monuments") tells nothing and is dropped (Vocabulary). Stopwords
come from stopwords-iso (the `stopwordsiso` package) for the feed's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import segment


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


# English words that are verbs or adverbs in headlines whatever their
# ending; -ly, -ing and -ed words are caught by their endings.
_ENGLISH_VERBS = frozenset("""
agree agrees approve approves ask asks beat beats become becomes begin begins deny denies die dies
fall falls find finds give gives go goes grow grows halt halts hold holds keep keeps kill kills
leave leaves lose loses meet meets open opens pass passes push pushes quit quits raise raises
reach reaches reject rejects revive revives rise rises see sees seek seeks send sends shrink
shrinks sign signs slam slams spot spots stop stops sue sues surge surges take takes tell tells
threaten threatens urge urges vow vows want wants warn warns won lost seen told gave took made
came went put says said
""".split())
# Small words that may join a name: "Bank of England", "Real Madrid de".
_NAME_JOINERS = frozenset({"of", "de", "del", "la", "le", "van", "von", "der", "al", "bin", "da", "do", "dos"})
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "el", "los", "las", "der", "die", "das", "den",
                       "dem", "il", "lo", "gli", "o", "os", "as", "het", "een", "de"})
# Languages whose nouns are all capitalised: a capital there is no name.
_CAPITALISED_NOUNS = frozenset({"de", "lb"})


def _verbish(normal: str) -> bool:
    if normal in _ENGLISH_VERBS:
        return True
    return len(normal) > 4 and (normal.endswith(("ly", "ing")) or normal.endswith("ed") and not normal.endswith("eed"))


@dataclass(frozen=True)
class Term:
    text: str  # as the tag is shown: "Red Sea", "bridge", "衆院選"
    key: str  # what two spellings share: "red sea"
    name: bool
    position: int


def _segmented_terms(headline: str, language: str, stop: frozenset[str], excluded: set[str]) -> list[Term]:
    tokenize = segment.segmenter_for(language)
    out = []
    for position, (surface, kind) in enumerate(tokenize(headline)):
        surface = surface.strip()
        key = surface.lower()
        if kind == "other" or not surface or key in stop or key in excluded:
            continue
        longest = 12 if _is_cjk(surface) else _MAX_LEN  # Thai spells a word with many marks
        if len(surface) < 2 or len(surface) > longest or not any(c.isalpha() for c in surface):
            continue
        out.append(Term(surface, key, kind == "name", position))
    return out


def _spaced_terms(headline: str, language: str, stop: frozenset[str], excluded: set[str],
                  capitalised_elsewhere: set[str]) -> list[Term]:
    """Names (runs of capitalised words) and the other words, in order."""
    primary = (language or "en").split("-")[0].lower()
    tokens = words(headline)
    letters = [o for o, _ in tokens if o[:1].isalpha()]
    # A headline in title case ("Delegates Agree River Treaty") marks no name.
    title_case = len(letters) >= 4 and sum(o[:1].isupper() for o in letters) >= 0.7 * len(letters)
    nouns_capitalised = primary in _CAPITALISED_NOUNS
    out: list[Term] = []
    i = 0
    while i < len(tokens):
        original, normal = tokens[i]
        capital = original[:1].isupper()
        if capital and not title_case and not nouns_capitalised and not _is_cjk(normal):
            run = [original]
            j = i + 1
            # A name is written as one phrase: a possessive, a comma or a
            # dash ends it ("NOAA’s GOES-19", "U.S. - China").
            while j < len(tokens) and len(run) < 5:
                nxt, nxt_normal = tokens[j]
                if nxt[:1].isupper() and " ".join([*run, nxt]) in headline:
                    run.append(nxt)
                    j += 1
                elif (nxt_normal in _NAME_JOINERS and j + 1 < len(tokens)
                      and tokens[j + 1][0][:1].isupper()
                      and " ".join([*run, nxt, tokens[j + 1][0]]) in headline):
                    run.extend([nxt, tokens[j + 1][0]])
                    j += 2
                else:
                    break
            # The first word of a headline is capitalised anyway: alone, it
            # is a name only if another headline capitalises it too.
            if len(run) > 1 or i > 0 or any(_related(normal, w) for w in capitalised_elsewhere):
                # An article before or after is not part of a name ("The"
                # Hill); other small words are ("New Mexico").
                while run and run[0].lower() in _ARTICLES:
                    run.pop(0)
                while run and run[-1].lower() in _ARTICLES:
                    run.pop()
                text = " ".join(run)
                key = text.lower()
                if run and key not in excluded and key not in stop and len(key) >= 2:
                    out.append(Term(text, key, True, i))
                i = j
                continue
        if nouns_capitalised and not capital:
            pass  # German: a word in lower case is no noun
        elif _acceptable(normal, stop, excluded) and not (primary == "en" and _verbish(normal)):
            shown = original if nouns_capitalised else normal
            out.append(Term(shown, normal, False, i))
        i += 1
    return out


def terms(headline: str, *, language: str = "en", outlet: str = "",
          capitalised_elsewhere: set[str] | frozenset[str] = frozenset()) -> list[Term]:
    """The candidate tags of a headline, each once, in order."""
    stop = stopwords_for(language)
    excluded = {n for _, n in words(outlet)} | {outlet.lower()}
    if segment.segmenter_for(language):
        found = _segmented_terms(headline, language, stop, excluded)
    else:
        found = _spaced_terms(headline, language, stop, excluded, set(capitalised_elsewhere))
    seen: set[str] = set()
    unique = []
    for term in found:
        if term.key not in seen:
            seen.add(term.key)
            unique.append(term)
    return unique


@dataclass
class Vocabulary:
    """The site-wide pass: how many stories of this run each term is a
    candidate of (all feeds), and the terms too common in one feed to
    tell its stories apart."""

    stories: Counter = field(default_factory=Counter)
    common: set[str] = field(default_factory=set)
    # A term in more than this share of a feed's stories (of at least
    # MIN_STORIES) is dropped from that feed's tags.
    COMMON_SHARE = 0.3
    MIN_STORIES = 8

    def add_feed(self, headlines: list[tuple[str, str]], language: str) -> None:
        """(headline, outlet) of every story of a feed."""
        counts: Counter = Counter()
        for headline, outlet in headlines:
            counts.update({t.key for t in terms(headline, language=language, outlet=outlet)})
        self.stories.update(counts)
        # The feed's stories are tagged next: its own common terms apply.
        limit = self.COMMON_SHARE * len(headlines)
        self.common = {key for key, n in counts.items() if n > limit} if len(headlines) >= self.MIN_STORIES else set()


LONELY_TAGS = 2


def make_tags(
    headline: str,
    *,
    outlet: str = "",
    others: list[str] | tuple[str, ...] = (),
    language: str = "en",
    limit: int = 5,
    vocabulary: Vocabulary | None = None,
) -> list[str]:
    """Up to `limit` tags for a headline, best first.

    `others` are the other headlines of the story's cluster. Each of them
    that repeats a term counts 2, other stories of the run sharing it
    (`vocabulary`) 2, being a name 1; ties go to longer terms, which are
    the more specific, then to the earlier.
    """
    if limit <= 0:
        return []
    capitalised_elsewhere = {n for other in others for o, n in words(other) if o[:1].isupper()}
    found = terms(headline, language=language, outlet=outlet, capitalised_elsewhere=capitalised_elsewhere)
    common = vocabulary.common if vocabulary else set()
    shared = vocabulary.stories if vocabulary else Counter()
    others_lower = [other.lower() for other in others]
    other_words = [{n for _, n in words(other)} for other in others]
    scored = []
    for term in found:
        if term.key in common:
            continue
        if " " in term.key or segment.segmenter_for(language):
            repeats = sum(term.key in other for other in others_lower)
        else:
            repeats = sum(any(_related(term.key, w) for w in group) for group in other_words)
        score = 2 * repeats + int(term.name) + 2 * int(shared[term.key] >= 2)
        scored.append(((score, len(term.key), -term.position), term))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    # Two spellings of one word (zelensky, zelenskyy), or a word and the
    # name it is part of (sea, Red Sea), make one tag. A term nothing else
    # on the site has (no other outlet, no other story, not a name) would
    # be a tag page of one story: LONELY_TAGS of them at most.
    chosen: list[Term] = []
    lonely = 0
    for (score, _, _), term in scored:
        if any(_related(term.key, c.key) or term.key in c.key.split() or c.key in term.key.split()
               for c in chosen):
            continue
        if score == 0 and vocabulary is not None:
            if lonely >= LONELY_TAGS:
                continue
            lonely += 1
        chosen.append(term)
        if len(chosen) == limit:
            break
    return [term.text for term in chosen]
