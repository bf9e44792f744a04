"""Freezing each finished day's digest, once, at the end of a sync.

The first sync after a day of the site's calendar (TIMEZONE) is over ranks
that day's stories (those published on it that the state knows, drafts and
stories an editor put into another left out; days are frozen in order, so
a day before the last one frozen is never added) by the score they had when the
day ended: the front page's score (publish/ranking.py) at the day's last
instant, counting only the outlets that had joined by then. The
GNEWS_DIGEST_TOP best become one line of the digest file of that day's month
(digest_file.py), written atomically and never again. Run before retention,
so a story that leaves the pages in the same sync is still read.

Days older than the months the archive keeps are neither frozen nor kept:
their files are removed as the archive's month files are.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import digest_file, frontmatter
from ..publish.ranking import Facts, score
from . import retention
from .atomic import write_atomic

logger = logging.getLogger(__name__)


def _time(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo("UTC"))


def _hidden(meta: dict) -> bool:
    """A draft, or a story an editor put into another (`story:`): not on the site's lists."""
    draft = frontmatter.flag(meta.get("draft"), "draft", unclear=True, absent=False)
    return bool(draft) or bool(str(meta.get("story") or "").strip())


def _pick(run, sid: str, record, end: datetime) -> tuple[float, digest_file.Pick] | None:
    when = record.published
    try:
        meta, body = retention.read_story(run.target(record.file).read_bytes())  # read once
        if _hidden(meta):
            return None
        entry = retention.entry_from(meta, body, sid, when)
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # gone, or an editor's file the build reports itself
    if not entry.slug or not entry.headline:
        return None
    joined = tuple((outlet, t) for outlet, raw in record.joined.items() if (t := _time(raw)) and t <= end)
    seen = _time(record.seen) or when
    sources = len(joined) if joined else max(1, entry.sources)
    outlets, half_life = run.config.score
    story = SimpleNamespace(facts=Facts(min(seen, end), joined, record.rank), date=when, sources_count=sources)
    value = score(story, end, {"GNEWS_SCORE_OUTLETS": outlets, "GNEWS_SCORE_HALF_LIFE": half_life})
    return value, digest_file.Pick(entry.slug, entry.headline, entry.outlet, sources, when, entry.language)


def freeze(run, now: datetime) -> int:
    """Freeze every finished day not frozen yet; returns how many. `run` is
    the sync's run (sync._Run)."""
    config, state = run.config, run.state
    folder = config.archive_dir
    if config.digest_top <= 0 or folder is None:
        return 0
    try:
        zone = ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")  # said once by the settings check
    cut = retention.cutoff([retention.newest(state)], now, config.retention_days) or now
    oldest = retention.oldest_month(config, cut)
    dropped = _drop_months(folder, oldest)
    today = digest_file.local_day(now, zone)
    frozen = digest_file.read_days(folder, since=oldest)
    # Days are frozen in order: a story arriving late for a day before the
    # last frozen one adds no day between frozen ones (each page's link to
    # the day before it stays as it was written).
    last = max(frozen, default=None)
    by_day: dict = {}
    for sid, record in state.stories.items():
        when = record.published
        if record.deleted or when is None:
            continue
        day = digest_file.local_day(when, zone)
        if day < today and (last is None or day > last) and f"{day.year:04d}-{day.month:02d}" >= oldest:
            by_day.setdefault(day, []).append((sid, record))
    new: dict[str, list[digest_file.FrozenDay]] = {}
    for day, records in sorted(by_day.items()):
        end = digest_file.day_end(day, zone) - timedelta(seconds=1)
        scored = [found for sid, record in records if (found := _pick(run, sid, record, end))]
        if not scored:
            continue
        scored.sort(key=lambda pair: (-pair[0], -pair[1].date.timestamp(), pair[1].slug))
        picks = tuple(pick for _, pick in scored[: config.digest_top])
        new.setdefault(digest_file.file_name(day), []).append(digest_file.FrozenDay(day, picks))
    for name, days in sorted(new.items()):
        path = folder / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b""
        if data and not data.endswith(b"\n"):
            data += b"\n"
        folder.mkdir(parents=True, exist_ok=True)
        lines = "".join(day.as_line() + "\n" for day in days)
        write_atomic(path, data + lines.encode("utf-8", "surrogatepass"), config.temp_dir)
    count = sum(len(days) for days in new.values())
    if count or dropped:
        logger.info("Digest: %d finished day(s) frozen, %d month file(s) past GNEWS_ARCHIVE_MONTHS removed",
                    count, dropped)
    return count


def _drop_months(folder, oldest: str) -> int:
    if not oldest:
        return 0
    dropped = 0
    for month, path in digest_file.digest_files(folder).items():
        if month < oldest:
            path.unlink()
            dropped += 1
    return dropped
