"""Which words of a spaced language's headline are verbs, adverbs or
adjectives, so that tags (tags.py) are nouns and names only.

* English: a dictionary (english_lexicon.py, made from lemminflect's) lists
  the parts of speech a word can have ("reduces": verb; "shows": noun or verb). A word that can be a noun
  is a verb only where a headline puts its verb: the first such word ending
  in -s right after the subject ("Study Finds Ocean Heat Record").
* Portuguese, Spanish, Galician, Catalan, French, Italian, Swedish:
  simplemma's lemma. An inflected form whose lemma is an infinitive
  ("mostram" -> "mostrar", "trouvent" -> "trouver", "säger" -> "säga") is
  a verb; a plural noun ("lugares" -> "lugar") is not, by its ending.

Both load their dictionaries on first use, once per language; a language
neither knows gets "" (a noun, as far as tags are concerned).
"""

from __future__ import annotations

from functools import lru_cache

from .english_lexicon import gradable, word_classes

VERB, ADVERB, ADJECTIVE = "verb", "adverb", "adjective"

# Headline verbs that are nouns too ("vows", "warns"), whatever their place.
_ENGLISH_VERBS = frozenset("""
agree agrees approve approves ask asks beat beats become becomes begin begins deny denies die dies
fall falls find finds give gives go goes grow grows halt halts hold holds keep keeps kill kills
leave leaves lose loses meet meets open opens pass passes push pushes quit quits raise raises
reach reaches reject rejects revive revives rise rises see sees seek seeks send sends shrink
shrinks sign signs slam slams slash slashes spot spots stop stops sue sues surge surges take takes
tell tells threaten threatens urge urges vow vows want wants warn warns won lost seen told gave
took made came went put says said react reacts reshape reshapes reduce reduces unveil unveils
""".split())
# Words after which a word that may be a verb is one.
_ENGLISH_MODALS = frozenset({"to", "will", "would", "could", "can", "may", "might", "must", "should", "shall",
                             "did", "does", "do", "not", "won't", "can't"})
# Verbs after which the word before is their subject: "deals are".
_ENGLISH_AUXILIARIES = frozenset({"is", "are", "was", "were", "has", "have", "had", "will", "would", "can",
                                  "could", "may", "might", "must", "should"})
# Prepositions a verb takes ("calls for", "boasts of", "closes at").
# Not "on", "to", "with", "over": "trade talks on hold", "plans to".
_ENGLISH_PARTICLES = frozenset({"for", "of", "at", "into", "up", "down", "out", "back", "off"})
# Words after which an -ing or -ed word is a noun: "the funding", "a hearing".
_ENGLISH_DETERMINERS = frozenset({"the", "a", "an", "of", "for", "on", "in", "at", "to", "new", "its", "his",
                                  "her", "their", "our", "this", "that"})

# Infinitive endings, and the words after which an infinitive itself is
# a verb ("para participar"); elsewhere a word ending so may be a noun
# ("lugar", "mulher").
_INFINITIVES = {
    "pt": (("ar", "er", "ir", "or"), {"para", "de", "a", "ao", "pode", "podem", "vai", "vão", "deve", "devem",
                                      "sem", "após", "por", "quer", "querem", "como", "pra"}),
    "gl": (("ar", "er", "ir"), {"para", "de", "a", "ao", "pode", "vai", "debe", "sen", "por"}),
    "es": (("ar", "er", "ir"), {"para", "de", "a", "al", "puede", "pueden", "va", "van", "debe", "deben",
                                "sin", "tras", "por", "quiere", "como"}),
    "ca": (("ar", "er", "ir", "re"), {"per", "de", "a", "pot", "poden", "va", "vol", "sense"}),
    "fr": (("er", "ir"), {"pour", "de", "d", "à", "peut", "peuvent", "va", "vont", "doit", "doivent", "sans",
                          "veut", "après"}),
    "it": (("are", "ere", "ire"), {"per", "di", "a", "può", "possono", "deve", "devono", "senza", "vuole"}),
}
_MENTE = ("pt", "es", "gl", "it", "ca")  # -mente makes adverbs


