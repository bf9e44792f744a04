"""The plugin's settings, with their defaults, read from Pelican's settings.

Every GNEWS_* setting, and the Pelican settings the plugin relies on
(TIMEZONE, DEFAULT_LANG), is checked here, in one place, when a sync or a
build starts (`problems`): a bad one is one line naming the setting, what it
got and what it takes. The command line stops on it (exit 2); a build logs
it once, skips the sync, and goes on with the default in the bad value's
place (`from_pelican` puts it there, in that build's own settings), so no
later step meets a value it cannot use. Every file a setting names stays
inside the output folder (or PATH), and the plugin's folders do not overlap.
"""

from __future__ import annotations

import math
import os
import pkgutil
import re
import string
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

from .editions import territory
from .ingest.fetch import Limits
from .ingest.identity import Rules
from .ingest.resolve import ResolveSettings

STATE_NAME = "gnews-state.json"

DEFAULTS = {
    "GNEWS_FEEDS": [],
    "GNEWS_CONTENT_DIR": "news",
    "GNEWS_MAX_TAGS": 5,
    "GNEWS_TAGS_PER_PAGE": 250,  # tag_index.py
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
    "GNEWS_SEARCH_PART_PAGES": 256,  # story pages a part of the index has on average
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
    # Where a story page's "Why this story is here" links: the ranking's
    # docs (docs/joining-and-ranking.md); "" leaves the link out.
    # publishconf.py points it at the site's own repository.
    "GNEWS_RANKING_DOCS_URL": "",
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
    # Incremental builds (publish/incremental.py, writer.py).
    "GNEWS_INCREMENTAL": False,
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
    # The status page (publish/freshness.py); an empty SAVE_AS switches it off.
    "GNEWS_STATUS_URL": "status.html",
    "GNEWS_STATUS_SAVE_AS": "status.html",
    # A feed per story, Atom and JSON (story_feeds.py), with FEED_ALL_ATOM; "" switches them off.
    "GNEWS_STORY_FEED_ATOM": "feeds/story/{slug}.atom.xml",
    # The daily digest (digest_pages.py; frozen by the sync, ingest/digest_freeze.py).
    "GNEWS_DIGEST_TOP": 10,
    "GNEWS_DIGEST_URL": "digest/{year}/{month}/{day}/",
    "GNEWS_DIGEST_SAVE_AS": "digest/{year}/{month}/{day}/index.html",
    "GNEWS_DIGESTS_URL": "digest/",
    "GNEWS_DIGESTS_SAVE_AS": "digest/index.html",
    "GNEWS_DIGEST_FEED_ATOM": "feeds/digest.atom.xml",
    "GNEWS_DIGEST_FEED_DAYS": 30,
    # The workflow's data branch (scripts/data-branch): what the sync writes
    # is committed there, not to main, and the branch's history is folded
    # into one commit once longer than GNEWS_DATA_KEEP commits. "": main.
    "GNEWS_DATA_BRANCH": "",
    "GNEWS_DATA_KEEP": 168,
}

# Pelican's own settings the plugin relies on, and what a build uses in
# place of a bad one.
PELICAN_DEFAULTS = {"TIMEZONE": "UTC", "DEFAULT_LANG": "en"}
# A bad GNEWS_ROBOTS asks crawlers to stay out (a personal site's typo must
# not open it to search engines); every other bad value is its default.
FALLBACKS = {**DEFAULTS, **PELICAN_DEFAULTS, "GNEWS_ROBOTS": "noindex"}


class SettingsError(ValueError):
    """Bad settings: `problems` holds one line per bad setting."""

    def __init__(self, problems: list[str], suffix: str = ""):
        self.problems = list(problems)
        super().__init__(". ".join(self.problems) + suffix)


# -- what each setting takes -----------------------------------------------------------
# A check returns None for a good value, else what the setting takes.

MAX_SECONDS = 86_400  # a day
MAX_HOURS = 1_000_000  # about 114 years: a window past that is no window
LANGUAGE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*\Z")


