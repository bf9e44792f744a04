"""The archive on the site: one compact page per month, and the lookup the
404 page uses to send an old story's address to its line.

Each month page lists every story of that month, one line each (headline,
outlet, number of sources): the stories that still have a page link to it,
the archived ones (archive.py) to the publisher's article. archives.html
lists the months. For the 404 page, each month also gets a small text file
of the story addresses it holds (`urls.txt`: address, tab, anchor) and the
site one list of its months (`archive/months.json`): GitHub Pages has no
redirects, so the 404 page's script looks an unknown address up there and
links to its line.

Month files are parsed only when their bytes change (a cache keyed by their
SHA-1), so a site's hourly build does not grow with the archive's age.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path

from pelican.generators import Generator, PelicanTemplateNotFound

from ..ingest import archive
from ..settings import SettingsError, from_pelican, setting
from .writer import incremental_on

logger = logging.getLogger(__name__)

MONTHS_JSON = "archive/months.json"
CACHE_NAME = "gnews-archive.pickle"


@dataclass
class Line:
    """One story on a month page."""

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
class Month:
    name: str  # "2026-11"
    url: str
    save_as: str
    urls_save_as: str
    digest: str = ""  # SHA-1 of its archive file: what its archived lines are
    path: Path | None = None  # the archive file
    archived_count: int = 0
    live: list[Line] = field(default_factory=list)  # stories that have a page
    live_slugs: frozenset = frozenset()
    settings: dict = field(default_factory=dict, repr=False)

    @property
    def date(self) -> datetime:
        return datetime.strptime(self.name, "%Y-%m").replace(tzinfo=timezone.utc)

    @property
    def count(self) -> int:
        return self.archived_count + len(self.live)

    @cached_property
    def archived(self) -> list[archive.Entry]:
        """Its archived stories, read from its file only for a page being
        rendered; a story back on the site (restored by an editor) is its
        page's line instead."""
        entries = archive.read_month(self.path) if self.path else []
        return [e for e in entries if e.slug not in self.live_slugs]

    @cached_property
    def lines(self) -> list[Line]:
        """Every line, newest first; made only for a page being rendered
        (an old month holds tens of thousands)."""
        lines = [Line(e.date, e.headline, e.outlet, e.link, e.sources, e.slug, story_url(self.settings, e), False,
                      e.language) for e in self.archived] + self.live
        lines.sort(key=lambda line: (line.date, line.anchor), reverse=True)
        return lines

    def days(self) -> list[tuple[datetime, list[Line]]]:
        """The lines by day, newest first."""
        out: dict = {}
        for line in self.lines:
            out.setdefault(line.date.date(), []).append(line)
        return [(lines[0].date, lines) for _, lines in sorted(out.items(), reverse=True)]


class ParseCache:
    """The slugs of each month file, by the SHA-1 of its bytes, kept from
    earlier builds (in CACHE_PATH with incremental builds): an hourly build
    parses only the months that changed, however many the archive holds,
    and holds no month's lines unless it renders its page."""

    def __init__(self, settings):
        self.path = Path(settings.get("CACHE_PATH") or "cache") / CACHE_NAME if incremental_on(settings) else None
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        if self.path is not None:
            with contextlib.suppress(OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
                with open(self.path, "rb") as handle:
                    self.old = pickle.load(handle)

    def slugs(self, path) -> tuple[str, list[str]]:
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        if digest not in self.old:
            self.old[digest] = [e.slug for e in archive.read_month(path)]
        self.new[digest] = self.old[digest]
        return digest, self.new[digest]

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(self.new, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


def story_url(settings, entry: archive.Entry) -> str:
    """The address an archived story's page had (ARTICLE_URL with its slug)."""
    pattern = settings.get("ARTICLE_URL", "{slug}.html")
    try:
        return pattern.format(slug=entry.slug, date=entry.date, lang=entry.language or settings.get("DEFAULT_LANG"))
    except (KeyError, IndexError, ValueError, AttributeError):
        return f"{entry.slug}.html"


def _place(settings, name: str) -> Month:
    year, month = name.split("-")
    url = setting(settings, "GNEWS_ARCHIVE_MONTH_URL").format(year=year, month=month)
    save_as = setting(settings, "GNEWS_ARCHIVE_MONTH_SAVE_AS").format(year=year, month=month)
    folder = save_as.rsplit("/", 1)[0] + "/" if "/" in save_as else ""
    return Month(name, url, save_as, f"{folder}urls.txt", settings=settings)


def collect_months(articles, settings) -> list[Month]:
    """Every month with its stories, newest month first."""
    months: dict[str, Month] = {}
    try:
        folder = from_pelican(settings).archive_dir
    except SettingsError:
        folder = None
    live = {a.slug for a in articles}
    cache = ParseCache(settings)
    for name, path in archive.month_files(folder).items() if folder else ():
        month = months.setdefault(name, _place(settings, name))
        month.digest, slugs = cache.slugs(path)
        month.path, month.live_slugs = path, frozenset(live.intersection(slugs))
        month.archived_count = sum(1 for slug in slugs if slug not in month.live_slugs)
    cache.save()
    for article in articles:
        name = archive.month_of(article.date)
        month = months.setdefault(name, _place(settings, name))
        month.live.append(Line(article.date, getattr(article, "headline", "") or str(article.title),
                               getattr(article, "outlet", ""), article.url, getattr(article, "sources_count", 0),
                               article.slug, article.url, True, getattr(article, "foreign_lang", "")))
    return [months[name] for name in sorted(months, reverse=True)]


class ArchiveGenerator(Generator):
    """Writes a page per month and the 404 page's lookup files."""

    def generate_context(self):
        self.months = collect_months(self.context.get("articles", []), self.settings)
        self.context["archive_months"] = self.months
        self.context["ARCHIVE_MONTHS_JSON"] = MONTHS_JSON if self.months else ""

    def generate_output(self, writer):
        if not self.months:
            return
        try:
            template = self.get_template("archive_month")
        except PelicanTemplateNotFound:
            logger.warning("pelican-gnews: the theme has no archive_month.html; no monthly archive pages")
            return
        for month in self.months:
            rendered = writer.write_file(month.save_as, template, self.context, month=month, url=month.url,
                                         relative_urls=self.settings.get("RELATIVE_URLS"),
                                         template_name="archive_month")
            if rendered is not False or not (Path(self.output_path) / month.urls_save_as).exists():
                # Archived stories only: a story with a page is not looked up.
                lines = "".join(_lookup_line(story_url(self.settings, e), e.slug)
                                for e in sorted(month.archived, key=lambda e: (e.date, e.slug), reverse=True))
                write_text(self.output_path, month.urls_save_as, lines)
            getattr(writer, "note", lambda path: None)(month.urls_save_as)
        write_text(self.output_path, MONTHS_JSON, json.dumps(
            [{"month": m.name, "url": m.url, "urls": m.urls_save_as} for m in self.months]))
        getattr(writer, "note", lambda path: None)(MONTHS_JSON)


def _lookup_line(address: str, anchor: str) -> str:
    """`address<TAB>anchor`, or the address alone when the anchor is its
    name without `.html` (the usual case: half the bytes)."""
    return f"{address}\n" if address == f"{anchor}.html" else f"{address}\t{anchor}\n"


def write_text(output_path: str, save_as: str, text: str) -> None:
    """Write a data file of the site, leaving it untouched if unchanged."""
    path = Path(output_path) / save_as
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
