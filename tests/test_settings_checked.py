"""Issue 22, class 4: every setting is checked when a sync or a build starts.

A GNEWS_* setting (every one in settings.DEFAULTS), or TIMEZONE or
DEFAULT_LANG, with the wrong type or an impossible value is one line naming
the setting, what it got and what it takes: `pelican-gnews sync` exits 2
with nothing written; a Pelican build logs one ERROR, does not sync, builds
the site with the default in the bad value's place, and writes nothing
outside its output folder. Folders that overlap are bad settings too. The
state merge tool says the same kind of line for a document that is not a
sync state.
"""

from __future__ import annotations

import json
import logging
import math  # noqa: F401 - the table's expressions use it
import shutil
from pathlib import Path

import pytest
from conftest import SEED_STORY, run_tool
from feedmaker import Item
from test_live import T0
from test_live import feed as feed_xml

from pelican_gnews.cli import main
from pelican_gnews.settings import CHECKS, DEFAULTS, SettingsError, check, from_pelican, problems, shown

SEED_SLUG = "zelensky-says-ukraine-does-not-have-clear-security-pledge-from-allies-bbc"

NUMBERS = ("'x'", "None", "float('nan')", "float('inf')", "-float('inf')", "1e309", "-1", "True", "[5]", "'12'")
WHOLE = NUMBERS + ("2.5", "10**400")

# (setting, Python source of a bad value, words its line must hold)
BAD: list[tuple[str, str, tuple[str, ...]]] = []


def bad(key: str, sources, *words: str) -> None:
    BAD.extend((key, source, words) for source in sources)


for key, top in (("GNEWS_MAX_TAGS", "1001"), ("GNEWS_TAGS_PER_PAGE", "0"), ("GNEWS_FETCH_WORKERS", "0"),
                 ("GNEWS_RETRIES", "101"), ("GNEWS_MAX_BYTES", "0"), ("GNEWS_RESOLVE_BUDGET", "10**6"),
                 ("GNEWS_RESOLVE_BATCH", "0"), ("GNEWS_FRONT_PAGE_TOP", "10**5"),
                 ("GNEWS_FRONT_PAGE_SECTION", "-3"), ("GNEWS_ARCHIVE_MONTHS", "1e9"),
                 ("GNEWS_SEARCH_PART_PAGES", "0")):
    bad(key, WHOLE + (top,), "whole number")
for key in ("GNEWS_TIMEOUT", "GNEWS_CONNECT_TIMEOUT", "GNEWS_FEED_DEADLINE", "GNEWS_RESOLVE_TIMEOUT"):
    bad(key, NUMBERS + ("0", "86401"), "seconds", "above 0")
for key in ("GNEWS_BACKOFF", "GNEWS_RETRY_AFTER_MAX", "GNEWS_LOCK_TIMEOUT", "GNEWS_RESOLVE_SPACING",
            "GNEWS_RESOLVE_DEADLINE"):
    bad(key, NUMBERS + ("-0.5", "10**9"), "seconds")
for key in ("GNEWS_IDENTITY_WINDOW", "GNEWS_SIMILARITY_CLOSE_HOURS", "GNEWS_SIMILARITY_WINDOW",
            "GNEWS_SCORE_HALF_LIFE", "GNEWS_DEVELOPING_HOURS"):
    bad(key, NUMBERS + ("1e12", "-0.1"), "hours")
for key in ("GNEWS_SIMILARITY", "GNEWS_SIMILARITY_CLOSE"):
    bad(key, NUMBERS + ("1.01",), "number", "from 0 to 1")
bad("GNEWS_SCORE_OUTLETS", NUMBERS + ("11",), "number")
bad("GNEWS_RETENTION_DAYS", NUMBERS + ("1e6",), "days")
for key in ("GNEWS_SYNC_ON_BUILD", "GNEWS_JOIN_ARTICLES", "GNEWS_JOIN_FULL_COVERAGE", "GNEWS_SEARCH",
            "GNEWS_RESOLVE_LINKS", "GNEWS_JSON_FEEDS", "GNEWS_INCREMENTAL"):
    bad(key, ("'false'", "'no'", "None", "2", "[]", "0.5"), "True or False")
