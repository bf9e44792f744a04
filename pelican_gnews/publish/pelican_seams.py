"""Every piece of Pelican the plugin replaces or reads past its public API,
in one place, and the check that the installed Pelican still has them.

The plugin uses Pelican's supported hooks wherever one exists: signals
(plugin.py), `get_generators` for the pages Pelican does not make,
`get_writer` for the writer (writer.py subclasses Pelican's Writer), and
settings. The pieces below have no hook; each function here is the only
code that touches its piece, and PIECES says what each replaces and why.

pyproject.toml bounds Pelican below its next minor release. When a newer
Pelican moves a piece, `check_shape` (run as a build starts) stops the
build with one line per piece naming it, instead of a site that builds
wrong or hangs at 3 a.m.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
import types
from collections.abc import Callable
from dataclasses import dataclass

import pelican
import pelican.cache
import pelican.contents
import pelican.generators
import pelican.log
import pelican.readers
import pelican.utils
import pelican.writers


class PelicanShapeError(SystemExit):
    """The installed Pelican lacks a piece the plugin replaces or reads.
    A SystemExit: Pelican logs any other exception with its traceback, and
    this needs only its message (printed as the process exits with 1)."""


@dataclass(frozen=True)
class Piece:
    name: str  # Pelican's own name for it
    use: str  # what the plugin does with it, and why no hook serves
    check: Callable[[], str]  # '' when the piece has the expected shape, else what differs


def _parameters(function, expected: list[str]) -> str:
    try:
        found = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return "is not a function"
    return "" if found[:len(expected)] == expected else f"takes ({', '.join(found)}), not ({', '.join(expected)})"


def _method(cls, name: str, expected: list[str]) -> Callable[[], str]:
    def check() -> str:
        function = getattr(cls, name, None)
        return "is gone" if function is None else _parameters(function, expected)
    return check


def _source_check(cls, method: str, missing: Callable[[str], str]) -> Callable[[], str]:
    """A check of `cls.method`'s source: `missing(source)` says what it lacks."""
    def check() -> str:
        try:
            source = inspect.getsource(getattr(cls, method))
        except (AttributeError, OSError, TypeError):
            return f"{cls.__name__}.{method} cannot be read"
        lacking = missing(source)
        return f"{cls.__name__}.{method} {lacking}" if lacking else ""
    return check


def _source_has(cls, method: str, text: str) -> Callable[[], str]:
    return _source_check(cls, method, lambda source: "" if text in source else f"no longer has {text}")


def _sets(cls, method: str, *attributes: str) -> Callable[[], str]:
    """`cls.method` still assigns each of `attributes` on self."""
    def missing(source: str) -> str:
        gone = [a for a in attributes if f"self.{a}" not in source]
        return f"no longer sets {', '.join(gone)}" if gone else ""
    return _source_check(cls, method, missing)


def _first_call(source: str, call: str) -> str:
    """'' when `call` is in `source` before any other call of a self.generate_ method."""
    at = source.find(call)
    if at < 0:
        return f"no longer has {call}"
    return "" if source.find("self.generate_") == at else f"calls another self.generate_ method before {call}"


def _attribute(owner, name: str) -> Callable[[], str]:
    return lambda: "" if hasattr(owner, name) else "is gone"


