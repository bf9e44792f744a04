"""The day in one page: a digest page per finished day, their index, and a
digest feed (Atom and JSON) with one entry per day.

Each day's list is the one the sync froze when the day ended
(digest_file.py, ingest/digest_freeze.py), so the page and its feed entry
are made only of that line, the settings and the theme: a story that gains
outlets, decays, retires or is deleted later changes neither. A headline
links to the story's address, which is its page while it has one and, once
it is archived, the 404 page's way to its archive line; the page links its
day in the archive too.

A day's page links the day before it (fixed when it was frozen, since days
are frozen in order) and the index of digests, not the day after: that
link would change a finished day's page when the next day ends. The index
lists the last INDEX_DAYS days, so it stays under the theme's page size;
older days are reached day by day.

Pages are kept by incremental builds when what they show is unchanged:
they are given plain values only (incremental.Fingerprints).
"""

from __future__ import annotations

import html
import logging
from datetime import date, datetime, time

from babel.dates import format_date
from pelican.generators import Generator, PelicanTemplateNotFound

from .. import digest_file
from ..settings import SettingsError, from_pelican, setting
from . import jsonfeed, localisation
from .archive_pages import site_zone, story_url
from .data_files import write_data
from .story_feeds import absolute, feed_document

logger = logging.getLogger(__name__)

INDEX_DAYS = 90


def _values(day: date) -> dict:
    return {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"}


def day_pages(settings) -> list[dict]:
    """Every frozen day as its page shows it, newest first."""
    try:
        folder = from_pelican(settings).archive_dir
    except SettingsError:
        return []
    days = sorted(digest_file.read_days(folder).values(), key=lambda d: d.day, reverse=True)
    pages = []
    for frozen in days:
        values = _values(frozen.day)
        pages.append({
            "day": frozen.day.isoformat(),
            "url": setting(settings, "GNEWS_DIGEST_URL").format(**values),
            "save_as": setting(settings, "GNEWS_DIGEST_SAVE_AS").format(**values),
            "archive_url": setting(settings, "GNEWS_ARCHIVE_DAY_URL").format(**values),
            "stories": [{"headline": p.headline, "outlet": p.outlet, "sources": p.sources, "slug": p.slug,
                         "url": story_url(settings, p), "language": p.language} for p in frozen.picks],
        })
    for newer, older in zip(pages, pages[1:]):
        newer["older"] = {"url": older["url"], "day": older["day"]}
    return pages


def calendar_day(iso: str) -> datetime:
    """A digest's day as the theme's date filters take it (a calendar day, no zone)."""
    return datetime.combine(date.fromisoformat(iso), time())


def entry_html(page: dict, settings, words, language: str) -> str:
    """A day's list as a feed entry shows it: headlines, outlets and their
    counts, links; every value escaped."""
    items = []
    for story in page["stories"]:
        count = words.ngettext("%(num)s source", "%(num)s sources", story["sources"]) % {"num": story["sources"]}
        outlet = f" — {html.escape(story['outlet'], quote=False)}" if story["outlet"] else ""
        items.append(f'<li><a href="{html.escape(absolute(settings, story["url"]))}">'
                     f"{html.escape(story['headline'], quote=False)}</a>{outlet} ({html.escape(count)})</li>")
    return f"<ol>{''.join(items)}</ol>"


def _follow_moves(pages: list[dict], live: dict) -> None:
    """A pick whose story is on the site links its page where the build
    put it: a story whose page would have been another page's file is
    published under another slug (outputs.keep_pages_apart)."""
    for page in pages:
        for story in page["stories"]:
            found = live.get(story["slug"])
            if found is not None:
                story["url"] = found.url


class DigestGenerator(Generator):
    """Writes a page per frozen day, the index of digests and the digest feed."""

    def generate_context(self):
        self.days_shown = day_pages(self.settings) if setting(self.settings, "GNEWS_DIGEST_SAVE_AS") else []
        # The stories on the site, by the slug a pick names (their addresses
        # are final only once every generator has its context).
        self.live = {story.slug: story for story in self.context.get("articles", [])}
        on = setting(self.settings, "GNEWS_DIGESTS_SAVE_AS")
        self.context["DIGESTS_URL"] = setting(self.settings, "GNEWS_DIGESTS_URL") if on else ""
        atom = setting(self.settings, "GNEWS_DIGEST_FEED_ATOM")
        self.feed = atom if atom and self.settings.get("FEED_ALL_ATOM") else ""
        self.json_feed = jsonfeed.path_for(self.feed) if self.feed and setting(
            self.settings, "GNEWS_JSON_FEEDS") else ""
        self.context["DIGEST_FEED"], self.context["DIGEST_JSON_FEED"] = self.feed, self.json_feed
        self.env.filters["calendar_day"] = calendar_day

    def generate_output(self, writer):
        relative = self.settings.get("RELATIVE_URLS")
        _follow_moves(self.days_shown, self.live)
        try:
            day_template, index_template = self.get_template("digest"), self.get_template("digests")
        except PelicanTemplateNotFound as exc:
            logger.warning("pelican-gnews: the theme has no digest templates (%s); no digest pages", exc)
            return
        for page in self.days_shown:
            writer.write_file(page["save_as"], day_template, self.context, digest=page, url=page["url"],
                              relative_urls=relative, template_name="digest")
        if self.context["DIGESTS_URL"]:
            shown = [{k: p[k] for k in ("day", "url")} | {"count": len(p["stories"])} for p in self.days_shown]
            writer.write_file(setting(self.settings, "GNEWS_DIGESTS_SAVE_AS"), index_template, self.context,
                              digests=shown[:INDEX_DAYS], url=self.context["DIGESTS_URL"], relative_urls=relative,
                              template_name="digests")
        if self.feed and self.days_shown:  # a feed of no entries would be dated by the clock
            self._write_feed(writer)

    def _write_feed(self, writer):
        settings = self.settings
        language = str(settings.get("DEFAULT_LANG") or "en")
        words = localisation.translations(localisation.catalog_for(language))
        locale = localisation.babel_locale(language)
        zone = site_zone(settings)
        days = self.days_shown[: int(setting(settings, "GNEWS_DIGEST_FEED_DAYS"))]
        home = self.context["DIGESTS_URL"] or (days[0]["url"] if days else "")
        shown = {"title": words.gettext("%(site)s: daily digest") % {"site": settings.get("SITENAME", "")},
                 "home": absolute(settings, home), "language": language,
                 "atom_url": absolute(settings, self.feed), "json_url": absolute(settings, self.json_feed),
                 "entries": [{
                     "id": absolute(settings, page["url"]), "link": absolute(settings, page["url"]),
                     "title": words.gettext("Digest: %(when)s") % {
                         "when": format_date(date.fromisoformat(page["day"]), "full", locale=locale)},
                     "updated": digest_file.day_end(date.fromisoformat(page["day"]), zone).isoformat(),
                     "content": entry_html(page, settings, words, language)} for page in days]}
        write_data(writer, self.context, self.feed, shown, lambda: feed_document(shown, "atom"))
        if self.json_feed:
            write_data(writer, self.context, self.json_feed, shown, lambda: feed_document(shown, "json"))

