"""The archive's parse cache (publish/archive_pages.ParseCache): a month file
that only grew since the last build (a sync appends the stories that left
their pages) is parsed from where it ended, and what that gives, its local
days and its entries, is what a whole parse of the file gives. Anything
else (an edit in the middle, a file that ended mid-line, a damaged or
foreign cache, another time zone) is parsed whole.

Month files and caches are written here; every result is compared with a
parse of the same bytes by a cache that knows nothing.
"""

from __future__ import annotations

import json
import logging
import pickle
from datetime import datetime, timedelta, timezone

import pytest

from pelican_gnews.ingest import archive
from pelican_gnews.publish import archive_pages, file_stamps
from pelican_gnews.publish.archive_pages import LINES_NAME, ParseCache, site_zone

TOKYO = site_zone({"TIMEZONE": "Asia/Tokyo"})  # a UTC month's last nine hours are the next local month's


def line(n: int, start=datetime(2026, 1, 30, tzinfo=timezone.utc)) -> str:
    """The nth story archived, three hours apart from 30 January: in
    Tokyo, story 13 (line 14) is on 1 February, in its UTC month's file."""
    return archive.Entry(id=f"id-{n}", date=start + timedelta(hours=3 * n), headline=f"Story {n} ü",
                         outlet="Outlet", link=f"https://example.com/{n}", sources=n % 4, slug=f"story-{n}",
                         section="World", language="en").as_line()


class Builds:
    """Builds of one site's archive cache, each with its own ParseCache,
    counting the lines each one parses."""

    def __init__(self, tmp_path, monkeypatch, caplog, zone=TOKYO):
        self.caplog = caplog
        self.warnings: list[str] = []  # what the last build's cache warned of
        self.folder = tmp_path / "archive"
        self.folder.mkdir()
        self.settings = {"GNEWS_INCREMENTAL": True, "CACHE_PATH": str(tmp_path / "cache"),
                         "LOAD_CONTENT_CACHE": True}
        self.zone = zone
        self.parsed_lines = 0
        parse = archive.parse_line

        def counting(*args, **kwargs):
            self.parsed_lines += 1
            return parse(*args, **kwargs)

        monkeypatch.setattr(archive, "parse_line", counting)

    def file(self, name="2026-01"):
        return self.folder / f"{name}.jsonl"

    def build(self, name="2026-01"):
        """One build's days and entries of a month file, after checking them
        against a whole parse of the same bytes."""
        self.parsed_lines = 0
        with self.caplog.at_level(logging.WARNING):
            self.caplog.clear()
            cache = ParseCache(self.settings, self.zone)
            digest, days = cache.days(name, self.file(name))
            cache.save()
            self.warnings = [r.getMessage() for r in self.caplog.records]
        counted = self.parsed_lines
        whole = ParseCache({}, self.zone)
        assert whole.days(name, self.file(name)) == (digest, days)
        entries = cache.parsed.get(name)  # none when the file is as the last build found it
        assert entries is None or entries == whole.parsed[name]
        self.parsed_lines = counted
        return days, entries

    def lines_cache(self) -> dict:
        """The months whose entries are kept, with what is kept."""
        return {path.name: pickle.loads(path.read_bytes())
                for path in sorted((self.folder.parent / "cache").glob(LINES_NAME.format(month="*")))}


def write(path, lines, mode="w"):
    with open(path, mode, encoding="utf-8", newline="") as handle:
        handle.write("".join(f"{text}\n" for text in lines))


def test_a_grown_file_parses_only_its_new_lines_into_the_whole_parse(tmp_path, monkeypatch, caplog):
    builds = Builds(tmp_path, monkeypatch, caplog)
    write(builds.file(), [line(n) for n in range(10)])
    days, entries = builds.build()
    assert builds.parsed_lines == 10 and len(entries) == 10
    # Lines on a day the file had (30 January) and on new days, some of
    # them Tokyo's February.
    for first, last in ((10, 13), (13, 15), (15, 16)):
        write(builds.file(), [line(n) for n in range(first, last)], "a")
        days, entries = builds.build()
        assert builds.parsed_lines == last - first
        assert [e.slug for e in entries] == [f"story-{n}" for n in range(last)]
    assert days["2026-01-31"][2] == tuple(range(6, 14)) and days["2026-02-01"][2] == (14, 15, 16)
    # Unchanged: nothing parsed, the kept entries stay kept.
    kept = builds.lines_cache()
    days_again, entries = builds.build()
    assert builds.parsed_lines == 0 and entries is None and days_again == days and builds.lines_cache() == kept


