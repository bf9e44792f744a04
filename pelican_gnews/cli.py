"""`pelican-gnews`: the command line.

    pelican-gnews sync [-s SETTINGS] [FEED ...]

Exit status: 0 when every feed synced, 1 when any feed failed, 2 for a usage
or settings error — so a scheduled job can tell them apart.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from . import __version__

EXIT_OK, EXIT_FEED_FAILED, EXIT_USAGE = 0, 1, 2
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
    sync.add_argument(
        "-s", "--settings", default="pelicanconf.py",
        help="Pelican settings file (default: pelicanconf.py)",
    )
    sync.add_argument(
        "feeds", nargs="*", metavar="FEED",
        help="feed URLs or files to sync (default: GNEWS_FEEDS from the settings)",
    )
    verbosity = sync.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_const", const=logging.INFO,
                           dest="level", help="show each story written")
    verbosity.add_argument("-q", "--quiet", action="store_const", const=logging.ERROR,
                           dest="level", help="show errors only")
    verbosity.add_argument("-D", "--debug", action="store_const", const=logging.DEBUG,
                           dest="level", help="show debugging output")
    return parser


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
    args = _parser().parse_args(argv)
    from pelican.log import init as init_logging  # noqa: PLC0415 - Pelican's rich logging
    from pelican.settings import read_settings  # noqa: PLC0415

    from .settings import SettingsError, feed_spec, from_pelican  # noqa: PLC0415
    from .sync import sync  # noqa: PLC0415

    init_logging(level=args.level or logging.WARNING, name="pelican_gnews", handler=_log_handler())
    if not os.path.isfile(args.settings):
        logger.error("Settings file %s not found", args.settings)
        return EXIT_USAGE
    try:
        config = from_pelican(read_settings(args.settings))
        feeds = [feed_spec(f) for f in args.feeds] if args.feeds else None
    except SettingsError as exc:
        logger.error("%s: %s", args.settings, exc)
        return EXIT_USAGE
    if not (feeds or config.feeds):
        logger.error("No feeds: name some on the command line or set GNEWS_FEEDS in %s",
                     args.settings)
        return EXIT_USAGE

    report = sync(config, feeds)
    for result in report.failed:
        logger.error("FAILED %s: %s", result.feed.url, result.error)
    print(report.summary())
    return EXIT_OK if report.ok else EXIT_FEED_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
