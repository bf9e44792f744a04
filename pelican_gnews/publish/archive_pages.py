"""The archive on the site: a compact page per day, a page per month that
lists its days, and the lookup the 404 page uses to send an old story's
address to its line.

Each day page lists every story of that day, one line each (headline,
outlet, number of sources): the stories that still have a page link to it,
the archived ones (archive.py) to the publisher's article. Pages are per
day, not per month, so that an hourly build renders the day that gained
stories and the day whose stories just left their pages (a few hundred
lines), not a month of tens of thousands. archives.html lists the months.
For the 404 page, each month also gets a small text file of the story
addresses it holds (`urls.txt`: address, tab, day, and the anchor when it
is not the address's name) and the site one list of its months
(`archive/months.json`): GitHub Pages has no redirects, so the 404 page's
script looks an unknown address up there and links to its line.

Days and months are the site's (TIMEZONE): a story is on the day printed
beside it. Month files hold their lines by UTC month, so a line near a month's
end is on a day of the month before or after its file's (a Tokyo site's
1 February starts at 15:00 UTC on 31 January): a local month gathers its
days from the files that have lines on them, at most three.

Month files are parsed only when their bytes change (a cache keyed by their
name, the SHA-1 of their bytes and the time zone keeps each local day's story
keys and the SHA-1 of its lines), so a site's hourly build does not grow with
the archive's age; a file that only had lines appended (what a sync does) is
parsed from its old end, so neither does it grow with the month's (a bad
line is named when it is parsed, not again each hour the file grows). A
file renamed (or copied) to another month is parsed again: its days are
that month's; so is every file when TIMEZONE changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path

from pelican.generators import Generator, PelicanTemplateNotFound

from ..ingest import archive
from ..settings import SettingsError, from_pelican, setting
from .data_files import incremental_on, load_pickle, save_pickle, write_data
from .file_stamps import FileStamps
from .localisation import zone_named

logger = logging.getLogger(__name__)

MONTHS_JSON = "archive/months.json"
CACHE_NAME = "gnews-archive.pickle"
LINES_NAME = "gnews-archive-lines-{month}.pickle"  # a month file's entries, as last parsed
KEEP_LINES = 2  # months whose entries are kept: this month's file and last month's
STAMPS_NAME = "gnews-stamps-archive.pickle"


@dataclass
class Line:
    """One story on a day page."""

    date: datetime
    headline: str
    outlet: str
    href: str  # the story's page (relative to the site) or the publisher's article
    sources: int
    anchor: str
    old_url: str  # the address its story page had (or has)
    internal: bool  # href is a page of this site
    language: str = ""


@dataclass
class Day:
    date: datetime  # its midnight, in the site's zone
    url: str
    save_as: str
    month: Month = field(repr=False)
    digest: str = ""  # SHA-1 of its archived lines (of each file they are in): what they are
    archived_keys: tuple = ()  # story_key() of each archived line
    stories: list = field(default_factory=list, repr=False)  # stories that have a page
    newer: Day | None = field(default=None, repr=False)  # the next day with stories
    older: Day | None = field(default=None, repr=False)

    @property
    def number(self) -> int:
        return self.date.day

    @property
    def back(self) -> frozenset:
        """Its archived stories that are back on the site (restored by an
        editor): their page's line is shown instead."""
        return self.month.back_keys.intersection(self.archived_keys)

    @property
    def count(self) -> int:
        return len(self.archived_keys) - len(self.back) + len(self.stories)

    @cached_property
    def live(self) -> list[Line]:
        """Its stories that have a page, as lines: made for its page, once
        every story's address is final (the build moves a story whose page
        would be another page's file: outputs.keep_pages_apart)."""
        return [Line(a.date, getattr(a, "headline", "") or str(a.title), getattr(a, "outlet", ""), a.url,
                     getattr(a, "sources_count", 0), a.slug, a.url, True, getattr(a, "foreign_lang", ""))
                for a in self.stories]

    @cached_property
    def lines(self) -> list[Line]:
        """Every line, newest first; made only for a page being rendered."""
        settings = self.month.settings
        lines = [Line(e.date, e.headline, e.outlet, e.link, e.sources, e.slug, story_url(settings, e), False,
                      e.language) for e in self.month.archived.get(self.number, ())] + self.live
        lines.sort(key=lambda line: (line.date, line.anchor), reverse=True)
        # An anchor is an id on the page: a slug a new story took after its
        # first story was archived is there twice.
        seen: set[str] = set()
        for line in sorted(lines, key=lambda line: not line.internal):
            anchor, n = line.anchor, 1
            while line.anchor in seen:
                n += 1
                line.anchor = f"{anchor}-{n}"
            seen.add(line.anchor)
        return lines


