"""The way out: the Pelican side. Story files read, pages and feeds
written (stable pagination, incremental builds, the monthly archive)."""
