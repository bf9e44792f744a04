"""Settings for the bundled sample site: `pelican content` builds it offline."""

SITENAME = "Newsroom"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PLUGINS = ["pelican_gnews"]
THEME = "theme"

# Feeds to sync into content/news/ before each build. Each entry is a URL, a
# file path (relative to the folder you run pelican from), or a dict with
# "url" and an optional "category" that overrides the feed's own section.
GNEWS_FEEDS = [
    "samples/feeds/world.xml",
    "samples/feeds/technology.xml",
    "samples/feeds/science.xml",
    {"url": "samples/feeds/wirtschaft_de.xml", "category": "Wirtschaft"},
    "samples/feeds/alam_ar.xml",
    "samples/feeds/top_ja.xml",
    # A live Google News topic feed (World, US edition). `pelican-gnews url`
    # prints others; live feeds need the network when you build.
    # "https://news.google.com/rss/topics/CAAqJggKIiBDQkFTRWdvSUwyMHZNRGx1YlY4U0FtVnVHZ0pWVXlnQVAB?hl=en-US&gl=US&ceid=US:en",
]
GNEWS_CONTENT_DIR = "news"
GNEWS_MAX_TAGS = 5
GNEWS_SYNC_ON_BUILD = True
# The deploy workflow commits what the sync writes (story files, archive
# months, state) to this branch, not to main, and folds its history into one
# commit once it passes GNEWS_DATA_KEEP (168) commits: Google's link tokens
# do not compress, so hourly commits on main would grow the repository by
# about 70 KB an hour, past 1 GB in under three years. Editors edit story
# files on this branch. "" keeps everything on main (docs/deploy.md, "A
# repository that stays small"). Local builds are not affected.
GNEWS_DATA_BRANCH = "gnews-data"

DEFAULT_PAGINATION = 20
# Every list is paginated, so that no page grows with the site: outlet pages
# list one line per story, so more of them fit on a page.
PAGINATED_TEMPLATES = {"latest": None, "tag": None, "category": None, "author": None,
                       "outlet": 50}
# Entries in each feed (all stories, and each section's, tag's and outlet's):
# a reader's feed needs the latest only, and every feed a new story joins is
# written again in the hourly build.
FEED_MAX_ITEMS = 25
# Development builds: relative links, no Atom feeds (they need an absolute
# SITEURL; publishconf.py turns them on).
RELATIVE_URLS = True
FEED_ALL_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CATEGORY_FEED_ATOM = None
TAG_FEED_ATOM = None

# Incremental builds (pelican_gnews/publish/incremental.py): a page whose inputs did
# not change since the last build is kept, not rendered again, and files the
# build no longer makes are removed. Pelican's content cache (checked by
# content, since a checkout gives every file a new time) saves reading
# unchanged story files. Both live in CACHE_PATH.
GNEWS_INCREMENTAL = True
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "md5"
CONTENT_CACHING_LAYER = "reader"
# Stored as it is: gzip doubles the time of saving it, every hour, and
# the workflow's cache compresses it anyway.
GZIP_CACHE = False

# The theme's pages besides stories; outlet pages come from the plugin.
# index.html is the front page (stories ranked by importance: see
# docs/joining-and-ranking.md); latest.html lists them by time.
DIRECT_TEMPLATES = ["index", "latest", "tags", "categories", "archives", "404"]
