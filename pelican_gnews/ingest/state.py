"""Sync state: one human-readable JSON file, committed with the site.

It lives outside PATH (Pelican would read it otherwise) and holds what a sync
must remember between runs:

* per feed: the HTTP validators (ETag, Last-Modified) for conditional GET,
  and, after a 429, the time before which the feed is not asked again;
  and, apart ("status"), what its syncs did for the status page
  (feed_status.py);
* per story: its identity keys (identity.py), the file it was written to,
  the SHA-256 of the bytes last written there, and what ranking needs:
  when it was first seen, its best place in a feed, when each outlet
  joined it. A file whose bytes differ was edited by a
  person and is never rewritten; a file that is gone was deleted (or moved)
  by a person and is never written again.

The file is written atomically and only when its content changes. A lock
file beside it keeps two syncs from interleaving.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import editions, frontmatter
from ..text import safe_url
from . import feed_status
from .atomic import write_atomic

logger = logging.getLogger(__name__)

VERSION = 1


class StateError(Exception):
    pass


class LockTimeout(StateError):
    pass


def _flag(value, where: str, key: str) -> bool:
    """A yes/no value as JSON or a person writes it, read as story files'
    keys are (frontmatter.flag); unclear means yes (for `deleted`, the safe
    side: a story is not brought back)."""
    return frontmatter.flag(value, key, unclear=True, where=where)


def _when(value, where: str) -> str:
    """An ISO 8601 time with its zone, from what a person may have written
    (a Unix time, a time without zone: UTC); '' if it is not a time."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            when = datetime.fromtimestamp(value, timezone.utc)
        else:
            when = datetime.fromisoformat(str(value).strip())
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
        return when.isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError, OSError):
        logger.warning("%s: %r is not a time (ISO 8601, e.g. 2026-01-09T10:00:00+00:00); ignored",
                       where, value)
        return ""


@dataclass
class StoryRecord:
    file: str  # path relative to PATH, posix style
    sha256: str | None  # of the bytes last written; None: not ours to rewrite
    keys: list[str] = field(default_factory=list)
    deleted: bool = False
    date: str = ""  # when the story was published (ISO 8601): the join rules' windows
    # What ranking needs (publish/ranking.py), changed only when the story
    # does (a state line that changed every hour would grow the repository):
    seen: str = ""  # when a sync first saw it
    rank: int = 0  # its best place in a feed (1 = first); 0: never ranked
    joined: dict[str, str] = field(default_factory=dict)  # outlet -> when it joined, in order
    # Editions that carried it, with their sections (editions.py): counted
    # even when its file is an editor's, so no longer written by a sync.
    editions: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict:
        # Copies, not the record's own lists: the state compares this with
        # the value its line was last written from (SyncState._kept_lines).
        data = {"file": self.file, "sha256": self.sha256, "keys": list(self.keys)}
        if self.date:
            data["date"] = self.date
        if self.deleted:
            data["deleted"] = True
        if self.seen:
            data["seen"] = self.seen
        if self.rank:
            data["rank"] = self.rank
        if self.joined:
            data["joined"] = dict(self.joined)
        if self.editions:
            data["editions"] = {edition: list(sections) for edition, sections in self.editions.items()}
        return data

    def saw(self, rank: int, outlets, when: str) -> bool:
        """An item of this story at `rank` in its feed, with these outlets,
        seen at `when`. Returns whether the story gained an outlet."""
        self.seen = self.seen or when
        if rank > 0 and (not self.rank or rank < self.rank):
            self.rank = rank
        grew = False
        for outlet in outlets:
            if outlet and outlet not in self.joined:
                self.joined[outlet] = when
                grew = True
        return grew

    @property
    def published(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.date) if self.date else None
        except ValueError:
            return None


