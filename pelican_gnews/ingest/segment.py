"""Words of a headline in languages that do not space them, or glue
particles to them, with the well-kept segmenters made for each:

| language | segmenter | what tags keep |
|---|---|---|
| Japanese | janome (IPADIC, pure Python) | nouns, a compound of nouns kept whole (衆院選, 過半数割れ); brackets and adjective stems (新た) are not |
| Chinese | jieba (its dictionary, with part-of-speech); Traditional text is segmented in its Simplified form (OpenCC), which jieba's dictionary knows | nouns and names, kept in the headline's own script |
| Korean | kiwipiepy (its model) | nouns and names, particles and endings dropped (증설도 -> 증설), nouns written as one word kept whole |
| Thai | pythainlp (newmm, its dictionary; its ORCHID part-of-speech tagger for tags) | nouns and names |

Each comes in its language's pip extra (languages.EXTRAS) and loads its
dictionary once, on first use: a site without such feeds pays nothing, and
one without the extra gets None here (tags.py then cuts words at script
changes). A token is (surface, kind), kind "noun", "name" or "other".
"""  # noqa: E501 - a table's rows

from __future__ import annotations

import logging
from functools import lru_cache

from ..languages import primary, stack_ready

Token = tuple[str, str]


@lru_cache(maxsize=1)
def _janome():
    from janome.tokenizer import Tokenizer  # noqa: PLC0415

    return Tokenizer()


# Suffixes that make a noun something else: "for", "-style", "-like",
# "made in", "and others", "Mr."; a tag is the noun alone.
_LOOSE_SUFFIXES = frozenset({"向け", "風", "的", "製", "等", "用", "系", "側", "氏", "さん", "様", "ら", "達", "たち"})


def japanese(text: str, compounds: bool = True) -> list[Token]:
    """Nouns joined into the compounds headlines use (名詞 next to 名詞, a
    suffix such as 選 or 氏 glued to its noun), numbers kept apart; with
    `compounds` false, each noun on its own (利下げ, 見送り)."""
    out: list[Token] = []
    joined = ""
    kind = ""
    for token in _janome().tokenize(text):
        pos = token.part_of_speech.split(",")
        if compounds and pos[0] == "名詞" and not any(c.isalnum() for c in token.surface):
            # IPADIC reads a bracket, quote or slash it does not know as a
            # noun (掲載 + ")"): it ends a compound and is no word.
            pos = ["記号", "一般", "*"]
        if not compounds and joined and pos[0] == "名詞" and pos[1] != "接尾":
            out.append((joined, kind))
            joined, kind = "", ""
        if pos[0] == "名詞" and pos[1] == "接尾":
            # A suffix joins its noun (衆院+選); a counter (21+年) does not,
            # nor, for tags, one that makes it a manner or a title (Xbox+向け).
            if joined and pos[2] != "助数詞" and not (compounds and token.surface in _LOOSE_SUFFIXES):
                joined += token.surface
                continue
        elif pos[0] == "名詞" and pos[1] not in ("数", "非自立", "代名詞", "副詞可能"):
            joined += token.surface
            if compounds and pos[1] == "形容動詞語幹" and kind in ("", "adjective"):
                kind = "adjective"  # 新た (new), 重要 alone; 重要課題 is a noun
            else:
                kind = "name" if pos[1] == "固有名詞" or kind == "name" else "noun"
            continue
        if joined:
            out.append((joined, "other" if kind == "adjective" else kind))
            joined, kind = "", ""
        out.append((token.surface, "other"))
    if joined:
        out.append((joined, "other" if kind == "adjective" else kind))
    return out


@lru_cache(maxsize=1)
def _jieba():
    import jieba  # noqa: PLC0415
    import jieba.posseg  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # noqa: PLC0415

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    """The text in Simplified characters, when that keeps every character in
    its place (t2s maps character for character almost always), so that
    the words found map back onto the original."""
    simple = _to_simplified().convert(text)
    return simple if len(simple) == len(text) else text


