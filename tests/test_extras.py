"""The install without extras: the bundled sample site, which has a
Japanese feed, builds with none of the Japanese, Chinese, Korean or Thai
stacks, says once which extra to install, and falls back to readable
slugs and tags."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import copy_project, run_tool, search_index

from pelican_gnews.languages import EXTRAS

# Every module the four extras bring, made unimportable at interpreter start,
# as in a venv made by `pip install .` alone.
BLOCKER = "import sys\nfor name in {names!r}:\n    sys.modules[name] = None\n"


@pytest.mark.slow
def test_the_sample_site_builds_without_any_extra(tmp_path):
    project = copy_project(tmp_path / "site")
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    names = sorted({m for modules in EXTRAS.values() for m in modules})
    (blocked / "sitecustomize.py").write_text(BLOCKER.format(names=names), encoding="utf-8")

    # COLUMNS: one log line for each message, as a CI log has it.
    done = run_tool("pelican", "content", cwd=project, env={"PYTHONPATH": str(blocked), "COLUMNS": "1000"})
    assert done.returncode == 0, done.stdout + done.stderr
    log = done.stdout + done.stderr
    assert "Traceback" not in log
    warnings = re.findall(r"Japanese stories need the \[ja\] extra", log)
    assert len(warnings) == 1, log
    assert "pip install 'pelican-gnews[ja]'" in log
    assert "[zh] extra" not in log and "[ko] extra" not in log  # the samples have no such stories

    japanese = []
    for path in (project / "content" / "news").rglob("*.md"):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if meta.get("language") == "ja":
            japanese.append(meta)
    assert japanese, "the sample Japanese feed gave no stories"
    for meta in japanese:
        # Unidecode's spelling: Latin letters, never empty, never a bare hash.
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", meta["slug"]), meta["slug"]
        assert meta["tags"], f"no tags for {meta['title']}"
        readable = [tag for tag in meta["tags"] if 2 <= len(tag) <= 12 and not re.search(r"[、。「」（）\s]", tag)]
        assert readable == meta["tags"], meta["tags"]
    output = project / "output"
    assert (output / "index.html").is_file()
    story = output / "news" / f"{japanese[0]['slug']}.html"
    assert story.is_file() or any(output.rglob(f"{japanese[0]['slug']}.html"))
    tag_pages = [p.name for p in (output / "tag").iterdir()] if (output / "tag").is_dir() else []
    assert tag_pages and all(p.isascii() for p in tag_pages)
    assert search_index(output)  # Pagefind's standard binary indexed the site
