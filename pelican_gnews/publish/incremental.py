"""Incremental builds: render only the pages whose inputs changed.

With GNEWS_INCREMENTAL on, each page the writer is asked for gets a
fingerprint of everything it shows; a page whose fingerprint is the one
recorded last time, and whose file is still in the output as written then,
is not rendered again. The record (a manifest of page -> fingerprint, size)
lives in CACHE_PATH; the hourly workflow keeps it, with the output and
Pelican's own content cache, in actions/cache.

What a fingerprint covers:

* every page: the code (this package, Pelican, Jinja), the theme's
  templates, the settings, and the site's navigation (sections, outlets,
  archive); a change in any of them renders the whole site again;
* a story (on its page, in a card, in a feed): the bytes of its file, its
  address, the addresses of its section, tags and outlet, the editions that
  carried it, and on its page its neighbours and the figures of its place
  (explain.py: each stated as of its last update, so no hour changes them);
* a page of a list: its stories, and the addresses of the pages before and
  after it; a day of the archive: its lines and the days beside it; a
  month: its days' addresses and counts; a feed: its entries, and their authors' names as spelled.

Pages that show the whole site (tags.html, the outlets index, archives.html,
404.html) are always rendered; they are few. A template of a list page
must show its own page's stories only (`articles_page`), as the bundled
theme does: the stories of other pages are not in the fingerprint.

The manifest is removed when a build starts and written when it ends, so a
build that fails half-way leaves none, and the next build is a full one.

A story is fingerprinted by what the build read of it (its content and
metadata), not by its file: a file saved while a build runs is rendered,
and recorded, as it was read. Pelican's content cache, though, stamps what
it read with the file's bytes when it stores it; so a build during which a
content file changed saves no build key, and the next build is a full one
(the files under PATH are stat'ed when the build starts and ends).

Pelican's content cache is checked as well (guard_content_cache): it is
loaded only if its files are the ones a finished build saved (their size
and SHA-1 are kept with the build key), and it is saved whole or not at
all (safe_cache_saves). A setting the build key cannot fingerprint (a
function, as JINJA_FILTERS holds) turns both caches off: every build is
a full one, never one that fails or keeps a stale page.
At the end, files of the output that this build did not write or keep are
removed, as Pelican's DELETE_OUTPUT_DIRECTORY would have done before it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import hashlib
import json
import logging
import os
import pickle
import re
from pathlib import Path, PurePath

import babel
import jinja2
import pelican
from pelican.cache import FileDataCacher
from pelican.urlwrappers import URLWrapper

from . import cache_delta, file_stamps
from .archive_pages import Day, Month
from .pagination import Page, Pages
from .pelican_seams import cache_contents, replace_save_cache
from .reader import READ_DIGEST, ReadDigest
from .render import Outlet

logger = logging.getLogger(__name__)

MANIFEST_NAME = "gnews-pages.json"
BUILD_KEY_NAME = "gnews-build-key"
STATS_NAME = "gnews-build-stats.json"  # pages rendered and kept by the last build
# Context values that every page's chrome (base.html) reads.
_CHROME_KEYS = ("OUTLETS_URL", "ARCHIVE_MONTHS_JSON", "site_editions", "GNEWS_RANKING_DOCS_URL")
_PLAIN = (str, int, float, bool, type(None))
UNKNOWN = object()  # a value this module cannot fingerprint


def digest_of(*parts) -> str:
    """A SHA-1 of the parts' reprs: what fingerprints are made of."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _files_hash(folders) -> str:
    """Every file under `folders`, by relative path and bytes."""
    digest = hashlib.sha1()
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogatepass"))
            digest.update(hashlib.sha1(path.read_bytes()).digest())
    return digest.hexdigest()


# Settings of the caches themselves, and of where the workflow commits the
# sync's files (scripts/data-branch), which change nothing on a page.
_CACHE_SETTINGS = frozenset({"LOAD_CONTENT_CACHE", "CACHE_CONTENT", "CACHE_PATH", "GZIP_CACHE",
                             "CHECK_MODIFIED_METHOD", "CONTENT_CACHING_LAYER", "DELETE_OUTPUT_DIRECTORY",
                             "GNEWS_DATA_BRANCH", "GNEWS_DATA_KEEP"})