@dataclass
class SyncState:
    path: Path
    feeds: dict[str, dict] = field(default_factory=dict)
    stories: dict[str, StoryRecord] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # article key -> publisher URL (resolve.py)
    status: dict[str, feed_status.FeedStatus] = field(default_factory=dict)  # feed URL -> its syncs
    _by_key: dict[str, str] = field(default_factory=dict, repr=False)
    _by_title: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _saved: str | None = field(default="", repr=False)  # the text last loaded or saved; None: read-only
    # Lines written at the last dumps(), per section and key: (value, line).
    _lines: dict[str, dict[str, tuple]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path, for_saving: bool = True) -> SyncState:
        """The state in `path` (empty when there is none). `for_saving`
        False: for a reader that never saves it (a build), which is spared
        encoding it all again to know what a save would change."""
        state = cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return state
        except (OSError, UnicodeDecodeError) as exc:
            raise StateError(f"{path}: cannot read the sync state ({exc})") from None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError(f"unknown version {data.get('version') if isinstance(data, dict) else data!r}")
            for url, raw in data.get("feeds", {}).items():
                state.feeds[str(url)] = _feed_entry(dict(raw), f"{path}: feed {url}")
            for key, url in (data.get("links") or {}).items():
                if isinstance(url, str) and safe_url(url):
                    state.links[str(key)] = safe_url(url)
                else:
                    logger.warning("%s: link %s: %r is not an http(s) address; ignored", path, key, url)
            # Absent from a state written before it existed.
            raw_status = data.get("status")
            state.status = feed_status.read_all(raw_status, str(path))
            times = _Times()
            for story_id, raw in data.get("stories", {}).items():
                where = f"{path}: story {story_id}"
                record = StoryRecord(
                    file=str(raw["file"]), sha256=raw.get("sha256"),
                    keys=[str(k) for k in raw.get("keys", [])],
                    deleted=_flag(raw.get("deleted", False), where, "deleted"),
                    date=times(raw["date"], where, "date") if raw.get("date") else "",
                    seen=times(raw["seen"], where, "seen") if raw.get("seen") else "",
                    rank=_rank(raw.get("rank"), f"{where}: rank"),
                    joined=_joined(raw.get("joined"), where, times),
                    editions=editions.from_state(raw.get("editions"), f"{where}: editions"),
                )
                if record.sha256 is not None and not isinstance(record.sha256, str):
                    logger.warning("%s: sha256 %r is not a checksum; the file is left alone", where, record.sha256)
                    record.sha256 = None
                if not _safe_file(record.file):
                    logger.warning("%s: file %r is not a path inside the site; the sync will never "
                                   "write it", where, record.file)
                    record.sha256 = None
                state.stories[str(story_id)] = record
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Refuse to go on: starting from empty state would re-create
            # stories editors deleted.
            raise StateError(f"{path}: unreadable sync state ({exc}); fix or remove it") from None
        for story_id, record in state.stories.items():
            state._index(story_id, record.keys)
        # A status record dropped (with its warning) leaves the file at the
        # next save, so that the warning is not repeated at every load.
        dropped = raw_status is not None and (not isinstance(raw_status, dict) or len(raw_status) != len(state.status))
        if for_saving:
            state._saved = "" if dropped else state.dumps()
        else:
            state._saved = None
        return state

    def dumps(self) -> str:
        return format_document({"version": VERSION, "feeds": self.feeds,
                                "stories": self._kept_lines("stories", self.stories, StoryRecord.as_json),
                                "links": self.links,
                                "status": self._kept_lines("status", self.status, feed_status.FeedStatus.as_json)})

    def _kept_lines(self, section: str, records: dict, as_json) -> dict[str, Written]:
        """Each record's line, encoded again only when its JSON changed (a
        sync saves after every feed: re-encoding thousands of stories and
        feeds each time took most of a save)."""
        kept, texts = self._lines.setdefault(section, {}), {}
        for key, record in records.items():
            value = as_json(record)
            old = kept.get(key)
            if old is None or old[0] != value:
                line = f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
                old = kept[key] = (value, Written(line))
            texts[key] = old[1]
        for key in kept.keys() - records.keys():  # records gone: their lines too
            del kept[key]
        return texts

    def save(self, temp_dir: Path) -> bool:
        """Write the file if its content changed. Returns whether it wrote.
        Raises StateError when it cannot (a full disk, a folder in the way)."""
        if self._saved is None:
            raise StateError(f"{self.path}: loaded to be read, not saved")
        text = self.dumps()
        if text == self._saved:
            return False
        try:
            write_atomic(self.path, text.encode("utf-8"), temp_dir)
        except OSError as exc:
            raise StateError(f"cannot save the sync state {self.path}: {exc.strerror or exc}") from None
        self._saved = text
        return True

    # -- stories -----------------------------------------------------------

    def _index(self, story_id: str, keys: list[str]) -> None:
        for key in keys:
            if key.startswith("title:"):
                sids = self._by_title.setdefault(key, [])
                if story_id not in sids:
                    sids.append(story_id)
            else:
                self._by_key.setdefault(key, story_id)

    def owner(self, key: str) -> str | None:
        """The story a key other than a headline names (the first to have it)."""
        return self._by_key.get(key)

    def titled(self, key: str) -> list[str]:
        """The stories with this headline and outlet ("title:" key)."""
        return self._by_title.get(key, [])

    def add_keys(self, story_id: str, keys: list[str]) -> None:
        record = self.stories[story_id]
        for key in keys:
            if key in record.keys or (not key.startswith("title:") and key in self._by_key):
                continue
            record.keys.append(key)
            self._index(story_id, [key])

    def record(self, story_id: str, file: str, digest: str | None, keys: list[str],
               date: str | None = "") -> None:
        self.stories[story_id] = StoryRecord(file=file, sha256=digest, keys=[], date=date or "")
        self.add_keys(story_id, keys)

    def forget(self, story_id: str) -> None:
        """Undo record(): the story's file could not be written."""
        record = self.stories.pop(story_id, None)
        for key in record.keys if record else ():
            if self._by_key.get(key) == story_id:
                del self._by_key[key]
                self.links.pop(key, None)  # its publisher URL leaves with it
            if story_id in self._by_title.get(key, ()):
                self._by_title[key].remove(story_id)


