"""Story files on disk: what a story's file says, how a story is known, and
writing files safely.

One story is one Markdown file with YAML front matter in GNEWS_CONTENT_DIR,
named after its slug. Which files may be rewritten is the sync's decision
(sync.py, with the state in state.py); this module only writes what it is
given (atomically, see atomic.py), and finds files from before the state
existed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import editions, frontmatter
from ..cluster import MAX_ENTRIES, describe, parse_cluster, render_cluster
from .parse import ParsedFeed, Story
from .slugs import pelican_slug, unicode_wanted, unique_slug
from .tags import ARTICLES, Vocabulary, make_tags

logger = logging.getLogger(__name__)

STORY_SUFFIX = ".md"
# Every file the story reader takes (reader.StoryReader.file_extensions):
# their slugs are taken too.
_READ_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown", ".txt"}
# Front-matter lines the index needs, found without a full YAML parse.
# (Greedy, its trailing blanks cut after: a lazy value tried `[ \t]*$` at
# every character of a 250-character link.)
_INDEX_LINE = re.compile(r"^(slug|guid|link|title|story|joins):[ \t]*(.*)$", re.MULTILINE | re.IGNORECASE)
# Keys by which editors decide joins (sync.py): a story file's `story:` and `joins:`.
EDITORS_KEYS = ("story", "joins")


class StoreError(Exception):
    pass


def story_fields(story: Story, feed: ParsedFeed, *, slug: str, source: str, category: str,
                 max_tags: int, publisher_link: str = "", vocabulary: Vocabulary | None = None,
                 carried: dict[str, list[str]] | None = None) -> list[tuple[str, object, str]]:
    """The front matter of a story's file: the seed's keys in the seed's order,
    then the facts the seed has no place for."""
    others = [e.headline for e in story.coverage if e.link != story.link and e.headline != story.headline]
    tags = make_tags(story.headline, outlet=story.outlet, others=others,
                     language=feed.language or "en", limit=max_tags, vocabulary=vocabulary)
    lead = f"{story.headline} — {story.outlet}" if story.outlet else story.headline
    section = category or feed.section
    return [
        ("title", story.title, '"'),
        ("date", story.published, ""),
        ("description", lead, '"'),
        ("summary", describe(story.coverage) or lead, '"'),
        ("slug", slug, '"'),
        ("image", story.image, "'"),
        ("link", story.link, "'"),
        ("source", source, "'"),
        ("categories", [section] if section else [], "'"),
        ("tags", tags, "'"),
        ("draft", False, ""),
        ("outlet", story.outlet, '"'),
        ("outlet_url", story.outlet_url, "'"),
        ("guid", story.guid, "'"),
        ("language", feed.language, "'"),
        # The editions that carried it, and in which sections (editions.py).
        *([("editions", editions.entries(carried), "'")] if carried else []),
        # The lead article's own address (GNEWS_RESOLVE_LINKS), when known.
        *([("publisher_link", publisher_link, "'")] if publisher_link else []),
    ]


def render_story(story: Story, feed: ParsedFeed, **kwargs) -> bytes:
    text = frontmatter.dump(story_fields(story, feed, **kwargs))
    return (text + render_cluster(story.coverage, story.cluster.full_coverage) + "\n").encode("utf-8")


# Quote style of each key this tool writes (see story_fields).
FIELD_STYLES = {
    "title": '"', "description": '"', "summary": '"', "slug": '"', "outlet": '"',
    "date": "", "draft": "",
}


def grown_story(data: bytes, story: Story, path: Path, carried: dict[str, list[str]] | None = None) -> bytes | None:
    """The story file with the feed's new related coverage appended, and
    the editions of `carried` it does not list yet, or None when neither
    brings anything new.

    Only called for files this tool wrote and nobody edited since, so the
    front matter is ours; entries are appended, never dropped or reordered.
    """
    parts = frontmatter.split(data.decode("utf-8"))
    if parts is None:
        return None
    yaml_text, body, first_line = parts
    meta = frontmatter.load(yaml_text, path, first_line)
    cluster = parse_cluster(body)
    known_links = {e.link for e in cluster.entries}
    known = {(e.headline, e.outlet) for e in cluster.entries}
    new = [e for e in story.coverage if e.link not in known_links and (e.headline, e.outlet) not in known]
    # The list is capped like a parsed one: a feed that rotates its related
    # coverage must not grow a file without bound.
    new = new[: max(0, MAX_ENTRIES - len(cluster.entries))]
    listed = editions.parse(meta.get("editions") or [], str(path))
    spread = editions.union(listed, carried or {})
    if not new and spread == listed:
        return None
    entries = list(cluster.entries) + new
    if new:
        meta["summary"] = describe(entries)
    if spread:
        meta["editions"] = editions.entries(spread)
    fields = [(key, value, FIELD_STYLES.get(key, "'")) for key, value in meta.items()]
    full = cluster.full_coverage or story.cluster.full_coverage
    return (frontmatter.dump(fields) + render_cluster(entries, full) + "\n").encode("utf-8")


def _index_value(raw: str) -> str:
    """A front-matter scalar read by the fast path (quoted or plain)."""
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        # This tool writes double-quoted values as JSON strings (a subset of
        # YAML's); anything else a person wrote goes through YAML.
        with contextlib.suppress(ValueError):
            value = json.loads(raw)
            if isinstance(value, str):
                return value
        try:
            return frontmatter.load(f"v: {raw}", "<index>")["v"]
        except ValueError:
            return raw[1:-1]
    return raw


def _story_files(root: Path) -> list[str]:
    """The files under `root` the story reader takes, in path order.
    Regular files only, told by their folder entry without a stat: a FIFO
    would block the read, a link may lead anywhere; no folder link is
    followed, so a loop costs nothing."""
    found, folders = [], [str(root)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif (os.path.splitext(entry.name)[1].lower() in _READ_SUFFIXES
                          and entry.is_file(follow_symlinks=False)):
                        found.append(entry.path)
        except OSError:
            continue  # an unreadable folder, as a glob passes it by
    found.sort(key=lambda path: path.split(os.sep))  # as Paths sort: part by part
    return found


@dataclass
class ContentIndex:
    """What is on disk: story files by identity, and every slug in use."""

    by_key: dict[str, Path] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)
    by_slug: dict[str, Path] = field(default_factory=dict)  # story files in GNEWS_CONTENT_DIR
    # Editors' join keys of story files: path -> key -> (value, line number)
    decisions: dict[Path, dict[str, tuple[str, int]]] = field(default_factory=dict)

    @classmethod
    def scan(cls, site_path: Path, content_dir: Path) -> ContentIndex:
        index = cls()
        if not site_path.is_dir():
            return index
        inside = os.path.join(str(content_dir), "")
        for path in _story_files(site_path):
            found = index._head_fields(path)
            if found is None:
                continue
            fields, lines = found
            slug = fields.get("slug") or pelican_slug(fields.get("title", ""))
            if slug:
                index.slugs.add(slug)
            if path.startswith(inside):
                story = Path(path)
                index.slugs.add(story.stem)  # a file name is taken even if its slug differs
                index.by_slug.setdefault(slug or story.stem, story)
                for key in ("guid", "link"):
                    if fields.get(key):
                        index.by_key.setdefault(f"{key}:{fields[key]}", story)
                said = {key: (fields[key], lines[key]) for key in EDITORS_KEYS if key in fields}
                if said:
                    index.decisions[story] = said
        return index

    @staticmethod
    def _head_fields(path: str) -> tuple[dict[str, str], dict[str, int]] | None:
        """The file's indexed fields, and the line each is on."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                head = handle.read(64 * 1024)
        except OSError:
            return None
        first = 1
        if head.startswith("---"):
            parts = frontmatter.split(head)
            head, first = (parts[0], 2) if parts else (head, 1)
        else:
            # Pelican-style "Key: value" metadata at the top of a Markdown file.
            head = head.split("\n\n", 1)[0]
        fields, lines = {}, {}
        for match in _INDEX_LINE.finditer(head):
            key = match.group(1).lower()
            fields[key] = _index_value(match.group(2).rstrip(" \t"))
            lines[key] = first + head.count("\n", 0, match.start())
        return fields, lines

    def find(self, story: Story) -> Path | None:
        for key in (f"guid:{story.guid}", f"link:{story.link}"):
            if key in self.by_key:
                return self.by_key[key]
        return None

    def add(self, story: Story, slug: str, path: Path) -> None:
        self.slugs.add(slug)
        for key, value in (("guid", story.guid), ("link", story.link)):
            if value:
                self.by_key.setdefault(f"{key}:{value}", path)


