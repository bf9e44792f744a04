"""A Pelican reader for Markdown files with YAML front matter (story files).

Pelican's own Markdown reader knows `Key: value` metadata only. This reader
takes files that open with a `---` line, maps the story keys onto Pelican's
metadata, and parses the related-coverage `<ol>` body into plain values for
templates (`article.coverage`). Files without front matter are handed to
Pelican's Markdown reader unchanged.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections import Counter
from datetime import date, datetime, time, timezone

from markdown import Markdown
from markupsafe import Markup, escape
from pelican.readers import MarkdownReader
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import get_date

from .. import editions, frontmatter
from ..cluster import describe, first_ol, parse_cluster, split_headline
from ..ingest.slugs import name_language, name_slug
from ..languages import language_tag, primary, text_direction
from ..text import clean_text, holdable, html_to_text, safe_url
from .render import coverage_html, story_language

logger = logging.getLogger(__name__)

# A story file is a few KB; a bigger one is broken or hostile, and is left
# out with a message rather than parsed (Markdown is not linear on all input).
MAX_STORY_BYTES = 1024 * 1024
# The metadata key holding a digest of the bytes a story was read from:
# Pelican's content cache keeps it with what was read, so a build knows a
# story's input without going over its metadata again (incremental.py).
READ_DIGEST = "gnews_read_digest"
# Editors' notes rendered as Markdown (see notes_html).
MAX_NOTES = 4 * 1024
MAX_NOTE_BLOCK = 1024
# An editor's slug: words of letters, digits, _ and -, optionally in folders;
# never "..", a leading "/", or anything a file name cannot hold.
_SLUG = re.compile(r"[\w-]+(?:/[\w-]+)*")
_URL_KEYS = ("image", "link", "source", "outlet_url", "full_coverage", "publisher_link")
_TEXT_KEYS = ("outlet", "guid")
# Keys naming the story's language; Pelican puts `lang` in page names and
# the theme and search pages put `language` in URLs, so each must be a tag.
_LANGUAGE_KEYS = ("language", "lang")
# Keys whose value may be a YAML list; others must be text.
_LIST_KEYS = frozenset({"categories", "category", "tags", "author", "authors"})
# Keys without which a story cannot be published: a wrong type is an error.
_REQUIRED_TEXT = frozenset({"title", "date"})


class ReadDigest(str):
    """The READ_DIGEST value: a type of its own, which no file can give a
    value of (YAML is read safely, Pelican's readers make text), so a file
    that names the key itself cannot pass for unchanged."""


def _is_scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool, date))


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [clean_text(v, 200) for v in value if _is_scalar(v) and clean_text(v, 200)]
    text = clean_text(value, 2000)
    return [p.strip() for p in re.split(r"[;,]", text) if p.strip()]


def decode_story(data: bytes, source_path) -> str:
    """The file's text. Invalid UTF-8 is reported with its line and shown as
    U+FFFD, so one bad byte costs a character, not the story or the build."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        logger.warning("%s:%d: invalid UTF-8 (byte 0x%02x); read with U+FFFD in its place",
                       source_path, line, data[exc.start])
        return data.decode("utf-8", "replace")


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        # A bare date (the seed's `date: 2026-01-09`) is midnight UTC.
        return datetime.combine(value, time(0, 0), tzinfo=timezone.utc)
    return get_date(clean_text(value, 100))