G = pelican.generators
PIECES = (
    Piece("Generator.get_files", "replaced on each generator (outputs.loop_safe_get_files): Pelican follows "
          "folder links without remembering them, so a link loop in content/ never ends",
          _method(G.Generator, "get_files", ["self", "paths", "exclude", "extensions"])),
    Piece("Generator._include_path", "called by that replacement, to include the files Pelican would",
          _method(G.Generator, "_include_path", ["self", "path", "extensions"])),
    Piece("ArticlesGenerator.generate_tags, generate_categories, generate_authors",
          "replaced on the articles generator (taxonomy.py): Pelican renders every tag, section and author "
          "page with the whole site in its context, in time that grows with the square of the site",
          lambda: "; ".join(filter(None, (_method(G.ArticlesGenerator, n, ["self", "write"])()
                                          for n in ("generate_tags", "generate_categories", "generate_authors"))))),
    Piece("pelican.generators.process_translations",
          "swapped for translations.process_translations while a generator builds its context: the "
          "generators call it through their module, and Pelican's is quadratic in the site",
          lambda: _parameters(getattr(G, "process_translations", None), ["content_list", "translation_id"])),
    Piece("pelican.utils.process_translations, get_original_items, order_content",
          "called to group translations and order stories as Pelican does",
          lambda: "; ".join(filter(None, (
              _parameters(getattr(pelican.utils, "process_translations", None), ["content_list", "translation_id"]),
              _parameters(getattr(pelican.utils, "get_original_items", None), ["items", "with_str"]),
              _parameters(getattr(pelican.utils, "order_content", None), ["content_list", "order_by"]))))),
    Piece("Pelican.delete_outputdir", "set false for incremental builds, which keep the last output (the "
          "writer removes what a build no longer makes); Pelican reads it, not the setting, after start-up",
          _sets(pelican.Pelican, "__init__", "delete_outputdir")),
    Piece("FileDataCacher._cache_path, _cache_open, _cache, _cache_data_policy, settings, save_cache",
          "save_cache replaced on each cacher (incremental._safe_save): Pelican writes its cache in place, "
          "and a build killed meanwhile leaves a file that stops the next one; and it keeps the entries of "
          "deleted files for good",
          lambda: _sets(pelican.cache.FileDataCacher, "__init__", "_cache_path", "_cache_open", "_cache",
                        "_cache_data_policy", "settings")()
          or _method(pelican.cache.FileDataCacher, "save_cache", ["self"])()),
    Piece("CachingGenerator.get_cached_data, cache_data",
          "made no-ops on a generator whose own cache is off (CONTENT_CACHING_LAYER other than 'generator'): "
          "Pelican reads and hashes every content file there for nothing, besides in the reader's cache",
          lambda: _source_has(G.CachingGenerator, "__init__", 'self.settings["CONTENT_CACHING_LAYER"] == "generator"')()
          or _method(pelican.cache.FileStampDataCacher, "get_cached_data", ["self", "filename", "default"])()
          or _method(pelican.cache.FileStampDataCacher, "cache_data", ["self", "filename", "data"])()),
    Piece("FileStampDataCacher._filestamp_func", "wrapped on each content cache that stamps files by hash "
          "(file_stamps.py): Pelican reads and hashes every content file at every build; a file the file "
          "system says is unchanged since the last build keeps the stamp it had",
          lambda: _sets(pelican.cache.FileStampDataCacher, "__init__", "_filestamp_func")()
          or _source_has(pelican.cache.FileStampDataCacher, "_get_file_stamp", "self._filestamp_func(filename)")()),
    Piece("Generator.add_static_links, Content._content, Content._get_intrasite_link_regex",
          "add_static_links wrapped on the articles and pages generators (scan_static_links_lightly): content "
          "that cannot hold a {static} or {attach} link is not scanned with Pelican's slow pattern",
          lambda: _method(G.Generator, "add_static_links", ["self", "content"])()
          or _source_has(pelican.contents.Content, "get_static_links", "finditer(self._content)")()
          or _source_has(pelican.contents.Content, "_get_intrasite_link_regex",
                         '(?P<quote>["\\\'])      # require value to be quoted\n'
                         '            (?P<path>{intrasite_link_regex}')()),
    Piece("Writer.write_file, write_feed", "overridden by writer.GNewsWriter (through get_writer) with their "
          "parameters, for stable pagination, JSON feeds and incremental builds",
          lambda: _method(pelican.writers.Writer, "write_file", [
              "self", "name", "template", "context", "relative_urls", "paginated", "template_name",
              "override_output", "url"])() or _method(pelican.writers.Writer, "write_feed", [
                  "self", "elements", "context", "path", "url", "feed_type", "override_output", "feed_title"])()),
    Piece("Writer._create_new_feed, _add_item_to_the_feed",
          "overridden by writer.GNewsWriter: a story's feed entry is made once, however many feeds show it "
          "(feed_entries.py); Pelican makes each feed's entries anew and has no hook for an entry",
          lambda: _method(pelican.writers.Writer, "_create_new_feed", ["self", "feed_type", "feed_title",
                                                                       "context"])()
          or _method(pelican.writers.Writer, "_add_item_to_the_feed", ["self", "feed", "item"])()),
    Piece("StaticGenerator's context['staticfiles']", "read at the end of an incremental build, so that the "
          "static files Pelican copied are not removed as stale",
          _source_has(G.StaticGenerator, "generate_context", '_update_context(("staticfiles",))')),
    Piece("Readers.reader_classes", "given the story reader and the localised reST reader (readers_init passes "
          "the Readers object, and Pelican's plugin docs name this attribute)",
          _sets(pelican.readers.Readers, "__init__", "reader_classes")),
    Piece("ArticlesGenerator.generate_pages", "relied on to write every story page before any other page "
          "(generate_articles first): the writer starts the search index at the first other page, so that "
          "Pagefind runs beside the rest of the build (search.IndexJob); no signal marks that moment",
          _source_check(G.ArticlesGenerator, "generate_pages", lambda source: _first_call(
              source, "self.generate_articles(write)"))),
    Piece("pelican.log.console", "prints the sync's summary the way Pelican prints its 'Done:' line",
          _attribute(pelican.log, "console")),
)