def _in_original(text: str, words) -> list:
    """(original surface, item) for consecutive words of _simplified(text)."""
    out, at = [], 0
    for item, length in words:
        out.append((text[at:at + length], item))
        at += length
    return out


def chinese_words(text: str) -> list[str]:
    return [surface for surface, _ in
            _in_original(text, ((None, len(w)) for w in _jieba().cut(_simplified(text))))]


def chinese(text: str) -> list[Token]:
    out = []
    pairs = ((pair.flag, len(pair.word)) for pair in _jieba().posseg.cut(_simplified(text)))
    for surface, flag in _in_original(text, pairs):
        # n* nouns (nr person, ns place, nt organisation, nz other names),
        # vn verbal nouns, l and j set phrases and abbreviations.
        kind = ("name" if flag in ("nr", "ns", "nt", "nz")
                else "noun" if flag.startswith("n") or flag in ("vn", "l", "j") else "other")
        out.append((surface, kind))
    return out


@lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi  # noqa: PLC0415

    return Kiwi()


def korean(text: str) -> list[Token]:
    """Nouns and names; a noun followed by its suffix (XSN) stays one word."""
    out: list[Token] = []
    end = -1
    for token in _kiwi().tokenize(text):
        glued = token.start == end and out and out[-1][1] != "other"
        end = token.start + token.len
        if token.tag in ("NNG", "NNP", "SL", "SH"):
            kind = "name" if token.tag in ("NNP", "SL") else "noun"
            if glued:  # nouns written as one word: 데이터센터
                out[-1] = (out[-1][0] + token.form, "name" if "name" in (kind, out[-1][1]) else "noun")
            else:
                out.append((token.form, kind))
        elif token.tag == "XSN" and glued:
            out[-1] = (out[-1][0] + token.form, out[-1][1])
        else:
            out.append((token.form, "other"))
    return out


def thai(text: str) -> list[Token]:
    return [(word, "noun" if len(word) > 1 and not word.isspace() else "other") for word in _thai_words(text)]


def thai_nouns(text: str) -> list[Token]:
    """Thai words by their part of speech (pythainlp's perceptron tagger on
    its bundled ORCHID corpus): N* nouns, NPRP names; verbs (V*), adverbs,
    numbers (NCNM, NONM) and the rest are other. The tagger guesses words
    it never saw, and guesses long ones wrong (กรุงเทพมหานคร: an adverb);
    a long word read as a verb or adverb is a compound noun."""
    from pythainlp.tag import pos_tag  # noqa: PLC0415

    words = [(word, "other") if word.isspace() else (word, "") for word in _thai_words(text)]
    tagged = iter(pos_tag([w for w, kind in words if not kind], corpus="orchid"))
    out = []
    for word, kind in words:
        if not kind:
            flag = next(tagged)[1]
            kind = ("name" if flag == "NPRP" else "noun" if flag.startswith("N") and flag not in ("NCNM", "NONM")
                    else "noun" if flag.startswith(("V", "ADV")) and len(word) >= _THAI_COMPOUND else "other")
        out.append((word, kind))
    return out


_THAI_COMPOUND = 9  # characters, marks included: longer than Thai's verbs (เดินทาง, กระตุ้น)


def _thai_words(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize  # noqa: PLC0415

    return word_tokenize(text, engine="newmm")


SEGMENTERS = {"ja": japanese, "zh": chinese, "ko": korean, "th": thai}
# Tags keep fewer words than likeness compares: Thai by its part of speech.
TAGGERS = {**SEGMENTERS, "th": thai_nouns}


def segmenter_for(language: str):
    """The tagger (tags.py) of a language that needs segmenting, or None:
    also when its extra is not installed (languages.stack_ready warns)."""
    code = primary(language)
    return TAGGERS[code] if code in TAGGERS and stack_ready(code) else None


def tokens(text: str, language: str) -> list[Token] | None:
    """The text's words, each noun on its own (no compounds), or None when
    no segmenter for it is installed."""
    segmenter = SEGMENTERS.get(language)
    if segmenter is None or not stack_ready(language):
        return None
    return japanese(text, compounds=False) if language == "ja" else segmenter(text)
