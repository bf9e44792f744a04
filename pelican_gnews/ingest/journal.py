"""The sync's write-ahead journal: state and files agree after a crash.

A batch of story files is written in three steps: the files are staged (and
on disk), the journal lists what is about to change, the files are renamed
into content/; then the state is saved and the journal removed. A sync
killed at any instant, or stopped by a full disk, leaves either no journal
(the state is right) or a journal that says, file by file, what the state
must become. The next sync replays it first (recover), deciding from what
is on disk:

* a refreshed file that holds the new bytes is ours again (its new checksum
  is recorded), one that holds the old bytes was not replaced, and one that
  holds anything else was edited by a person;
* a new story file that is on disk is recorded; one whose staged copy is
  still waiting was never moved in, and is written again; one that is gone
  although it was moved in was deleted by a person, and stays deleted.

The journal lives beside the state file, outside PATH.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from .. import editions
from .atomic import UnsafePath, confined, fsync_dir, sha256, write_atomic

logger = logging.getLogger(__name__)


def journal_path(state_file: Path) -> Path:
    return state_file.with_name(state_file.name + ".journal")


def write(path: Path, entries: list[dict], temp_dir: Path) -> None:
    write_atomic(path, json.dumps({"entries": entries}, ensure_ascii=False).encode("utf-8"), temp_dir)


def clear(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
        fsync_dir(path.parent)


def recover(path: Path, state, site_path: Path, temp_dir: Path) -> int:
    """Bring `state` in line with what an interrupted batch left on disk.

    Returns how many entries were replayed; the caller saves the state and
    then clears the journal.
    """
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # Written atomically, so unreadable means tampered with: the state
        # alone is the best there is (a refreshed file may read as edited).
        logger.warning("%s: unreadable sync journal (%s); ignored", path, exc)
        return 0
    for entry in entries:
        try:
            _replay(entry, state, site_path, temp_dir)
        except (UnsafePath, KeyError, TypeError, ValueError) as exc:
            logger.warning("%s: journal entry for %r not replayed: %s", path, entry.get("file"), exc)
    logger.info("Recovered %d file(s) of a sync that was interrupted", len(entries))
    return len(entries)


def _replay(entry: dict, state, site_path: Path, temp_dir: Path) -> None:
    sid, file = str(entry["sid"]), str(entry["file"])
    target = confined(site_path, file)
    try:
        digest = sha256(target.read_bytes())
    except FileNotFoundError:
        digest = None
    staged = entry.get("tmp") and (temp_dir / os.path.basename(entry["tmp"])).is_file()
    record = state.stories.get(sid)
    if entry["kind"] == "update":
        if record is None:
            return
        if digest == entry["new"]:
            record.sha256 = entry["new"]
        elif digest == entry["old"]:
            record.sha256 = entry["old"]
        # Anything else: edited (or deleted) by a person since; the state's
        # checksum matches neither, which is what the rules need.
        return
    # A new story.
    if digest is None and staged:
        state.forget(sid)  # never moved in: written again by this sync
        return
    if record is None:
        state.record(sid, file, entry["new"], list(entry.get("keys", [])), entry.get("date"))
        record = state.stories[sid]
        record.seen, record.rank = str(entry.get("seen") or ""), int(entry.get("rank") or 0)
        record.joined = {str(k): str(v) for k, v in (entry.get("joined") or {}).items()}
        record.editions = editions.from_state(entry.get("editions"), f"{file}: editions")
    if digest is None:
        record.deleted = True  # moved in, then deleted by a person
    else:
        record.sha256 = entry["new"]  # ours, or (bytes differ) edited since
