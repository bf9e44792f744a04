"""Link resolution, offline: the publisher URL inside a Google News link.

A Google News article link ends in a token, base64url of a small protobuf.
In older feeds (CBMi… tokens) field 4 is the publisher's URL itself; newer
feeds put an opaque AU_yqL… handle there, which only Google can resolve.
Field 4's length is a protobuf varint: URLs of 128 bytes or more take two
bytes of length, and a decoder that reads one byte cuts them short.
"""

from __future__ import annotations

import base64
import binascii
import re

_TOKEN = re.compile(r"/articles/([A-Za-z0-9_-]{8,})")
_URL_FIELD = 4
MAX_TOKEN = 4096  # characters: a longer "token" is not Google's


def article_token(link: str) -> str:
    """The article token of a Google News link, or ''."""
    match = _TOKEN.search(link or "")
    return match.group(1) if match else ""


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def publisher_url(token: str) -> str:
    """The publisher URL a token embeds, or '' when it embeds none (an
    opaque handle, a damaged token, anything but an http(s) URL)."""
    if not token or len(token) > MAX_TOKEN:
        return ""
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return ""
    at = 0
    try:
        while at < len(data):
            key, at = _varint(data, at)
            number, wire = key >> 3, key & 7
            if wire == 0:
                _, at = _varint(data, at)
            elif wire == 2:
                length, at = _varint(data, at)
                value = data[at:at + length]
                if len(value) < length:
                    return ""
                at += length
                if number == _URL_FIELD:
                    url = value.decode("utf-8")
                    return url if url.startswith(("https://", "http://")) and url.isprintable() else ""
            else:
                return ""  # fixed-width fields never occur in these tokens
    except (ValueError, UnicodeDecodeError):
        return ""
    return ""
