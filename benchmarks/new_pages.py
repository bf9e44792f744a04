"""What the pages that follow the news cost: a feed per story, the daily
digest with its feed, and the feed status page.

A site of --days days at 30 stories an hour (benchmarks/year.py's
simulation: five feeds, growing clusters, retention on) is copied twice. One
copy has everything (publishconf's settings); the other has story feeds,
digests and the status page switched off. Both are built cold, then get the
same hourly updates (30 new stories: `pelican-gnews sync`, then an
incremental `pelican content`), the two sides alternately; medians.

Then the published bytes of each new kind of output, and what they come to
at one year. A story's feed lives as long as its page and, retired, for
GNEWS_RETENTION_DAYS more: from twice the retention window on (14 days by
default) their number no longer grows, so the count at --days 15 is the
count at any later age. Digests add one page a day for the months the
archive keeps (GNEWS_ARCHIVE_MONTHS); their feed keeps GNEWS_DIGEST_FEED_DAYS.

    python benchmarks/new_pages.py [--days 15] [--updates 3] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import BIN, run_process, write_section  # noqa: E402
from year import SECTIONS, Year, grow, hour_items, site_conf, write_feed  # noqa: E402

OFF = ('GNEWS_STORY_FEED_ATOM = ""\nGNEWS_DIGEST_TOP = 0\nGNEWS_DIGEST_SAVE_AS = ""\nGNEWS_DIGESTS_SAVE_AS = ""\n'
       'GNEWS_DIGEST_FEED_ATOM = ""\nGNEWS_STATUS_SAVE_AS = ""\n')
KINDS = {"story feeds (Atom and JSON)": lambda rel: rel.startswith("feeds/story/"),
         "digest pages": lambda rel: rel.startswith("digest/"),
         "digest feed (Atom and JSON)": lambda rel: rel.startswith("feeds/digest."),
         "status page": lambda rel: rel == "status.html"}


def side(year: Year, name: str, extra: str) -> tuple[Path, Path]:
    copy = year.work / name
    shutil.copytree(year.site, copy, symlinks=True)
    conf = site_conf(copy, [copy / f.name for f in year.feeds])
    conf.write_text(conf.read_text() + extra)
    return copy, conf


def sizes(output: Path) -> dict[str, tuple[int, int]]:
    """Bytes and files of each new kind of output, and of the whole site."""
    found = {kind: [0, 0] for kind in (*KINDS, "whole site")}
    for path in output.rglob("*"):
        if path.is_file():
            rel, size = path.relative_to(output).as_posix(), path.stat().st_size
            for kind, belongs in KINDS.items():
                if belongs(rel):
                    found[kind][0] += size
                    found[kind][1] += 1
            found["whole site"][0] += size
            found["whole site"][1] += 1
    return {kind: (b, n) for kind, (b, n) in found.items()}


def measure(days: int, updates: int, work: Path) -> dict:
    year = Year(work)
    for _ in range(days):
        year.sync_hours(24)
    sides = {"on": side(year, "on", ""), "off": side(year, "off", OFF)}
    out: dict = {"days": days, "stories": len(list((year.site / "content" / "news").glob("*.md")))}
    for name, (copy, conf) in sides.items():
        out[f"cold_{name}"] = run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], copy)[0]
    hourly: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(updates):
        items = hour_items(year.hour, year.rnd)
        grown = [grow(i, year.rnd) for i in year.rnd.sample(year.previous, min(10, len(year.previous)))]
        year.hour += 1
        for name, (copy, conf) in sides.items():
            for number, feed in enumerate(year.feeds):
                write_feed(copy / feed.name, items[number::5] + grown[number::5], SECTIONS[number])
            synced = run_process([str(BIN / "pelican-gnews"), "sync", "-q", "-s", str(conf)], copy)[0]
            built = run_process([str(BIN / "pelican"), "-s", str(conf), "-q"], copy)[0]
            hourly[name].append(synced + built)
        year.previous = items
    out["hourly_on"], out["hourly_off"] = statistics.median(hourly["on"]), statistics.median(hourly["off"])
    out["sizes_on"], out["sizes_off"] = sizes(sides["on"][0] / "output"), sizes(sides["off"][0] / "output")
    return out


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def report(r: dict, command: str) -> str:
    on, off = r["sizes_on"], r["sizes_off"]
    digest_bytes, digest_pages = on["digest pages"]
    # One page a day, kept as long as the archive's months (12 by default),
    # plus the index; the digest feed and the story feeds stay as they are.
    per_day = digest_bytes / max(1, digest_pages - 1)
    year_digests = per_day * 365 + digest_bytes / max(1, digest_pages)
    new_now = sum(on[kind][0] for kind in KINDS)
    new_year = new_now - digest_bytes + year_digests
    lines = [
        "## Following the news: story feeds, digests, status page",
        "",
        f"Command: `{command}`. A site of {r['days']} simulated days at 30 stories an hour "
        f"({r['stories']:,} story pages), built with the new outputs and without them (story feeds, digests "
        "and the status page switched off), then the same hourly updates on both sides, alternately.",
        "",
        "| measure | with the new outputs | without | ratio |",
        "|---|---|---|---|",
        f"| cold build | {r['cold_on']:.2f} s | {r['cold_off']:.2f} s | {r['cold_on'] / r['cold_off']:.2f} |",
        f"| hourly update (sync of 30 stories + incremental build), median | {r['hourly_on']:.2f} s | "
        f"{r['hourly_off']:.2f} s | {r['hourly_on'] / r['hourly_off']:.2f} |",
        f"| published size | {mib(on['whole site'][0])} ({on['whole site'][1]:,} files) | "
        f"{mib(off['whole site'][0])} ({off['whole site'][1]:,} files) | "
        f"{on['whole site'][0] / off['whole site'][0]:.2f} |",
        "",
        "| new output | files now | bytes now | at one year |",
        "|---|---|---|---|",
    ]
    for kind in KINDS:
        size, files = on[kind]
        at_year = year_digests if kind == "digest pages" else size
        lines.append(f"| {kind} | {files:,} | {mib(size)} | {mib(at_year)} |")
    lines += ["", f"At one year the new outputs come to about {mib(new_year)}: story feeds stop growing once "
              "retention removes as many as a day adds (after twice GNEWS_RETENTION_DAYS), the digest adds "
              f"{per_day / 1024:.1f} KB a day for the twelve months the archive keeps, and its feed keeps "
              "GNEWS_DIGEST_FEED_DAYS days.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=15, help="simulated days before the measure")
    parser.add_argument("--updates", type=int, default=3, help="hourly updates on each side")
    parser.add_argument("--out", help="write the section into this report (e.g. docs/benchmarks.md)")
    args = parser.parse_args(argv)
    command = "python benchmarks/new_pages.py" + (f" --days {args.days}" if args.days != 15 else "") + (
        f" --updates {args.updates}" if args.updates != 3 else "")
    with tempfile.TemporaryDirectory(prefix="gnews-new-pages-") as work:
        section = report(measure(args.days, args.updates, Path(work)), command)
    print(section)
    if args.out:
        write_section(Path(args.out), section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
