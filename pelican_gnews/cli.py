"""`pelican-gnews`: the command line.

    pelican-gnews sync [-s SETTINGS] [FEED ...]

Exit status, so that a scheduled job can tell the cases apart:
0 every feed synced; 1 some feeds failed and the others synced; 2 usage or
settings error; 3 the sync did not start (another sync holds the lock, the
state file is unreadable) or could not save its state (a full disk; the next
sync repairs it); 4 every feed failed; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .version import __version__

EXIT_OK, EXIT_FEED_FAILED, EXIT_USAGE, EXIT_NOT_STARTED, EXIT_ALL_FAILED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
logger = logging.getLogger("pelican_gnews")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pelican-gnews", description="Google News RSS feeds into a Pelican site."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    sync = commands.add_parser(
        "sync", help="write new stories from the feeds into the content folder"
    )
    _settings_option(sync)
    sync.add_argument(
        "feeds", nargs="*", metavar="FEED",
        help="feed URLs or files to sync (default: GNEWS_FEEDS from the settings)",
    )
    url = commands.add_parser(
        "url", help="print a Google News feed URL for top stories, a topic, a search or a place",
        description="Print a Google News RSS URL to put in GNEWS_FEEDS. With no option: top stories.",
    )
    what = url.add_mutually_exclusive_group()
    what.add_argument("--topic", metavar="NAME_OR_ID",
                      help="WORLD, NATION, BUSINESS, TECHNOLOGY, ENTERTAINMENT, SCIENCE, SPORTS, "
                           "HEALTH, or a topic id (CAAq…) from a news.google.com/topics/ address")
    what.add_argument("--search", metavar="TERMS",
                      help='search terms; Google\'s operators work: when:1d, after:YYYY-MM-DD, '
                           'before:YYYY-MM-DD, "exact phrase"')
    what.add_argument("--place", metavar="NAME", help="local news for a city, region or country")
    url.add_argument("--hl", default="en-US",
                     help="edition language as Google spells it, e.g. en-US, de, pt-BR, es-419, zh-TW, ja, ar "
                          "(default en-US); an unknown one lists the editions")
    url.add_argument("--gl", help="edition country, e.g. US, DE, MX (default: the language's edition)")
    url.add_argument("--ceid", help="edition id as given (with --gl), for an edition newer than the table")

    clean = _site_command(
        commands, "clean-start", "remove the sample stories and their state, for a new site of your own",
        "Once GNEWS_FEEDS lists your own feeds: remove the stories synced from the bundled samples "
        "(unless edited), their archive and the sync state. Without --yes, only lists what it would remove.")
    clean.add_argument("--yes", action="store_true", help="remove them (default: only list them)")
    _site_command(
        commands, "extras", "print the pip extras the site's languages need (ja, zh, ko, th), one a line",
        "The extras of DEFAULT_LANG and of each feed's language (a URL's hl=, a local feed's <language>), "
        "one a line, for `uv sync --extra` or pip install 'pelican-gnews[...]'. Prints nothing for a site "
        "that needs none.")
    _site_command(
        commands, "data-branch", "print the data branch's settings and what the sync writes, for scripts/data-branch",
        "Lines of name=value: branch= (GNEWS_DATA_BRANCH, empty for none), keep= (GNEWS_DATA_KEEP), then a "
        "path= for each folder or file the sync writes (story files, archive, state), relative to the "
        "current folder. Fails if one is outside it.")

    merge = commands.add_parser(
        "merge-state", help="merge an editor's edit of the sync state with a sync's (for scripts/commit-sync)",
        description="Three-way merge of gnews-state.json, entry by entry: what THEIRS changed against "
                    "BASE wins, everything else is OURS. Prints the merged state.")
    merge.add_argument("base")
    merge.add_argument("ours")
    merge.add_argument("theirs")

    verbosity = sync.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_const", const=logging.INFO,
                           dest="level", help="show each story written")
    verbosity.add_argument("-q", "--quiet", action="store_const", const=logging.ERROR,
                           dest="level", help="show errors only")
    verbosity.add_argument("-D", "--debug", action="store_const", const=logging.DEBUG,
                           dest="level", help="show debugging output")
    return parser


def _site_command(commands, name: str, help_text: str, description: str):
    """A command that reads the site's settings and syncs no feed."""
    command = commands.add_parser(name, help=help_text, description=description)
    _settings_option(command)
    command.set_defaults(feeds=[], level=None)
    return command


def _settings_option(command) -> None:
    command.add_argument("-s", "--settings", default="pelicanconf.py",
                         help="Pelican settings file (default: pelicanconf.py)")


