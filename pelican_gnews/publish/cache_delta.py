"""Pelican's content cache saved as what changed since it was saved whole.

Pelican pickles its whole content cache at every build: at a week-old site
that is 5,039 stories and 22 MB, 0.15 s every hour, for the few dozen
stories an hour changes. Here Pelican's file (which Pelican loads itself)
is written again only when what changed since it was written comes to more
than an eighth of the cache. Otherwise the entries that differ from it, and
the names of those it no longer holds, go to a file beside it
(`<cache>.delta`), which the next build lays over what Pelican loaded.

Nothing here decides what a story reads as: every entry carries the stamp
of the file it was read from (its md5, CHECK_MODIFIED_METHOD), and Pelican
uses an entry only for a file with that stamp. The delta file is one of the
cache files the build key guards (incremental.guard_content_cache): changed
by anything but a finished build, neither file is loaded. A delta that
cannot be read is left out, and its stories are read again.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from . import pelican_seams
from .data_files import load_pickle, save_pickle

logger = logging.getLogger(__name__)

VERSION = 1
SUFFIX = ".delta"
SHARE = 8  # the whole cache is written again once more than 1/SHARE of it changed


class CacheDelta:
    """One content cache and what Pelican loaded from its file (`base`):
    a value that is still the same object is still the file's."""

    def __init__(self, cacher, load: bool):
        _, cache_path, _, contents = pelican_seams.cache_contents(cacher)
        self.path = Path(f"{cache_path}{SUFFIX}")
        # None: Pelican loaded nothing (or its file could not be read, which
        # Pelican only logs), so what its file holds is unknown here, and
        # the next save writes it whole.
        self.base: dict | None = dict(contents) if load and contents and os.path.isfile(cache_path) else None
        if self.base is not None:
            record = self._read()
            if record is not None:
                contents.update(record["entries"])
                for key in record["removed"]:
                    contents.pop(key, None)

    def _read(self) -> dict | None:
        record = load_pickle(self.path)
        if record is None and not self.path.exists():
            return None
        if not (isinstance(record, dict) and record.get("version") == VERSION
                and isinstance(record.get("entries"), dict) and isinstance(record.get("removed"), list)):
            logger.info("pelican-gnews: %s is not a cache delta that can be read; its stories are read again",
                        self.path)
            return None
        return record

    def save(self, contents: dict) -> bool:
        """Write what differs from Pelican's file, if that is little.
        Returns whether it did; if not, the caller writes the cache whole
        and then calls saved_whole(). Raises OSError when it cannot, as a
        save of the whole cache would."""
        base = self.base
        if base is None:
            return False
        changed = {key: value for key, value in contents.items() if base.get(key) is not value}
        removed = [key for key in base if key not in contents]
        if not changed and not removed:
            self.saved_whole()  # the file holds it all
            return True
        if len(changed) + len(removed) > len(contents) // SHARE:
            return False
        failed = save_pickle(self.path, {"version": VERSION, "entries": changed, "removed": removed})
        if failed:
            raise OSError(failed)
        return True

    def saved_whole(self) -> None:
        """Pelican's file holds everything: no delta over it."""
        with contextlib.suppress(OSError):
            self.path.unlink()
