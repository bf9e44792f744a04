"""Readable Latin spellings of headlines for slugs, one choice per script.

Unidecode (python-slugify's default) reads every Han character as Mandarin
and drops Arabic's long vowels: 続報 becomes `sok-bao`, not `zokuhou`. Each
script gets the spelling its readers would type instead:

| script | spelling | by |
|---|---|---|
| Japanese (kana; Han in a Japanese feed) | Hepburn romaji, words read in context | cutlet (MeCab with UniDic), pykakasi if it cannot load |
| Chinese (Han elsewhere) | Hanyu Pinyin without tones | pypinyin |
| Korean (Hangul) | Revised Romanization, with its sound changes | korean-romanizer |
| Arabic | a simple transliteration that keeps the written long vowels and the article (al-) | this module |
| Hebrew | a simple transliteration (ש sh, ח ch, vav and yod as vowels inside words) | this module |
| German | umlauts as ae, oe, ue and ß as ss (DIN 5007-2) | slugs.py |
| Cyrillic, Greek, other Latin, others | Unidecode's | python-slugify |

A site that wants its slugs in the headline's own script says so with
GNEWS_SLUG_UNICODE (slugs.py). The spelling of a library can change between
versions: a slug is made once and then read back from its file.
"""  # noqa: E501 - a table's rows

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from ..languages import is_kana, primary, script_of, stack_ready
from .segment import chinese_words

logger = logging.getLogger(__name__)

_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "aa", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "ى": "a", "پ": "p", "چ": "ch", "گ": "g", "ژ": "zh", "ک": "k",
    "ی": "i", "ـ": "",
    "\u064e": "a", "\u0650": "i", "\u064f": "u", "\u064b": "an", "\u064d": "in", "\u064c": "un",
    "\u0652": "", "\u0651": "", "\u0670": "a",
}
_ARABIC_VOWELS = set("اأإآٱةى\u064e\u0650\u064f")

_HEBREW = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "ch", "ט": "t",
    "כ": "k", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s",
    "ע": "", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}


def _semivowel(word: str, i: int, consonant: str, vowel: str, vowels: set[str]) -> str:
    """و/ي (vav/yod) are consonants at the start of a word or before a
    vowel letter, and long vowels elsewhere."""
    after = word[i + 1] if i + 1 < len(word) else ""
    if i == 0 or after in vowels:
        return consonant
    return vowel


def arabic(text: str) -> str:
    out = []
    for word in text.split():
        prefix = ""
        if word.startswith("ال") and len(word) > 3:
            prefix, word = "al-", word[2:]
        letters = []
        for i, char in enumerate(word):
            if char == "و":
                letters.append(_semivowel(word, i, "w", "u", _ARABIC_VOWELS))
            elif char == "ي":
                letters.append(_semivowel(word, i, "y", "i", _ARABIC_VOWELS))
            else:
                letters.append(_ARABIC.get(char, char))
        out.append(prefix + "".join(letters))
    return " ".join(out)


def hebrew(text: str) -> str:
    out = []
    for word in text.split():
        letters = []
        for i, char in enumerate(word):
            if char == "ו":
                letters.append(_semivowel(word, i, "v", "o", set("אהוי")))
            elif char == "י":
                letters.append(_semivowel(word, i, "y", "i", set("אהו")))
            elif "\u0591" <= char <= "\u05c7":  # points and cantillation
                continue
            else:
                letters.append(_HEBREW.get(char, char))
        out.append("".join(letters))
    return " ".join(out)


# Characters the Japanese readers read: Han, kana, printable ASCII, full-
# and half-width forms, CJK punctuation. Anything else (a no-break space, ×,
# a control character) reads as a space: pykakasi repeats the word before a
# character it has no reading for (miurahr/pykakasi#150: 株式市場\xa0 gave
# "kabushikishijou kabushikishijou"), cutlet writes "?".
def _readable(char: str) -> bool:
    if not (" " <= char <= "~" or "\u3000" <= char <= "\u30ff" or "\uff01" <= char <= "\uff9f"
            or script_of(char) in ("han", "hiragana", "katakana")):
        return False
    return unicodedata.category(char) != "Cn"  # cutlet fails on unassigned kana (U+3097)


