"""File operations a sync makes, each atomic and confined to its folder.

A sync runs while people edit content/ by hand and may be killed at any
instant, so every change it makes to a file is one rename: a reader (or
Pelican) sees the old file or the new one, never a part. On Linux the rename
is renameat2(2): RENAME_NOREPLACE creates a new story file without ever
replacing one that appeared meanwhile, and RENAME_EXCHANGE swaps a
refreshed file in while keeping hold of what it displaced, so an edit saved
at the last moment is found and put back (see replace_unchanged). Elsewhere
the same steps fall back to link/rename with a last check just before.

No operation follows a symbolic link: a path from the state file or the
settings that leads out of its folder through a link is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# Suffix of a file staged beside its target (only when the staging folder is
# on another file system): no Pelican reader takes it.
BESIDE_SUFFIX = ".gnews-tmp"

try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    _renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
except (AttributeError, OSError):  # not glibc/Linux
    _renameat2 = None


class UnsafePath(OSError):
    """A path that would leave its folder, or pass through a link."""


class Edited(Exception):
    """The file changed since it was checked: a person is editing it."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rename2(src: str | Path, dst: str | Path, flags: int) -> bool:
    """renameat2; False when the system or file system lacks it."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def confined(root: Path, relative: str | os.PathLike) -> Path:
    """`root / relative`, checked to stay inside `root` with no link on the way.

    `relative` must be a relative path without `..`; every folder between
    `root` and the file must be a real folder, and the file itself, if it
    exists, a regular file. Raises UnsafePath otherwise.
    """
    rel = PurePosixPath(os.fspath(relative).replace("\\", "/"))
    if rel.is_absolute() or not rel.parts or ".." in rel.parts or "" in rel.parts:
        raise UnsafePath(f"{os.fspath(relative)!r} is not a path inside {root}")
    path = root
    for number, part in enumerate(rel.parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            break
        last = number == len(rel.parts) - 1
        if stat.S_ISLNK(mode) or (not last and not stat.S_ISDIR(mode)) or (last and not stat.S_ISREG(mode)):
            raise UnsafePath(f"{path} is a link or not a regular file or folder; refusing to write through it")
    return root.joinpath(*rel.parts)


def real_folder(path: Path) -> Path:
    """Create `path` as a folder if needed; refuse it if it is a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        path.mkdir(parents=True, exist_ok=True)
        return path
    if not stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
        raise UnsafePath(f"{path} is a link or not a folder; refusing to use it (remove it)")
    return path


