"""A clean start for a new site: the bundled samples leave nothing behind.

A clone of this repository builds the sample site: stories synced from
samples/feeds into the content folder, their sync state and their archive.
A new site must not commit those as its own. `pelican-gnews clean-start`
removes them once GNEWS_FEEDS lists the site's own feeds (until then the
next build would only sync the samples again). It removes only what the
sample feeds produced, file by file, and nothing a person touched or added:

* a story file the sync wrote from the sample feeds (the state lists it,
  with the checksum of the bytes it holds); one a person edited since is
  kept and named;
* an archive month file whose every line is a sample story's (its id is in
  the samples' state, or its link is an item of a sample feed); a month
  file with any other line (one an editor added, or one that cannot be
  read) is kept whole and named. Nothing else in the archive folder is
  touched, and the folder goes only if nothing else is in it;
* a digest file (digest_file.py) whose every day lists sample stories
  only, on the same terms;
* the sync state (gnews-state.json) and its journal.

Settings whose folders overlap (the archive in the story folder, the state
inside PATH...) never get here: the settings check refuses them first
(settings.problems), naming the settings.

Without --yes it only says what it would remove; with --yes it removes
exactly that list (a file written meanwhile is kept and named).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import digest_file
from ..settings import GNewsSettings
from . import archive, atomic, journal
from .atomic import Edited, UnsafePath, confined, sha256
from .parse import FeedError, parse_feed
from .state import SyncState, locked

logger = logging.getLogger(__name__)


class CleanStartError(Exception):
    pass


def is_sample(url: str, samples: Path) -> bool:
    """A feed that is a file inside the project's samples/ folder."""
    if "://" in url:
        return False
    try:
        return Path(url).resolve().is_relative_to(samples.resolve())
    except (OSError, ValueError):
        return False


@dataclass
class Plan:
    remove: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    # The checksum each file to remove had when it was listed: it is removed
    # only if it still has it.
    digests: dict[Path, str] = field(default_factory=dict, repr=False)


def _sample_links(state: SyncState, samples: Path, config: GNewsSettings) -> set[str]:
    """The links of every item (and related article) of the sample feeds the
    state lists, read from samples/: what the samples' archive lines link to."""
    links: set[str] = set()
    for url in state.feeds:
        candidates = [Path(url)] if Path(url).is_absolute() else [Path(url), samples.parent / url]
        for candidate in candidates:
            if not is_sample(str(candidate), samples):
                continue
            try:
                if candidate.stat().st_size > max(config.limits.max_bytes, 1):
                    continue
                feed = parse_feed(candidate.read_bytes(), str(candidate))
            except (OSError, FeedError, ValueError):
                continue
            for story in feed.stories:
                links.add(story.link)
                links.update(entry.link for entry in story.coverage)
            break
    links.discard("")
    return links


def _month_is_samples(text: str, ids: set[str], links: set[str]) -> bool:
    """Whether every line of a month file is a sample story's."""
    lines = [line for line in text.split("\n") if line.strip()]
    for number, line in enumerate(lines, 1):
        entry = archive.parse_line(line, f"line {number}", warn=False)
        if entry is None or not (entry.id in ids or (entry.link and entry.link in links)):
            return False
    return True


def _slugs_of(text: str) -> set[str]:
    """The slugs of a month file's lines."""
    entries = (archive.parse_line(line, "", warn=False) for line in text.split("\n") if line.strip())
    return {entry.slug for entry in entries if entry is not None and entry.slug}


