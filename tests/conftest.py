"""Shared fixtures: real Pelican builds in temporary folders, the repo's files,
and ../shared (the real Google News feeds), which a newcomer's clone may lack."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_FEEDS = SHARED / "feeds"
SEED_STORY = ROOT / "samples" / "stories" / "000_fa3c9c86aace03b1.md"  # the seed, byte for byte
SAMPLE_FEEDS = ROOT / "samples" / "feeds"

sys.path.insert(0, str(Path(__file__).resolve().parent))

needs_shared = pytest.mark.skipif(
    not SHARED_FEEDS.is_dir(),
    reason="../shared/feeds (the real Google News feeds) is not beside this clone; "
    "CI always has it",
)


class Site:
    """A Pelican site in a temporary folder, built in-process."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.content.mkdir(parents=True, exist_ok=True)
        self.settings: dict = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "PLUGINS": ["pelican_gnews"],
            "THEME": str(ROOT / "theme"),
            "TIMEZONE": "UTC",
            "SITEURL": "",
            "RELATIVE_URLS": True,
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "TRANSLATION_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None,
            "AUTHOR_FEED_RSS": None,
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "GNEWS_FEEDS": [],
            # Off unless a test turns it on: Pagefind over Japanese pages
            # costs over a second a build, and most tests look elsewhere.
            "GNEWS_SEARCH": False,
        }

    def write(self, relpath: str, text: str) -> Path:
        path = self.content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def build(self, **overrides):
        from pelican import Pelican
        from pelican.settings import read_settings

        settings = read_settings(None, override={**self.settings, **overrides})
        pelican = Pelican(settings)
        pelican.run()
        return pelican

    def page(self, relpath: str) -> str:
        return (self.output / relpath).read_text(encoding="utf-8")

    def write_listed_stories(self, count: int = 8, title: str = "Story {n} - Wire {w}", other: str = "Other {n}",
                             author: str = "") -> None:
        """Stories on many lists: the latest, their section (of two), two
        tags (one all share), their outlet (of three); `author`: a name
        each writes, of two ("Desk {a}")."""
        for n in range(count):
            names = {"n": n, "w": n % 3, "a": n % 2}
            byline = f'author: "{author.format(**names)}"\n' if author else ""
            self.write(f"news/s{n}.md", f'---\ntitle: "{title.format(**names)}"\ndate: 2026-01-0{1 + n % 3} 0{n}:00\n'
                       f'tags: {json.dumps(["harbor", f"topic {n % 2}"])}\noutlet: "Wire {n % 3}"\n{byline}'
                       f'categories: ["{["World", "Science"][n % 2]}"]\n---\n'
                       f'<ol><li><a href="https://w.example/{n}">Story {n}</a>&nbsp;&nbsp;'
                       f'<font>Wire {n % 3}</font></li><li><a href="https://x.example/{n}">{other.format(**names)}</a>'
                       f'&nbsp;&nbsp;<font>Other</font></li></ol>\n')

    def build_cold(self, into: Path, **settings) -> Path:
        """A build from nothing of the same content, with an output and a
        cache of its own under `into`; returns its output folder."""
        self.build(**{**settings, "OUTPUT_PATH": str(into / "output"), "CACHE_PATH": str(into / "cache")})
        return into / "output"

    def grow(self, relpath: str, link: str, headline: str, outlet: str) -> Path:
        """A story file (a coverage list last in it) given one more outlet's article."""
        path = self.content / relpath
        text = path.read_text(encoding="utf-8")
        at = text.rindex("</ol>")
        path.write_text(f'{text[:at]}<li><a href="{link}">{headline}</a>&nbsp;&nbsp;<font>{outlet}</font></li>'
                        f'{text[at:]}', encoding="utf-8")
        return path


def pytest_configure(config):
    """Temporary folders in memory (/dev/shm) when it has room and TMPDIR
    names no other place: the tests write and fsync thousands of story
    files, and on a busy disk waiting for it took more of a run than any
    test. The files, renames and fsync calls are the same; only the disk
    is left out. pyproject.toml keeps the folders of failed tests only."""
    shm = Path("/dev/shm")
    if "TMPDIR" in os.environ or not os.access(shm, os.W_OK):
        return
    try:
        free = os.statvfs(shm)
    except OSError:
        return
    if free.f_bavail * free.f_frsize >= 4 * 2**30:
        tempfile.tempdir = str(shm)


