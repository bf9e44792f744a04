"""Output paths: no story, tag, section or outlet takes another page's file.

A story titled "Index2" would be written to index2.html, page 2 of the front
page, and every later build would stop with FileOverwriteFailedError; an
outlet "Wire2" takes page 2 of outlet "Wire". After every generator has
built its context (all_generators_finalized), this module lists the files
the site will write besides story pages (pagination included, from Pelican's
own Paginator), moves each story, tag or section whose page is one of them
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

from pelican.paginator import Paginator

logger = logging.getLogger(__name__)


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def page_paths(settings, template: str, save_as: str, count: int) -> list[str]:
    """Every file a paginated list of `count` items writes at `save_as`."""
    if not save_as:
        return []
    paginated = settings.get("PAGINATED_TEMPLATES", {})
    per_page = paginated.get(template) if template in paginated else None
    if template in paginated and per_page is None:
        per_page = settings.get("DEFAULT_PAGINATION")
    paginator = Paginator(save_as, save_as, list(range(max(1, count))), settings, per_page or None)
    return [paginator.page(n).save_as for n in paginator.page_range]


def _listing_paths(articles_gen, settings, outlets) -> dict[str, str]:
    """Files of the lists and other pages, each with what writes it."""
    paths: dict[str, str] = {}
    n = len(articles_gen.articles) if articles_gen else 0
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        for path in page_paths(settings, name, save_as, n):
            paths[path] = f"the {name} page"
    for key in ("GNEWS_OUTLETS_SAVE_AS",):
        if settings.get(key, "outlets.html"):
            paths[settings.get(key, "outlets.html")] = "the outlets page"
    if articles_gen:
        for tag, articles in articles_gen.tags.items():
            for path in page_paths(settings, "tag", tag.save_as, len(articles)):
                paths.setdefault(path, f"tag {tag.name!r}")
        for category, articles in articles_gen.categories:
            for path in page_paths(settings, "category", category.save_as, len(articles)):
                paths.setdefault(path, f"section {category.name!r}")
    for outlet in outlets:
        for path in page_paths(settings, "outlet", outlet.save_as, outlet.count):
            paths.setdefault(path, f"outlet {outlet.name!r}")
    return paths


def keep_pages_apart(generators) -> None:
    """Move stories (and tags and sections) off files other pages write."""
    by_kind = {type(g).__name__: g for g in generators}
    articles_gen = by_kind.get("ArticlesGenerator")
    outlets = getattr(by_kind.get("OutletsGenerator"), "outlets", [])
    settings = (articles_gen or generators[0]).settings
    if articles_gen:
        _rename_taxonomy(articles_gen, settings, outlets)
    taken = _listing_paths(articles_gen, settings, outlets)
    for generator in generators:
        for kind in ("staticfiles", "pages", "hidden_pages", "draft_pages"):
            for content in getattr(generator, kind, ()):
                taken.setdefault(content.save_as, f"{content.relative_source_path}")
    stories = list(articles_gen.articles + articles_gen.translations + articles_gen.drafts
                   + articles_gen.drafts_translations) if articles_gen else []
    used = {s.save_as for s in stories}
    theme_dir = settings.get("THEME_STATIC_DIR", "theme").strip("/") + "/"
    for story in stories:
        owner = taken.get(story.save_as) or ("the theme" if story.save_as.startswith(theme_dir) else "")
        if not owner:
            continue
        old = story.slug
        for width in (6, 12, 40):
            story.slug = f"{old.rstrip('/')}-{short_hash(story.relative_source_path)[:width]}"
            if story.save_as not in taken and story.save_as not in used:
                break
        used.add(story.save_as)
        logger.warning("%s: slug %r would overwrite %s; published as %r. Give it another `slug:`.",
                       story.relative_source_path, old, owner, story.slug)


def _rename_taxonomy(gen, settings, outlets) -> None:  # noqa: ARG001
    """A tag or section whose page is another's page 2 ("Wire2" and "Wire")
    gets a suffixed slug on every story that carries it."""
    others: dict[str, str] = {}
    groups = [("tag", [(t, len(a)) for t, a in gen.tags.items()]),
              ("category", [(c, len(a)) for c, a in gen.categories])]
    for template, items in groups:
        for item, count in items:
            for path in page_paths(settings, template, item.save_as, count)[1:]:
                others[path] = item.name
    renamed: dict[tuple[str, str], str] = {}
    for _template, items in groups:
        for item, _count in items:
            if item.save_as in others and others[item.save_as] != item.name:
                renamed[(type(item).__name__, item.slug)] = f"{item.slug}-{short_hash(item.name)}"
                logger.warning("%s %r: its page %s is page 2 or later of %r; published as %r",
                               type(item).__name__, item.name, item.save_as, others[item.save_as],
                               renamed[(type(item).__name__, item.slug)])
    if not renamed:
        return
    for story in gen.articles + gen.translations + gen.drafts + gen.drafts_translations:
        for item in [*getattr(story, "tags", []), getattr(story, "category", None)]:
            if item is not None and (type(item).__name__, item.slug) in renamed:
                item.slug = renamed[(type(item).__name__, item.slug)]
    for item, _articles in gen.categories:
        if (type(item).__name__, item.slug) in renamed:
            item.slug = renamed[(type(item).__name__, item.slug)]
    tags = defaultdict(list)
    for tag, articles in gen.tags.items():
        if (type(tag).__name__, tag.slug) in renamed:
            tag.slug = renamed[(type(tag).__name__, tag.slug)]
        tags[tag] = articles
    gen.tags = tags
    gen.context["tags"] = list(tags.items())
    gen.context["categories"] = gen.categories


def loop_safe_get_files(self, paths, exclude=None, extensions=None) -> set[str]:
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
                    if self._include_path(fp, extensions):
                        files.add(fp)
        elif os.path.exists(root) and self._include_path(path, extensions):
            files.add(path)
    return files