@lru_cache(maxsize=65536)
def _lemma(word: str, language: str) -> str:
    import simplemma  # noqa: PLC0415 - each language's dictionary loads on its first word

    return simplemma.lemmatize(word, lang=language)


def _verb_stem(word: str) -> bool:
    """An -ing or -ed word the dictionary lacks, of a verb it has ("reshaping")."""
    stem = word[:-3] if word.endswith("ing") else word[:-2]
    return any("VERB" in word_classes(s) for s in (stem, stem + "e", stem[:-1]) if s)


def _english_kind(word: str, after_noun: bool, verb_seen: bool, previous: str, in_phrase: bool,
                  following: str) -> str:
    pos = word_classes(word)
    if word in _ENGLISH_VERBS:
        return VERB
    if len(word) > 4 and (word.endswith("ing") or word.endswith("ed") and not word.endswith("eed")) and (
            pos or _verb_stem(word)):  # not Boeing
        # A noun after a determiner; inside a noun phrase, a gerund ("Congestion Pricing").
        return "" if in_phrase or "NOUN" in pos and previous in _ENGLISH_DETERMINERS else VERB
    if not pos:
        if len(word) > 4 and word.endswith("ly"):
            return ADVERB
        if "-" in word:  # a compound is what its last word is: "all-electric"
            last = word_classes(word.rsplit("-", 1)[1])
            return ADJECTIVE if "ADJ" in last and "NOUN" not in last else ""
        # An unknown re-/un- word of a known verb: "reshape", "unpause".
        if word.startswith(("re", "un")) and "VERB" in word_classes(word[2:]) and "NOUN" not in word_classes(word[2:]):
            return VERB
        return ""
    nominal = "NOUN" in pos or "PROPN" in pos
    if "VERB" in pos and previous in _ENGLISH_MODALS:
        return VERB  # "will cut", "to advance"
    if ("VERB" in pos or "AUX" in pos) and not nominal:
        return VERB
    if "VERB" in pos and after_noun and not verb_seen and following not in _ENGLISH_AUXILIARIES and (
            word.endswith("s") or previous.endswith("s") and not previous.endswith("ss")):
        return VERB  # the headline's verb after its subject: "Trump Slashes Funding", "Wildfires Burn"
    if ("VERB" in pos and word.endswith("s") and not word.endswith("ss") and following in _ENGLISH_PARTICLES
            and previous and not previous.endswith("s") and previous not in _ENGLISH_DETERMINERS):
        return VERB  # after a singular subject, before its preposition: "pitch boasts of", "Dow closes at"
    if "ADJ" in pos and following and "NOUN" in word_classes(following) and gradable(word):
        # A quality (white, whiter) before the noun it qualifies: "white
        # nationalist"; not a noun used as one: "satellite imaging".
        return ADJECTIVE
    if "ADV" in pos and not nominal:
        return ADVERB
    if "ADJ" in pos and not nominal:
        return ADJECTIVE
    return ""


# Swedish words after which an infinitive is a verb: "kan förbjuda", "att gå".
_SWEDISH_MODALS = frozenset({"att", "kan", "kunde", "ska", "skall", "skulle", "vill", "ville", "måste", "får",
                             "fick", "bör", "borde", "brukar", "tänker", "verkar", "lär", "behöver"})


