"""The README and docs/: a short front door, no broken link or anchor, every
page reachable from the README, the test command the README gives is the one
CI runs, and the settings page names every setting settings.py has."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ROOT

from pelican_gnews.settings import DEFAULTS

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_MAX_LINES = 250

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
# [text](target) and ![alt](target); a target may hold one level of parentheses.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^()\s>]*(?:\([^()\s]*\)[^()\s>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def prose(markdown: str) -> str:
    """The text outside code blocks and code spans, where links are links."""
    return CODE_SPAN.sub("", FENCE.sub("", markdown))


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: its text (links and code as written),
    lowercased, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor; a repeated one gets -1, -2… as on GitHub."""
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = name = anchor(heading)
        n = 0
        while name in found:
            n += 1
            name = f"{base}-{n}"
        found.add(name)
    return found


def test_anchor_rules():
    assert anchor("Extras: the Japanese, Chinese, Korean and Thai stacks") == \
        "extras-the-japanese-chinese-korean-and-thai-stacks"
    assert anchor("What `GNEWS_FEEDS` takes") == "what-gnews_feeds-takes"
    assert anchor("Dependencies, and why") == "dependencies-and-why"


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/"


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page):
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto: — not a file of the repository
        path_part, _, fragment = target.partition("#")
        dest = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif fragment and dest.suffix == ".md" and unquote(fragment) not in anchors(dest):
            broken.append(f"{target}: no heading with that anchor in {dest.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_every_docs_page_is_linked_from_readme():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in links(README) if ":" not in t}
    assert DOCS, "docs/ holds no page"
    missing = [p.name for p in DOCS if p.resolve() not in linked]
    assert not missing, f"README.md links no docs page: {missing}"


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if re.match(r"\s*python3? -m pytest\b", line)]
    assert len(commands) == 1, f".ci/run should run pytest once, runs: {commands}"
    readme = README.read_text(encoding="utf-8")
    after = readme.split("Run the tests", 1)
    assert len(after) == 2, "README.md has no 'Run the tests' step"
    block = re.search(r"```sh\n(.*?)```", after[1], re.DOTALL)
    assert block and block.group(1).strip() == commands[0], \
        f"README's test command is {block.group(1).strip() if block else None!r}; .ci/run runs {commands[0]!r}"


def test_settings_page_names_every_setting_and_no_other():
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(GNEWS_[A-Z0-9_]+)`", page))
    settings = {name for name in DEFAULTS if name.startswith("GNEWS_")}
    assert not settings - named, f"docs/settings.md lacks {sorted(settings - named)}"
    assert not named - settings, f"docs/settings.md names settings that do not exist: {sorted(named - settings)}"
