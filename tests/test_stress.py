"""Stress: an editor saving files while large syncs run, and syncs killed
with SIGKILL at random instants. Both compare against what must hold: every
edit kept; after a kill and one clean sync, the same files and state as a
sync that was never interrupted (nothing frozen, nothing deleted back, no
duplicate)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import report_figure
from feedmaker import feed_xml
from test_live import feed, story
from test_retention import items

from pelican_gnews.ingest.sync import sync
from pelican_gnews.settings import from_pelican

EDITOR = r'''
import os, random, sys, time
folder, log, stop = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(int(sys.argv[4]))
names = sorted(n for n in os.listdir(folder) if n.endswith(".md"))
last = {}
n = 0
while not os.path.exists(stop):
    name = rng.choice(names)
    path = os.path.join(folder, name)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        continue
    n += 1
    text = data + f"\nEditor's note {n}.\n".encode()
    if n % 2:  # saved in place, as many editors do
        with open(path, "wb") as handle:
            handle.write(text)
    else:  # saved by rename, as others do
        tmp = os.path.join(folder, f".{name}.swp")
        with open(tmp, "wb") as handle:
            handle.write(text)
        os.replace(tmp, path)
    last[name] = text.decode()
    time.sleep(rng.random() * 0.004)
import json
with open(log, "w") as handle:
    json.dump(last, handle)
'''


pytestmark = pytest.mark.stress


def rounds(default: int) -> int:
    """A loop's count: its default (what finds the known bugs, with a margin;
    each loop says its figures), times GNEWS_STRESS_ROUNDS for a deliberate
    soak (GNEWS_STRESS_ROUNDS=10 runs ten times as many)."""
    return default * max(1, int(os.environ.get("GNEWS_STRESS_ROUNDS", "1")))


# `pelican-gnews sync`, started up to the point where its work begins, then
# told to go: a kill is aimed at the sync's work, never at the interpreter's
# start-up (a third of a run's time), where it would test nothing.
RUNNER = r"""
import sys
from pelican.settings import read_settings
import pelican_gnews.ingest.sync
from pelican_gnews import cli
print("ready", flush=True)
sys.stdin.readline()
sys.exit(cli.main(["sync", "-q", "-s", sys.argv[1]]))
"""


def _start_sync(conf: Path, root: Path, source: Path) -> subprocess.Popen:
    """`pelican-gnews sync` on `root`, started and told to go (RUNNER)."""
    conf.write_text(f"PATH = {str(root / 'content')!r}\nGNEWS_FEEDS = [{str(source)!r}]\n")
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(conf)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline() == "ready\n"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return proc


def _sync_killed(conf: Path, root: Path, source: Path, kill_after: float, wait_for: str | None = None,
                 inside=None) -> bool:
    """Run `pelican-gnews sync` on `root` and SIGKILL it `kill_after` seconds
    into its work (after `wait_for`, a path under `root`, appears, if given).
    Returns whether the kill landed where `inside(root)` says it should (the
    sync is stopped, looked at, then killed, so the answer is what the kill
    left)."""
    proc = _start_sync(conf, root, source)
    if wait_for:
        while not (root / wait_for).exists() and proc.poll() is None:
            time.sleep(0.0002)
    time.sleep(kill_after)
    # send_signal, not os.kill: a sync that finished first was reaped by poll().
    proc.send_signal(signal.SIGSTOP)
    landed = proc.poll() is None and inside is not None and inside(root)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return landed


def _aimed(base: Path, root: Path, kill, delay: float, tries: int = 6) -> bool:
    """A kill aimed at a stretch of a sync: `kill(root, delay)` returns
    whether it landed inside. On a busy machine the marker can be noticed
    too late for the stretch, so a miss is tried again on a fresh copy of
    `base`, sooner each time; the last try's copy stays for the recovery."""
    for _ in range(tries - 1):
        shutil.copytree(base, root)
        if kill(root, delay):
            return True
        shutil.rmtree(root)
        delay /= 2
    shutil.copytree(base, root)
    return kill(root, delay)


def _timed_sync(conf: Path, root: Path, source: Path) -> float:
    """Seconds an uninterrupted sync's work takes on `root`."""
    proc = _start_sync(conf, root, source)
    start = time.monotonic()
    assert proc.wait() == 0
    return time.monotonic() - start


def _window(conf: Path, root: Path, source: Path, marker: str, over) -> float:
    """Seconds from `marker` (a path under `root`) appearing to `over(root)`
    in one uninterrupted sync: the stretch aimed kills are drawn from, as
    long as this machine makes it (fsyncs on a disk, or none in /dev/shm)."""
    proc = _start_sync(conf, root, source)
    while not (root / marker).exists() and proc.poll() is None:
        time.sleep(0.0002)
    appeared = time.monotonic()
    while not over(root) and proc.poll() is None:
        time.sleep(0.0002)
    window = time.monotonic() - appeared
    assert proc.wait() == 0
    return window


def _settings(root: Path, source: Path) -> dict:
    return {"PATH": str(root / "content"), "GNEWS_FEEDS": [str(source)]}


