"""The garbage collector during a build (publish/collector.py): fewer
collections while it runs, the thresholds it found when it ends, and no
walk over the build's objects as the process exits."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys

from conftest import ROOT, SEED_STORY
from pelican import signals

from pelican_gnews.publish.collector import BUILD_THRESHOLDS


def test_a_build_collects_less_and_puts_the_thresholds_back(site):
    shutil.copy(SEED_STORY, site.content / SEED_STORY.name)
    seen = []

    def during(generator):
        seen.append(gc.get_threshold())

    before = gc.get_threshold()
    signals.article_generator_finalized.connect(during)
    try:
        gc.set_threshold(1234, 5, 6)  # a process's own, which the build gives back
        site.build()
        after = gc.get_threshold()
    finally:
        signals.article_generator_finalized.disconnect(during)
        gc.set_threshold(*before)
    assert seen == [BUILD_THRESHOLDS]
    assert after == (1234, 5, 6)
    assert (site.output / "index.html").is_file()


def test_the_process_exits_without_walking_what_the_build_made(tmp_path):
    """atexit runs its handlers last registered first: one registered before
    the build runs after the build's, and sees what the interpreter's last
    collection will skip."""
    (tmp_path / "content").mkdir()
    shutil.copy(SEED_STORY, tmp_path / "content" / SEED_STORY.name)
    script = f"""
import atexit, gc, sys
start = gc.get_threshold()
atexit.register(lambda: print("frozen", gc.get_freeze_count(), "thresholds back:", gc.get_threshold() == start))
sys.path.insert(0, {str(ROOT)!r})
from pelican import Pelican
from pelican.settings import read_settings
settings = read_settings(None, override={{"PATH": "content", "OUTPUT_PATH": "output", "PLUGINS": ["pelican_gnews"],
                                         "THEME": {str(ROOT / "theme")!r}, "GNEWS_SEARCH": False}})
Pelican(settings).run()
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    frozen = int(done.stdout.split("frozen ")[1].split()[0])
    assert frozen > 10_000, done.stdout  # the build's objects, not a handful
    assert "thresholds back: True" in done.stdout
    assert (tmp_path / "output" / "index.html").is_file()
