"""Static search: a Pagefind index built with the site, and its search pages.

Pagefind (`pagefind[extended]` on PyPI: the binary, with Chinese and
Japanese word segmentation) reads the built story pages, which the theme
marks for it (`data-pagefind-body`, the headline, outlet, date and section
as metadata, section and outlet as filters), and writes an index per page
language (`<html lang>`), fetched in fragments by the search page's script.
Only search pages load a script; everything else stays readable without
JavaScript.

Chinese and Japanese: Pagefind splits pages into words with its own
dictionary but queries with the browser's (Intl.Segmenter), and the two
disagree (米軍 is one word in the index, 米 + 軍 in a query, which then
matched 米価 beside 軍事). So those story pages also carry their headlines a
character at a time, hidden (theme/templates/_search.html), and the search
page looks for a query's Han and kana words as characters in a row
(theme/static/js/search.js). Korean is spaced: Pagefind splits it at
spaces on both sides.

A search page per language of the site's stories: `search.html` in
DEFAULT_LANG, `search/<lang>.html` for each other one, since Pagefind
searches the index of the page's own language (languages without region:
story pages declare "en", not "en-US", see language_of()).

The index comes in parts, so that an hour's build indexes what changed, not
the whole site again: Pagefind has no way to update an index, but its
script searches several as one (mergeIndex). A language's story pages, in
the order of their stories' dates, are cut after each page whose address
hashes to a multiple of GNEWS_SEARCH_PART_PAGES (and at four times that at
most): where a cut falls depends on that page alone, so a new story changes
the newest part only, a story leaving the site the oldest, and a cold build
cuts the same parts as an incremental one. Each part is a Pagefind bundle
of its own, `pagefind/<part>/`, made again only when the pages in it or
their fingerprints (incremental.py) changed; the search page lists its
language's parts, newest first. Pagefind starts as soon as the story pages
are written and runs beside the rest of the build (IndexJob).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pelican.generators import Generator, PelicanTemplateNotFound

from ..languages import primary
from ..settings import setting
from .incremental import digest_of

logger = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the index's folder in the output, a folder a part
STAGE = ".gnews-search"  # in the output while a build's index is made (IndexJob)
RECORD_NAME = "gnews-search.json"  # in CACHE_PATH: the digest of each part published
ENTRY = "pagefind-entry.json"  # in a part's folder once Pagefind made it
TIMEOUT = 600  # seconds Pagefind may take, all parts together
LONGEST = 4  # a part is cut at this many times GNEWS_SEARCH_PART_PAGES at most
# Pagefind's own search interfaces, which the theme's script does not use:
# left out of each part (a part's folder holds the index and its runtime).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def search_on(settings) -> bool:
    return bool(setting(settings, "GNEWS_SEARCH"))


def language_of(article, settings) -> str:
    """The language without its region or script ("en-US" -> "en"): story
    pages declare it so (`<html lang>`), and Pagefind makes an index per
    declared language, so that an "en" search page finds "en-US" stories."""
    return primary(getattr(article, "language", "") or settings.get("DEFAULT_LANG", "en"), "en")


class SearchGenerator(Generator):
    """search.html and search/<lang>.html, one per language of the stories."""

    def generate_context(self):
        self.search_pages: list[dict] = []
        if not search_on(self.settings):
            self.context["SEARCH_URL"] = ""
            return
        default = primary(self.settings.get("DEFAULT_LANG", "en"), "en")
        languages = {language_of(a, self.settings) for a in self.context.get("articles", [])} | {default}
        for language in sorted(languages, key=lambda code: (code != default, code)):
            url = "search.html" if language == default else f"search/{language}.html"
            self.search_pages.append({"lang": language, "url": url})
        self.context["SEARCH_URL"] = "search.html"

    def generate_output(self, writer):
        if not self.search_pages:
            return
        try:
            template = self.get_template("search")
        except PelicanTemplateNotFound:
            logger.warning("pelican-gnews: the theme has no search.html; no search page")
            return
        # The parts of the index each page searches (the writer plans them
        # from the story pages it wrote).
        parts_of = getattr(writer, "search_parts", lambda language: [])
        for page in self.search_pages:
            writer.write_file(page["url"], template, self.context, relative_urls=self.settings.get("RELATIVE_URLS"),
                              url=page["url"], template_name="search", search_lang=page["lang"],
                              search_pages=self.search_pages, search_parts=parts_of(page["lang"]))


@dataclass(frozen=True)
class StoryPage:
    """A story page as the index sees it."""

    name: str  # its file in the output
    language: str  # language_of() its story
    when: float  # its story's date (a timestamp): the order parts are cut in
    fingerprint: str | None  # what it shows (incremental.py); None: unknown, so always indexed again


def story_page(name: str, article, settings, fingerprint: str | None) -> StoryPage | None:
    """The page of a story, None if search does not index it: a story an
    editor joined to another (its page has no data-pagefind-body, and a
    part of such pages only would be indexed whole)."""
    if getattr(article, "merged_into", None):
        return None
    date = getattr(article, "date", None)
    try:
        when = date.timestamp()
    except (AttributeError, ValueError, OverflowError):
        when = 0.0
    return StoryPage(name, language_of(article, settings), when, fingerprint)


@dataclass(frozen=True)
class Part:
    """Story pages of one language, next to each other in date order."""

    language: str
    pages: tuple[StoryPage, ...]

    @property
    def name(self) -> str:
        """Its folder under pagefind/: stable while its first page is."""
        return hashlib.sha1(f"{self.language}\0{self.pages[0].name}".encode()).hexdigest()[:12]

    def digest(self, tool: str) -> str | None:
        """What its index is made from; None when a page's is unknown."""
        if any(page.fingerprint is None for page in self.pages):
            return None
        return digest_of(tool, self.language, [(page.name, page.fingerprint) for page in self.pages])


