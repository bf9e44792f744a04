"""Tag, section and author pages in time linear in the site.

Pelican's ArticlesGenerator writes each tag, category and author page with
`dates = [a for a in self.dates if a in articles]`: a scan of every story,
with a list lookup, for every tag, so the build grows with the square of the
site (a third of a 30,000-story build). These methods write the same pages
with the same values, the `dates` of each found by one position lookup per
story of that tag; they replace Pelican's on the generator instance
(plugin.prepare_generator).
"""

from __future__ import annotations

import logging

try:
    from pelican.writers import FileOverwriteFailedError
except ImportError:  # Pelican 4.11 raised a plain RuntimeError
    FileOverwriteFailedError = RuntimeError

logger = logging.getLogger(__name__)


def _dates(order: dict[int, int], articles) -> list:
    """`articles` in the order of the generator's `dates`, as Pelican's scan
    gives them (each once, only those in `dates`)."""
    unique = {id(a): a for a in articles if id(a) in order}
    return sorted(unique.values(), key=lambda a: order[id(a)])


def _write_each(generator, write, template_name: str, key: str, items) -> None:
    template = generator.get_template(template_name)
    order = {id(a): i for i, a in enumerate(generator.dates)}
    for item, articles in items:
        try:
            write(item.save_as, template, generator.context, url=item.url, **{key: item},
                  articles=articles, dates=_dates(order, articles), template_name=template_name,
                  blog=True, page_name=item.page_name, all_articles=generator.articles)
        except FileOverwriteFailedError:
            if item.slug:
                logger.error('Failed to write %s page for "%s".', template_name.capitalize(), item)
                raise
            logger.info('%s "%s" has an invalid slug; skipping writing its page...',
                        template_name.capitalize(), item)


def generate_tags(self, write) -> None:
    _write_each(self, write, "tag", "tag", self.tags.items())


def generate_categories(self, write) -> None:
    _write_each(self, write, "category", "category", self.categories)


def generate_authors(self, write) -> None:
    _write_each(self, write, "author", "author", self.authors)
