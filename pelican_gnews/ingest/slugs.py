"""Slugs: never empty, unique, bounded, safe as a file name on any system.

A slug is made once, when a story is first written, and then read back from
its file: transliteration differs between machines (see NOTES on unidecode),
so it must never be recomputed for an existing story.
"""

from __future__ import annotations

import hashlib
import unicodedata

from slugify import slugify

from ..languages import primary, unspaced_language
from .romanize import romanize

MAX_LENGTH = 100
# Unicode slugs are cut by bytes too: a file name holds 255 bytes, and a
# CJK character takes three.
MAX_BYTES = 200

# Latin letters a language spells out rather than drop the accent of
# (DIN 5007-2 for German): Zürich -> zuerich, not zurich.
_SPELLED_OUT = {
    "de": [("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")],
}

# Names Windows will not create, and slugs whose page would overwrite one of
# the site's own pages (ARTICLE_SAVE_AS is "{slug}.html").
RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {"index", "tags", "categories", "archives", "authors", "404", "sitemap", "search",
       "feeds", "theme", "drafts", "outlets", "pages", "latest"}
)


def story_id(*keys: str) -> str:
    """A short stable id from the first non-empty identity key."""
    key = next((k for k in keys if k), "")
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def name_slug(name: str, settings, kind: str, *, language: str = "", preserve_case: bool | None = None) -> str:
    """The page name of a name the site lists (an outlet, a tag, a section,
    an author), spelled by the rules of story slugs for `language` (its
    script romanized as romanize.py reads it, German umlauts spelled out,
    its own script where GNEWS_SLUG_UNICODE or SLUGIFY_USE_UNICODE asks),
    then shaped by Pelican's `<KIND>_REGEX_SUBSTITUTIONS` as Pelican shapes
    it; a name that leaves nothing ("★", "#", "🔥") gets `<kind>-<hash of
    the name>`, a visible address of its own, the same on every machine and
    in every build. `language`: name_language's choice."""
    from pelican.utils import slugify as pelican_slugify  # noqa: PLC0415 - the build side only

    subs, preserve_case, unicode = _pelican_rules(settings, kind, preserve_case)
    unicode = unicode or unicode_wanted(language, settings.get("GNEWS_SLUG_UNICODE", False))
    text = unicodedata.normalize("NFC", name or "")
    if not unicode:
        text = romanize(_spelled_out(text, language), language)
    slug = pelican_slugify(text, regex_subs=subs, preserve_case=preserve_case, use_unicode=unicode)
    if unicode:
        slug = _within_bytes(slug)
    return slug if slug.strip(".-_ ") else _symbols_slug(name, kind)


def pelican_name_slug(name: str, settings, kind: str, *, preserve_case: bool | None = None) -> str:
    """The page name this project gave `name` before name_slug spelled names
    as stories are spelled: Pelican's own slugify (Unidecode, which reads Han
    as Mandarin and drops Arabic's vowels). Old addresses are redirected
    from it (publish/redirects.py)."""
    from pelican.utils import slugify as pelican_slugify  # noqa: PLC0415

    subs, preserve_case, unicode = _pelican_rules(settings, kind, preserve_case)
    slug = pelican_slugify(name or "", regex_subs=subs, preserve_case=preserve_case, use_unicode=unicode)
    return slug if slug.strip(".-_ ") else _symbols_slug(name, kind)


def _pelican_rules(settings, kind: str, preserve_case: bool | None) -> tuple[list, bool, bool]:
    """What Pelican's URLWrapper slugifies a `kind` with: its regex
    substitutions, case, and SLUGIFY_USE_UNICODE."""
    subs = settings.get(f"{kind.upper()}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    if preserve_case is None:
        preserve_case = settings.get("SLUGIFY_PRESERVE_CASE", False)
    return subs, bool(preserve_case), bool(settings.get("SLUGIFY_USE_UNICODE", False))


def _symbols_slug(name: str, kind: str) -> str:
    return f"{kind}-{hashlib.sha1((name or '').encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _spelled_out(text: str, language: str) -> str:
    for letter, spelling in _SPELLED_OUT.get(primary(language), ()):
        text = text.replace(letter, spelling)
    return text


def _within_bytes(slug: str) -> str:
    while len(slug.encode("utf-8")) > MAX_BYTES:
        slug = slug[:-1].rstrip("-")
    return slug


def name_language(name: str, languages, default_lang: str, site_languages=()) -> str:
    """The one language whose rules spell a name's address, from the
    languages of the stories that carry it (`languages`; "" for a story
    that names none). Decided by the set, never by the order stories are
    read in, so a name has one address in every build of the same site:
    one language is that language; of several, the one the name's script
    says (kana Japanese, Hangul Korean), else the site's DEFAULT_LANG, else
    the reading of Han the site's languages suggest (languages.unspaced_language),
    else the first by code. None: the script's, else DEFAULT_LANG."""
    known = sorted({primary(lang) for lang in languages} - {""})
    if len(known) == 1:
        return known[0]
    default = primary(default_lang)
    script = unspaced_language(name or "", ("zh",))
    if script != unspaced_language(name or "", ("ja",)):
        script = ""  # Han alone: Japanese or Chinese alike
    by_site = unspaced_language(name or "", {*map(primary, site_languages), *known, default})
    if not known:
        return script or by_site or default
    return next((c for c in (script, default, by_site) if c in known), known[0])


def pelican_slug(title: str) -> str:
    """The slug Pelican gives a file without one (its own slugify of the
    title), which the content index must know is taken."""
    return slugify(title or "", max_length=MAX_LENGTH, word_boundary=True, save_order=True)


def unicode_wanted(language: str, setting) -> bool:
    """GNEWS_SLUG_UNICODE: True for every language, or a list of language
    codes (["ja", "ar"]) whose stories keep their own script in slugs."""
    if setting is True:
        return True
    if isinstance(setting, str):
        setting = [setting]
    if not isinstance(setting, (list, tuple, set, frozenset)):
        return False  # a bad value: settings.problems names it when the build starts
    return primary(language) in {primary(code) for code in setting}


def base_slug(title: str, language: str = "", *, unicode: bool = False) -> str:
    """The slug of a headline: romanized for its script (romanize.py), or in
    its own script when the site asks for Unicode slugs."""
    title = unicodedata.normalize("NFC", title or "")
    if unicode:
        slug = slugify(title, max_length=MAX_LENGTH, word_boundary=True, save_order=True, allow_unicode=True)
        return _within_bytes(slug)
    replacements = _SPELLED_OUT.get(primary(language), [])
    return slugify(romanize(title, language), max_length=MAX_LENGTH, word_boundary=True, save_order=True,
                   replacements=replacements)


def unique_slug(title: str, ident: str, taken: set[str] | frozenset[str], language: str = "",
                *, unicode: bool = False) -> str:
    """Slug for a new story: from the title, else from its id; never in `taken`."""
    slug = base_slug(title, language, unicode=unicode) or f"story-{ident[:8]}"
    if slug in RESERVED or slug in taken:
        # A stable suffix: the same story gets the same slug on every machine.
        stem = slug[: MAX_LENGTH - 17].rstrip("-")
        for width in (6, 10, 16):
            candidate = f"{stem}-{ident[:width]}"
            if candidate not in taken:
                return candidate
        counter = 2
        while f"{stem}-{ident}-{counter}" in taken:
            counter += 1
        return f"{stem}-{ident}-{counter}"
    return slug