bad("GNEWS_FEEDS", ("42", "None", "3.5", "{'category': 'World'}", "[42]", "['']", "[None]", "[{'url': 5}]",
                    "[{'url': ''}]", "[{'url': 'a.xml', 'category': 7}]", "[{'url': 'a.xml', 'name': 7}]",
                    "[{'url': 'a.xml', 'catgory': 'x'}]",
                    "['a.xml\\nb.xml']", "[['a.xml']]"), "GNEWS_FEEDS", "feed")
bad("GNEWS_SLUG_UNICODE", ("'true'", "None", "1", "[1]", "['../ja']", "{'ja': True}"),
    "True, False or a list of languages")
bad("GNEWS_RESOLVE_BASE", ("None", "5", "'news.google.com'", "'ftp://x'", "'https://a b'", "'javascript:alert(1)'"),
    "http(s) address")
bad("GNEWS_RANKING_DOCS_URL", ("None", "5", "'docs/ranking.md'", "'javascript:alert(1)'", "'https://a b'"),
    "http(s) address")
bad("GNEWS_FEEDS", ("[{'url': 'a.xml', 'edition': 'Narnia'}]", "[{'url': 'a.xml', 'edition': 5}]"), "edition")
bad("GNEWS_ROBOTS", ("'noindx'", "None", "True", "'INDEX'", "['noindex']"), "'index' or 'noindex'")
for key in ("GNEWS_CONTENT_DIR", "GNEWS_ARCHIVE_DIR"):
    bad(key, ("5", "None", "''", "'  '", "['news']", "'a\\x00b'", "'a\\nb'"), "folder")
    bad(key, ("'..'", "'../elsewhere'", "'/'", "'/tmp'"), "folder inside PATH")
bad("GNEWS_CONTENT_DIR", ("'../output'",), "folder")  # the output is beside the content here
bad("GNEWS_ARCHIVE_DIR", ("''.join(['.'])", "'news'", "'news/old'", "'./news/'"), "folder")
bad("GNEWS_CONTENT_DIR", ("'archive'", "'archive/news'"), "GNEWS_ARCHIVE_DIR")
bad("GNEWS_STATE_FILE", ("5", "'/'", "''.join('/')", "['s.json']", "'a\\x00'", "'.'", "'..'"), "file outside PATH")
bad("GNEWS_STATE_FILE", ("'content/s.json'", "'content'", "'content/news/s.json'", "'output/s.json'"), "file outside")
for key, fields in (("GNEWS_ARCHIVE_MONTH_URL", "{year}, {month}"), ("GNEWS_ARCHIVE_DAY_URL", "{year}, {month}, {day}"),
                    ("GNEWS_OUTLET_URL", "{slug}")):
    bad(key, ("5", "None", "''", "'{nope}'", "'x/{slug.__class__}'", "'{'", "'a}'", "'x/{0}'", "'x/{}'",
              "'../{year}/{month}/{day}/{slug}'"), fields)
for key, fields, ok in (("GNEWS_ARCHIVE_MONTH_SAVE_AS", "{year}, {month}", "archive/{year}/{month}/index.html"),
                        ("GNEWS_ARCHIVE_DAY_SAVE_AS", "{year}, {month}, {day}", "a/{year}/{month}/{day}/index.html"),
                        ("GNEWS_OUTLET_SAVE_AS", "{slug}", "outlet/{slug}.html"),
                        ("GNEWS_OUTLET_FEED_ATOM", "{slug}", "feeds/{slug}.atom.xml"),
                        ("GNEWS_OUTLETS_SAVE_AS", "no placeholder", "outlets.html"),
                        ("GNEWS_SITEMAP_SAVE_AS", "no placeholder", "sitemap.xml")):
    escapes = [f"'../{ok}'", f"'/tmp/{ok}'", f"'a/../../{ok}'", f"'./../{ok}'", f"'{ok}/'", f"'..\\\\{ok}'",
               f"'{ok}\\x00'"]
    bad(key, ["5", "True", "'{nope}'", "'{year.real}'", *escapes], "inside the output folder", fields)
bad("GNEWS_ARCHIVE_MONTH_SAVE_AS", ("'archive/{year}/index.html'",), "{month}")  # months would share a file
bad("GNEWS_ARCHIVE_DAY_SAVE_AS", ("'archive/{year}/{month}/index.html'",), "{day}")
bad("GNEWS_OUTLET_SAVE_AS", ("'outlet.html'",), "{slug}")
bad("GNEWS_OUTLETS_SAVE_AS", ("''", "None"), "inside the output folder")
bad("GNEWS_OUTLETS_URL", ("5", "None", "''", "'{slug}.html'", "'../outlets.html'", "'out lets.html'"),
    "relative address")
bad("GNEWS_STATUS_SAVE_AS", ("'../status.html'", "5", "'{slug}.html'"), "inside the output folder")
bad("GNEWS_STATUS_URL", ("5", "None", "''", "'../status.html'", "'sta tus.html'"), "relative address")
bad("GNEWS_DIGEST_TOP", WHOLE + ("1001",), "whole number")
bad("GNEWS_DIGEST_FEED_DAYS", WHOLE + ("0",), "whole number", "days")
bad("GNEWS_DIGEST_URL", ("5", "None", "''", "'{nope}'", "'digest/{year}/{month}/'", "'../{year}/{month}/{day}/'"),
    "{year}, {month}, {day}")
bad("GNEWS_DIGESTS_URL", ("5", "None", "''", "'{slug}/'", "'../digest/'"), "relative address")
for key, fields, ok in (("GNEWS_STORY_FEED_ATOM", "{slug}", "feeds/story/{slug}.atom.xml"),
                        ("GNEWS_DIGEST_SAVE_AS", "{year}, {month}, {day}", "digest/{year}/{month}/{day}/index.html"),
                        ("GNEWS_DIGESTS_SAVE_AS", "no placeholder", "digest/index.html"),
                        ("GNEWS_DIGEST_FEED_ATOM", "no placeholder", "feeds/digest.atom.xml")):
    bad(key, ["5", "True", "'{nope}'", f"'../{ok}'", f"'/tmp/{ok}'", f"'{ok}/'"], "inside the output folder", fields)
bad("GNEWS_DATA_BRANCH", ("'main'", "'HEAD'", "5", "None", "'gnews data'", "'-x'", "'a..b'", "'data.lock'", "'data/'",
                          "'data\\x00'"), "branch name")
bad("GNEWS_DATA_KEEP", WHOLE + ("0",), "whole number", "commits")
bad("TIMEZONE", ("'Mars/Olympus'", "5", "'../../etc/passwd'", "''", "'UTC\\x00'", "['UTC']"), "tz database")
bad("DEFAULT_LANG", ("5", "''", "'../search'", "'english language'", "['en']", "'e'"), "language code")

IDS = [f"{key}={source}" for key, source, _ in BAD]


def value_of(source: str):
    return eval(source)  # noqa: S307 - the table's own literals


def test_the_table_covers_every_setting():
    covered = {key for key, _, _ in BAD}
    assert set(DEFAULTS) <= covered and {"TIMEZONE", "DEFAULT_LANG"} <= covered
    assert set(CHECKS) == set(DEFAULTS)
    # ...and every default passes its own check, with nothing else set.
    assert problems({"PATH": "/tmp/site/content", "OUTPUT_PATH": "/tmp/site/output"}) == []


def test_overlapping_folders_both_changed_name_both_and_a_build_gets_apart_folders(tmp_path):
    settings = {**_site_settings(tmp_path), "GNEWS_CONTENT_DIR": "stories", "GNEWS_ARCHIVE_DIR": "stories/archive"}
    [(name, line)] = problems(settings)
    assert name == "GNEWS_ARCHIVE_DIR" and "GNEWS_CONTENT_DIR ('stories')" in line
    # The archive's default is apart from the stories' folder here; where it
    # is not, the stories' default is taken too.
    with pytest.raises(SettingsError):
        from_pelican(settings)
    assert settings["GNEWS_ARCHIVE_DIR"] == "archive" and problems(settings) == []
    settings = {**_site_settings(tmp_path), "GNEWS_CONTENT_DIR": "archive/x", "GNEWS_ARCHIVE_DIR": "archive/x/y"}
    with pytest.raises(SettingsError):
        from_pelican(settings)
    assert problems(settings) == [] and from_pelican(settings).archive_dir == (tmp_path / "content" / "archive")


def _site_settings(root: Path) -> dict:
    return {"PATH": str(root / "content"), "OUTPUT_PATH": str(root / "output")}


@pytest.mark.parametrize(("key", "source", "words"), BAD, ids=IDS)
def test_a_bad_value_is_one_line_naming_the_setting_what_it_got_and_what_it_takes(tmp_path, monkeypatch, key,
                                                                                  source, words):
    monkeypatch.chdir(tmp_path)
    value = value_of(source)
    settings = {**_site_settings(tmp_path), key: value}
    found = problems(settings)
    assert len(found) == 1, found
    [(name, line)] = found
    assert name == key and line.startswith(key) and "\n" not in line and len(line) < 400
    assert shown(value) in line or key == "GNEWS_FEEDS"  # an entry of the list is shown alone
    for word in words:
        assert word in line, (word, line)
    with pytest.raises(SettingsError) as raised:
        check(settings)
    assert raised.value.problems == [line]
    # A build's settings get the default in the bad value's place.
    with pytest.raises(SettingsError):
        from_pelican(settings)
    assert problems(settings) == []


