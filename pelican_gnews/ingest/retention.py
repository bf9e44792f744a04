"""Retention: story pages for a window of days, then one archive line each.

A site that gains 30 stories an hour and keeps them all crosses GitHub
Pages' 1 GB limit in months, and every hourly build reads and renders more.
So at the end of each sync (under its lock) a story older than
GNEWS_RETENTION_DAYS becomes one line of its month's archive file
(archive.py), its story file leaves content/, and its state entry is pruned.
What is published, built and committed then follows the window, not the
site's age.

The window ends at the newest story the site has, never later than now: a
site whose feeds stop keeps its last days of news instead of emptying.

Editors keep control:

* a story file a person changed is never removed: it keeps its page (an
  explicit `pinned: false` in it lets it expire like the others);
* `pinned: true` keeps a story's page however old it is, and so does a
  `pinned:` that is neither true nor false (`ture`, `always`, a date: one
  reading for every yes/no key, frontmatter.flag), with a warning;
* a story file a person deleted is simply forgotten.

Feed items older than the window are not made into stories (they would
expire at once, and a story whose state entry was pruned must not return).
On a feed's first sync they become archive lines instead (archive_old), as
if each had been synced in its day and had left the pages since: nothing
of a new feed vanishes. On later syncs an old item was seen before (its
story's line is written, or it joined a story that has one), so none is
added.

The steps are ordered so that a sync killed at any instant loses nothing:
archive lines are written first (adding one twice changes nothing), then
story files are removed (only if they still hold the bytes this tool wrote),
then the state is pruned and saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from .. import frontmatter
from ..cluster import first_ol, parse_cluster, split_headline
from ..text import clean_text
from . import archive, atomic
from .atomic import Edited, UnsafePath, sha256
from .identity import article_keys, identity_keys, title_key
from .slugs import base_slug, story_id, unicode_wanted
from .state import SyncState
from .store import STORY_SUFFIX, ContentIndex, StoreError, new_slug, render_story, slug_title

logger = logging.getLogger(__name__)


@dataclass
class RetentionReport:
    archived: int = 0
    kept_pinned: int = 0
    kept_edited: int = 0
    forgotten: int = 0  # state entries pruned without an archive line (deleted by editors)
    months_dropped: int = 0
    old_items_archived: int = 0  # feed items already older than the window (archive_old)
    old_items_dropped: int = 0  # ...and older than GNEWS_ARCHIVE_MONTHS too
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.archived} archived"]
        if self.old_items_archived:
            parts.append(f"{self.old_items_archived} item(s) older than the retention window archived")
        if self.old_items_dropped:
            parts.append(f"{self.old_items_dropped} item(s) older than GNEWS_ARCHIVE_MONTHS dropped")
        if self.kept_pinned or self.kept_edited:
            parts.append(f"{self.kept_pinned + self.kept_edited} old kept (pinned or edited)")
        if self.months_dropped:
            parts.append(f"{self.months_dropped} archive month(s) past GNEWS_ARCHIVE_MONTHS removed")
        return ", ".join(parts)


@dataclass
class OldItems:
    """What archive_old did in one sync (sync._Run.old_items), for its report."""

    archived: int = 0
    dropped: int = 0


def cutoff(dates, now: datetime, days: float) -> datetime | None:
    """Stories published before this leave the pages (None: keep all):
    `days` before the newest of `dates`, or before now if that is earlier."""
    if days <= 0:
        return None
    newest = max((d for d in dates if d is not None), default=None)
    return (min(now, newest) if newest else now) - timedelta(days=days)


def newest(state: SyncState) -> datetime | None:
    return max((d for d in (r.published for r in state.stories.values()) if d is not None), default=None)


def pinned(data: bytes, where: str = "<story>") -> bool | None:
    """The file's `pinned:` value: True, False, or None when it has none.

    Read as every yes/no key is (frontmatter.flag): a value that is neither
    (`ture`, `always`, a date) is True, with a warning naming the file and
    line; a file whose front matter cannot be read has none (None), and is
    kept as edited. Only a clear `pinned: false` lets an edited story go."""
    parts = frontmatter.split(data.decode("utf-8", "replace"))
    if parts is None:
        return None  # no front matter: an edited file, kept as such
    yaml_text, _body, first_line = parts
    try:
        meta = frontmatter.load(yaml_text, where, first_line)
    except ValueError:
        return None  # unreadable: the build says so; here it is kept
    found = [v for k, v in meta.items() if str(k).strip().lower() == "pinned"]
    if not found:
        return None
    line = frontmatter.line_of(yaml_text, "pinned", first_line)
    readings = [frontmatter.flag(value, "pinned", unclear=True, absent=None, where=where, line=line,
                                 then="read as true; the story keeps its page") for value in found]
    if any(readings):
        return True
    return False if False in readings else None


def read_story(data: bytes) -> tuple[dict, str]:
    """A story file this tool wrote: its front matter and its body."""
    yaml_text, body, first_line = frontmatter.split(data.decode("utf-8", "replace"))
    return frontmatter.load(yaml_text, "<story>", first_line), body


def entry_of(data: bytes, story_id: str, when: datetime) -> archive.Entry:
    """The archive line of a story file this tool wrote."""
    return entry_from(*read_story(data), story_id, when)


def entry_from(meta: dict, body: str, story_id: str, when: datetime) -> archive.Entry:
    """The archive line of a story, from its front matter and body."""
    where = first_ol(body)
    cluster = parse_cluster(body[where[0]:where[1]] if where else body)
    title = clean_text(meta.get("title", ""))
    headline, outlet = split_headline(title, clean_text(meta.get("outlet") or ""), cluster.outlets)
    sections = meta.get("categories") or []
    return archive.Entry(
        id=story_id, date=when, headline=headline, outlet=outlet, link=str(meta.get("link") or ""),
        sources=len(cluster.outlets), slug=clean_text(meta.get("slug") or ""),
        section=clean_text(sections[0]) if isinstance(sections, list) and sections else "",
        language=clean_text(meta.get("language") or "", 50),
    )


def expire(run, now: datetime) -> RetentionReport:
    """Archive and remove the stories older than the window (see above).
    `run` is the sync's run (sync._Run): its settings, state and paths."""
    config, state = run.config, run.state
    report = RetentionReport()
    old_items = run.old_items
    report.old_items_archived, report.old_items_dropped = old_items.archived, old_items.dropped
    cut = cutoff([newest(state)], now, config.retention_days)
    if cut is None:
        return report
    # Entries that could still name a feed item are kept a little longer.
    forget_before = cut - config.identity_window
    leaving: list[tuple[str, Path, str, archive.Entry]] = []
    forget: list[str] = []
    missing: dict[str, datetime] = {}  # expired, its file gone: archived by a sync cut short?
    for sid, record in state.stories.items():
        when = record.published
        if when is None or when >= cut:
            continue
        if record.deleted:
            if when < forget_before:
                forget.append(sid)
            continue
        try:
            path = run.target(record.file)
            data = path.read_bytes()
        except FileNotFoundError:
            if when < forget_before:
                forget.append(sid)
            else:
                missing[sid] = when
            continue
        except OSError as exc:
            report.problems.append(f"{record.file}: {exc.strerror or exc}; left as it is")
            continue
        if record.sha256 is None or sha256(data) != record.sha256:
            pin = pinned(data, record.file)
            if pin is not False:
                if pin:
                    report.kept_pinned += 1
                else:
                    report.kept_edited += 1
                continue
        try:
            leaving.append((sid, path, sha256(data), entry_of(data, sid, when)))
        except (ValueError, TypeError, AttributeError) as exc:
            report.problems.append(f"{record.file}: not archived ({exc}); left as it is")

    folder = config.archive_dir
    if missing:
        # Archived by a sync that was stopped before it forgot them: forgotten
        # now, as that sync would have. (Deleted by an editor: kept a while,
        # so that no join brings them back.)
        done = archive.archived_ids(folder, {archive.month_of(when) for when in missing.values()})
        forget += [sid for sid in missing if sid in done]
    folder.mkdir(parents=True, exist_ok=True)
    archive.add(folder, [entry for *_, entry in leaving], config.temp_dir)
    taken: list[tuple[str, atomic.Displaced]] = []
    try:
        for sid, path, digest, _entry in leaving:
            try:
                held = atomic.remove_unchanged(path, digest, config.temp_dir)
            except FileNotFoundError:
                pass  # gone meanwhile: an editor deleted it
            except (Edited, UnsafePath):
                report.kept_edited += 1
                continue
            else:
                if held is not None:
                    taken.append((sid, held))
            forget.append(sid)
            report.archived += 1
    finally:
        for sid, held in taken:
            if held.changed():
                # A person wrote into the file as it left: it goes back,
                # and stays theirs.
                held.put_back()
                forget.remove(sid)
                state.stories[sid].sha256 = None
                report.archived -= 1
                report.kept_edited += 1
            else:
                held.drop()
        for folder_of in {path.parent for _, path, _, _ in leaving}:
            atomic.fsync_dir(folder_of)
    for sid in forget:
        state.forget(sid)
    report.forgotten = len(forget) - report.archived
    report.months_dropped = _drop_months(config, cut)
    for problem in report.problems:
        logger.warning("%s", problem)
    if report.archived or report.months_dropped or old_items.archived or old_items.dropped:
        logger.info("Retention (stories before %s): %s", cut.isoformat(timespec="minutes"), report.summary())
    return report


