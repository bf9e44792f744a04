"""The monthly archive files: one line per story that left the site's pages.

An expired story (retention.py) is kept as one JSON line in
GNEWS_ARCHIVE_DIR/YYYY-MM.jsonl (the month of its date, UTC): its headline,
outlet, link, number of sources, slug and section. So is a feed item that
was already older than the window when its feed was first synced (the line
its story would have left). The build turns each day into one compact
page, under a page per month (archive_pages.py). The files are text an editor
can read, correct or delete a line from; a line that cannot be read is
reported with its file and line and left out of the page, never dropped
from the file.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..text import clean_text, safe_url
from .atomic import write_atomic

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
_MONTH_NAME = re.compile(r"(\d{4})-(\d{2})\.jsonl")
# Every line is written with its id first, so ids are found without parsing
# (after a byte-order mark an editor's tool may have put before it).
_ID = re.compile(r'^\ufeff?\{"id": ("(?:[^"\\]|\\.)*")')
BOM = "\ufeff"
# More sources than any cluster has: a line that claims them is broken.
MAX_SOURCES = 100_000
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Entry:
    """One archived story, as its monthly page shows it."""

    id: str
    date: datetime
    headline: str
    outlet: str
    link: str
    sources: int
    slug: str
    section: str = ""
    language: str = ""

    def as_line(self) -> str:
        data = {"id": self.id, "date": self.date.isoformat(timespec="seconds"), "headline": self.headline,
                "outlet": self.outlet, "link": self.link, "sources": self.sources, "slug": self.slug,
                "section": self.section, "language": self.language}
        # ensure_ascii=False keeps headlines readable; json escapes newlines
        # and control characters, so a line is always one line.
        return json.dumps(data, ensure_ascii=False)


def in_utc(when: datetime) -> datetime:
    """`when` in UTC; a time the calendar cannot hold in UTC (the first day
    of year 1 east of Greenwich, the last of 9999 west of it) is its edge."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        return when.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return _EARLIEST if when.year == 1 else _LATEST


def month_of(when: datetime) -> str:
    """The month of a time, UTC ("2026-11"; year 1 is "0001-01")."""
    utc = in_utc(when)
    return f"{utc.year:04d}-{utc.month:02d}"


def month_files(folder: Path) -> dict[str, Path]:
    """The archive's month files by month ("2026-11"), oldest first. A
    file named like one that is no month of the calendar (0000-01.jsonl,
    2026-13.jsonl) is named in a warning and left out, and left on disk."""
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        match = _MONTH_NAME.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_file():
            continue
        if 1 <= int(match.group(1)) and 1 <= int(match.group(2)) <= 12:
            found[f"{match.group(1)}-{match.group(2)}"] = path
        else:
            logger.warning("%s: not a month of the calendar; this archive file is left out", path)
    return dict(sorted(found.items()))


def read_text(data: bytes) -> str:
    """A month file's text: UTF-8 (a bad byte is U+FFFD), without the
    byte-order mark an editor's tool may have put at its start."""
    text = data.decode("utf-8", "replace")
    return text[1:] if text.startswith(BOM) else text


def parse_line(line: str, where: str, warn: bool = True) -> Entry | None:
    try:
        # A byte-order mark at a line's start (files joined with cat).
        data = json.loads(line.lstrip(BOM))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        date = datetime.fromisoformat(str(data["date"]))
        if date.tzinfo is None:
            date = date.replace(tzinfo=timezone.utc)
        # Raises OverflowError for a time the calendar cannot hold in UTC.
        date.astimezone(timezone.utc)
        sources = data.get("sources", 0)
        if isinstance(sources, (int, float)) and not isinstance(sources, bool) and sources > MAX_SOURCES:
            raise ValueError(f"{MAX_SOURCES}+ sources")
        return Entry(
            id=clean_text(data.get("id", ""), 200), date=date,
            headline=clean_text(data["headline"], 2000), outlet=clean_text(data.get("outlet", ""), 500),
            link=safe_url(data.get("link", "")),
            sources=sources if isinstance(sources, int) and not isinstance(sources, bool) and sources >= 0 else 0,
            slug=clean_text(data.get("slug", ""), 200), section=clean_text(data.get("section", ""), 200),
            language=clean_text(data.get("language", ""), 50),
        )
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
        if warn:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else (
                f"date out of range: {exc}" if isinstance(exc, OverflowError) else clean_text(exc, 200))
            logger.warning("%s: archive line not readable (%s); left out of the archive page", where, reason)
        return None


def read_month_lines(path: Path, warn: bool = True, data: bytes | None = None,
                     numbers: Container[int] | None = None, start: int = 0) -> list[tuple[int, Entry, str]]:
    """Every readable entry of a month file with its line and its number,
    in file order (`data`: its bytes, already read; `numbers`: only the
    lines of these numbers; `start`: only the lines from this byte on, the
    first byte of a line, numbered as in the whole file)."""
    try:
        raw = path.read_bytes() if data is None else data
    except OSError as exc:
        if warn:
            logger.warning("%s: cannot read the archive month (%s)", path, exc.strerror or exc)
        return []
    # A line's bytes decode alone: a newline byte is never inside a character.
    text = read_text(raw) if start == 0 else raw[start:].decode("utf-8", "replace")
    entries = []
    for number, line in enumerate(text.split("\n"), raw.count(b"\n", 0, start) + 1):
        if line.strip() and (numbers is None or number in numbers):
            entry = parse_line(line, f"{path}:{number}", warn)
            if entry is not None:
                entries.append((number, entry, line))
    return entries


def read_month(path: Path, warn: bool = True, numbers: Container[int] | None = None) -> list[Entry]:
    """Every readable entry of a month file (of these line numbers), in file order."""
    return [entry for _, entry, _ in read_month_lines(path, warn, numbers=numbers)]


def ids_in(text: str) -> set[str]:
    """The story ids of a month file's text, read without parsing its lines
    (an id that is not a JSON string, as a bad escape makes it, is none)."""
    ids = set()
    for line in text.split("\n"):
        if match := _ID.match(line):
            try:
                ids.add(json.loads(match.group(1)))
            except ValueError:
                continue
    return ids


def archived_ids(folder: Path, months) -> set[str]:
    """The story ids in these months' files ("2026-11")."""
    found: set[str] = set()
    for month in months:
        try:
            found |= ids_in(read_text((folder / f"{month}{SUFFIX}").read_bytes()))
        except FileNotFoundError:
            pass
    return found


def lines_known(folder: Path, months) -> tuple[set[str], set[str], set[str]]:
    """The ids, links and slugs of these months' lines ("2026-11"): what a
    feed item about to be archived must not repeat (retention.archive_old).
    Ids are read as add() reads them; a line that is not JSON is skipped."""
    ids: set[str] = set()
    links: set[str] = set()
    slugs: set[str] = set()
    for month in months:
        try:
            text = read_text((folder / f"{month}{SUFFIX}").read_bytes())
        except FileNotFoundError:
            continue
        ids |= ids_in(text)
        for line in text.split("\n"):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(data, dict):
                links.add(str(data.get("link") or ""))
                slugs.add(str(data.get("slug") or ""))
    links.discard("")
    slugs.discard("")
    return ids, links, slugs


def add(folder: Path, entries: list[Entry], temp_dir: Path) -> int:
    """Append entries to their month files, each id once (adding the same
    story again, as a sync interrupted after this step does, changes
    nothing). Each file is rewritten atomically. Returns lines added."""
    by_month: dict[str, list[Entry]] = {}
    for entry in entries:
        by_month.setdefault(month_of(entry.date), []).append(entry)
    added = 0
    for month, new in sorted(by_month.items()):
        path = folder / f"{month}{SUFFIX}"
        try:
            data = path.read_bytes()  # kept byte for byte, whatever it holds
        except FileNotFoundError:
            data = b""
        known = ids_in(read_text(data))
        lines = []
        for entry in new:
            if entry.id not in known:
                known.add(entry.id)
                lines.append(entry.as_line())
        if not lines:
            continue
        if data and not data.endswith(b"\n"):
            data += b"\n"
        write_atomic(path, data + ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"), temp_dir)
        added += len(lines)
    return added