# Values whose repr is the same text for the same value in every run.
_EXACT = (str, bytes, int, float, bool, type(None), complex, dt.date, dt.time, dt.timedelta, dt.tzinfo,
          decimal.Decimal, re.Pattern, range)


def _canon(value, here: str, depth: int = 0):
    """A value as text that is the same in every run, or UNKNOWN (a
    function, an object printed with its address, anything this does not
    know): such a value cannot say whether it changed."""
    if depth > 50:
        return UNKNOWN
    if isinstance(value, str):
        # Paths inside the folder the build runs in are compared as
        # relative: a checkout in another folder builds the same site.
        return repr(value.replace(here, "<site>"))
    if isinstance(value, PurePath):
        return _canon(str(value), here, depth + 1)
    if isinstance(value, _EXACT):
        text = repr(value)
        return UNKNOWN if text.startswith("<") or " at 0x" in text else text
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [_canon(v, here, depth + 1) for v in value]
        if any(p is UNKNOWN for p in parts):
            return UNKNOWN
        if isinstance(value, (set, frozenset)):
            parts.sort()
        # A named tuple (Pelican's pagination patterns) is its fields.
        return f"{type(value).__name__}[{', '.join(parts)}]"
    if isinstance(value, dict):
        parts = [(_canon(k, here, depth + 1), _canon(v, here, depth + 1)) for k, v in value.items()]
        if any(p is UNKNOWN for pair in parts for p in pair):
            return UNKNOWN
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(parts)) + "}"
    return UNKNOWN


def unknown_settings(settings) -> list[str]:
    """The settings whose value the build key cannot fingerprint."""
    here = os.getcwd()
    return [key for key in sorted(set(settings) - _CACHE_SETTINGS) if _canon(settings[key], here) is UNKNOWN]


def _settings_repr(settings) -> str | None:
    """The settings as text, leaving out the caches' own; None when one of
    them cannot be fingerprinted."""
    here = os.getcwd()
    parts = []
    for key in sorted(set(settings) - _CACHE_SETTINGS):
        text = _canon(settings[key], here)
        if text is UNKNOWN:
            return None
        parts.append(f"{key}={text}")
    return "\n".join(parts)


def build_key(settings) -> str | None:
    """What every cached thing of a build depends on: this package's code
    and catalogs, Pelican's, Jinja's and Babel's versions (Babel's CLDR
    data formats the dates), and the settings. None when a setting cannot
    be fingerprinted: then nothing is kept from one build to the next."""
    text = _settings_repr(settings)
    if text is None:
        return None
    return digest_of(_files_hash([Path(__file__).resolve().parent.parent]), pelican.__version__, jinja2.__version__,
                babel.__version__, text)


def _content_stamps(settings) -> dict[str, tuple]:
    """Every file under PATH (the stories and the archive) with what tells
    a write from none (file_stamps.what_tells_a_write)."""
    stamps = {}
    root = settings.get("PATH") or "."
    # Folders the build writes itself, should they be under PATH.
    own = {os.path.realpath(settings.get(k) or "") for k in ("OUTPUT_PATH", "CACHE_PATH") if settings.get(k)}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.realpath(os.path.join(dirpath, d)) not in own]
        for name in files:
            path = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                stamps[path] = file_stamps.what_tells_a_write(os.stat(path))
    return stamps


def _cache_files(cache: Path) -> dict[str, list]:
    """Pelican's content cache files (every file of CACHE_PATH but this
    package's own), by name, with their size and SHA-1."""
    found = {}
    if cache.is_dir():
        for path in sorted(cache.iterdir()):
            if path.is_file() and not path.name.startswith("gnews-") and not path.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    data = path.read_bytes()
                    found[path.name] = [len(data), hashlib.sha1(data).hexdigest()]
    return found


class CacheGuard:
    """What one build knows of the caches it started with (kept on the
    Pelican object, for finish_cache_guard)."""

    def __init__(self, key: str | None, stamps: dict):
        self.key = key
        self.stamps = stamps