def _figure(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _number(low: float, high: float, *, whole: bool = False, above: bool = False, unit: str = ""):
    kind = f"a whole number{unit}" if whole else f"a number{unit}"
    bound = (f"above {_figure(low)}, at most {_figure(high)}" if above
             else f"from {_figure(low)} to {_figure(high)}")
    what = f"{kind} {bound}"

    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return what
        if isinstance(value, float) and not math.isfinite(value):
            return what
        if whole and isinstance(value, float) and not value.is_integer():
            return what
        if (value <= low if above else value < low) or value > high:
            return what
        return None

    return check


def _bool(value):
    return None if isinstance(value, bool) or (type(value) is int and value in (0, 1)) else "True or False"


def _choice(*choices):
    def check(value):
        return None if value in choices and isinstance(value, str) else " or ".join(map(repr, choices))

    return check


def _text_ok(value) -> bool:
    return isinstance(value, str) and not any(ord(c) < 32 or ord(c) == 127 for c in value)


def _folder(value):
    what = "a folder inside PATH, like 'news'"
    if not isinstance(value, (str, os.PathLike)):
        return what
    text = os.fspath(value)
    return None if _text_ok(text) and text.strip() else what


def _state_file(value):
    what = "a file outside PATH, like 'gnews-state.json' (None: gnews-state.json beside PATH)"
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        return what
    text = os.fspath(value)
    if not (_text_ok(text) and text.strip()):
        return what
    if Path(text).expanduser().resolve().name in ("", ".", ".."):
        return what
    return None


def _feeds(value):
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return "a list of feeds: URLs or files, or dicts with a 'url' (and a 'category')"
    return None


def _feed_entry(entry):
    """What is wrong with one entry of GNEWS_FEEDS, or None."""
    what = "a feed URL or file, or a dict with a 'url' (and a 'category', a 'name', an 'edition')"
    if isinstance(entry, os.PathLike):
        entry = os.fspath(entry)
    if isinstance(entry, str):
        return None if _text_ok(entry) and entry.strip() else what
    if isinstance(entry, dict):
        url, category = entry.get("url"), entry.get("category")
        if isinstance(url, os.PathLike):
            url = os.fspath(url)
        if not (isinstance(url, str) and _text_ok(url) and url.strip()):
            return what
        if not (category is None or isinstance(category, str)):
            return what + ", the category a text"
        if not (entry.get("name") is None or isinstance(entry.get("name"), str)):
            return what + ", the name a text"
        edition = entry.get("edition")
        if not (edition is None or edition == "" or territory(edition)):
            return what + ", the edition a territory code such as 'US' or 'GB' (or a ceid such as 'GB:en')"
        if set(entry) - {"url", "category", "name", "edition"}:
            extra = ", ".join(sorted(map(repr, set(entry) - {"url", "category", "name", "edition"})))
            return f"{what}, and no other key ({extra} is not one)"
        return None
    return what


def _slug_unicode(value):
    what = "True, False or a list of languages, like ['ja', 'ar']"
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and LANGUAGE.match(v) for v in value):
        return None
    return what


def _base_url(value):
    what = "an http(s) address, like 'https://news.google.com'"
    if isinstance(value, str) and (value == "" or re.match(r"https?://[^\s/]+(/\S*)?\Z", value)):
        return None
    return what


def _docs_url(value):
    what = "an http(s) address, like 'https://example.org/docs/ranking.html', or ''"
    if isinstance(value, str) and (value == "" or re.match(r"https?://[^\s/]+(/\S*)?\Z", value)):
        return None
    return what


def _branch(value):
    """A git branch name (a safe subset of what git allows), not main's."""
    what = "a branch name other than main, like 'gnews-data', or '' for none"
    if value == "":
        return None
    if (isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*", value)
            and ".." not in value and not value.endswith((".lock", ".")) and value not in ("main", "HEAD")):
        return None
    return what


def _pattern(fields: tuple[str, ...], *, save_as: bool, empty: bool = False, needed: bool = True):
    """A URL or SAVE_AS pattern with these placeholders, all needed (each
    page its own file); a SAVE_AS gives a file path inside the output."""
    names = ", ".join("{" + f + "}" for f in fields)
    if save_as:
        what = "a file path inside the output folder"
    else:
        what = "a relative address"
    if fields:
        what += f" with {names}" if needed else f" (placeholders: {names})"
    else:
        what += " with no placeholder"
    if empty:
        what += ", or '' for none"
    sample = {"year": "2026", "month": "01", "day": "05", "slug": "an-outlet"}

    def check(value):
        if empty and value in ("", None):
            return None
        if not (isinstance(value, str) and _text_ok(value) and value.strip()):
            return what
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            return what + " (a lone { or } is not one)"
        unknown = used - set(fields)
        if unknown:
            return what + f" ({', '.join('{' + u + '}' for u in sorted(unknown))} is not one it knows)"
        if needed and set(fields) - used:
            return what
        try:
            path = value.format(**{f: sample[f] for f in fields})
        except (ValueError, KeyError, IndexError, AttributeError, TypeError):
            return what
        if save_as and not inside_output(path):
            return what
        if not save_as and (re.search(r"\s", path) or ".." in PurePosixPath(path).parts):
            return what
        return None

    return check


