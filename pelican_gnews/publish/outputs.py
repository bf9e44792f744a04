"""Output paths: no story, tag, section or outlet takes another page's file.

A story titled "Index2" would be written to index2.html, page 2 of the front
page, and every later build would stop with FileOverwriteFailedError; an
outlet "Wire2" takes page 2 of outlet "Wire". After every generator has
built its context (all_generators_finalized), this module lists the files
the site will write besides story pages (older pages of lists included, as
pagination.py names them), moves each story, tag or section whose page is one of them
to a suffixed slug with a warning naming its file, and the build goes on.

It also walks the content folder without following a symbolic-link loop
(Pelican's own walk follows links, so a loop published every story 41 times).
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
from collections import defaultdict

from ..settings import setting
from .data_files import per_page
from .pagination import paginate
from .pelican_seams import include_path

logger = logging.getLogger(__name__)


def outlet_pages_on(settings) -> bool:
    return bool(setting(settings, "GNEWS_OUTLET_SAVE_AS"))


def outlets_save_as(settings) -> str:
    """Where the outlets index is written ('' when outlet pages are off)."""
    return setting(settings, "GNEWS_OUTLETS_SAVE_AS") if outlet_pages_on(settings) else ""


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def page_paths(settings, template: str, save_as: str, stories: list) -> list[str]:
    """Every file a list of `stories` writes at `save_as` (its own first,
    then its older pages: pagination.py)."""
    if not save_as:
        return []
    size = per_page(settings, template)
    if not size:
        return [save_as]  # not paginated, or all on one page
    return [page.save_as for page in paginate(list(stories), save_as, save_as, size).pages]


def later_pages_taken(items, settings, template: str):
    """(item, owner) for each item whose own page is an older page of
    another item's list. `items` are (item, its stories) pairs."""
    later: dict[str, str] = {}
    for item, stories in items:
        for path in page_paths(settings, template, item.save_as, stories)[1:]:
            later[path] = item.name
    return [(item, later[item.save_as]) for item, _ in items
            if item.save_as in later and later[item.save_as] != item.name]


def every_story(gen) -> list:
    """Every story the articles generator read: published, draft or hidden,
    originals and translations."""
    return (gen.articles + gen.translations + gen.drafts + gen.drafts_translations + gen.hidden_articles
            + gen.hidden_translations)


def _listing_paths(gen, settings, outlets) -> dict[str, str]:
    """Files of the lists and other pages, each with what writes it."""
    paths: dict[str, str] = {}
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        for path in page_paths(settings, name, save_as, gen.articles if gen else []):
            paths[path] = f"the {name} page"
    if outlets_save_as(settings):
        paths[outlets_save_as(settings)] = "the outlets page"
    lists = [("outlet", "outlet", [(o, o.stories) for o in outlets])]
    if gen:
        lists += [("tag", "tag", list(gen.tags.items())), ("category", "section", gen.categories)]
    for template, what, items in lists:
        for item, stories in items:
            for path in page_paths(settings, template, item.save_as, stories):
                paths.setdefault(path, f"{what} {item.name!r}")
    return paths


def keep_pages_apart(generators) -> None:
    """Move stories (and tags and sections) off files other pages write."""
    by_kind = {type(g).__name__: g for g in generators}
    gen = by_kind.get("ArticlesGenerator")
    outlets = getattr(by_kind.get("OutletsGenerator"), "outlets", [])
    settings = (gen or generators[0]).settings
    if gen:
        _rename_taxonomy(gen, settings)
    taken = _listing_paths(gen, settings, outlets)
    for month in getattr(by_kind.get("ArchiveGenerator"), "months", ()):
        taken.setdefault(month.save_as, f"the archive of {month.name}")
        for day in month.days.values():
            taken.setdefault(day.save_as, f"the archive of {day.date.date().isoformat()}")
    for page in getattr(by_kind.get("SearchGenerator"), "search_pages", ()):
        taken.setdefault(page["url"], "a search page")
    for path in getattr(by_kind.get("TagIndexGenerator"), "save_as_paths", ()):
        taken.setdefault(path, "the tags page")
    for path in getattr(by_kind.get("StatusGenerator"), "save_as_paths", ()):
        taken.setdefault(path, "the feed status page")
    for generator in generators:
        for kind in ("staticfiles", "pages", "hidden_pages", "draft_pages"):
            for content in getattr(generator, kind, ()):
                taken.setdefault(content.save_as, content.relative_source_path)
    stories = every_story(gen) if gen else []
    # Pelican formats a save_as anew at each use: once a story here.
    paths = [s.save_as for s in stories]
    used = set(paths)
    theme_dir = settings.get("THEME_STATIC_DIR", "theme").strip("/") + "/"
    for at, (story, path) in enumerate(zip(stories, paths)):
        owner = taken.get(path) or ("the theme" if path.startswith(theme_dir) else "")
        if not owner:
            continue
        old = story.slug
        for width in (6, 12, 40):
            story.slug = f"{old.rstrip('/')}-{short_hash(story.relative_source_path)[:width]}"
            if story.save_as not in taken and story.save_as not in used:
                break
        paths[at] = story.save_as
        used.add(paths[at])
        logger.warning("%s: slug %r would overwrite %s; published as %r. Give it another `slug:`.",
                       story.relative_source_path, old, owner, story.slug)
    freeze_urls(stories, paths)


