"""What static search costs a build: Pagefind indexes the story pages beside
each build, in parts, and makes again only the parts whose pages changed
(pelican_gnews/publish/search.py).

For each size, one site of n invented stories (benchmarks/run.py's feed) is
synced and built twice over, with GNEWS_SEARCH on and off; then, alternately,
each is built again into an empty output (every page rendered and every part
of the index made, Pelican's content cache kept) and built hourly with
nothing new (incremental: the last output and caches kept, so no part is
made). The index's size on disk is reported. What an hour with new stories
costs, index included, is benchmarks/hour.py's and year.py's measure.

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
    full_on, full_off = bench.alternate(runs, lambda: bench.pelican_build(confs[True]),
                                        lambda: bench.pelican_build(confs[False]))
    on, off = bench.alternate(runs, lambda: bench.pelican_build(confs[True], keep_output=True),
                              lambda: bench.pelican_build(confs[False], keep_output=True))
    bundle = confs[True].parent / "output" / "pagefind"
    pages = len(list((confs[True].parent / "content" / "news").glob("*.md")))
    if pages != n:
        raise RuntimeError(f"{pages} story pages for {n} stories")
    return {"n": n, "on": statistics.median(r[0] for r in on), "off": statistics.median(r[0] for r in off),
            "full_on": statistics.median(r[0] for r in full_on), "full_off": statistics.median(r[0] for r in full_off),
            "parts": len(list(bundle.iterdir())), "index": folder_size(bundle),
            "site": folder_size(confs[True].parent / "output")}


def report(results: list[dict], runs: int, command: str) -> str:
    lines = ["## Search", "",
             f"Command: `{command}` (run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC). A build with the "
             "Pagefind index against the same build without it, median of "
             f"{runs} runs each, alternately: into an empty output (every page rendered, every part of the index "
             "made; Pelican's content cache kept), and hourly with nothing new (the last output and caches kept: "
             "no part made). An hour with new stories is measured by `benchmarks/hour.py` and `benchmarks/year.py`.",
             "", "| stories | empty output: with search | without | ratio | hourly, nothing new: with search "
             "| without | ratio | parts | index on disk | whole site |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['n']} | {r['full_on']:.2f} s | {r['full_off']:.2f} s | {r['full_on'] / r['full_off']:.2f} "
                     f"| {r['on']:.2f} s | {r['off']:.2f} s | {r['on'] / r['off']:.2f} "
                     f"| {r['parts']} | {r['index'] / 2**20:.1f} MiB | {r['site'] / 2**20:.1f} MiB |")
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
            print(f"{n} stories: empty output {results[-1]['full_on']:.2f} s with search, "
                  f"{results[-1]['full_off']:.2f} s without; hourly {results[-1]['on']:.2f} s with search, "
                  f"{results[-1]['off']:.2f} s without; index {results[-1]['index'] / 2**20:.1f} MiB", flush=True)
    text = report(results, args.runs, command)
    print(text)
    if args.write:
        bench.write_section(ROOT / "docs" / "benchmarks.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
