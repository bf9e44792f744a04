"""pelican-gnews: Google News RSS feeds as a Pelican news site.

Enable with ``PLUGINS = ["pelican_gnews"]``. The plugin
* syncs GNEWS_FEEDS into story files before a build (GNEWS_SYNC_ON_BUILD),
* reads story files (Markdown with YAML front matter) with its own reader,
* keeps a build from aborting when two files claim one slug.
"""

from .version import __version__  # noqa: F401 - the package's public version


def register():
    # Imported here so that `import pelican_gnews` stays cheap (the CLI
    # reads __version__ before Pelican is needed).
    from .publish.plugin import register as _register  # noqa: PLC0415 - see above

    _register()
