"""The frozen daily digests: one JSON line per finished day of the site.

A day's digest (its top stories by score, with their outlet counts) must
never change once the day is over, while its stories keep growing, decay,
retire to the archive or are deleted by an editor. So the sync, the first
time it runs after a day ended in the site's TIMEZONE, writes that day's list
once (ingest/digest_freeze.py), and the build shows it as written
(publish/digest_pages.py). The files sit beside the archive's month files:
`GNEWS_ARCHIVE_DIR/digest-2026-11.jsonl`, one file per month of days, so an
hourly commit changes one small file once a day; months older than the
archive keeps are removed with it.

A line holds what the page shows and nothing else: headline, outlet, number
of outlets at the day's end, slug (the story's address) and date. No link,
no text of an article. A line an editor broke is named with its file and
line and left out; the rest builds.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "digest-"
_NAME = re.compile(r"digest-(\d{4})-(\d{2})\.jsonl")


@dataclass(frozen=True)
class Pick:
    """One story of a day's digest, as it stood when the day ended."""

    slug: str
    headline: str
    outlet: str
    sources: int
    date: datetime
    language: str = ""

    def as_json(self) -> dict:
        data = {"slug": self.slug, "headline": self.headline, "outlet": self.outlet, "sources": self.sources,
                "date": self.date.isoformat(timespec="seconds")}
        if self.language:
            data["language"] = self.language
        return data


@dataclass(frozen=True)
class FrozenDay:
    day: date  # in the zone it was frozen in
    picks: tuple[Pick, ...]

    def as_line(self) -> str:
        # ensure_ascii=False keeps headlines readable; json escapes newlines.
        return json.dumps({"day": self.day.isoformat(), "stories": [p.as_json() for p in self.picks]},
                          ensure_ascii=False)


def file_name(day: date) -> str:
    return f"{PREFIX}{day.year:04d}-{day.month:02d}.jsonl"


def local_day(when: datetime, zone: tzinfo) -> date:
    """The day of the site's calendar a time is on."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        return when.astimezone(zone).date()
    except (OverflowError, ValueError):
        return when.date()


def day_end(day: date, zone: tzinfo) -> datetime:
    """The instant a day of the site's calendar is over (its next midnight), in UTC."""
    try:
        return datetime.combine(day + timedelta(days=1), time(), zone).astimezone(timezone.utc)
    except OverflowError:
        return datetime.max.replace(tzinfo=timezone.utc)


def _pick(data, where: str) -> Pick:
    if not isinstance(data, dict):
        raise ValueError("a story is not a JSON object")
    when = datetime.fromisoformat(str(data["date"]))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    sources = data.get("sources", 1)
    if isinstance(sources, bool) or not isinstance(sources, int) or not 0 <= sources <= 100_000:
        raise ValueError(f"sources is {sources!r}")
    texts = [data.get(k, "") for k in ("slug", "headline", "outlet", "language")]
    if not all(isinstance(t, str) for t in texts) or not texts[0]:
        raise ValueError("slug, headline, outlet and language are texts, the slug not empty")
    from .text import clean_text  # noqa: PLC0415 - text.py is light, but only lines read need it

    slug, headline, outlet, language = (clean_text(t) for t in texts)
    return Pick(slug, headline, outlet, sources, when, language[:50])


def parse_line(line: str, where: str) -> FrozenDay | None:
    try:
        data = json.loads(line.lstrip("\ufeff"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        day = date.fromisoformat(str(data["day"]))
        stories = data.get("stories") or []
        if not isinstance(stories, list):
            raise ValueError("stories is not a list")
        return FrozenDay(day, tuple(_pick(s, where) for s in stories))
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
        logger.warning("%s: digest line not readable (%s); that day has no digest page", where,
                       str(exc)[:200])
        return None


def digest_files(folder: Path | None) -> dict[str, Path]:
    """The digest files by month ("2026-11"), oldest first."""
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        match = _NAME.fullmatch(path.name)
        if match and 1 <= int(match.group(2)) <= 12 and path.is_file() and not path.is_symlink():
            found[f"{match.group(1)}-{match.group(2)}"] = path
    return dict(sorted(found.items()))


def read_days(folder: Path | None, since: str = "") -> dict[date, FrozenDay]:
    """Every frozen day of the files of month `since` ("2026-11") and later;
    the first line of a day wins (a day is frozen once)."""
    days: dict[date, FrozenDay] = {}
    for month, path in digest_files(folder).items():
        if month < since:
            continue
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError as exc:
            logger.warning("%s: cannot read the digest file (%s)", path, exc.strerror or exc)
            continue
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                found = parse_line(line, f"{path}:{number}")
                if found is not None:
                    days.setdefault(found.day, found)
    return days
