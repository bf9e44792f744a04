"""Fetch a feed's bytes: from a local file, or over http(s) with limits.

feedparser can fetch by itself, but with no timeout and no size limit, and it
inflates gzip without a cap. Here every request has a connect timeout, a read
timeout and a total deadline (a server that drips a byte a second cannot hold
a sync), the decoded body is capped, redirects are bounded, conditional GET
uses the validators from the last fetch, and failures are retried with
backoff only where a retry can help.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import random
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..version import __version__

logger = logging.getLogger(__name__)

USER_AGENT = f"pelican-gnews/{__version__} (+https://pypi.org/project/pelican-gnews/)"
MAX_REDIRECTS = 5

class FetchError(Exception):
    """The feed could not be fetched. The message says why."""


class Cancellation:
    """Ctrl-C for one sync's requests, made by the sync: cancel() wakes every
    request that waits in a backoff and cuts every open connection, so the
    workers end at once instead of at their deadlines."""

    def __init__(self):
        self._event = threading.Event()
        self._open: set = set()
        self._lock = threading.Lock()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def check(self) -> None:
        if self._event.is_set():
            raise FetchError("interrupted")

    def wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less if cancelled (then FetchError)."""
        self._event.wait(max(0.0, seconds))
        self.check()

    def opened(self, sock) -> None:
        with self._lock:
            self._open.add(sock)
        self.check()

    def closed(self, sock) -> None:
        with self._lock:
            self._open.discard(sock)


class RateLimited(FetchError):
    """The server answered 429; `not_before` is when it may be asked again."""

    def __init__(self, message: str, not_before: datetime):
        super().__init__(message)
        self.not_before = not_before


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    deadline: float = 30.0  # per feed, all attempts included
    max_bytes: int = 10 * 1024 * 1024  # decoded
    retries: int = 2  # after the first attempt
    backoff: float = 1.0  # seconds, doubled each retry, with jitter
    retry_after_max: float = 30.0  # longest Retry-After we wait for inside a run


@dataclass
class Fetched:
    data: bytes | None  # None: 304 Not Modified
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.data is None


def fetch(source: str, limits: Limits | None = None, validators: dict | None = None,
          base_dir: Path | None = None, cancel: Cancellation | None = None) -> Fetched:
    limits = limits or Limits()
    if source.lower().startswith(("http://", "https://")):
        return _fetch_http(source, limits, validators or {}, cancel or Cancellation())
    path = Path(source).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limits.max_bytes:
        raise FetchError(f"larger than {limits.max_bytes} bytes")
    return Fetched(data)


class _Retryable(FetchError):
    pass


def _fetch_http(url: str, limits: Limits, validators: dict, cancel: Cancellation) -> Fetched:
    start = time.monotonic()
    deadline = start + limits.deadline
    attempt = 0
    while True:
        try:
            return _request_following_redirects(url, limits, validators, deadline, cancel)
        except RateLimited as exc:
            wait = (exc.not_before - datetime.now(timezone.utc)).total_seconds()
            if attempt < limits.retries and wait <= limits.retry_after_max \
                    and time.monotonic() + wait < deadline:
                logger.info("%s: 429, retrying in %.0f s as Retry-After asks", url, wait)
                cancel.wait(wait)
                attempt += 1
                continue
            raise
        except _Retryable as exc:
            if attempt >= limits.retries:
                raise FetchError(f"{exc} (after {attempt + 1} attempts)") from None
            pause = limits.backoff * (2 ** attempt) * (0.5 + random.random())
            if time.monotonic() + pause >= deadline:
                raise FetchError(f"{exc} (no time left for a retry)") from None
            logger.info("%s: %s; retry %d in %.1f s", url, exc, attempt + 1, pause)
            cancel.wait(pause)
            attempt += 1


def _request_following_redirects(url, limits, validators, deadline, cancel: Cancellation) -> Fetched:
    for _ in range(MAX_REDIRECTS + 1):
        result = _request(url, limits, validators, deadline, cancel)
        if isinstance(result, str):  # a redirect's Location
            url = result
            continue
        return result
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _retry_after(value: str | None) -> datetime:
    now = datetime.now(timezone.utc)
    if value:
        value = value.strip()
        if value.isdigit():
            return now + timedelta(seconds=min(int(value), 7 * 86400))
        try:
            when = email.utils.parsedate_to_datetime(value)
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return max(now, min(when, now + timedelta(days=7)))
        except (TypeError, ValueError):
            pass
    return now + timedelta(hours=1)  # Google's lock-outs are reported to last up to an hour