def _log_handler() -> logging.Handler:
    """Pelican's rich log style in a terminal; plain unwrapped lines in a CI
    log, so each message stays on one greppable line. Both on stderr: stdout
    keeps only the summary."""
    if sys.stderr.isatty():
        from rich.console import Console  # noqa: PLC0415
        from rich.logging import RichHandler  # noqa: PLC0415

        return RichHandler(console=Console(stderr=True), show_path=False)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-8s %(message)s"))
    return handler


def main(argv: list[str] | None = None) -> int:
    # The command sets up its logger for itself; run in a process that goes
    # on (a script, a test), it leaves the logger as it found it.
    saved = logger.level, logger.propagate, list(logger.handlers)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # The sync stopped its fetches at once; files it had staged were
        # never moved in, and the journal repairs anything half-recorded.
        print("pelican-gnews: interrupted; nothing half-written (the next sync completes the work)",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers[:] = saved[2]


def _main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "url":
        return _url(args)
    if args.command == "merge-state":
        return _merge_state(args)
    from pelican.log import init as init_logging  # noqa: PLC0415 - Pelican's rich logging
    from pelican.settings import read_settings  # noqa: PLC0415

    from .ingest.sync import StateError, sync  # noqa: PLC0415
    from .settings import SettingsError, check, feed_spec, from_pelican  # noqa: PLC0415

    init_logging(level=args.level or logging.WARNING, name="pelican_gnews", handler=None)
    # Our own handler on our logger: basicConfig (inside Pelican's init)
    # does nothing when the root logger already has handlers.
    # One handler however often main() runs in a process (tests, scripts).
    for old in [h for h in logger.handlers if getattr(h, "_pelican_gnews", False)]:
        logger.removeHandler(old)
    handler = _log_handler()
    handler._pelican_gnews = True
    logger.addHandler(handler)
    logger.propagate = False
    if not os.path.isfile(args.settings):
        logger.error("Settings file %s not found", args.settings)
        return EXIT_USAGE
    try:
        settings = read_settings(args.settings)
    except SyntaxError as exc:
        logger.error("%s:%s: the settings file is not valid Python: %s", args.settings, exc.lineno, exc.msg)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - any error running the settings file
        # Pelican's own reading stops at some bad values (DEFAULT_LANG = 5):
        # the settings as the file wrote them name the setting, when they can.
        found = _raw_problems(args.settings)
        for problem in found:
            logger.error("%s: %s", args.settings, problem)
        if not found:
            logger.error("%s: cannot read the settings: %s: %s", args.settings, type(exc).__name__, exc)
        return EXIT_USAGE
    try:
        # Every setting checked before anything starts: one line per bad one.
        check(settings)
        config = from_pelican(settings)
        feeds = [feed_spec(f) for f in args.feeds] if args.feeds else None
    except SettingsError as exc:
        for problem in exc.problems:
            logger.error("%s: %s", args.settings, problem)
        return EXIT_USAGE
    if args.command == "clean-start":
        return _clean_start(config, args)
    if args.command == "extras":
        return _extras(config, settings)
    if args.command == "data-branch":
        return _data_branch(config, settings)
    if not (feeds or config.feeds):
        logger.error("No feeds: name some on the command line or set GNEWS_FEEDS in %s",
                     args.settings)
        return EXIT_USAGE

    try:
        with _progress(len(feeds or config.feeds)) as advance:
            report = sync(config, feeds, on_feed_done=advance)
    except StateError as exc:
        logger.error("Sync stopped: %s", exc)
        return EXIT_NOT_STARTED
    for result in report.failed:
        logger.error("FAILED %s: %s", result.feed.url, result.error)
    print(report.summary())
    if report.ok:
        return EXIT_OK
    return EXIT_ALL_FAILED if len(report.failed) == len(report.results) else EXIT_FEED_FAILED


def _raw_problems(path: str) -> list[str]:
    """The bad settings of a settings file as it wrote them (Pelican's
    defaults under them), without Pelican's own reading."""
    from pelican.settings import DEFAULT_CONFIG, get_settings_from_file  # noqa: PLC0415

    from .settings import problems  # noqa: PLC0415

    try:
        raw = get_settings_from_file(path)
    except Exception:  # noqa: BLE001 - reported by the caller as it is
        return []
    return [line for _, line in problems({**DEFAULT_CONFIG, **raw})]


def _merge_state(args) -> int:
    from .ingest.state import format_document, merge  # noqa: PLC0415

    docs = []
    for name in (args.base, args.ours, args.theirs):
        try:
            docs.append(_state_document(name))
        except (OSError, ValueError, RecursionError) as exc:
            print(f"pelican-gnews merge-state: {name}: {_one_line(exc)}", file=sys.stderr)
            return EXIT_USAGE
    sys.stdout.write(format_document(merge(*docs)))
    return EXIT_OK


STATE_SECTIONS = ("feeds", "stories", "links")


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply to be a sync state"
    return " ".join(str(exc).split()) or type(exc).__name__


def _state_document(name: str) -> dict:
    """A state document as merge() expects it: a JSON object whose feeds,
    stories and links are objects of objects (an empty file: no state).
    Anything else is a ValueError saying what it got and what it takes."""
    import json  # noqa: PLC0415

    def constant(word):
        raise ValueError(f"{word} is not a JSON number")

    with open(name, encoding="utf-8-sig") as handle:
        text = handle.read()
    if not text.strip():
        return {}
    doc = json.loads(text, parse_constant=constant)
    kinds = {dict: "an object", list: "a list", str: "a text", bool: "true or false", type(None): "null"}

    def kind(value) -> str:
        return kinds.get(type(value), "a number")

    if not isinstance(doc, dict):
        raise ValueError(f"the state is {kind(doc)}; it takes a JSON object with "
                         f"{', '.join(repr(s) for s in STATE_SECTIONS)}")
    for section in STATE_SECTIONS:
        entries = doc.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise ValueError(f"the state's {section!r} is {kind(entries)}; it takes an object")
        wanted, what = (str, "a text (an address)") if section == "links" else (dict, "an object")
        for key, value in entries.items():
            if not isinstance(value, wanted):
                raise ValueError(f"the state's {section!r} entry {key[:60]!r} is {kind(value)}; it takes {what}")
    return doc


def _clean_start(config, args) -> int:
    from .ingest.clean_start import CleanStartError, clean_start  # noqa: PLC0415
    from .ingest.state import StateError  # noqa: PLC0415

    samples = Path(args.settings).resolve().parent / "samples"
    try:
        plan = clean_start(config, samples, really=args.yes)
    except (CleanStartError, StateError) as exc:
        logger.error("clean-start: %s", exc)
        return EXIT_USAGE
    verb = "removed" if args.yes else "would remove"
    for path in plan.remove:
        print(f"{verb} {path}")
    for path in plan.kept_edited:
        print(f"kept {path} (edited since the sync wrote it)")
    if not args.yes:
        print("Run again with --yes to remove them." if plan.remove else "Nothing to remove.")
    return EXIT_OK


def _extras(config, settings) -> int:
    from .ingest.fetch import FetchError, fetch  # noqa: PLC0415
    from .ingest.parse import FeedError, parse_feed  # noqa: PLC0415
    from .languages import extra_for  # noqa: PLC0415

    found = {extra_for(settings.get("DEFAULT_LANG", "en"))}
    for feed in config.feeds:
        if feed.url.lower().startswith(("http://", "https://")):
            found.add(extra_for((parse_qs(urlsplit(feed.url).query).get("hl") or [""])[0]))
            continue
        try:  # a local feed names its language inside
            found.add(extra_for(parse_feed(fetch(feed.url, config.limits).data, feed.url).language))
        except (FetchError, FeedError) as exc:
            logger.warning("extras: %s: %s", feed.url, exc)
    for extra in sorted(found - {""}):
        print(extra)
    return EXIT_OK


def _data_branch(config, settings) -> int:
    from .settings import setting  # noqa: PLC0415

    here = Path.cwd().resolve()
    found = []
    for path in (config.content_dir, config.archive_dir, config.state_file):
        try:
            found.append(Path(path).resolve().relative_to(here).as_posix())
        except ValueError:
            logger.error("data-branch: %s is outside %s; a branch of this repository cannot hold it", path, here)
            return EXIT_USAGE
    print(f"branch={setting(settings, 'GNEWS_DATA_BRANCH')}")
    print(f"keep={setting(settings, 'GNEWS_DATA_KEEP')}")
    for path in found:
        print(f"path={path}")
    return EXIT_OK


def _url(args) -> int:
    from . import urls  # noqa: PLC0415

    edition = {"hl": args.hl, "gl": args.gl, "ceid": args.ceid}
    try:
        if args.topic:
            print(urls.topic(args.topic, **edition))
        elif args.search:
            print(urls.search(args.search, **edition))
        elif args.place:
            print(urls.place(args.place, **edition))
        else:
            print(urls.top_stories(**edition))
    except urls.EditionError as exc:
        logger.error("%s", exc)
        return EXIT_USAGE
    return EXIT_OK


@contextlib.contextmanager
def _progress(total: int):
    """A rich progress bar over the feeds, in a terminal and for several feeds."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda result: None
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    columns = (TextColumn("Syncing feeds"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(result):
            progress.update(task, advance=1, description=result.feed.url[-60:])

        yield advance


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