def oldest_month(config, cut: datetime) -> str:
    """The oldest month the archive keeps ("2026-03"): GNEWS_ARCHIVE_MONTHS
    before the window; "" when it keeps them all (0)."""
    if config.archive_months <= 0:
        return ""
    year, month = cut.year, cut.month - config.archive_months
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _drop_months(config, cut: datetime) -> int:
    """Remove archive months older than GNEWS_ARCHIVE_MONTHS before the
    window (0 keeps them all)."""
    oldest = oldest_month(config, cut)
    if not oldest:
        return 0
    dropped = 0
    for name, path in archive.month_files(config.archive_dir).items():
        if name < oldest:
            path.unlink()
            dropped += 1
    return dropped


def _leads(story) -> set[str]:
    """The keys of an item's own article (as identity.Matcher.lead_owner)."""
    return set(article_keys(story.link)) | ({f"guid:{story.guid}"} if story.guid else set())


def _known(story, keys: list[str], run) -> bool:
    """Whether the state has the item's story: its own article (whatever
    the join settings), or the keys and headline the join rules go by
    (identity.py), within their windows. Headline likeness is not asked:
    its groups are made of the sync's current items only."""
    state, rules = run.state, run.config.rules
    if run.matcher.lead_owner(story)[0] is not None:
        return True

    def near(sid: str, window) -> bool:
        when = state.stories[sid].published if sid in state.stories else None
        return when is not None and abs(when - story.published) <= window

    lead = _leads(story)
    for key in keys:
        sid = state.owner(key) if not key.startswith("title:") and key not in lead else None
        if sid is None or sid in run.claimed:  # Google listed this feed's items apart
            continue
        if key.startswith("fc:"):
            if rules.full_coverage and near(sid, rules.similar_window):
                return True
        elif rules.articles:
            return True
    title = title_key(story.headline, story.outlet)
    return bool(rules.title_window and title
                and any(near(sid, rules.title_window) for sid in state.titled(title)))


