"""Golden files for the ingest side: feeds in, story files out, byte for byte.

Each folder of tests/data/golden/ is a case (its README.md says what it
pins): case.json lists its syncs, each copying one of the case's folders
(feeds, an editor's files) into a fresh site before syncing at a fixed time;
expected/ holds every file the syncs leave there, plus sync-report.txt.
After an intended change, rewrite expected/ and review it:

    GNEWS_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py
    git diff tests/data/golden
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from pelican.settings import read_settings

from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import check, from_pelican

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "case.json").is_file())
REGEN = os.environ.get("GNEWS_REGEN_GOLDEN") == "1"
REPORT = "sync-report.txt"
# Not output: the feeds copied in, and the lock file (empty, read by nobody).
# Anything else counts, a temporary file a sync left behind included.
INPUTS = "feeds"
LOCK = "gnews-state.json.lock"


class _Lines(logging.Handler):
    """The warnings a sync logs (items skipped, dates replaced): part of
    what the case pins, since that is how an editor learns of them."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname}: {record.getMessage()}")


def run_case(case: Path, site: Path) -> dict[str, bytes]:
    """Run the case's syncs in `site` (the current folder); return every
    file they leave, by path, and the report of what they said."""
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    report: list[str] = []
    logger = logging.getLogger("pelican_gnews")
    for number, step in enumerate(spec["syncs"], 1):
        shutil.copytree(case / step["copy"], site, dirs_exist_ok=True)
        # The settings as `pelican content` and `pelican-gnews sync` read them.
        settings = read_settings(None, override={"PATH": "content", "TIMEZONE": "UTC", "GNEWS_FEEDS": step["feeds"]})
        check(settings)
        lines, level = _Lines(), logger.level
        logger.addHandler(lines)
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
        try:
            result = sync(from_pelican(settings), now=datetime.fromisoformat(step["now"]))
        finally:
            logger.removeHandler(lines)
            logger.setLevel(level)
        feeds = ", ".join(f if isinstance(f, str) else f["url"] for f in step["feeds"])
        report += [f"sync {number} at {step['now']} of {feeds}", result.summary(), *lines.lines]
        report += [f"FAILED {r.feed.url}: {r.error}" for r in result.failed]
        report.append("")
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
             if p.is_file() and p.name != LOCK and p.relative_to(site).parts[0] != INPUTS}
    files[REPORT] = "\n".join(report).encode()
    return files


def differences(produced: dict[str, bytes], expected: Path) -> str:
    """'' when expected/ holds exactly `produced`; otherwise what is missing,
    extra and different, with a unified diff of the first differing file."""
    want = {p.relative_to(expected).as_posix(): p.read_bytes() for p in sorted(expected.rglob("*")) if p.is_file()}
    missing = sorted(set(want) - set(produced))
    extra = sorted(set(produced) - set(want))
    changed = sorted(name for name in set(want) & set(produced) if want[name] != produced[name])
    if not (missing or extra or changed):
        return ""
    out = [f"not written (in expected/ only): {name}" for name in missing]
    out += [f"not expected (written, not in expected/): {name}" for name in extra]
    out += [f"different bytes: {name}" for name in changed]
    if changed:
        first = changed[0]
        out += ["", *difflib.unified_diff(want[first].decode("utf-8", "replace").splitlines(),
                                          produced[first].decode("utf-8", "replace").splitlines(),
                                          f"expected/{first}", f"written/{first}", lineterm="")]
    return "\n".join(out)


def regenerate(produced: dict[str, bytes], expected: Path) -> None:
    shutil.rmtree(expected, ignore_errors=True)
    for name, data in produced.items():
        path = expected / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.mark.parametrize("name", CASES)
def test_golden(name, tmp_path, monkeypatch):
    case, site = GOLDEN / name, tmp_path / "site"
    (site / "content").mkdir(parents=True)  # a project has one; Pelican's settings insist
    # Feeds are named by paths relative to the site, as a project's
    # pelicanconf.py names them: the state file then holds no temp path.
    monkeypatch.chdir(site)
    produced = run_case(case, site)
    expected = case / "expected"
    if REGEN:
        found = differences(produced, expected) if expected.is_dir() else "no expected/ yet"
        regenerate(produced, expected)
        pytest.fail(f"{name}: expected/ rewritten, {'with changes' if found else 'no change'}; review it with "
                    "`git diff tests/data/golden`, then run without GNEWS_REGEN_GOLDEN", pytrace=False)
    assert expected.is_dir(), f"{name} has no expected/; make it with GNEWS_REGEN_GOLDEN=1"
    found = differences(produced, expected)
    if found:
        pytest.fail(f"{name}: the sync's output differs from expected/\n{found}", pytrace=False)


def test_every_case_is_described():
    """A case folder says what it pins, and is run (has a case.json)."""
    folders = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
    assert folders == CASES and len(CASES) >= 8
    for name in CASES:
        assert (GOLDEN / name / "README.md").read_text(encoding="utf-8").strip(), name
