"""A Pelican reader for Markdown files with YAML front matter (story files).

Pelican's own Markdown reader knows `Key: value` metadata only. This reader
takes files that open with a `---` line, maps the story keys onto Pelican's
metadata, and parses the related-coverage `<ol>` body into plain values for
templates (`article.coverage`). Files without front matter are handed to
Pelican's Markdown reader unchanged.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timezone

from markdown import Markdown
from markupsafe import Markup, escape
from pelican.readers import MarkdownReader
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import get_date

from . import frontmatter
from .cluster import describe, parse_cluster
from .render import coverage_html, text_direction
from .text import clean_text, html_to_text, safe_url

logger = logging.getLogger(__name__)

_FIRST_OL = re.compile(r"<ol\b.*?</ol\s*>", re.IGNORECASE | re.DOTALL)
_TRUE = {"true", "yes", "on", "1"}
_URL_KEYS = ("image", "link", "source", "outlet_url", "full_coverage")
_TEXT_KEYS = ("outlet", "guid", "language")


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [clean_text(v, 200) for v in value if clean_text(v, 200)]
    text = clean_text(value, 2000)
    return [p.strip() for p in re.split(r"[;,]", text) if p.strip()]


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        # A bare date (the seed's `date: 2026-01-09`) is midnight UTC.
        return datetime.combine(value, time(0, 0), tzinfo=timezone.utc)
    return get_date(clean_text(value, 100))


def _headline(title: str, outlet: str, coverage) -> tuple[str, str]:
    """(headline, outlet): the title without its " - Outlet" suffix."""
    candidates = [outlet] if outlet else [e["outlet"] for e in coverage]
    for name in candidates:
        suffix = f" - {name}"
        if name and title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip(), name
    return title, outlet


class StoryReader(MarkdownReader):
    """Markdown with YAML front matter; plain Pelican Markdown otherwise.

    `.txt` files are read too when they open with front matter, as story
    files exported by other tools are (the project's seed story is one); any
    other `.txt` file (robots.txt, notes) is skipped quietly and stays
    static content if it is in STATIC_PATHS.
    """

    file_extensions = [*MarkdownReader.file_extensions, "txt"]

    def read(self, source_path):
        with open(source_path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
        parts = frontmatter.split(text)
        if parts is None:
            if str(source_path).lower().endswith(".txt"):
                return "", {"status": "skip"}
            return super().read(source_path)
        yaml_text, body, first_line = parts
        try:
            meta = frontmatter.load(yaml_text, source_path, first_line)
            return self._content(body, meta, source_path)
        except frontmatter.FrontMatterError as exc:
            # Pelican logs only "Could not process <file>" unless --debug;
            # say what is wrong and where, then let Pelican skip the file.
            logger.error("%s", exc)
            raise

    def _content(self, body: str, meta: dict, source_path: str):
        cluster = parse_cluster(body)
        coverage = [e.as_dict() for e in cluster.entries]
        metadata: dict = {}
        for key, value in meta.items():
            key = str(key).lower()
            if value is None:
                continue
            if key == "title":
                title = clean_text(value)
                metadata["title"] = Markup(escape(title))
                metadata["plain_title"] = title
            elif key == "date" or key == "modified":
                try:
                    metadata[key] = _as_datetime(value)
                except (ValueError, OverflowError) as exc:
                    raise frontmatter.FrontMatterError(source_path, None, f"invalid {key} {value!r}: {exc}") from None
            elif key in ("description", "summary"):
                raw = str(value)
                # Google's description flattened to text leaves "Headline&nbsp;&nbsp;Outlet"
                # runs glued together; rebuild readable text from the cluster instead.
                text = describe(cluster.entries) if "&nbsp;" in raw and cluster.entries else html_to_text(raw)
                metadata[key] = Markup(escape(text)) if key == "summary" else text
            elif key == "slug":
                slug = clean_text(value, 200)
                if slug:
                    metadata["slug"] = slug
            elif key == "draft":
                if value is True or str(value).strip().lower() in _TRUE:
                    metadata["status"] = "draft"
            elif key == "status":
                metadata["status"] = clean_text(value, 20)
            elif key in ("categories", "category"):
                names = _as_list(value)
                if names:
                    metadata["category"] = Category(names[0], self.settings)
            elif key == "tags":
                metadata["tags"] = [Tag(name, self.settings) for name in _as_list(value)]
            elif key in ("author", "authors"):
                metadata["authors"] = [Author(n, self.settings) for n in _as_list(value)]
                metadata["author"] = metadata["authors"][0] if metadata["authors"] else None
            elif key in _URL_KEYS:
                metadata[key] = safe_url(value)
            elif key in _TEXT_KEYS:
                metadata[key] = clean_text(value, 500)
            else:
                metadata[key] = value
        if metadata.get("author") is None:
            metadata.pop("author", None)
            metadata.pop("authors", None)

        title = metadata.get("plain_title", "")
        metadata["headline"], metadata["outlet"] = _headline(title, metadata.get("outlet", ""), coverage)
        metadata["coverage"] = coverage
        metadata["full_coverage"] = metadata.get("full_coverage") or cluster.full_coverage
        metadata["sources_count"] = len(cluster.outlets)
        # Precomputed for the templates, which render a card per story on
        # many pages: the other outlets, and lang/dir where the story's
        # language is not the site's.
        metadata["related_outlets"] = [o for o in cluster.outlets if o != metadata["outlet"]]
        metadata["text_dir"] = text_direction(metadata.get("language", ""))
        language = metadata.get("language", "")
        site_language = str(self.settings.get("DEFAULT_LANG", "en"))
        if language and language.split("-")[0].lower() != site_language.split("-")[0].lower():
            metadata["foreign_lang"] = language
        content = coverage_html(coverage, metadata["full_coverage"])
        return content + self._notes_html(body, has_cluster=bool(coverage)), metadata

    def _notes_html(self, body: str, has_cluster: bool) -> str:
        """The editor's own text beside the cluster, as HTML (Markdown allowed).

        The cluster's <ol> is replaced by the list rebuilt from parsed values,
        so feed markup never reaches a page; the rest is the editor's.
        """
        rest = _FIRST_OL.sub("", body, count=1) if has_cluster else body
        if not rest.strip():
            return ""
        return '<div class="notes">' + Markdown(**self.settings["MARKDOWN"]).convert(rest) + "</div>"
