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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pelican.generators import Generator, PelicanTemplateNotFound

from . import archive
from .settings import DEFAULTS, SettingsError, from_pelican

logger = logging.getLogger(__name__)

MONTHS_JSON = "archive/months.json"


def _setting(settings, key):
    return settings.get(key, DEFAULTS[key])


@dataclass
class Line:
    """One story on a month page."""

    date: datetime
    headline: str
    outlet: str
    href: str  # the story's page (relative to the site) or the publisher's article
    sources: int
    anchor: str
    old_url: str  # the address its story page had
    internal: bool  # href is a page of this site
    language: str = ""


@dataclass
class Month:
    name: str  # "2026-11"
    url: str
    save_as: str
    urls_save_as: str
    lines: list[Line] = field(default_factory=list)

    @property
    def date(self) -> datetime:
        return datetime.strptime(self.name, "%Y-%m").replace(tzinfo=timezone.utc)

    @property
    def count(self) -> int:
        return len(self.lines)

    def days(self) -> list[tuple[datetime, list[Line]]]:
        """The lines by day, newest first."""
        out: dict = {}
        for line in self.lines:
            out.setdefault(line.date.date(), []).append(line)
        return [(lines[0].date, lines) for _, lines in sorted(out.items(), reverse=True)]


_cache: dict[str, list[archive.Entry]] = {}


def _entries(path) -> list[archive.Entry]:
    """A month file's entries, parsed again only when its bytes change."""
    data = path.read_bytes()
    key = hashlib.sha1(data).hexdigest()
    if key not in _cache:
        _cache[key] = archive.read_month(path)
    return _cache[key]


def story_url(settings, entry: archive.Entry) -> str:
    """The address an archived story's page had (ARTICLE_URL with its slug)."""
    pattern = settings.get("ARTICLE_URL", "{slug}.html")
    try:
        return pattern.format(slug=entry.slug, date=entry.date, lang=entry.language or settings.get("DEFAULT_LANG"))
    except (KeyError, IndexError, ValueError, AttributeError):
        return f"{entry.slug}.html"


def _place(settings, name: str) -> Month:
    year, month = name.split("-")
    url = _setting(settings, "GNEWS_ARCHIVE_MONTH_URL").format(year=year, month=month)
    save_as = _setting(settings, "GNEWS_ARCHIVE_MONTH_SAVE_AS").format(year=year, month=month)
    folder = save_as.rsplit("/", 1)[0] + "/" if "/" in save_as else ""
    return Month(name, url, save_as, f"{folder}urls.txt")


def collect_months(articles, settings) -> list[Month]:
    """Every month with its lines, newest month first."""
    months: dict[str, Month] = {}
    try:
        folder = from_pelican(settings).archive_dir
    except SettingsError:
        folder = None
    live = {a.slug for a in articles}
    for name, path in archive.month_files(folder).items() if folder else ():
        month = months.setdefault(name, _place(settings, name))
        for entry in _entries(path):
            if entry.slug in live:
                continue  # back on the site (restored by an editor): its page is the line
            month.lines.append(Line(entry.date, entry.headline, entry.outlet, entry.link, entry.sources,
                                    entry.slug, story_url(settings, entry), False, entry.language))
    for article in articles:
        name = archive.month_of(article.date)
        month = months.setdefault(name, _place(settings, name))
        month.lines.append(Line(article.date, getattr(article, "headline", "") or str(article.title),
                                getattr(article, "outlet", ""), article.url,
                                getattr(article, "sources_count", 0), article.slug, article.url, True,
                                getattr(article, "foreign_lang", "")))
    for month in months.values():
        month.lines.sort(key=lambda line: (line.date, line.anchor), reverse=True)
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
            writer.write_file(month.save_as, template, self.context, relative_urls=self.settings.get("RELATIVE_URLS"),
                              month=month, url=month.url, template_name="archive_month")
            # Archived stories only: a story with a page is not looked up.
            lines = "".join(f"{line.old_url}\t{line.anchor}\n" for line in month.lines if not line.internal)
            write_text(self.output_path, month.urls_save_as, lines)
            getattr(writer, "note", lambda path: None)(month.urls_save_as)
        write_text(self.output_path, MONTHS_JSON, json.dumps(
            [{"month": m.name, "url": m.url, "urls": m.urls_save_as} for m in self.months]))
        getattr(writer, "note", lambda path: None)(MONTHS_JSON)


def write_text(output_path: str, save_as: str, text: str) -> None:
    """Write a data file of the site, leaving it untouched if unchanged."""
    path = Path(output_path) / save_as
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