def check_shape(pelican_object=None) -> None:
    """Raise PelicanShapeError naming every piece the installed Pelican
    lacks (connected to `initialized` first, so no build starts without)."""
    broken = [f"{piece.name} {problem} (used: {piece.use})" for piece in PIECES if (problem := piece.check())]
    if broken:
        version = getattr(pelican, "__version__", "?")
        raise PelicanShapeError(
            f"pelican-gnews does not fit Pelican {version}: " + "; ".join(broken)
            + ". Install the Pelican that pyproject.toml names (scripts/install-locked does).")


# -- the pieces, each touched only here ---------------------------------------

def replace_get_files(generator, get_files) -> None:
    generator.get_files = types.MethodType(get_files, generator)


def include_path(generator, path: str, extensions) -> bool:
    return generator._include_path(path, extensions)


def replace_taxonomy(generator, methods: dict) -> None:
    """`methods`: generate_tags, generate_categories, generate_authors."""
    for name, function in methods.items():
        setattr(generator, name, types.MethodType(function, generator))


def group_translations_with(generator, process_translations) -> None:
    """`generator.generate_context` runs with `process_translations` in
    place of Pelican's, which the generators call through their module."""
    method = generator.generate_context

    @functools.wraps(method)
    def generate_context(*args, **kwargs):
        with _module_function(G, "process_translations", process_translations):
            return method(*args, **kwargs)

    generator.generate_context = generate_context


@contextlib.contextmanager
def _module_function(module, name: str, function):
    original = getattr(module, name)
    setattr(module, name, function)
    try:
        yield
    finally:
        setattr(module, name, original)


def keep_output_dir(pelican_object) -> None:
    pelican_object.delete_outputdir = False


def replace_save_cache(cacher, make_save) -> None:
    """`make_save(cacher)` returns the cacher's new save_cache."""
    cacher.save_cache = make_save(cacher)


def skip_unused_stamps(generator) -> None:
    """A generator whose own content cache is off (CachingGenerator turns
    it on only for the 'generator' layer) answers "not cached" without
    stamping the file: with CHECK_MODIFIED_METHOD "md5" Pelican would read
    and hash each content file there, and again in the reader's cache."""
    if isinstance(generator, G.CachingGenerator) and generator.settings.get("CONTENT_CACHING_LAYER") != "generator":
        generator.get_cached_data = lambda filename, default=None: default
        generator.cache_data = lambda filename, data: None


def file_stamp_function(cacher):
    """The cacher's stamp of a file (a hash of its bytes, or its mtime), or None."""
    return getattr(cacher, "_filestamp_func", None)


def use_file_stamp_function(cacher, function) -> None:
    cacher._filestamp_func = function


def scan_static_links_lightly(generator) -> None:
    """Pelican looks for {static} and {attach} links in the content of every
    story, every build, with a pattern that backtracks at every tag (about
    20 µs a story). Every link it finds is an attribute's quoted value that
    starts with INTRASITE_LINK_REGEX: content with no such value is skipped.
    (An INTRASITE_LINK_REGEX that does not compile alone is scanned as Pelican does.)"""
    if not isinstance(generator, (G.ArticlesGenerator, G.PagesGenerator)):
        return
    try:
        quick = re.compile(r"""=\s*["'](?:""" + str(generator.settings["INTRASITE_LINK_REGEX"]) + ")")
    except (re.error, KeyError, TypeError):
        return
    method = generator.add_static_links

    def add_static_links(content):
        text = getattr(content, "_content", None)
        if isinstance(text, str) and quick.search(text) is None:
            return
        method(content)

    generator.add_static_links = add_static_links


def cache_contents(cacher):
    """(whether the cacher saves, its file, how it opens it, what it holds)."""
    return (bool(getattr(cacher, "_cache_data_policy", False)), cacher._cache_path, cacher._cache_open,
            cacher._cache)


def reader_class(readers, extension: str):
    return readers.reader_classes.get(extension)


def use_reader(readers, extension: str, reader) -> None:
    readers.reader_classes[extension] = reader


def static_files(context) -> list:
    """The static files Pelican copies in this build."""
    return list(context.get("staticfiles", ()))


def console():
    return pelican.log.console
