"""The site's writer: Pelican's, with stable pagination (pagination.py).

Every paginated list of the site (the front page, tag, section, author and
outlet pages) goes through Writer.write_file with the stories to paginate;
this writer cuts them into stable pages and writes each as one file, with
the template variables Pelican's own pagination sets (`articles_page`,
`articles_paginator`, `articles_previous_page`, `articles_next_page`).
"""

from __future__ import annotations

from pelican.writers import Writer

from .pagination import Page, paginate


def per_page(settings, template_name: str | None) -> int | None:
    """Stories a page of this template: None when it is not paginated, 0
    for all on one page (as Pelican does without DEFAULT_PAGINATION)."""
    paginated = settings.get("PAGINATED_TEMPLATES", {})
    if template_name not in paginated:
        return None
    return paginated[template_name] or settings.get("DEFAULT_PAGINATION") or 0


class GNewsWriter(Writer):
    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        size = per_page(self.settings, template_name)
        if not (name and paginated) or size is None:
            return super().write_file(name, template, context, relative_urls, {}, template_name,
                                      override_output, url, **kwargs)
        stories = paginated.get("articles", next(iter(paginated.values())))
        pages = paginate(list(stories), name, url or name, size or len(stories))
        for page in pages.pages:
            local = dict(kwargs)
            for key, values in paginated.items():
                # Other lists (`dates`) get the same stories, in their order.
                if values is stories:
                    this = page
                else:
                    mine = {id(s) for s in page.object_list}
                    this = Page([s for s in values if id(s) in mine], page.save_as, page.url, page.is_front,
                                page.newer, page.older)
                local.update({f"{key}_paginator": pages, f"{key}_page": this,
                              f"{key}_previous_page": page.newer, f"{key}_next_page": page.older})
            super().write_file(page.save_as, template, context, relative_urls, {}, template_name,
                               override_output, page.url, **local)
        return None