def inside_output(path: str) -> bool:
    """A file path that stays inside the output folder (relative, no `..`
    out of it, naming a file)."""
    if not isinstance(path, str) or not path or "\\" in path or "\0" in path:
        return False
    pure = PurePosixPath(path)
    if pure.is_absolute() or path.endswith("/"):
        return False
    depth = 0
    for part in pure.parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return False
    return depth > 0 and pure.name not in ("", ".", "..")


def _timezone(value):
    what = "a zone of the tz database, like 'UTC' or 'Europe/Paris'"
    if not isinstance(value, str) or not value:
        return what
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return what
    return None


def _language(value):
    return None if isinstance(value, str) and LANGUAGE.match(value) else "a language code, like 'en' or 'pt-BR'"


# docutils names Chinese by region; the script says which one.
_DOCUTILS_SCRIPTS = {"zh-hant": "zh-tw", "zh-hans": "zh-cn"}


def docutils_language(language: str) -> str:
    """The language docutils reads reST in for a DEFAULT_LANG: the tag or its
    region-less code where docutils has it (pt-BR, sv-SE: sv), else the one
    docutils has for that code (pt: pt-br, zh: zh-cn), else English, which
    docutils falls back to anyway (it has no Malayalam or Hindi): a site in
    any language builds without Pelican's "no localization" warning."""
    from docutils.parsers.rst import languages  # noqa: PLC0415 - Pelican's; only a build asks
    from docutils.utils import normalize_language_tag  # noqa: PLC0415

    known = {name.replace("_", "-") for _, name, _ in pkgutil.iter_modules(languages.__path__)}
    tags = normalize_language_tag(str(language or "en").replace("_", "-"))
    for tag in tags:
        tag = _DOCUTILS_SCRIPTS.get(tag, tag)
        if tag in known:
            return tag
    same = sorted(code for code in known if code.split("-")[0] == tags[-1])
    return same[0] if same else "en"


SECONDS = _number(0, MAX_SECONDS, unit=" of seconds")
TIMEOUT = _number(0, MAX_SECONDS, above=True, unit=" of seconds")
HOURS = _number(0, MAX_HOURS, unit=" of hours")