class Written(str):
    """A section's line ("key": value) already written (SyncState._kept_lines)."""


def format_document(data: dict) -> str:
    """A state document as JSON, one line per feed and per story, sorted: a
    sync's commit changes the lines of the stories it touched, and Python's
    C encoder writes it (with `indent`, json falls back to pure Python)."""
    def line(key, value) -> str:
        if isinstance(value, Written):
            return value
        return f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"

    def lines(section: dict) -> str:
        body = ",\n".join(line(key, section[key]) for key in sorted(section))
        return f"{{\n{body}\n }}" if body else "{}"

    # Sections a state may lack (written before they existed, or empty).
    extra = "".join(f',\n "{name}": {lines(data[name])}' for name in ("links", "status") if data.get(name))
    return (f'{{\n "version": {json.dumps(data.get("version", VERSION))},\n'
            f' "feeds": {lines(data.get("feeds") or {})},\n "stories": {lines(data.get("stories") or {})}'
            f'{extra}\n}}\n')


def _rank(value, where: str) -> int:
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    logger.warning("%s: %r is not a place in a feed (1, 2, ...); ignored", where, value)
    return 0


class _Times:
    """The times of one state file, each text made canonical once: a state
    holds thousands of stories seen and joined in the same hours."""

    def __init__(self):
        self.canonical: dict[str, str] = {}

    def __call__(self, value, *where: str) -> str:
        """`value` as _when makes it; `where`: the parts of where it is."""
        if type(value) is str:
            found = self.canonical.get(value)
            if found is not None:
                return found
        when = _when(value, ": ".join(where))
        if when and type(value) is str:
            self.canonical[value] = when
        return when


def _joined(value, where: str, times: _Times) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        logger.warning("%s: joined: %r is not a mapping of outlets to times; ignored", where, value)
        return {}
    return {str(outlet): when for outlet, raw in value.items() if (when := times(raw, where, "joined", str(outlet)))}


def _safe_file(file: str) -> bool:
    """A relative path inside the site (as PurePosixPath reads it: empty
    and "." parts dropped), with no ".." and no drive."""
    path = file.replace("\\", "/")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return bool(parts) and not path.startswith("/") and ".." not in parts and ":" not in parts[0]


def _feed_entry(raw: dict, where: str) -> dict:
    if "not_before" in raw:
        when = _when(raw["not_before"], f"{where}: not_before")
        if when:
            raw["not_before"] = when
        else:
            del raw["not_before"]
    return {str(k): v for k, v in raw.items() if isinstance(v, str)}


@contextlib.contextmanager
def locked(lock_path: Path, timeout: float):
    """Hold an exclusive lock; wait up to `timeout` seconds for another sync."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another sync holds {lock_path} (waited {timeout:.0f} s); try again later"
                    ) from None
                if not announced:
                    logger.warning("Another sync is running (lock %s); waiting up to %.0f s",
                                   lock_path, timeout)
                    announced = True
                time.sleep(0.1)
        try:
            yield  # the lock file is never written: a sync that changes nothing touches nothing
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def merge(base: dict, ours: dict, theirs: dict) -> dict:
    """Three-way merge of state documents, entry by entry (a story, a feed):
    an entry a person changed, added or removed on their side (`theirs`,
    against `base`) is theirs; every other entry is the sync's (`ours`).
    Used when an editor pushes an edit of the state while a sync runs."""
    merged = {"version": VERSION}
    for section in ("feeds", "stories", "links", "status"):
        b, o, t = (doc.get(section) or {} for doc in (base, ours, theirs))
        out = {}
        for key in sorted(set(b) | set(o) | set(t)):
            value = t.get(key) if t.get(key) != b.get(key) else o.get(key)
            if value is not None:
                out[key] = value
        merged[section] = out
    return merged