def _cut_after(name: str, size: int) -> bool:
    return int.from_bytes(hashlib.sha1(name.encode("utf-8", "surrogatepass")).digest()[:8], "big") % size == 0


def plan_parts(pages: list[StoryPage], size: int) -> list[Part]:
    """The parts of the index, each language's oldest first: cut after a
    page whose address says so (_cut_after), whatever pages come before or
    after it, or at LONGEST times `size` pages."""
    by_language: dict[str, list[StoryPage]] = {}
    for page in {page.name: page for page in pages}.values():  # a file written twice is indexed once
        by_language.setdefault(page.language, []).append(page)
    parts = []
    for language in sorted(by_language):
        run: list[StoryPage] = []
        for page in sorted(by_language[language], key=lambda page: (page.when, page.name)):
            run.append(page)
            if len(run) >= LONGEST * size or _cut_after(page.name, size):
                parts.append(Part(language, tuple(run)))
                run = []
        if run:
            parts.append(Part(language, tuple(run)))
    return parts


def parts_for(parts: list[Part], language: str) -> list[str]:
    """The folders of a language's parts, newest first; for a language no
    story has (DEFAULT_LANG's search page on a site in another language),
    those of the language with most pages, as Pagefind itself falls back
    to."""
    sizes: dict[str, int] = {}
    for part in parts:
        sizes[part.language] = sizes.get(part.language, 0) + len(part.pages)
    if language not in sizes and sizes:
        language = max(sorted(sizes), key=sizes.__getitem__)
    return [part.name for part in reversed(parts) if part.language == language]


def _tool() -> str:
    """Which Pagefind makes the index: a new one makes every part again."""
    versions = []
    for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    return "; ".join(versions) + " " + " ".join(_command(Path("."), "")[2:])