@dataclass
class Month:
    name: str  # "2026-11", in the site's zone
    url: str
    save_as: str
    urls_save_as: str
    zone: tzinfo
    digest: str = ""  # SHA-1 of its days' digests: what its archived lines are
    files: dict[str, Path] = field(default_factory=dict)  # archive files with lines on its days, by their month
    numbers: dict[str, set[int]] = field(default_factory=dict, repr=False)  # which lines of each file
    days: dict[int, Day] = field(default_factory=dict)
    back_keys: frozenset = frozenset()  # archived stories that have a page again
    parsed: dict[str, list[archive.Entry]] = field(default_factory=dict, repr=False)  # files read in this build
    settings: dict = field(default_factory=dict, repr=False)

    @property
    def date(self) -> datetime:
        year, month = self.name.split("-")
        return datetime(int(year), int(month), 1, tzinfo=self.zone)

    @property
    def count(self) -> int:
        return sum(day.count for day in self.days.values())

    def day(self, number: int) -> Day:
        if number not in self.days:
            date = self.date.replace(day=number)
            # Four digits in any year (strftime writes year 1 as "1").
            values = {"year": f"{date.year:04d}", "month": f"{date.month:02d}", "day": f"{date.day:02d}"}
            self.days[number] = Day(date, setting(self.settings, "GNEWS_ARCHIVE_DAY_URL").format(**values),
                                    setting(self.settings, "GNEWS_ARCHIVE_DAY_SAVE_AS").format(**values), self)
        return self.days[number]

    def day_list(self) -> list[Day]:
        """Its days, newest first."""
        return [self.days[n] for n in sorted(self.days, reverse=True)]

    @property
    def day_url_pattern(self) -> str:
        """A day's address with `{day}` left in (for the 404 page's script)."""
        return setting(self.settings, "GNEWS_ARCHIVE_DAY_URL").format(year=f"{self.date.year:04d}",
                                                                      month=f"{self.date.month:02d}", day="{day}")

    @cached_property
    def archived(self) -> dict[int, list[archive.Entry]]:
        """Its archived stories by day, read from its files only for a page
        being rendered, or as the cache parsed them in this build (the
        cache's parse has already warned of bad lines)."""
        out: dict[int, list[archive.Entry]] = {}
        for name, path in self.files.items():
            parsed = self.parsed.get(name)
            # Of a neighbouring month's file, only the few lines on its days are parsed.
            for entry in archive.read_month(path, False, self.numbers[name]) if parsed is None else parsed:
                month, number = local_day(entry.date, name, self.zone)
                if month == self.name and not (self.back_keys and story_key(entry.slug, entry.link) in self.back_keys):
                    out.setdefault(number, []).append(entry)
        return out

    def release(self) -> None:
        """Drop the lines read for its pages (an old month holds tens of
        thousands)."""
        self.__dict__.pop("archived", None)
        self.parsed = {}
        for day in self.days.values():
            day.__dict__.pop("lines", None)
            day.__dict__.pop("live", None)