def caching_on(settings) -> bool:
    return bool(settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")
                or settings.get("GNEWS_INCREMENTAL"))


def guard_content_cache(pelican_or_settings) -> bool:
    """Pelican's content cache knows nothing of code or settings changes,
    and Pelican stops on a cache file it cannot read: the cache is loaded
    only when the build key is the one the cache was made with and its
    files are as the last finished build saved them; otherwise it is not
    loaded (and is made anew), and neither are the incremental pages'
    fingerprints. Returns whether it may load. The key is removed until the
    build ends (finish_cache_guard), so a failed build is followed by a full
    one. A setting the key cannot fingerprint turns the caches off."""
    settings = getattr(pelican_or_settings, "settings", pelican_or_settings)
    cache = Path(settings.get("CACHE_PATH") or "cache")
    path = cache / BUILD_KEY_NAME
    # Taken before the build starts: plugins and Pelican add settings as it
    # runs, and the next build compares its own start with this one.
    key = build_key(settings)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        same = (key is not None and isinstance(record, dict) and record.get("key") == key
                and record.get("files") == _cache_files(cache))
    except (OSError, ValueError):
        same = False
    with contextlib.suppress(OSError):
        path.unlink()
    if key is None:
        names = ", ".join(unknown_settings(settings))
        logger.info("pelican-gnews: setting %s holds a value the build cannot fingerprint (a function, an "
                    "object); no cache is kept between builds and every build is a full one", names)
        settings["CACHE_CONTENT"] = False
    if not same and settings.get("LOAD_CONTENT_CACHE"):
        if key is not None:
            logger.info("pelican-gnews: code, settings or cache files changed since the content cache was made; "
                        "not loading it")
        settings["LOAD_CONTENT_CACHE"] = False
    if hasattr(pelican_or_settings, "settings"):
        pelican_or_settings.gnews_cache_guard = CacheGuard(key, _content_stamps(settings))
    return same


def finish_cache_guard(pelican) -> None:
    """At the end of a build that did not fail: keep the build key and the
    content cache files' digests, unless a content file changed while the
    build ran (then what Pelican cached of it may be the old text under the
    new file's stamp, and the next build reads everything again)."""
    guard = getattr(pelican, "gnews_cache_guard", None)
    if guard is None or guard.key is None:
        return
    settings = pelican.settings
    now = _content_stamps(settings)
    changed = sorted(set(now.items()) ^ set(guard.stamps.items()))
    if changed:
        logger.info("pelican-gnews: %d content file(s) changed while the build ran (%s); the next build "
                    "is a full one", len({p for p, _ in changed}), changed[0][0])
        return
    cache = Path(settings.get("CACHE_PATH") or "cache")
    path = cache / BUILD_KEY_NAME
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"key": guard.key, "files": _cache_files(cache)}) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("pelican-gnews: cannot save %s (%s); the next build is a full one", path,
                       exc.strerror or exc)


def _unpicklable(settings) -> str:
    """The settings whose value cannot be pickled, for a message."""
    names = []
    for key, value in settings.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001 - pickling raises many kinds
            names.append(key)
    return ", ".join(sorted(names))


def _files_still_there(contents: dict, root: str) -> dict:
    """The cache's entries for files that still exist. Pelican never drops
    an entry: each story retention archives would stay in the cache for
    good, about 4.5 KB each (30 an hour: 1 GB in a year, loaded and saved
    by every build). Keys are paths, absolute (the readers' cache) or in
    PATH (a generator's)."""
    return {key: value for key, value in contents.items()
            if not isinstance(key, str) or os.path.isfile(os.path.join(root, key))}


