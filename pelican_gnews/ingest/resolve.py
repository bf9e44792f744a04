"""Link resolution (GNEWS_RESOLVE_LINKS, off by default): the publisher's
own address of a story's articles, so that a reader reaches the story
without Google's JavaScript redirect (and, in Europe, its consent page).

Off by default: Google's feeds are offered for personal feed readers, and
Google answers automated requests with 429s and "sorry" pages. On, each run:

1. decodes what it can offline: older link tokens embed the URL (links.py);
2. asks Google for the rest, as its own article page does: the page gives a
   signature and a timestamp for the token, and one POST to batchexecute
   turns several tokens into URLs. At most GNEWS_RESOLVE_BUDGET requests a
   run, GNEWS_RESOLVE_SPACING seconds apart, within GNEWS_RESOLVE_DEADLINE;
   the first 429, consent or "sorry" page, or page not as expected stops
   it for this run, and what is left waits for a later one. It never fails
   a sync: a stop is one log line.

Answers are kept for good in the sync state (`links`, by article key), and
leave it with their story.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from ..text import MAX_URL, clean_text, safe_url
from .fetch import Cancellation, FetchError, Limits, RateLimited, request_once
from .links import article_token, publisher_url

logger = logging.getLogger(__name__)

BATCH_PATH = "/_/DotsSplashUi/data/batchexecute"
_SIGNATURE = re.compile(r'data-n-a-sg="([^"]{1,400})"')
_TIMESTAMP = re.compile(r'data-n-a-ts="(\d{1,20})"')
_MAX_PAGE = 2 * 1024 * 1024  # bytes of an article page or an answer read


@dataclass(frozen=True)
class ResolveSettings:
    on: bool = False
    base: str = "https://news.google.com"  # where Google's pages are (a test server in tests)
    budget: int = 20  # requests a run
    spacing: float = 1.0  # seconds between requests
    batch: int = 5  # tokens a batchexecute request
    deadline: float = 20.0  # seconds a run spends on it, at most
    timeout: float = 5.0  # seconds one request may take


class Rejected(str):
    """An answer for one article that is not a usable address: `why` says why."""

    @property
    def why(self) -> str:
        return str(self)


class Stopped(Exception):
    """Google said no (or something else did): no more requests this run."""


@dataclass
class Resolver:
    settings: ResolveSettings
    cache: dict[str, str]  # article key -> publisher URL (the state's `links`)
    cancel: Cancellation = field(default_factory=Cancellation)  # the sync's Ctrl-C
    requests: int = 0
    stopped: str = ""
    resolved: int = 0
    _started: float = field(default=0.0, repr=False)
    _last: float = field(default=0.0, repr=False)

    def known(self, key: str, link: str) -> str:
        """The publisher URL of an article, if known without asking."""
        return safe_url(self.cache.get(key)) or safe_url(publisher_url(article_token(link)))

    def resolve(self, wanted: list[tuple[str, str]]) -> None:
        """Find the publisher URLs of these (article key, link) pairs, most
        important first, into the cache, as far as this run's budget goes."""
        if not self.settings.on:
            return
        asking = []
        for key, link in wanted:
            if key in self.cache:
                continue
            url = safe_url(publisher_url(article_token(link)))
            if url:
                self.cache[key] = url
            elif article_token(link) and (key, link) not in asking:
                asking.append((key, link))
        if not asking or self.stopped:
            return
        self._started = self._started or time.monotonic()
        try:
            for start in range(0, len(asking), max(1, self.settings.batch)):
                chunk = asking[start:start + max(1, self.settings.batch)]
                # One request per token for its signature, one for the batch.
                if self.requests + len(chunk) + 1 > self.settings.budget:
                    chunk = chunk[: max(0, self.settings.budget - self.requests - 1)]
                    if not chunk:
                        raise Stopped(f"this run's budget of {self.settings.budget} requests is spent")
                signed = [(key, token, *self._signature(token))
                          for key, link in chunk for token in [article_token(link)]]
                answers = self._batch([s[1:] for s in signed])
                for (key, link), url in zip(chunk, answers):
                    if isinstance(url, Rejected):
                        # One bad answer costs its article's address, never
                        # the feed; and it never reaches the state or a file.
                        logger.warning("pelican-gnews: link resolution: article %s (%s): %s; its address "
                                       "is not kept", key, clean_text(link, 200), url.why)
                    elif url:
                        self.cache[key] = url
                        self.resolved += 1
        except Stopped as stop:
            self.stopped = str(stop)
            left = sum(1 for key, _ in asking if key not in self.cache)
            logger.info("pelican-gnews: link resolution stopped: %s; %d link(s) left for a later run",
                        self.stopped, left)

    # -- the two requests --------------------------------------------------------------------

    def _limits(self) -> Limits:
        left = self.settings.deadline - (time.monotonic() - self._started)
        if left <= 0.1:
            raise Stopped(f"its {self.settings.deadline:.0f} s for this run are spent")
        wait = self._last + self.settings.spacing - time.monotonic()
        if self._last and wait > 0:
            if wait >= left:
                raise Stopped(f"its {self.settings.deadline:.0f} s for this run are spent")
            try:
                self.cancel.wait(wait)  # Ctrl-C wakes it
            except FetchError:
                raise Stopped("interrupted") from None
        timeout = min(self.settings.timeout, max(0.1, left))
        return Limits(connect_timeout=timeout, read_timeout=timeout, deadline=timeout,
                      max_bytes=_MAX_PAGE, retries=0)

    def _ask(self, path: str, body: bytes | None = None) -> bytes:
        limits = self._limits()
        self.requests += 1
        url = self.settings.base.rstrip("/") + path
        try:
            answer = request_once(url, limits, body=body,
                                  content_type="application/x-www-form-urlencoded;charset=UTF-8" if body else "",
                                  cancel=self.cancel)
        except RateLimited:
            raise Stopped("Google answered 429 Too Many Requests") from None
        except FetchError as exc:
            raise Stopped(f"{urlsplit(url).path}: {exc}") from None
        finally:
            self._last = time.monotonic()
        if isinstance(answer, str):
            where = urlsplit(answer)
            what = "a consent page" if "consent" in (where.hostname or "") else \
                "a \"sorry\" page" if where.path.startswith("/sorry") else f"a redirect to {where.hostname}"
            raise Stopped(f"Google answered with {what}")
        return answer.data or b""

    def _signature(self, token: str) -> tuple[str, str]:
        page = self._ask(f"/rss/articles/{quote(token)}").decode("utf-8", "replace")
        signature, timestamp = _SIGNATURE.search(page), _TIMESTAMP.search(page)
        if not signature or not timestamp:
            raise Stopped("an article page without the signature it used to carry (Google changed it)")
        return signature.group(1), timestamp.group(1)

    def _batch(self, signed: list[tuple[str, str, str]]) -> list[str]:
        calls = [["Fbv4je", json.dumps(
            ["garturlreq", [["X", "X", ["X", "X"], None, None, 1, 1, "US:en", None, 1, None, None, None, None,
                             None, 0, 1], "X", "X", 1, [1, 1, 1], 1, 1, None, 0, 0, None, 0],
             token, int(timestamp), signature], separators=(",", ":")), None, str(number)]
            for number, (token, signature, timestamp) in enumerate(signed, 1)]
        body = ("f.req=" + quote(json.dumps([calls], separators=(",", ":")))).encode()
        text = self._ask(BATCH_PATH, body).decode("utf-8", "replace")
        return _answers(text, len(signed))