def archive_old(feed, spec, run, result) -> None:
    """On a feed's first sync (the state has no validators of it yet), make
    its items published before the window (run.cutoff) into archive lines,
    as if each had been synced in its day and had left the pages since:
    the line its story file would have given (entry_of), with the id and
    the slug its story would have had. Called by the sync at the feed's
    first old item; `run` is the sync's run (sync._Run).

    No line for an item whose story the site has (in the state, by its
    article or the join rules' keys; an item of this feed with a page, by
    its article), whose article an earlier old item of the feed is, or
    whose line the archive has (its id, or its link, in its month's file).
    Items older than GNEWS_ARCHIVE_MONTHS are dropped, and counted. The
    lines are added in one batch, each month file rewritten atomically and
    only if it gains a line, before the feed's stories are written and its
    validators saved: a sync killed before that syncs the feed again as a
    first sync, which finds the lines there and adds none twice.
    """
    tally = run.old_items
    if "sha256" in run.state.feeds.get(spec.url, {}):
        return  # synced before: its old items were seen then
    config, cut = run.config, run.cutoff
    old = [story for story in feed.stories if story.published < cut]
    live = [story for story in feed.stories if story.published >= cut]
    # The months the archive keeps, as retention will count them at the end
    # of this sync (its window may end later than this feed's).
    site_cut = cutoff([newest(run.state)], run.now, config.retention_days)
    oldest = oldest_month(config, max(cut, site_cut) if site_cut else cut)
    kept = [story for story in old if not oldest or archive.month_of(story.published) >= oldest]
    dropped = len(old) - len(kept)
    folder = config.archive_dir
    ids, links, archived_slugs = archive.lines_known(folder, {archive.month_of(s.published) for s in kept})
    seen = set().union(*(_leads(story) for story in live))  # articles with a page, or a line of this batch
    unicode = unicode_wanted(feed.language, config.slug_unicode)
    # Slugs of the site's stories, of the archive's lines in these months,
    # and the ones this feed's new stories will ask for: a line shares its
    # slug (its anchor, its old address) with no other story.
    taken = set(run.index.slugs) | archived_slugs
    taken |= {slug for story in live
              if (slug := base_slug(slug_title(story), feed.language, unicode=unicode))}
    entries: list[archive.Entry] = []
    known = 0
    for story in kept:
        keys = identity_keys(story)
        sid = story_id(*keys)
        if _leads(story) & seen or _known(story, keys, run) or sid in ids or story.link in links:
            known += 1
            seen |= _leads(story)
            continue
        seen |= _leads(story)
        slug = new_slug(story, ContentIndex(slugs=taken), sid, feed.language, config.slug_unicode)
        if sid in run.state.stories or any(e.id == sid for e in entries):
            sid = story_id(*keys, f"{slug}{STORY_SUFFIX}")  # an id taken by another story, as in sync
        try:
            data = render_story(story, feed, slug=slug, source="", category=spec.category, max_tags=0)
            entries.append(entry_of(data, sid, story.published))
        except ValueError as exc:
            result.skipped.append(f"{spec.url}: {story.title[:80]!r}: not archived, {exc}")
            logger.warning("%s", result.skipped[-1])
            continue
        taken.add(slug)
    added = 0
    if entries:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            added = archive.add(folder, entries, config.temp_dir)
        except OSError as exc:
            raise StoreError(f"cannot add its items older than the retention window to the archive "
                             f"({exc.strerror or exc}); the feed is synced again next time") from None
    tally.archived += added
    tally.dropped += dropped
    if added or dropped:
        logger.info("Feed %s: %d item(s) older than the retention window archived (%d known to the site), "
                    "%d older than GNEWS_ARCHIVE_MONTHS dropped", spec.url, added, known, dropped)
