"""Pelican signal handlers: the sync, the story reader, generators, writer and guards."""

from __future__ import annotations

import hashlib
import logging
import os

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.utils import order_content

from ..settings import SettingsError, from_pelican, setting
from . import (
    cards,
    explain,
    freshness,
    localisation,
    merge,
    pelican_seams,
    ranking,
    search,
    spread,
    taxonomy,
    translations,
)
from .archive_pages import ArchiveGenerator
from .collector import collect_as_before, collect_less
from .crawlers import RobotsGenerator
from .data_files import incremental_on
from .digest_pages import DigestGenerator
from .favicon import FaviconGenerator
from .incremental import caching_on, finish_cache_guard, guard_content_cache, safe_cache_saves
from .outputs import every_story, keep_pages_apart, loop_safe_get_files
from .reader import StoryReader, settle_name_slugs
from .redirects import RedirectsGenerator
from .render import OutletsGenerator, link_neighbours
from .rst_reader import use_docutils_language
from .story_feeds import StoryFeedsGenerator, place_feeds
from .tag_index import TagIndexGenerator, take_over_tags_page
from .template_cache import keep_compiled_templates
from .translations import process_translations
from .writer import finish_build, writer_for

logger = logging.getLogger(__name__)


def paginate_outlet_pages(pelican) -> None:
    """Outlet pages are paginated like tag pages, 50 stories a page (their
    entries are one line each), unless PAGINATED_TEMPLATES says otherwise."""
    pelican.settings.setdefault("PAGINATED_TEMPLATES", {}).setdefault("outlet", 50)


def sync_before_build(pelican) -> None:
    """`pelican content` syncs the feeds first, so one command does the job.

    A feed that fails here is a warning: the site still builds from what is
    on disk, which is what an hourly job wants.
    """
    try:
        config = from_pelican(pelican.settings)
    except SettingsError as exc:
        logger.error("pelican-gnews: %s", exc)
        return
    if not (config.sync_on_build and config.feeds):
        return
    from ..ingest.sync import StateError, sync  # noqa: PLC0415 - a build without feeds needs none of it
    try:
        report = sync(config)
    except StateError as exc:
        logger.error("pelican-gnews: sync stopped: %s; building with what is on disk", exc)
        return
    for result in report.failed:
        logger.warning("pelican-gnews: feed %s not synced (%s); building with what is on disk",
                       result.feed.url, result.error)
    # The one summary `pelican-gnews sync` prints too. Pelican hides INFO
    # lines unless -v but always prints its own "Done:" line through its
    # console: this line goes the same way, unwrapped so a CI log keeps it whole.
    pelican_seams.console().print(f"pelican-gnews: {report.summary()}", markup=False, highlight=False, soft_wrap=True)


def use_story_reader(readers) -> None:
    for ext in StoryReader.file_extensions:
        pelican_seams.use_reader(readers, ext, StoryReader)


def _dedupe(contents: list) -> bool:
    """Give every article but the first of a slug a stable suffixed slug."""
    by_slug: dict[str, list] = {}
    for content in contents:
        by_slug.setdefault(content.slug, []).append(content)
    changed = False
    for slug, group in by_slug.items():
        originals = [c for c in group if str(c.metadata.get("translation", "false")).lower() == "false"]
        if len(originals) < 2:
            continue
        originals.sort(key=lambda c: c.source_path)
        for content in originals[1:]:
            rel = os.path.relpath(content.source_path, content.settings["PATH"])
            content.slug = f"{slug}-{hashlib.sha1(rel.encode()).hexdigest()[:6]}"
            logger.warning(
                "Slug %r is used by %s and %s; %s is published as %r. Give it its own `slug:`.",
                slug, originals[0].relative_source_path, content.relative_source_path,
                content.relative_source_path, content.slug,
            )
        changed = True
    return changed


def keep_duplicate_slugs(generator) -> None:
    """Two files with one slug would abort Pelican's build (or hide one as a
    'translation'); publish both and say which file to fix instead."""
    articles = generator.articles + generator.translations
    if _dedupe(articles):
        origs, generator.translations = process_translations(
            articles, translation_id=generator.settings["ARTICLE_TRANSLATION_ID"]
        )
        generator.articles = order_content(origs, generator.settings["ARTICLE_ORDER_BY"])
    drafts = generator.drafts + generator.drafts_translations
    if _dedupe(drafts):
        origs, generator.drafts_translations = process_translations(
            drafts, translation_id=generator.settings["ARTICLE_TRANSLATION_ID"]
        )
        generator.drafts = order_content(origs, generator.settings["ARTICLE_ORDER_BY"])


def settle_stories(generator) -> None:
    """Once every story is read: slugs made unique, then editors' joins
    (merge.py), then one address for each tag, section and author name,
    before sections, tags, dates and feeds are made."""
    keep_duplicate_slugs(generator)
    merge.merge_stories(generator)
    settle_name_slugs(every_story(generator), generator.settings)


