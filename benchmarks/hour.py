"""One hourly update of a week-old site: this checkout against another revision, in one run.

A change meant to make the hourly update faster is measured against the code
before it, the two sides taking turns, so that the machine's noise falls on
both:

    python benchmarks/hour.py --against HEAD~3

The site is the simulated week of benchmarks/year.py (30 stories an hour over
5 feeds, 5,039 story pages, every output of publishconf.py), made once by this
checkout's sync. Each side builds it cold with its own code and pelicanconf.py,
then, --rounds times, takes the same hour of stories from that cold build: the
sync, then the incremental build with the last build's output and caches, as
the workflow does. Medians, and this checkout's time over the other's.

The other revision is taken from git (`git archive`) into the work folder; its
code runs from there (PYTHONPATH), with this virtualenv's packages. So both
sides need the same dependencies, and the other revision must read the sync
state this checkout writes (true while the state's VERSION is the same).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import year
from run import BIN, alternate, run_process

ROOT = year.ROOT


def checkout(revision: str, into: Path) -> Path:
    """The files of `revision` of this repository, in `into`."""
    proc = subprocess.run(["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True)
    if proc.returncode:
        raise SystemExit(f"hour.py: git archive {revision}: {proc.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        # This repository's own files; the "data" filter where Python has it (3.11.4 on).
        archive.extractall(into, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return into


def code_env(code: Path) -> dict:
    """The environment that runs `code`'s plugin (checked: an install could
    put this checkout's package ahead of PYTHONPATH)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    found = subprocess.run([sys.executable, "-c", "import pelican_gnews; print(pelican_gnews.__file__)"],
                           env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True,
                           check=True).stdout.strip()
    if Path(found).resolve().parent.parent != code.resolve():
        raise SystemExit(f"hour.py: the plugin runs from {found}, not from {code}")
    return env


class Side:
    """One revision's code, with its own copy of the site built cold."""

    def __init__(self, name: str, code: Path, site: Path, work: Path):
        self.name, self.code, self.env = name, code, code_env(code)
        # Built cold where its hours are taken: Pelican's content cache knows
        # a story file by its path, and the workflow builds in one place.
        self.copy = work / f"{name}-hour"
        shutil.copytree(site, self.copy, symlinks=True)
        run_process([str(BIN / "pelican"), "-s", str(self._conf(self.copy)), "-q"], self.copy, env=self.env)
        self.cold = work / f"{name}-cold"
        shutil.copytree(self.copy, self.cold, symlinks=True)

    def _conf(self, root: Path) -> Path:
        return year.site_conf(root, [root / f"feed-{s.lower()}.xml" for s in year.SECTIONS], code=self.code)

    def hour(self, feeds: dict[str, bytes]) -> dict:
        """The hour of stories (`feeds`: file name -> bytes) from the cold build."""
        shutil.rmtree(self.copy, ignore_errors=True)
        shutil.copytree(self.cold, self.copy, symlinks=True)
        conf = self._conf(self.copy)
        for name, data in feeds.items():
            (self.copy / name).write_bytes(data)
        os.sync()  # the copy on disk first: its writing is not the hour's
        before = cpu_of_children()
        synced, _ = run_process([str(BIN / "pelican-gnews"), "sync", "-q", "-s", str(conf)], self.copy, env=self.env)
        built, _ = run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], self.copy, env=self.env)
        stats = json.loads((self.copy / "cache" / "gnews-build-stats.json").read_text())
        return {"sync": synced, "build": built, "update": synced + built, "cpu": cpu_of_children() - before,
                "rendering": stats.get("rendering_seconds", float("nan")), "rendered": stats["rendered"]}


def cpu_of_children() -> float:
    """CPU seconds (user and system) of this process's finished children and
    theirs (Pagefind's too): steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hour_feeds(simulation: year.Year, state) -> dict[str, bytes]:
    """The next hour's feeds of the simulation, the same at every call."""
    rnd = random.Random()
    rnd.setstate(state)
    items = year.hour_items(simulation.hour, rnd)
    grown = [year.grow(i, rnd) for i in rnd.sample(simulation.previous, min(10, len(simulation.previous)))]
    scratch = simulation.work / "feeds"
    scratch.mkdir(exist_ok=True)
    feeds = {}
    for number, section in enumerate(year.SECTIONS):
        path = scratch / f"feed-{section.lower()}.xml"
        year.write_feed(path, items[number::5] + grown[number::5], section)
        feeds[path.name] = path.read_bytes()
    return feeds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, help="the git revision to measure this checkout against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--days", type=int, default=7, help="age of the simulated site")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gnews-hour-") as folder:
        work = Path(folder)
        simulation = year.Year(work / "simulation")
        for day in range(1, args.days + 1):
            simulation.sync_hours(24)
            if day % 7 == 0:
                simulation.editor_week()
        feeds = hour_feeds(simulation, simulation.rnd.getstate())
        other = Side("other", checkout(args.against, work / "other-code"), simulation.site, work)
        this = Side("this", ROOT, simulation.site, work)
        theirs, ours = alternate(args.rounds, lambda: other.hour(feeds), lambda: this.hour(feeds))
        stories = len(list((simulation.site / "content" / "news").glob("*.md")))
    med = {side: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
           for side, runs in (("other", theirs), ("this", ours))}
    print(f"Command: `python benchmarks/hour.py {' '.join(argv or sys.argv[1:])}`; a {args.days}-day site "
          f"({stories:,} story pages), medians of {args.rounds} alternating rounds.\n")
    print(f"| measure | {args.against} | this checkout | ratio |")
    print("|---|---:|---:|---:|")
    for key, label in (("update", "hourly update (sync + build)"), ("sync", "of which the sync"),
                       ("build", "of which the build"),
                       ("rendering", "of which rendering the changed pages and feeds (the build's stats)"),
                       ("cpu", "CPU time of the update (user + system)"),
                       ("rendered", "files rendered by the build")):
        a, b = med["other"][key], med["this"][key]
        unit = "" if key == "rendered" else " s"
        shown = [f"{x:.0f}{unit}" if key == "rendered" else f"{x:.2f}{unit}" for x in (a, b)]
        # A revision whose builds do not record it (NaN): no ratio.
        shown = [text if x == x else "not recorded" for text, x in zip(shown, (a, b))]
        ratio = f"{b / a:.2f}" if a == a and b == b and a else "—"
        print(f"| {label} | {shown[0]} | {shown[1]} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
