"""Pelican's content file stamps, remembered between builds.

With CHECK_MODIFIED_METHOD a hash ("md5", as pelicanconf.py has it: a
fresh checkout gives every file a new mtime, so only the bytes tell a
changed story), Pelican's content cache reads and hashes every content
file at every build to know whether its cached reading still holds: 5,000
stories, 5,000 files read an hour.

A file's stamp is remembered here with what the file system says of it
(what_tells_a_write: inode, size, modification and change times, as
incremental.py's guard stamps files): a build that finds a file with the
same four gives the stamp it remembered without reading the file. This is what git's index
does, with the same care for "racy" files: a file changed in the last two
seconds before the build started is not remembered, since a second write
within one tick of its clock would leave all four as they were. A file
changed while a build runs makes incremental.finish_cache_guard drop the
build key, and the next build loads neither Pelican's cache nor this one.

One file per content cache, beside it in CACHE_PATH
(gnews-stamps-<cache>.pickle), saved when the cache is and with
the hash it holds; any other hash, or a file that cannot be read, is a
build that hashes every file, as Pelican alone does. The archive's month
files' SHA-1 are remembered the same way (archive_pages.ParseCache).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

from pelican.cache import FileStampDataCacher

from . import pelican_seams
from .data_files import load_pickle, save_pickle

logger = logging.getLogger(__name__)

VERSION = 1
RACY_NS = 2_000_000_000  # a file changed this close to the build's start is hashed again next time


def what_tells_a_write(st: os.stat_result) -> tuple:
    """What the file system says of a file that changes with any write to
    it: inode, size, modification and change times (the change time even
    when a tool puts the mtime back)."""
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _name(cache_path: str) -> str:
    return f"gnews-stamps-{os.path.basename(cache_path)}.pickle"


class FileStamps:
    """The stamps of one content cache's files: those of the last build
    (`known`) and those of this one worth keeping (`kept`)."""

    def __init__(self, path: Path, method: str, hash_file, load: bool):
        self.path = path
        self.method = method
        self.hash_file = hash_file
        self.trusted_before = time.time_ns() - RACY_NS
        self.known: dict[str, tuple] = self._load() if load else {}
        self.kept: dict[str, tuple] = {}

    def _load(self) -> dict:
        record = load_pickle(self.path)  # None, damaged or missing: every file is hashed
        if not (isinstance(record, dict) and record.get("version") == VERSION
                and record.get("method") == self.method and isinstance(record.get("stamps"), dict)):
            return {}
        # Only entries of the shape save() writes: (the file's four figures, its stamp).
        return {name: entry for name, entry in record["stamps"].items()
                if type(entry) is tuple and len(entry) == 2 and type(entry[0]) is tuple}

    def stamp(self, filename: str):
        """Pelican's stamp of `filename`: remembered, or the file's hash."""
        try:
            st = os.stat(filename)
        except OSError:
            return self.hash_file(filename)  # raises as Pelican's own does, and Pelican says so
        seen = what_tells_a_write(st)
        known = self.kept.get(filename) or self.known.get(filename)
        value = known[1] if known is not None and known[0] == seen else self.hash_file(filename)
        if max(st.st_mtime_ns, st.st_ctime_ns) < self.trusted_before:
            self.kept[filename] = (seen, value)
        return value

    def forget(self, filename: str) -> None:
        """Keep no stamp of `filename` (its remembered hash turned out wrong)."""
        self.kept.pop(filename, None)

    def save(self) -> None:
        """Whole or not at all; a file that cannot be written means the next
        build hashes every file."""
        failed = "" if not self.kept else save_pickle(
            self.path, {"version": VERSION, "method": self.method, "stamps": self.kept})
        if failed:
            logger.info("pelican-gnews: %s not saved (%s); the next build hashes every content file",
                        self.path.name, failed)
        if failed or not self.kept:  # a cache that stamped nothing (its layer is off): no file
            with contextlib.suppress(OSError):
                self.path.unlink()


def remember(cacher) -> FileStamps | None:
    """Give a content cache (the readers', Pelican's default layer) that
    stamps files by hash the stamps of the last build; the FileStamps to
    save with the cache, or None when it stamps otherwise (by mtime:
    nothing to save) or saves no cache."""
    if not isinstance(cacher, FileStampDataCacher):
        return None
    settings = cacher.settings
    hash_file = pelican_seams.file_stamp_function(cacher)
    method = settings.get("CHECK_MODIFIED_METHOD")
    saves, cache_path, _, _ = pelican_seams.cache_contents(cacher)
    if hash_file is None or method == "mtime" or not saves:
        return None
    stamps = FileStamps(Path(cache_path).with_name(_name(cache_path)), str(method), hash_file,
                        load=bool(settings.get("LOAD_CONTENT_CACHE")))
    pelican_seams.use_file_stamp_function(cacher, stamps.stamp)
    return stamps