class ParseCache:
    """What the pages need of each month file without its lines (each local
    day's story keys, line numbers and the SHA-1 of its lines), by the file's month, the
    SHA-1 of its bytes and the site's zone (a line's day depends on the
    month it is filed in and on the zone), kept from earlier builds (in
    CACHE_PATH with incremental builds): an hourly build parses only the
    months that changed, however many the archive holds, and reads no
    month's lines unless it renders its pages.

    The month a sync appends to changes every hour, and by its end holds
    some 20,000 lines: the entries of the newest months are kept too, a
    file each (LINES_NAME), so that a file that only grew is parsed from
    where it ended, into the days a whole parse would make. A file's SHA-1
    is remembered with what the file system says of it (file_stamps.py):
    a month file found as it was is not read at all. (A fresh checkout, as
    the GitHub workflow's, gives every file new times: each is read.)"""

    def __init__(self, settings, zone: tzinfo):
        self.zone = zone
        folder = Path(settings.get("CACHE_PATH") or "cache")
        self.path = folder / CACHE_NAME if incremental_on(settings) else None
        self.old: dict[str, dict] = {}
        self.new: dict[str, dict] = {}
        self.parsed: dict[str, list[archive.Entry]] = {}  # files read in this build, by month
        self.digests: dict[str, str] = {}  # every file's SHA-1 in this build, by month
        self._new_lines: dict[str, tuple] = {}  # (SHA-1, size, entries) of the files parsed in this build
        self.load = self.path is not None and settings.get("LOAD_CONTENT_CACHE", True)  # not with --ignore-cache
        if self.load:
            # Anything unreadable is an empty cache: every month is parsed.
            old = load_pickle(self.path)
            self.old = old if isinstance(old, dict) else {}
        self._read: dict[str, bytes] = {}  # bytes read to hash a file, for its parse
        self.stamps = FileStamps(folder / STAMPS_NAME, "sha1", self._read_and_hash, self.load) if self.path else None

    def _read_and_hash(self, filename: str) -> str:
        data = Path(filename).read_bytes()
        self._read[filename] = data
        return hashlib.sha1(data).hexdigest()

    def days(self, name: str, path: Path) -> tuple[str, dict[str, tuple[str, tuple, tuple]]]:
        """The file's SHA-1, and for each local day ("2026-11-26") its
        lines' SHA-1, story keys and line numbers."""
        filename = str(path)
        digest = self.stamps.stamp(filename) if self.stamps is not None else self._read_and_hash(filename)
        data = self._read.pop(filename, None)  # None: its SHA-1 was remembered
        key = f"{name} {digest} {self.zone}"
        if not _well_formed(self.old.get(key)):
            if data is None:
                # Its days were not kept (a lost cache): hashed again, from
                # the bytes to parse, whatever the remembered SHA-1 said.
                fresh = self._read_and_hash(filename)
                data = self._read.pop(filename)
                if fresh != digest and self.stamps is not None:
                    self.stamps.forget(filename)
                digest, key = fresh, f"{name} {fresh} {self.zone}"
            if not _well_formed(self.old.get(key)):
                # What was hashed is what was parsed: a file saved meanwhile is
                # parsed again by the next build.
                self.old[key] = self._parse(name, path, data, digest)
        self.digests[name] = digest
        self.new[key] = self.old[key]
        return digest, self.new[key]

    def _parse(self, name: str, path: Path, data: bytes, digest: str) -> dict[str, tuple[str, tuple, tuple]]:
        known, days, start = self._grown_from(name, data)
        parsed = archive.read_month_lines(path, data=data, start=start)
        grouped = {day: (list(keys), list(numbers)) for day, (_, keys, numbers) in days.items()}
        texts = {number: line for number, _, line in parsed}
        touched = set()
        for number, entry, _ in parsed:
            month, day = local_day(entry.date, name, self.zone, f"{path}:{number}")
            local = f"{month}-{day:02d}"
            keys, numbers = grouped.setdefault(local, ([], []))
            keys.append(story_key(entry.slug, entry.link))
            numbers.append(number)
            touched.add(local)
        # A day that gained lines is hashed again, with the lines it had.
        before = archive.read_text(data[:start]).split("\n") if start and touched else []
        for local in touched:
            keys, numbers = grouped[local]
            days[local] = (_sha1(texts[n] if n in texts else before[n - 1] for n in numbers), tuple(keys),
                           tuple(numbers))
        entries = known + [entry for _, entry, _ in parsed]
        self.parsed[name] = entries
        self._new_lines[name] = (digest, len(data), entries)
        return days

    def _grown_from(self, name: str, data: bytes) -> tuple[list, dict, int]:
        """When the file is a file of an earlier build with lines appended
        (as a sync leaves it), that file's entries and days and its size;
        else nothing known, to parse from its first byte."""
        record = load_pickle(self._lines_path(name)) if self.load else None
        if not (isinstance(record, tuple) and len(record) == 3):
            return [], {}, 0
        digest, size, rows = record
        days = self.old.get(f"{name} {digest} {self.zone}")
        if not (isinstance(size, int) and 0 < size < len(data) and data[size - 1:size] == b"\n"
                and _well_formed(days) and isinstance(rows, list)
                and hashlib.sha1(memoryview(data)[:size]).hexdigest() == digest):
            return [], {}, 0
        # Rows as save() writes them (a cache of another version of Entry is not).
        width = len(dataclasses.fields(archive.Entry))
        if not all(type(row) is tuple and len(row) == width and isinstance(row[1], datetime) for row in rows):
            return [], {}, 0
        return [archive.Entry(*row) for row in rows], dict(days), size

    def _lines_path(self, name: str) -> Path:
        return self.path.with_name(LINES_NAME.format(month=name))

    def save(self) -> None:
        if self.path is None:
            return
        failed = save_pickle(self.path, self.new)
        self.stamps.save()
        # The entries of the newest months (the ones a sync appends to), as
        # this build parsed them; a month's file it found unchanged keeps its own.
        newest = sorted(self.digests)[-KEEP_LINES:]
        for name in newest if not failed else ():
            if name in self._new_lines:
                digest, size, entries = self._new_lines[name]
                # An entry as its fields in order, as archive.Entry(*row) takes them back.
                failed = save_pickle(self._lines_path(name), (digest, size, [tuple(vars(e).values()) for e in entries]))
                if failed:
                    break
        if failed:
            # The next build parses every month: slower, never wrong.
            logger.warning("pelican-gnews: cannot save the archive cache in %s (%s)", self.path.parent, failed)
            newest = []
            with contextlib.suppress(OSError):
                self.path.unlink()
        for path in self.path.parent.glob(LINES_NAME.format(month="*")):
            if path.name not in {LINES_NAME.format(month=name) for name in newest}:
                with contextlib.suppress(OSError):
                    path.unlink()


def _well_formed(days) -> bool:
    """Whether a cache entry is what ParseCache.days makes (a cache file
    from another version, or edited, is parsed again)."""
    return isinstance(days, dict) and all(
        isinstance(n, str) and _DAY.fullmatch(n) and isinstance(v, tuple) and len(v) == 3 and isinstance(v[0], str)
        and isinstance(v[1], tuple) and isinstance(v[2], tuple) for n, v in days.items())


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def in_zone(when: datetime, zone: tzinfo) -> datetime:
    """`when` in the site's zone; a time the calendar cannot hold there
    (year 1 west of Greenwich, 9999 east of it) stays in UTC."""
    utc = archive.in_utc(when)
    try:
        return utc.astimezone(zone)
    except (OverflowError, ValueError):
        return utc


def month_day(when: datetime, zone: tzinfo) -> tuple[str, int]:
    """The site's month ("2026-11") and day of the month a time is on."""
    local = in_zone(when, zone)
    return f"{local.year:04d}-{local.month:02d}", local.day


def local_day(date: datetime, month: str, zone: tzinfo, where=None) -> tuple[str, int]:
    """The site's month and day a story's line is on, filed in the month
    file of `month` (its UTC month). A line an editor moved into another
    month's file is shown on that month's first day."""
    utc = archive.in_utc(date)
    if archive.month_of(utc) == month:
        return month_day(utc, zone)
    if where is not None:
        logger.warning("%s: a line dated %s is in the file of %s; shown on its first day", where,
                       utc.date().isoformat(), month)
    return month, 1


def site_zone(settings) -> tzinfo:
    """The site's TIMEZONE, the zone its pages print times in (UTC, with a
    warning, when it names no zone)."""
    return zone_named(settings.get("TIMEZONE") or "UTC")


def story_key(slug: str, link: str) -> str:
    """What tells an archived story back on the site (restored by an
    editor) from a new story that took its slug once it was archived: the
    slug and the link together."""
    return f"{slug} {hashlib.sha1(link.encode('utf-8', 'replace')).hexdigest()[:12]}"


def story_url(settings, entry: archive.Entry) -> str:
    """The address an archived story's page had (ARTICLE_URL with its slug)."""
    pattern = settings.get("ARTICLE_URL", "{slug}.html")
    try:
        return pattern.format(slug=entry.slug, date=entry.date, lang=entry.language or settings.get("DEFAULT_LANG"))
    except (KeyError, IndexError, ValueError, AttributeError):
        return f"{entry.slug}.html"


