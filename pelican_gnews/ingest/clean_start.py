"""A clean start for a new site: the bundled samples leave nothing behind.

A clone of this repository builds the sample site: stories synced from
samples/feeds into the content folder, their sync state and their archive.
A new site must not commit those as its own. `pelican-gnews clean-start`
removes them once GNEWS_FEEDS lists the site's own feeds (until then the
next build would only sync the samples again):

* every story file the sync wrote from the sample feeds, unless a person
  edited it since (that one is kept and named);
* the sync state (gnews-state.json) and the archive of those stories.

Without --yes it only says what it would remove.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import GNewsSettings
from .atomic import sha256
from .journal import journal_path
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


def plan(config: GNewsSettings, samples: Path) -> Plan:
    """What a clean start removes; refuses while samples are still the feeds
    or once the site's own feeds have been synced into the same state."""
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
    result = Plan()
    for record in state.stories.values():
        path = config.path / record.file
        if not path.is_file():
            continue
        if record.sha256 and sha256(path.read_bytes()) == record.sha256:
            result.remove.append(path)
        else:
            result.kept_edited.append(path)
    if config.archive_dir and config.archive_dir.is_dir():
        result.remove.append(config.archive_dir)
    for path in (journal_path(config.state_file), config.state_file):
        if path.exists():
            result.remove.append(path)
    return result


def clean_start(config: GNewsSettings, samples: Path, *, really: bool) -> Plan:
    with locked(config.lock_file, config.lock_timeout):
        result = plan(config, samples)
        for path in result.remove:
            if not really:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        return result
