"""Tags: a story's few keywords, picked from its headline.

A tag is a whole name or noun phrase ("Bears Ears", "Red Sea", "衆院選"),
kept with its case; never a verb, an adverb, an adjective alone, a piece
of a name, nor anything with brackets, quotes or sentence punctuation
(terms are cut at them: "掲載)" -> "掲載", "/Xbox" -> "Xbox"). Outlets
left in a headline ("... - ACidade ON", "NHK" of NHK NEWS WEB, "(ニュース)")
are never tags.

Where words are not spaced, or carry particles, the language's segmenter
(segment.py) finds them and their part of speech: janome for Japanese,
jieba for Chinese, kiwipiepy for Korean, pythainlp for Thai; only nouns and
names are taken. Elsewhere a run of capitalised words mid-headline is a
name; in a headline in Title Case, names are the runs the site's other
headlines (its Vocabulary, the cluster's others) write capitalised, and
the rest is cut into noun phrases at verbs and small words. Verbs,
adverbs and adjectives are told by wordclass.py (lemminflect's dictionary for English,
simplemma's lemmas for Romance languages and Swedish).

A term makes a good tag when other stories of the site share it (a tag
page with one story leads nowhere), when the other outlets in the cluster
use it too, and when it is a name: a story gets terms no other story has
only to reach MIN_TAGS. A term in most stories of a feed (a search feed's
own query: "national monuments") tells nothing and is dropped
(Vocabulary). Stopwords come from stopwords-iso (the `stopwordsiso`
package) for the feed's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..languages import primary as primary_language
from ..languages import script_of
from . import segment, wordclass

# Headline filler that general stopword lists miss; English is the language
# most feeds are in, and these words appear in headlines of every section.
_FILLER = {
    "en": {
        "says", "said", "say", "saying", "does", "did", "doing", "not", "have", "has",
        "had", "from", "will", "would", "could", "should", "after", "before", "new",
        "news", "report", "reports", "reported", "amid", "over", "more", "first",
        "latest", "live", "update", "updates", "breaking", "video", "watch", "photos",
        "today", "week", "year", "years", "day", "days", "may", "might",
        "just", "get", "gets", "got", "make", "makes", "made", "take", "takes", "set",
        "sets", "back", "out", "off", "into", "than", "what", "who", "how", "why",
        "when", "where", "here", "there", "now", "still", "also", "time",
    },
    "de": {"sagt", "neue", "neuen", "neues", "heute", "mehr", "erste", "ersten", "live", "video"},
    "fr": {"dit", "selon", "nouveau", "nouvelle", "direct", "vidéo", "après", "plus"},
    "es": {"dice", "según", "nuevo", "nueva", "directo", "vídeo", "video", "tras", "más"},
    "pt": {"diz", "segundo", "novo", "nova", "vídeo", "veja", "confira", "hoje", "após", "ano", "anos"},
    "sv": {"nya", "ny", "nytt", "säger", "efter", "idag", "just nu", "år", "dag", "vecka"},
    # Labels of a headline, not what it is about: "(ニュース)", "[속보]";
    # and Japanese verbal nouns that say what happened to the subject
    # (発表 "announces", 影響 "affects"), not what it is.
    "ja": {"ニュース", "速報", "動画", "写真", "映像", "最新", "詳報", "独自", "話題", "まとめ", "今日", "きょう",
           "解説", "特集", "続報", "一覧", "更新",
           "発表", "公開", "影響", "判明", "表明", "決定", "開始", "実施", "検討", "確認", "発生", "可能性", "方針",
           "見通し", "予定", "対応", "成功", "明らか"},
    "zh": {"新闻", "新聞", "快讯", "快訊", "视频", "影音", "独家", "獨家", "最新", "今日"},
    "ko": {"속보", "뉴스", "영상", "사진", "단독", "종합", "오늘"},
    # Arabic headline verbs and "new": "announces", "reveals".
    "ar": {"جديدة", "جديد", "تعلن", "يعلن", "أعلن", "أعلنت", "تكشف", "يكشف", "يقول", "تقول", "قال", "قالت"},
    # Malayalam, which stopwords-iso has not: one, this, that, today, again, after, said.
    "ml": {"ഒരു", "ഇത്", "ഈ", "ആ", "ഇന്ന്", "എന്ന്", "എന്ന", "പിന്നാലെ", "ശേഷം", "വീണ്ടും", "മുതൽ", "വരെ",
           "കൂടി", "പറഞ്ഞു", "ഇനി"},
}

_MIN_LEN = 3
_MAX_LEN = 40


@lru_cache(maxsize=1)
def _word_pattern() -> re.Pattern:
    """Runs of one script. Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul...
    are split on non-word characters; Han and Katakana runs are words in
    their own right, and Hiragana runs are mostly grammar (particles,
    endings). Marks (Malayalam's and Devanagari's vowel signs, Arabic's
    vowels) and joiners are inside words, though \\w has them not.
    Made at first use: finding the marks reads Unicode's first plane
    (30 ms), which a build that tags nothing need not pay."""
    marks = re.escape("".join(chr(c) for c in range(0x300, 0x10000)
                              if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")) + "\u200c\u200d")
    return re.compile(rf"[^\W\d_](?:[\w{marks}’'.-]*[^\W_]|[{marks}])*", re.UNICODE)


@lru_cache(maxsize=64)
def stopwords_for(language: str) -> frozenset[str]:
    import stopwordsiso  # noqa: PLC0415 - loads every language's list: only when tagging

    base = primary_language(language, "en")
    words = set(_FILLER.get(base, ()))
    if stopwordsiso.has_lang(base):
        words |= stopwordsiso.stopwords(base)
    # English filler always applies: many non-English editions mix in
    # English headlines, and English function words are never good tags.
    if base != "en":
        words |= stopwordsiso.stopwords("en") | _FILLER["en"]
    return frozenset(w.lower() for w in words)


def _split_cjk(token: str) -> list[str]:
    """Split a token that mixes scripts into runs of one script."""
    runs: list[list[str]] = []
    last = None
    for char in token:
        script = script_of(char)
        if script != last:
            runs.append([script, ""])
            last = script
        runs[-1][1] += char
    return [text for script, text in runs if script != "hiragana"]


def words(text: str) -> list[tuple[str, str]]:
    """(original, normalised) words of a headline, in order."""
    return list(_words(text))


@lru_cache(maxsize=16384)  # a headline is read as a story's, as a cluster's other, by the vocabulary
def _words(text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for match in _word_pattern().finditer(text):
        token = match.group(0).strip(".-’'")
        for part in _split_cjk(token) if not token.isascii() else [token]:
            part = re.sub(r"[’']s$", "", part)  # possessive: Trump's -> Trump
            normal = part.lower().replace("’", "'")
            if normal:
                out.append((part, normal))
    return tuple(out)


def _is_cjk(word: str) -> bool:
    return script_of(word[0]) in ("han", "katakana")


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


# Small words that may join a name: "Bank of England", "Real Madrid de".
_NAME_JOINERS = frozenset({"of", "de", "del", "la", "le", "van", "von", "der", "al", "bin", "da", "do", "dos"})
ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "el", "los", "las", "der", "die", "das", "den",
                      "dem", "il", "lo", "gli", "o", "os", "as", "het", "een", "de"})
# English words capitalised as a sentence's first, never part of a name.
_LEADING = frozenset({"how", "what", "why", "when", "where", "who", "which", "is", "are", "will", "can",
                      "does", "do", "did", "should", "could", "would", "in", "on", "at", "for", "to", "with",
                      "from", "by", "as", "after", "this", "that", "these", "those", "but", "and", "or", "if",
                      "while", "watch", "live", "exclusive", "breaking", "update", "updates", "video", "photos",
                      "poll", "opinion", "analysis"})
# Languages whose nouns are all capitalised: a capital there is no name.
_CAPITALISED_NOUNS = frozenset({"de", "lb"})
# What a tag may hold inside a word ("GOES-19", "U.S.", "AT&T", "ドナルド・
# トランプ"); any other sign (brackets, quotes, slashes, sentence
# punctuation) cuts a term into pieces.
_INNER = "-.’'&+・"
_ABBREVIATION = re.compile(r"(?:\w\.){2,}")
_BRACKETED = re.compile(r"[(\[（【［〔「『｢]\s*([^()\[\]（）【】［］〔〕「」『』｢｣]{1,40}?)\s*[)\]）】］〕」』｣]")
_TAIL = re.compile(r"\s+[-–—|]\s+(?=[^-–—|]+$)")


def pieces(text: str) -> list[str]:
    """The parts of a term between signs, trimmed of joiners at either end
    ("掲載)" -> ["掲載"], "PlayStation/Xbox" -> ["PlayStation", "Xbox"])."""
    # Signs are Unicode's punctuation and symbols; marks (Thai vowels) are not.
    marked = "".join("\n" if c not in _INNER and unicodedata.category(c)[0] in "PS" else c for c in text)
    out = []
    for piece in marked.split("\n"):
        piece = piece.strip()
        core = piece.strip(_INNER).strip()
        if _ABBREVIATION.fullmatch(piece.lstrip(_INNER)):
            core = piece.lstrip(_INNER)  # U.S. keeps its last dot
        if core:
            out.append(core)
    return out


def _normal(text: str) -> str:
    """Lower case, signs as spaces: as likeness.normal_words writes the
    headlines in the sync state's title keys, which Vocabulary reads."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _outletish(text: str, outlets: frozenset[str], tail: bool = False) -> bool:
    """An outlet's name, or it with an edition after it ("ACidade ON São
    Carlos" of ACidade ON), or an acronym it starts with (NHK of NHK NEWS
    WEB); for a headline's tail, also a truncated copy ("ACidade ON São
    Ca"). A place an outlet is named after ("São Carlos" of São Carlos
    Agora) is not one."""
    normal = _normal(text)
    if not normal:
        return False
    names, starts = _outlet_index(outlets)
    parts = normal.split()
    if any(" ".join(parts[:n]) in names for n in range(1, len(parts) + 1)):
        return True
    if text.strip().isupper() and normal in starts:
        return True
    return tail and len(normal) >= 3 and any(o.startswith(normal) for o in outlets)