@lru_cache(maxsize=1)
def _japanese_reader():
    """cutlet's romaji (MeCab's words with UniDic's readings: 新国際機関 is
    shin-kokusai kikan, 米FRB is bei FRB), or pykakasi's when cutlet or its
    dictionary cannot load. Loanwords stay in Hepburn (ステーション is
    suteeshon): cutlet's English spellings cover only some of them."""
    try:
        import cutlet  # noqa: PLC0415 - MeCab and its dictionary: only for Japanese

        katsu = cutlet.Cutlet("hepburn", use_foreign_spelling=False)
        katsu.romaji("日本")  # MeCab opens its dictionary on the first word
        return katsu.romaji
    except (ImportError, RuntimeError, OSError) as exc:
        logger.warning("pelican-gnews: cutlet cannot read Japanese here (%s); new Japanese slugs are "
                       "spelled by pykakasi, which misreads compounds (pip install cutlet unidic-lite)", exc)
    import pykakasi  # noqa: PLC0415

    kakasi = pykakasi.kakasi()

    def read(text: str) -> str:
        words, at = [], 0
        for part in kakasi.convert(text):
            if not text.startswith(part["orig"], at):
                continue  # pykakasi#150: the word before a character it cannot read, again
            at += len(part["orig"])
            if part["hepburn"].strip():
                words.append(part["hepburn"])
        return " ".join(words)

    return read


def japanese(text: str) -> str:
    # NFKC first: full-width ＮＨＫ is NHK, half-width ｶﾅ is カナ.
    text = "".join(char if _readable(char) else " " for char in unicodedata.normalize("NFKC", text))
    return _japanese_reader()(text).lower() if text.strip() else ""


def chinese(text: str) -> str:
    """Pinyin a word at a time (jieba's words): 台湾新闻 is taiwan xinwen."""
    from pypinyin import lazy_pinyin  # noqa: PLC0415 - the [zh] extra's

    return " ".join("".join(lazy_pinyin(word)) for word in chinese_words(text))


def korean(text: str) -> str:
    from korean_romanizer.romanizer import Romanizer  # noqa: PLC0415

    return Romanizer(text).romanize()


# Runs of one script, punctuation and spaces attached to the run before.
# In Japanese text Han, kana and the Latin letters and digits among them are
# one run, read as a whole: 新しい is a word, 米FRB is bei (the U.S.), not
# kome (rice), Windows風 is fuu. A Latin word with letters the Japanese
# reader cannot read (café) is left whole to Unidecode.
def _runs(text: str, japanese_text: bool) -> list[tuple[str, str]]:
    foreign = set()
    if japanese_text:
        for word in re.finditer(r"[^\W_]+", text):
            if any(script_of(c) == "other" and not _readable(c) for c in word.group()):
                foreign.update(range(word.start(), word.end()))
    runs: list[list[str]] = []
    for at, char in enumerate(text):
        script = "kana" if is_kana(char) else script_of(char)
        if japanese_text and (script in ("han", "kana") or (_readable(char) and at not in foreign)):
            script = "kana"
        if script == "other" and runs and not (char.isalnum()):
            runs[-1][1] += char
            continue
        if not runs or runs[-1][0] != script:
            runs.append([script, ""])
        runs[-1][1] += char
    return [(script, chunk) for script, chunk in runs]


_READER_FAILURES = (KeyError, IndexError, ValueError, TypeError, AttributeError)


def _spelled(reader, chunk: str) -> str:
    """`reader`'s spelling of a run. A word its tables fail on (korean-
    romanizer has no rule for the final of 넪) stays as it is, for Unidecode;
    the run's other words keep the reader's spelling."""
    try:
        return reader(chunk)
    except _READER_FAILURES:
        words = []
        for word in chunk.split():
            try:
                words.append(reader(word))
            except _READER_FAILURES:
                words.append(word)
        return " ".join(words)


def romanize(text: str, language: str = "") -> str:
    """A Latin spelling of `text`, script by script; what is left (Latin,
    Cyrillic, Greek...) is for python-slugify's Unidecode, and so is a
    script whose language's extra is not installed (languages.stack_ready)."""
    code = primary(language)
    if code != "ja" and text.isascii():
        return re.sub(r"\s+", " ", text).strip()  # one run of "other": most headlines
    japanese_text = code == "ja" or any(is_kana(c) for c in text)
    out = []
    for script, chunk in _runs(text, japanese_text):
        if script == "kana" and stack_ready("ja"):
            out.append(_spelled(japanese, chunk))
        elif script == "han" and stack_ready("zh"):
            out.append(_spelled(chinese, chunk))
        elif script == "hangul" and stack_ready("ko"):
            out.append(_spelled(korean, chunk))
        elif script == "arabic":
            out.append(_spelled(arabic, chunk))
        elif script == "hebrew":
            out.append(_spelled(hebrew, chunk))
        else:
            out.append(chunk)
    return re.sub(r"\s+", " ", " ".join(out)).strip()
