"""The package's version, in a module of its own: the fetcher's User-Agent
and the command line read it without importing the plugin."""

__version__ = "0.1.0"