def pytest_collection_modifyitems(items):
    """A test that launches Chromium (by the `browser` fixture or its mark)
    is a `browser` test; `browser` and `stress` tests are `slow` too, so
    `-m "not slow"` leaves them all out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
        if (item.get_closest_marker("browser") or item.get_closest_marker("stress")) \
                and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


# -- Chromium: one launch per session, shared by every browser test -----------------

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Chromium flags for a closed network and a root user (README, Tests).
# Every host but the tests' own server fails at once: a page that asks for
# another (a payload's image, say) neither waits for a name lookup nor needs
# a route, which would turn Chromium's cache off and slow every page.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright, launched once: tests
    open their own contexts or pages in it and close them."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require_tool(sync_playwright is not None, "The Python package playwright", 'pip install -e ".[test]"')
    require_tool(CHROMIUM.exists(), "Debian's chromium", "apt-get install chromium, as .ci/run does")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(sample_site):
    """The sample site (`sample_site`) served on 127.0.0.1."""
    with serve(sample_site) as url:
        yield url


@pytest.fixture
def open_page(browser, site_url):
    """Opens a page of the sample site in a context of its own (viewport,
    colour scheme, JavaScript); `page.outside_requests()` lists what it
    asked of any other host."""
    contexts = []

    def _open(rel: str, width: int = 1280, scheme: str = "light", javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                      java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{site_url}/{rel}")
        page.outside_requests = lambda: [u for u in requests if not u.startswith(site_url + "/")]
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def errors(caplog):
    """Messages logged at ERROR or above during the test."""
    caplog.set_level(logging.INFO)

    def _errors():
        return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]

    return _errors


@pytest.fixture
def sample_feeds(tmp_path) -> Path:
    dest = tmp_path / "feeds"
    shutil.copytree(SAMPLE_FEEDS, dest)
    return dest


PROJECT_FILES = ("pelicanconf.py", "publishconf.py", "content", "samples", "theme")
PUBLISH_URL = "https://example.github.io/news"


def copy_project(dest: Path) -> Path:
    """The repository's sample site, as a newcomer's checkout would have it."""
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    shutil.rmtree(dest / "content" / "news", ignore_errors=True)
    return dest


def run_tool(name: str, *args: str, cwd: Path, env: dict | None = None):
    """Run a console script of this virtualenv (pelican, pelican-gnews)."""
    import os
    import subprocess

    exe = Path(sys.executable).parent / name
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """README's path, once a session: `pelican content` in a newcomer's copy
    of the project (pelicanconf.py, relative URLs). Returns (project, the
    build's log); read it, do not change it."""
    project = copy_project(tmp_path_factory.mktemp("sample") / "project")
    proc = run_tool("pelican", "content", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def sample_site(sample_build) -> Path:
    """The sample site built with pelicanconf.py (relative URLs); returns output/."""
    return sample_build[0] / "output"


@pytest.fixture(scope="session")
def synced_sample(tmp_path_factory):
    """`synced_sample(dest, conf="")`: the sample project (copy_project) with
    `conf` added to its pelicanconf.py, after one `pelican-gnews sync`, copied
    to `dest`. Each `conf` is synced once a session; tests change their copy."""
    made: dict[str, Path] = {}

    def _copy(dest: Path, conf: str = "") -> Path:
        if conf not in made:
            project = copy_project(tmp_path_factory.mktemp("synced") / "project")
            settings = project / "pelicanconf.py"
            settings.write_text(settings.read_text(encoding="utf-8") + conf, encoding="utf-8")
            sync = run_tool("pelican-gnews", "sync", cwd=project)
            assert sync.returncode == 0, sync.stdout + sync.stderr
            made[conf] = project
        return shutil.copytree(made[conf], dest, symlinks=True)

    return _copy


@pytest.fixture(scope="session")
def published_site(tmp_path_factory, synced_sample) -> Path:
    """The sample site synced, then built with publishconf.py; returns output/."""
    project = synced_sample(tmp_path_factory.mktemp("published") / "project")
    proc = run_tool("pelican", "content", "-s", "publishconf.py", cwd=project,
                    env={"SITEURL": PUBLISH_URL})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project / "output"


def site_files(output: Path) -> dict[str, bytes]:
    """Every file of a built site by its path, but the search index:
    Pagefind names some of its files by hashes that differ from run to run
    (filters, metadata), so two builds of one site differ there alone;
    search_fragments compares what the index holds."""
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*"))
            if p.is_file() and p.relative_to(output).parts[0] != "pagefind"}


def search_index(output: Path) -> dict[str, int]:
    """Story pages the search index holds, by language, over all its parts
    (publish/search.py: a Pagefind bundle a part, each with its script)."""
    counts: dict[str, int] = {}
    for entry in sorted((output / "pagefind").glob("*/pagefind-entry.json")):
        assert (entry.parent / "pagefind.js").is_file(), entry
        for language, index in json.loads(entry.read_text(encoding="utf-8"))["languages"].items():
            counts[language] = counts.get(language, 0) + index["page_count"]
    return counts


def search_fragments(output: Path) -> set[str]:
    """The index's page fragments over all its parts: Pagefind names each by
    a hash of what it holds of a page (address, words, metadata)."""
    return {p.name for p in (output / "pagefind").glob("*/fragment/*.pf_fragment")}


def unstamped(page: bytes) -> bytes:
    """A page without its footer's last-sync time (publish/freshness.py),
    which every page carries and every sync changes."""
    return re.sub(rb'<p class="synced" data-pagefind-ignore[^>]*>.*?</p>', b"", page)


@contextlib.contextmanager
def serve(directory: Path, handler_class=None, *, pages_404: bool = False):
    """A threaded HTTP server on 127.0.0.1 serving `directory`; yields its
    base URL. With `pages_404`, a missing page is answered as GitHub Pages
    does: status 404 with the site's own 404.html."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(handler_class or SimpleHTTPRequestHandler):
        def send_error(self, code, message=None, explain=None):
            if not (pages_404 and code == 404):
                return super().send_error(code, message, explain)
            body = (Path(directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 for `with`: `handler` answers,
    `base` is its address."""

    def start(self, handler) -> None:
        from http.server import ThreadingHTTPServer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def require_tool(available: bool, what: str, how: str) -> None:
    """Skip a test whose tool is missing on a developer's machine; in CI
    (where .ci/run installs everything) a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; {how}")
    pytest.skip(f"{what} is not installed ({how})")


# Figures tests report (corpus counts, XSS scan sizes, timings), printed in
# pytest's closing summary so they show in every run, CI's included. A figure
# travels in its test's report (a section, which pytest-xdist carries from a
# worker), so the summary has it however the tests were spread.
FIGURES_SECTION = "pelican-gnews figures"
_PENDING: list[str] = []  # reported by the test now running, not yet in its report
REPORT: list[str] = []  # every figure of the run, in the process that prints the summary


def interruptible() -> None:
    """For a child process that a test stops with Ctrl-C (SIGINT): a shell
    starts background jobs with SIGINT ignored, children inherit that, and
    Python then never raises KeyboardInterrupt; the child gets the default
    back, as a terminal's foreground job has it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def report_figure(line: str) -> None:
    _PENDING.append(line)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if _PENDING:
        report.sections.append((FIGURES_SECTION, "\n".join(_PENDING)))
        _PENDING.clear()


def pytest_runtest_logreport(report):
    REPORT.extend(line for name, text in report.sections if name == FIGURES_SECTION for line in text.splitlines())


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("pelican-gnews measurements")
        for line in REPORT:
            terminalreporter.write_line(line)


def heading_count(page: str) -> int:
    """The outlets a story page's coverage heading counts."""
    heading = re.search(r'<h2 id="coverage-title"[^>]*>(.*?)</h2>', page, re.S).group(1)
    return int(re.search(r"\((\d+) sources?\)", re.sub(r"<[^>]+>", "", heading)).group(1))


def card_count(listing: str, headline: str) -> int:
    """The outlets a list page's card of this headline counts."""
    card = next(c for c in listing.split('<article class="card">')[1:] if f"<bdi>{headline}</bdi>" in c)
    meta = re.search(r'<p class="meta">(.*?)</p>', card, re.S).group(1)
    return int(re.search(r"(\d+) sources?\b", re.sub(r"<[^>]+>", "", meta)).group(1))
