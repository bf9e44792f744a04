"""The tags page, in pages: tags.html lists the tags holding most stories
first, GNEWS_TAGS_PER_PAGE a page (tags-2.html, tags-3.html...), so no page
grows with the site (a tag line is about 120 bytes: 250 a page stay under
30 KB). Pelican's own "tags" direct template writes one page of every tag;
the plugin takes it out of DIRECT_TEMPLATES and this generator writes it.
"""

from __future__ import annotations

import posixpath

from pelican.generators import Generator

DEFAULT_PER_PAGE = 250


def take_over_tags_page(pelican) -> None:
    templates = pelican.settings.get("DIRECT_TEMPLATES") or []
    if "tags" in templates:
        pelican.settings["DIRECT_TEMPLATES"] = [t for t in templates if t != "tags"]
        pelican.settings["GNEWS_TAG_INDEX"] = True


def numbered(path: str, number: int) -> str:
    """tags.html, tags-2.html, ...; tags/ and tags/2/ for folder addresses."""
    if number == 1:
        return path
    if path.endswith("/"):
        return f"{path}{number}/"
    if path.endswith("/index.html"):
        return f"{path[: -len('index.html')]}{number}/index.html"
    stem, ext = posixpath.splitext(path)
    return f"{stem}-{number}{ext}"


class TagIndexGenerator(Generator):
    def _per_page(self) -> int:
        return max(1, int(self.settings.get("GNEWS_TAGS_PER_PAGE") or DEFAULT_PER_PAGE))

    def generate_context(self):
        """The files it will write, known before any story takes one
        (outputs.keep_pages_apart)."""
        self.save_as_paths = []
        if self.settings.get("GNEWS_TAG_INDEX"):
            count = max(1, -(-len(self.context.get("tags", [])) // self._per_page()))
            save_as = self.settings.get("TAGS_SAVE_AS") or "tags.html"
            self.save_as_paths = [numbered(save_as, n) for n in range(1, count + 1)]

    def generate_output(self, writer):
        if not self.settings.get("GNEWS_TAG_INDEX"):
            return
        tags = sorted(self.context.get("tags", []), key=lambda pair: (-len(pair[1]), str(pair[0]).lower()))
        per_page = self._per_page()
        chunks = [tags[i:i + per_page] for i in range(0, len(tags), per_page)] or [[]]
        save_as = self.settings.get("TAGS_SAVE_AS") or "tags.html"
        url = self.settings.get("TAGS_URL") or save_as
        pages = [(n, numbered(url, n)) for n in range(1, len(chunks) + 1)]
        template = self.get_template("tags")
        for number, chunk in enumerate(chunks, 1):
            writer.write_file(
                numbered(save_as, number), template, self.context,
                relative_urls=self.settings.get("RELATIVE_URLS"), template_name="tags",
                url=numbered(url, number), tag_page=chunk, tag_page_number=number, tag_pages=pages,
            )
