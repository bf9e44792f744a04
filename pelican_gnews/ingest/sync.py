"""Sync: feeds in, story files out. Used by `pelican-gnews sync` and by builds.

The rules, so that an hourly job can run while people edit content/:

* a new story gets a new file;
* a story whose file this tool wrote and nobody changed since is refreshed
  when its cluster grew (new related coverage appended, none dropped) or
  another edition carried it (editions.py);
* a file a person changed in any way is never rewritten;
* a file a person deleted (or moved) is never written again;
* stories that leave the feed stay;
* a feed that fails changes nothing on disk, and the other feeds go on.

What this needs to remember lives in the state file (state.py), under a lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from .. import editions, frontmatter
from ..settings import FeedSpec, GNewsSettings
from ..text import safe_url
from . import atomic, digest_freeze, feed_status, journal, retention
from .atomic import Edited, UnsafePath, sha256
from .fetch import Cancellation, Fetched, FetchError, RateLimited, fetch
from .identity import Matcher, article_keys, identity_keys, listed_apart, related, title_key
from .parse import FeedError, ParsedFeed, Story, parse_feed
from .resolve import Resolver
from .slugs import story_id
from .state import StateError, SyncState, locked
from .store import (
    ContentIndex,
    StoreError,
    grown_story,
    new_slug,
    render_story,
    story_path,
)
from .tags import Vocabulary

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
    too_old: int = 0  # items older than the retention window
    not_modified: bool = False  # HTTP 304
    deferred: str = ""  # not asked this run (rate limited earlier), with why
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class SyncReport:
    results: list[FeedResult] = field(default_factory=list)
    retention: retention.RetentionReport | None = None

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
        deferred = sum(bool(r.deferred) for r in self.results)
        extras = [f"{total('kept_deleted')} deleted by editors" if total("kept_deleted") else "",
                  f"{total('not_modified')} not modified" if total("not_modified") else "",
                  f"{deferred} deferred" if deferred else "",
                  f"{total('skipped')} item(s) skipped" if total("skipped") else "",
                  f"{total('too_old')} item(s) older than the retention window" if total("too_old") else ""]
        extras = [e for e in extras if e]
        line += f" ({', '.join(extras)})" if extras else ""
        return line + (f"; retention: {self.retention.summary()}" if self.retention else "")


@dataclass
class _Write:
    """A story file queued for this feed's batch, and how to take its state
    change back if it is not written."""

    path: Path
    data: bytes
    sid: str
    file: str  # relative to PATH, as in the state
    old: str | None  # the checksum the file must still have (a refresh); None: a new file
    new: str
    undo: Callable[[], None]
    keys: list[str] = field(default_factory=list)
    date: str = ""
    facts: dict = field(default_factory=dict)  # seen, rank, joined (state.StoryRecord)
    tmp: str = ""


class _Run:
    """One sync under the lock: the state, and the on-disk index if needed."""

    def __init__(self, config: GNewsSettings, state: SyncState, now: datetime):
        self.config, self.state, self.now = config, state, now
        self.journal = journal.journal_path(config.state_file)
        self._index: ContentIndex | None = None
        self._pending: list[_Write] = []
        self._queued: dict[str, _Write] = {}  # the pending writes by story
        self.claimed: set[str] = set()  # stories items of the current feed already are
        # ...and those its items Google listed as stories apart are (identity.listed_apart)
        self.apart: set[str] = set()
        self.lists_articles = False  # the current feed is a search feed
        self.edition = ("", "")  # the current feed's edition and section (editions.py)
        # The site's terms, for tags (tags.py): the state's headlines, then each feed's.
        self.vocabulary = Vocabulary.of_site(lambda: [
            key[len("title:"):].rpartition("|")[0]
            for record in state.stories.values() for key in record.keys if key.startswith("title:")])
        self.seen_at = now.isoformat(timespec="seconds")
        # Stories recent enough to be joined (identity.py); older ones are
        # not read into its headline index at all.
        self.matcher = Matcher(state, config.rules, since=now - 2 * config.identity_window)
        self.cancel = Cancellation()  # Ctrl-C: every request of this sync stops at once
        self.resolver = Resolver(config.resolve, state.links, self.cancel)
        # Items published before the cutoff are not made into stories
        # (retention.py); it is set for each feed from its newest item too.
        self.newest = retention.newest(state)
        self.old_items = retention.OldItems()  # first-sync items archive_old filed or dropped
        self.cutoff: datetime | None = None

    @cached_property
    def files(self) -> set[str]:
        """Every file the state knows."""
        return {record.file for record in self.state.stories.values()}

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

    def target(self, file: str) -> Path:
        """The story file a state entry names, only inside GNEWS_CONTENT_DIR
        and reached through no link; UnsafePath otherwise."""
        path = atomic.confined(self.config.path, file)
        if self.config.content_dir not in path.parents:
            raise UnsafePath(f"{file} is outside GNEWS_CONTENT_DIR")
        return path

    def filed(self, story: Story, sid: str) -> None:
        """An item of the current feed is story `sid` from now on."""
        self.claimed.add(sid)
        if listed_apart(story, self.lists_articles):
            self.apart.add(sid)
        self.matcher.filed(story, sid)

    def write(self, item: _Write) -> None:
        self._pending.append(item)
        self._queued[item.sid] = item

    def queued(self, sid: str) -> _Write | None:
        """This feed's queued write of a story, if it has one (a story made
        or grown by an earlier item of the same feed)."""
        return self._queued.get(sid)

    def flush(self, result: FeedResult) -> None:
        """Write this feed's queued files, under the journal (journal.py):
        stage them all, list them in the journal, move each into place
        (a new file never over an existing one, a refresh only over the
        bytes this tool wrote), save the state, drop the journal."""
        pending, self._pending = self._pending, []
        self._queued = {}
        if not pending:
            return
        temp_dir = self.config.temp_dir
        done: set[int] = set()
        held: dict[int, atomic.Displaced] = {}
        journaled = False
        try:
            with ThreadPoolExecutor(max_workers=8, thread_name_prefix="gnews-write") as pool:
                # Parallel fsyncs let the file system commit them together.
                for item, tmp in zip(pending, pool.map(lambda i: atomic.stage(i.data, temp_dir), pending)):
                    item.tmp = tmp
            journal.write(self.journal, [_journal_entry(i) for i in pending], temp_dir)
            journaled = True
            for number, item in enumerate(pending):
                try:
                    if item.old is None:
                        item.path.parent.mkdir(parents=True, exist_ok=True)
                        atomic.create(item.tmp, item.path)
                    else:
                        displaced = atomic.replace_unchanged(item.tmp, item.path, item.old)
                        if displaced is not None:
                            held[number] = displaced
                except (Edited, FileNotFoundError):
                    # Changed or deleted by a person since it was read:
                    # theirs, by the editing rules.
                    self._kept(item, result)
                except FileExistsError:
                    item.undo()
                    result.skipped.append(f"{item.file}: a file appeared there during the sync; left as it is")
                    logger.warning("%s", result.skipped[-1])
                done.add(number)
        finally:
            for number, item in enumerate(pending):
                if number not in done:
                    item.undo()  # never written: not recorded
            for number, displaced in held.items():
                # An editor whose program had the file open and wrote into
                # it after the swap: their bytes go back in place.
                if displaced.changed():
                    displaced.restore()
                    self._kept(pending[number], result)
                else:
                    displaced.drop()
            for folder in {item.path.parent for item in pending}:
                atomic.fsync_dir(folder)
            if journaled:
                # The state now says exactly what is on disk; until it is
                # saved, the journal (and the staged files it names) stay.
                self.state.save(temp_dir)
                journal.clear(self.journal)
            for number, item in enumerate(pending):
                if item.tmp and number not in held:
                    with contextlib.suppress(OSError):
                        os.unlink(item.tmp)

    @staticmethod
    def _kept(item: _Write, result: FeedResult) -> None:
        item.undo()
        result.kept_edited += 1
        logger.info("%s was edited during the sync; kept as the editor left it", item.file)

    def save(self) -> None:
        """Record this feed's work in the state, once its files are on disk.

        Files still queued belong to a feed that failed before flush():
        they were never written, so their state changes are taken back.
        """
        pending, self._pending = self._pending, []
        self._queued = {}
        for item in pending:
            item.undo()
        self.state.save(self.config.temp_dir)


def _journal_entry(item: _Write) -> dict:
    entry = {"sid": item.sid, "file": item.file, "kind": "update" if item.old else "new",
             "old": item.old, "new": item.new, "tmp": os.path.basename(item.tmp)}
    if item.old is None:
        entry.update(keys=item.keys, date=item.date, **item.facts)
    return entry


def _start_fetches(specs: list[FeedSpec], run: _Run) -> list[Future]:
    """Fetch the feeds on daemon threads, GNEWS_FETCH_WORKERS at a time.

    Daemon threads, unlike a ThreadPoolExecutor's, are not waited for when
    the process exits: Ctrl-C ends a sync at once (run.cancel cuts their
    connections, and nothing they hold is written anywhere).
    """
    futures = [Future() for _ in specs]
    jobs: queue.Queue = queue.Queue()
    for job in zip(specs, futures):
        jobs.put(job)

    def work():
        while True:
            try:
                spec, future = jobs.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(_fetch(spec, run))
            except BaseException as exc:  # noqa: BLE001 - handed to the storing thread
                future.set_exception(exc)

    for number in range(max(1, min(run.config.fetch_workers, len(specs)))):
        threading.Thread(target=work, name=f"gnews-fetch-{number}", daemon=True).start()
    return futures


def sync(config: GNewsSettings, feeds: list[FeedSpec] | None = None, now: datetime | None = None,
         on_feed_done: Callable[[FeedResult], None] | None = None) -> SyncReport:
    """Sync `feeds` (default: the configured ones) into the content folder.

    Feeds are fetched in parallel (each within its own time limit) and
    parsed; once every feed is in, their items are grouped by likeness
    (identity.Matcher.plan) and the feeds are stored one at a time, in
    order. Raises StateError when the sync
    cannot start (the state file is unreadable, another sync holds the lock
    past GNEWS_LOCK_TIMEOUT, the staging folder is a link) or the state
    cannot be saved (then the feeds not yet stored are marked failed and the
    journal repairs the state next time); per-feed failures are reported in
    the result instead. KeyboardInterrupt stops the fetches at once.
    """
    now = now or datetime.now(timezone.utc)
    specs = list(config.feeds if feeds is None else feeds)
    report = SyncReport()
    with locked(config.lock_file, config.lock_timeout):
        try:
            atomic.real_folder(config.temp_dir)
        except UnsafePath as exc:
            raise StateError(str(exc)) from None
        state = SyncState.load(config.state_file)
        run = _Run(config, state, now)
        if journal.recover(run.journal, state, config.path, config.temp_dir):
            state.save(config.temp_dir)
            journal.clear(run.journal)
        removed = atomic.clean_staging(config.temp_dir, config.content_dir)
        if removed:
            logger.info("Removed %d temporary file(s) left by an interrupted sync", removed)
        follow_moves(run)
        fetches = _start_fetches(specs, run)
        ready: list[tuple[FeedSpec, FeedResult, _Ready | None]] = []
        stored = 0
        try:
            for spec, fetching in zip(specs, fetches):
                result = FeedResult(spec)
                report.results.append(result)
                ready.append((spec, result, _guarded(spec, run, result, _read_feed, fetching)))
            # Every feed's items are known before the first is filed: the
            # likeness groups come from all of them, whatever their order.
            feeds = [(spec.url, r) for spec, _, r in ready if r is not None]
            if feeds:  # (a sync with nothing new reads no story file)
                follow_decisions(run)
            run.matcher.plan([(url, r.feed.lists_articles, r.stories) for url, r in feeds],
                             frozenset(r.feed.language or "en" for _, r in feeds))
            for spec, result, item in ready:
                if item is not None:
                    _guarded(spec, run, result, _store_feed, item)
                _note_status(spec, result, item, run)
                # Saved after every feed: a sync killed later keeps this feed's work.
                run.save()
                stored += 1
                if on_feed_done:
                    on_feed_done(result)
        except KeyboardInterrupt:
            run.cancel.cancel()
            raise
        except StateError as exc:
            run.cancel.cancel()
            for _, result, item in ready[stored + 1:]:
                if item is not None and not result.error:
                    result.error = f"not synced: {exc}"
            for spec in specs[len(report.results):]:
                report.results.append(FeedResult(spec, error=f"not synced: {exc}"))
            raise
        try:
            # Before retention: a finished day's stories are all still there.
            digest_freeze.freeze(run, now)
        except OSError as exc:
            logger.warning("Digest: finished days not frozen (%s); the next sync tries again", exc.strerror or exc)
        try:
            report.retention = retention.expire(run, now)
        except OSError as exc:
            raise StateError(f"retention stopped: {exc.strerror or exc}; nothing was removed "
                             "that is not in the archive") from None
        feed_status.keep_only(state.status, [f.url for f in (*config.feeds, *specs)])
        state.save(config.temp_dir)
    return report


def follow_moves(run: _Run) -> None:
    """A story file an editor moved or renamed (`git mv`) is the same story,
    found by its identity (its link's keys): the state follows it. The
    content folder is read only when a story's file is missing."""
    state = run.state
    missing = [(sid, r) for sid, r in state.stories.items()
               if not r.deleted and not (run.config.path / r.file).exists()]
    if not missing:
        return
    by_key: dict[str, Path] = {}
    for key, path in run.index.by_key.items():
        if key.startswith("link:") and run.relative(path) not in run.files:
            for article in article_keys(key[len("link:"):]):
                by_key.setdefault(article, path)
    for _, record in missing:
        path = next((by_key[k] for k in record.keys if k in by_key), None)
        if path is None or run.relative(path) in run.files:
            continue
        old, record.file = record.file, run.relative(path)
        run.files.discard(old)
        run.files.add(record.file)
        logger.info("%s was moved to %s by an editor; the story follows it", old, record.file)


def follow_decisions(run: _Run) -> None:
    """What editors decided in story files: `joins: false` keeps every other
    article out of a story, `story: <slug>` puts a story into another
    (identity.Matcher). A value that names nothing, or a bad value, is a
    warning with the file and line, and changes nothing."""
    state, index = run.state, run.index
    by_file = {r.file: sid for sid, r in state.stories.items() if not r.deleted}
    for path, said in sorted(index.decisions.items()):
        file = run.relative(path)
        sid = by_file.get(file)
        if "joins" in said:
            value, line = said["joins"]
            if not frontmatter.flag(value, "joins", unclear=True, where=file, line=line, then="ignored"):
                if sid is not None:
                    run.matcher.closed.add(sid)
                    logger.info("%s: joins: false; no other article joins this story", file)
        if "story" in said:
            value, line = said["story"]
            target = index.by_slug.get(str(value).strip()) if isinstance(value, str) else None
            into = by_file.get(run.relative(target)) if target is not None else None
            if target is None or target == path:
                logger.warning("%s:%d: story: %r names %s; ignored", file, line, value,
                               "this story itself" if target == path else "no story of this site")
            elif sid is not None and into is not None:
                run.matcher.merged[sid] = (into, file)
                logger.info("%s: story: %s; its articles join %s", file, value, run.relative(target))


def _note_status(spec: FeedSpec, result: FeedResult, ready: _Ready | None, run: _Run) -> None:
    """The feed's line of the status page (feed_status.py). A feed not
    asked this run (rate limited earlier), or that answered with nothing new
    (304, the same bytes), leaves its line as it was once it has one: an
    hour without news changes no file, and the hourly job commits nothing."""
    if result.deferred or (result.not_modified and not result.error and spec.url in run.state.status):
        return
    name = spec.name or (ready.feed.title if ready is not None else "")
    feed_status.note(run.state.status, spec.url, when=run.now, name=name, error=result.error,
                     new=len(result.written))


def _guarded(spec: FeedSpec, run: _Run, result: FeedResult, step, arg):
    """One step of one feed; its failure is the feed's, never the sync's."""
    try:
        return step(spec, arg, run, result)
    except RateLimited as exc:
        when = exc.not_before.isoformat(timespec="seconds")
        run.state.feeds.setdefault(spec.url, {})["not_before"] = when
        result.error = feed_status.reason(f"{exc}; not asked again before {exc.not_before:%Y-%m-%d %H:%M} UTC")
    except (FetchError, FeedError, StoreError, OSError, ValueError) as exc:
        # The caller decides how loud a failed feed is (error in the CLI,
        # warning during a build), in the words the status page shows.
        result.error = feed_status.reason(str(exc) or type(exc).__name__)
    except StateError:
        raise
    except Exception as exc:
        logger.debug("Feed %s failed", spec.url, exc_info=True)
        result.error = feed_status.reason(f"unexpected {type(exc).__name__}: {exc}")
    return None


def _fetch(spec: FeedSpec, run: _Run) -> Fetched | str:
    """The feed's bytes (or 304), or a reason it is not asked this run."""
    feed_state = run.state.feeds.get(spec.url, {})
    not_before = feed_state.get("not_before")
    if not_before and datetime.fromisoformat(not_before) > run.now:
        return f"rate limited; not asked again before {not_before}"
    return fetch(spec.url, run.config.limits, validators=feed_state, cancel=run.cancel)


@dataclass
class _Ready:
    """A feed fetched and parsed, waiting to be stored."""

    fetched: Fetched
    digest: str
    feed: ParsedFeed
    cutoff: datetime | None  # items published before it are not stored (retention.py)

    @property
    def stories(self) -> list[Story]:
        return [s for s in self.feed.stories if self.cutoff is None or s.published >= self.cutoff]


def _read_feed(spec: FeedSpec, fetching: Future, run: _Run, result: FeedResult) -> _Ready | None:
    """The feed's items, or None when it has nothing new (deferred, 304,
    the same bytes as last time)."""
    fetched = fetching.result()
    if isinstance(fetched, str):
        result.deferred = fetched
        logger.info("Feed %s: %s", spec.url, fetched)
        return None
    digest = sha256(fetched.data) if not fetched.not_modified else ""
    if fetched.not_modified or digest == run.state.feeds.get(spec.url, {}).get("sha256"):
        # 304, or the very bytes this feed had at its last sync (a local
        # file, a server without validators): nothing can have changed.
        result.not_modified = True
        logger.info("Feed %s: not modified", spec.url)
        return None
    feed = parse_feed(fetched.data, spec.url, now=run.now)
    if not feed.stories:
        raise FeedError("the document has no usable items" if feed.skipped else "the feed has no items")
    result.skipped.extend(feed.skipped)
    cutoff = retention.cutoff([run.newest, *(s.published for s in feed.stories)], run.now,
                              run.config.retention_days)
    return _Ready(fetched, digest, feed, cutoff)


def _store_feed(spec: FeedSpec, ready: _Ready, run: _Run, result: FeedResult) -> None:
    fetched, digest, feed = ready.fetched, ready.digest, ready.feed
    # The feed's own URL when it was fetched; a local copy credits the
    # Google News page the feed names as its link.
    source = safe_url(spec.url) or feed.link
    run.vocabulary.add_feed([(s.headline, s.outlet) for s in feed.stories], feed.language or "en",
                            [e.outlet for s in feed.stories for e in s.coverage],
                            [[e.headline for e in s.coverage if e.link != s.link and e.headline != s.headline]
                             for s in feed.stories])  # each story's others, as store.story_fields gives make_tags
    run.lists_articles = feed.lists_articles
    run.edition = (editions.of_feed(spec.edition, spec.url, feed.link), spec.category or feed.section)
    run.apart = run.matcher.taken(feed.stories, feed.lists_articles)
    run.claimed = set()
    run.cutoff = ready.cutoff
    if run.config.resolve.on:
        _resolve_links(feed, run)
    for number, story in enumerate(feed.stories, 1):
        _sync_story(story, number, feed, spec, source, run, result)
    run.flush(result)
    # Validators only once every story is on disk: a sync killed before
    # this point fetches and stores the whole feed again next time.
    validators = (("etag", fetched.etag), ("last_modified", fetched.last_modified), ("sha256", digest))
    run.state.feeds[spec.url] = {k: v for k, v in validators if v}
    logger.info("Feed %s: %d new, %d updated, %d unchanged, %d kept because edited",
                spec.url, len(result.written), len(result.updated), result.unchanged, result.kept_edited)


def _resolve_links(feed: ParsedFeed, run: _Run) -> None:
    """Publisher URLs of the feed's articles not known yet: every lead
    first (in the feed's order, its order of importance), then the related
    articles. What this run's budget leaves is asked again next run."""
    wanted = [(keys[0], story.link) for story in feed.stories if (keys := article_keys(story.link))]
    wanted += [(keys[0], entry.link) for story in feed.stories for entry in related(story)
               if (keys := article_keys(entry.link))]
    run.resolver.resolve(wanted)


def _sync_story(story: Story, number: int, feed: ParsedFeed, spec: FeedSpec, source: str, run: _Run,
                result: FeedResult) -> None:
    if run.cutoff is not None and story.published < run.cutoff:
        # Not made into a story (it would expire at once). On the feed's
        # first sync its old items become archive lines instead, all at its
        # first old item (retention.archive_old).
        result.too_old += 1
        if result.too_old == 1:
            retention.archive_old(feed, spec, run, result)
        return
    # `number`: the item's place in its feed, Google's order of importance.
    keys = identity_keys(story)
    match = run.matcher.match(story, run.claimed, run.apart)
    if match is None:
        _new_story(story, number, feed, spec, source, keys, run, result)
        return
    known = match.sid
    if match.same_article and known in run.claimed:
        result.unchanged += 1  # the same article twice in one feed
        logger.info("%s: item %d is the same article as an earlier item (%s); skipped",
                    spec.url, number, match.detail)
        return
    run.filed(story, known)
    title = title_key(story.headline, story.outlet)
    if title and title not in run.state.stories[known].keys:
        # An item new to the story: the log says which rule joined it.
        logger.info("%s: item %d (%s) joins story %s %s", spec.url, number, story.title[:80],
                    run.state.stories[known].file, match.explanation)
    run.state.add_keys(known, keys)  # e.g. a new guid for the same story
    record = run.state.stories[known]
    if record.deleted:
        result.kept_deleted += 1
        return
    # Ranked and counted whatever its file: an edited story still rises.
    record.saw(number, [e.outlet for e in story.coverage], run.seen_at)
    editions.add(record.editions, *run.edition)
    if record.sha256 is None:
        result.kept_edited += 1  # not ours to rewrite
        return
    queued = run.queued(known)
    if queued is not None:
        _grow_queued(queued, story, record, result)
        return
    try:
        path = run.target(record.file)
        data = path.read_bytes()
    except FileNotFoundError:
        record.deleted = True
        result.kept_deleted += 1
        logger.info("%s was deleted or moved by an editor; it will not be written again", record.file)
        return
    except OSError as exc:  # unreadable, or a link out of the content folder
        result.skipped.append(f"{record.file}: {exc.strerror or exc}; left as it is")
        logger.warning("%s", result.skipped[-1])
        return
    if sha256(data) != record.sha256:
        result.kept_edited += 1
        return
    try:
        grown = grown_story(data, story, path, record.editions)
    except ValueError as exc:
        result.skipped.append(f"{record.file}: {exc}; left as it is")
        logger.warning("%s", result.skipped[-1])
        return
    if grown is None:
        result.unchanged += 1
        return
    previous = record.sha256
    record.sha256 = sha256(grown)
    result.updated.append(path)

    def undo():
        record.sha256 = previous
        result.updated.remove(path)

    run.write(_Write(path, grown, known, record.file, previous, record.sha256, undo))
    logger.info("Updated %s: its cluster or its editions grew", record.file)


def _grow_queued(queued: _Write, story: Story, record, result: FeedResult) -> None:
    """Grow a file this feed has already queued (not yet on disk)."""
    grown = grown_story(queued.data, story, queued.path, record.editions)
    if grown is None:
        result.unchanged += 1
        return
    queued.data, queued.new = grown, sha256(grown)
    record.sha256 = queued.new
    logger.info("Updated %s: its cluster or its editions grew", queued.file)


def _new_story(story, number, feed, spec, source, keys, run: _Run, result: FeedResult) -> None:
    sid = story_id(*keys)
    date = story.published.isoformat(timespec="seconds")
    existing = run.index.find(story)
    if existing is not None and run.relative(existing) not in run.files:
        # On disk but not in the state: written before the state file
        # existed. Ours to refresh only if the bytes are exactly what this
        # tool writes for it.
        try:
            current = existing.read_bytes()
            ours = current == _render(story, feed, spec, source, existing.stem, run)
        except (OSError, ValueError):
            current, ours = b"", False
        run.state.record(sid, run.relative(existing), sha256(current) if ours else None, keys, date)
        run.state.stories[sid].saw(number, [e.outlet for e in story.coverage], run.seen_at)
        editions.add(run.state.stories[sid].editions, *run.edition)
        run.files.add(run.relative(existing))
        run.filed(story, sid)
        result.unchanged += 1
        return
    slug = new_slug(story, run.index, sid, feed.language, run.config.slug_unicode)
    path = story_path(run.config.content_dir, slug)
    try:
        data = _render(story, feed, spec, source, slug, run)
    except ValueError as exc:
        result.skipped.append(f"{spec.url}: {story.title[:80]!r}: skipped, {exc}")
        logger.warning("%s", result.skipped[-1])
        return
    if sid in run.state.stories:  # an id taken by another story (same first key)
        sid = story_id(*keys, path.name)
    digest, file = sha256(data), run.relative(path)
    run.index.add(story, slug, path)
    run.files.add(file)
    run.state.record(sid, file, digest, keys, date)
    record = run.state.stories[sid]
    record.saw(number, [e.outlet for e in story.coverage], run.seen_at)
    editions.add(record.editions, *run.edition)
    run.filed(story, sid)
    result.written.append(path)

    def undo():
        run.state.forget(sid)
        result.written.remove(path)

    facts = {"seen": record.seen, "rank": record.rank, "joined": dict(record.joined),
             "editions": {code: list(sections) for code, sections in record.editions.items()}}
    run.write(_Write(path, data, sid, file, None, digest, undo, keys, date, facts))
    logger.info("New story %s", path.name)


def _render(story, feed, spec, source, slug, run) -> bytes:
    keys = article_keys(story.link) if run.config.resolve.on else []
    direct = run.resolver.known(keys[0], story.link) if keys else ""
    carried: dict[str, list[str]] = {}
    editions.add(carried, *run.edition)  # this feed's; other feeds' are added as they join
    return render_story(story, feed, slug=slug, source=source, category=spec.category,
                        max_tags=run.config.max_tags, publisher_link=direct, vocabulary=run.vocabulary,
                        carried=carried)


__all__ = ["FeedResult", "StateError", "SyncReport", "sync"]
