"""Old addresses of tags, sections, authors and outlets keep working.

Their pages were named by Pelican's own slugify (Unidecode: 東京 `dong-jing`,
반도체 `bandoce`, البرلمان `lbrlmn`); they are now spelled as story slugs are
(slugs.name_slug). For every name on the site whose old page (the first;
later pages of a list are not redirected) is at another path than its new
one, a small page at the old path sends readers and crawlers on: a meta
refresh, a canonical link and a visible link, marked noindex. Old and new
paths both come from the site's *_SAVE_AS and *_URL settings, and no
redirect takes the place of a page this build writes.

The old address is worked out from the name each build, so nothing is kept
between builds. Redirect pages go through the writer as its data files do
(data_files.write_data): kept when unchanged in an incremental build, removed
with the name, never in the sitemap; Pagefind indexes story pages only.
"""

from __future__ import annotations

import logging
import os
import posixpath
from html import escape

from pelican.generators import Generator
from pelican.utils import get_relative_path

from ..ingest.slugs import pelican_name_slug
from ..languages import text_direction
from ..settings import setting
from .data_files import write_data
from .outputs import outlet_pages_on
from .reader import names_of

logger = logging.getLogger(__name__)

# Context lists of Pelican's URLWrappers, and their kind (TAG_SAVE_AS...).
_LISTS = (("tags", "tag"), ("categories", "category"), ("authors", "author"))


def _old_paths(context, settings) -> dict[str, set[tuple[str, str]]]:
    """Each old first-page path whose name now lives elsewhere: the new
    (url, name) pairs claiming it."""
    moved: dict[str, set[tuple[str, str]]] = {}

    def move(old_save_as, new_save_as: str, new_url: str, name: str) -> None:
        if isinstance(old_save_as, str) and old_save_as and old_save_as != new_save_as:
            moved.setdefault(posixpath.normpath(old_save_as), set()).add((new_url, name))

    for key, kind in _LISTS:
        lists = context.get(key) or ()
        # Every spelling grouped under a slug had its own old page. A story
        # carrying a name is in that name's list: each story is read once.
        spellings: dict[tuple[type, str], set[str]] = {}
        seen: set[int] = set()
        for _, stories in lists:
            for story in stories:
                if id(story) not in seen:
                    seen.add(id(story))
                    for n in names_of(story):
                        spellings.setdefault((type(n), n.slug), set()).add(n.name)
        for item, _ in lists:
            names = {item.name} | spellings.get((type(item), item.slug), set())
            for name in sorted(names):
                old = pelican_name_slug(name, settings, kind)
                if old != item.slug:
                    ghost = type(item)(name, settings)
                    ghost.slug = old
                    move(ghost.save_as, item.save_as, item.url, name)
    if outlet_pages_on(settings):
        save_as = setting(settings, "GNEWS_OUTLET_SAVE_AS")
        for outlet in context.get("outlets") or ():
            for name in outlet.spellings or [outlet.name]:
                old = pelican_name_slug(name, settings, "outlet", preserve_case=False)
                if old != outlet.slug:
                    move(save_as.format(slug=old), outlet.save_as, outlet.url, name)
    return moved


def href(url: str, from_save_as: str, settings) -> str:
    """The address of `url` as a link on the page written at `from_save_as`."""
    siteurl = str(settings.get("SITEURL") or "")
    if settings.get("RELATIVE_URLS") or not siteurl:
        return f"{get_relative_path(from_save_as)}/{url}".replace(os.sep, "/")
    return f"{siteurl.rstrip('/')}/{url}"


def redirect_page(target: str, name: str, language: str) -> str:
    target, name = escape(target), escape(name, quote=False)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}" dir="{text_direction(language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{name}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{target}">\n'
        "</head>\n"
        f'<body><main><p><a href="{target}"><bdi>{name}</bdi></a></p></main></body>\n'
        "</html>\n"
    )


class RedirectsGenerator(Generator):
    """A redirect at each old address; added last, so that every page of
    the build is written (and known to the writer) before it looks."""

    def generate_context(self):
        pass  # the old addresses are known once every slug is final (outputs.keep_pages_apart)

    def generate_output(self, writer):
        moved = _old_paths(self.context, self.settings)
        real = set(getattr(writer, "produced", ()))
        real |= {posixpath.normpath(s.save_as) for s in self.context.get("staticfiles", ())}
        theme_dir = str(self.settings.get("THEME_STATIC_DIR", "theme")).strip("/") + "/"
        language = str(self.settings.get("DEFAULT_LANG") or "en")
        for old in sorted(moved):
            if old in real or old.startswith((theme_dir, "../", "/")):
                continue
            (url, name), *others = sorted(moved[old])
            if others:
                logger.info("pelican-gnews: old address %s was the page of %s; it redirects to %s",
                            old, ", ".join(repr(n) for _, n in [(url, name), *others]), url)
            target = href(url, old, self.settings)
            write_data(writer, self.context, old, [target, name],
                       lambda target=target, name=name: redirect_page(target, name, language))
