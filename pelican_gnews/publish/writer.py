"""The site's writer: Pelican's, with stable pagination and incremental builds.

Every paginated list of the site (the front page, tag, section, author and
outlet pages) goes through Writer.write_file with the stories to paginate;
this writer cuts them into stable pages (pagination.py) and writes each as
one file, with the template variables Pelican's own pagination sets
(`articles_page`, `articles_paginator`, `articles_previous_page`,
`articles_next_page`). With GNEWS_INCREMENTAL on, a page or feed whose
inputs did not change since the last build is kept instead of rendered
(incremental.py).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import ChainMap
from pathlib import Path

from pelican import signals
from pelican.writers import Writer

from ..settings import setting
from . import cards, feed_entries, freshness, jsonfeed, search
from .crawlers import Sitemap
from .data_files import incremental_on, per_page, write_data
from .incremental import MANIFEST_NAME, STATS_NAME, Fingerprints, Manifest, remove_stale
from .pagination import Page, paginate
from .pelican_seams import static_files

logger = logging.getLogger(__name__)

# Pages kept when unchanged: stories and pages (Pelican writes them with an
# `article` or `page` variable), archive days and months and every list page. Every
# other page is rendered each time (it shows the whole site: tags.html,
# archives.html, the outlets index, 404.html).
MEMO_TEMPLATES = frozenset({"archive_day", "archive_month", "search", "digest", freshness.TEMPLATE})
MEMO_VARIABLES = ("article", "page")
# A list's summary is shown on its front page only, so that its older pages
# do not change with every story added to the list.
FRONT_ONLY = ("list_summary", "outlet_figures")
# Variables Pelican passes that the theme does not show (every story of the
# site, on each tag and section page): left out of fingerprints.
NOT_SHOWN = ("all_articles",)



class GNewsWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.produced: set[str] = set()
        self.context: dict = {}  # the build's shared context, as the generators pass it
        self.sitemap = Sitemap(self.settings)
        self.manifest: Manifest | None = None
        self.kept: list[str] = []  # pages kept from the last build, for their sync stamp (freshness.py)
        # Seconds spent rendering and writing the pages and feeds that
        # changed: what an hourly build cannot shed (the build's stats).
        self.rendering = 0.0
        self._fingerprints: Fingerprints | None = None
        # Story pages, written first (pelican_seams: ArticlesGenerator.generate_pages); at
        # the first other page the search index starts on them.
        self.story_pages: list[search.StoryPage] = []
        self.search_job: search.IndexJob | None = None
        self._indexing = search.search_on(self.settings)
        if incremental_on(self.settings):
            cache = Path(self.settings.get("CACHE_PATH") or "cache")
            self.manifest = Manifest(cache / MANIFEST_NAME, output_path,
                                     load=bool(self.settings.get("LOAD_CONTENT_CACHE", True)))

    def note(self, save_as: str) -> None:
        """A file of the output written other than by this writer."""
        self.produced.add(os.path.normpath(save_as).replace(os.sep, "/"))

    def data_unchanged(self, context, name: str, shown) -> bool:
        """Whether a data file of the site (not a template's page), showing
        `shown`, can be kept as the last build wrote it."""
        self.note(name)
        if self.manifest is None or shown is None:
            return False
        return self.manifest.unchanged(name, self._fingerprints_of(context).data(name, shown))

    def data_written(self, context, name: str, shown) -> None:
        self.note(name)
        if self.manifest is not None and shown is not None:
            self.manifest.written(name, self._fingerprints_of(context).data(name, shown))

    def story_fingerprint(self, context, story) -> str | None:
        """A story's fingerprint as a card shows it (None without
        incremental builds): what a file showing that story alone is made of."""
        if self.manifest is None:
            return None
        return self._fingerprints_of(context).story(story)

    def _fingerprints_of(self, context) -> Fingerprints:
        if self._fingerprints is None:
            self._fingerprints = found = Fingerprints(self.settings, context)
            if self.manifest is not None and found.base is not None:
                # Cards and feed entries are kept between builds by the
                # fingerprints pages are kept by.
                for store in self._story_stores(context):
                    store.keep(Path(self.settings.get("CACHE_PATH") or "cache"), found.base, found.story,
                               load=bool(self.settings.get("LOAD_CONTENT_CACHE", True)))
        return self._fingerprints

    @staticmethod
    def _story_stores(context) -> tuple[cards.StoryStore, ...]:
        return cards.of_build(context), feed_entries.of_build(context)

    def _fingerprint(self, context, name, template_name, kwargs) -> str | None:
        if self.manifest is None:
            return None
        return self._fingerprints_of(context).page(name, template_name, kwargs)

    def _one(self, name, template, context, relative_urls, template_name, override_output, url, memo,
             unshown=(), **kwargs):
        """Write one file, or keep it if its fingerprint is unchanged.
        `unshown`: variables left out of the fingerprint (a list's whole
        story lists, of which a page shows its own stories only)."""
        self.note(name)
        self.sitemap.add(url or name, template_name, kwargs)
        fingerprint = None
        if memo and self.manifest is not None:
            shown = {k: v for k, v in kwargs.items() if k not in unshown and k not in NOT_SHOWN}
            fingerprint = self._fingerprint(context, name, template_name, {**shown, "url": url})
        if self.manifest is not None and self.manifest.unchanged(name, fingerprint):
            self.kept.append(name)
            # Plugins that list the pages a build writes hear of a kept
            # page as of a written one.
            signals.content_written.send(os.path.join(self.output_path, name),
                                         context=ChainMap({"localsiteurl": None, **kwargs}, context))
            return False
        started = time.perf_counter()
        super().write_file(name, template, context, relative_urls, {}, template_name, override_output, url,
                           **kwargs)
        self.rendering += time.perf_counter() - started
        if self.manifest is not None:
            self.manifest.written(name, fingerprint)
        return True

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if not name:
            return None
        self.context = context
        if self.manifest is not None:
            self._fingerprints_of(context)  # before the first card is rendered
        story = None
        if self._indexing and self.search_job is None:
            if "article" in kwargs:
                story = kwargs["article"]
            elif self.story_pages:
                self.start_search()
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        size = per_page(self.settings, template_name)
        if not paginated or size is None:
            memo = template_name in MEMO_TEMPLATES or any(k in kwargs for k in MEMO_VARIABLES)
            # Whether the file was written (False: kept from the last build).
            written = self._one(name, template, context, relative_urls, template_name, override_output, url, memo,
                                **kwargs)
            if story is not None:
                self._to_index(name, story)
            return written
        stories = paginated.get("articles", next(iter(paginated.values())))
        pages = paginate(list(stories), name, url or name, size or len(stories))
        orders: dict[str, dict[int, int]] = {}
        for page in pages.pages:
            local = dict(kwargs)
            if not page.is_front:
                local.update(dict.fromkeys(FRONT_ONLY))
            for key, values in paginated.items():
                # Other lists (`dates`) get the same stories, in their order.
                if values is stories:
                    this = page
                else:
                    if key not in orders:
                        orders[key] = {id(s): n for n, s in enumerate(values)}
                    order = orders[key]
                    this = Page(sorted(page.object_list, key=lambda s: order[id(s)]), page.save_as, page.url,
                                page.is_front, page.newer, page.older)
                local.update({f"{key}_paginator": pages, f"{key}_page": this,
                              f"{key}_previous_page": page.newer, f"{key}_next_page": page.older})
            # The neighbouring pages are shown by their addresses only, which
            # are part of this page's own fingerprint.
            unshown = [*paginated, *(f"{k}_{n}_page" for k in paginated for n in ("previous", "next"))]
            self._one(page.save_as, template, context, relative_urls, template_name, override_output, page.url,
                      True, unshown=unshown, **local)
        return None

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        """Pelican's feed, with its JSON Feed beside it (jsonfeed.py); both
        kept when the entries they show are unchanged."""
        self.context = context
        json_path = jsonfeed.path_for(path) if path and setting(self.settings, "GNEWS_JSON_FEEDS") else None
        for name in (path, json_path):
            if name:
                self.note(name)
        fingerprint = None
        if path and self.manifest is not None:
            shown = list(elements[: self.settings.get("FEED_MAX_ITEMS")])
            # An entry shows its author's name, which other stories may
            # spell (reader.settle_name_spellings); a card does not.
            fingerprint = self._fingerprint(context, path, f"feed:{feed_type}",
                                            {"entries": shown, "url": url, "title": feed_title,
                                             "json": json_path or "",
                                             "authors": [str(getattr(e, "author", "")) for e in shown]})
            if self.manifest.unchanged(path, fingerprint) and (
                    json_path is None or (Path(self.output_path) / json_path).is_file()):
                return None
        started = time.perf_counter()
        feed = super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        if json_path:
            json_url = self.urljoiner(self.feed_domain, jsonfeed.path_for(url or path))
            target = Path(self.output_path) / json_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(jsonfeed.document(feed, json_url, str(context.get("DEFAULT_LANG") or "")),
                              encoding="utf-8")
        self.rendering += time.perf_counter() - started
        if path and self.manifest is not None:
            self.manifest.written(path, fingerprint)
        return feed

    def _create_new_feed(self, feed_type, feed_title, context):
        return feed_entries.kept_feed(super()._create_new_feed(feed_type, feed_title, context))

    def _add_item_to_the_feed(self, feed, item):
        """Pelican's entry of `item`, made once a build for each feed type,
        SITEURL and author's name (feed_entries.py)."""
        entries = feed_entries.of_build(self.context)
        if not entries.keeping(feed) or not hasattr(item, "source_path"):
            return super()._add_item_to_the_feed(feed, item)
        variant = (type(feed).__name__, self.site_url, str(getattr(item, "author", "")))
        kept = entries.kept_item(item, variant)
        if kept is not None:
            feed.items.append(kept)
            return None
        super()._add_item_to_the_feed(feed, item)
        entries.add_item(feed, item, variant, feed.items[-1])
        return None

    def _to_index(self, name: str, story) -> None:
        """A story page for the search index, with the fingerprint it was
        written or kept with: its part of the index is made again only
        when a page's fingerprint in it changed."""
        recorded = self.manifest.new.get(name) if self.manifest is not None else None
        page = search.story_page(name, story, self.settings, recorded[0] if recorded else None)
        if page is not None:
            self.story_pages.append(page)

    def start_search(self) -> search.IndexJob | None:
        """The search index of this build's story pages, started beside the
        rest of the build once they are all written."""
        if self.search_job is None and self._indexing and self.story_pages:
            cache = Path(self.settings.get("CACHE_PATH") or "cache")
            self.search_job = search.IndexJob(
                Path(self.output_path), self.story_pages, setting(self.settings, "GNEWS_SEARCH_PART_PAGES"),
                record=cache / search.RECORD_NAME if self.manifest is not None else None,
                reuse=bool(self.settings.get("LOAD_CONTENT_CACHE", True)))
        return self.search_job

    def search_parts(self, language: str) -> list[str]:
        """The folders of the index a search page in `language` searches."""
        job = self.start_search()
        return job.parts_of(language) if job is not None else []

    def finish(self) -> None:
        """After the build: write the sitemap; remove what the build did
        not produce, save the manifest. What touches no kept page is done
        while Pagefind may still be indexing the story pages."""
        if self.sitemap.on:
            write_data(self, {}, self.sitemap.save_as, None, self.sitemap.document)
        if self.manifest is None:
            return
        for static in static_files(self.context):
            self.note(static.save_as)
        theme, static_dir = self.settings.get("THEME", ""), self.settings.get("THEME_STATIC_DIR", "theme")
        for folder in self.settings.get("THEME_STATIC_PATHS", ["static"]):
            source = Path(theme) / folder
            for path in source.rglob("*") if source.is_dir() else ():
                if path.is_file():
                    self.note(f"{static_dir}/{path.relative_to(source).as_posix()}")
        # The search index is Pagefind's, put in place after this, and so is
        # the folder of links it reads meanwhile (search.py).
        keep = set(self.settings.get("OUTPUT_RETENTION", ()))
        if self._indexing:
            keep.update((search.BUNDLE, search.STAGE))
        # Pagefind reads this build's story pages (through links of their
        # own), never a stale file.
        removed = remove_stale(self.output_path, self.produced, keep)
        for store in self._story_stores(self.context):
            store.save(self.context.get("articles", ()))
        # Kept pages get the last sync's time (none of their fingerprints
        # has it); they all have it already when it is the last build's.
        # Those Pagefind may still be reading, once it is done.
        stamp = freshness.current_stamp(self.context)
        read = self.search_job.reading() if self.search_job is not None else frozenset()
        now, later = [], []
        if stamp != self.manifest.stamp:
            for name in self.kept:
                (later if name in read else now).append(name)
        stamped = freshness.restamp(self.output_path, now, stamp)
        if self.search_job is not None:
            self.search_job.wait()
        stamped.update(freshness.restamp(self.output_path, later, stamp))
        self.manifest.stamp = stamp
        for name, size in stamped.items():
            if size is None:
                self.manifest.new.pop(name, None)
            else:
                self.manifest.new[name][1] = size
        self.manifest.save()  # the build key is saved after this (incremental.finish_cache_guard)
        # For the workflow's job summary (and anyone timing builds).
        stats = {"rendered": self.manifest.rendered, "kept": self.manifest.kept, "removed": removed,
                 "files": len(self.produced), "stamped": len(stamped), "rendering_seconds": round(self.rendering, 3)}
        (Path(self.settings.get("CACHE_PATH") or "cache") / STATS_NAME).write_text(json.dumps(stats) + "\n")
        logger.info("pelican-gnews: incremental build: %d page(s) rendered, %d kept (%d given the last sync's "
                    "time), %d stale file(s) removed", self.manifest.rendered, self.manifest.kept, len(stamped),
                    removed)


def writer_for(pelican) -> type[GNewsWriter]:
    """The writer class for one build (Pelican's get_writer wants a class):
    the writer Pelican makes from it is kept on the Pelican object, so that
    the build's end (finish_build) reaches it; the next build makes its own."""

    class BuildWriter(GNewsWriter):
        def __init__(self, output_path, settings=None):
            super().__init__(output_path, settings=settings)
            pelican.gnews_writer = self

    return BuildWriter


def finish_build(pelican) -> None:
    writer = getattr(pelican, "gnews_writer", None)
    pelican.gnews_writer = None
    if writer is not None:
        writer.finish()
        pelican.gnews_search = writer.search_job  # published after the build (search.build_index)