class StoryReader(MarkdownReader):
    """Markdown with YAML front matter; plain Pelican Markdown otherwise.

    `.txt` files are read too when they open with front matter, as story
    files exported by other tools are (the project's seed story is one); any
    other `.txt` file (robots.txt, notes) is skipped quietly and stays
    static content if it is in STATIC_PATHS.
    """

    file_extensions = [*MarkdownReader.file_extensions, "txt"]

    def read(self, source_path):
        with open(source_path, "rb") as handle:
            data = handle.read(MAX_STORY_BYTES + 1)
        is_txt = str(source_path).lower().endswith(".txt")
        if is_txt and not data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
            return "", {"status": "skip"}  # static text (robots.txt, notes)
        if len(data) > MAX_STORY_BYTES:
            exc = frontmatter.FrontMatterError(
                source_path, None, f"file larger than {MAX_STORY_BYTES // 1024} KB; left out")
            logger.error("%s", exc)
            raise exc
        text = decode_story(data, source_path)
        parts = frontmatter.split(text)
        if parts is None:
            if is_txt:
                return "", {"status": "skip"}
            return self._holdable(*super().read(source_path), source_path)
        yaml_text, body, first_line = parts
        try:
            # What no output can hold (a pasted vertical tab, a NUL) goes
            # before YAML sees it (YAML refuses the file for it) and after
            # (its escapes, "\v", make them again): see _holdable.
            meta = frontmatter.load(holdable(yaml_text, " "), source_path, first_line)
            content, metadata = self._holdable(*self._content(holdable(body), meta, source_path, yaml_text),
                                               source_path)
            # All this reader made came from these bytes and the settings.
            metadata[READ_DIGEST] = ReadDigest(hashlib.sha1(data).hexdigest())
            return content, metadata
        except frontmatter.FrontMatterError as exc:
            # Pelican logs only "Could not process <file>" unless --debug;
            # say what is wrong and where, then let Pelican skip the file.
            logger.error("%s", exc)
            raise

    def _named(self, cls, name: str, language: str):
        """A Tag, Category or Author whose address is spelled as the story's
        slug is, in the story's `language` (slugs.name_slug, as outlets
        have), with a visible name also for a name of symbols only (★, #,
        🔥). A name carried by stories of several languages gets one
        address once every story is read (settle_name_slugs)."""
        item = cls(name, self.settings)
        # A build reads thousands of files naming the same few hundred names.
        memo = self.__dict__.setdefault("_name_slugs", {})
        key = (cls, name, language)
        if key not in memo:
            default = str(self.settings.get("DEFAULT_LANG", "en"))
            memo[key] = name_slug(name, self.settings, cls.__name__.lower(),
                                  language=name_language(name, [language], default, [default]))
        item.slug = memo[key]
        return item

    def _holdable(self, content: str, metadata: dict, source_path) -> tuple[str, dict]:
        """The story as every output can hold it, whichever reader read it:
        the one place where text.holdable meets every value of a story file
        (content, text values, names of tags, sections and authors), so
        Atom, JSON, HTML and YAML never get a character they cannot hold.
        A language value that is no language tag is left out with a warning
        (it names search pages and, with Pelican's `lang`, story pages)."""
        language = story_language({k: metadata[k] for k in _LANGUAGE_KEYS if language_tag(metadata.get(k))})

        def clean(value):
            if isinstance(value, str):
                return holdable(value)
            if isinstance(value, list):
                return [clean(v) for v in value]
            if isinstance(value, tuple):
                return tuple(clean(v) for v in value)
            if isinstance(value, dict):
                return {clean(k): clean(v) for k, v in value.items()}
            if isinstance(value, (Tag, Category, Author)):
                # Pelican's own reader's (slug made from the name on first
                # use; empty for "★") and any whose name had to change.
                if getattr(value, "_slug_from_name", True) or holdable(value.name) != value.name:
                    return self._named(type(value), holdable(value.name), language)
            return value

        metadata = {key: clean(value) for key, value in metadata.items()}
        for key in _LANGUAGE_KEYS:
            if key in metadata and not language_tag(metadata[key]):
                value = metadata.pop(key)
                if value:
                    logger.warning("%s: %s %r is not a language tag (en, pt-BR, zh-Hant); ignored",
                                   source_path, key, clean_text(value, 80))
        if "language" not in metadata:
            metadata.pop("foreign_lang", None)
        return clean(content), metadata

    def _content(self, body: str, meta: dict, source_path: str, yaml_text: str = ""):
        where = first_ol(body)
        cluster = parse_cluster(body[where[0]:where[1]] if where else body)
        coverage = [e.as_dict() for e in cluster.entries]
        metadata: dict = {}
        names: dict[str, tuple] = {}  # named once the story's language is known

        def problem(key, what):
            return frontmatter.FrontMatterError(source_path, frontmatter.line_of(yaml_text, key), what)

        for key, value in meta.items():
            key = str(key).lower()
            if value is None:
                continue
            if key == "story":
                # An editor's join (merge.py): checked against the site's
                # slugs once every file is read; kept as written until then.
                metadata["story"] = value
                metadata["story_line"] = frontmatter.line_of(yaml_text, key)
                continue
            if key == "editions":
                # Which editions carried it (editions.py): a list of codes and sections.
                where = f"{source_path}:{frontmatter.line_of(yaml_text, key) or ''}".rstrip(":")
                metadata["editions"] = editions.parse(value, where)
                continue
            if isinstance(value, dict) or (isinstance(value, (list, tuple)) and key not in _LIST_KEYS):
                # Text where a list or mapping was written: say so, rather
                # than publishing "['a', 'b']".
                if isinstance(value, dict) or not all(_is_scalar(v) for v in value):
                    if key in _REQUIRED_TEXT:
                        raise problem(key, f"{key} must be text, not a {type(value).__name__}")
                    logger.warning("%s; ignored", problem(key, f"{key} must be text, not a {type(value).__name__}"))
                    continue
                logger.warning("%s", problem(key, f"{key} is a list; read as one text, its items joined by ', '"))
                value = ", ".join(str(v) for v in value)
            if key == "title":
                title = clean_text(value)
                metadata["title"] = Markup(escape(title))
                metadata["plain_title"] = title
            elif key == "date" or key == "modified":
                try:
                    metadata[key] = _as_datetime(value)
                except (ValueError, OverflowError, TypeError) as exc:
                    raise problem(key, f"invalid {key} {clean_text(value, 80)!r}: {exc}") from None
            elif key in ("description", "summary"):
                raw = str(value)
                # Google's description flattened to text leaves "Headline&nbsp;&nbsp;Outlet"
                # runs glued together; rebuild readable text from the cluster instead.
                text = describe(cluster.entries) if "&nbsp;" in raw and cluster.entries else html_to_text(raw)
                metadata[key] = Markup(escape(text)) if key == "summary" else text
            elif key == "slug":
                slug = clean_text(value, 200)
                if slug and _SLUG.fullmatch(slug):
                    metadata["slug"] = slug
                elif slug:
                    logger.warning("%s; the slug is made from the title instead", problem(
                        key, f"slug {slug!r} is not a page name (letters, digits, - and _, folders by /)"))
            elif key == "draft":
                line = frontmatter.line_of(yaml_text, key)
                if frontmatter.flag(value, key, unclear=True, where=source_path, line=line):
                    metadata["status"] = "draft"
            elif key == "status":
                metadata["status"] = clean_text(value, 20)
            elif key in ("categories", "category"):
                first = _as_list(value)[:1]
                if first:
                    names["category"] = (Category, first)
            elif key == "tags":
                names["tags"] = (Tag, _as_list(value))
            elif key in ("author", "authors"):
                names["authors"] = (Author, _as_list(value))
            elif key in _URL_KEYS:
                metadata[key] = safe_url(value)
            elif key in _LANGUAGE_KEYS:
                tag = language_tag(clean_text(value, 100))
                if tag:
                    metadata[key] = tag
                elif clean_text(value, 100):
                    logger.warning("%s; ignored", problem(key, f"{key} {clean_text(value, 80)!r} is not a language "
                                                              "tag (en, pt-BR, zh-Hant)"))
            elif key in _TEXT_KEYS:
                metadata[key] = clean_text(value, 500)
            else:
                metadata[key] = value
        language = story_language(metadata)
        for key, (cls, values) in names.items():
            metadata[key] = [self._named(cls, name, language) for name in values]
        if "category" in names:
            metadata["category"] = metadata["category"][0]
        if metadata.get("authors"):
            metadata["author"] = metadata["authors"][0]
        else:
            metadata.pop("authors", None)

        title = metadata.get("plain_title", "")
        metadata["headline"], metadata["outlet"] = split_headline(
            title, metadata.get("outlet", ""), [e["outlet"] for e in coverage])
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
        if language and primary(language) != primary(site_language):
            metadata["foreign_lang"] = language
        content = coverage_html(coverage, metadata["full_coverage"])
        # The story page lists the coverage itself (with when each outlet
        # joined, ranking.py); the editor's notes follow it.
        notes = self._notes_html(body, has_cluster=bool(coverage))
        metadata["notes_html"] = Markup(notes)
        return content + notes, metadata

    def _notes_html(self, body: str, has_cluster: bool) -> str:
        """The editor's own text beside the cluster, as HTML (Markdown allowed).

        The cluster's <ol> is replaced by the list rebuilt from parsed values,
        so feed markup never reaches a page; the rest is the editor's.
        """
        where = first_ol(body) if has_cluster else None
        rest = body[: where[0]] + body[where[1]:] if where else body
        if not rest.strip():
            return ""
        return '<div class="notes">' + notes_html(rest, self.settings["MARKDOWN"]) + "</div>"


