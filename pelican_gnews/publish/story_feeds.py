"""A feed per story (Atom, and a JSON Feed beside it): follow one story.

Each entry is one outlet of the story's coverage, as it joined, newest
first: its headline and outlet as the title, its article as the link, the
time the sync saw it join as `updated` (ranking.timeline, from the sync
state; an outlet the story had when first seen carries that time, and a
story the state does not know, written by hand, its own date). Headlines,
outlets and links only: no text of an article, no snippet, no image.

An entry's id is the story's address and a hash of its outlet and link, so
a feed reader that reads the feed every hour sees each outlet once.

When a story retires to the archive (ingest/retention.py), its feed becomes
one entry saying so, linking its line on the archive's day page; that feed
is kept for GNEWS_RETENTION_DAYS after the story left the pages (counted
from its date plus the window, on the site's newest story's clock, so every
build of the same content writes the same files), then removed as any file
a build no longer makes.

Written when FEED_ALL_ATOM is set, as the other feeds are, to
GNEWS_STORY_FEED_ATOM ("" switches them off); kept by incremental builds
when what they show is unchanged (data_files.write_data).
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta, timezone

from feedgenerator import Atom1Feed
from pelican.generators import Generator

from ..ingest import archive
from ..settings import SettingsError, from_pelican, setting
from . import jsonfeed, localisation
from .archive_pages import month_day, site_zone, story_url
from .data_files import write_data
from .render import story_language

_DATE = re.compile(r'"date": "([^"]{10,40})"')


def feed_paths(settings, slug: str) -> tuple[str, str]:
    """A story's Atom and JSON Feed paths ("" when off)."""
    pattern = setting(settings, "GNEWS_STORY_FEED_ATOM")
    if not pattern or not settings.get("FEED_ALL_ATOM"):
        return "", ""
    atom = pattern.format(slug=slug)
    return atom, jsonfeed.path_for(atom) if setting(settings, "GNEWS_JSON_FEEDS") else ""