def _address(url: object) -> str:
    """An answered URL as kept: an http(s) address of at most MAX_URL
    characters with no white space or control character, else a Rejected
    saying what it is (a YAML story file and the state hold it as it is)."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return ""
    if safe_url(url):
        return url
    if len(url) > MAX_URL:
        return Rejected(f"an answer of {len(url)} characters, not an address")
    return Rejected(f"an answer that is not a clean http(s) address ({url[:100]!r}"
                    f"{'…' if len(url) > 100 else ''})")


def _answers(text: str, count: int) -> list[str]:
    """The URLs in a batchexecute answer, in the order asked ('' for none,
    a Rejected for an answer that is not an address)."""
    found: list[str] = [""] * count
    try:
        for line in text.split("\n"):
            if not line.startswith("["):
                continue
            for entry in json.loads(line):
                if not (isinstance(entry, list) and len(entry) > 2 and entry[:2] == ["wrb.fr", "Fbv4je"]):
                    continue
                number = int(entry[6]) if len(entry) > 6 and str(entry[6]).isdigit() else 0
                if not 1 <= number <= count:
                    continue
                try:
                    inner = json.loads(entry[2]) if isinstance(entry[2], str) else None
                except RecursionError:
                    found[number - 1] = Rejected("an answer nested too deep to read")
                    continue
                except ValueError:
                    found[number - 1] = Rejected("an answer that is not JSON")
                    continue
                url = inner[1] if isinstance(inner, list) and len(inner) > 1 and inner[0] == "garturlres" else ""
                found[number - 1] = _address(url)
    except RecursionError:
        raise Stopped("an answer nested too deep to read") from None
    except (ValueError, TypeError, IndexError):
        raise Stopped("an answer not in the shape it used to have (Google changed it)") from None
    if not any(found):
        raise Stopped("an answer without any address (Google changed it)")
    return found