def stage(data: bytes, temp_dir: Path) -> str:
    """Write `data` to a new file in `temp_dir`, on disk (fsync) before returning."""
    fd, tmp = tempfile.mkstemp(dir=temp_dir, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _beside(tmp: str, path: Path) -> str:
    """Move a staged file next to its target when the staging folder is on
    another file system (renames work within one file system only)."""
    beside = path.with_name(f".{path.name}{BESIDE_SUFFIX}")
    shutil.copyfile(tmp, beside)
    os.unlink(tmp)
    return str(beside)


def create(tmp: str, path: Path) -> None:
    """Move the staged file to `path`, which must not exist (FileExistsError)."""
    try:
        if _rename2(tmp, path, RENAME_NOREPLACE):
            return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        tmp = _beside(tmp, path)
        if _rename2(tmp, path, RENAME_NOREPLACE):
            return
    os.link(tmp, path)  # fails if `path` exists, unlike a rename
    os.unlink(tmp)


def replace(tmp: str, path: Path) -> None:
    """Move the staged file over `path` (files this tool alone owns)."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        os.replace(_beside(tmp, path), path)


@dataclass
class Displaced:
    """The file a refresh replaced, kept until the batch ends: a person whose
    editor had it open and writes into it late is found then (changed())."""

    path: Path  # where the refreshed file now is
    held: str  # where the displaced file now is
    ino: int
    mtime_ns: int
    size: int

    def changed(self) -> bool:
        try:
            st = os.lstat(self.held)
        except OSError:
            return False
        return (st.st_ino, st.st_mtime_ns, st.st_size) != (self.ino, self.mtime_ns, self.size)

    def restore(self) -> None:
        """Put the displaced (edited) file back where it was."""
        if not _rename2(self.held, self.path, RENAME_EXCHANGE):
            os.replace(self.held, self.path)
        with contextlib.suppress(OSError):
            os.unlink(self.held)

    def put_back(self) -> None:
        """Return a removed file to its place, unless a person has made a
        new file there meanwhile (theirs, and newer)."""
        try:
            create(self.held, self.path)
        except FileExistsError:
            self.drop()

    def drop(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.held)


def replace_unchanged(tmp: str, path: Path, expected: str) -> Displaced | None:
    """Replace `path` by the staged file only if `path` still holds the bytes
    whose SHA-256 is `expected`; raise Edited otherwise.

    The check is made right before the swap, and the swap itself is checked:
    with RENAME_EXCHANGE the file that was displaced is compared (inode,
    mtime, size) with the one checked, and swapped back if it is not the
    same. Returns the displaced file for a last check when the batch ends,
    or None where the exchange is not available (then a stat just before
    os.replace leaves a window of a few microseconds).
    """
    st = os.lstat(path)  # FileNotFoundError: deleted meanwhile
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePath(f"{path} is not a regular file")
    with open(path, "rb") as handle:
        if sha256(handle.read()) != expected:
            raise Edited(str(path))
    if _rename2(tmp, path, RENAME_EXCHANGE):
        held = Displaced(path, tmp, st.st_ino, st.st_mtime_ns, st.st_size)
        if held.changed():
            held.restore()
            raise Edited(str(path))
        return held
    now = os.lstat(path)
    if (now.st_ino, now.st_mtime_ns, now.st_size) != (st.st_ino, st.st_mtime_ns, st.st_size):
        raise Edited(str(path))
    replace(tmp, path)
    return None


def remove_unchanged(path: Path, expected: str, temp_dir: Path) -> Displaced | None:
    """Take `path` out of its folder only if it still holds the bytes whose
    SHA-256 is `expected`; raise Edited otherwise (FileNotFoundError when
    it is gone). The file is renamed into `temp_dir`, not deleted: the
    caller checks the returned Displaced when its batch ends and puts the
    file back (put_back) if a person wrote into it meanwhile."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePath(f"{path} is not a regular file")
    with open(path, "rb") as handle:
        if sha256(handle.read()) != expected:
            raise Edited(str(path))
    fd, held = tempfile.mkstemp(dir=temp_dir, suffix=".tmp")
    os.close(fd)
    try:
        os.replace(path, held)
    except OSError as exc:
        os.unlink(held)
        if exc.errno != errno.EXDEV:
            raise
        # Staging on another file system: a last stat, then delete.
        now = os.lstat(path)
        if (now.st_ino, now.st_mtime_ns, now.st_size) != (st.st_ino, st.st_mtime_ns, st.st_size):
            raise Edited(str(path)) from None
        os.unlink(path)
        return None
    taken = Displaced(path, held, st.st_ino, st.st_mtime_ns, st.st_size)
    if taken.changed():
        taken.put_back()
        raise Edited(str(path))
    return taken


def write_atomic(path: Path, data: bytes, temp_dir: Path) -> None:
    """Write a file this tool alone owns (the state, the journal): staged,
    fsynced, renamed, and the folder fsynced."""
    tmp = stage(data, real_folder(temp_dir))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make the renames in `folder` durable."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def clean_staging(temp_dir: Path, content_dir: Path) -> int:
    """Remove what a killed sync left behind, following no link."""
    removed = 0
    leftovers: list[Path] = []
    if temp_dir.is_dir() and not temp_dir.is_symlink():
        with os.scandir(temp_dir) as entries:
            leftovers += [Path(e.path) for e in entries
                          if e.name.endswith(".tmp") and e.is_file(follow_symlinks=False)]
    if content_dir.is_dir():
        leftovers += [p for p in content_dir.rglob(f".*{BESIDE_SUFFIX}") if not p.is_symlink()]
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed
