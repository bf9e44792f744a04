"""Editors' files are never lost (issue 22, class 2).

* One reading of every yes/no key (frontmatter.flag): `pinned`, `draft`,
  `joins` in story files and `deleted` in the state mean the same for every
  value; a value that is neither yes nor no is the safe side (an edited
  story keeps its page, a draft stays hidden, a story is not brought back)
  and one warning naming the file and line.
* `clean-start` removes only what the sample feeds produced, lists exactly
  what it removes, and refuses settings whose folders overlap.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_FEEDS, SEED_STORY, Site, run_tool
from test_retention import Rolling, items

from pelican_gnews import frontmatter
from pelican_gnews.ingest import archive
from pelican_gnews.ingest.state import SyncState
from pelican_gnews.settings import problems

# Values an editor may write after `pinned:` (as YAML text), by what they mean.
YES = ["true", "'yes'", "Y", "ON", "1", "'1'", "True", "yes"]
NO = ["false", "'no'", "N", "off", "0", "FALSE", "'Off'"]
UNCLEAR = ["ture", "always", "keep", "2026-03-01", "2026-03-01 10:00:00", "[true]", "{keep: 1}", "2",
           "0.5", "'maybe later'", ".nan", "\"tru\\u200be\"", "yes please"]


def _seed(slug: str) -> str:
    """The hand-made seed story, under its own slug."""
    return re.sub(r"^slug: .*$", f'slug: "{slug}"', SEED_STORY.read_text(encoding="utf-8"), count=1, flags=re.M)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _with_key(path: Path, key: str, value: str) -> int:
    """Add `key: value` to a story file's front matter (an editor's edit);
    returns its line."""
    text = path.read_text(encoding="utf-8").replace("draft: false", f"draft: false\n{key}: {value}", 1)
    path.write_text(text, encoding="utf-8")
    return text.split("\n").index(f"{key}: {value}") + 1


# -- one reading of every yes/no key ------------------------------------------------

@pytest.mark.slow
def test_an_unclear_pinned_keeps_the_edited_story_and_names_its_line(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    site = Rolling(tmp_path)
    values = YES + NO + UNCLEAR
    site.day(0, items(0, len(values)))
    files = [site.files()[stem] for stem in sorted(site.files())]
    lines = {path.name: _with_key(path, "pinned", value) for path, value in zip(files, values)}
    yes, no, unclear = files[:len(YES)], files[len(YES):len(YES) + len(NO)], files[len(YES) + len(NO):]
    kept = {p.name: p.read_bytes() for p in yes + unclear}

    report = site.day(10, items(10, 1))
    # Only a clear no lets an edited story go; a clear yes and anything
    # unclear keep it, byte for byte.
    assert {p.name: p.read_bytes() for p in yes + unclear} == kept
    assert not any(p.exists() for p in no)
    assert sorted(e.slug for e in site.archived()) == sorted(p.stem for p in no)
    assert (report.retention.archived, report.retention.kept_pinned) == (len(NO), len(YES) + len(UNCLEAR))
    warnings = _warnings(caplog)
    for path in unclear:
        where = f"news/{path.name}:{lines[path.name]}: pinned: "
        assert any(m.startswith(where) and "not true or false" in m for m in warnings), (where, warnings)
    for path in yes + no:
        assert not any(path.name in m for m in warnings), path.name
    # Later syncs keep them too, and the state still knows them.
    site.day(40, items(40, 1))
    assert {p.name: p.read_bytes() for p in yes + unclear} == kept
    assert {f"news/{p.name}" for p in yes + unclear} <= {r.file for r in site.state().stories.values()}

    # The site builds, the kept stories with it.
    built = Site(tmp_path)
    built.build()
    for path in yes + unclear:
        assert (built.output / f"{path.stem}.html").is_file(), path.stem


@pytest.mark.slow
def test_every_reader_of_a_yes_no_key_reads_it_the_same(tmp_path, caplog):
    """The state's `deleted` (JSON, as a person may write it), a story
    file's `pinned` and `draft`, all through frontmatter.flag: the same
    answer for every value, and unclear is yes (the safe side of each)."""
    caplog.set_level(logging.INFO)
    values = YES + NO + UNCLEAR + ["''", "~"]
    parsed = [frontmatter.load(f"key: {value}", "<test>")["key"] for value in values]
    answers = [frontmatter.flag(p, "key", unclear=True) for p in parsed]
    for value, answer in zip(values, answers):
        word = value.strip("'").strip().lower()
        clear = word in frontmatter.YES | frontmatter.NO | {"", "~"}
        assert answer is (word in frontmatter.YES or not clear), value
    # The state, as JSON can hold each value.
    state = tmp_path / "gnews-state.json"
    as_json = [p if isinstance(p, (str, bool, int, list, dict, type(None))) or (isinstance(p, float) and p == p)
               else str(p) for p in parsed]
    state.write_text(json.dumps({"version": 1, "feeds": {}, "stories": {
        f"s{n}": {"file": f"news/s{n}.md", "sha256": None, "keys": [], "deleted": raw}
        for n, raw in enumerate(as_json)}}), encoding="utf-8")
    loaded = SyncState.load(state)
    assert [loaded.stories[f"s{n}"].deleted for n in range(len(values))] == answers
    # Story files' draft: hidden (under drafts/) exactly when the reading is
    # yes, and an unclear value is named by file and line. (A list or a
    # mapping is text to the reader, or ignored, before it is a yes/no.)
    site = Site(tmp_path / "site")
    written = {}
    for n, (value, p) in enumerate(zip(values, parsed)):
        if isinstance(p, (list, dict)):
            continue
        text = _seed(f"draft-{n}").replace("draft: false", f"draft: {value}")
        path = site.write(f"news/draft-{n}.md", text)
        written[n] = (path, text.split("\n").index(f"draft: {value}") + 1)
    site.build()
    warnings = _warnings(caplog)
    for n, (path, line) in written.items():
        value = values[n]
        hidden = (site.output / "drafts" / f"draft-{n}.html").is_file()
        shown = (site.output / f"draft-{n}.html").is_file()
        assert (hidden, shown) == (answers[n], not answers[n]), value
        word = value.strip("'").strip().lower()
        unclear = word not in frontmatter.YES | frontmatter.NO | {"", "~"}
        assert any(m.startswith(f"{path}:{line}: draft: ") for m in warnings) is unclear, value


def test_no_module_keeps_its_own_yes_no_words():
    """Every yes/no key is read by frontmatter.flag; a second word list is
    how readings drift apart (retention removed what the state kept)."""
    # Two of the yes words in one line (a word list of a language, English
    # "on" among its prepositions, is no flag reading).
    yes = re.compile(r"""["'](true|yes|on)["']\s*[,)}]""", re.IGNORECASE)
    own = [str(p.relative_to(ROOT)) for p in (ROOT / "pelican_gnews").rglob("*.py")
           if p.name != "frontmatter.py"
           and any(len({w.lower() for w in yes.findall(line)}) >= 2
                   for line in p.read_text(encoding="utf-8").splitlines())]
    assert own == []


# -- clean-start removes only what the samples produced ---------------------------------

# A short window: the samples' older items go to the archive on their first sync.
SHORT_WINDOW = "\nGNEWS_RETENTION_DAYS = 0.25\n"


def _listed(output: str, verb: str) -> list[str]:
    return [line[len(verb) + 1:] for line in output.splitlines() if line.startswith(f"{verb} ")]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _own_feeds(project: Path, tmp_path: Path, extra: str = "") -> None:
    own = tmp_path / "own.xml"
    shutil.copy(SAMPLE_FEEDS / "science.xml", own)
    conf = project / "pelicanconf.py"
    text = re.sub(r"GNEWS_FEEDS = \[.*?\n\]", f"GNEWS_FEEDS = [{str(own)!r}]",
                  conf.read_text(encoding="utf-8"), flags=re.S)
    conf.write_text(text + extra, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("month_edit", ["none", "line added", "line broken"])
def test_clean_start_removes_only_what_the_samples_produced(tmp_path, synced_sample, month_edit):
    project = synced_sample(tmp_path / "project", SHORT_WINDOW)
    news, folder = project / "content" / "news", project / "content" / "archive"
    months = archive.month_files(folder)
    assert list(months) == ["2026-01"] and archive.read_month(months["2026-01"])
    samples = sorted(news.glob("*.md"))
    assert len(samples) > 5

    # What editors did: one sample story edited, one of their own written
    # into the story folder, a note and a month of their own in the archive
    # folder, and (in some runs) a line of their own in the samples' month.
    edited = samples[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn editor's note.\n", encoding="utf-8")
    mine = news / "editors-own-story.md"
    mine.write_text(_seed("editors-own-story"), encoding="utf-8")
    note = folder / "notes.md"
    note.write_text("Title: Archive notes\n\nWhat we keep.\n", encoding="utf-8")
    own_month = folder / "2025-12.jsonl"
    own_month.write_text(json.dumps({"id": "editor-1", "date": "2025-12-24T10:00:00+00:00",
                                     "headline": "Our own year in review", "outlet": "Us", "link":
                                     "https://us.example/review", "sources": 1, "slug": "review"}) + "\n",
                         encoding="utf-8")
    sample_month = months["2026-01"]
    if month_edit == "line added":
        with sample_month.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": "editor-2", "date": "2026-01-11T10:00:00+00:00", "headline":
                                     "A correction", "outlet": "Us", "link": "https://us.example/fix",
                                     "sources": 1, "slug": "fix"}) + "\n")
    elif month_edit == "line broken":
        with sample_month.open("a", encoding="utf-8") as handle:
            handle.write('{"id": "half a line\n')
    theirs = {p: p.read_bytes() for p in (edited, mine, note, own_month)}
    _own_feeds(project, tmp_path)

    before = _files(project)
    listed = run_tool("pelican-gnews", "clean-start", cwd=project)
    assert listed.returncode == 0, listed.stderr
    would = _listed(listed.stdout, "would remove")
    assert _files(project) == before  # a dry run changes nothing
    done = run_tool("pelican-gnews", "clean-start", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    removed = _listed(done.stdout, "removed")
    # The dry run listed exactly what the real run removed, and that is
    # exactly what left the disk; every other file is as it was.
    assert removed == would and removed
    after = _files(project)
    gone = set(before) - set(after)
    assert gone == {p for p in removed if not p.endswith("/archive") and p != str(folder)}
    assert all(after[p] == before[p] for p in after)
    # The samples' stories and state went; everything an editor wrote stayed.
    assert sorted(news.glob("*.md")) == sorted([edited, mine])
    assert not (project / "gnews-state.json").exists()
    assert {p: p.read_bytes() for p in theirs} == theirs
    assert f"kept {edited}" in done.stdout
    if month_edit == "none":
        assert str(sample_month) in removed and not sample_month.exists()
    else:
        assert sample_month.exists() and f"kept {sample_month}" in done.stdout
    assert str(own_month) not in removed and str(folder) not in removed  # the folder holds editors' files

    build = run_tool("pelican", "content", cwd=project)
    assert build.returncode == 0, build.stdout + build.stderr
    assert (project / "output" / "editors-own-story.html").is_file()


@pytest.mark.slow
def test_clean_start_without_editors_files_leaves_no_archive_folder(tmp_path, synced_sample):
    project = synced_sample(tmp_path / "project", SHORT_WINDOW)
    folder = project / "content" / "archive"
    assert archive.month_files(folder)
    _own_feeds(project, tmp_path)
    would = _listed(run_tool("pelican-gnews", "clean-start", cwd=project).stdout, "would remove")
    done = run_tool("pelican-gnews", "clean-start", "--yes", cwd=project)
    assert done.returncode == 0 and _listed(done.stdout, "removed") == would
    assert str(folder) in would and not folder.exists()
    assert not list((project / "content").rglob("*.md")) and not (project / "gnews-state.json").exists()


@pytest.mark.parametrize("settings", [
    {"GNEWS_ARCHIVE_DIR": "news"},  # the example: all of content/news went
    {"GNEWS_ARCHIVE_DIR": "news/archive"},
    {"GNEWS_ARCHIVE_DIR": "news/", "GNEWS_CONTENT_DIR": "./news"},
    {"GNEWS_ARCHIVE_DIR": "stories", "GNEWS_CONTENT_DIR": "stories/news"},
])
@pytest.mark.slow
def test_clean_start_refuses_overlapping_folders_and_removes_nothing(tmp_path, synced_sample, settings):
    project = synced_sample(tmp_path / "project")
    news = project / "content" / "news"
    (news / "editors-own-story.md").write_text(_seed("editors-own-story"), encoding="utf-8")
    _own_feeds(project, tmp_path, "".join(f"\n{k} = {v!r}" for k, v in settings.items()) + "\n")
    before = _files(project)
    for args in ((), ("--yes",)):
        refused = run_tool("pelican-gnews", "clean-start", *args, cwd=project)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "GNEWS_ARCHIVE_DIR" in refused.stderr and "GNEWS_CONTENT_DIR" in refused.stderr
        assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
        assert _files(project) == before


def test_overlapping_folders_name_the_settings(tmp_path):
    """One check of the settings (settings.problems) refuses them for the
    sync, the build and clean-start alike."""
    content = tmp_path / "content"
    content.mkdir()
    base = {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "output")}
    assert problems(base) == []
    # Stories in PATH itself: the archive is a folder of PATH, as it must be.
    assert problems({**base, "GNEWS_CONTENT_DIR": "."}) == []
    cases = [({"GNEWS_ARCHIVE_DIR": "news"}, "GNEWS_ARCHIVE_DIR"),
             ({"GNEWS_ARCHIVE_DIR": "news/a"}, "GNEWS_ARCHIVE_DIR"),
             ({"GNEWS_CONTENT_DIR": "archive/news"}, "GNEWS_CONTENT_DIR"),
             ({"GNEWS_ARCHIVE_DIR": "."}, "GNEWS_ARCHIVE_DIR"),
             ({"GNEWS_ARCHIVE_DIR": "../elsewhere"}, "GNEWS_ARCHIVE_DIR"),
             ({"GNEWS_STATE_FILE": str(content / "state.json")}, "GNEWS_STATE_FILE")]
    for extra, name in cases:
        found = problems({**base, **extra})
        assert [key for key, _ in found] == [name], (extra, found)
        assert found[0][1].startswith(name)
