"""What static search costs an hourly build: Pagefind indexes every story
page at the end of each build (pelican_gnews/publish/search.py).

For each size, one site of n invented stories (benchmarks/run.py's feed) is
synced and built twice over, with GNEWS_SEARCH on and off; then the hourly
build (incremental: the last output and caches kept) of each is timed,
alternately, and the index's size on disk is reported.

    python benchmarks/search.py [--write] [--sizes 1000 5000] [--runs 3]

`--write` puts the figures in docs/benchmarks.md, in place of its "Search"
section. A year-old site with the default settings keeps about 5,000
story pages (docs/benchmarks.md, "A simulated year").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import run as bench

from pelican_gnews.settings import from_pelican

ROOT = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(n: int, runs: int, work: Path) -> dict:
    feed = work / f"feed-{n}.xml"
    feed.write_bytes(bench.make_feed(n))
    confs = {}
    for search in (True, False):
        site = work / f"n{n}-{'on' if search else 'off'}"
        conf = bench.plugin_site(site, feed, cache=True)
        # Every story keeps its page (the feed's items are minutes apart,
        # but n of them span days): n story pages to index.
        conf.write_text(conf.read_text() + f"GNEWS_SEARCH = {search!r}\nGNEWS_SYNC_ON_BUILD = False\n"
                        "GNEWS_RETENTION_DAYS = 0\n")
        bench.checked_sync(from_pelican({"PATH": str(site / "content"), "GNEWS_FEEDS": [str(feed)],
                                         "GNEWS_MAX_BYTES": bench.MAX_BYTES, "GNEWS_RETENTION_DAYS": 0}))
        bench.pelican_build(conf)  # the last hourly build: its output and caches stay
        confs[search] = conf
    on, off = bench.alternate(runs, lambda: bench.pelican_build(confs[True], keep_output=True),
                              lambda: bench.pelican_build(confs[False], keep_output=True))
    bundle = confs[True].parent / "output" / "pagefind"
    pages = len(list((confs[True].parent / "content" / "news").glob("*.md")))
    if pages != n:
        raise RuntimeError(f"{pages} story pages for {n} stories")
    return {"n": n, "on": statistics.median(r[0] for r in on), "off": statistics.median(r[0] for r in off),
            "index": folder_size(bundle), "site": folder_size(confs[True].parent / "output")}


def report(results: list[dict], runs: int, command: str) -> str:
    lines = ["## Search", "",
             f"Command: `{command}` (run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC). The hourly build "
             "(incremental, the last output and caches kept) with the Pagefind index built at its end, against the "
             f"same build without it; median of {runs} runs each, alternately.", "",
             "| stories | with search | without | ratio | index on disk | whole site |",
             "|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['n']} | {r['on']:.2f} s | {r['off']:.2f} s | {r['on'] / r['off']:.2f} "
                     f"| {r['index'] / 2**20:.1f} MiB | {r['site'] / 2**20:.1f} MiB |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = "python benchmarks/search.py" + (" --write" if args.write else "") + (
        f" --sizes {' '.join(map(str, args.sizes))}" if args.sizes != [1000, 5000] else "") + (
        f" --runs {args.runs}" if args.runs != 3 else "")
    with tempfile.TemporaryDirectory(prefix="gnews-search-") as work:
        results = []
        for n in args.sizes:
            results.append(measure(n, args.runs, Path(work)))
            print(f"{n} stories: with search {results[-1]['on']:.2f} s, without {results[-1]['off']:.2f} s, "
                  f"index {results[-1]['index'] / 2**20:.1f} MiB", flush=True)
    text = report(results, args.runs, command)
    print(text)
    if args.write:
        bench.write_section(ROOT / "docs" / "benchmarks.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
