"""Sync: feeds in, story files out. Used by `pelican-gnews sync` and by builds.

The rules, so that an hourly job can run while people edit content/:

* a new story gets a new file;
* a story whose file this tool wrote and nobody changed since is refreshed
  when its cluster grew (new related coverage appended, none dropped);
* a file a person changed in any way is never rewritten;
* a file a person deleted (or moved) is never written again;
* stories that leave the feed stay;
* a feed that fails changes nothing on disk, and the other feeds go on.

What this needs to remember lives in the state file (state.py), under a lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .fetch import Fetched, FetchError, RateLimited, fetch
from .parse import FeedError, ParsedFeed, Story, parse_feed
from .settings import FeedSpec, GNewsSettings
from .slugs import story_id
from .state import StateError, SyncState, locked, sha256
from .store import (
    ContentIndex,
    StoreError,
    clean_temp,
    fsync_dir,
    grown_story,
    identity_keys,
    new_slug,
    render_story,
    story_path,
    write_files,
)
from .text import safe_url

logger = logging.getLogger(__name__)


@dataclass
class FeedResult:
    feed: FeedSpec
    written: list[Path] = field(default_factory=list)  # new stories
    updated: list[Path] = field(default_factory=list)  # clusters that grew
    unchanged: int = 0
    kept_edited: int = 0  # files people changed: left as they are
    kept_deleted: int = 0  # files people deleted: not written again
    skipped: list[str] = field(default_factory=list)  # items dropped, with reasons
    not_modified: bool = False  # HTTP 304
    deferred: str = ""  # not asked this run (rate limited earlier), with why
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
        def total(attr):
            return sum(len(v) if isinstance(v := getattr(r, attr), list) else int(v) for r in self.results)

        line = (f"{len(self.results)} feed(s): {total('written')} new, {total('updated')} updated, "
                f"{total('unchanged')} unchanged, {total('kept_edited')} kept because edited, "
                f"{len(self.failed)} failed")
        extras = [f"{total('kept_deleted')} deleted by editors" if total("kept_deleted") else "",
                  f"{total('not_modified')} not modified" if total("not_modified") else "",
                  f"{sum(bool(r.deferred) for r in self.results)} deferred" if any(r.deferred for r in self.results) else "",
                  f"{total('skipped')} item(s) skipped" if total("skipped") else ""]
        extras = [e for e in extras if e]
        return line + (f" ({', '.join(extras)})" if extras else "")


class _Run:
    """One sync under the lock: the state, and the on-disk index if needed."""

    def __init__(self, config: GNewsSettings, state: SyncState, now: datetime):
        self.config, self.state, self.now = config, state, now
        self._index: ContentIndex | None = None
        self._pending: list[tuple[Path, bytes, Callable[[], None]]] = []

    @property
    def index(self) -> ContentIndex:
        # Scanning the content tree is only needed for new stories (free
        # slugs, files from before the state existed): built once, on demand.
        if self._index is None:
            self._index = ContentIndex.scan(self.config.path, self.config.content_dir)
            for record in self.state.stories.values():
                self._index.slugs.add(Path(record.file).stem)
        return self._index

    def relative(self, path: Path) -> str:
        return path.relative_to(self.config.path).as_posix()

    def write(self, path: Path, data: bytes, undo: Callable[[], None]) -> None:
        """Queue a file; `undo` takes its state change back if it is never written."""
        self._pending.append((path, data, undo))

    def flush(self) -> None:
        """Write the queued files atomically (write_files), then make them durable."""
        pending, self._pending = self._pending, []
        written = 0
        try:
            for _ in write_files([(path, data) for path, data, _ in pending], self.config.temp_dir):
                written += 1
        finally:
            for _, _, undo in pending[written:]:
                undo()
        for folder in {path.parent for path, _, _ in pending}:
            fsync_dir(folder)

    def save(self) -> None:
        """Record this feed's work in the state, once its files are on disk.

        Files still queued belong to a feed that failed before flush():
        they were never written, so their state changes are taken back.
        """
        pending, self._pending = self._pending, []
        for _, _, undo in pending:
            undo()
        self.state.save(self.config.temp_dir)


def sync(config: GNewsSettings, feeds: list[FeedSpec] | None = None, now: datetime | None = None,
         on_feed_done: Callable[[FeedResult], None] | None = None) -> SyncReport:
    """Sync `feeds` (default: the configured ones) into the content folder.

    Feeds are fetched in parallel (a slow server holds up only its own feed)
    and stored one at a time, in order. Raises StateError when the state file
    is unreadable or another sync holds the lock past GNEWS_LOCK_TIMEOUT;
    per-feed failures are reported in the result instead.
    """
    now = now or datetime.now(timezone.utc)
    specs = list(config.feeds if feeds is None else feeds)
    report = SyncReport()
    with locked(config.lock_file, config.lock_timeout):
        removed = clean_temp(config.temp_dir, config.content_dir)
        if removed:
            logger.info("Removed %d temporary file(s) left by an interrupted sync", removed)
        state = SyncState.load(config.state_file)
        run = _Run(config, state, now)
        workers = max(1, min(config.fetch_workers, len(specs)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gnews-fetch") as pool:
            fetches = [pool.submit(_fetch, spec, run) for spec in specs]
            for spec, fetching in zip(specs, fetches):
                result = FeedResult(spec)
                report.results.append(result)
                try:
                    _store_feed(spec, fetching.result(), run, result)
                except RateLimited as exc:
                    when = exc.not_before.isoformat(timespec="seconds")
                    state.feeds.setdefault(spec.url, {})["not_before"] = when
                    result.error = f"{exc}; not asked again before {exc.not_before:%Y-%m-%d %H:%M} UTC"
                except (FetchError, FeedError, StoreError, OSError, ValueError) as exc:
                    # The caller decides how loud a failed feed is (error in
                    # the CLI, warning during a build).
                    result.error = str(exc) or type(exc).__name__
                # Saved after every feed: a sync killed later keeps this feed's work.
                run.save()
                if on_feed_done:
                    on_feed_done(result)
    return report


def _fetch(spec: FeedSpec, run: _Run) -> Fetched | str:
    """The feed's bytes (or 304), or a reason it is not asked this run."""
    feed_state = run.state.feeds.get(spec.url, {})
    not_before = feed_state.get("not_before")
    if not_before and datetime.fromisoformat(not_before) > run.now:
        return f"rate limited; not asked again before {not_before}"
    return fetch(spec.url, run.config.limits, validators=feed_state)