def names_of(story):
    """The Tag, Category and Author objects a story carries."""
    yield from getattr(story, "tags", None) or ()
    for attr in ("category", "author"):
        if getattr(story, attr, None) is not None:
            yield getattr(story, attr)
    yield from getattr(story, "authors", None) or ()


def settle_name_slugs(stories, settings) -> None:
    """One address per name once every story is read: a tag, section or
    author carried by stories of several languages is spelled by the one
    language slugs.name_language picks from the set of them (the reader
    spelled it in each story's own), and so is every object naming it
    (Pelican groups them by slug), whatever order the files were read in.
    Names of Pelican's own making (DEFAULT_CATEGORY, a folder's name) get
    the same rules."""
    groups: dict[tuple[type, str], tuple[set[str], list]] = {}  # languages, objects
    for story in stories:
        language = story_language(getattr(story, "metadata", {}))
        for item in names_of(story):
            group = groups.get((type(item), item.name))
            if group is None:
                group = groups[(type(item), item.name)] = (set(), [])
            group[0].add(language)
            group[1].append(item)
    site = set().union(*(languages for languages, _ in groups.values()))
    default = str(settings.get("DEFAULT_LANG", "en"))
    for (cls, name), (languages, items) in groups.items():
        slug = name_slug(name, settings, cls.__name__.lower(),
                         language=name_language(name, languages, default, site))
        for item in items:
            if item.slug != slug:
                item.slug = slug
    settle_name_spellings(stories)