def plan(config: GNewsSettings, samples: Path) -> Plan:
    """What a clean start removes; refuses settings whose folders overlap,
    and refuses while samples are still the feeds or once the site's own
    feeds have been synced into the same state."""
    listed = [spec.url for spec in config.feeds if is_sample(spec.url, samples)]
    if listed:
        raise CleanStartError(
            f"GNEWS_FEEDS still lists the sample feeds ({', '.join(listed)}): put your own feeds "
            "there first (`pelican-gnews url` prints one), then run clean-start again")
    state = SyncState.load(config.state_file)
    own = [url for url in state.feeds if not is_sample(url, samples)]
    if own:
        raise CleanStartError(
            f"the sync state has your own feeds already ({', '.join(own[:3])}): a clean start would "
            f"lose their state; remove the sample stories by hand instead")
    journal_file = journal.journal_path(config.state_file)
    # A sync cut short: its journal says which files it wrote (in memory
    # only; nothing is written here).
    journal.recover(journal_file, state, config.path, config.temp_dir)
    result = Plan()
    seen: set[Path] = set()
    for record in state.stories.values():
        try:
            path = confined(config.path, record.file)
        except UnsafePath:
            continue  # a path through a link, or outside PATH: not the sync's file
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        data = path.read_bytes()
        if record.sha256 and not record.deleted and sha256(data) == record.sha256:
            result.remove.append(path)
            result.digests[path] = record.sha256
        else:
            result.kept_edited.append(path)
    folder = config.archive_dir
    if folder is not None and folder.is_dir() and not folder.is_symlink():
        ids = set(state.stories)
        links = _sample_links(state, samples, config)
        months = archive.month_files(folder)
        # Sample stories by slug: those the state knows (a file's name is its
        # slug) and those retention archived, which the state forgot.
        slugs = {PurePosixPath(record.file).stem for record in state.stories.values()}
        for path in months.values():
            data = path.read_bytes()
            if _month_is_samples(data.decode("utf-8", "replace"), ids, links):
                result.remove.append(path)
                result.digests[path] = sha256(data)
                slugs.update(_slugs_of(data.decode("utf-8", "replace")))
            else:
                result.kept_edited.append(path)
        # The digests the sync froze of the samples' days (digest_file.py):
        # every story of each a sample story.
        for path in digest_file.digest_files(folder).values():
            data = path.read_bytes()
            days = [digest_file.parse_line(line, str(path)) for line in data.decode("utf-8", "replace").splitlines()
                    if line.strip()]
            if all(day is not None and {p.slug for p in day.picks} <= slugs for day in days):
                result.remove.append(path)
                result.digests[path] = sha256(data)
            else:
                result.kept_edited.append(path)
            months = {**months, path.name: path}
        if set(folder.iterdir()) <= set(months.values()) and all(p in result.digests for p in months.values()):
            result.remove.append(folder)  # emptied by the above: nothing else was in it
    for path in (journal_file, config.state_file):
        if path.is_file() and not path.is_symlink():
            result.remove.append(path)
    return result


def _remove(path: Path, digest: str | None, temp_dir: Path) -> bool:
    """Remove one listed path; False when it must stay (written meanwhile)."""
    if digest is None:
        if path.is_dir() and not path.is_symlink():
            try:
                path.rmdir()  # only if empty: anything that appeared meanwhile keeps it
            except OSError:
                return False
            return True
        try:
            path.unlink()  # the state and its journal, under the sync's lock
        except FileNotFoundError:
            pass
        return True
    try:
        held = atomic.remove_unchanged(path, digest, temp_dir)
    except FileNotFoundError:
        return True
    except (Edited, UnsafePath):
        return False
    if held is not None:
        if held.changed():
            held.put_back()
            return False
        held.drop()
    return True


def clean_start(config: GNewsSettings, samples: Path, *, really: bool) -> Plan:
    """List (really=False) or remove (really=True) exactly the same files:
    plan()'s. Files go first, then the archive folder if empty, then the
    journal and last the state, so that a clean start cut short can simply
    be run again."""
    with locked(config.lock_file, config.lock_timeout):
        result = plan(config, samples)
        if not really:
            return result
        config.temp_dir.mkdir(parents=True, exist_ok=True)
        removed: list[Path] = []
        for path in result.remove:
            if _remove(path, result.digests.get(path), config.temp_dir):
                removed.append(path)
            else:
                result.kept_edited.append(path)
                logger.warning("%s changed while clean-start ran; kept", path)
        for folder in {path.parent for path in removed}:
            atomic.fsync_dir(folder)
        result.remove = removed
        return result