def _swedish_kind(word: str, lemma: str, previous: str) -> str:
    """A Swedish word's class by its lemma's shape: simplemma gives a verb's
    infinitive (in -a) and an adjective's base form."""
    if lemma.endswith("a") and lemma != word:
        stem = lemma[:-1]
        # Present, past, supine, passive (tonas), participles (hittad,
        # anhållen) of a verb whose infinitive ends in -a (not its bare stem:
        # simplemma reads the nouns risk, bro, spel as imperatives);
        # not the -or/-ar plural of a noun (kvinnor, bilar: lemma bil).
        if word in (lemma + "r", stem + "er", lemma + "de", stem + "de", stem + "te", lemma + "t", stem + "t",
                    lemma + "s", stem + "s", stem + "es", stem + "ad", stem + "ade", stem + "at", stem + "en",
                    stem + "et", stem + "ande", stem + "ende"):
            return VERB
        if not word.startswith(stem) and not word.endswith(("or", "ar", "er", "en", "et", "na")):
            return VERB  # a strong verb's past: högg (hugga)
        return ""
    if lemma == word and word.endswith("a") and previous in _SWEDISH_MODALS:
        return VERB  # an infinitive: "kan förbjuda"
    if lemma != word and lemma.endswith(("d", "g", "sk", "t")) and word in (lemma[:-1] + "t", lemma + "t"):
        return ADVERB  # an adjective's -t form, which is its adverb too: oväntat (oväntad)
    if lemma != word and word in (lemma + "are", lemma + "re", lemma + "ast", lemma + "aste") or (
            lemma != word and word.endswith("re") and not lemma.startswith(word[:3])):
        return ADJECTIVE  # a comparative: ytterligare (ytterlig), äldre (gammal)
    if lemma == word and word.endswith(("lig", "ligt", "liga", "isk", "iska")):
        return ADJECTIVE  # oförklarlig
    return ""


def genitive_stem(word: str, language: str) -> str:
    """The word without its genitive -s, where the dictionary says it is one
    (Swedish and German: Kinas -> Kina, Sveriges -> Sverige), else ""."""
    if language not in ("sv", "de") or len(word) < 4 or not word.endswith("s"):
        return ""
    lemma = _lemma(word, language)
    return word[:-1] if lemma.lower() == word[:-1].lower() else ""


def base(word: str, language: str) -> str:
    """One spelling for a Swedish noun's forms, its lemma (skolor, skolan:
    skola), lower case; other words and languages as they are."""
    if language != "sv":
        return word
    return _lemma(word, language).lower() or word


def proper(word: str, language: str) -> bool:
    """Whether simplemma's dictionary writes the word, as the headline does,
    as a name: its lemma capitalised (florida -> Florida), or a form of a
    name (Kinas -> Kina; it returns a capitalised word it lacks as it is)."""
    if language not in _INFINITIVES and language != "sv":  # German writes every noun so
        return False
    if _lemma(word.lower(), language)[:1].isupper():
        return True
    lemma = _lemma(word, language)
    return word[:1].isupper() and lemma != word and lemma[:1].isupper()


def _lemma_kind(word: str, language: str, previous: str) -> str:
    if language in _MENTE and len(word) > 7 and word.endswith("mente"):
        return ADVERB
    lemma = _lemma(word, language).lower()
    if language == "sv":
        return _swedish_kind(word, lemma, previous)
    endings, before = _INFINITIVES[language]
    if not lemma.endswith(endings):
        return ""
    if lemma == word:
        return VERB if previous in before else ""
    if word in (lemma + "s", lemma + "es"):  # a plural: lugares, lugar
        return ""
    return VERB


def kind(word: str, language: str, *, after_noun: bool = False, verb_seen: bool = False,
         previous: str = "", in_phrase: bool = False, following: str = "") -> str:
    """VERB, ADVERB, ADJECTIVE or "" for a lower-case word of a headline in
    `language` (a primary subtag). `after_noun`: the word before it is a
    noun or name; `verb_seen`: the headline had a verb before it;
    `previous`: the word before it, lower case; `in_phrase`: it continues
    a Title Case noun phrase; `following`: the word after it, lower case."""
    if language == "en":
        return _english_kind(word, after_noun, verb_seen, previous, in_phrase, following)
    if language in _INFINITIVES or language == "sv":
        return _lemma_kind(word, language, previous)
    return ""


def in_dictionary(word: str) -> bool:
    """Whether English's dictionary has the word (a word it has not, written
    with a capital, is a name)."""
    return bool(word_classes(word))


def knows(language: str) -> bool:
    """Whether `kind` can tell this language's verbs."""
    return language == "en" or language == "sv" or language in _INFINITIVES