def _place(settings, name: str, zone: tzinfo) -> Month:
    year, month = name.split("-")
    url = setting(settings, "GNEWS_ARCHIVE_MONTH_URL").format(year=year, month=month)
    save_as = setting(settings, "GNEWS_ARCHIVE_MONTH_SAVE_AS").format(year=year, month=month)
    folder = save_as.rsplit("/", 1)[0] + "/" if "/" in save_as else ""
    return Month(name, url, save_as, f"{folder}urls.txt", zone, settings=settings)


def _sha1(parts) -> str:
    """The SHA-1 of lines of text."""
    return hashlib.sha1("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def collect_months(articles, settings) -> list[Month]:
    """Every month with its days and stories, newest month first."""
    months: dict[str, Month] = {}
    try:
        folder = from_pelican(settings).archive_dir
    except SettingsError:
        folder = None
    live = {story_key(a.slug, getattr(a, "link", "") or "") for a in articles}
    zone = site_zone(settings)
    cache = ParseCache(settings, zone)
    for name, path in archive.month_files(folder).items() if folder else ():
        _, days = cache.days(name, path)
        if not days:  # a file with no line the pages can show still has its month
            months.setdefault(name, _place(settings, name, zone))
        for local, (digest, keys, numbers) in sorted(days.items()):
            month = months.setdefault(local[:7], _place(settings, local[:7], zone))
            month.files[name] = path
            month.numbers.setdefault(name, set()).update(numbers)
            if name in cache.parsed:
                month.parsed[name] = cache.parsed[name]
            day = month.day(int(local[8:]))
            day.archived_keys += keys
            # A day with lines in two files (its UTC days are in two months).
            day.digest = _sha1([day.digest, digest]) if day.digest else digest
    cache.save()
    for month in months.values():
        month.back_keys = frozenset(live.intersection(key for day in month.days.values() for key in day.archived_keys))
        month.digest = _sha1(f"{n} {month.days[n].digest}" for n in sorted(month.days))
    for article in articles:
        name, number = month_day(article.date, zone)
        month = months.setdefault(name, _place(settings, name, zone))
        month.day(number).stories.append(article)
    ordered = [months[name] for name in sorted(months, reverse=True)]
    days = [day for month in ordered for day in month.day_list()]
    for newer, older in zip([None, *days], days + [None]):
        if newer is not None:
            newer.older = older
        if older is not None:
            older.newer = newer
    return ordered


class ArchiveGenerator(Generator):
    """Writes a page per day and per month, and the 404 page's lookup files."""

    def generate_context(self):
        self.months = collect_months(self.context.get("articles", []), self.settings)
        self.context["archive_months"] = self.months
        self.context["ARCHIVE_MONTHS_JSON"] = MONTHS_JSON if self.months else ""

    def generate_output(self, writer):
        if not self.months:
            return
        try:
            month_template, day_template = self.get_template("archive_month"), self.get_template("archive_day")
        except PelicanTemplateNotFound as exc:
            logger.warning("pelican-gnews: the theme has no archive page templates (%s); no archive pages", exc)
            return
        relative = self.settings.get("RELATIVE_URLS")
        for month in self.months:
            for day in month.day_list():
                writer.write_file(day.save_as, day_template, self.context, day=day, url=day.url,
                                  relative_urls=relative, template_name="archive_day")
            writer.write_file(month.save_as, month_template, self.context, month=month, url=month.url,
                              relative_urls=relative, template_name="archive_month")
            # Archived stories only: a story with a page is not looked up.
            # What it holds changes with the month's file and the stories
            # back on the site (and the settings, as every page does).
            write_data(writer, self.context, month.urls_save_as, [month.digest, sorted(month.back_keys)],
                       lambda month=month: "".join(
                           _lookup_line(story_url(self.settings, e), number, e.slug)
                           for number, e in sorted(((n, e) for n, day in month.archived.items() for e in day),
                                                   key=lambda pair: (pair[1].date, pair[1].slug), reverse=True)))
            month.release()
        write_data(writer, self.context, MONTHS_JSON, None, lambda: json.dumps(
            [{"month": m.name, "url": m.url, "urls": m.urls_save_as, "days": m.day_url_pattern} for m in self.months]))


def _lookup_line(address: str, day: int, anchor: str) -> str:
    """`address<TAB>day<TAB>anchor`, without the anchor when it is the
    address's name without `.html` (the usual case: half the bytes)."""
    return f"{address}\t{day:02d}\n" if address == f"{anchor}.html" else f"{address}\t{day:02d}\t{anchor}\n"