def test_what_grew_is_read_as_a_whole_parse_reads_it(tmp_path, monkeypatch, caplog):
    """A broken line, a line of another month's file, bytes that are no
    UTF-8 and blank lines, appended: warned of by file and line, once."""
    builds = Builds(tmp_path, monkeypatch, caplog)
    path = builds.file()
    path.write_bytes(b"\xef\xbb\xbf" + f"{line(0)}\n".encode())  # a byte-order mark, as some editors save
    builds.build()
    misplaced = json.loads(line(1, datetime(2025, 11, 3, tzinfo=timezone.utc)))
    with open(path, "ab") as handle:
        handle.write(f"{{broken\n\n{json.dumps(misplaced)}\n".encode() + b'{"id": "x", "headline": "Caf\xe9"'
                     + f', "date": "2026-01-05T10:00:00+00:00"}}\n{line(2)}\n'.encode())
    days, entries = builds.build()
    assert builds.parsed_lines == 4
    assert [e.id for e in entries] == ["id-0", "id-1", "x", "id-2"] and entries[2].headline == "Caf\ufffd"
    assert days["2026-01-01"][2] == (4,)  # the November line, shown on its file's first day
    assert len(builds.warnings) == 2
    assert builds.warnings[0].startswith(f"{path}:2: archive line not readable")
    assert builds.warnings[1] == f"{path}:4: a line dated 2025-11-03 is in the file of 2026-01; shown on its first day"
    write(path, [line(3)], "a")
    builds.build()
    assert builds.parsed_lines == 1 and builds.warnings == []


@pytest.mark.parametrize("change", ["edited", "cut", "unended", "zone"])
def test_a_file_that_did_not_only_grow_is_parsed_whole(tmp_path, monkeypatch, caplog, change):
    builds = Builds(tmp_path, monkeypatch, caplog)
    path = builds.file()
    write(path, [line(n) for n in range(6)])
    if change == "unended":
        path.write_bytes(path.read_bytes()[:-1])  # the last line without its newline
    builds.build()
    if change == "edited":
        path.write_text(path.read_text(encoding="utf-8").replace("Story 2", "Story two") + line(6) + "\n",
                        encoding="utf-8")
    elif change == "cut":
        write(path, [line(n) for n in range(4)])
    elif change == "unended":
        write(path, ["", line(6)], "a")  # the newline a sync adds first, then its line
    else:
        builds.zone = site_zone({"TIMEZONE": "America/Sao_Paulo"})
        write(path, [line(6)], "a")
    lines = len([text for text in path.read_text(encoding="utf-8").split("\n") if text.strip()])
    builds.build()
    assert builds.parsed_lines == lines


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps(["a list"]), pickle.dumps(("digest", 5)),
                                    "rows of another shape", "dates that are text", "another digest"])
def test_a_damaged_or_foreign_lines_cache_means_a_whole_parse(tmp_path, monkeypatch, caplog, damage):
    builds = Builds(tmp_path, monkeypatch, caplog)
    write(builds.file(), [line(n) for n in range(6)])
    builds.build()
    cache = tmp_path / "cache" / LINES_NAME.format(month="2026-01")
    if isinstance(damage, str):
        digest, size, rows = builds.lines_cache()[cache.name]
        if damage == "rows of another shape":
            rows = [row[:-1] for row in rows]
        elif damage == "dates that are text":
            rows = [(row[0], row[1].isoformat(), *row[2:]) for row in rows]
        else:
            digest = "0" * 40
        damage = pickle.dumps((digest, size, rows))
    cache.write_bytes(damage)
    write(builds.file(), [line(6)], "a")
    builds.build()
    assert builds.parsed_lines == 7