def add_generators(pelican):
    # Redirects last: they go where no page of the build is.
    return [OutletsGenerator, ArchiveGenerator, StoryFeedsGenerator, DigestGenerator, RobotsGenerator,
            FaviconGenerator, search.SearchGenerator, TagIndexGenerator, freshness.StatusGenerator,
            RedirectsGenerator]


def use_stable_pagination(pelican):
    return writer_for(pelican)


def incremental_output(pelican) -> None:
    """With GNEWS_INCREMENTAL, the output is kept between builds (the
    writer removes what a build does not produce, at its end). With it or
    Pelican's content cache, the caches are loaded only if they can be
    trusted (incremental.guard_content_cache)."""
    if incremental_on(pelican.settings):
        pelican_seams.keep_output_dir(pelican)
    if caching_on(pelican.settings):
        guard_content_cache(pelican)


def finish(pelican) -> None:
    finish_build(pelican)
    finish_cache_guard(pelican)  # last: the caches are whole once the writer is done


def link_stories(generator) -> None:
    link_neighbours(generator.articles)


def rank_stories(generator) -> None:
    """Facts from the sync state on every story, and the front page
    (ranking.py) for index.html."""
    # Hidden stories too: a story joined to another (merge.py) keeps its page.
    now = ranking.attach(generator.articles + generator.hidden_articles, generator.settings)
    # Then what story pages and cards say of their place and spread.
    explain.attach(generator.articles + generator.hidden_articles, generator.settings)
    generator.context["site_editions"] = spread.attach(generator.articles + generator.hidden_articles,
                                                       generator.settings)
    generator.context["GNEWS_RANKING_DOCS_URL"] = setting(generator.settings, "GNEWS_RANKING_DOCS_URL")
    generator.context["front_page"] = ranking.front_page(
        generator.articles, generator.context.get("categories", []), generator.settings, now)


def add_latest_page(pelican) -> None:
    """latest.html, every story newest first, paginated as index.html was:
    the front page (index.html) shows the most important stories, on one
    page (Pelican's default settings paginate it)."""
    templates = pelican.settings.setdefault("DIRECT_TEMPLATES", ["index", "tags", "categories", "archives"])
    if "latest" not in templates:
        templates.append("latest")
    paginated = pelican.settings.setdefault("PAGINATED_TEMPLATES", {})
    if "index" in paginated:
        paginated.setdefault("latest", paginated.pop("index"))
    paginated.setdefault("latest", None)


def prepare_generator(generator) -> None:
    """Every generator lists content files without following a link loop,
    stamps them only for the content cache in use, looks for {static}
    links only in content that can hold one, groups translations in
    time linear in the site (translations.py), speaks the site's language
    (localisation.py) and renders a story's card once (cards.py); the
    articles generator writes tag, section and author pages in time linear
    in the site (taxonomy.py)."""
    pelican_seams.replace_get_files(generator, loop_safe_get_files)
    pelican_seams.skip_unused_stamps(generator)
    pelican_seams.scan_static_links_lightly(generator)
    localisation.install(generator.env)
    freshness.install(generator.env)
    cards.install(generator.env, generator.context)
    pelican_seams.group_translations_with(generator, translations.process_translations)
    if isinstance(generator, ArticlesGenerator):
        pelican_seams.replace_taxonomy(generator, {name: getattr(taxonomy, name) for name in (
            "generate_tags", "generate_categories", "generate_authors")})


def register() -> None:
    # First: no build starts on a Pelican without the pieces replaced here.
    signals.initialized.connect(pelican_seams.check_shape)
    signals.initialized.connect(collect_less)  # before the sync: it allocates too
    signals.initialized.connect(paginate_outlet_pages)
    signals.initialized.connect(sync_before_build)
    signals.readers_init.connect(use_story_reader)
    signals.readers_init.connect(use_docutils_language)
    signals.article_generator_pretaxonomy.connect(settle_stories)
    signals.article_generator_finalized.connect(link_stories)
    signals.article_generator_finalized.connect(rank_stories)
    signals.initialized.connect(add_latest_page)
    signals.initialized.connect(take_over_tags_page)
    signals.get_generators.connect(add_generators)
    signals.get_writer.connect(use_stable_pagination)
    signals.generator_init.connect(prepare_generator)
    signals.generator_init.connect(keep_compiled_templates)
    signals.generator_init.connect(safe_cache_saves)
    signals.all_generators_finalized.connect(keep_pages_apart)
    signals.all_generators_finalized.connect(place_feeds)  # after: slugs are final
    signals.initialized.connect(incremental_output)
    signals.finalized.connect(finish)
    signals.finalized.connect(search.build_index)  # after finish: it removes what the writer did not write
    signals.finalized.connect(collect_as_before)
