# Local equivalents of the publishing workflow, in Pelican's usual shape.
#   make sync        fetch the feeds into content/news (pelican-gnews sync)
#   make html        build the site into output/ (syncs first, see GNEWS_SYNC_ON_BUILD)
#   make serve       serve output/ on http://localhost:8000
#   make devserver   rebuild on every change and serve
#   make publish     sync, then build with publishconf.py (absolute URLs, feeds)
#   make clean       remove output/
PELICAN ?= pelican
PELICANOPTS ?=
GNEWS ?= pelican-gnews
BASEDIR = $(CURDIR)
INPUTDIR = $(BASEDIR)/content
OUTPUTDIR = $(BASEDIR)/output
CONFFILE = $(BASEDIR)/pelicanconf.py
PUBLISHCONF = $(BASEDIR)/publishconf.py
PORT ?= 8000

help:
	@sed -n '2,7p' Makefile | sed 's/^# //'

sync:
	$(GNEWS) sync -s "$(CONFFILE)"

html:
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate:
	"$(PELICAN)" -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve:
	"$(PELICAN)" -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) $(PELICANOPTS)

devserver:
	"$(PELICAN)" -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) $(PELICANOPTS)

publish:
	$(GNEWS) sync -s "$(PUBLISHCONF)"
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

.PHONY: help sync html clean regenerate serve devserver publish