def request_once(url: str, limits: Limits, body: bytes | None = None, content_type: str = "",
                 accept: str = "*/*", cancel: Cancellation | None = None) -> Fetched | str:
    """One request (a POST when `body` is given), no retries and no
    redirects followed: the response, or a redirect's Location. A 429
    raises RateLimited; other failures FetchError."""
    try:
        return _request(url, limits, {}, time.monotonic() + limits.deadline, cancel or Cancellation(), body=body,
                        content_type=content_type, accept=accept)
    except _Retryable as exc:
        raise FetchError(str(exc)) from None


def _request(url: str, limits: Limits, validators: dict, deadline: float, cancel: Cancellation,
             body: bytes | None = None, content_type: str = "", accept: str = "") -> Fetched | str:
    # Imported here: a build whose feeds are local files never loads them.
    import http.client  # noqa: PLC0415
    import ssl  # noqa: PLC0415

    cancel.check()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:200]}")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"no response within {limits.deadline:g} s")
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    conn = conn_class(parts.hostname, parts.port, timeout=min(limits.connect_timeout, remaining), **kwargs)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept or ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
                             "*/*;q=0.1"),
        "Accept-Encoding": "gzip, deflate",
    }
    if content_type:
        headers["Content-Type"] = content_type
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    # A server can drip its headers a byte at a time, each within the read
    # timeout: a watchdog cuts the connection at the deadline.
    expired = threading.Event()
    sock = None

    def cut():
        expired.set()
        with contextlib.suppress(OSError, AttributeError):
            sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(remaining, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.connect()
        # http.client drops conn.sock once a response will close it; the
        # socket object itself stays usable for timeouts and the watchdog.
        sock = conn.sock
        cancel.opened(sock)
        sock.settimeout(min(limits.read_timeout, max(0.01, deadline - time.monotonic())))
        conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
        response = conn.getresponse()
        status = response.status
        if status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            if not location:
                raise FetchError(f"HTTP {status} without a Location")
            return urljoin(url, location)
        if status == 304:
            return Fetched(None, validators.get("etag", ""), validators.get("last_modified", ""))
        if status == 429:
            raise RateLimited("HTTP 429 Too Many Requests", _retry_after(response.getheader("Retry-After")))
        if status >= 500:
            raise _Retryable(f"HTTP {status} {response.reason}")
        if status != 200:
            raise FetchError(f"HTTP {status} {response.reason}")
        data = _read_body(response, sock, limits, deadline)
        if expired.is_set():  # the watchdog's cut reads as a clean end of body
            raise FetchError(f"no complete response within {limits.deadline:g} s")
        return Fetched(data, response.getheader("ETag") or "", response.getheader("Last-Modified") or "")
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
        cancel.check()
        if expired.is_set() or time.monotonic() >= deadline - 0.05:
            raise FetchError(f"no complete response within {limits.deadline:g} s") from None
        if isinstance(exc, FetchError):
            raise
        if isinstance(exc, (socket.timeout, TimeoutError)):
            raise _Retryable(f"timed out (no data for {limits.read_timeout:.0f} s)") from None
        raise _Retryable(f"connection failed: {exc}") from None
    finally:
        watchdog.cancel()
        cancel.closed(sock)
        conn.close()


def _read_body(response, sock, limits: Limits, deadline: float) -> bytes:
    encoding = (response.getheader("Content-Encoding") or "identity").lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding}")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip") else None
    # "deflate" should be zlib-wrapped, but servers also send raw deflate;
    # browsers accept both, and so does this (told apart by the first bytes).
    deflate = encoding == "deflate"
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"no complete response within {limits.deadline:g} s")
        sock.settimeout(min(limits.read_timeout, left))
        raw = response.read1(64 * 1024)
        if not raw:
            break
        if deflate and inflater is None:
            inflater = zlib.decompressobj(zlib.MAX_WBITS if _zlib_header(raw) else -zlib.MAX_WBITS)
        if inflater is not None:
            # Inflate with a bound, so a gzip bomb stops at the cap.
            try:
                data = inflater.decompress(raw, limits.max_bytes + 1 - size)
            except zlib.error as exc:
                raise FetchError(f"the body is not valid {encoding} data as its Content-Encoding says ({exc})") \
                    from None
            if inflater.unconsumed_tail:
                raise FetchError(f"decoded body larger than {limits.max_bytes} bytes")
        else:
            data = raw
        size += len(data)
        if size > limits.max_bytes:
            raise FetchError(f"body larger than {limits.max_bytes} bytes")
        chunks.append(data)
    if inflater is not None and not inflater.eof:
        raise FetchError(f"the {encoding} body is cut off")
    return b"".join(chunks)


def _zlib_header(data: bytes) -> bool:
    """Whether `data` starts with a zlib header (RFC 1950), not raw deflate."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