def _store_feed(spec: FeedSpec, fetched: Fetched | str, run: _Run, result: FeedResult) -> None:
    if isinstance(fetched, str):
        result.deferred = fetched
        logger.info("Feed %s: %s", spec.url, fetched)
        return
    digest = sha256(fetched.data) if not fetched.not_modified else ""
    if fetched.not_modified or digest == run.state.feeds.get(spec.url, {}).get("sha256"):
        # 304, or the very bytes this feed had at its last sync (a local
        # file, a server without validators): nothing can have changed.
        result.not_modified = True
        logger.info("Feed %s: not modified", spec.url)
        return
    feed = parse_feed(fetched.data, spec.url, now=run.now)
    if not feed.stories:
        raise FeedError("the document has no usable items" if feed.skipped else "the feed has no items")
    result.skipped.extend(feed.skipped)
    # The feed's own URL when it was fetched; a local copy credits the
    # Google News page the feed names as its link.
    source = safe_url(spec.url) or feed.link
    for story in feed.stories:
        _sync_story(story, feed, spec, source, run, result)
    run.flush()
    # Validators only once every story is on disk: a sync killed before
    # this point fetches and stores the whole feed again next time.
    validators = (("etag", fetched.etag), ("last_modified", fetched.last_modified), ("sha256", digest))
    run.state.feeds[spec.url] = {k: v for k, v in validators if v}
    logger.info("Feed %s: %d new, %d updated, %d unchanged, %d kept because edited",
                spec.url, len(result.written), len(result.updated), result.unchanged, result.kept_edited)


def _sync_story(story: Story, feed: ParsedFeed, spec: FeedSpec, source: str, run: _Run,
                result: FeedResult) -> None:
    keys = identity_keys(story)
    known = run.state.find(keys)
    if known is None:
        _new_story(story, feed, spec, source, keys, run, result)
        return
    run.state.add_keys(known, keys)  # e.g. a new guid for the same story
    record = run.state.stories[known]
    path = run.config.path / record.file
    if record.deleted:
        result.kept_deleted += 1
        return
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        record.deleted = True
        result.kept_deleted += 1
        logger.info("%s was deleted or moved by an editor; it will not be written again", record.file)
        return
    if record.sha256 is None or sha256(data) != record.sha256:
        result.kept_edited += 1
        return
    grown = grown_story(data, story, path)
    if grown is None:
        result.unchanged += 1
        return
    previous = record.sha256
    record.sha256 = sha256(grown)
    result.updated.append(path)

    def undo():
        record.sha256 = previous
        result.updated.remove(path)

    run.write(path, grown, undo)
    logger.info("Updated %s: its cluster grew", record.file)


def _new_story(story, feed, spec, source, keys, run: _Run, result: FeedResult) -> None:
    sid = story_id(*keys)
    existing = run.index.find(story)
    if existing is not None:
        # On disk but not in the state: written before the state file
        # existed, or by a sync killed before it saved. Ours to refresh only
        # if the bytes are exactly what this tool writes for it.
        try:
            current = existing.read_bytes()
            ours = current == _render(story, feed, spec, source, existing.stem, run)
        except (OSError, ValueError):
            current, ours = b"", False
        run.state.record(sid, run.relative(existing), sha256(current) if ours else None, keys)
        result.unchanged += 1
        return
    slug = new_slug(story, run.index, sid)
    path = story_path(run.config.content_dir, slug)
    try:
        data = _render(story, feed, spec, source, slug, run)
    except ValueError as exc:
        result.skipped.append(f"{spec.url}: {story.title[:80]!r}: skipped, {exc}")
        logger.warning("%s", result.skipped[-1])
        return
    run.index.add(story, slug, path)
    run.state.record(sid, run.relative(path), sha256(data), keys)
    result.written.append(path)

    def undo():
        run.state.forget(sid)
        result.written.remove(path)

    run.write(path, data, undo)
    logger.info("New story %s", path.name)


def _render(story, feed, spec, source, slug, run) -> bytes:
    return render_story(story, feed, slug=slug, source=source, category=spec.category,
                        max_tags=run.config.max_tags)


__all__ = ["FeedResult", "StateError", "SyncReport", "sync"]
