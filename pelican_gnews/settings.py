"""The plugin's settings, with their defaults, read from Pelican's settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .ingest.fetch import Limits
from .ingest.identity import Rules
from .ingest.resolve import ResolveSettings

STATE_NAME = "gnews-state.json"

DEFAULTS = {
    "GNEWS_FEEDS": [],
    "GNEWS_CONTENT_DIR": "news",
    "GNEWS_MAX_TAGS": 5,
    # Slugs (ingest/romanize.py): romanized per script; True, or a list of
    # languages (["ja", "ar"]), keeps the headline's own script instead.
    "GNEWS_SLUG_UNICODE": False,
    "GNEWS_SYNC_ON_BUILD": True,
    "GNEWS_STATE_FILE": None,  # default: gnews-state.json beside PATH
    "GNEWS_TIMEOUT": 10,  # seconds without data before a read gives up
    "GNEWS_CONNECT_TIMEOUT": 10,
    "GNEWS_FEED_DEADLINE": 30,  # seconds for one feed, retries included
    "GNEWS_FETCH_WORKERS": 4,
    "GNEWS_RETRIES": 2,
    "GNEWS_BACKOFF": 1.0,
    "GNEWS_RETRY_AFTER_MAX": 30,
    "GNEWS_MAX_BYTES": 10 * 1024 * 1024,
    "GNEWS_LOCK_TIMEOUT": 120,
    # Story identity (ingest/identity.py): the join rules and their limits.
    "GNEWS_JOIN_ARTICLES": True,
    "GNEWS_JOIN_FULL_COVERAGE": True,
    # Hours within which an item with a story's headline and outlet (but a
    # new link token and guid) is taken for that story; 0: never.
    "GNEWS_IDENTITY_WINDOW": 12,
    "GNEWS_SIMILARITY": 0.25,  # average headline likeness that joins items (likeness.py); 0: never
    "GNEWS_SIMILARITY_CLOSE": 0.15,  # ...less for items published together, more for items far apart,
    "GNEWS_SIMILARITY_CLOSE_HOURS": 6,  # ...falling to nothing this many hours apart
    "GNEWS_SIMILARITY_WINDOW": 120,  # hours within which likeness or full coverage join
    # Static search (publish/search.py): a Pagefind index and search pages.
    "GNEWS_SEARCH": True,
    # Link resolution (ingest/resolve.py): off by default (Google's terms
    # and rate limits); GNEWS_RESOLVE_BASE is where Google's pages are.
    "GNEWS_RESOLVE_LINKS": False,
    "GNEWS_RESOLVE_BUDGET": 20,
    "GNEWS_RESOLVE_SPACING": 1.0,
    "GNEWS_RESOLVE_BATCH": 5,
    "GNEWS_RESOLVE_DEADLINE": 20,
    "GNEWS_RESOLVE_TIMEOUT": 5,
    "GNEWS_RESOLVE_BASE": "https://news.google.com",
    # Ranking (publish/ranking.py): the front page and "+N sources".
    "GNEWS_SCORE_OUTLETS": 0.1,
    "GNEWS_SCORE_HALF_LIFE": 12,
    "GNEWS_FRONT_PAGE_TOP": 12,
    "GNEWS_FRONT_PAGE_SECTION": 4,
    "GNEWS_DEVELOPING_HOURS": 6,
    # Retention (retention.py): stories older than this many days (before
    # the newest story) leave the site's pages for the monthly archive; 0
    # keeps every story page. Archive months older than GNEWS_ARCHIVE_MONTHS
    # before that are removed; 0 keeps them all.
    "GNEWS_RETENTION_DAYS": 7,
    "GNEWS_ARCHIVE_MONTHS": 12,
    "GNEWS_ARCHIVE_DIR": "archive",  # the month files, inside PATH
    "GNEWS_ARCHIVE_MONTH_URL": "archive/{year}/{month}/",
    "GNEWS_ARCHIVE_MONTH_SAVE_AS": "archive/{year}/{month}/index.html",
    "GNEWS_ARCHIVE_DAY_URL": "archive/{year}/{month}/{day}/",
    "GNEWS_ARCHIVE_DAY_SAVE_AS": "archive/{year}/{month}/{day}/index.html",
    # Outlet pages and feeds (render.py); an empty SAVE_AS switches them off.
    "GNEWS_OUTLET_URL": "outlet/{slug}.html",
    "GNEWS_OUTLET_SAVE_AS": "outlet/{slug}.html",
    "GNEWS_OUTLETS_URL": "outlets.html",
    "GNEWS_OUTLETS_SAVE_AS": "outlets.html",
    "GNEWS_OUTLET_FEED_ATOM": "feeds/outlet/{slug}.atom.xml",
    # A JSON Feed beside each Atom feed (jsonfeed.py).
    "GNEWS_JSON_FEEDS": True,
    # robots.txt (crawlers.py): "index" lets search engines in and names the
    # sitemap; "noindex" asks every crawler to stay out, for a personal site.
    "GNEWS_ROBOTS": "index",
    # sitemap.xml (crawlers.py), with an absolute SITEURL; "" switches it off.
    "GNEWS_SITEMAP_SAVE_AS": "sitemap.xml",
}


def setting(settings, key: str):
    """A GNEWS_* value from Pelican's settings, or its default."""
    return settings.get(key, DEFAULTS[key])


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class FeedSpec:
    """One entry of GNEWS_FEEDS: where to read it, and an optional section name."""

    url: str
    category: str = ""