def test_the_entries_of_the_two_newest_months_are_kept(tmp_path, monkeypatch, caplog):
    builds = Builds(tmp_path, monkeypatch, caplog, zone=timezone.utc)
    months = ["2025-12", "2026-01", "2026-02"]

    def build_all() -> list[str]:
        """A build of every month file, as collect_months makes one; the months it parsed."""
        builds.parsed_lines = 0
        cache = ParseCache(builds.settings, builds.zone)
        for name in months:
            cache.days(name, builds.file(name))
        cache.save()
        return list(cache.parsed)

    def grow(name, n):
        write(builds.file(name), [line(n, datetime.fromisoformat(f"{name}-05T00:00:00+00:00"))], "a")

    for name in months:
        for n in range(3):
            grow(name, n)
    assert build_all() == months
    january, february = (LINES_NAME.format(month=name) for name in months[1:])
    assert list(builds.lines_cache()) == [january, february]
    # A build that parses only February leaves January's entries as they were.
    grow("2026-02", 3)
    stat = (tmp_path / "cache" / january).stat()
    assert build_all() == ["2026-02"]
    assert list(builds.lines_cache()) == [january, february] and len(builds.lines_cache()[february][2]) == 4
    assert (tmp_path / "cache" / january).stat().st_mtime_ns == stat.st_mtime_ns
    # January, grown, is parsed from its end; December, grown, whole.
    grow("2026-01", 3)
    assert build_all() == ["2026-01"] and builds.parsed_lines == 1
    grow("2025-12", 3)
    assert build_all() == ["2025-12"] and builds.parsed_lines == 4
    # A new month: January's entries are no longer kept.
    months.append("2026-03")
    grow("2026-03", 0)
    assert build_all() == ["2026-03"]
    assert list(builds.lines_cache()) == [february, LINES_NAME.format(month="2026-03")]


def test_a_lines_cache_that_cannot_be_saved_is_removed_with_one_line(tmp_path, monkeypatch, caplog):
    builds = Builds(tmp_path, monkeypatch, caplog)
    write(builds.file(), [line(n) for n in range(3)])
    builds.build()
    write(builds.file(), [line(3)], "a")
    real = archive_pages.save_pickle
    monkeypatch.setattr(archive_pages, "save_pickle", lambda path, value: "disk full"
                        if path.name == LINES_NAME.format(month="2026-01") else real(path, value))
    builds.build()
    assert builds.lines_cache() == {}
    assert not (tmp_path / "cache" / archive_pages.CACHE_NAME).exists()
    assert builds.warnings == [
        f"pelican-gnews: cannot save the archive cache in {tmp_path / 'cache'} (disk full)"]
    monkeypatch.setattr(archive_pages, "save_pickle", real)
    builds.build()
    assert builds.parsed_lines == 4


def test_a_month_file_found_as_it_was_is_not_read(tmp_path, monkeypatch, caplog):
    """Its SHA-1 is remembered with its inode, size and times (file_stamps.py):
    unchanged, it is not read; rewritten with the same size, it is; and with
    its days' cache lost, it is read and parsed again."""
    monkeypatch.setattr(file_stamps, "RACY_NS", 0)  # the files here were all written this second
    builds = Builds(tmp_path, monkeypatch, caplog)
    read = []  # files the build's cache read (not the whole parse it is checked against)
    real = ParseCache._read_and_hash

    def reading(cache, filename):
        if cache.stamps is not None:
            read.append(filename)
        return real(cache, filename)

    monkeypatch.setattr(ParseCache, "_read_and_hash", reading)
    write(builds.file(), [line(n) for n in range(6)])
    days, _ = builds.build()
    read.clear()
    assert builds.build()[0] == days and read == []
    path = builds.file()
    path.write_text(path.read_text(encoding="utf-8").replace("Story 2 ", "Story 9 "), encoding="utf-8")
    changed, entries = builds.build()
    assert read == [str(path)] and changed != days and entries[2].headline == "Story 9 ü"
    read.clear()
    (tmp_path / "cache" / archive_pages.CACHE_NAME).unlink()
    assert builds.build()[0] == changed and read == [str(path)] and builds.parsed_lines == 6