def freeze_urls(stories, paths) -> None:
    """Fix each story's url and save_as (`paths`: each story's, formatted
    once already) now that its slug is final.

    Pelican formats them anew at every use (a copy of the metadata and a
    relative path each time): a story is named on its page, in cards, feeds
    and lists, 40 times a build, which made this a fifth of the build.
    `override_url` / `override_save_as` are Pelican's own way to set them."""
    for story, path in zip(stories, paths):
        story.override_url = story.url
        story.override_save_as = path


def _rename_taxonomy(gen, settings) -> None:
    """A tag or section whose page is another's later page gets a suffixed
    slug on every story that carries it (Tag and Category objects are one
    per story, equal by slug)."""
    renamed: dict[tuple[str, str], str] = {}
    for template, items in (("tag", list(gen.tags.items())), ("category", gen.categories)):
        for item, owner in later_pages_taken(items, settings, template):
            key = (type(item).__name__, item.slug)
            renamed[key] = f"{item.slug}-{short_hash(item.name)}"
            logger.warning("%s %r: its page %s is page 2 or later of %r; published as %r",
                           key[0], item.name, item.save_as, owner, renamed[key])
    if not renamed:
        return
    tags = [t for t, _ in gen.tags.items()]
    categories = [c for c, _ in gen.categories]
    for story in every_story(gen):
        tags += getattr(story, "tags", [])
        categories += [story.category] if getattr(story, "category", None) else []
    for item in tags + categories:
        item.slug = renamed.get((type(item).__name__, item.slug), item.slug)
    # Tags are dict keys hashed by slug: rebuild the mapping.
    gen.tags = defaultdict(list, gen.tags.items())
    gen.context["tags"] = list(gen.tags.items())


class SortedSet(set):
    """A set of paths that iterates in sorted order: Pelican reads files in
    this order, and stories of one date keep it, so two builds of the same
    content give the same bytes (a plain set's order changes per process)."""

    def __iter__(self):
        return iter(sorted(set.__iter__(self)))


def loop_safe_get_files(self, paths, exclude=None, extensions=None) -> SortedSet:
    """Pelican's Generator.get_files, visiting every real folder once: a
    folder link is followed as Pelican does, but never into a folder already
    walked (a loop, or two links to one place)."""
    exclude = exclude or []
    if isinstance(paths, str):
        paths = [paths]
    exclusions: dict[str, set[str]] = {}
    for e in exclude:
        parent, sub = os.path.split(os.path.join(self.path, e))
        exclusions.setdefault(parent, set()).add(sub)
    ignores = self.settings["IGNORE_FILES"]
    files: set[str] = set()
    seen: set[str] = set()
    for path in paths:
        root = os.path.join(self.path, path) if path else self.path
        if os.path.isdir(root):
            for dirpath, dirs, names in os.walk(root, topdown=True, followlinks=True):
                real = os.path.realpath(dirpath)
                if real in seen:
                    dirs[:] = []
                    continue
                seen.add(real)
                excl = exclusions.get(dirpath, ())
                dirs[:] = [d for d in dirs if d not in excl and not any(fnmatch.fnmatch(d, i) for i in ignores)
                           and os.path.realpath(os.path.join(dirpath, d)) not in seen]
                reldir = os.path.relpath(dirpath, self.path)
                for name in names:
                    fp = os.path.join(reldir, name)
                    if include_path(self, fp, extensions):
                        files.add(fp)
        elif os.path.exists(root) and include_path(self, path, extensions):
            files.add(path)
    return SortedSet(files)