def _conf(root: Path, key: str, source: str) -> Path:
    conf = root / "conf.py"
    (root / "content").mkdir(exist_ok=True)
    (root / "feed.xml").write_bytes(feed_xml([Item("Port workers end strike", "Coastal Wire",
                                                  "https://cw.example", "https://cw.example/1", T0)]))
    feeds = "" if key == "GNEWS_FEEDS" else "GNEWS_FEEDS = ['feed.xml']\n"
    conf.write_text(f"import math\nPATH = 'content'\nOUTPUT_PATH = 'output'\n{feeds}{key} = {source}\n",
                    encoding="utf-8")
    return conf


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("key", "source", "words"), BAD, ids=IDS)
def test_the_command_line_exits_2_with_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys, key, source,
                                                                   words):
    monkeypatch.chdir(tmp_path)
    conf = _conf(tmp_path, key, source)
    before = _files(tmp_path)
    assert main(["sync", "-s", str(conf)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert key in lines[0] and str(conf) in lines[0] and "Traceback" not in captured.err
    assert all(word in lines[0] for word in words), lines[0]
    assert captured.out == ""
    assert _files(tmp_path) == before  # no state, no story, no lock left behind


@pytest.mark.slow
def test_the_console_script_names_each_bad_setting_on_its_own_line(tmp_path):
    conf = _conf(tmp_path, "GNEWS_MAX_TAGS", "1e309")
    with conf.open("a") as handle:
        handle.write("GNEWS_SCORE_HALF_LIFE = 'x'\nTIMEZONE = 'Mars/Olympus'\nGNEWS_SITEMAP_SAVE_AS = '../sm.xml'\n")
    for command in (["sync"], ["clean-start"]):
        proc = run_tool("pelican-gnews", *command, "-s", str(conf), cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        # (Pelican's own warning about feeds without SITEURL may come first.)
        lines = [line for line in proc.stderr.strip().splitlines() if "SITEURL" not in line]
        assert len(lines) == 4 and "Traceback" not in proc.stderr, proc.stderr
        for name in ("GNEWS_MAX_TAGS", "GNEWS_SCORE_HALF_LIFE", "TIMEZONE", "GNEWS_SITEMAP_SAVE_AS"):
            assert sum(name in line for line in lines) == 1
    assert not (tmp_path / "content" / "news").exists() and not (tmp_path / "gnews-state.json").exists()


# -- a real Pelican build: one error, the site built, nothing outside the output ---------

# One or more rows of each kind of check, and every example of the issue.
BUILD_ROWS = [
    ("GNEWS_FEEDS", "42"), ("GNEWS_FEEDS", "[{'url': 5}]"), ("GNEWS_MAX_TAGS", "1e309"),
    ("GNEWS_RETENTION_DAYS", "float('inf')"), ("GNEWS_RETENTION_DAYS", "float('nan')"),
    ("GNEWS_IDENTITY_WINDOW", "float('nan')"), ("GNEWS_SIMILARITY_WINDOW", "float('inf')"),
    ("GNEWS_ARCHIVE_MONTHS", "float('inf')"), ("GNEWS_STATE_FILE", "5"), ("GNEWS_STATE_FILE", "'/'"),
    ("GNEWS_STATE_FILE", "'content/s.json'"), ("GNEWS_FRONT_PAGE_TOP", "None"),
    ("GNEWS_FRONT_PAGE_SECTION", "'4'"), ("GNEWS_SCORE_HALF_LIFE", "'x'"), ("GNEWS_SCORE_OUTLETS", "None"),
    ("GNEWS_DEVELOPING_HOURS", "1e309"), ("GNEWS_ARCHIVE_DAY_URL", "'archive/{yr}/{month}/{day}/'"),
    ("GNEWS_ARCHIVE_DAY_SAVE_AS", "'../{year}/{month}/{day}.html'"),
    ("GNEWS_ARCHIVE_MONTH_SAVE_AS", "'{year}/{month}/{nope}.html'"),
    ("GNEWS_OUTLET_SAVE_AS", "'../outlet/{slug}.html'"), ("GNEWS_OUTLET_URL", "'outlet/{name}.html'"),
    ("GNEWS_OUTLET_FEED_ATOM", "'/tmp/{slug}.xml'"), ("GNEWS_OUTLETS_SAVE_AS", "'../outlets.html'"),
    ("GNEWS_SITEMAP_SAVE_AS", "5"), ("GNEWS_SITEMAP_SAVE_AS", "'../sm.xml'"),
    ("GNEWS_SITEMAP_SAVE_AS", "'a/../../sm.xml'"), ("GNEWS_MAX_BYTES", "0"), ("GNEWS_TIMEOUT", "0"),
    ("GNEWS_SEARCH", "'false'"), ("GNEWS_SEARCH_PART_PAGES", "2.5"), ("GNEWS_JSON_FEEDS", "'no'"),
    ("GNEWS_INCREMENTAL", "'yes'"),
    ("GNEWS_ROBOTS", "'noindx'"), ("GNEWS_TAGS_PER_PAGE", "0"), ("GNEWS_SLUG_UNICODE", "'true'"),
    ("GNEWS_ARCHIVE_DIR", "'news'"), ("GNEWS_ARCHIVE_DIR", "'news/old'"), ("GNEWS_CONTENT_DIR", "'../x'"),
    ("GNEWS_CONTENT_DIR", "'archive'"), ("TIMEZONE", "'Mars/Olympus'"), ("DEFAULT_LANG", "'../search'"),
]


def _synced_site(site, monkeypatch) -> Path:
    """A site with a synced story, its state and an archive month; its feed
    then lists a new story, which a sync would write."""
    monkeypatch.chdir(site.root)
    from pelican_gnews.ingest.sync import sync

    old = Item("Port workers end strike", "Coastal Wire", "https://cw.example", "https://cw.example/1", T0)
    new = Item("Snowstorm closes mountain passes", "Alpine Post", "https://ap.example", "https://ap.example/2", T0)
    feed = site.root / "feed.xml"
    feed.write_bytes(feed_xml([old]))
    report = sync(from_pelican({"PATH": str(site.content), "GNEWS_FEEDS": [str(feed)], "GNEWS_RETENTION_DAYS": 0}))
    [story] = report.results[0].written
    feed.write_bytes(feed_xml([old, new]))
    (site.content / "archive").mkdir(exist_ok=True)  # the sync froze T0's digest there
    (site.content / "archive" / "2025-12.jsonl").write_text(json.dumps({
        "id": "s1", "slug": "old-story", "headline": "An old story", "outlet": "Coastal Wire",
        "link": "https://cw.example/old", "date": "2025-12-03T08:00:00+00:00", "sources": 1}) + "\n")
    return story


@pytest.mark.slow
@pytest.mark.parametrize(("key", "source"), BUILD_ROWS, ids=[f"{k}={s}" for k, s in BUILD_ROWS])
def test_a_build_logs_one_error_and_builds_the_site_with_the_default(site, caplog, monkeypatch, key, source):
    story = _synced_site(site, monkeypatch)
    overrides = {"GNEWS_FEEDS": ["feed.xml"], "GNEWS_SEARCH": False, "GNEWS_RETENTION_DAYS": 0,
                 "SITEURL": "https://example.org", "RELATIVE_URLS": False, "FEED_ALL_ATOM": "feeds/all.atom.xml",
                 key: value_of(source)}
    before = {path: stamp for path, stamp in _files(site.root).items() if not path.startswith("output/")}
    caplog.set_level(logging.INFO)
    site.build(**overrides)
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert key in errors[0] and "\n" not in errors[0] and "it takes" in errors[0]
    assert "without a sync" in errors[0]
    assert not any(r.exc_info for r in records) and "Traceback" not in caplog.text
    # The site is built from what is on disk: the story, its lists, its feed.
    assert (site.output / f"{story.stem}.html").is_file() and (site.output / "index.html").is_file()
    assert "Port workers end strike" in site.page("index.html")
    assert (site.output / "feeds" / "all.atom.xml").is_file()
    assert any(site.output.glob("outlet/*.html")) and (site.output / "archive/2025/12/03/index.html").is_file()
    assert (site.output / "sitemap.xml").is_file()
    # Nothing written outside the output: no sync (the new story stays out), no stray page.
    after = {path: stamp for path, stamp in _files(site.root).items() if not path.startswith("output/")}
    assert after == before
    assert "Snowstorm" not in site.page("index.html")
    assert not (site.root.parent / "sm.xml").exists() and not Path("/tmp/an-outlet.xml").exists()


def test_a_bad_timezone_costs_no_story(site, caplog):
    news = site.content / "news"
    news.mkdir(parents=True)
    shutil.copy(SEED_STORY, news / SEED_STORY.name)
    caplog.set_level(logging.INFO)
    site.build(GNEWS_SYNC_ON_BUILD=False, GNEWS_SEARCH=False, TIMEZONE="Mars/Olympus")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "TIMEZONE is 'Mars/Olympus'" in errors[0] and "without a sync" not in errors[0]
    assert (site.output / f"{SEED_SLUG}.html").is_file()


def test_good_settings_still_sync_and_build(site, caplog, monkeypatch):
    """The checks refuse nothing that worked: the stories may live in PATH
    itself, the state anywhere outside PATH, limits at their edges."""
    monkeypatch.chdir(site.root)
    (site.root / "feed.xml").write_bytes(feed_xml([Item("Port workers end strike", "Coastal Wire",
                                                       "https://cw.example", "https://cw.example/1", T0)]))
    caplog.set_level(logging.INFO)
    site.build(GNEWS_FEEDS=[{"url": "feed.xml", "category": "World"}], GNEWS_SEARCH=False, GNEWS_CONTENT_DIR=".",
               GNEWS_STATE_FILE=str(site.root / "state" / "s.json"), GNEWS_MAX_TAGS=0, GNEWS_RETENTION_DAYS=0,
               GNEWS_LOCK_TIMEOUT=0.5, GNEWS_SLUG_UNICODE=["ja", "zh-Hant"], GNEWS_SITEMAP_SAVE_AS="",
               GNEWS_OUTLET_URL="o/{slug}/", GNEWS_OUTLET_SAVE_AS="o/{slug}/index.html", DEFAULT_LANG="pt-BR",
               TIMEZONE="America/Sao_Paulo", GNEWS_FETCH_WORKERS=1, GNEWS_IDENTITY_WINDOW=1_000_000)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert (site.root / "state" / "s.json").is_file()
    assert [p.parent for p in site.content.glob("*.md")] == [site.content]
    assert any(site.output.glob("o/*/index.html"))


# -- the state merge tool -----------------------------------------------------------------

STATES = [
    ("[]", "a list"), ("42", "a number"), ('"state"', "a text"), ("null", "null"), ("true", "true or false"),
    ('{"stories": []}', "'stories' is a list"), ('{"feeds": "x"}', "'feeds' is a text"),
    ('{"links": 5}', "'links' is a number"), ('{"stories": {"s1": "x"}}', "'stories' entry 's1' is a text"),
    ('{"feeds": {"f": [1]}}', "'feeds' entry 'f' is a list"),
    ('{"links": {"k": {}}}', "'links' entry 'k' is an object"),
    ('{"stories": {"s1": {"rank": NaN}}}', "NaN"), ('{"version": Infinity}', "Infinity"),
    ("[" * 100_000 + "]" * 100_000, "nested"), ("{not json", "Expecting"), ("\xff\xfe", "utf-8"),
]


@pytest.mark.parametrize(("text", "words"), STATES, ids=[w for _, w in STATES])
@pytest.mark.parametrize("which", [0, 1, 2])
def test_merge_state_names_a_document_that_is_not_a_state(tmp_path, capsys, text, words, which):
    good = '{"version": 1, "feeds": {}, "stories": {"s1": {"file": "news/a.md"}}}'
    names = []
    for number in range(3):
        path = tmp_path / f"doc{number}.json"
        path.write_bytes((text if number == which else good).encode("utf-8", "surrogateescape")
                         if text != "\xff\xfe" or number != which else b"\xff\xfe{}")
        names.append(str(path))
    assert main(["merge-state", *names]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and "Traceback" not in captured.err
    assert names[which] in lines[0] and words in lines[0]


def test_merge_state_still_merges(tmp_path, capsys):
    base = {"version": 1, "feeds": {}, "stories": {"s1": {"file": "news/a.md", "rank": 1}}}
    ours = {"version": 1, "feeds": {"f": {"etag": "x"}}, "stories": {"s1": {"file": "news/a.md", "rank": 2}}}
    theirs = {"version": 1, "feeds": {}, "stories": {"s1": {"file": "news/b.md", "rank": 1}}, "links": {"k": "https://a"}}
    paths = []
    for name, doc in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_text(json.dumps(doc))
        paths.append(str(tmp_path / name))
    (tmp_path / "empty").write_text("")
    assert main(["merge-state", str(tmp_path / "empty"), paths[1], paths[2]]) == 0
    capsys.readouterr()
    assert main(["merge-state", *paths]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert merged["stories"]["s1"]["file"] == "news/b.md" and merged["feeds"] == {"f": {"etag": "x"}}
    assert merged["links"] == {"k": "https://a"}


def test_every_default_passes_its_check():
    """setting() returns a default without checking it again."""
    assert {key: CHECKS[key](value) for key, value in DEFAULTS.items() if CHECKS[key](value)} == {}
    assert problems({}) == []
