"""What a language tag and a character's script tell, in one place.

* `language_tag` accepts a tag from a feed or a file, `primary` reads its
  language ("pt-BR", "pt_br" and "PT" are all "pt"), `text_direction` its
  writing direction.
* `script_of` names a character's script, and `unspaced_language` the
  language of a run of script that does not space its words.
* Japanese, Chinese, Korean and Thai need word segmenters and readers that
  weigh hundreds of megabytes, so they come in pip extras (`EXTRAS`).
  `stack_ready` tells whether a language's extra is installed, and logs one
  warning per language naming the extra when it is not. Without it, tags
  and slugs fall back to a readable form: tags are cut at script changes
  and punctuation, and slugs are spelled by Unidecode.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import unicodedata
from functools import cache, lru_cache

logger = logging.getLogger(__name__)

# A language tag (BCP 47's shape: letters, then subtags of letters and
# digits); never a dot or a slash, so it can name a file or a URL part.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")


def language_tag(value: object) -> str:
    """`value` if it is a language tag ("en", "pt-BR", "zh_Hant"), else ''."""
    text = str(value or "").strip()
    return text if len(text) <= 35 and _LANGUAGE_TAG.fullmatch(text) else ""


def primary(language: object, default: str = "") -> str:
    """The primary language subtag, lower case: "pt-BR" and "pt_br" are "pt"."""
    return re.split(r"[-_]", str(language or default).strip(), maxsplit=1)[0].lower()


# Scripts written right to left (ISO 639-1 primary subtags).
RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "ha", "he", "iw", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """"rtl" for a language written right to left, else "ltr"."""
    return "rtl" if primary(language) in RTL_LANGUAGES else "ltr"


_SCRIPT_PREFIXES = (
    (("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"), "han"),
    (("HIRAGANA",), "hiragana"),
    (("KATAKANA", "HALFWIDTH KATAKANA"), "katakana"),  # ー is KATAKANA-HIRAGANA PROLONGED SOUND MARK
    (("HANGUL",), "hangul"),
    (("THAI",), "thai"),
    (("ARABIC",), "arabic"),
    (("HEBREW",), "hebrew"),
)


@lru_cache(maxsize=8192)
def script_of(char: str) -> str:
    """"han", "hiragana", "katakana", "hangul", "thai", "arabic", "hebrew",
    or "other" (Latin, digits, punctuation and the rest)."""
    if char in "々〆":  # iteration and abbreviation marks: parts of Han words
        return "han"
    name = unicodedata.name(char, "")
    for prefixes, script in _SCRIPT_PREFIXES:
        if name.startswith(prefixes):
            return script
    return "other"


def is_kana(char: str) -> bool:
    return script_of(char) in ("hiragana", "katakana")


def unspaced_language(text: str, languages=frozenset()) -> str:
    """The language a run of unspaced script is in, by its script: kana is
    Japanese, Hangul Korean, Thai Thai; Han alone is Chinese unless the
    site's languages (`languages`) have Japanese and not Chinese; '' for
    text in none of these scripts."""
    scripts = {script_of(c) for c in text}
    if scripts & {"hiragana", "katakana"}:
        return "ja"
    if "hangul" in scripts:
        return "ko"
    if "thai" in scripts:
        return "th"
    if "han" in scripts:
        bases = {primary(lang) for lang in languages}
        return "ja" if "ja" in bases and "zh" not in bases else "zh"
    return ""


# The pip extra of each language that needs one, and the modules it brings
# (Pagefind's extended binary segments Chinese and Japanese in the index).
EXTRAS = {
    "ja": ("janome", "cutlet", "unidic_lite", "pykakasi", "pagefind_bin_extended"),
    "zh": ("jieba", "opencc", "pypinyin", "pagefind_bin_extended"),
    "ko": ("kiwipiepy", "korean_romanizer"),
    "th": ("pythainlp",),
}
_NAMES = {"ja": "Japanese", "zh": "Chinese", "ko": "Korean", "th": "Thai"}


def extra_for(language: str) -> str:
    """The extra a language's stories need ("ja"...), or '' for none."""
    code = primary(language)
    return code if code in EXTRAS else ""


@cache
def stack_ready(language: str) -> bool:
    """Whether the extra `language` needs is installed (True for a language
    that needs none). The first time one is missing, one warning says which
    extra to install. Cached for the process: what is installed does not
    change while it runs."""
    extra = extra_for(language)
    if not extra:
        return True
    missing = [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]
    if missing:
        logger.warning(
            "pelican-gnews: %s stories need the [%s] extra (missing: %s); install it with "
            "pip install 'pelican-gnews[%s]'. Until then their tags are cut at script changes and "
            "punctuation, and their slugs are spelled by Unidecode.",
            _NAMES[extra], extra, ", ".join(missing), extra)
    return not missing
