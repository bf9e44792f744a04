"""A new site starts clean: `pelican-gnews clean-start` removes what the
bundled samples left (ingest/clean_start.py), and nothing of theirs leaks."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import SAMPLE_FEEDS, run_tool


@pytest.mark.slow
def test_clean_start_removes_the_samples_once_the_sites_own_feeds_are_set(tmp_path, synced_sample):
    project = synced_sample(tmp_path / "project")
    news = project / "content" / "news"
    samples = sorted(news.glob("*.md"))
    assert len(samples) > 10 and (project / "gnews-state.json").exists()
    # An editor's change to a sample story is not thrown away.
    edited = samples[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn editor's note.\n", encoding="utf-8")

    # While the samples are still the feeds, the next build would bring them back.
    refused = run_tool("pelican-gnews", "clean-start", "--yes", cwd=project)
    assert refused.returncode == 2 and "still lists the sample feeds" in refused.stderr
    assert len(list(news.glob("*.md"))) == len(samples)

    own = tmp_path / "own.xml"
    shutil.copy(SAMPLE_FEEDS / "science.xml", own)
    conf = project / "pelicanconf.py"
    text = conf.read_text(encoding="utf-8")
    text = re.sub(r"GNEWS_FEEDS = \[.*?\n\]", f"GNEWS_FEEDS = [{str(own)!r}]", text, flags=re.S)
    conf.write_text(text, encoding="utf-8")

    listed = run_tool("pelican-gnews", "clean-start", cwd=project)
    assert listed.returncode == 0 and "Run again with --yes" in listed.stdout
    assert len(list(news.glob("*.md"))) == len(samples)  # only listed

    done = run_tool("pelican-gnews", "clean-start", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"kept {edited}" in done.stdout
    assert sorted(news.glob("*.md")) == [edited]
    assert not (project / "gnews-state.json").exists()
    assert not (project / "content" / "archive").exists()

    build = run_tool("pelican", "content", cwd=project)
    assert build.returncode == 0, build.stdout + build.stderr
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    nav = index[index.index("<nav"):index.index("</nav>")]
    # The site's own feed's section, the kept story's; no sample section, and
    # the hand-made seed story (in samples/stories) never was in content/.
    assert "Science" in nav
    for leaked in ("news.google.com", "Wirtschaft", "トップニュース", "World"):
        assert leaked not in nav, leaked
    assert run_tool("pelican-gnews", "clean-start", "--yes", cwd=project).returncode == 2  # own state now
