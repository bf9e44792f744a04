"""Static search: a Pagefind index built with the site, and its search pages.

Pagefind (`pagefind[extended]` on PyPI: the binary, with Chinese and
Japanese word segmentation) reads the built story pages, which the theme
marks for it (`data-pagefind-body`, the headline, outlet, date and section
as metadata, section and outlet as filters), and writes `pagefind/`: one
index per page language (`<html lang>`), fetched in fragments by the search
page's script. Only search pages load a script; everything else stays
readable without JavaScript.

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
story pages declare "en", not "en-US", see language_of()). The index is built
with every build (GNEWS_SEARCH), from the story pages retention keeps: its
cost follows the site's bounded size, not its age. Pagefind starts as soon as
the story pages are written and runs beside the rest of the build (IndexJob).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
import weakref
from pathlib import Path

from pelican.generators import Generator, PelicanTemplateNotFound

from ..languages import primary
from ..settings import setting

logger = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the index's folder in the output
STAGE = ".gnews-search"  # in the output while a build's index is made (IndexJob)
TIMEOUT = 600  # seconds Pagefind may take


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
        for page in self.search_pages:
            writer.write_file(page["url"], template, self.context, relative_urls=self.settings.get("RELATIVE_URLS"),
                              url=page["url"], template_name="search", search_lang=page["lang"],
                              search_pages=self.search_pages)


def story_glob(settings) -> str:
    """The files Pagefind reads: where story pages are written. Only they
    are indexed (data-pagefind-body), and reading the thousands of list,
    tag, outlet and archive pages besides would cost most of the time."""
    save_as = str(settings.get("ARTICLE_SAVE_AS") or "{slug}.html")
    if "/" not in save_as and save_as.endswith(".html"):
        return "*.html"
    return "**/*.html"


class IndexJob:
    """Pagefind over one build's story pages, started by the writer once
    they are all written (Pelican writes them first, pelican_seams) and run
    beside the rest of the build, so that an hourly build waits for the
    index only as long as the index outlasts the other pages. A page is
    written once a build, so the index is the one Pagefind makes at the
    end. Pagefind reads hard links to the pages, gathered in a folder of
    their own: only this build's story pages, not the expired ones the
    writer removes at its end."""

    def __init__(self, output: Path, pages: list[str]):
        self.output = output
        self.stage = output / STAGE
        self.site = self.stage / "site"
        self.started = time.monotonic()
        self.process: subprocess.Popen | None = None
        self.error = ""
        shutil.rmtree(self.stage, ignore_errors=True)  # a killed build's
        try:
            for name in pages:
                target = self.site / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(output / name, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(output / name, target)
            with open(self.stage / "pagefind.log", "wb") as log:
                self.process = subprocess.Popen(_command(self.site, "**/*.html"), stdout=log,
                                                stderr=subprocess.STDOUT)
        except OSError as exc:
            self.error = _not_started(exc)
        # A build that fails before its end leaves no Pagefind running.
        weakref.finalize(self, _stop, self.process)

    def wait(self) -> None:
        """Until Pagefind is done: the writer waits before it touches
        kept pages in place (their sync time, freshness.py)."""
        if self.process is None or self.process.returncode is not None:
            return
        try:
            self.process.wait(timeout=max(1.0, TIMEOUT - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired as exc:
            _stop(self.process)
            self.error = str(exc)

    def publish(self) -> None:
        """The index into the output (or one line why not); the folder of
        links removed."""
        self.wait()
        bundle = self.site / BUNDLE
        if not self.error:
            try:
                said = (self.stage / "pagefind.log").read_text(encoding="utf-8", errors="replace")
            except OSError:
                said = ""
            self.error = _failure(bundle, self.process.returncode, said)
        if not self.error:
            shutil.rmtree(self.output / BUNDLE, ignore_errors=True)
            os.replace(bundle, self.output / BUNDLE)
        self.cancel()
        _report(self.error, self.output / BUNDLE, self.started)

    def cancel(self) -> None:
        _stop(self.process)
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


def _report(error: str, bundle: Path, started: float) -> None:
    if error:
        logger.warning("pelican-gnews: search index not built: %s", error)
        return
    languages = sorted(p.name[len("wasm."):-len(".pagefind")] for p in bundle.glob("wasm.*.pagefind"))
    logger.info("pelican-gnews: search index built in %.1f s (%s)", time.monotonic() - started,
                ", ".join(languages) or "one language")


def build_index(pelican) -> None:
    """The index at the end of a build: the one the writer started beside
    it, or else Pagefind over the output's story pages now. A failure is a
    warning (the site is built; its search pages say search is
    unavailable until the next build)."""
    output = Path(pelican.output_path)
    job = getattr(pelican, "gnews_search", None)
    pelican.gnews_search = None
    if job is None:
        shutil.rmtree(output / STAGE, ignore_errors=True)  # a killed build's
    if not search_on(pelican.settings) or not (output / "search.html").is_file():
        if job is not None:
            job.cancel()
        if not search_on(pelican.settings):
            shutil.rmtree(output / BUNDLE, ignore_errors=True)  # an index from when search was on
        return
    if job is not None:
        job.publish()
        return
    bundle = output / BUNDLE
    # A fresh bundle each build: its file names change with its content.
    shutil.rmtree(bundle, ignore_errors=True)
    started = time.monotonic()
    try:
        done = subprocess.run(_command(output, story_glob(pelican.settings)), capture_output=True, text=True,
                              timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _report(_not_started(exc), bundle, started)
        return
    _report(_failure(bundle, done.returncode, done.stderr or done.stdout), bundle, started)
