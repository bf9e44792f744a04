"""The benchmark keeps working: a tiny run (it is never timed in the tests)."""

import subprocess
import sys

from conftest import ROOT


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
