"""Slugs: never empty, unique, bounded, safe as a file name on any system.

A slug is made once, when a story is first written, and then read back from
its file: transliteration differs between machines (see NOTES on unidecode),
so it must never be recomputed for an existing story.
"""

from __future__ import annotations

import hashlib

from slugify import slugify

MAX_LENGTH = 100

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


def base_slug(title: str) -> str:
    return slugify(title or "", max_length=MAX_LENGTH, word_boundary=True, save_order=True)


def unique_slug(title: str, ident: str, taken: set[str] | frozenset[str]) -> str:
    """Slug for a new story: from the title, else from its id; never in `taken`."""
    slug = base_slug(title) or f"story-{ident[:8]}"
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
