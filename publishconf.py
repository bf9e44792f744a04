"""Settings for publishing: `pelican content -s publishconf.py`.

Everything in pelicanconf.py, plus absolute URLs and Atom feeds. SITEURL is
taken from the SITEURL environment variable (the GitHub Pages workflow sets
it to the Pages URL, so project sites under /REPO/ and custom domains both
work); set it here if you publish elsewhere.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://example.github.io/news").rstrip("/")
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
# Each kind of feed in its own folder: Pelican's author and category feeds
# share one default pattern, and an outlet or tag could share a slug.
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
GNEWS_OUTLET_FEED_ATOM = "feeds/outlet/{slug}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

DELETE_OUTPUT_DIRECTORY = True

# "How stories are ranked", on every story page, links the ranking's docs in
# this site's own repository (the workflow's GITHUB_REPOSITORY); elsewhere,
# set the address of your copy of docs/joining-and-ranking.md here.
if os.environ.get("GITHUB_REPOSITORY"):
    GNEWS_RANKING_DOCS_URL = (f"{os.environ.get('GITHUB_SERVER_URL', 'https://github.com')}/"
                              f"{os.environ['GITHUB_REPOSITORY']}/blob/HEAD/docs/joining-and-ranking.md"
                              "#why-a-story-is-where-it-is")

# The publishing workflow runs `pelican-gnews sync` first and commits what it
# wrote; the build itself only reads content/.
GNEWS_SYNC_ON_BUILD = False
