"""Sync state: one human-readable JSON file, committed with the site.

It lives outside PATH (Pelican would read it otherwise) and holds what a sync
must remember between runs:

* per feed: the HTTP validators (ETag, Last-Modified) for conditional GET,
  and, after a 429, the time before which the feed is not asked again;
* per story: its identity keys, the file it was written to, and the SHA-256
  of the bytes last written there. A file whose bytes differ was edited by a
  person and is never rewritten; a file that is gone was deleted (or moved)
  by a person and is never written again.

The file is written atomically and only when its content changes. A lock
file beside it keeps two syncs from interleaving.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .store import write_atomic

logger = logging.getLogger(__name__)

VERSION = 1



class StateError(Exception):
    pass


class LockTimeout(StateError):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class StoryRecord:
    file: str  # path relative to PATH, posix style
    sha256: str | None  # of the bytes last written; None: not ours to rewrite
    keys: list[str] = field(default_factory=list)
    deleted: bool = False

    def as_json(self) -> dict:
        data = {"file": self.file, "sha256": self.sha256, "keys": self.keys}
        if self.deleted:
            data["deleted"] = True
        return data


@dataclass
class SyncState:
    path: Path
    feeds: dict[str, dict] = field(default_factory=dict)
    stories: dict[str, StoryRecord] = field(default_factory=dict)
    _by_key: dict[str, str] = field(default_factory=dict, repr=False)
    _saved: str = field(default="", repr=False)

    @classmethod
    def load(cls, path: Path) -> SyncState:
        state = cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return state
        try:
            data = json.loads(text)
            if data.get("version") != VERSION:
                raise ValueError(f"unknown version {data.get('version')!r}")
            state.feeds = {str(k): dict(v) for k, v in data.get("feeds", {}).items()}
            for story_id, raw in data.get("stories", {}).items():
                state.stories[story_id] = StoryRecord(
                    file=str(raw["file"]), sha256=raw.get("sha256"),
                    keys=[str(k) for k in raw.get("keys", [])], deleted=bool(raw.get("deleted")),
                )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Refuse to go on: starting from empty state would re-create
            # stories editors deleted.
            raise StateError(f"{path}: unreadable sync state ({exc}); fix or remove it") from None
        for story_id, record in state.stories.items():
            for key in record.keys:
                state._by_key.setdefault(key, story_id)
        state._saved = state.dumps()
        return state

    def dumps(self) -> str:
        data = {
            "version": VERSION,
            "feeds": {url: self.feeds[url] for url in sorted(self.feeds)},
            "stories": {sid: self.stories[sid].as_json() for sid in sorted(self.stories)},
        }
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"

    def save(self, temp_dir: Path) -> bool:
        """Write the file if its content changed. Returns whether it wrote."""
        text = self.dumps()
        if text == self._saved:
            return False
        write_atomic(self.path, text.encode("utf-8"), temp_dir)
        self._saved = text
        return True

    # -- stories -----------------------------------------------------------

    def find(self, keys: list[str]) -> str | None:
        for key in keys:
            if key in self._by_key:
                return self._by_key[key]
        return None

    def add_keys(self, story_id: str, keys: list[str]) -> None:
        record = self.stories[story_id]
        for key in keys:
            if key not in record.keys and key not in self._by_key:
                record.keys.append(key)
                self._by_key[key] = story_id

    def record(self, story_id: str, file: str, digest: str | None, keys: list[str]) -> None:
        self.stories[story_id] = StoryRecord(file=file, sha256=digest, keys=[])
        self.add_keys(story_id, keys)

    def forget(self, story_id: str) -> None:
        """Undo record(): the story's file could not be written."""
        record = self.stories.pop(story_id, None)
        for key in record.keys if record else ():
            if self._by_key.get(key) == story_id:
                del self._by_key[key]


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
