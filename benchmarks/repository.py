"""How the repository grows per hourly commit: with the sync's files on main,
and with them on a data branch of their own (scripts/data-branch).

A 5-feed site at 30 stories an hour (benchmarks/year.py's simulation, its
retention at the default 7 days) is synced day by day for --warm days, so it
has its steady size, then hour by hour for --hours hours. Each hour's files
(content/ and the state) are committed:

* to main, as the workflow does without a data branch;
* to a data branch, whose history is folded into one commit (the tip's tree
  in a commit of its own, with no parent) once it is longer than --keep
  commits, as scripts/data-branch does. Main then gains no commit of the
  sync's: its growth per hourly commit is 0.

Both repositories are packed as a fresh clone holds them (`git gc --prune=now`
after expiring reflogs: what is reachable, nothing else) after the warm-up and
every --every hours. Printed: a Markdown table of the packed sizes, then the
growth per hourly commit and three years projected.

    python benchmarks/repository.py                      # 7 + 14 days, --keep 168
    python benchmarks/repository.py --warm 3 --hours 72 --keep 24
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from year import Year, commit_parts, git

HOURS_IN_THREE_YEARS = 3 * 365 * 24
PARTS = ["content", "gnews-state.json"]


def fold(repo: Path, keep: int) -> bool:
    """scripts/data-branch's fold: past `keep` commits, the tip's tree in one
    commit with no parent."""
    if int(git("rev-list", "--count", "HEAD", cwd=repo)) <= keep:
        return False
    folded = git("commit-tree", "HEAD^{tree}", "-m", "folded", cwd=repo).strip()
    git("reset", "--quiet", "--soft", folded, cwd=repo)
    return True


def packed(repo: Path) -> int:
    """Bytes of the objects a clone would receive."""
    git("reflog", "expire", "--expire=now", "--all", cwd=repo)
    git("gc", "--quiet", "--prune=now", cwd=repo)
    return sum(p.stat().st_size for p in (repo / ".git" / "objects").rglob("*") if p.is_file())


def run(warm: int, hours: int, keep: int, every: int, work: Path) -> list[dict]:
    year = Year(work)
    for _ in range(warm):
        year.sync_hours(24)
    repos = {"main": work / "main", "data": work / "data"}
    for repo in repos.values():
        repo.mkdir()
        commit_parts(year.site, repo, PARTS, "site")
    rows = [{"hour": 0, "main": packed(repos["main"]), "data": packed(repos["data"]), "folds": 0}]
    folds = 0
    for hour in range(1, hours + 1):
        year.sync_hours(1)
        for repo in repos.values():
            commit_parts(year.site, repo, PARTS, f"hour {hour}")
        folds += fold(repos["data"], keep)
        if hour % every == 0 or hour == hours:
            rows.append({"hour": hour, "main": packed(repos["main"]), "data": packed(repos["data"]), "folds": folds})
            print(rows[-1], flush=True)
    return rows


def report(rows: list[dict], keep: int, command: str) -> str:
    first, last = rows[0], rows[-1]
    hours = last["hour"]
    per_main = (last["main"] - first["main"]) / hours
    per_data = (last["data"] - first["data"]) / hours
    # Measured right after a fold, the data branch is the site's files of the
    # moment and one commit: from one fold to the next is its lasting growth.
    folded = [r for r in rows if r["hour"] and r["hour"] % keep == 0]
    lasting = (folded[-1]["data"] - folded[-2]["data"]) / keep if len(folded) >= 2 else None
    peak = max(r["data"] for r in rows)
    lines = [f"Command: `{command}`", "",
             "| hours synced | main (sync commits on main), packed | data branch (folded past "
             f"{keep} commits), packed | folds so far |", "|---:|---:|---:|---:|"]
    lines += [f"| {r['hour']} | {r['main'] / 1e6:.2f} MB | {r['data'] / 1e6:.2f} MB | {r['folds']} |" for r in rows]
    lines += ["", f"- Sync commits on main: {per_main / 1e3:.1f} KB per hourly commit, "
                  f"{per_main * HOURS_IN_THREE_YEARS / 1e9:.2f} GB in three years.",
              f"- With the data branch: main gains no commit of the sync's (0 KB per hourly commit). "
              f"The data branch went from {first['data'] / 1e6:.2f} MB to {last['data'] / 1e6:.2f} MB "
              f"over {hours} hourly commits ({per_data / 1e3:.1f} KB per hourly commit), at most "
              f"{peak / 1e6:.2f} MB."]
    if lasting is not None:
        lines.append(f"- From the fold at hour {folded[-2]['hour']} to the one at hour {folded[-1]['hour']}, "
                     f"the data branch grew {lasting / 1e3:.1f} KB per hourly commit: the growth of the "
                     f"site's files themselves (the archive's month files), "
                     f"{lasting * HOURS_IN_THREE_YEARS / 1e9:.2f} GB in three years at that rate.")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=7, help="days synced day by day first (default 7)")
    parser.add_argument("--hours", type=int, default=14 * 24, help="hours synced and committed one by one")
    parser.add_argument("--keep", type=int, default=168, help="the data branch's GNEWS_DATA_KEEP (default 168)")
    parser.add_argument("--every", type=int, default=24, help="pack and measure every this many hours")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gnews-repository-") as work:
        rows = run(args.warm, args.hours, args.keep, args.every, Path(work))
    print(report(rows, args.keep, " ".join(["python benchmarks/repository.py", *(argv or sys.argv[1:])])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
