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
  address, the addresses of its section, tags and outlet, and its neighbours;
* a page of a list: its stories, and the addresses of the pages before and
  after it; a day of the archive: its lines and the days beside it; a
  month: its days' addresses and counts; a feed: its entries.

Pages that show the whole site (tags.html, the outlets index, archives.html,
404.html) are always rendered; they are few. A template of a list page
must show its own page's stories only (`articles_page`), as the bundled
theme does: the stories of other pages are not in the fingerprint.

The manifest is removed when a build starts and written when it ends, so a
build that fails half-way leaves none, and the next build is a full one.
At the end, files of the output that this build did not write or keep are
removed, as Pelican's DELETE_OUTPUT_DIRECTORY would have done before it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from pathlib import Path

import babel
import jinja2
import pelican
from pelican.urlwrappers import URLWrapper

from .pagination import Page, Pages
from .render import Outlet

logger = logging.getLogger(__name__)

MANIFEST_NAME = "gnews-pages.json"
BUILD_KEY_NAME = "gnews-build-key"
STATS_NAME = "gnews-build-stats.json"  # pages rendered and kept by the last build
# Context values that every page's chrome (base.html) reads.
_CHROME_KEYS = ("OUTLETS_URL", "ARCHIVE_MONTHS_JSON")
_PLAIN = (str, int, float, bool, type(None))
UNKNOWN = object()  # a value this module cannot fingerprint


def _sha(*parts) -> str:
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
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogatepass"))
            digest.update(hashlib.sha1(path.read_bytes()).digest())
    return digest.hexdigest()


# Settings of the caches themselves, which change nothing on a page.
_CACHE_SETTINGS = frozenset({"LOAD_CONTENT_CACHE", "CACHE_CONTENT", "CACHE_PATH", "GZIP_CACHE",
                             "CHECK_MODIFIED_METHOD", "CONTENT_CACHING_LAYER", "DELETE_OUTPUT_DIRECTORY"})


def _settings_repr(settings) -> str:
    """The settings as text, leaving out the caches' own and values whose
    text changes from one run to the next (objects printed with their
    address)."""
    parts = []
    # Paths inside the folder the build runs in are compared as relative:
    # a checkout in another folder builds the same site.
    here = os.getcwd()
    for key in sorted(set(settings) - _CACHE_SETTINGS):
        text = repr(settings[key]).replace(here, "<site>")
        if " at 0x" not in text:
            parts.append(f"{key}={text}")
    return "\n".join(parts)


def build_key(settings) -> str:
    """What every cached thing of a build depends on: this package's code
    and catalogs, Pelican's, Jinja's and Babel's versions (Babel's CLDR
    data formats the dates), and the settings."""
    return _sha(_files_hash([Path(__file__).resolve().parent.parent]), pelican.__version__, jinja2.__version__,
                babel.__version__, _settings_repr(settings))


_key_at_start = ""


def guard_content_cache(settings) -> bool:
    """Pelican's content cache knows nothing of code or settings changes:
    when the build key is not the one the cache was made with, the cache is
    not loaded this time (and is made anew). Returns whether it may load.
    The key is removed until the build ends (save_build_key), so a failed
    build is followed by a full one."""
    global _key_at_start
    path = Path(settings.get("CACHE_PATH") or "cache") / BUILD_KEY_NAME
    # Taken before the build starts: plugins and Pelican add settings as it
    # runs, and the next build compares its own start with this one.
    _key_at_start = build_key(settings)
    try:
        same = path.read_text(encoding="utf-8").strip() == _key_at_start
    except OSError:
        same = False
    with contextlib.suppress(OSError):
        path.unlink()
    if not same and settings.get("LOAD_CONTENT_CACHE"):
        logger.info("pelican-gnews: code or settings changed since the content cache was made; not loading it")
        settings["LOAD_CONTENT_CACHE"] = False
    return same


def save_build_key(settings) -> None:
    if not _key_at_start:
        return
    path = Path(settings.get("CACHE_PATH") or "cache") / BUILD_KEY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_key_at_start + "\n", encoding="utf-8")


class Fingerprints:
    """Fingerprints of the pages of one build."""

    def __init__(self, settings, context):
        self.settings = settings
        theme = settings.get("THEME", "")
        overrides = settings.get("THEME_TEMPLATES_OVERRIDES", [])
        nav = [(str(c), c.url) for c, _ in context.get("categories", [])]
        self.base = _sha(build_key(settings), _files_hash([os.path.join(theme, "templates"), *overrides]),
                         nav, [context.get(k) for k in _CHROME_KEYS])
        self._stories: dict[tuple[int, bool], str] = {}
        self._files: dict[str, str] = {}
        self._urls: dict[tuple[str, str], str] = {}
        # archive_pages imports the writer, which imports this module.
        from .archive_pages import Day, Month  # noqa: PLC0415

        self._day_type, self._month_type = Day, Month

    def _file(self, path: str) -> str:
        if path not in self._files:
            try:
                with open(path, "rb") as handle:
                    self._files[path] = hashlib.sha1(handle.read()).hexdigest()
            except OSError:
                self._files[path] = "missing"
        return self._files[path]

    def _own(self, story) -> tuple:
        """What a story shows of itself: its file and the addresses Pelican
        gave it and its section, tags and outlet."""
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
        return (self._file(getattr(story, "source_path", "") or ""), story.url, story.save_as, story.slug,
                str(getattr(story, "status", "")), self._url(category) if category else "",
                [self._url(t) for t in getattr(story, "tags", None) or []], outlet.url if outlet else "",
                repr(growth), direct, self._joins(story))

    def _joins(self, story) -> tuple:
        """Editors' joins (merge.py): the story this one is part of, as its
        page names it; the files of the stories joined to it, whose outlets
        it lists."""
        into = getattr(story, "merged_into", None)
        return (into.url if into is not None else "", str(getattr(into, "title", "")) if into is not None else "",
                [self._file(getattr(s, "source_path", "") or "") for s in getattr(story, "merged_from", None) or []])

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
            around = [self._own(n) if n is not None else None
                      for n in (getattr(story, "prev_story", None), getattr(story, "next_story", None))]
            self._stories[key] = _sha(self._own(story), around if neighbours else None)
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
        return _sha(self.base, name, template_name, parts)


class Manifest:
    """Pages written by the last build, with their fingerprints."""

    def __init__(self, path: Path, output_path: str, load: bool = True):
        """`load`: keep pages of the last build (False: `pelican
        --ignore-cache`, which asks for a build from nothing)."""
        self.path = path
        self.output = Path(output_path)
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        self.rendered = 0
        self.kept = 0
        try:
            self.old = json.loads(path.read_text(encoding="utf-8"))["pages"] if load else {}
        except (OSError, ValueError, KeyError, TypeError):
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
            size = (self.output / name).stat().st_size
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
                self.new[name] = [fingerprint, (self.output / name).stat().st_size]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"pages": self.new}, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def remove_stale(output_path: str, produced: set[str], retention=()) -> int:
    """Remove every file of the output this build did not produce (and
    then empty folders), keeping OUTPUT_RETENTION names at its top."""
    root = Path(output_path)
    removed = 0
    for dirpath, dirs, files in os.walk(root, topdown=False):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir.parts and rel_dir.parts[0] in retention:
            continue
        for name in files:
            rel = (rel_dir / name).as_posix()
            if rel not in produced and not (not rel_dir.parts and name in retention):
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if rel_dir.parts:
            with contextlib.suppress(OSError):
                os.rmdir(dirpath)  # only if empty
    return removed
