"""/favicon.ico at the site's root.

Browsers, feed readers and crawlers ask every site for /favicon.ico, whatever
its pages link; a site without one answers each ask with a 404. The theme's
pages link theme/static/favicon.svg; this writes the same glyph (a page of
headlines: a heading bar and three lines on the theme's link blue) as a
32-pixel PNG inside an ICO container, which every browser reads. It is made
here, from the shapes below, so the repository holds no binary file.
"""

from __future__ import annotations

import struct
import zlib

from pelican.generators import Generator

from .data_files import write_data

SAVE_AS = "favicon.ico"
SIZE = 16  # the SVG's viewBox
SCALE = 2  # 32 pixels: sharp on high-density screens, still a few hundred bytes
CORNER = 3  # the SVG's rx
BACKGROUND = (0x0A, 0x4F, 0x94)
BARS = ((3, 3, 10, 3), (3, 8, 10, 1), (3, 10, 10, 1), (3, 12, 6, 1))  # x, y, width, height, as in the SVG


def _pixel(x: float, y: float) -> bytes:
    """RGBA of the glyph at a point of the 16-unit square."""
    near = (min(max(x, CORNER), SIZE - CORNER), min(max(y, CORNER), SIZE - CORNER))
    if (x - near[0]) ** 2 + (y - near[1]) ** 2 > CORNER ** 2:
        return b"\0\0\0\0"  # outside the rounded corner
    if any(bx <= x < bx + w and by <= y < by + h for bx, by, w, h in BARS):
        return b"\xff\xff\xff\xff"
    return bytes(BACKGROUND) + b"\xff"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    side = SIZE * SCALE
    rows = b"".join(b"\0" + b"".join(_pixel((i + 0.5) / SCALE, (j + 0.5) / SCALE) for i in range(side))
                    for j in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b""))


def ico() -> bytes:
    """One PNG image in an ICO container (Windows Vista's form, read by all)."""
    image = png()
    side = SIZE * SCALE
    return (struct.pack("<HHH", 0, 1, 1)
            + struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), 6 + 16)
            + image)


class FaviconGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        # A site that ships its own favicon.ico (STATIC_PATHS) keeps it.
        if any(getattr(f, "save_as", "") == SAVE_AS for f in self.context.get("staticfiles", ())):
            return
        write_data(writer, self.context, SAVE_AS, None, ico)