@lru_cache(maxsize=8)  # one per set of outlets: the vocabulary's grows feed by feed
def _outlet_index(outlets: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The outlets, and the first words of those of several words."""
    starts = set()
    for outlet in outlets:
        parts = outlet.split()
        starts.update(" ".join(parts[:n]) for n in range(1, len(parts)))
    return outlets, frozenset(starts)


def plain(headline: str, outlets: frozenset[str], labels: frozenset[str] = frozenset()) -> str:
    """The headline without the outlets left in it: " - Outlet" tails (a
    headline may hold one besides the one Google strips) and an outlet or a
    label ("(ニュース)") in brackets. `outlets` are normalised (_normal)."""
    text = headline
    while True:
        parts = _TAIL.split(text)
        if len(parts) < 2 or not _outletish(parts[-1], outlets, tail=True) or not parts[0].strip():
            break
        text = parts[0]

    def bracket(match: re.Match) -> str:
        inner = match.group(1)
        return " " if _outletish(inner, outlets) or _normal(inner) in labels else match.group(0)

    return _BRACKETED.sub(bracket, text)


@dataclass(frozen=True)
class Term:
    text: str  # as the tag is shown: "Red Sea", "bridge", "衆院選"
    key: str  # what two spellings share: "red sea"
    name: bool
    position: int


def _segmented_terms(headline: str, language: str, stop: frozenset[str], excluded) -> list[Term]:
    tokenize = segment.segmenter_for(language)
    out = []
    for position, (surface, kind) in enumerate(tokenize(headline)):
        if kind == "other":
            continue
        for piece in pieces(surface):
            key = piece.lower()
            longest = 12 if _is_cjk(piece) else _MAX_LEN  # Thai spells a word with many marks
            if (key in stop or excluded(piece) or len(piece) < 2 or len(piece) > longest
                    or not any(c.isalpha() for c in piece)):
                continue
            out.append(Term(piece, key, kind == "name", position))
    return out


def _acronym(word: str) -> bool:
    """AI, EU, UK: two capitals make a name."""
    return len(word) >= 2 and word.isupper() and word.isalpha()


def _title_case(tokens: list[tuple[str, str]]) -> bool:
    """A headline in title case ("Delegates Agree River Treaty"): its
    capitals mark no name."""
    letters = [o for o, _ in tokens if o[:1].isalpha()]
    return len(letters) >= 4 and sum(o[:1].isupper() for o in letters) >= 0.7 * len(letters)


def _written(run: list[str], headline: str) -> bool:
    """The words are one phrase of the headline: no sign between them."""
    return " ".join(run) in headline


def _name_end(tokens: list[tuple[str, str]], i: int, headline: str) -> int:
    """Where the run of capitalised words from i ends: a name is written as
    one phrase, so a possessive, a comma or a dash ends it ("NOAA’s
    GOES-19", "U.S. - China"); small words may join ("Bank of England")."""
    run = [tokens[i][0]]
    j = i + 1
    while j < len(tokens) and len(run) < 8:  # Instituto de Física de São Carlos
        nxt, nxt_normal = tokens[j]
        if nxt[:1].isupper() and _written([*run, nxt], headline):
            run.append(nxt)
            j += 1
        elif (nxt_normal in _NAME_JOINERS and j + 1 < len(tokens) and tokens[j + 1][0][:1].isupper()
              and _written([*run, nxt, tokens[j + 1][0]], headline)):
            run.extend([nxt, tokens[j + 1][0]])
            j += 2
        else:
            break
    return j


def _trimmed(run: list[str], first: bool) -> list[str]:
    """An article before or after is not part of a name ("The" Hill), nor
    an English small word starting a sentence ("How" AI, "In" China,
    "Watch" Fed Chair...); other small words are ("New Mexico", "São
    Carlos")."""
    run = list(run)
    def article(word: str) -> bool:
        return word.lower() in ARTICLES and not word.isupper()  # not LA Galaxy

    while run and (article(run[0]) or first and run[0].lower() in _LEADING):
        run.pop(0)
    while run and article(run[-1]):
        run.pop()
    return run


def names_in(headline: str, language: str = "en") -> dict[str, str]:
    """The names a headline in sentence case writes capitalised, by key:
    those of several words, and single words mid-headline. They tell, in
    a Title Case headline, which capitalised words make one name, and
    which word first in a headline is a name."""
    if (segment.segmenter_for(language) or primary_language(language, "en") in _CAPITALISED_NOUNS
            or not any(c.isupper() for c in headline[1:])):
        return {}
    tokens = words(headline)
    if _title_case(tokens):
        return {}
    starts = _starts(headline, tokens)
    found = {}
    i = 0
    while i < len(tokens):
        if tokens[i][0][:1].isupper() and not _is_cjk(tokens[i][1]):
            j = _name_end(tokens, i, headline)
            run = _trimmed([o for o, _ in tokens[i:j]], i in starts)
            if len(run) > 1 or (run and i not in starts):
                found[" ".join(run).lower()] = " ".join(run)
            i = j
        else:
            i += 1
    return found


def capitalised_mid_sentence(headline: str) -> set[str]:
    """The words a headline capitalises where a capital says something: not
    first in a sentence, which any word is ("Final vote..."), and not in a
    Title Case headline, where every word is."""
    tokens = words(headline)
    if _title_case(tokens):
        return set()
    starts = _starts(headline, tokens)
    return {n for k, (o, n) in enumerate(tokens) if k not in starts and o[:1].isupper()}


def _known_name(tokens, i: int, headline: str, names: dict[str, str]) -> tuple[int, str]:
    """(end, name) of the longest name of the site starting at word i, in
    any casing; (0, "") if none does."""
    for n in range(min(5, len(tokens) - i), 1, -1):
        key = " ".join(normal for _, normal in tokens[i:i + n])
        if key in names and _written([o for o, _ in tokens[i:i + n]], headline):
            return i + n, " ".join(o for o, _ in tokens[i:i + n]) if tokens[i][0][:1].isupper() else names[key]
    return 0, ""


def _starts(headline: str, tokens: list[tuple[str, str]]) -> set[int]:
    """The words that start a sentence of the headline, capitalised as any
    first word is: the first, and those after a colon, a dash, a quote or
    a question mark ("Livstid: Högg ihjäl...")."""
    starts, at = {0}, 0
    for i, (original, _) in enumerate(tokens):
        found = headline.find(original, at)
        if found < 0:
            continue
        if i and re.search(r"[:–—|!?\"“”«»]", headline[at:found]):
            starts.add(i)
        at = found + len(original)
    return starts


def _spaced_terms(headline: str, language: str, stop: frozenset[str], excluded,
                  capitalised_elsewhere: set[str], names: dict[str, str], shared) -> list[Term]:
    """Names and nouns, in order; verbs, adverbs and adjectives alone left
    out (wordclass.py). `shared(key)`: whether other stories of the site
    hold the term."""
    primary = primary_language(language, "en")
    tokens = words(headline)
    title_case = _title_case(tokens)
    starts = _starts(headline, tokens)
    nouns_capitalised = primary in _CAPITALISED_NOUNS
    out: list[Term] = []
    after_noun = verb_seen = False  # what comes before: the subject, the verb
    previous = ""

    def add(text: str, name: bool, position: int) -> None:
        if name and " " not in text:
            text = wordclass.genitive_stem(text, primary) or text  # one spelling: Kinas -> Kina
        key = text.lower()
        # stopwords-iso's English list holds "ai" and "us": not AI and US.
        if key and (key not in stop or _acronym(text)) and not excluded(text) and len(key) >= 2:
            if re.fullmatch(r"(?:\w\.)+\w", text) and text + "." in headline:
                text += "."  # U.S. keeps its last dot
            out.append(Term(text, key, name, position))

    def word_kind(j: int, in_phrase: bool = False) -> str:
        return wordclass.kind(tokens[j][1], primary, after_noun=after_noun, verb_seen=verb_seen,
                              previous=previous, in_phrase=in_phrase,
                              following=tokens[j + 1][1] if j + 1 < len(tokens) else "")

    def add_single(j: int) -> None:
        original, normal = tokens[j]
        # A word no dictionary has is a name ("Zelensky", "Xbox"), and so
        # is one the site writes capitalised.
        known = (normal in names or normal in capitalised_elsewhere or original.isupper()
                 or (primary == "en" and not wordclass.in_dictionary(normal)) or wordclass.proper(original, primary))
        if ((_acceptable(normal, stop, set()) or _acronym(original))
                and wordclass.kind(normal, primary) != wordclass.ADJECTIVE):
            add(names.get(normal, original) if known else normal, known, j)

    def add_phrase(phrase: list[int]) -> None:
        """A Title Case noun phrase: whole if the site knows it; else cut
        around the longest part the site knows ("Tampa Bay" of Tampa Bay
        Residents), or whole."""
        key = " ".join(tokens[k][1] for k in phrase)
        if len(phrase) == 1:
            add_single(phrase[0])
            return
        if key not in names and not shared(key):
            for n in range(len(phrase) - 1, 0, -1):
                for a in range(len(phrase) - n + 1):
                    part = " ".join(tokens[k][1] for k in phrase[a:a + n])
                    if part in names or (shared(part) and part not in stop):
                        for piece in (phrase[:a], phrase[a:a + n], phrase[a + n:]):
                            if piece:
                                add_phrase(piece)
                        return
        add(names.get(key, " ".join(tokens[k][0] for k in phrase)), True, phrase[0])

    i = 0
    while i < len(tokens):
        original, normal = tokens[i]
        end, known = _known_name(tokens, i, headline, names)
        if end and not title_case and original[:1].isupper() and _name_end(tokens, i, headline) > end:
            end = 0  # a longer name written here: "São Carlos do Projeto Amigos"
        if end:
            add(known, True, i)
            i, after_noun, previous = end, True, tokens[end - 1][1]
            continue
        capital = original[:1].isupper() and not _is_cjk(normal)
        if capital and title_case and not nouns_capitalised:
            # Title Case: a noun phrase runs until a verb, a small word, a
            # sign or a name of the site; a small word before a word no
            # dictionary has starts one ("New York", "Los Angeles").
            phrase: list[int] = []
            j = i
            while j < len(tokens) and len(phrase) < 4 and tokens[j][0][:1].isupper():
                glued = phrase and not _written([tokens[k][0] for k in (*phrase, j)], headline)
                if glued or (phrase and _known_name(tokens, j, headline, names)[0]):
                    break
                if tokens[j][1] in stop and not (
                        j + 1 < len(tokens) and tokens[j + 1][0][:1].isupper() and primary == "en"
                        and not wordclass.in_dictionary(tokens[j + 1][1])):
                    break
                if word_kind(j, in_phrase=bool(phrase)) in (wordclass.VERB, wordclass.ADVERB):
                    break
                phrase.append(j)
                after_noun, previous = True, tokens[j][1]
                j += 1
            if not phrase:  # a verb or a small word
                verb_seen = verb_seen or word_kind(i) == wordclass.VERB
                after_noun, previous = False, normal
                i += 1
                continue
            if " ".join(tokens[k][1] for k in phrase) not in names:
                # A phrase starts and ends on a noun: "Catastrophic Flood", "Satellites Smarter".
                while (len(phrase) > 1 and wordclass.kind(tokens[phrase[0]][1], primary) == wordclass.ADJECTIVE
                       and wordclass.in_dictionary(tokens[phrase[1]][1])):  # not "New" York
                    phrase.pop(0)
                while len(phrase) > 1 and wordclass.kind(tokens[phrase[-1]][1], primary) == wordclass.ADJECTIVE:
                    phrase.pop()
            add_phrase(phrase)
            i = j
            continue
        if capital and not nouns_capitalised:
            j = _name_end(tokens, i, headline)
            run = [o for o, _ in tokens[i:j]]
            # A sentence's first word is capitalised anyway: alone, it is a
            # name only if the site or another headline capitalises it too,
            # if no dictionary has it, or, after a colon, if it is no verb.
            if (len(run) > 1 or i not in starts or normal in names
                    or any(_related(normal, w) for w in capitalised_elsewhere)
                    or (primary == "en" and not wordclass.in_dictionary(normal)) or wordclass.proper(original, primary)
                    or (i > 0 and wordclass.knows(primary) and normal not in stop and not word_kind(i))):
                run = _trimmed(run, i in starts)
                if run:
                    add(" ".join(run), True, i)
                i, after_noun, previous = j, True, tokens[j - 1][1]
                continue
        if nouns_capitalised and not capital:
            after_noun, previous = False, normal  # German: a word in lower case is no noun
        elif not _acceptable(normal, stop, set()):
            after_noun, previous = False, normal
        else:
            kind = word_kind(i)
            if kind:
                verb_seen = verb_seen or kind == wordclass.VERB
                after_noun = False
            elif any(c.isupper() for c in original[1:]) and not original.isupper():
                add(original, True, i)  # a brand's spelling: iPhone, eBay
                after_noun = True
            else:
                add(original if nouns_capitalised else wordclass.base(normal, primary), False, i)
                after_noun = True
            previous = normal
        i += 1
    return out


def terms(headline: str, *, language: str = "en", outlet: str = "",
          capitalised_elsewhere: set[str] | frozenset[str] = frozenset(),
          names: dict[str, str] | None = None, outlets: frozenset[str] = frozenset(),
          shared=lambda key: False) -> list[Term]:
    """The candidate tags of a headline, each once, in order. `names`: names
    the site writes capitalised (key -> as written); `outlets`: the site's
    outlets, normalised (_normal), never tags; `shared(key)`: whether other
    stories of the site hold a term."""
    primary = primary_language(language, "en")
    stop = stopwords_for(language)
    own = frozenset({_normal(outlet)}) if outlet else frozenset()
    outlet_words = {n for _, n in words(outlet)}
    labels = frozenset(_FILLER.get(primary, ()))

    def excluded(text: str) -> bool:
        return text.lower() in outlet_words or _outletish(text, own) or _outletish(text, outlets)

    headline = plain(plain(headline, own, labels), outlets, labels)
    if segment.segmenter_for(language):
        found = _segmented_terms(headline, language, stop, excluded)
    else:
        found = _spaced_terms(headline, language, stop, excluded, set(capitalised_elsewhere), names or {}, shared)
    seen: set[str] = set()
    unique = []
    for term in found:
        if term.key not in seen:
            seen.add(term.key)
            unique.append(term)
    return unique


def _grams(title: str, language: str = "") -> set[str]:
    """The runs of one to four words of a normalised headline; in Swedish
    and German, those of its words as terms() spells them too (genitives
    as their stems, kinas: kina; Swedish nouns as their lemmas, skolor:
    skola)."""
    parts = title.split()
    out = {" ".join(parts[a:b]) for a in range(len(parts)) for b in range(a + 1, min(len(parts), a + 4) + 1)}
    if language == "sv":
        stems = [wordclass.base(p, language) for p in parts]
    else:
        stems = [wordclass.genitive_stem(p, language).lower() or p for p in parts] if language == "de" else parts
    if stems != parts:
        out |= _grams(" ".join(stems))
    return out


def _cluster_grams(others, language: str) -> set[str]:
    """The runs of words that two or more of a cluster's other headlines
    write: the subjects of its story, however its lead words it."""
    counts: Counter = Counter()
    for other in others:
        counts.update(_grams(_normal(other), language))
    return {gram for gram, n in counts.items() if n >= 2}


def _unspaced(key: str) -> bool:
    """A key found by its characters, not as words: scripts that glue
    particles or do not space words (Hangul, Han, kana, Thai, Arabic)."""
    return any(ord(c) >= 0x0590 for c in key)


@dataclass
class Vocabulary:
    """The site-wide pass: how many of the site's stories (the sync state's
    headlines and the run's feeds) hold each term, the names of several
    words they write, their outlets, and the terms too common in one feed
    to tell its stories apart."""

    names: dict[str, str] = field(default_factory=dict)
    outlets: frozenset[str] = frozenset()
    # A term in more than this share of a feed's stories (of at least
    # MIN_STORIES) is dropped from that feed's tags.
    COMMON_SHARE = 0.3
    MIN_STORIES = 8
    _site: object = None  # a function giving the site's headlines (normalised), called on the first look-up
    _titles: dict[str, set[str]] = field(default_factory=dict)  # headline: its cluster's n-grams counted for it
    _grams: Counter = field(default_factory=Counter)  # word n-grams of headlines and clusters: stories holding each
    _glued: list[str] = field(default_factory=list)  # the other headlines
    _glued_text: str = ""
    _counts: dict[str, int] = field(default_factory=dict)
    # The current feed: its n-grams, its unspaced headlines, its size.
    _feed: tuple = field(default_factory=lambda: (Counter(), "", 0))
    _common: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def of_site(cls, headlines) -> Vocabulary:
        """`headlines()`: the site's headlines, normalised as the sync
        state's title keys hold them; called only when a story is tagged
        (a resync of unchanged feeds tags nothing)."""
        return cls(_site=headlines)

    def _add_titles(self, titles, language: str = "", clusters=()) -> None:
        """Each story once: its headline's n-grams and those its cluster
        writes twice (counted once per headline, however many feeds hold it)."""
        for title, extra in zip(titles, (*clusters, *([set()] * (len(titles) - len(clusters))))):
            if not title:
                continue
            if title not in self._titles:
                self._titles[title] = set()
                if _unspaced(title):
                    self._glued.append(title)
                    self._glued_text = ""
                self._grams.update(_grams(title, language))
            counted = self._titles[title]
            new = extra - counted - _grams(title, language) if extra else ()
            if new:
                counted |= new
                self._grams.update(new)
        self._counts.clear()

    def stories(self, key: str) -> int:
        """How many of the site's headlines hold the term."""
        if self._site is not None:
            site, self._site = self._site, None
            self._add_titles(site())
        normal = _normal(key)
        if normal not in self._counts:
            if _unspaced(normal):
                if not self._glued_text and self._glued:
                    self._glued_text = "\n".join(self._glued)
                self._counts[normal] = max(self._glued_text.count(normal), self._grams.get(normal, 0))
            else:
                self._counts[normal] = self._grams.get(normal, 0)
        return self._counts[normal]

    def add_feed(self, headlines: list[tuple[str, str]], language: str, outlets=(), clusters=()) -> None:
        """(headline, outlet) of every story of a feed; the outlets of its
        clusters; `clusters`: each story's other headlines, in order. A
        story holds what its headline writes and what two of its cluster's
        headlines write (make_tags takes those as candidates too)."""
        self.outlets = self.outlets | {_normal(o) for o in (*outlets, *(o for _, o in headlines)) if _normal(o)}
        titles = [_normal(h) for h, _ in headlines]
        primary = primary_language(language, "en")
        extras = [_cluster_grams(others, primary) for others in clusters]
        self._add_titles(titles, primary, extras)
        for headline in (*(h for h, _ in headlines), *(o for others in clusters for o in others)):
            self.names.update(names_in(headline, language))
        # The feed's stories are tagged next: its own common terms apply.
        grams: Counter = Counter()
        for n, title in enumerate(titles):
            grams.update(_grams(title, primary) | (extras[n] if n < len(extras) else set()))
        self._feed = (grams, "\n".join(t for t in titles if _unspaced(t)), len(titles))
        self._common = {}

    def is_common(self, key: str) -> bool:
        """Whether the term is in more than COMMON_SHARE of the stories of the
        feed last added (of at least MIN_STORIES)."""
        grams, glued, size = self._feed
        if size < self.MIN_STORIES:
            return False
        normal = _normal(key)
        if normal not in self._common:
            count = glued.count(normal) if _unspaced(normal) else grams.get(normal, 0)
            self._common[normal] = count > self.COMMON_SHARE * size
        return self._common[normal]


MIN_TAGS = 2
_CLUSTER = 1000  # positions of the terms a story's cluster writes, after its headline's


def _cluster_terms(found: list[Term], others: list[str], candidates, shared, language: str) -> list[Term]:
    """The terms of the cluster's other headlines that two or more of them
    write (Trump of "Donald Trump" too), the headline does not, and other
    stories of the site hold: its story is about them too ("impeachment" of
    a story whose lead headline says "hearing")."""
    primary = primary_language(language, "en")
    stop = stopwords_for(language)
    keys = {term.key for term in found}
    texts = [_normal(other) for other in others]
    grams = [_grams(text, primary) for text in texts]
    counts = Counter(gram for own in grams for gram in own)
    # An other headline is read for its terms only when it holds such a run
    # of words (another one holds it too, other stories of the site hold
    # it) that no headline read before it holds.
    lead = {term.key for term in found} | {w for term in found for w in term.key.split()}
    hot = {gram for gram, n in counts.items()
           if n >= 2 and gram not in stop and gram not in lead and not wordclass.kind(gram.split()[-1], primary)
           and shared(gram)}
    out: list[Term] = []
    for other, text, own in zip(others, texts, grams):
        if not _unspaced(text):
            if not hot & own:
                continue  # what it shares is read from an earlier headline already
            hot -= own
        parts = _TAIL.split(other)
        if len(parts) > 1 and len(parts[-1].split()) <= 3:
            other = " ".join(parts[:-1])  # "... | GP", "... - DN.SE": an outlet or a section
        for term in candidates(other):
            if term.key in keys or term.key in stop:  # IS, US: the vocabulary counts "is", "us" too
                continue
            if any(f" {key}".endswith(f" {term.key}") or f" {key} " in f" {term.key} " for key in keys):
                continue  # the end of a name the headline writes whole (Black Friday of Walmart Black Friday)
            keys.add(term.key)
            normal = _normal(term.key)
            written = (sum(normal in t for t in texts) if _unspaced(normal) else counts.get(normal, 0))
            if written >= 2 and shared(term.key):
                out.append(Term(term.text if term.name else term.key, term.key, term.name, _CLUSTER + len(out)))
    return out


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
    that repeats a term counts 2, other stories of the site holding it
    (`vocabulary`) 2, being a name 1; ties go to longer terms, which are
    the more specific, then to the earlier. With a vocabulary, a term no
    other story holds is a tag only to reach MIN_TAGS (a tag page of one
    story leads nowhere); terms common in the feed come last, for that too.
    """
    if limit <= 0:
        return []
    # The vocabulary has the names of every cluster's headlines already.
    names = vocabulary.names if vocabulary else {k: v for other in others for k, v in names_in(other, language).items()}
    capitalised_elsewhere = {n for other in others for n in capitalised_mid_sentence(other)}
    def shared_key(key: str) -> bool:
        return vocabulary is not None and vocabulary.stories(key) >= 2

    def candidates(text: str, capitals=capitalised_elsewhere) -> list[Term]:
        return terms(text, language=language, outlet=outlet, capitalised_elsewhere=capitals,
                     names=names, outlets=vocabulary.outlets if vocabulary else frozenset(), shared=shared_key)

    found = candidates(headline)
    if vocabulary is not None and len(others) >= 2:
        found += _cluster_terms(found, others, candidates, shared_key, language)
    others_lower = [other.lower() for other in others]
    other_words = [{n for _, n in words(other)} for other in others]
    scored = []
    for term in found:
        if " " in term.key or segment.segmenter_for(language):
            repeats = sum(term.key in other for other in others_lower)
        else:
            repeats = sum(any(_related(term.key, w) for w in group) for group in other_words)
        shared = shared_key(term.key)
        score = 2 * repeats + int(term.name) + 2 * int(shared)
        # What other stories of the site hold is no dead end; without a
        # vocabulary, every term may be a tag.
        scored.append(((score, len(term.key), -term.position), term, shared or vocabulary is None))
    scored.sort(key=lambda item: item[0], reverse=True)
    common = {term.key for term in found if vocabulary and vocabulary.is_common(term.key)}
    # Two spellings of one word (zelensky, zelenskyy), or a word and the
    # name it is part of (sea, Red Sea), make one tag.
    chosen: list[Term] = []

    def take(term: Term) -> None:
        if len(chosen) < limit and not any(
                _related(term.key, c.key) or term.key in c.key.split() or c.key in term.key.split()
                for c in chosen):
            chosen.append(term)

    for _, term, shared in scored:
        if term.key not in common and shared:
            take(term)
    # Terms no other story holds, the headline's own (not its cluster's),
    # only to reach MIN_TAGS.
    lonely = [term for _, term, shared in scored if not shared and term.key not in common
              and term.position < _CLUSTER]
    for term in lonely + [term for _, term, _ in scored if term.key in common]:
        if len(chosen) >= min(MIN_TAGS, limit):
            break
        take(term)
    return [term.text for term in chosen]
