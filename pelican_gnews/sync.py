"""Sync: feeds in, story files out. Used by `pelican-gnews sync` and by builds.

Each feed is fetched, parsed and stored on its own: a feed that fails is
reported by name and the others go on. A story whose file exists is left as
it is, so a second sync of the same feed writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .fetch import FetchError, fetch
from .parse import FeedError, parse_feed
from .settings import FeedSpec, GNewsSettings
from .text import safe_url
from .store import ContentIndex, StoreError, new_slug, render_story, story_path, write_atomic

logger = logging.getLogger(__name__)


@dataclass
class FeedResult:
    feed: FeedSpec
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # items dropped, with reasons
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class SyncReport:
    results: list[FeedResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[FeedResult]:
        return [r for r in self.results if not r.ok]

    def summary(self) -> str:
        new = sum(len(r.written) for r in self.results)
        unchanged = sum(r.unchanged for r in self.results)
        skipped = sum(len(r.skipped) for r in self.results)
        return (
            f"{len(self.results)} feed(s): {new} new, {unchanged} unchanged, "
            f"{skipped} item(s) skipped, {len(self.failed)} failed"
        )


def sync(config: GNewsSettings, feeds: list[FeedSpec] | None = None,
         now: datetime | None = None) -> SyncReport:
    """Sync `feeds` (default: the configured ones) into the content folder."""
    now = now or datetime.now(timezone.utc)
    report = SyncReport()
    index = ContentIndex.scan(config.path, config.content_dir)
    for spec in config.feeds if feeds is None else feeds:
        result = FeedResult(spec)
        report.results.append(result)
        try:
            _sync_feed(spec, config, index, result, now)
        except (FetchError, FeedError, StoreError, OSError) as exc:
            # The caller decides how loud a failed feed is (error in the
            # CLI, warning during a build).
            result.error = str(exc) or type(exc).__name__
    return report


def _sync_feed(spec: FeedSpec, config: GNewsSettings, index: ContentIndex,
               result: FeedResult, now: datetime) -> None:
    data = fetch(spec.url, timeout=config.timeout)
    feed = parse_feed(data, spec.url, now=now)
    result.skipped.extend(feed.skipped)
    # The feed's own URL when it was fetched; a local copy credits the
    # Google News page the feed names as its link.
    source = safe_url(spec.url) or feed.link
    for story in feed.stories:
        if index.find(story) is not None:
            result.unchanged += 1
            continue
        slug = new_slug(story, index)
        path = story_path(config.content_dir, slug)
        try:
            text = render_story(story, feed, slug=slug, source=source,
                                category=spec.category, max_tags=config.max_tags)
        except ValueError as exc:
            result.skipped.append(f"{spec.url}: {story.title[:80]!r}: skipped, {exc}")
            logger.warning("%s", result.skipped[-1])
            continue
        write_atomic(path, text)
        index.add(story, slug, path)
        result.written.append(path)
        logger.info("New story %s", path.name)
    logger.info(
        "Feed %s: %d new, %d unchanged, %d skipped",
        spec.url, len(result.written), result.unchanged, len(feed.skipped),
    )
