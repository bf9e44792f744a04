"""The theme's templates, compiled once and kept between builds.

Jinja compiles every template from its source at each build: on a small
site about a fifth of the build's time, on an hourly build a fixed cost.
Jinja's bytecode cache keeps the compiled code in files (in CACHE_PATH, with
Pelican's content cache, which the hourly workflow keeps), named by the template's path and what of
the environment shapes its compiled code (extensions, delimiters,
whitespace rules), and checked against a hash of its source and Jinja's own
version: an edited template or a changed environment is compiled again, and
a kept one renders the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

logger = logging.getLogger(__name__)

FOLDER = "gnews-templates"
# The environment's options that change what a template compiles to.
_SHAPING = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized")


def _name(value) -> str:
    return getattr(value, "__qualname__", None) or repr(value)


def environment_key(environment) -> str:
    parts = [repr(getattr(environment, option, None)) for option in _SHAPING]
    parts += sorted(_name(type(extension)) for extension in environment.extensions.values())
    parts += [_name(environment.finalize), _name(environment.autoescape), type(environment).__qualname__]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


class KeptTemplates(FileSystemBytecodeCache):
    """A bytecode cache that never stops a build: a folder that cannot be
    read or written is no cache (Jinja's own raises for some)."""

    def get_bucket(self, environment, name, filename, source):
        # Asked when a template is first loaded, after every plugin has
        # added its extensions to the environment.
        return super().get_bucket(environment, f"{environment_key(environment)}|{name}", filename, source)

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError as exc:
            logger.debug("pelican-gnews: compiled template not read from %s (%s)", self.directory, exc)

    def dump_bytecode(self, bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError as exc:
            logger.debug("pelican-gnews: compiled template not kept in %s (%s)", self.directory, exc)


def keep_compiled_templates(generator) -> None:
    """Give the generator's template environment the cache (on
    `generator_init`; `env` is where Pelican's plugins add to Jinja), when
    the site keeps Pelican's content cache: a site that turned caching off
    gets nothing written outside its output."""
    if not generator.settings.get("CACHE_CONTENT"):
        return
    folder = Path(generator.settings.get("CACHE_PATH") or "cache") / FOLDER
    generator.env.bytecode_cache = KeptTemplates(str(folder))
