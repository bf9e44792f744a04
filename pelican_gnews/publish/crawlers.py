"""What the site tells search engines: sitemap.xml and robots.txt.

**sitemap.xml** (the Sitemaps protocol, https://www.sitemaps.org/protocol.html)
lists every page of the site with the time its content last changed. The
writer (writer.py) tells it of every page it writes or keeps. A story's page
is dated by the story (`modified`, else `date`), a page of a list by the
newest story on it; other pages carry no date. Why not pelican-sitemap: it
dates every list page with the build's own time, so each hourly build would
claim every list page changed and a cold build would differ from an
incremental one, and it lists only the pages a build renders (an
incremental build keeps most). Written only with an absolute SITEURL (a
sitemap names pages by their full address, as Atom feeds do);
GNEWS_SITEMAP_SAVE_AS = "" switches it off.

**robots.txt** follows GNEWS_ROBOTS: "index" (the default) lets every crawler
in and names the sitemap; "noindex" asks every crawler to stay out, for a
personal site (Google News's feeds are licensed for personal use), and the
theme then also marks each page `noindex`: crawlers read robots.txt only at
a host's root, so a GitHub Pages project site (`user.github.io/repo/`) is
asked through its pages.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from pelican.generators import Generator

from ..settings import setting
from . import jsonfeed
from .data_files import write_data

logger = logging.getLogger(__name__)

ROBOTS_SAVE_AS = "robots.txt"
CHOICES = ("index", "noindex")

# The 404 page and the feed status page are not pages to index; drafts are not published.
SKIPPED_TEMPLATES = frozenset({"404", "status"})
MAX_URLS = 50_000  # the protocol's limit for one file


def _story_time(story) -> datetime | None:
    when = getattr(story, "modified", None) or getattr(story, "date", None)
    return when if isinstance(when, datetime) else None


class Sitemap:
    def __init__(self, settings):
        self.save_as = setting(settings, "GNEWS_SITEMAP_SAVE_AS")
        siteurl = str(settings.get("SITEURL") or "")
        self.siteurl = siteurl.rstrip("/") if siteurl.startswith(("https://", "http://")) else ""
        self.pages: dict[str, datetime | None] = {}
        # The site's whole list of stories and its newest time: every page
        # that is not a page of a list is given that list, and a scan of it
        # for each such page costs.
        self._whole: tuple | None = None
        # Each story's time, by the story's id (stories live as long as the
        # build): a story is on a page of each of its lists (its section,
        # tags, outlet), and its time is two attribute lookups.
        self._times: dict[int, datetime | None] = {}

    @property
    def on(self) -> bool:
        return bool(self.save_as and self.siteurl)

    def add(self, url: str, template_name, kwargs: dict) -> None:
        if not self.on or template_name in SKIPPED_TEMPLATES:
            return
        story = kwargs.get("article") or kwargs.get("page")
        if story is not None and str(getattr(story, "status", "published")) != "published":
            return
        self.pages[url] = self._lastmod(kwargs)

    def _lastmod(self, kwargs: dict) -> datetime | None:
        """When what a page shows last changed, if it says."""
        for key in ("article", "page"):
            if hasattr(kwargs.get(key), "source_path"):
                return _story_time(kwargs[key])
        # A page of a list: its stories; the front page (not paginated): all.
        page = kwargs.get("articles_page")
        if page is not None:
            return self._latest(getattr(page, "object_list", None) or ())
        stories = kwargs.get("articles") or ()
        if self._whole is None or self._whole[0] is not stories:
            self._whole = (stories, self._latest(stories))
        return self._whole[1]

    def _latest(self, stories) -> datetime | None:
        times = self._times
        found = []
        for story in stories:
            key = id(story)
            if key not in times:
                times[key] = _story_time(story)
            if times[key] is not None:
                found.append(times[key])
        return max(found) if found else None

    def document(self) -> str:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for url in sorted(self.pages)[:MAX_URLS]:
            when = self.pages[url]
            stamp = ""
            if when is not None:
                when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
                stamp = f"<lastmod>{when.astimezone(timezone.utc).isoformat(timespec='seconds')}</lastmod>"
            lines.append(f"<url><loc>{escape(self.siteurl + '/' + url.lstrip('/'))}</loc>{stamp}</url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"


def sitemap_url(settings) -> str:
    """The sitemap's address, when the site has one."""
    sitemap = Sitemap(settings)
    return f"{sitemap.siteurl}/{sitemap.save_as}" if sitemap.on else ""


def robots_txt(settings) -> str:
    choice = setting(settings, "GNEWS_ROBOTS")
    if choice not in CHOICES:
        logger.error("GNEWS_ROBOTS is %r; it must be one of %s. robots.txt asks crawlers to stay out.",
                     choice, ", ".join(map(repr, CHOICES)))
        choice = "noindex"
    if choice == "noindex":
        return "# A personal site: please do not crawl or index it.\nUser-agent: *\nDisallow: /\n"
    sitemap = sitemap_url(settings)
    return "User-agent: *\nAllow: /\n" + (f"\nSitemap: {sitemap}\n" if sitemap else "")


class RobotsGenerator(Generator):
    def generate_context(self):
        # The theme marks pages noindex from this, and links the JSON Feed
        # of all stories beside its Atom feed.
        self.context["GNEWS_ROBOTS"] = setting(self.settings, "GNEWS_ROBOTS")
        atom = self.settings.get("FEED_ALL_ATOM")
        self.context["GNEWS_JSON_FEED_ALL"] = jsonfeed.path_for(atom) if atom and setting(
            self.settings, "GNEWS_JSON_FEEDS") else ""

    def generate_output(self, writer):

        write_data(writer, self.context, ROBOTS_SAVE_AS, None, lambda: robots_txt(self.settings))