def _safe_save(cacher, stamps: file_stamps.FileStamps | None = None, delta: cache_delta.CacheDelta | None = None):
    """Pelican's save_cache, but whole or not at all: pickled to a file
    beside the cache and put in its place; on any failure the old cache
    file is removed too (the next build reads every file again) and one
    line says why. Entries of files gone from PATH are left out. With a
    `delta`, only what changed since the file was written whole, while
    that is little (cache_delta.py). Then the cache's file stamps
    (file_stamps.py), if it keeps them."""

    def save_cache():
        saves, path, open_cache, contents = cache_contents(cacher)
        if not saves:
            return
        contents = _files_still_there(contents, cacher.settings.get("PATH") or "")
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if delta is None or not delta.save(contents):
                with open_cache(tmp, "wb") as handle:
                    pickle.dump(contents, handle)
                os.replace(tmp, path)
                if delta is not None:
                    delta.saved_whole()
            if stamps is not None:
                stamps.save()
        except Exception as exc:  # noqa: BLE001 - pickling raises many kinds
            culprits = _unpicklable(cacher.settings)
            logger.warning("pelican-gnews: content cache %s not saved (%s%s); the next build reads every file",
                           path.name, f"setting {culprits} cannot be stored" if culprits else "",
                           "" if culprits else str(exc)[:200])
            for stale in (tmp, path, *([delta.path] if delta is not None else [])):
                with contextlib.suppress(OSError):
                    stale.unlink()

    return save_cache


def safe_cache_saves(generator) -> None:
    """For each generator: its content caches (Pelican's generator and
    reader levels) are saved by _safe_save, the readers' with its file
    stamps and as a delta."""
    for cacher in (generator, getattr(generator, "readers", None)):
        if isinstance(cacher, FileDataCacher):
            # Only the readers' cache is made before generator_init (a
            # generator's own cache is made after it, and is off unless
            # CONTENT_CACHING_LAYER is "generator").
            readers = cacher is not generator
            stamps = file_stamps.remember(cacher) if readers else None
            loaded = bool(cacher.settings.get("LOAD_CONTENT_CACHE"))
            delta = cache_delta.CacheDelta(cacher, load=loaded) if readers else None
            replace_save_cache(cacher, functools.partial(_safe_save, stamps=stamps, delta=delta))


def _loose(value) -> str:
    """A metadata value the reader made that _canon does not know (a tag,
    a section, Markup): its type and text."""
    if isinstance(value, (list, tuple)):
        return repr([_loose(v) for v in value])
    if isinstance(value, dict):
        return repr(sorted((str(k), _loose(v)) for k, v in value.items()))
    if isinstance(value, URLWrapper):
        return f"{type(value).__name__}:{value.name}"
    text = repr(value)
    # An object printed with its address: its text then (a page may show it).
    return f"{type(value).__name__}:{value}" if " at 0x" in text else text