CHECKS = {
    "GNEWS_FEEDS": _feeds,
    "GNEWS_CONTENT_DIR": _folder,
    "GNEWS_MAX_TAGS": _number(0, 1000, whole=True),
    "GNEWS_TAGS_PER_PAGE": _number(1, 1_000_000, whole=True),
    "GNEWS_SLUG_UNICODE": _slug_unicode,
    "GNEWS_SYNC_ON_BUILD": _bool,
    "GNEWS_STATE_FILE": _state_file,
    "GNEWS_TIMEOUT": TIMEOUT,
    "GNEWS_CONNECT_TIMEOUT": TIMEOUT,
    "GNEWS_FEED_DEADLINE": TIMEOUT,
    "GNEWS_FETCH_WORKERS": _number(1, 64, whole=True),
    "GNEWS_RETRIES": _number(0, 100, whole=True),
    "GNEWS_BACKOFF": SECONDS,
    "GNEWS_RETRY_AFTER_MAX": SECONDS,
    "GNEWS_MAX_BYTES": _number(1024, 1 << 40, whole=True, unit=" of bytes"),
    "GNEWS_LOCK_TIMEOUT": SECONDS,
    "GNEWS_JOIN_ARTICLES": _bool,
    "GNEWS_JOIN_FULL_COVERAGE": _bool,
    "GNEWS_IDENTITY_WINDOW": HOURS,
    "GNEWS_SIMILARITY": _number(0, 1),
    "GNEWS_SIMILARITY_CLOSE": _number(0, 1),
    "GNEWS_SIMILARITY_CLOSE_HOURS": HOURS,
    "GNEWS_SIMILARITY_WINDOW": HOURS,
    "GNEWS_SEARCH": _bool,
    "GNEWS_SEARCH_PART_PAGES": _number(1, 1_000_000, whole=True, unit=" of pages"),
    "GNEWS_RESOLVE_LINKS": _bool,
    "GNEWS_RESOLVE_BUDGET": _number(0, 100_000, whole=True),
    "GNEWS_RESOLVE_SPACING": SECONDS,
    "GNEWS_RESOLVE_BATCH": _number(1, 100, whole=True),
    "GNEWS_RESOLVE_DEADLINE": SECONDS,
    "GNEWS_RESOLVE_TIMEOUT": TIMEOUT,
    "GNEWS_RESOLVE_BASE": _base_url,
    "GNEWS_SCORE_OUTLETS": _number(0, 10),
    "GNEWS_SCORE_HALF_LIFE": HOURS,
    "GNEWS_FRONT_PAGE_TOP": _number(0, 10_000, whole=True),
    "GNEWS_FRONT_PAGE_SECTION": _number(0, 10_000, whole=True),
    "GNEWS_DEVELOPING_HOURS": HOURS,
    "GNEWS_RANKING_DOCS_URL": _docs_url,
    "GNEWS_RETENTION_DAYS": _number(0, 36_500, unit=" of days"),
    "GNEWS_ARCHIVE_MONTHS": _number(0, 12_000, whole=True, unit=" of months"),
    "GNEWS_ARCHIVE_DIR": _folder,
    "GNEWS_ARCHIVE_MONTH_URL": _pattern(("year", "month"), save_as=False),
    "GNEWS_ARCHIVE_MONTH_SAVE_AS": _pattern(("year", "month"), save_as=True),
    "GNEWS_ARCHIVE_DAY_URL": _pattern(("year", "month", "day"), save_as=False),
    "GNEWS_ARCHIVE_DAY_SAVE_AS": _pattern(("year", "month", "day"), save_as=True),
    "GNEWS_INCREMENTAL": _bool,
    "GNEWS_OUTLET_URL": _pattern(("slug",), save_as=False),
    "GNEWS_OUTLET_SAVE_AS": _pattern(("slug",), save_as=True, empty=True),
    "GNEWS_OUTLETS_URL": _pattern((), save_as=False),
    "GNEWS_OUTLETS_SAVE_AS": _pattern((), save_as=True),
    "GNEWS_OUTLET_FEED_ATOM": _pattern(("slug",), save_as=True, empty=True),
    "GNEWS_JSON_FEEDS": _bool,
    "GNEWS_ROBOTS": _choice("index", "noindex"),
    "GNEWS_SITEMAP_SAVE_AS": _pattern((), save_as=True, empty=True),
    "GNEWS_STATUS_URL": _pattern((), save_as=False),
    "GNEWS_STATUS_SAVE_AS": _pattern((), save_as=True, empty=True),
    "GNEWS_STORY_FEED_ATOM": _pattern(("slug",), save_as=True, empty=True),
    "GNEWS_DIGEST_TOP": _number(0, 1000, whole=True),
    "GNEWS_DIGEST_URL": _pattern(("year", "month", "day"), save_as=False),
    "GNEWS_DIGEST_SAVE_AS": _pattern(("year", "month", "day"), save_as=True, empty=True),
    "GNEWS_DIGESTS_URL": _pattern((), save_as=False),
    "GNEWS_DIGESTS_SAVE_AS": _pattern((), save_as=True, empty=True),
    "GNEWS_DIGEST_FEED_ATOM": _pattern((), save_as=True, empty=True),
    "GNEWS_DIGEST_FEED_DAYS": _number(1, 10_000, whole=True, unit=" of days"),
    "GNEWS_DATA_BRANCH": _branch,
    "GNEWS_DATA_KEEP": _number(1, 1_000_000, whole=True, unit=" of commits"),
}
PELICAN_CHECKS = {"TIMEZONE": _timezone, "DEFAULT_LANG": _language}
assert set(CHECKS) == set(DEFAULTS)


