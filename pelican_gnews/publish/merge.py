"""Editors' joins: `story: <slug>` in a story file's front matter puts its
story into the story of that slug (issue 21, point 7; the build's side).

Once every file is read (Pelican's `article_generator_pretaxonomy`, before
sections, tags, authors, dates and feeds are made from the articles), a
story A whose `story:` names another listed story B becomes one of
Pelican's hidden articles: its page is still written at its address, but
no list, feed or sitemap shows it. Its page says it is part of B and links
to B (a canonical link too); B lists A's outlets (ranking.attach).

A value that is not text, names no listed story, names A itself, or names
a story that itself joins another (chains are refused, not followed: the
editor names the last story) is one warning with the file and line, and A
stays a story of its own.
"""

from __future__ import annotations

import logging

from pelican.utils import order_content

logger = logging.getLogger(__name__)


def _where(article) -> str:
    path = getattr(article, "relative_source_path", "") or getattr(article, "source_path", "")
    line = getattr(article, "story_line", None)
    return f"{path}:{line}" if line else str(path)


def _problem(article, by_slug: dict) -> tuple[object | None, str]:
    """The story A's `story:` names, or None and what is wrong with it."""
    value = article.story
    if not isinstance(value, str):
        kind = ("a list" if isinstance(value, (list, tuple)) else "a mapping" if isinstance(value, dict)
                else "true or false" if isinstance(value, bool) else "a number" if isinstance(value, (int, float))
                else f"a {type(value).__name__}")
        return None, f"story must be the slug of another story (text), not {kind} ({value!r})"
    slug = value.strip()
    target = by_slug.get(slug)
    if not slug:
        return None, "story is empty"
    if target is article:
        return None, f"story {slug!r} names this story itself"
    if target is None:
        return None, f"story {slug!r} names no story of this site"
    return target, ""


def merge_stories(generator) -> None:
    """Hide each story an editor joined to another, and note the join on both."""
    _undo(generator)
    articles = generator.articles
    asking = [a for a in articles if getattr(a, "story", None) is not None]
    if not asking:
        return
    by_slug = {a.slug: a for a in articles}
    wanted: dict[int, tuple[object, object]] = {}
    for article in asking:
        target, problem = _problem(article, by_slug)
        if target is None:
            logger.warning("%s: %s; it stays a story of its own", _where(article), problem)
            continue
        wanted[id(article)] = (article, target)
    merged = []
    for article, target in wanted.values():
        if id(target) in wanted:
            onward = wanted[id(target)][1]
            logger.warning("%s: story %r itself joins %r; joins are not chained, so this story stays "
                           "a story of its own (name the story it should join directly)",
                           _where(article), target.slug, onward.slug)
            continue
        merged.append((article, target))
    if not merged:
        return
    hidden = {id(a) for a, _ in merged}
    for article, target in sorted(merged, key=lambda pair: pair[0].source_path):
        article.status = "hidden"
        article.merged_into = target
        if not hasattr(target, "merged_from") or target.merged_from is None:
            target.merged_from = []
        target.merged_from.append(article)
    generator.articles = [a for a in articles if id(a) not in hidden]
    generator.hidden_articles = sorted([*generator.hidden_articles, *(a for a, _ in merged)],
                                       key=lambda a: a.source_path)


def _undo(generator) -> None:
    """Forget last build's joins: Pelican's content cache keeps the story
    objects (with their status) between builds, and a join may be gone."""
    back = [a for a in generator.hidden_articles if getattr(a, "merged_into", None) is not None]
    for article in [*generator.articles, *generator.hidden_articles]:
        if getattr(article, "merged_from", None):
            article.merged_from = []
    if not back:
        return
    for article in back:
        article.status = "published"
        article.merged_into = None
    gone = {id(a) for a in back}
    generator.hidden_articles = [a for a in generator.hidden_articles if id(a) not in gone]
    generator.articles = order_content([*generator.articles, *back], generator.settings["ARTICLE_ORDER_BY"])