# Each loop's count, measured by breaking the code it guards on purpose and
# counting the rounds that noticed (December 2026; the history does not say
# which round found the bugs these tests were written for):
# - no re-check of a file's bytes right before a refresh replaces it: every
#   one of 8 syncs lost 85-124 of ~1,000 edits;
# - a journal read but not replayed: every one of 20 kills aimed at the batch
#   noticed it, 1 of 30 random kills did;
# - archive lines written again by the sync after a kill: all 15 aimed kills
#   and 4 of 30 random ones noticed it;
# - story files removed before their archive lines are written: 3 of 30
#   random kills noticed it (the aimed ones cannot: they wait for the archive)
#   when a kill could land in the interpreter's start-up; 5 of 30 once kills
#   were drawn from the sync's work alone (RUNNER);
# - the state written in place, not renamed: none of 40 random kills, nor
#   the editor's check after a swap taken out: none of 8 syncs (windows of
#   microseconds, which GNEWS_STRESS_ROUNDS soaks can look for).
EDITOR_SYNCS = 1  # each of 8 syncs caught the missing re-check, losing 85 or more edits: one is enough
RANDOM_KILLS = 8  # a 1-in-6 ordering bug: found with 77 % odds a run (every CI run adds more)
AIMED_KILLS = 4  # a journal bug: found by each one
RETENTION_RANDOM_KILLS = 8  # the 1-in-6 retention ordering bug: found with 77 % odds a run
RETENTION_AIMED_KILLS = 4  # archive lines twice: found by each one (and one must land midway)


def test_an_editor_saving_during_large_syncs_never_loses_an_edit(tmp_path):
    """Syncs (EDITOR_SYNCS) that refresh 1,500 files each while an editor process keeps
    rewriting random story files (in place and by rename)."""
    base = tmp_path / "base"
    (base / "content").mkdir(parents=True)
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(n, 1) for n in range(1500)]))
    sync(from_pelican(_settings(base, source)))
    grown = feed([story(n, 3) for n in range(1500)])
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    lost = edits = kept = refreshed = 0
    syncs = rounds(EDITOR_SYNCS)
    for run in range(syncs):
        root = tmp_path / f"run{run}"
        shutil.copytree(base, root, symlinks=True)
        source.write_bytes(grown)
        news = root / "content" / "news"
        log, stop = tmp_path / f"edits{run}.json", tmp_path / f"stop{run}"
        editor = subprocess.Popen([sys.executable, str(script), str(news), str(log), str(stop), str(run)])
        time.sleep(0.2)
        result = sync(from_pelican(_settings(root, source))).results[0]
        stop.touch()
        assert editor.wait(timeout=60) == 0
        last = json.loads(log.read_text())
        edits += len(last)
        kept += result.kept_edited
        refreshed += len(result.updated)
        lost += sum((news / name).read_text() != text for name, text in last.items())
        assert not list((root / ".gnews-tmp").glob("*.tmp"))
        shutil.rmtree(root)
    report_figure(f"editor racing {syncs} syncs of 1,500 refreshes: {edits} files edited during them, "
                  f"{lost} edits lost ({kept} kept as edited by the sync, {refreshed} refreshed)")
    assert lost == 0
    assert kept > 0 and refreshed > 0  # the two really raced


def _snapshot(root: Path) -> tuple[dict, dict]:
    news = root / "content" / "news"
    files = {p.name: p.read_bytes() for p in news.glob("*.md")}
    state = json.loads((root / "gnews-state.json").read_text())
    stories = {sid: (r["file"], r["sha256"], bool(r.get("deleted")), sorted(r["keys"]))
               for sid, r in state["stories"].items()}
    return files, stories


