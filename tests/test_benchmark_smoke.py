"""The benchmark keeps working: a tiny run (it is never timed in the tests)."""

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Site


@pytest.mark.slow  # runs the benchmark scripts (10-33 s)
def test_benchmark_runs_at_a_tiny_size(tmp_path):
    out = tmp_path / "BENCH.md"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "30", "--runs", "1",
                           "--out", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = out.read_text()
    for measure in ("1. `pelican content`", "peak memory", "2. first sync", "3. resync",
                    "files written by the resync | 30 | 0 |", "4. warm rebuild"):
        assert measure in report, measure
    table = report.split("## What was profiled")[0]
    assert "| 30 |" in table and table.strip() in proc.stdout
    assert "## What was profiled and changed" in report


@pytest.mark.slow  # runs the benchmark script
def test_the_search_benchmark_runs_at_a_tiny_size(tmp_path):
    search = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "search.py"), "--sizes", "20", "--runs", "1"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert search.returncode == 0, search.stdout + search.stderr
    assert "## Search" in search.stdout and "| 20 |" in search.stdout


@pytest.mark.slow  # syncs a day of stories hour by hour
def test_the_repository_benchmark_folds_the_data_branch_and_main_keeps_growing(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "repository.py"), "--warm", "1",
                           "--hours", "8", "--keep", "2", "--every", "2"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [line.split("|")[1:5] for line in proc.stdout.splitlines() if line.startswith("| ") and "MB" in line]
    assert [int(hours) for hours, _, _, _ in rows] == [0, 2, 4, 6, 8]
    assert [int(folds) for _, _, _, folds in rows] == [0, 1, 2, 3, 4]  # past 2 commits, every 2 hours
    main = [float(size.split()[0]) for _, size, _, _ in rows]
    assert main == sorted(main) and main[-1] > main[0]  # every hour's commit stays on main
    assert "per hourly commit" in proc.stdout and "From the fold at hour 6 to the one at hour 8" in proc.stdout


@pytest.mark.slow
def test_the_identity_benchmark_runs_at_a_tiny_size(monkeypatch, capsys):
    """Its main(), with one feed of each kind: tests/test_identity.py
    measures every feed already, with the same functions."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import identity

    invented, clustered = identity.invented_feeds, identity.clustered_feeds
    monkeypatch.setattr(identity, "invented_feeds", lambda folder: invented(folder)[:1])
    monkeypatch.setattr(identity, "clustered_feeds", lambda: clustered()[:1])
    assert identity.main(["--sizes", "30", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "invented stream: B-cubed precision" in out
    assert out.count("up to 3 h apart") == (2 if identity.SHARED_FEEDS.is_dir() else 1)
    assert "first sync, 30 items, search feed" in out


def test_a_section_replaces_its_last_version_in_the_report(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run

    report = tmp_path / "BENCH.md"
    report.write_text("# Benchmarks\n\ntable\n\n## What was profiled and changed\n\nnotes\n")
    run.write_section(report, "## Search\n\nfirst\n")
    run.write_section(report, "## Search\n\nsecond\n")
    text = report.read_text()
    assert text.count("## Search") == 1 and "second" in text and "first" not in text
    assert text.index("## Search") < text.index("## What was profiled") and text.endswith("notes\n")


@pytest.mark.slow  # syncs a day of stories, builds it twice and updates it twice
def test_the_hour_benchmark_sets_this_checkout_against_a_revision(tmp_path):
    """Against the revision checked out (HEAD), the same code on both sides
    renders the same files for the same hour."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "hour.py"), "--against", "HEAD",
                           "--rounds", "1", "--days", "1"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {line.split("|")[1].strip(): line.split("|")[2:5] for line in proc.stdout.splitlines()
            if line.startswith("| ") and "measure" not in line}
    rendering = "of which rendering the changed pages and feeds (the build's stats)"
    assert set(rows) == {"hourly update (sync + build)", "of which the sync", "of which the build", rendering,
                         "CPU time of the update (user + system)", "files rendered by the build"}
    theirs, ours, _ = rows["files rendered by the build"]
    assert int(theirs) == int(ours) > 0
    # This checkout's builds time their rendering: some of the build, not all of it.
    assert 0 < float(rows[rendering][1].split()[0]) < float(rows["of which the build"][1].split()[0]), rows
    # The processes' CPU time, Pagefind's too: some, and no more than the machine's cores give.
    for side in (0, 1):
        wall = float(rows["hourly update (sync + build)"][side].split()[0])
        cpu = float(rows["CPU time of the update (user + system)"][side].split()[0])
        assert 0 < cpu < (os.cpu_count() or 1) * wall + 1, (cpu, wall)
    assert "story pages), medians of 1 alternating rounds" in proc.stdout


@pytest.mark.slow  # starts Pelican
def test_pelican_s_own_part_reads_every_story_and_writes_nothing(tmp_path):
    """benchmarks/pelican_floor.py, as year.py runs it: Pelican reads every
    story into its context (its content cache holds each) and stops there,
    with a cache and output of its own; the site's own are left alone."""
    site = Site(tmp_path / "site")
    site.write_listed_stories(5)
    # year.py's settings made in a process of their own: importing it gives
    # feedmaker the simulation's link tokens, which other tests must not get.
    script = ("import pathlib, sys; sys.path.insert(0, sys.argv[1]); import year; site = pathlib.Path(sys.argv[2]); "
              "print(year.floor_conf(site, year.site_conf(site, [])))")
    floor = subprocess.run([sys.executable, "-c", script, str(ROOT / "benchmarks"), str(site.root)],
                           capture_output=True, text=True, check=True).stdout.strip()
    proc = subprocess.run([str(Path(sys.executable).parent / "pelican"), "-s", floor, "-q"], capture_output=True,
                          text=True, cwd=site.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(site.root / "floor-cache" / "ArticlesGenerator-Readers", "rb") as handle:
        read = pickle.load(handle)
    assert sorted(os.path.basename(name) for name in read) == [f"s{n}.md" for n in range(5)]
    # Read by the story reader (its coverage list), not Pelican's Markdown reader.
    assert all(len(meta["coverage"]) == 2 for _, (_, meta) in read.values())
    assert not [p for p in (site.root / "floor-output").rglob("*") if p.is_file()]
    assert not (site.root / "cache").exists() and not (site.root / "output").exists()


def test_the_year_report_puts_the_in_memory_hour_in_parts():
    """The hour in parts (year.hour_by_part): the plugin's other work is
    what the sync, Pelican's own part and the rendering leave of the hour."""
    result = {"mem_hourly": 5.0, "mem_sync": 1.0, "mem_pelican_own": 1.5, "mem_rendering": 0.75,
              "mem_hugo_pagefind": 3.5, "mem_build_stats": {"rendered": 1234}}
    # In a process of its own: importing year gives feedmaker the simulation's link tokens.
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); import year; "
              "print(year.hour_by_part(json.loads(sys.argv[2])))")
    line = subprocess.run([sys.executable, "-c", script, str(ROOT / "benchmarks"), json.dumps(result)],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert "sync 1.00 s" in line and "Pelican's own part 1.50 s" in line
    assert "rendering the 1,234 changed pages and feeds 0.75 s" in line
    assert "the plugin's other work in the build 1.75 s" in line and "a 1.0x hour has 3.50 s" in line