def settle_name_spellings(stories) -> None:
    """One spelling per address: names of one slug ("Drought" and
    "drought") are all shown as most stories write them (ties to the
    spelling that sorts first). Pelican would show the tag page under the
    spelling of whichever story it reads first, which changes as stories
    come and go, and every page of that tag with it. A renamed name is a
    copy: the story's own object may be in Pelican's content cache, which
    must keep the file's spelling."""
    counts: dict[tuple[type, str], Counter] = {}
    for story in stories:
        for item in names_of(story):
            counts.setdefault((type(item), item.slug), Counter())[item.name] += 1
    shown = {key: min(names, key=lambda name: (-names[name], name))
             for key, names in counts.items() if len(names) > 1}
    if not shown:
        return

    def spelled(item):
        name = shown.get((type(item), item.slug), item.name)
        if name == item.name:
            return item
        renamed = copy.copy(item)
        renamed.slug = item.slug  # kept: a new name would make a new slug
        renamed.name = name
        return renamed

    for story in stories:
        for attr in ("tags", "authors"):
            if getattr(story, attr, None):
                setattr(story, attr, [spelled(item) for item in getattr(story, attr)])
        for attr in ("category", "author"):
            if getattr(story, attr, None) is not None:
                setattr(story, attr, spelled(getattr(story, attr)))


def notes_html(text: str, markdown_settings: dict) -> str:
    """Editors' notes as HTML, in time bounded by their size.

    Python-Markdown is quadratic or worse on some input (a long run of "["
    or of unclosed tags takes minutes) and recurses into nested lists until
    it overflows. So Markdown renders notes of up to MAX_NOTES, in blocks of
    up to MAX_NOTE_BLOCK (a paragraph, a list); longer notes, or notes
    Markdown fails on, are shown as plain text paragraphs.
    """
    blocks = re.split(r"\n[ \t]*\n", text)
    if len(text) <= MAX_NOTES and all(len(b) <= MAX_NOTE_BLOCK for b in blocks):
        try:
            return Markdown(**markdown_settings).convert(text)
        except RecursionError:
            pass
    return "".join(f"<p>{escape(b.strip())}</p>" for b in blocks if b.strip())