def absolute(settings, url: str) -> str:
    site = str(settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
    return f"{site}/{url}" if site else url


def _utc(when: datetime) -> datetime:
    return archive.in_utc(when)


def entry_id(story_url: str, outlet: str, link: str) -> str:
    digest = hashlib.sha1(f"{outlet}\n{link}".encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{story_url}#outlet-{digest}"


def coverage_entries(article, settings) -> list[dict]:
    """The story's outlets as feed entries, newest first (as they joined;
    among those of one moment, in the file's order)."""
    facts = getattr(article, "facts", None)
    start = facts.first_seen if facts else article.date
    story_url = absolute(settings, article.url)
    rows = []
    for entry, when in getattr(article, "timeline", None) or [({"outlet": getattr(article, "outlet", ""),
                                                                 "headline": getattr(article, "headline", "")
                                                                 or str(article.title),
                                                                 "link": getattr(article, "link", "")}, None)]:
        outlet, headline = entry.get("outlet") or "", entry.get("headline") or ""
        link = entry.get("link") or ""
        title = f"{headline} — {outlet}" if headline and outlet else headline or outlet
        if not title:
            continue
        rows.append({"id": entry_id(story_url, outlet, link), "title": title, "link": link or story_url,
                     "updated": _utc(when or start).isoformat(timespec="seconds")})
    rows.sort(key=lambda row: row["updated"], reverse=True)  # stable: ties keep the file's order
    return rows


def _feed(shown: dict) -> Atom1Feed:
    feed = Atom1Feed(title=shown["title"], link=shown["home"], description="", feed_url=shown["atom_url"],
                     language=shown["language"], feed_guid=shown["atom_url"])
    for row in shown["entries"]:
        when = datetime.fromisoformat(row["updated"])
        feed.add_item(title=row["title"], link=row["link"], description=None, content=row.get("content"),
                      unique_id=row["id"], pubdate=when, updateddate=when)
    return feed


def _text(feed: Atom1Feed, shown: dict, kind: str) -> str:
    if kind == "json":
        return jsonfeed.document(feed, shown["json_url"], shown["language"])
    out = io.StringIO()
    feed.write(out, "utf-8")  # Pelican's XML writer: every value escaped
    return out.getvalue()


def feed_document(shown: dict, kind: str) -> str:
    """The Atom or JSON Feed text of `shown` (title, home, language, urls, entries)."""
    return _text(_feed(shown), shown, kind)


def write_feeds(writer, context, atom: str, json_path: str, shown, made_of) -> None:
    """A story's Atom and JSON feeds. `shown` makes what they show (title,
    home, language, entries), called only when one is written; `made_of`
    is what that is made of, the feeds' fingerprint (cheaper than making
    them: most are kept from the last build)."""
    settings = writer.settings
    urls = {"atom_url": absolute(settings, atom), "json_url": absolute(settings, json_path)}
    made: dict = {}  # what they show and one feed object for both texts

    def text(kind: str) -> str:
        if not made:
            made["shown"] = {**shown(), **urls}
            made["feed"] = _feed(made["shown"])
        return _text(made["feed"], made["shown"], kind)

    fingerprinted = (made_of, urls)
    write_data(writer, context, atom, fingerprinted, lambda: text("atom"))
    if json_path:
        write_data(writer, context, json_path, fingerprinted, lambda: text("json"))


def retired_entries(articles, settings) -> list[archive.Entry]:
    """Archived stories whose feed is kept: those that left the pages less
    than GNEWS_RETENTION_DAYS ago (their date plus the window, on the clock
    of the site's newest story), whose slug no story of the site has now."""
    days = float(setting(settings, "GNEWS_RETENTION_DAYS"))
    if days <= 0 or not articles:
        return []
    try:
        folder = from_pelican(settings).archive_dir
    except SettingsError:
        return []
    newest = max(_utc(a.date) for a in articles)
    since = newest - timedelta(days=2 * days)
    live = {a.slug for a in articles}  # a story back on the site, or a new one with its address
    until = newest - timedelta(days=days)
    found = []
    for month, path in archive.month_files(folder).items() if folder else ():
        if month < archive.month_of(since):
            continue
        try:
            text = archive.read_text(path.read_bytes())
        except OSError:
            continue  # the archive's pages say so
        for number, line in enumerate(text.split("\n"), 1):
            # A month holds tens of thousands of lines, a few of them in the
            # window: only those are parsed (their date read first).
            when = _DATE.search(line)
            try:
                if not when or not since <= _utc(datetime.fromisoformat(when.group(1))) < until:
                    continue
            except ValueError:
                continue
            entry = archive.parse_line(line, f"{path}:{number}", warn=False)
            if entry is not None and since <= _utc(entry.date) < until and entry.slug and entry.slug not in live:
                found.append(entry)
    found.sort(key=lambda e: (e.slug, e.date))
    unique = {e.slug: e for e in found}  # one feed per address: the newest line of a slug
    return list(unique.values())


def place_feeds(generators) -> None:
    """Each story's feed paths, for its page's links and the feeds, once
    its slug is final (outputs.keep_pages_apart may have moved it)."""
    for generator in generators:
        if isinstance(generator, StoryFeedsGenerator):
            for article in generator.context.get("articles", []):
                article.story_feed, article.story_json_feed = feed_paths(generator.settings, article.slug)


class StoryFeedsGenerator(Generator):
    """Gives each story its feeds' paths (for its page's links) and writes them."""

    def generate_context(self):
        articles = self.context.get("articles", [])
        for article in articles:
            article.story_feed, article.story_json_feed = "", ""  # placed once slugs are final (place_feeds)
        on = bool(feed_paths(self.settings, "x")[0])
        self.retired = retired_entries(articles, self.settings) if on else []

    def generate_output(self, writer):
        settings = self.settings
        site = str(settings.get("SITENAME", ""))
        default = str(settings.get("DEFAULT_LANG") or "en")
        # A story's feed shows the story alone: its fingerprint as a card
        # (its file, addresses, state facts and joins) says whether the
        # feed changed, without making its entries.
        fingerprint = getattr(writer, "story_fingerprint", None)
        for article in self.context.get("articles", []):
            if not article.story_feed:
                continue

            def shown(article=article) -> dict:
                headline = getattr(article, "headline", "") or str(article.title)
                return {"title": f"{site} — {headline}", "home": absolute(settings, article.url),
                        "language": story_language(getattr(article, "metadata", {})) or default,
                        "entries": coverage_entries(article, settings)}

            made_of = ("story", fingerprint(self.context, article) if fingerprint is not None else None)
            write_feeds(writer, self.context, article.story_feed, article.story_json_feed, shown, made_of)
        if not self.retired:
            return
        words = localisation.translations(localisation.catalog_for(default))
        zone = site_zone(settings)
        days = float(setting(settings, "GNEWS_RETENTION_DAYS"))
        day_pattern = setting(settings, "GNEWS_ARCHIVE_DAY_URL")

        def retired_shown(entry: archive.Entry) -> dict:
            month, number = month_day(entry.date, zone)
            year, month_number = month.split("-")
            day_url = day_pattern.format(year=year, month=month_number, day=f"{number:02d}")
            address = absolute(settings, story_url(settings, entry))
            left = _utc(entry.date) + timedelta(days=days)
            return {"title": f"{site} — {entry.headline}", "home": absolute(settings, day_url),
                    "language": entry.language or default,
                    "entries": [{"id": f"{address}#archived",
                                 "title": words.gettext("%(headline)s: moved to the archive")
                                 % {"headline": entry.headline},
                                 "link": f"{absolute(settings, day_url)}#{entry.slug}",
                                 "updated": left.astimezone(timezone.utc).isoformat(timespec="seconds")}]}

        for entry in self.retired:
            atom, json_path = feed_paths(settings, entry.slug)
            # What its feed is made of: the archive line's own values (the
            # settings and the site's zone are in every fingerprint).
            made_of = ("retired", entry.slug, entry.headline, entry.language, entry.date.isoformat())
            write_feeds(writer, self.context, atom, json_path, lambda entry=entry: retired_shown(entry), made_of)

