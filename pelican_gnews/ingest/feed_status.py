"""What each feed's syncs did, kept in the sync state for the status page.

Per feed of GNEWS_FEEDS, under the state's "status" section (one line a
feed): its name (the channel's title, or the `name` its settings entry
gives), when it last synced and when it last failed, with the reason in the
words the sync logged (`reason`, the one function that makes that text),
and how many new stories it brought in, counted by hour (UTC) and pruned
to the last day. A feed's line is a few hundred bytes at most (24 hours of
counts, a bounded name and reason), whatever the years a site runs.

A state written before this record existed has no "status" section: it
loads as it is and gains one at its next sync. A record a person broke is
dropped with one warning naming it; the rest of the state is read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from ..text import clean_text

logger = logging.getLogger(__name__)

MAX_NAME = 200  # a feed's name as the status page shows it
MAX_REASON = 300  # a failure's reason, as logged and kept
WINDOW = timedelta(days=1)  # new stories are counted over the last day
_HOUR = "%Y-%m-%dT%H"  # the key of an hour's count, in UTC


def reason(error: object) -> str:
    """A feed's failure as the sync logs it and the state keeps it: one
    line of plain text, bounded."""
    return clean_text(error, MAX_REASON) or "unknown error"


# Frozen: a sync replaces a feed's record (note()), so that the state can
# keep each record's JSON text until the record is replaced, instead of
# writing every feed's line again at each of a sync's saves.
@dataclass(frozen=True)
class FeedStatus:
    name: str = ""
    ok: str = ""  # last successful sync (ISO 8601, UTC)
    failed: str = ""  # last failure
    reason: str = ""  # of the last failure
    new: dict[str, int] = field(default_factory=dict)  # hour (UTC) -> new stories in it

    def as_json(self) -> dict:
        data = {"name": self.name, "ok": self.ok, "failed": self.failed, "reason": self.reason,
                "new": dict(sorted(self.new.items()))}
        return {k: v for k, v in data.items() if v}

    def last_day(self, until: datetime) -> int:
        """New stories in the day up to `until`, by whole hours."""
        since = (until - WINDOW).astimezone(timezone.utc).strftime(_HOUR)
        return sum(n for hour, n in self.new.items() if hour > since)



def _time(value) -> str:
    """An ISO 8601 time with its zone, or ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time")
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return when.isoformat(timespec="seconds")


def read(raw, where: str, warn: bool = True) -> FeedStatus | None:
    """A record as the state file has it, or None (with one warning) when
    it is not one: the status page then starts that feed afresh."""
    try:
        if not isinstance(raw, dict):
            raise ValueError(f"{type(raw).__name__} where a mapping belongs")
        new = raw.get("new") or {}
        if not isinstance(new, dict):
            raise ValueError("'new' is not a mapping of hours to counts")
        counts = {}
        for hour, n in new.items():
            datetime.strptime(hour, _HOUR)
            if not (isinstance(n, int) and not isinstance(n, bool) and 0 < n < 1_000_000):
                raise ValueError(f"{n!r} is not a count of stories")
            counts[hour] = n
        for key in ("name", "reason"):
            if not isinstance(raw.get(key, ""), str):
                raise ValueError(f"'{key}' is not text")
        return FeedStatus(name=clean_text(raw.get("name", ""), MAX_NAME),
                          ok=_time(raw["ok"]) if raw.get("ok") else "",
                          failed=_time(raw["failed"]) if raw.get("failed") else "",
                          reason=clean_text(raw.get("reason", ""), MAX_REASON), new=counts)
    except (ValueError, TypeError, OverflowError) as exc:
        if not warn:
            return None
        logger.warning("%s: not a feed's status record (%s); dropped, the status page starts it afresh",
                       where, clean_text(exc, MAX_REASON))
        return None


def read_all(raw, where: str, warn: bool = True) -> dict[str, FeedStatus]:
    """The state's "status" section; `warn`: say what is dropped (the
    build, which reads the state again, leaves that to the first read)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        if warn:
            logger.warning("%s: status: not a mapping of feeds to records; dropped", where)
        return {}
    found = {}
    for url, record in raw.items():
        status = read(record, f"{where}: status of feed {clean_text(url, MAX_NAME)}", warn)
        if status is not None:
            found[str(url)] = status
    return found


def note(records: dict[str, FeedStatus], url: str, *, when: datetime, name: str = "", error: str = "",
         new: int = 0) -> None:
    """One feed's part of a sync, at `when`: its name (if known), success
    with `new` new stories, or failure with its `error` (reason's text)."""
    status = records.get(url) or FeedStatus()
    stamp = when.astimezone(timezone.utc).isoformat(timespec="seconds")
    since = (when - WINDOW).astimezone(timezone.utc).strftime(_HOUR)
    counts = {hour: n for hour, n in status.new.items() if hour > since}
    if error:
        status = replace(status, failed=stamp, reason=reason(error))
    else:
        status = replace(status, ok=stamp)
        if new:
            hour = when.astimezone(timezone.utc).strftime(_HOUR)
            counts[hour] = counts.get(hour, 0) + new
    records[url] = replace(status, name=clean_text(name, MAX_NAME) if name else status.name, new=counts)


def keep_only(records: dict[str, FeedStatus], urls) -> None:
    """Forget feeds no longer synced: the section holds the site's feeds only."""
    for url in set(records) - set(urls):
        del records[url]


def last_sync(records) -> datetime | None:
    """The site's last successful sync: the newest of its feeds'."""
    times = [datetime.fromisoformat(s.ok) for s in records.values() if s.ok]
    return max(times) if times else None