def test_kill_9_at_random_instants_then_one_clean_sync_matches_an_uninterrupted_one(tmp_path):
    """A sync that writes 150 new stories and refreshes 150 (with a large
    state file, so that kills land inside its save too) is killed at
    RANDOM_KILLS random instants, and at AIMED_KILLS more aimed at its batch
    (after the journal appears); each time one clean sync must give exactly
    the files and the state of a sync never interrupted, with the editor's
    deletions still deleted."""
    base = tmp_path / "base"
    (base / "content").mkdir(parents=True)
    source = tmp_path / "feed.xml"
    source.write_bytes(feed([story(n, 1) for n in range(150)]))
    settings = _settings(base, source)
    sync(from_pelican(settings))
    # A state the size of a long-running site's (5,000 other stories).
    state = json.loads((base / "gnews-state.json").read_text())
    for n in range(5000):
        state["stories"][f"old{n:05d}"] = {"file": f"news/old-{n}.md", "sha256": "0" * 64,
                                           "keys": [f"token:old{n}"], "deleted": True}
    (base / "gnews-state.json").write_text(json.dumps(state, indent=1))
    # The editor deleted ten stories before this sync.
    for path in sorted((base / "content" / "news").glob("*.md"))[:10]:
        path.unlink()
    source.write_bytes(feed([story(n, 3) for n in range(150)] + [story(n, 1) for n in range(1000, 1150)]))
    conf = tmp_path / "conf.py"

    journal = "gnews-state.json.journal"

    def journal_open(root: Path) -> bool:
        return (root / journal).exists()

    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    duration = _timed_sync(conf, reference, source)
    expected = _snapshot(reference)
    assert len(expected[0]) == 290
    timed = tmp_path / "timed"
    shutil.copytree(base, timed)
    open_for = _window(conf, timed, source, journal, lambda root: not journal_open(root))
    rng = random.Random(20261126)
    journaled = 0  # kills between a batch's journal and its state save
    randomly, aimed = rounds(RANDOM_KILLS), rounds(AIMED_KILLS)
    for attempt in range(randomly + aimed):
        root = tmp_path / "attempt"
        if attempt < randomly:
            shutil.copytree(base, root)
            journaled += _sync_killed(conf, root, source, rng.uniform(0, duration), inside=journal_open)
        else:
            # Aimed at the batch itself: the renames and the state save run
            # while the journal exists.
            journaled += _aimed(base, root, lambda root, delay: _sync_killed(
                conf, root, source, delay, journal, journal_open), rng.uniform(0, open_for))
        # One clean sync, in-process, then the comparison.
        report = sync(from_pelican(_settings(root, source)))
        assert report.ok, report.failed
        got = _snapshot(root)
        assert got[0].keys() == expected[0].keys(), attempt
        assert got == expected, attempt
        leftovers = [p for p in root.rglob("*") if p.suffix in (".tmp", ".journal") or "gnews-tmp" in p.name
                     and p.is_file()]
        assert leftovers == [], attempt
        shutil.rmtree(root)
    report_figure(f"kill -9 at {randomly} random instants of a {duration:.2f} s sync (290 files, 5,150-story "
                  f"state) and {aimed} aimed at its batch's renames and state save: all {randomly + aimed} "
                  f"recovered exactly by one clean sync ({journaled} killed while a journal was open)")
    assert journaled >= aimed // 3  # the kills did land inside the batches


def test_kill_9_during_retention_loses_nothing_and_one_clean_sync_finishes_it(tmp_path):
    """A sync whose retention archives 300 stories (lines written, files
    removed, state pruned) is killed at RETENTION_RANDOM_KILLS random instants
    and RETENTION_AIMED_KILLS more aimed at the moment its archive file
    appears; one clean sync must then give the
    archive, files and state of a sync never interrupted: every expired story
    archived exactly once, none left behind, an editor's edited story kept.
    (The counts: RETENTION_RANDOM_KILLS and RETENTION_AIMED_KILLS.)"""
    base = tmp_path / "base"
    (base / "content").mkdir(parents=True)
    source = tmp_path / "feed.xml"
    source.write_text(feed_xml("World", "https://news.google.com/topics/W", "en-US", items(0, 300)))
    sync(from_pelican(_settings(base, source)))
    edited = sorted((base / "content" / "news").glob("*.md"))[7]
    edited.write_text(edited.read_text() + "\nAn editor's note.\n")
    source.write_text(feed_xml("World", "https://news.google.com/topics/W", "en-US", items(10, 20)))
    conf = tmp_path / "conf.py"
    month = "content/archive/2026-03.jsonl"

    def midway(root: Path) -> bool:
        # The archive is written and expired story files are still on disk.
        return (root / month).exists() and len(list((root / "content" / "news").glob("*.md"))) > 21

    def snapshot(root: Path):
        files, stories = _snapshot(root)
        lines = sorted((root / month).read_text().splitlines())
        return files, stories, lines

    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    duration = _timed_sync(conf, reference, source)
    expected = snapshot(reference)
    assert len(expected[0]) == 21 and len(expected[2]) == 299  # 20 new + the edited one; 299 archived
    timed = tmp_path / "timed"
    shutil.copytree(base, timed)
    removing = _window(conf, timed, source, month,
                       lambda root: len(list((root / "content" / "news").glob("*.md"))) <= 21)
    rng = random.Random(20261127)
    landed = 0  # kills that left expired story files on disk with the archive written
    randomly, aimed = rounds(RETENTION_RANDOM_KILLS), rounds(RETENTION_AIMED_KILLS)
    for attempt in range(randomly + aimed):
        root = tmp_path / "attempt"
        if attempt < randomly:
            shutil.copytree(base, root)
            landed += _sync_killed(conf, root, source, rng.uniform(0, duration), inside=midway)
        else:
            # The removals and the state save follow the archive file.
            landed += _aimed(base, root, lambda root, delay: _sync_killed(
                conf, root, source, delay, month, midway), rng.uniform(0, removing))
        report = sync(from_pelican(_settings(root, source)))
        assert report.ok, report.failed
        assert snapshot(root) == expected, attempt
        shutil.rmtree(root)
    report_figure(f"kill -9 at {randomly} random instants of a {duration:.2f} s sync archiving 299 stories and "
                  f"{aimed} aimed after its archive file appears: all {randomly + aimed} finished exactly by one "
                  f"clean sync ({landed} killed between the archive and the last removal)")
    assert landed >= aimed // 4  # the aimed kills did land between the archive and the removals