class Fingerprints:
    """Fingerprints of the pages of one build."""

    def __init__(self, settings, context):
        self.settings = settings
        theme = settings.get("THEME", "")
        overrides = settings.get("THEME_TEMPLATES_OVERRIDES", [])
        nav = [(str(c), c.url) for c, _ in context.get("categories", [])]
        key = build_key(settings)
        # None: a setting cannot be fingerprinted, and every page is rendered.
        self.base = None if key is None else digest_of(
            key, _files_hash([os.path.join(theme, "templates"), *overrides]), nav,
            [context.get(k) for k in _CHROME_KEYS])
        self._stories: dict[tuple[int, bool], str] = {}
        self._owns: dict[int, str] = {}
        self._read: dict[int, str] = {}
        self._urls: dict[tuple[str, str], str] = {}
        self._last_shown: tuple | None = None  # (a data file's `shown`, its value)
        self._content_root = os.path.join(os.path.abspath(settings.get("PATH") or os.getcwd()), "")
        self._day_type, self._month_type = Day, Month

    def _text(self, story) -> str:
        """What the build read of a story's file: the content and metadata
        its reader made (not the file's bytes now, which an editor may
        have saved since it was read)."""
        if id(story) not in self._read:
            metadata = getattr(story, "metadata", None) or {}
            source = self._in_content(getattr(story, "source_path", "") or "")
            digest = metadata.get(READ_DIGEST)
            if type(digest) is ReadDigest:
                # The story reader's: its content and metadata are made from
                # the bytes it read (a digest kept in Pelican's content cache),
                # the settings and its path, which the fingerprint holds.
                self._read[id(story)] = digest_of(source, digest)
            else:
                here = os.getcwd()
                parts = [(str(k), exact if (exact := _canon(v, here)) is not UNKNOWN else _loose(v))
                         for k, v in metadata.items()]
                self._read[id(story)] = digest_of(source, getattr(story, "_content", None), sorted(parts))
        return self._read[id(story)]

    def _in_content(self, source: str) -> str:
        """A file by its place in PATH: a checkout elsewhere is the same site."""
        if source.startswith(self._content_root):
            return source[len(self._content_root):]  # as relpath has it, without its cost a story
        with contextlib.suppress(ValueError):
            return os.path.relpath(source, self.settings.get("PATH") or os.getcwd()) if source else ""
        return source

    def _own(self, story) -> str:
        """What a story shows of itself: its file and the addresses Pelican
        gave it and its section, tags and outlet, as one digest. Made once a
        build: a story's page, its neighbours' pages and its cards all ask."""
        if id(story) not in self._owns:
            self._owns[id(story)] = digest_of(*self._made_own(story))
        return self._owns[id(story)]

    def _made_own(self, story) -> tuple:
        category = getattr(story, "category", None)
        outlet = getattr(story, "outlet_page", None)
        facts = getattr(story, "facts", None)
        # What the sync state adds and a page shows (ranking.py): when it
        # was seen, who joined it when, how many joined lately. (Its rank
        # orders the front page, which is always rendered.)
        growth = (facts.first_seen, facts.joined, getattr(story, "new_sources", 0),
                  getattr(story, "sources_count", 0)) if facts else None
        # Publisher addresses found by link resolution after the file was written.
        direct = (getattr(story, "publisher_link", ""), [e.get("direct") for e, _ in getattr(story, "timeline", ())])
        return (self._text(story), story.url, story.save_as, story.slug,
                # Names as shown: one spelling per address, which other stories decide.
                str(getattr(story, "status", "")), (category.name, self._url(category)) if category else "",
                [(t.name, self._url(t)) for t in getattr(story, "tags", None) or []], outlet.url if outlet else "",
                repr(growth), direct, self._joins(story),
                # The editions that carried it (spread.py), on its page and card.
                repr(getattr(story, "carried", None)))

    def _joins(self, story) -> tuple:
        """Editors' joins (merge.py): the story this one is part of, as its
        page names it; the files of the stories joined to it, whose outlets
        it lists."""
        into = getattr(story, "merged_into", None)
        return (into.url if into is not None else "", str(getattr(into, "title", "")) if into is not None else "",
                [self._text(s) for s in getattr(story, "merged_from", None) or []])

    def _url(self, item) -> str:
        """A tag's or section's address (Pelican formats it at every use)."""
        key = (type(item).__name__, item.slug)
        if key not in self._urls:
            self._urls[key] = item.url
        return self._urls[key]

    def story(self, story, neighbours: bool = False) -> str:
        """A story as a card shows it; with `neighbours`, as its own page
        does (with links to the stories before and after it)."""
        key = (id(story), neighbours)
        if key not in self._stories:
            if neighbours:
                around = [self._own(n) if n is not None else None
                          for n in (getattr(story, "prev_story", None), getattr(story, "next_story", None))]
                # Its page alone explains its place (explain.py): its best
                # rank there, which cards do not show.
                self._stories[key] = digest_of(self._own(story), around, repr(getattr(story, "why", None)))
            else:
                self._stories[key] = digest_of(self._own(story), None, None)
        return self._stories[key]

    def value(self, value):
        """A fingerprint of one template variable, or UNKNOWN when it is of
        a kind this module does not know (then the page is always rendered)."""
        if isinstance(value, _PLAIN):
            return value
        if hasattr(value, "source_path") and hasattr(value, "save_as"):
            return self.story(value)
        if isinstance(value, Page):
            return ("page", [self.story(s) for s in value.object_list], value.url, value.is_front,
                    value.newer.url if value.newer else "", value.older.url if value.older else "")
        if isinstance(value, Pages):
            return "pages"  # the list's other pages are not shown (see above)
        if isinstance(value, URLWrapper):
            return (type(value).__name__, value.name, value.url)
        if isinstance(value, Outlet):
            return ("outlet", value.name, value.url, value.feed_path)
        if isinstance(value, self._day_type):
            # Its archived lines are its lines' bytes; then its live stories.
            return ("day", value.url, value.digest, sorted(value.back), [vars(line) for line in value.live],
                    value.newer.url if value.newer else "", value.older.url if value.older else "")
        if isinstance(value, self._month_type):
            # Its days; its lookup file: its file's bytes and live stories.
            return ("month", value.name, value.url, value.digest, sorted(value.back_keys),
                    [(day.url, day.count) for day in value.day_list()])
        if isinstance(value, (list, tuple)):
            parts = [self.value(v) for v in value]
            return UNKNOWN if any(p is UNKNOWN for p in parts) else parts
        if isinstance(value, dict):
            parts = {str(k): self.value(v) for k, v in value.items()}
            return UNKNOWN if any(p is UNKNOWN for p in parts.values()) else sorted(parts.items())
        return UNKNOWN

    def data(self, name: str, shown) -> str | None:
        """A data file's fingerprint (data_files.write_data). One `shown`
        is asked for twice or more (a feed's Atom and JSON files, kept or
        written): its value is made once."""
        last = self._last_shown
        if last is None or last[0] is not shown:
            # The object itself is held, so its id is not another's meanwhile.
            last = self._last_shown = (shown, self.value(shown))
        part = last[1]
        return None if part is UNKNOWN else digest_of(self.base, name, "data", [("shown", part)])

    def page(self, name: str, template_name, kwargs: dict) -> str | None:
        parts = []
        for key in sorted(kwargs):
            value = kwargs[key]
            # A story's own page shows its neighbours too.
            part = self.story(value, neighbours=True) if key in ("article", "page") and hasattr(
                value, "source_path") else self.value(value)
            if part is UNKNOWN:
                return None
            parts.append((key, part))
        return digest_of(self.base, name, template_name, parts)


