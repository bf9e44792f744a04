"""Slugs: never empty, unique, bounded, safe as a file name on any system.

A slug is made once, when a story is first written, and then read back from
its file: transliteration differs between machines (see NOTES on unidecode),
so it must never be recomputed for an existing story.
"""

from __future__ import annotations

import hashlib
import unicodedata

from slugify import slugify

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


def name_slug(name: str, settings, kind: str, *, preserve_case: bool | None = None) -> str:
    """The page name of a name the site lists (an outlet, a tag, a section,
    an author): Pelican's slug of it, made as Pelican makes it for `kind`
    (its `<KIND>_REGEX_SUBSTITUTIONS`); a name Pelican makes nothing of
    ("★", "#", "🔥") gets `<kind>-<hash of the name>`, a visible address of
    its own, the same on every machine and in every build."""
    from pelican.utils import slugify as pelican_slugify  # noqa: PLC0415 - the build side only

    subs = settings.get(f"{kind.upper()}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    if preserve_case is None:
        preserve_case = settings.get("SLUGIFY_PRESERVE_CASE", False)
    slug = pelican_slugify(name, regex_subs=subs, preserve_case=preserve_case,
                           use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))
    if slug.strip(".-_ "):
        return slug
    return f"{kind}-{hashlib.sha1(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def pelican_slug(title: str) -> str:
    """The slug Pelican gives a file without one (its own slugify of the
    title), which the content index must know is taken."""
    return slugify(title or "", max_length=MAX_LENGTH, word_boundary=True, save_order=True)


def unicode_wanted(language: str, setting) -> bool:
    """GNEWS_SLUG_UNICODE: True for every language, or a list of language
    codes (["ja", "ar"]) whose stories keep their own script in slugs."""
    if setting is True:
        return True
    primary = (language or "").split("-")[0].lower()
    return bool(setting) and primary in {str(code).split("-")[0].lower() for code in setting}


def base_slug(title: str, language: str = "", *, unicode: bool = False) -> str:
    """The slug of a headline: romanized for its script (romanize.py), or in
    its own script when the site asks for Unicode slugs."""
    title = unicodedata.normalize("NFC", title or "")
    if unicode:
        slug = slugify(title, max_length=MAX_LENGTH, word_boundary=True, save_order=True, allow_unicode=True)
        while len(slug.encode("utf-8")) > MAX_BYTES:
            slug = slug[:-1].rstrip("-")
        return slug
    replacements = _SPELLED_OUT.get((language or "").split("-")[0].lower(), [])
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