# Lower-case Latin, or letters and digits of any script (GNEWS_SLUG_UNICODE):
# no dot, slash or backslash, so never a path.
_SAFE_SLUG = re.compile(r"[^\W_][\w-]{0,199}")


def story_path(content_dir: Path, slug: str) -> Path:
    """The file for a slug, always directly inside `content_dir` (a resolved
    path from the settings): a slug of letters, digits and dashes cannot leave that folder,
    and anything else is refused. (Reserved names such as `con` never come
    out of slugs.unique_slug.)"""
    if not _SAFE_SLUG.fullmatch(slug):
        raise StoreError(f"refusing to write a story with the unsafe slug {slug[:80]!r}")
    return content_dir / f"{slug}{STORY_SUFFIX}"


_WORDS = re.compile(r"[^\W_]+")


def slug_title(story: Story) -> str:
    """What a story's slug is made of: its title as Google writes it
    ("Headline - Outlet"), or the headline alone when its last words
    already name the outlet ("… | NHK - nhk.or.jp", "… - BBC News - BBC"),
    which the slug would otherwise spell twice."""
    words = [w for w in _WORDS.findall(story.outlet.lower()) if len(w) >= 3 and w not in ARTICLES]
    tail = _WORDS.findall(story.headline.lower())[-3:]
    return story.headline if words and words[0] in tail else story.title


def new_slug(story: Story, index: ContentIndex, ident: str, language: str = "", unicode_setting=False) -> str:
    unicode = unicode_wanted(language, unicode_setting)
    return unique_slug(slug_title(story), ident, index.slugs, language, unicode=unicode)