@dataclass(frozen=True)
class GNewsSettings:
    path: Path  # Pelican's PATH
    content_dir: Path  # PATH / GNEWS_CONTENT_DIR
    feeds: tuple[FeedSpec, ...]
    max_tags: int
    sync_on_build: bool
    state_file: Path
    limits: Limits
    lock_timeout: float
    fetch_workers: int
    rules: Rules = Rules()
    resolve: ResolveSettings = ResolveSettings()
    retention_days: float = 7
    archive_months: int = 12
    archive_dir: Path | None = None
    slug_unicode: object = False

    @property
    def identity_window(self) -> timedelta:
        """How long after a story an item may still join it, by any rule."""
        return max(self.rules.title_window, self.rules.similar_window)

    @property
    def temp_dir(self) -> Path:
        """Where files are staged before they are renamed into place."""
        return self.state_file.parent / ".gnews-tmp"

    @property
    def lock_file(self) -> Path:
        return self.state_file.with_name(self.state_file.name + ".lock")


def feed_spec(entry) -> FeedSpec:
    if isinstance(entry, (str, os.PathLike)):
        return FeedSpec(str(entry))
    if isinstance(entry, dict) and entry.get("url"):
        return FeedSpec(str(entry["url"]), str(entry.get("category") or ""))
    raise SettingsError(
        f"GNEWS_FEEDS entry {entry!r} is neither a URL or path nor a dict with a 'url'"
    )


def from_pelican(settings: dict) -> GNewsSettings:
    """Read and check the GNEWS_* settings from a Pelican settings dict."""

    def get(key):
        return settings.get(key, DEFAULTS[key])

    path = Path(settings.get("PATH") or "content").resolve()
    content_dir = (path / str(get("GNEWS_CONTENT_DIR"))).resolve()
    if not content_dir.is_relative_to(path):
        raise SettingsError(f"GNEWS_CONTENT_DIR {get('GNEWS_CONTENT_DIR')!r} is outside PATH")
    archive_dir = (path / str(get("GNEWS_ARCHIVE_DIR"))).resolve()
    if not archive_dir.is_relative_to(path) or archive_dir == path:
        raise SettingsError(f"GNEWS_ARCHIVE_DIR {get('GNEWS_ARCHIVE_DIR')!r} must be a folder inside PATH")
    feeds = get("GNEWS_FEEDS")
    if isinstance(feeds, (str, dict)):
        feeds = [feeds]

    def number(key, kind=float):
        try:
            value = kind(get(key))
        except (TypeError, ValueError):
            raise SettingsError(f"{key} must be a number, not {get(key)!r}") from None
        if value < 0:
            raise SettingsError(f"{key} must not be negative")
        return value

    state_file = Path(get("GNEWS_STATE_FILE") or path.parent / STATE_NAME).expanduser().resolve()
    if state_file.is_relative_to(path):
        # Pelican reads everything under PATH, dotfiles included.
        raise SettingsError(f"GNEWS_STATE_FILE {state_file} must be outside PATH ({path})")
    limits = Limits(
        connect_timeout=number("GNEWS_CONNECT_TIMEOUT"),
        read_timeout=number("GNEWS_TIMEOUT"),
        deadline=number("GNEWS_FEED_DEADLINE"),
        max_bytes=number("GNEWS_MAX_BYTES", int),
        retries=number("GNEWS_RETRIES", int),
        backoff=number("GNEWS_BACKOFF"),
        retry_after_max=number("GNEWS_RETRY_AFTER_MAX"),
    )
    slug_unicode = get("GNEWS_SLUG_UNICODE")
    if isinstance(slug_unicode, str):
        slug_unicode = [slug_unicode]
    if not (isinstance(slug_unicode, bool) or isinstance(slug_unicode, (list, tuple))):
        raise SettingsError(f"GNEWS_SLUG_UNICODE must be True, False or a list of languages, not {slug_unicode!r}")
    return GNewsSettings(
        path=path,
        content_dir=content_dir,
        feeds=tuple(feed_spec(f) for f in feeds or ()),
        max_tags=number("GNEWS_MAX_TAGS", int),
        sync_on_build=bool(get("GNEWS_SYNC_ON_BUILD")),
        state_file=state_file,
        limits=limits,
        lock_timeout=number("GNEWS_LOCK_TIMEOUT"),
        fetch_workers=max(1, number("GNEWS_FETCH_WORKERS", int)),
        rules=Rules(
            articles=bool(get("GNEWS_JOIN_ARTICLES")),
            full_coverage=bool(get("GNEWS_JOIN_FULL_COVERAGE")),
            title_window=timedelta(hours=number("GNEWS_IDENTITY_WINDOW")),
            similarity=number("GNEWS_SIMILARITY"),
            close_bonus=number("GNEWS_SIMILARITY_CLOSE"),
            close_hours=number("GNEWS_SIMILARITY_CLOSE_HOURS"),
            similar_window=timedelta(hours=number("GNEWS_SIMILARITY_WINDOW")),
        ),
        resolve=ResolveSettings(
            on=bool(get("GNEWS_RESOLVE_LINKS")),
            base=str(get("GNEWS_RESOLVE_BASE")),
            budget=number("GNEWS_RESOLVE_BUDGET", int),
            spacing=number("GNEWS_RESOLVE_SPACING"),
            batch=max(1, number("GNEWS_RESOLVE_BATCH", int)),
            deadline=number("GNEWS_RESOLVE_DEADLINE"),
            timeout=number("GNEWS_RESOLVE_TIMEOUT"),
        ),
        retention_days=number("GNEWS_RETENTION_DAYS"),
        archive_months=number("GNEWS_ARCHIVE_MONTHS", int),
        archive_dir=archive_dir,
        slug_unicode=slug_unicode,
    )
