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
story pages declare "en", not "en-US", see language_of()). The index is built at the
end of every build (GNEWS_SEARCH), from the story pages retention keeps: its
cost follows the site's bounded size, not its age.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pelican.generators import Generator, PelicanTemplateNotFound

from ..languages import primary
from ..settings import setting

logger = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the index's folder in the output


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


def build_index(pelican) -> None:
    """Run Pagefind over the output: a failure is a warning (the site is
    built; its search pages say search is unavailable until the next build)."""
    output = Path(pelican.output_path)
    if not search_on(pelican.settings):
        shutil.rmtree(output / BUNDLE, ignore_errors=True)  # an index from when search was on
        return
    if not (output / "search.html").is_file():
        return
    bundle = output / BUNDLE
    # A fresh bundle each build: its file names change with its content.
    shutil.rmtree(bundle, ignore_errors=True)
    started = time.monotonic()
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--output-subdir", BUNDLE, "--quiet",
               "--glob", story_glob(pelican.settings)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.warning("pelican-gnews: search index not built (%s); install pagefind[extended]", exc)
        return
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()
        logger.warning("pelican-gnews: search index not built: %s", detail[-1] if detail else f"exit {done.returncode}")
        return
    languages = sorted(p.name[len("wasm."):-len(".pagefind")] for p in bundle.glob("wasm.*.pagefind"))
    logger.info("pelican-gnews: search index built in %.1f s (%s)", time.monotonic() - started,
                ", ".join(languages) or "one language")