def shown(value) -> str:
    """A value as a message shows it: its repr, on one line, cut."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still named
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def _problem(key: str, value, what: str) -> str:
    return f"{key} is {shown(value)}; it takes {what}"


def setting(settings, key: str):
    """A GNEWS_* value from Pelican's settings, or its default; a value its
    check refuses (reported once when the build started) is its fallback."""
    default = DEFAULTS[key]
    value = settings.get(key, default)
    # A default passes its check (tests/test_settings_checked.py): only a
    # site's own value is checked, at each of the thousands of calls a build makes.
    if value is default or (type(value) is type(default) and value == default):
        return value
    return FALLBACKS[key] if CHECKS[key](value) else value


def problems(settings) -> list[tuple[str, str]]:
    """Every bad setting: (name, one line naming it, what it got and what it takes)."""
    found: list[tuple[str, str]] = []
    for key, check in CHECKS.items():
        value = settings.get(key, DEFAULTS[key])
        what = check(value)
        if what:
            found.append((key, _problem(key, value, what)))
        elif key == "GNEWS_FEEDS":
            entries = [value] if isinstance(value, (str, dict)) else value
            for number, entry in enumerate(entries):
                if what := _feed_entry(entry):
                    found.append((key, _problem(f"GNEWS_FEEDS[{number}]", entry, what)))
    for key, check in PELICAN_CHECKS.items():
        value = settings.get(key)
        if value is not None and (what := check(value)):
            found.append((key, _problem(key, value, what)))
    bad = {key for key, _ in found}
    found.extend(_overlaps(settings, bad))
    return found


def _resolve(base: Path, value) -> Path | None:
    try:
        return (base / Path(os.fspath(value)).expanduser()).resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def _meets(a: Path, b: Path) -> bool:
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def _overlaps(settings, bad: set[str]) -> list[tuple[str, str]]:
    """Folders that must stay apart: the stories' and the archive's inside
    PATH and apart from each other, read by Pelican as articles, never
    inside the output (which a build replaces); the state outside PATH and
    outside the output."""
    found = []
    path = _resolve(Path.cwd(), settings.get("PATH") or "content")
    output = _resolve(Path.cwd(), settings.get("OUTPUT_PATH") or "output")
    if path is None:
        return found
    folders = {}
    for key in ("GNEWS_CONTENT_DIR", "GNEWS_ARCHIVE_DIR"):
        if key in bad:
            continue
        value = settings.get(key, DEFAULTS[key])
        folder = _resolve(path, value)
        # The stories may live in PATH itself; the archive needs a folder.
        if folder is None or not folder.is_relative_to(path) or (folder == path and key == "GNEWS_ARCHIVE_DIR"):
            found.append((key, _problem(key, value, f"a folder inside PATH ({path}), not PATH itself")))
        elif output is not None and _meets(folder, output):
            found.append((key, _problem(key, value,
                                        f"a folder apart from OUTPUT_PATH ({output}), which a build replaces")))
        else:
            folders[key] = folder
    if len(folders) == 2:
        content, archive = folders["GNEWS_CONTENT_DIR"], folders["GNEWS_ARCHIVE_DIR"]
        if content.is_relative_to(archive) or (content != path and archive.is_relative_to(content)):
            # Named on the one the site changed (the archive's, if both).
            values = {key: settings.get(key, DEFAULTS[key]) for key in folders}
            key, other = ("GNEWS_ARCHIVE_DIR", "GNEWS_CONTENT_DIR")
            if values[key] == DEFAULTS[key] and values[other] != DEFAULTS[other]:
                key, other = other, key
            found.append((key, _problem(key, values[key], f"a folder apart from {other} ({values[other]!r}): "
                                        "neither inside the other")))
    content = folders.get("GNEWS_CONTENT_DIR")
    if content is not None:
        value = settings.get("GNEWS_CONTENT_DIR", DEFAULTS["GNEWS_CONTENT_DIR"])
        articles = settings.get("ARTICLE_PATHS", [""])
        pages = settings.get("PAGE_PATHS", [])
        if isinstance(articles, (list, tuple)) and all(isinstance(a, str) for a in articles):
            roots = [_resolve(path, a) for a in articles]
            if not any(r is not None and content.is_relative_to(r) for r in roots):
                found.append(("GNEWS_CONTENT_DIR", _problem(
                    "GNEWS_CONTENT_DIR", value, f"a folder Pelican reads as articles (ARTICLE_PATHS {articles!r})")))
        if isinstance(pages, (list, tuple)) and all(isinstance(p, str) for p in pages):
            for page in pages:
                folder = _resolve(path, page)
                if page and folder is not None and content.is_relative_to(folder):
                    found.append(("GNEWS_CONTENT_DIR", _problem(
                        "GNEWS_CONTENT_DIR", value, f"a folder outside PAGE_PATHS ({page!r} is read as pages)")))
                    break
    if "GNEWS_STATE_FILE" not in bad:
        value = settings.get("GNEWS_STATE_FILE")
        state = state_path(settings, path)
        staging = state.parent / ".gnews-tmp" if state is not None else None
        if state is None or _meets(state, path) or _meets(staging, path):
            # Pelican reads everything under PATH, dotfiles included; the
            # journal, the lock and the staging folder are beside the state.
            found.append(("GNEWS_STATE_FILE", _problem(
                "GNEWS_STATE_FILE", value, f"a file outside PATH ({path})")))
        elif output is not None and _meets(state, output):
            found.append(("GNEWS_STATE_FILE", _problem(
                "GNEWS_STATE_FILE", value, f"a file outside OUTPUT_PATH ({output}), which a build replaces")))
    return found


def state_path(settings, path: Path) -> Path | None:
    value = settings.get("GNEWS_STATE_FILE") or path.parent / STATE_NAME
    return _resolve(Path.cwd(), value)


def check(settings) -> None:
    """Raise SettingsError naming every bad setting (nothing changed)."""
    found = problems(settings)
    if found:
        raise SettingsError([line for _, line in found])


@dataclass(frozen=True)
class FeedSpec:
    """One entry of GNEWS_FEEDS: where to read it, and an optional section name
    and name on the status page (else the feed's own title)."""

    url: str
    category: str = ""
    name: str = ""
    edition: str = ""  # a territory code (editions.py); '' : from the feed's URL or channel link


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
    # What the sync needs to freeze a finished day's digest (ingest/digest_freeze.py).
    timezone: str = "UTC"
    digest_top: int = 10
    score: tuple = (0.1, 12)  # GNEWS_SCORE_OUTLETS, GNEWS_SCORE_HALF_LIFE

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
    if (what := _feed_entry(entry)) is not None:
        raise SettingsError([_problem("GNEWS_FEEDS entry", entry, what)])
    if isinstance(entry, dict):
        return FeedSpec(os.fspath(entry["url"]), str(entry.get("category") or ""), str(entry.get("name") or ""),
                        territory(entry.get("edition")))
    return FeedSpec(os.fspath(entry))


def from_pelican(settings: dict) -> GNewsSettings:
    """Read and check the GNEWS_* settings from a Pelican settings dict.

    A bad value raises SettingsError naming every bad setting. A build logs
    it once (publish/plugin.py) and does not sync; its settings then hold the
    fallback (the default) in each bad value's place, so the rest of the
    build, which reads them again, meets only values it can use."""
    found = problems(settings)
    if found:
        syncing = settings.get("GNEWS_SYNC_ON_BUILD", True) and settings.get("GNEWS_FEEDS")
        if hasattr(settings, "__setitem__"):
            fixed = found
            for _ in range(3):  # a default may meet another bad folder: that one's default then
                for key, _ in fixed:
                    settings[key] = FALLBACKS[key]
                fixed = problems(settings)
                if not fixed:
                    break
        several = len({key for key, _ in found}) > 1
        where = "the defaults in their" if several else "the default in its"
        raise SettingsError([line for _, line in found], f"; a build goes on with {where} place"
                            + (", without a sync" if syncing else ""))

    def get(key):
        return settings.get(key, DEFAULTS[key])

    def number(key, kind=float):
        return kind(get(key))

    path = _resolve(Path.cwd(), settings.get("PATH") or "content")
    content_dir = _resolve(path, get("GNEWS_CONTENT_DIR"))
    archive_dir = _resolve(path, get("GNEWS_ARCHIVE_DIR"))
    feeds = get("GNEWS_FEEDS")
    if isinstance(feeds, (str, dict)):
        feeds = [feeds]
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
    return GNewsSettings(
        path=path,
        content_dir=content_dir,
        feeds=tuple(feed_spec(f) for f in feeds or ()),
        max_tags=number("GNEWS_MAX_TAGS", int),
        sync_on_build=bool(get("GNEWS_SYNC_ON_BUILD")),
        state_file=state_path(settings, path),
        limits=limits,
        lock_timeout=number("GNEWS_LOCK_TIMEOUT"),
        fetch_workers=number("GNEWS_FETCH_WORKERS", int),
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
            batch=number("GNEWS_RESOLVE_BATCH", int),
            deadline=number("GNEWS_RESOLVE_DEADLINE"),
            timeout=number("GNEWS_RESOLVE_TIMEOUT"),
        ),
        retention_days=number("GNEWS_RETENTION_DAYS"),
        archive_months=number("GNEWS_ARCHIVE_MONTHS", int),
        archive_dir=archive_dir,
        slug_unicode=list(slug_unicode) if isinstance(slug_unicode, tuple) else slug_unicode,
        timezone=str(settings.get("TIMEZONE") or "UTC"),
        digest_top=number("GNEWS_DIGEST_TOP", int),
        score=(number("GNEWS_SCORE_OUTLETS"), number("GNEWS_SCORE_HALF_LIFE")),
    )