class Manifest:
    """Pages written by the last build, with their fingerprints."""

    def __init__(self, path: Path, output_path: str, load: bool = True):
        """`load`: keep pages of the last build (False: `pelican
        --ignore-cache`, which asks for a build from nothing)."""
        self.path = path
        # os.stat on joined text: a page of every build is asked about, and
        # pathlib's objects cost more than the stat itself.
        self._root = os.path.join(output_path, "")
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        self.rendered = 0
        self.kept = 0
        # The footer's sync time every page of the last build carries (freshness.py).
        self.stamp = ""
        try:
            record = json.loads(path.read_text(encoding="utf-8")) if load else {"pages": {}}
            self.old = record["pages"]
            self.stamp = str(record.get("stamp", ""))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.old = {}
        # Gone until this build has finished: a failed build leaves none.
        with contextlib.suppress(OSError):
            path.unlink()

    def unchanged(self, name: str, fingerprint: str | None) -> bool:
        """Whether the page can be kept as it is, recording it if so."""
        if fingerprint is None:
            return False
        old = self.old.get(name)
        try:
            size = os.stat(self._root + name).st_size
        except OSError:
            return False
        if old and old[0] == fingerprint and old[1] == size:
            self.new[name] = old
            self.kept += 1
            return True
        return False

    def written(self, name: str, fingerprint: str | None) -> None:
        self.rendered += 1
        if fingerprint is not None:
            with contextlib.suppress(OSError):
                self.new[name] = [fingerprint, os.stat(self._root + name).st_size]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"pages": self.new, "stamp": self.stamp}, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def remove_stale(output_path: str, produced: set[str], retention=()) -> int:
    """Remove every file of the output this build did not produce (and
    then empty folders), keeping OUTPUT_RETENTION names at its top."""
    # Strings, not paths: an hour walks some 18,000 files of a week-old site.
    root = os.path.normpath(output_path)
    inside = os.path.join(root, "")
    removed = 0
    for dirpath, _, files in os.walk(root, topdown=False):
        rel_dir = "" if dirpath == root else dirpath[len(inside):].replace(os.sep, "/")
        if rel_dir and rel_dir.split("/", 1)[0] in retention:
            continue
        prefix = rel_dir + "/" if rel_dir else ""
        for name in files:
            if prefix + name not in produced and (rel_dir or name not in retention):
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if rel_dir:
            with contextlib.suppress(OSError):
                os.rmdir(dirpath)  # only if empty
    return removed