def _load_record(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in record["parts"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


class _Runs:
    """The Pagefind process of the moment, which any thread may stop."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stopped = False
        self.process: subprocess.Popen | None = None

    def start(self, command: list[str], log) -> subprocess.Popen | None:
        with self.lock:
            if self.stopped:
                return None
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            return self.process

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            _stop(self.process)


class IndexJob:
    """Pagefind over the parts of the index whose pages changed, started by
    the writer once the story pages are all written (Pelican writes them
    first, pelican_seams) and run beside the rest of the build, one part
    after another, so that an hourly build waits for the index only as long
    as the index outlasts the other pages. A page is written once a build,
    so each part is the one Pagefind makes at the end. Pagefind reads hard
    links to a part's pages, gathered in a folder of their own: only this
    build's story pages, not the expired ones the writer removes at its end.

    `record`: the file of the digests of the parts published last (None:
    every part is made again)."""

    def __init__(self, output: Path, pages: list[StoryPage], size: int, record: Path | None, reuse: bool):
        self.output = output
        self.stage = output / STAGE
        self.record = record
        self.started = time.monotonic()
        self.parts = plan_parts(pages, size)
        tool = _tool()
        self.digests = {part.name: part.digest(tool) for part in self.parts}
        published = _load_record(record) if reuse else {}
        if record is not None:
            # Gone until the index is in place: a build killed meanwhile
            # leaves none, and the next build makes every part.
            with contextlib.suppress(OSError):
                record.unlink()
        self.todo = [part for part in self.parts if not (
            self.digests[part.name] and published.get(part.name) == self.digests[part.name]
            and (output / BUNDLE / part.name / ENTRY).is_file())]
        self.made: list[str] = []  # parts Pagefind indexed
        self.error = ""
        self._runs = _Runs()
        # A build that fails before its end leaves no Pagefind running.
        weakref.finalize(self, self._runs.stop)
        shutil.rmtree(self.stage, ignore_errors=True)  # a killed build's
        self._thread = threading.Thread(target=self._index, args=(self.todo, self._runs), daemon=True)
        self._thread.start()

    def parts_of(self, language: str) -> list[str]:
        return parts_for(self.parts, language)

    def _index(self, todo: list[Part], runs: _Runs) -> None:
        for part in todo:
            site = self.stage / part.name / "site"
            try:
                for page in part.pages:
                    target = site / page.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(self.output / page.name, target)
                    except OSError:  # a file system without hard links
                        shutil.copyfile(self.output / page.name, target)
                log_path = self.stage / part.name / "pagefind.log"
                with open(log_path, "wb") as log:
                    process = runs.start(_command(site, "**/*.html"), log)
                if process is None:
                    return
                process.wait(timeout=max(1.0, TIMEOUT - (time.monotonic() - self.started)))
            except subprocess.TimeoutExpired as exc:
                runs.stop()
                self.error = str(exc)
                return
            except OSError as exc:
                self.error = _not_started(exc)
                return
            try:
                said = log_path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                said = ""
            self.error = _failure(site / BUNDLE, process.returncode, said)
            if self.error:
                return  # the next part would fail the same way
            self.made.append(part.name)

    def wait(self) -> None:
        """Until Pagefind is done: the writer waits before it touches
        kept pages it reads in place (their sync time, freshness.py)."""
        self._thread.join()

    def reading(self) -> frozenset[str]:
        """The pages Pagefind may read until it is done: those of the parts
        it makes again (it reads them through hard links, which share the
        page's bytes)."""
        return frozenset(page.name for part in self.todo for page in part.pages)

    def publish(self) -> None:
        """The parts made into the output and the parts no page lists out
        of it (or one line why not); the record saved, the folder of links
        removed. A part Pagefind failed on stays as it was, unrecorded: the
        next build makes it again."""
        self.wait()
        bundle = self.output / BUNDLE
        try:
            self._put_in_place(bundle)
        except OSError as exc:
            self.error = self.error or f"{exc.strerror or exc}: {exc.filename or bundle}"
        self.cancel()
        _report(self.error, bundle, len(self.made), len(self.parts), self.started)

    def _put_in_place(self, bundle: Path) -> None:
        if bundle.is_symlink() or (bundle.exists() and not bundle.is_dir()):
            bundle.unlink()  # not a folder this build made
        bundle.mkdir(exist_ok=True)
        for name in self.made:
            made = self.stage / name / "site" / BUNDLE
            for unused in UNUSED:
                (made / unused).unlink(missing_ok=True)
            shutil.rmtree(bundle / name, ignore_errors=True)
            os.replace(made, bundle / name)
        for entry in list(bundle.iterdir()):
            if entry.name not in self.digests:  # a part no more, or an index of an earlier layout
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        failed = {part.name for part in self.todo} - set(self.made)
        with_index = {name: digest for name, digest in self.digests.items()
                      if digest and name not in failed and (bundle / name / ENTRY).is_file()}
        if not any(bundle.iterdir()):
            bundle.rmdir()
        if self.record is not None:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.record.with_name(self.record.name + ".tmp")
            tmp.write_text(json.dumps({"parts": with_index}, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.record)

    def cancel(self) -> None:
        self._runs.stop()
        self._thread.join()
        shutil.rmtree(self.stage, ignore_errors=True)


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()


def _command(site: Path, glob: str) -> list[str]:
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--quiet",
            "--glob", glob]


def _not_started(exc: Exception) -> str:
    return f"{getattr(exc, 'strerror', None) or exc}; install pagefind[extended]"


def _failure(bundle: Path, returncode: int | None, said: str) -> str:
    """Why Pagefind left no index ('' when it did): the last line it said."""
    if returncode == 0 and (bundle / "pagefind.js").is_file():
        return ""
    lines = said.strip().splitlines()
    return lines[-1] if lines else f"exit {returncode}"


def _report(error: str, bundle: Path, made: int, parts: int, started: float) -> None:
    if error:
        logger.warning("pelican-gnews: search index not built: %s", error)
        return
    languages = sorted({p.name[len("wasm."):-len(".pagefind")] for p in bundle.glob("*/wasm.*.pagefind")}
                       - {"unknown"})
    logger.info("pelican-gnews: search index: %d of %d part(s) made in %.1f s (%s)", made, parts,
                time.monotonic() - started, ", ".join(languages) or "one language")


def build_index(pelican) -> None:
    """The index at the end of a build: the parts the writer started
    making beside it put in place. A failure is a warning (the site is
    built; its search pages say search is unavailable until the next
    build). With search off, or no story page to index, there is none."""
    output = Path(pelican.output_path)
    job = getattr(pelican, "gnews_search", None)
    pelican.gnews_search = None
    if job is not None and search_on(pelican.settings) and (output / "search.html").is_file():
        job.publish()
        return
    if job is not None:
        job.cancel()
    shutil.rmtree(output / STAGE, ignore_errors=True)  # a killed build's
    shutil.rmtree(output / BUNDLE, ignore_errors=True)
