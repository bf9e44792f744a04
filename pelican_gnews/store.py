"""Story files on disk: what a story's file says, and writing it safely.

One story is one Markdown file with YAML front matter in GNEWS_CONTENT_DIR,
named after its slug. Files already on disk belong to their editors: the store
finds them by the story's guid or link and never rewrites them.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import frontmatter
from .cluster import render_cluster
from .parse import ParsedFeed, Story
from .slugs import base_slug, story_id, unique_slug
from .tags import make_tags

logger = logging.getLogger(__name__)

STORY_SUFFIX = ".md"
# Suffix of files being written: no Pelican reader takes it, so a crash
# mid-write can never put a half-written story on the site.
TEMP_SUFFIX = ".gnews-tmp"
# Front-matter lines the index needs, found without a full YAML parse.
_INDEX_LINE = re.compile(r"^(slug|guid|link|title):[ \t]*(.*?)[ \t]*$", re.MULTILINE)


class StoreError(Exception):
    pass


def describe(entries) -> str:
    """Readable one-line text of a cluster: 'Headline — Outlet · Headline — Outlet'."""
    return " · ".join(f"{e.headline} — {e.outlet}" if e.outlet else e.headline for e in entries)


def story_fields(story: Story, feed: ParsedFeed, *, slug: str, source: str, category: str,
                 max_tags: int) -> list[tuple[str, object, str]]:
    """The front matter of a story's file: the seed's keys in the seed's order,
    then the facts the seed has no place for."""
    others = [e.headline for e in story.coverage if e.link != story.link and e.headline != story.headline]
    tags = make_tags(story.headline, outlet=story.outlet, others=others,
                     language=feed.language or "en", limit=max_tags)
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
    ]


def render_story(story: Story, feed: ParsedFeed, **kwargs) -> str:
    text = frontmatter.dump(story_fields(story, feed, **kwargs))
    return text + render_cluster(story.coverage, story.cluster.full_coverage) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one,
    never a part: a temporary file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with _suppress_os_error():
            os.unlink(tmp)
        raise
    with _suppress_os_error():
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class _suppress_os_error:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is not None and issubclass(kind, OSError)


def _index_value(raw: str) -> str:
    """A front-matter scalar read by the fast path (quoted or plain)."""
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        try:
            return frontmatter.load(f"v: {raw}", "<index>")["v"]
        except ValueError:
            return raw[1:-1]
    return raw


@dataclass
class ContentIndex:
    """What is on disk: story files by identity, and every slug in use."""

    by_key: dict[str, Path] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, site_path: Path, content_dir: Path) -> ContentIndex:
        index = cls()
        if not site_path.is_dir():
            return index
        for path in sorted(site_path.rglob(f"*{STORY_SUFFIX}")):
            fields = index._head_fields(path)
            if fields is None:
                continue
            slug = fields.get("slug") or base_slug(fields.get("title", ""))
            if slug:
                index.slugs.add(slug)
            if path.parent == content_dir or content_dir in path.parents:
                index.slugs.add(path.stem)  # a file name is taken even if its slug differs
                for key in ("guid", "link"):
                    if fields.get(key):
                        index.by_key.setdefault(f"{key}:{fields[key]}", path)
        return index

    @staticmethod
    def _head_fields(path: Path) -> dict[str, str] | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                head = handle.read(64 * 1024)
        except OSError:
            return None
        if head.startswith("---"):
            parts = frontmatter.split(head)
            head = parts[0] if parts else head
        else:
            # Pelican-style "Key: value" metadata at the top of a Markdown file.
            head = head.split("\n\n", 1)[0]
        return {key.lower(): _index_value(value) for key, value in _INDEX_LINE.findall(head)}

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


def story_path(content_dir: Path, slug: str) -> Path:
    path = (content_dir / f"{slug}{STORY_SUFFIX}").resolve()
    # Slugs are [a-z0-9-] by construction; this is the belt to those braces.
    if path.parent != content_dir.resolve():
        raise StoreError(f"refusing to write outside {content_dir}: {path}")
    return path


def new_slug(story: Story, index: ContentIndex) -> str:
    return unique_slug(story.title, story_id(story.guid, story.link, story.title), index.slugs)
